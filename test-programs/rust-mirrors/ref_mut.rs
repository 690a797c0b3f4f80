include!("omap.rs");
#[derive(Debug, Clone, Copy)] struct Point { x: i32, y: i32 }
#[derive(Debug, Clone)] struct Body { pos: Point, vel: Point, trail: Vec<Point> }
fn bump(n: &mut i32) { *n += 1 }
fn double_f(x: &mut f64) { *x *= 2.0 }
fn swap(a: &mut i32, b: &mut i32) { let t = *a; *a = *b; *b = t }
fn push_twice(v: &mut Vec<i32>, x: i32) { v.push(x); v.push(x) }
fn push_four(v: &mut Vec<i32>, x: i32) { push_twice(v, x); push_twice(v, x + 1) }
fn exclaim(s: &mut String) { s.push_str("!") }
fn tally(m: &mut OMap<String, i32>, key: &str) { let c = m.get(&key.to_string()).unwrap_or(0); m.insert(key.to_string(), c + 1); }
fn step(b: &mut Body) { b.trail.push(b.pos); b.pos.x += b.vel.x; b.pos.y += b.vel.y; }
fn reset_point(p: &mut Point) { p.x = 0; p.y = 0 }
fn set_all(v: &mut Vec<i32>, value: i32) { for i in 0..v.len() { v[i] = value } }
fn total(v: &Vec<i32>) -> i32 { let mut t = 0; for x in v { t += x } t }
fn count_big(v: &[i32], limit: i32) -> usize { let mut c = 0; for &x in v { if x > limit { c += 1 } } c }
fn read_point(p: &Point) -> i32 { p.x * 10 + p.y }
static mut FRAMES: i32 = 0;
fn main() {
    let mut n = 5; bump(&mut n); bump(&mut n); println!("{}", n);
    let mut f = 1.25; double_f(&mut f); println!("{}", f);
    let mut a = 1; let mut b = 2; swap(&mut a, &mut b); println!("{} {}", a, b);
    let mut v = Vec::new(); push_twice(&mut v, 7); push_four(&mut v, 1); println!("{:?}", v);
    let mut s = String::from("hey"); exclaim(&mut s); exclaim(&mut s); println!("{}", s);
    let mut m: OMap<String, i32> = OMap::new(); tally(&mut m, "x"); tally(&mut m, "y"); tally(&mut m, "x"); println!("{:?}", m);
    let mut p = Point { x: 3, y: 9 }; bump(&mut p.x); swap(&mut p.x, &mut p.y); println!("{:?}", p);
    reset_point(&mut p); println!("{:?}", p);
    let mut nums = vec![10, 20, 30]; bump(&mut nums[1]); let i = 2; bump(&mut nums[i]); println!("{:?}", nums);
    let mut pts = vec![Point { x: 1, y: 1 }, Point { x: 2, y: 2 }]; bump(&mut pts[1].y); reset_point(&mut pts[0]); println!("{:?}", pts);
    let mut body = Body { pos: Point { x: 0, y: 0 }, vel: Point { x: 2, y: -1 }, trail: vec![] };
    step(&mut body); step(&mut body); bump(&mut body.vel.x); step(&mut body);
    println!("{:?} {}", body.pos, body.trail.len()); println!("{:?}", body.trail);
    let mut bodies = vec![body.clone(), body.clone()]; step(&mut bodies[1]); println!("{:?} {:?}", bodies[0].pos, bodies[1].pos);
    let mut grid = vec![vec![1, 2], vec![3, 4]]; set_all(&mut grid[1], 9); push_twice(&mut grid[0], 5); println!("{:?}", grid);
    println!("{} {}", total(&nums), total(&vec![1, 2, 3]));
    println!("{} {}", count_big(&nums, 15), count_big(&[5, 50, 500], 10));
    println!("{}", read_point(&pts[1]));
    unsafe { bump(&mut *std::ptr::addr_of_mut!(FRAMES)); bump(&mut *std::ptr::addr_of_mut!(FRAMES)); println!("{}", FRAMES); }
}
