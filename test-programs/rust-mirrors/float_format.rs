#[derive(Debug)]
struct P { x: f64, y: f32 }
fn main() {
    let ten = 10.0;
    println!("{} {:?}", ten, ten);
    println!("{} {:?}", 1.5, 1.5);
    println!("{} {:?}", 0.1 + 0.2, 0.1 + 0.2);
    println!("{}", 100.0 / 3.0);
    println!("{}", 2.0 / 3.0);
    let big = 10000000000000000.0; println!("{} {:?}", big, big);
    let big2 = 1000000000000000.0; println!("{} {:?}", big2, big2);
    let huge = 1000000000000000000000.0; println!("{} {:?}", huge, huge);
    let tiny = 0.0000001; println!("{} {:?}", tiny, tiny);
    let small = 0.001; println!("{} {:?}", small, small);
    let negz = -0.0; println!("{} {:?}", negz, negz);
    let zero = 0.0; println!("{} {:?}", zero, zero);
    let nan = zero / zero; let inf = 1.0 / zero;
    println!("{} {} {}", nan, inf, -inf);
    println!("{:?} {:?}", nan, -inf);
    println!("{} {:?}", -2.5, -2.5);
    println!("{:.3}", 3.14159);
    println!("{:.3}", 2.0);
    println!("{:.0}", 2.5);
    println!("{:.0}", 3.5);
    println!("{:.1}", 0.05);
    println!("{:.2}", -1.005);
    println!("{:.2}", 1234567.891);
    println!("{:.9}", 1.0 / 3.0);
    println!("{:.2}", zero);
    let a: f32 = 0.1; let b: f32 = 1.0 / 3.0; let c: f32 = 1.0;
    println!("{} {} {} {:?}", a, b, c, c);
    println!("{}", a + 0.2);
    println!("{:.3}", b);
    let v = vec![1.0, 2.5, -0.5]; println!("{:?}", v);
    let p = P { x: 3.0, y: 0.5 }; println!("{:?}", p);
    let o = Some(4.0); println!("{:?}", o);
}
