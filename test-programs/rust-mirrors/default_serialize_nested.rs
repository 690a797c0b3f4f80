use std::collections::HashMap;
#[derive(Debug, Clone, Default)] enum Kind { #[default] Idle, Busy(u32), Named { label: String, level: i8 } }
#[derive(Debug, Clone, Default)] struct Inner { vals: Vec<f64>, opt: Option<String> }
#[derive(Debug, Clone, Default)] struct State { id: u64, name: String, kinds: Vec<Kind>, table: HashMap<String, Inner>, pair: (i32, bool), maybe: Option<Vec<u8>> }
#[derive(Debug, Clone, Default)] struct Small { a: i32, b: String, c: Vec<i32>, d: Option<i32>, e: (u8, f64), f: HashMap<i32, i32>, g: bool, h: char }
fn main() {
    let mut st = State::default();
    println!("{:?}", st);
    st.id = 7; st.name = "hero".into(); st.kinds.push(Kind::Busy(3)); st.kinds.push(Kind::Named { label: "x".into(), level: -2 }); st.kinds.push(Kind::Idle);
    st.table.insert("k".into(), Inner { vals: vec![1.5, 2.0], opt: Some("o".into()) }); st.pair = (-4, true); st.maybe = Some(vec![9, 8]);
    println!("{:?}", st);
    println!("true");
    println!("{}", st.table.get("k").unwrap().vals.len());
    println!("{:?}", Small::default());
    println!("{} {:?} {:?} {}", i32::default(), String::default(), Option::<i32>::default(), f64::default());
    let v: Vec<i32> = Vec::default(); println!("{:?} {}", v, bool::default());
    println!("{:?}", Kind::default());
}
