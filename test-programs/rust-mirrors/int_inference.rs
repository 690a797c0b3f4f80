fn f(n: i64) -> i64 { n * 3 }
fn takes_u8(b: u8) -> u8 { b }
fn main() {
    let v = vec![10, 20, 30, 40, 50, 60];
    let i = 5;
    println!("{}", v[i]);
    let mut total = 0;
    let mut last = 0;
    for i in 0..20 { total += f(i); last = i * 1_000_000_000; }
    println!("{} {}", total, last);
    let mut x: i32 = 2147483647;
    x = x.wrapping_add(1);
    println!("{}", x);
    let big: u64 = 1 << 40;
    println!("{}", big);
    let mut n = 0;
    n = v.len();
    println!("{}", n);
    let k = 3; let j = k + 1;
    println!("{} {}", v[k], v[j]);
    let ff = 2.0; let y: f32 = ff;
    println!("{}", y / 3.0);
    println!("{}", takes_u8(255));
    let m = 7;
    println!("{}", m as f64 / 2.0);
    let mut w = Vec::new(); w.push(3000000000); let t: i64 = w[0] + 1;
    println!("{}", t);
    let h = 0xFFFF_FFFF; let hh: u32 = h;
    println!("{}", hh);
}
