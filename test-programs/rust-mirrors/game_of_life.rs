const W: usize = 8; const H: usize = 6;
fn render(g: &Vec<Vec<bool>>) { for row in g { let mut line = String::new(); for &cell in row { line.push_str(if cell { "#" } else { "." }); } println!("{}", line); } }
fn neighbours(g: &Vec<Vec<bool>>, r: usize, c: usize) -> i32 { let mut n = 0; for dr in [H - 1, 0, 1] { for dc in [W - 1, 0, 1] { if dr == 0 && dc == 0 { continue; } if g[(r + dr) % H][(c + dc) % W] { n += 1; } } } n }
fn step(g: &Vec<Vec<bool>>) -> Vec<Vec<bool>> { let mut next = vec![vec![false; W]; H]; for r in 0..H { for c in 0..W { let n = neighbours(g, r, c); next[r][c] = match (g[r][c], n) { (true, 2) | (true, 3) => true, (false, 3) => true, _ => false }; } } next }
fn population(g: &Vec<Vec<bool>>) -> i32 { let mut p = 0; for row in g { for &cell in row { if cell { p += 1; } } } p }
fn main() {
    let mut g = vec![vec![false; W]; H];
    g[0][1] = true; g[1][2] = true; g[2][0] = true; g[2][1] = true; g[2][2] = true; g[4][5] = true; g[4][6] = true; g[4][7] = true;
    render(&g); let start = g.clone();
    for gen in 1..=4 { g = step(&g); println!("gen {} population {}", gen, population(&g)); }
    render(&g); println!("{}", population(&start));
}
