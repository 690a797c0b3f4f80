fn main() {
    let x: f64 = 2.0;
    println!("{} {} {}", x.sqrt(), x.powi(10), x.powf(0.5));
    println!("{:.4} {:.4} {:.4}", x.sin(), x.cos(), x.tan());
    let y: f64 = -3.7;
    println!("{} {} {} {} {}", y.floor(), y.ceil(), y.round(), y.abs(), y.trunc());
    println!("{} {}", y.min(1.0), y.max(1.0));
    println!("{} {} {}", 1.0 / 0.0, -1.0 / 0.0, (0.0f64 / 0.0).is_nan());
    println!("{:.0} {:.1} {:.3}", 2.5, 0.05, 1.0 / 3.0);
    println!("{} {}", 1e21, 1e-7);
    println!("{} {}", 0.1 + 0.2, 100000000.0);
    let f: f32 = 16.0;
    println!("{} {}", f.sqrt(), f / 3.0);
    println!("{} {}", (2.0f64).exp().ln(), 100.0f64.log10());
    println!("{}", 3.5.to_string());
    println!("{}", -0.0);
    println!("{:?} {:?}", 1.0, 0.1 + 0.2);
    println!("{}", 2.max(1) as f64 / 4.0);
    println!("{} {}", (-2.5f64).min(3.0), (-7i32).abs());
    let v = vec![1.5, -2.0, 3.25]; let mut s = 0.0; for a in &v { s += a }
    println!("{} {}", s, s / v.len() as f64);
    println!("{}", 7 as f64 / 2 as f64);
    println!("{}", (10.0 as f32) * 0.1);
    println!("{}", f64::default());
}
