fn sign(n: i32) -> String { if n < 0 { return "negative".into(); } if n == 0 { return "zero".into(); } "positive".into() }
fn find_first_negative(v: &Vec<i32>) -> i32 { for &x in v { if x < 0 { return x; } } 0 }
fn log_if_positive(n: i32) { if n <= 0 { return; } println!("positive: {}", n); }
fn clamp(x: i32, lo: i32, hi: i32) -> i32 { if x < lo { lo } else if x > hi { hi } else { x } }
fn main() {
    let x = 5; let y = { let x = x * 2; x + 1 }; println!("{} {}", x, y);
    let x = "shadowed"; println!("{}", x);
    let x = x.len(); println!("{}", x);
    { let x = 100; println!("inner {}", x); }
    println!("outer {}", x);
    let z = { let a = 3; let b = 4; a * a + b * b }; println!("{}", z);
    let unit_block = { println!("side effect"); };
    let w = if z > 20 { "big" } else { "small" }; println!("{}", w);
    let n = if z % 2 == 0 { z / 2 } else { 3 * z + 1 }; println!("{}", n);
    println!("{} {} {}", sign(-3), sign(0), sign(8));
    println!("{} {}", find_first_negative(&vec![3, 1, -4, -1]), find_first_negative(&vec![1, 2]));
    log_if_positive(-1); log_if_positive(9);
    println!("{} {} {}", clamp(-5, 0, 10), clamp(50, 0, 10), clamp(7, 0, 10));
    let mut acc = 0; for i in 0..3 { let i = i * 10; acc += i; } println!("{}", acc);
    let label = match acc { 30 => { let s = "thirty"; s.to_uppercase() } _ => "other".into() }; println!("{}", label);
}
