// OMap: an insertion-ordered map with Rust's entry API shapes used here.
#[derive(Debug)]
struct OMap<K, V> { keys: Vec<K>, vals: Vec<V> }
impl<K: PartialEq + Clone + std::fmt::Debug, V: std::fmt::Debug> OMap<K, V> {
    fn new() -> Self { OMap { keys: vec![], vals: vec![] } }
    fn slot(&mut self, k: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.keys.iter().position(|x| *x == k) {
            Some(i) => i,
            None => { self.keys.push(k); self.vals.push(make()); self.keys.len() - 1 }
        };
        &mut self.vals[i]
    }
    fn show(&self) -> String {
        let parts: Vec<String> = self.keys.iter().zip(self.vals.iter()).map(|(k, v)| format!("{:?}: {:?}", k, v)).collect();
        format!("{{{}}}", parts.join(", "))
    }
}
fn main() {
    let mut counts: OMap<String, i64> = OMap::new();
    for w in "b a b c b a".split_whitespace() { *counts.slot(w.to_string(), || 0) += 1; }
    println!("{}", counts.show());
    let mut groups: OMap<usize, Vec<String>> = OMap::new();
    for w in ["pear", "fig", "kiwi", "plum", "banana"] { groups.slot(w.len(), Vec::new).push(w.to_string()); }
    println!("{}", groups.show());
    let mut totals: OMap<String, f64> = OMap::new();
    *totals.slot("x".to_string(), || 0.0) += 1.5;
    *totals.slot("x".to_string(), || 0.0) += 1.0;
    let seen = *totals.slot("y".to_string(), || 7.0);
    println!("{} {}", totals.show(), seen);
    let mut hits: OMap<char, i64> = OMap::new();
    for c in "hello".chars() {
        let present = hits.keys.contains(&c);
        let v = hits.slot(c, || 1);
        if present { *v += 10; }
    }
    println!("{}", hits.show());
}
