struct P { x: i32, y: i32 }
fn early(n: i32) { if n < 0 { return } println!("ok {}", n) }
fn swap_pair(p: (i32, String)) -> (String, i32) { let (a, b) = p; (b, a) }
fn main() {
    let x = 1 + 2 * 3; println!("{}", x);
    let total = add3(1, 2, 3); println!("{}", total);
    early(-1); early(4);
    let p = P { x: 3, y: 4 }; let P { x, y } = p; println!("{} {}", x, y);
    let mut t = (1, ("a", 2.5), vec![1, 2]); t.0 += 10; t.1 .1 *= 2.0; t.2.push(3);
    println!("{:?} {} {}", t, t.1 .0, t.2[2]);
    let pairs = vec![(1, "one"), (2, "two")]; println!("{} {}", pairs[1].0, pairs[0].1);
    let (s, n) = swap_pair((7, "seven".into())); println!("{} {}", s, n);
    let cond = x > 3 && total == 6; println!("{}", cond);
    let v = if cond { "yes" } else { "no" }; println!("{}", v);
    let mut count = 0; count += 1; count += 1; println!("{}", count);
    let q = P { x: 1, y: 2 };
    if q.x == 1 { println!("one") } else if q.x == 2 { println!("two") } else { println!("many") }
    let r = match q { P { x: 1, y } => y * 100, P { x, .. } => x }; println!("{}", r);
    let nested = vec![vec![1, 2, 3], vec![4, 5, 6]]; let mut sum = 0; for row in nested { for c in row { sum += c } } println!("{}", sum);
    let w = (((1 + 2)));  println!("{}", w);
    let neg = -(3 - 5); println!("{} {}", neg, !true || false);
    println!("{}", 2 + 3 * 4 - 8 / 2 % 3);
    println!("{}", (1 < 2) == true);
    println!("{}", (1 << 4) + (256 >> 2) | 1 & 3 ^ 2);
}
fn add3(a: i32, b: i32, c: i32) -> i32 { a + b + c }
