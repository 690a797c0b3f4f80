// Handles shared by copies are Rc<RefCell<dyn Shape>> in Rust.
use std::cell::RefCell;
use std::rc::Rc;
trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
    fn grow(&mut self, by: f64);
    fn describe(&self) -> String { format!("{} with area {:.1}", self.name(), self.area()) }
}
#[derive(Clone)]
struct Circle { r: f64 }
struct Rect { w: f64, h: f64 }
enum Tile { Floor, Wall(i32) }
impl Shape for Circle {
    fn area(&self) -> f64 { 3.0 * self.r * self.r }
    fn name(&self) -> String { "circle".into() }
    fn grow(&mut self, by: f64) { self.r += by }
}
impl Shape for Rect {
    fn area(&self) -> f64 { self.w * self.h }
    fn name(&self) -> String { "rect".into() }
    fn grow(&mut self, by: f64) { self.w += by; self.h += by }
    fn describe(&self) -> String { format!("a {}x{} rect", self.w, self.h) }
}
impl Shape for Tile {
    fn area(&self) -> f64 { match self { Tile::Floor => 1.0, Tile::Wall(n) => *n as f64 } }
    fn name(&self) -> String { "tile".into() }
    fn grow(&mut self, by: f64) { match self { Tile::Floor => {}, Tile::Wall(n) => { *self = Tile::Wall(*n + by as i32) } } }
}
type Obj = Rc<RefCell<dyn Shape>>;
struct Scene { title: String, shapes: Vec<Obj> }
fn total(shapes: &Vec<Obj>) -> f64 { let mut sum = 0.0; for s in shapes { sum += s.borrow().area(); } sum }
fn show(s: &dyn Shape) -> String { s.describe() }
fn biggest(shapes: &Vec<Obj>) -> Obj {
    let mut best = shapes[0].clone();
    for s in shapes { if s.borrow().area() > best.borrow().area() { best = s.clone(); } }
    best
}
fn main() {
    let mut scene = Scene { title: "demo".into(), shapes: Vec::new() };
    scene.shapes.push(Rc::new(RefCell::new(Circle { r: 1.0 })));
    scene.shapes.push(Rc::new(RefCell::new(Rect { w: 2.0, h: 3.0 })));
    scene.shapes.push(Rc::new(RefCell::new(Tile::Wall(4))));
    scene.shapes.push(Rc::new(RefCell::new(Tile::Floor)));
    println!("{}: {} shapes, total {:.1}", scene.title, scene.shapes.len(), total(&scene.shapes));
    for s in &scene.shapes { println!("{}", s.borrow().describe()); }
    for s in &scene.shapes { s.borrow_mut().grow(1.0); }
    println!("total {:.1}", total(&scene.shapes));
    let big = biggest(&scene.shapes);
    println!("biggest: {}", show(&*big.borrow()));
    big.borrow_mut().grow(0.5);
    println!("{}", scene.shapes[0].borrow().describe());
    let c = Circle { r: 2.0 };
    println!("{}", show(&c));
    println!("{:.1}", c.area());
    let mut b1: Box<Circle> = Box::new(Circle { r: 1.0 });
    let b2 = b1.clone();
    b1.grow(2.0);
    println!("{} {}", b1.r, b2.r);
    let d: Box<dyn Shape> = b1;
    println!("{}", d.name());
}
