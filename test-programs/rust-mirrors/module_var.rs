include!("omap.rs");
#[derive(Debug, Clone, Default)] struct Stats { calls: i32, names: Vec<String>, last: Option<String> }
static mut COUNTER: i32 = 0;
thread_local! {
  static LOG: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(vec![]);
  static TOTALS: std::cell::RefCell<OMap<String, i64>> = std::cell::RefCell::new(OMap::new());
  static STATS: std::cell::RefCell<Stats> = std::cell::RefCell::new(Stats::default());
}
static mut SCALE: f64 = 1.5;
fn next_id() -> i32 { unsafe { COUNTER += 1; COUNTER } }
fn record(name: String, amount: i64) {
    LOG.with(|l| l.borrow_mut().push(format!("{}:{}", name, amount)));
    TOTALS.with(|t| { let mut t = t.borrow_mut(); let c = t.get(&name).unwrap_or(0); t.insert(name.clone(), c + amount); });
    STATS.with(|s| { let mut s = s.borrow_mut(); s.calls += 1; s.names.push(name.clone()); s.last = Some(name.clone()); });
}
fn snapshot() -> Stats { STATS.with(|s| s.borrow().clone()) }
fn bump(x: &mut i32) { *x += 10 }
fn main() { unsafe {
    println!("{:?}", snapshot());
    println!("{} {} {}", next_id(), next_id(), next_id());
    println!("{}", COUNTER);
    record("rent".into(), 500); record("food".into(), 120); record("rent".into(), 500);
    LOG.with(|l| println!("{:?}", l.borrow()));
    TOTALS.with(|l| println!("{:?}", l.borrow()));
    let mut snap = snapshot(); snap.calls = 99; snap.names.clear();
    let st = snapshot();
    println!("{} {:?} {:?}", st.calls, st.names, st.last);
    println!("{} {}", snap.calls, snap.names.len());
    COUNTER = 100; println!("{}", next_id());
    let mut c = COUNTER; bump(&mut c); COUNTER = c; println!("{}", COUNTER);
    SCALE *= 2.0; println!("{}", SCALE);
} }
