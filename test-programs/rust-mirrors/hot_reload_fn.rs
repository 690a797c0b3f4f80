struct Data { values: Vec<i32>, label: String }
struct Summary { label: String, count: usize, total: i64, max: i32 }
fn calculate_damage(atk: i32, def: i32) -> i32 { return std::cmp::max(0, atk - def) }
fn pure_function(input: &Data) -> Result<Summary, String> {
    if input.values.is_empty() { return Err(format!("{}: no values", input.label)); }
    let mut total: i64 = 0; let mut best = input.values[0];
    for &v in &input.values { total += v as i64; best = std::cmp::max(best, v); }
    Ok(Summary { label: input.label.clone(), count: input.values.len(), total, max: best })
}
fn main() {
    println!("{}", calculate_damage(50, 20)); println!("{}", calculate_damage(10, 30)); println!("{}", calculate_damage(7, 7));
    let mut hp = 100;
    for (atk, def) in vec![(30, 5), (12, 15), (60, 10)] { hp -= calculate_damage(atk, def); println!("hp {}", hp); }
    let d = Data { values: vec![3, 9, -2, 7], label: "wave1".into() };
    match pure_function(&d) { Ok(s) => println!("{} n={} total={} max={}", s.label, s.count, s.total, s.max), Err(e) => println!("error {}", e) }
    let empty = Data { values: vec![], label: "wave2".into() };
    match pure_function(&empty) { Ok(s) => println!("{} n={}", s.label, s.count), Err(e) => println!("error {}", e) }
}
