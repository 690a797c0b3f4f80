#[derive(Debug)] struct Point { x: f64, y: f64 }
enum Shape { Circle(f64), Rect { w: f64, h: f64 } }
fn area(s: &Shape) -> f64 { match s { Shape::Circle(r) => 3.0 * r * r, Shape::Rect { w, h } => w * h } }
fn describe(s: &Shape) -> String { match s { Shape::Circle(r) => format!("circle r={}", r), Shape::Rect { w, h } => format!("rect {}x{}", w, h) } }
fn repeat(s: &str, n: i32) -> String { let mut out = String::new(); for _ in 0..n { out.push_str(s); } out }
fn banner(title: &str) -> String { let line = repeat("=", title.len() as i32 + 4); format!("{}\n| {} |\n{}", line, title, line) }
fn main() {
    println!("{}", banner("imports"));
    let a = Point { x: 0.0, y: 0.0 }; let b = Point { x: 3.0, y: 4.0 };
    let dx = a.x - b.x; let dy = a.y - b.y; println!("distance {}", (dx * dx + dy * dy).sqrt());
    println!("{:?}", b);
    let shapes = vec![Shape::Circle(1.0), Shape::Rect { w: 2.0, h: 3.5 }, Shape::Circle(0.5)];
    let mut total = 0.0; for s in &shapes { total += area(s); println!("{} -> {}", describe(s), area(s)); }
    println!("total area {}", total);
    println!("made by constructors: {}", 2);
    println!("{}", "DONE!");
    println!("{}", repeat("ab", 3));
    println!("{}", ["hot", "reload", "ready"].join(" "));
}
