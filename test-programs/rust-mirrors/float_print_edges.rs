#[derive(Debug)]
struct P { x: f64, y: f32 }
fn main() {
    println!("{} {} {}", 1e21, 1e-7, 0.1 + 0.2);
    println!("{} {} {}", 1e15, 1e16, 123456789012345680000.0);
    let nz = -0.0;
    println!("{} {:?} {}", nz, nz, 0.0 * -1.0);
    let nan = 0.0f64 / 0.0;
    let inf = 1.0f64 / 0.0;
    println!("{} {} {} {:?} {:?}", nan, inf, -inf, nan, inf);
    let f: f32 = 0.1;
    let g: f32 = 0.2;
    println!("{} {} {}", f + g, f as f64, f * 3.0);
    println!("{} {:?}", 1.0f32 / 3.0, 1.0f32 / 3.0);
    println!("{} {}", 16777217.0f32, 1e10f32);
    println!("{:.0} {:.0} {:.0} {:.0} {:.0}", 0.5, 1.5, 2.5, -0.5, 3.5);
    println!("{:.1} {:.1} {:.2} {:.3}", 0.25, 0.35, 1.005, 2.0005);
    println!("{:?} {:?} {:?} {:?}", 1.0, 0.1, 1e21, 1e-7);
    println!("{:?}", P { x: 2.0, y: 1.5 });
    println!("{:?}", [1.0, 2.5, -0.0]);
    println!("{:?}", (1.0f32, 3.0e-10));
    println!("{} {}", f64::MAX, f64::MIN_POSITIVE);
    println!("{} {} {}", f32::MAX, f32::EPSILON, std::f32::consts::PI);
    println!("{} {}", 2.0f64.sqrt(), 2.0f32.sqrt());
    println!("{} {}", (2.0f32).powi(10), 2.0f64.powf(0.5));
    println!("{:.3} {:8.2}| {:<8.1}| {:+.2}", 3.14159, 2.71828, 1.25, 1.0);
    println!("{} {}", 100.0 / 3.0, (100.0f32 / 3.0) as f64);
    println!("{}", 1.0e100);
    println!("{} {}", 5e-324, 1.7976931348623157e308);
    let h: f32 = 16777216.0;
    println!("{}", h + 1.0);
    println!("{} {} {}", (2.5f64).round(), (-2.5f64).round(), (2.4f64).ceil());
    println!("{} {}", (7.9f64).trunc(), (-7.9f64).fract());
    println!("{} {}", nan == nan, nan < 1.0);
    println!("{} {}", 1.5f64.min(0.5), (-1.0f64).max(-2.0));
    println!("{}", (-3.5f64).abs());
}
