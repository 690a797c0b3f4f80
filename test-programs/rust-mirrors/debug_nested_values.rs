#[derive(Debug, Clone)]
struct Item { name: String, qty: u8, tags: Vec<String> }
#[derive(Debug, Clone)]
enum Shape { Circle(f64), Rect { w: f64, h: f64 }, Empty }
fn area(s: &Shape) -> f64 { match s { Shape::Circle(r) => 3.0 * r * r, Shape::Rect { w, h } => w * h, Shape::Empty => 0.0 } }
fn make_qty() -> u8 { 200 }
fn main() {
    let i = 5;
    let v = vec![1, 2, 3, 4, 5, 6, 7];
    println!("{}", v[i]);
    let mut it = Item { name: "bolt".to_string(), qty: make_qty(), tags: vec!["a".into(), "b".into()] };
    it.qty = it.qty.wrapping_add(100);
    println!("{:?}", it);
    let mut copy = it.clone();
    copy.tags.push("c".into());
    copy.name.push_str("!");
    println!("{:?} {:?}", it.tags, copy.tags);
    println!("{} {}", it.name, copy.name);
    let shapes = vec![Shape::Circle(1.5), Shape::Rect { w: 2.0, h: 3.5 }, Shape::Empty];
    for s in shapes { println!("{:.2} {:?}", area(&s), s); }
    let nested: Vec<Option<(i32, String)>> = vec![Some((1, "x".into())), None];
    println!("{:?}", nested);
    let mut m: Vec<(String, Vec<i32>)> = vec![];
    m.push(("a".into(), vec![1, 2])); m.push(("b".into(), vec![]));
    print!("{{"); for (k, (a, b)) in m.iter().enumerate() { if k > 0 { print!(", "); } print!("{:?}: {:?}", a, b); } println!("}}");
    let r: Result<i32, String> = Err("bad".into());
    println!("{:?}", r);
    let r2: Result<Vec<u8>, String> = Ok(vec![1, 2]);
    println!("{:?}", r2);
    let t = (1, 2.5, "s", 'c', true);
    println!("{:?}", t);
    println!("{}", 'x');
    println!("{:?}", 'x');
    println!("{:?}", "q\"uote\n");
    let big: i64 = 1 << 40;
    println!("{}", big);
    let f: f32 = 1.1;
    println!("{} {:?}", f, f);
    let x = 7.0;
    println!("{} {:?} {:.3}", x, x, x);
}
