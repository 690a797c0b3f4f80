fn find(grid: &Vec<Vec<i32>>, target: i32) -> Option<(usize, usize)> {
    let mut found = None;
    'rows: for r in 0..grid.len() { for c in 0..grid[r].len() { if grid[r][c] == target { found = Some((r, c)); break 'rows } } }
    found
}
fn main() {
    let grid = vec![vec![1, 2, 3], vec![4, 5, 6], vec![7, 8, 9]];
    println!("{:?} {:?}", find(&grid, 5), find(&grid, 10));
    let mut pairs = Vec::new();
    'outer: for i in 0..5 { for j in 0..5 { if j > i { continue 'outer } if i + j == 6 { break 'outer } pairs.push((i, j)) } }
    println!("{:?}", pairs);
    let mut n = 0;
    let v = 'search: loop { let mut k = 0; while k < 10 { k += 1; n += 1; if n * k > 40 { break 'search n * 100 + k } } };
    println!("{} {}", v, n);
    let mut stack = vec![vec![1, 2], vec![3, 4, 5], vec![6]];
    let mut seen = 0;
    'drain: while let Some(mut top) = stack.pop() { while let Some(x) = top.pop() { if x == 3 { continue 'drain } if x == 1 { break 'drain } seen += x } }
    println!("{} {}", seen, stack.len());
    let mut count = 0;
    'a: loop { 'b: loop { count += 1; if count % 3 == 0 { continue 'a } if count > 10 { break 'a } break 'b } count += 10 }
    println!("{}", count);
}
