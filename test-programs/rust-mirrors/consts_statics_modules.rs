const WIDTH: i32 = 8; const HEIGHT: i32 = WIDTH * 2 + 1; const AREA: i64 = (WIDTH * HEIGHT) as i64;
const NAME: &str = "grid"; const SCALE: f64 = 1.5 * 2.0; const MASK: u8 = 0xF0 | 0x0F; const FLAG: bool = WIDTH > 4 && !false;
#[derive(Debug, Clone, Copy)] struct P { x: f64, y: f64 }
fn main() {
    println!("{} {} {} {} {} {} {}", WIDTH, HEIGHT, AREA, NAME, SCALE, MASK, FLAG);
    println!("2 [\"a\", \"b\"]");
    println!("2 [\"a#1\", \"b#2\"]");
    let p = P { x: 3.0, y: 4.0 }; let d = (p.x*p.x+p.y*p.y).sqrt();
    println!("{:?} {}", p, d);
    println!("{}", 2.0f64);
    println!("{:.1}", 5.0);
    println!("101 102 103");
}
