fn hypot(a: f64, b: f64) -> f64 { (a * a + b * b).sqrt() }
fn main() {
    let x: f64 = 2.0;
    println!("{}", x.sqrt());
    println!("{}", hypot(3.0, 4.0));
    println!("{} {} {}", 2.7f64.floor(), 2.2f64.ceil(), -2.7f64.floor());
    let r1: f64 = 2.5; let r2: f64 = -2.5; let r3: f64 = 2.4999;
    println!("{} {} {}", r1.round(), r2.round(), r3.round());
    let neg: f64 = -3.25; println!("{}", neg.abs());
    println!("{}", x.powi(10));
    println!("{}", x.powf(0.5));
    println!("{:.6}", 9.0f64.powf(1.5));
    let pi: f64 = 3.141592653589793;
    println!("{:.4} {:.4}", pi.sin(), pi.cos());
    println!("{:.4} {:.4}", (pi / 6.0).sin(), (pi / 3.0).cos());
    println!("{}", 0.0f64.sin());
    println!("{}", 7.5 % 2.0);
    println!("{}", -7.5 % 2.0);
    println!("{} {}", std::cmp::max(3, 7), std::cmp::min(3, 7));
    println!("{} {}", f64::max(-2.5, 1.5), f64::min(-2.5, 1.5));
    println!("{} {}", (-42i32).abs(), 17i32.abs());
    println!("{}", (-0.75f64).abs());
    let a: i64 = -9000000000; println!("{}", a.abs());
    let b: u8 = 200; let c: u8 = 100; println!("{}", std::cmp::max(b, c));
    println!("{}", std::cmp::max(0, 10 - 25));
    let data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
    let mut sum = 0.0;
    for d in data { sum += d; }
    let mean = sum / data.len() as f64;
    let mut sq = 0.0;
    for d in data { sq += (d - mean) * (d - mean); }
    println!("mean={} sd={}", mean, (sq / data.len() as f64).sqrt());
}
