include!("omap.rs");
#[derive(Debug, Clone, Default)] struct Inner { hits: u8, ratio: f32 }
#[derive(Debug, Clone, Default)] struct Everything { a: i32, b: u64, c: f64, d: bool, e: String, f: Vec<i32>, g: OMap<String, bool>, h: Option<String>, i: Inner, j: (i32, String), l: Vec<Inner> }
fn main() {
    let e = Everything::default(); println!("{:?}", e);
    let mut x = Everything::default(); x.a = 5; x.f.push(1); x.i.hits += 1; x.g.insert("on".into(), true);
    println!("{} {:?} {} {:?}", x.a, x.f, x.i.hits, x.g);
    println!("{} {:?} {}", e.a, e.g, e.f.len());
    println!("{:?}", Inner::default());
}
