#[derive(Debug, Clone)] enum Json { Null, Bool(bool), Num(f64), Str(String), Arr(Vec<Json>), Obj(Vec<(String, Json)>) }
fn quote(s: &str) -> String { "\"".to_string() + &s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" }
fn compact(j: &Json) -> String { match j { Json::Null => "null".into(), Json::Bool(b) => b.to_string(), Json::Num(n) => format!("{}", n), Json::Str(s) => quote(s),
    Json::Arr(items) => { let mut parts: Vec<String> = vec![]; for it in items { parts.push(compact(it)); } "[".to_string() + &parts.join(",") + "]" }
    Json::Obj(fields) => { let mut parts: Vec<String> = vec![]; for (k, v) in fields { parts.push(quote(k) + ":" + &compact(v)); } "{".to_string() + &parts.join(",") + "}" } } }
fn indent(n: i32) -> String { let mut s = String::new(); for _ in 0..n { s.push_str("  "); } s }
fn pretty(j: &Json, depth: i32, out: &mut String) { match j {
    Json::Arr(items) => { if items.is_empty() { out.push_str("[]"); return; } out.push_str("[\n"); for i in 0..items.len() { out.push_str(&indent(depth + 1)); pretty(&items[i], depth + 1, out); if i + 1 < items.len() { out.push_str(","); } out.push_str("\n"); } out.push_str(&(indent(depth) + "]")); }
    Json::Obj(fields) => { if fields.is_empty() { out.push_str("{}"); return; } out.push_str("{\n"); let mut first = true; for (k, v) in fields { if !first { out.push_str(",\n"); } first = false; out.push_str(&(indent(depth + 1) + &quote(k) + ": ")); pretty(v, depth + 1, out); } out.push_str(&("\n".to_string() + &indent(depth) + "}")); }
    _ => out.push_str(&compact(j)) } }
fn get(j: &Json, key: &str) -> Option<Json> { if let Json::Obj(fields) = j { for (k, v) in fields { if k == key { return Some(v.clone()); } } } None }
fn count_numbers(j: &Json) -> i32 { match j { Json::Num(_) => 1, Json::Arr(items) => { let mut n = 0; for it in items { n += count_numbers(it); } n } Json::Obj(fields) => { let mut n = 0; for (_, v) in fields { n += count_numbers(v); } n } _ => 0 } }
fn main() {
    use Json::*;
    let s = |x: &str| x.to_string();
    let doc = Obj(vec![(s("name"), Str(s("Dast \"v0\""))), (s("version"), Num(0.1)), (s("stable"), Bool(false)), (s("tags"), Arr(vec![Str(s("lang")), Str(s("hot\\reload"))])),
        (s("limits"), Obj(vec![(s("frames"), Num(600.0)), (s("ratio"), Num(-2.5))])), (s("empty"), Arr(vec![])), (s("none"), Null), (s("nested"), Arr(vec![Arr(vec![Num(1.0), Num(2.0)]), Obj(vec![])]))]);
    println!("{}", compact(&doc));
    let mut out = String::new(); pretty(&doc, 0, &mut out); println!("{}", out);
    println!("{}", count_numbers(&doc));
    match get(&doc, "limits") { Some(limits) => println!("limits.frames = {}", compact(&get(&limits, "frames").unwrap())), None => println!("no limits") }
    println!("{:?}", get(&doc, "missing").is_none());
    println!("{:?}", get(&doc, "tags"));
}
