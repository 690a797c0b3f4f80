include!("omap.rs");
fn min_max(v: &Vec<i32>) -> (i32, i32) { let mut lo = v[0]; let mut hi = v[0]; for &x in v { lo = lo.min(x); hi = hi.max(x); } (lo, hi) }
fn divmod(a: i32, b: i32) -> (i32, i32) { (a / b, a % b) }
fn swap_pair(p: (String, i32)) -> (i32, String) { let (s, n) = p; (n, s) }
fn main() {
    let t = (1, "two", 3.5, true); println!("{} {} {} {}", t.0, t.1, t.2, t.3);
    let (a, b) = divmod(17, 5); println!("{} {}", a, b);
    let (mut q, r) = divmod(7, 2); q += r * 100; println!("{}", q);
    let (lo, hi) = min_max(&vec![4, -2, 9, 0]); println!("{} {}", lo, hi);
    let (n, s) = swap_pair(("x".into(), 9)); println!("{} {}", n, s);
    let mut p = (0, 0); p.0 = 5; p.1 += 7; println!("{:?}", p);
    let nested = ((1, 2), (3, (4, 5)));
    let right = nested.1; let deep = right.1; println!("{} {} {}", deep.0, (nested.0).1, right.0);
    let ((w, _), (_, (_, z))) = nested; println!("{} {}", w, z);
    let pts = vec![(1, "a"), (2, "b")]; println!("{} {}", pts.len(), pts[1].1);
    let mut pairs: Vec<(String, i32)> = vec![]; pairs.push(("b".into(), 2)); pairs.push(("a".into(), 1)); pairs.push(("b".into(), 1)); pairs.sort();
    for (name, val) in pairs { print!("{}{} ", name, val); } println!("|");
    let mut m: OMap<(i32, i32), String> = OMap::new(); m.insert((0, 0), "origin".into()); m.insert((1, 2), "point".into());
    println!("{:?} {:?}", m.get(&(1, 2)), m.get(&(2, 1)));
}
