include!("omap.rs");
#[derive(Debug, Clone)] struct Item { name: String, qty: u32, price: f64 }
#[derive(Debug, Clone)] enum Shape { Dot, Circle(f64), Rect { w: i32, h: i32 }, Poly(Vec<(i32, i32)>) }
#[derive(Debug, Clone)] struct World { tick: u64, items: Vec<Item>, shapes: Vec<Shape>, index: OMap<String, Vec<i32>>, owner: Option<String>, flags: (bool, i8), grid: Vec<Vec<u8>> }
fn main() {
    let n: i64 = -1234567890123; println!("{}", n);
    let s = "héllo, world".to_string(); let s2 = s.clone(); println!("{} {}", s2, s2 == s);
    let item = Item { name: "sword".into(), qty: 3, price: 12.5 }; println!("{:?}", item);
    let shapes = vec![Shape::Dot, Shape::Circle(2.5), Shape::Rect { w: 3, h: -4 }, Shape::Poly(vec![(0, 0), (1, 2)])];
    println!("{:?}", shapes);
    let mut index: OMap<String, Vec<i32>> = OMap::new();
    index.insert("odd".into(), vec![1, 3, 5]); index.insert("even".into(), vec![2, 4]); index.insert("none".into(), vec![]);
    let w2 = World { tick: 18446744073709551615, items: vec![item.clone(), Item { name: "shield".into(), qty: 1, price: 0.1 }], shapes: shapes.clone(), index, owner: Some("ada".into()), flags: (true, -8), grid: vec![vec![1, 2], vec![], vec![255]] };
    println!("{}", w2.tick);
    println!("{:?}", w2.items);
    println!("{:?}", w2.shapes[3]);
    println!("{:?}", w2.index);
    println!("{:?} {:?} {:?}", w2.owner, w2.flags, w2.grid);
    println!("true");
    let opt: Option<Vec<String>> = Some(vec!["a".into(), "b".into()]); let none: Option<Vec<String>> = None;
    println!("{:?} {:?}", opt, none);
    let r: Result<i32, String> = Err("bad".into()); println!("{:?}", r);
    let fl = vec![0.1, -0.0, 1.5]; println!("{:?}", fl);
}
