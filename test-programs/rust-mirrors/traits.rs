use std::fmt;
trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
    fn describe(&self) -> String { format!("{} with area {:.2}", self.name(), self.area()) }
}
trait Counter { fn bump(&mut self, by: i32) -> i32; }
struct Circle { r: f64 }
struct Rect { w: f64, h: f64 }
enum Tile { Floor, Wall(i32) }
impl Shape for Circle { fn area(&self) -> f64 { 3.0 * self.r * self.r } fn name(&self) -> String { "circle".into() } }
impl Shape for Rect {
    fn area(&self) -> f64 { self.w * self.h }
    fn name(&self) -> String { "rect".into() }
    fn describe(&self) -> String { format!("a {}x{} rect", self.w, self.h) }
}
impl Shape for Tile {
    fn area(&self) -> f64 { match self { Tile::Floor => 1.0, Tile::Wall(n) => *n as f64 } }
    fn name(&self) -> String { "tile".into() }
}
#[derive(Debug)]
struct Score { points: i32 }
impl Counter for Score { fn bump(&mut self, by: i32) -> i32 { self.points += by; self.points } }
impl fmt::Display for Score { fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result { f.pad(&format!("{} pts", self.points)) } }
impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let s = match self { Tile::Floor => ".".to_string(), Tile::Wall(n) => format!("#{}", n) };
        f.pad(&s)
    }
}
fn total(c: &Circle, r: &Rect) -> f64 { c.area() + r.area() }
fn make(n: i32) -> Score { println!("make {}", n); Score { points: n } }
fn main() {
    let c = Circle { r: 2.0 };
    let r = Rect { w: 3.0, h: 4.0 };
    println!("{}", c.describe());
    println!("{}", r.describe());
    println!("{}", Tile::Wall(3).describe());
    println!("{}", total(&c, &r));
    let mut s = Score { points: 1 };
    s.bump(4);
    println!("{}", s.bump(5));
    println!("[{}] [{:>8}] [{:<6}] [{:^7}]", s, s, Tile::Wall(7), Tile::Floor);
    println!("{0} {0:?}", make(2));
    let row = format!("{}{}{}", Tile::Floor, Tile::Wall(1), Tile::Floor);
    println!("{}", row);
}
