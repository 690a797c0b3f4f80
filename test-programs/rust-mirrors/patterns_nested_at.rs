#[derive(Debug, Clone, Copy)]
struct Point { x: i32, y: i32 }
enum Shape { Circle { c: Point, r: i32 }, Line(Point, Point), Dot(Point) }
fn describe(s: &Option<Shape>) -> String {
    match s {
        None => "nothing".to_string(),
        Some(Shape::Circle { c: Point { x: 0, y: 0 }, r }) => format!("origin circle {}", r),
        Some(Shape::Circle { r, .. }) if *r > 10 => "big circle".to_string(),
        Some(Shape::Circle { c, r }) => format!("circle at {},{} r{}", c.x, c.y, r),
        Some(Shape::Line(Point { x: x1, .. }, Point { x: x2, .. })) if x1 == x2 => "vertical".to_string(),
        Some(Shape::Line(a, b)) => format!("line {}->{}", a.x, b.x),
        Some(Shape::Dot(Point { x, y: 0 })) => format!("dot on axis {}", x),
        Some(Shape::Dot(p)) => format!("dot {:?}", p),
    }
}
fn age_group(n: u32) -> String {
    match n {
        k @ 0..=12 => format!("child {}", k),
        13..=19 => "teen".to_string(),
        k @ (20 | 30 | 40) => format!("round {}", k),
        _ => "adult".to_string(),
    }
}
fn bump(p: &mut Point) { p.x += 1; }
struct Wrapper { pts: Vec<Point>, origin: Point }
impl Wrapper {
    fn shift(&mut self) {
        bump(&mut self.origin);
        for i in 0..self.pts.len() { bump(&mut self.pts[i]); }
        self.pts.swap(0, 1);
    }
}
fn main() {
    let shapes = [
        None,
        Some(Shape::Circle { c: Point { x: 0, y: 0 }, r: 3 }),
        Some(Shape::Circle { c: Point { x: 1, y: 0 }, r: 30 }),
        Some(Shape::Circle { c: Point { x: 1, y: 2 }, r: 3 }),
        Some(Shape::Line(Point { x: 4, y: 0 }, Point { x: 4, y: 9 })),
        Some(Shape::Line(Point { x: 1, y: 0 }, Point { x: 4, y: 9 })),
        Some(Shape::Dot(Point { x: 7, y: 0 })),
        Some(Shape::Dot(Point { x: 7, y: 1 })),
    ];
    for s in &shapes { println!("{}", describe(s)); }
    for n in [5, 15, 30, 31] { println!("{}", age_group(n)); }
    let p = Point { x: 3, y: 4 };
    let Point { x, y } = p;
    let (a, (b, c)) = (1, (2.5, "s"));
    println!("{} {} {} {} {}", x, y, a, b, c);
    let mut w = Wrapper { pts: vec![Point { x: 0, y: 0 }, Point { x: 10, y: 10 }], origin: p };
    w.shift();
    println!("{:?}", w.pts);
    println!("{:?} {:?}", w.origin, p);
    let q = Point { y: 9, ..p };
    println!("{:?}", q);
    let pairs = [(1, 'a'), (2, 'b')];
    for (n, ch) in pairs { print!("{}{} ", n, ch); }
    println!("|");
    let nested = Some(Some(3));
    if let Some(Some(k)) = nested { println!("{}", k); }
    match (1, "x") {
        (1, "y") => println!("no"),
        (1, s) => println!("one {}", s),
        _ => println!("other"),
    }
}
