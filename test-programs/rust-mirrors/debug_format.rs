include!("omap.rs");
#[derive(Debug, Clone)] struct Point { x: i32, y: i32 }
#[derive(Debug)] struct Line { from: Point, to: Point, label: String }
#[derive(Debug)] enum Shape { Empty, Circle(f64), Rect { w: i32, h: i32 }, Tagged(String, Vec<i32>) }
#[derive(Debug)] struct Bag { items: Vec<String>, counts: OMap<String, i32>, best: Option<Point>, shapes: Vec<Shape> }
fn main() {
    println!("{:?}", 42);
    println!("{:?}", -7);
    println!("{:?}", true);
    println!("{:?}", "hi");
    println!("{:?}", "say \"hi\"\n\ttab\\");
    println!("{:?}", vec![1, 2, 3]);
    let empty: Vec<i32> = Vec::new(); println!("{:?}", empty);
    println!("{:?}", vec![vec![1, 2], vec![], vec![3]]);
    println!("{:?}", vec!["a", "b"]);
    println!("{:?}", (1, "two", 3.0));
    println!("{:?}", (true, (1, 2)));
    let some: Option<i32> = Some(4); let none: Option<i32> = None;
    println!("{:?} {:?}", some, none);
    let ok: Result<i32, String> = Ok(3); let err: Result<i32, String> = Err("bad".to_string());
    println!("{:?} {:?}", ok, err);
    let nested: Option<Option<String>> = Some(Some("deep".to_string())); println!("{:?}", nested);
    let p = Point { x: 1, y: -2 }; println!("{:?}", p);
    let l = Line { from: Point { x: 0, y: 0 }, to: p.clone(), label: "diag".to_string() }; println!("{:?}", l);
    println!("{:?}", Shape::Empty);
    println!("{:?}", Shape::Circle(1.0));
    println!("{:?}", Shape::Rect { w: 3, h: 4 });
    println!("{:?}", Shape::Tagged("t".to_string(), vec![7, 8]));
    let mut counts = OMap::new(); counts.insert("apple".to_string(), 3); counts.insert("pear".to_string(), 1);
    let mut bag = Bag { items: vec!["x".to_string(), "y".to_string()], counts, best: None, shapes: vec![Shape::Empty, Shape::Circle(0.5)] };
    println!("{:?}", bag);
    bag.best = Some(Point { x: 5, y: 6 }); println!("{:?}", bag.best);
    let em: OMap<i32, bool> = OMap::new(); println!("{:?}", em);
    let mut m2: OMap<i32, Vec<String>> = OMap::new();
    m2.insert(2, vec!["b".to_string()]); m2.insert(1, vec!["a".to_string(), "aa".to_string()]);
    println!("{:?}", m2);
}
