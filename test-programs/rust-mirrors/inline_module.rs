#[allow(non_snake_case)]
mod Geometry {
    pub const UNIT: f64 = 1.0;
    #[derive(Debug, Clone)] pub struct Point { pub x: f64, pub y: f64 }
    pub fn origin() -> Point { Point { x: 0.0, y: 0.0 } }
    pub fn make(x: f64, y: f64) -> Point { Point { x, y } }
    pub fn dist(a: &Point, b: &Point) -> f64 { let dx = a.x - b.x; let dy = a.y - b.y; (dx * dx + dy * dy).sqrt() }
    pub fn unit_x() -> Point { make(UNIT, 0.0) }
}
#[allow(non_snake_case)]
mod Ids { static mut NEXT: u32 = 1000; pub fn fresh() -> u32 { unsafe { NEXT += 1; NEXT } } pub fn peek() -> u32 { unsafe { NEXT } } }
fn main() {
    let o = Geometry::origin(); let p: Geometry::Point = Geometry::make(3.0, 4.0);
    println!("{}", Geometry::dist(&o, &p));
    println!("{:?}", Geometry::unit_x());
    println!("{}", Geometry::UNIT + p.x);
    println!("{} {}", Ids::fresh(), Ids::fresh());
    println!("{}", Ids::peek());
    let mut pts: Vec<Geometry::Point> = Vec::new(); pts.push(p.clone()); pts.push(Geometry::make(-1.0, 0.5)); pts[1].x = 6.0;
    println!("{:?}", pts);
}
