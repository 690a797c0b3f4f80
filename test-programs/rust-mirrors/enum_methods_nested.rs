#[derive(Debug, Clone, PartialEq)]
enum Shape { Circle(f64), Rect { w: f64, h: f64 }, Empty }
impl Shape {
    fn area(&self) -> f64 { match self { Shape::Circle(r) => 3.0 * r * r, Shape::Rect { w, h } => w * h, Shape::Empty => 0.0 } }
    fn name(&self) -> String { match self { Shape::Circle(_) => "circle".to_string(), Shape::Rect { .. } => "rect".to_string(), Shape::Empty => "empty".to_string() } }
    fn grow(&mut self, k: f64) {
        match self.clone() {
            Shape::Circle(r) => { *self = Shape::Circle(r * k) }
            Shape::Rect { w, h } => { *self = Shape::Rect { w: w * k, h: h * k } }
            Shape::Empty => {}
        }
    }
}
struct Layer { name: String, shapes: Vec<Shape> }
struct Scene { layers: Vec<Layer> }
impl Scene {
    fn total(&self) -> f64 { let mut t = 0.0; for l in &self.layers { for s in &l.shapes { t += s.area(); } } t }
}
fn main() {
    let mut scene = Scene { layers: vec![] };
    scene.layers.push(Layer { name: "bg".to_string(), shapes: vec![Shape::Circle(1.0), Shape::Empty] });
    scene.layers.push(Layer { name: "fg".to_string(), shapes: vec![Shape::Rect { w: 2.0, h: 3.0 }] });
    println!("{}", scene.total());
    scene.layers[0].shapes[0].grow(2.0);
    scene.layers[1].shapes.push(Shape::Circle(0.5));
    println!("{}", scene.total());
    for l in &scene.layers {
        let mut names = Vec::new();
        for s in &l.shapes { names.push(s.name()); }
        println!("{}: {:?}", l.name, names);
    }
    println!("{:?}", scene.layers[1].shapes);
    let mut s = Shape::Rect { w: 1.5, h: 2.0 };
    s.grow(2.0);
    println!("{:?} {}", s, s.area());
    println!("{}", s == Shape::Rect { w: 3.0, h: 4.0 });
}
