#[derive(Debug)] struct P { a: i32, b: String }
fn main() {
    let mut v = Vec::<u8>::new(); v.push(200); v.push(100); let w = v[0].wrapping_add(v[1]); println!("{:?} {}", v, w);
    println!("{{\"pi\": 3.5}}");
    let p = P { a: 1, b: "x".into() }; println!("{:?}", p);
    let n: u64 = 7; println!("{}", n.wrapping_add(18446744073709551610));
    let empty: Vec<Vec<String>> = vec![]; let nothing: Option<Vec<i32>> = None; println!("{:?} {:?}", empty, nothing);
    let mut opts: Vec<Option<i64>> = Vec::new(); opts.push(None); opts.push(Some(-1)); println!("{:?}", opts);
}
