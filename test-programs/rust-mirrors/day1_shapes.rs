trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
    fn describe(&self) -> String {
        format!("{} with area {:.1}", self.name(), self.area())
    }
}

struct Circle { r: f64 }
struct Rect { w: f64, h: f64 }

impl Shape for Circle {
    fn area(&self) -> f64 { 3.14 * self.r * self.r }
    fn name(&self) -> String { "circle".to_string() }
}

impl Shape for Rect {
    fn area(&self) -> f64 { self.w * self.h }
    fn name(&self) -> String { "rect".to_string() }
}

fn total_area<T: Shape>(shapes: &Vec<T>) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

fn biggest(shapes: &Vec<Box<dyn Shape>>) -> String {
    let mut best = 0;
    for i in 0..shapes.len() {
        if shapes[i].area() > shapes[best].area() {
            best = i;
        }
    }
    shapes[best].describe()
}

fn main() {
    let circles = vec![Circle { r: 1.0 }, Circle { r: 2.0 }];
    println!("{:.2}", total_area(&circles));
    let mut all: Vec<Box<dyn Shape>> = Vec::new();
    all.push(Box::new(Circle { r: 1.5 }));
    all.push(Box::new(Rect { w: 3.0, h: 4.0 }));
    for s in all.iter() {
        println!("{}", s.describe());
    }
    println!("biggest: {}", biggest(&all));
}
