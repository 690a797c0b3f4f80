use std::collections::HashMap;

fn main() {
    let text = "the quick brown fox jumps over the lazy dog the fox";
    let mut counts: HashMap<String, i64> = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    let mut pairs: Vec<(String, i64)> = counts.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (word, n) in pairs.iter().take(3) {
        println!("{word}: {n}");
    }
    let total: i64 = pairs.iter().map(|p| p.1).sum();
    println!("{} words, {} distinct", total, pairs.len());
    let long: Vec<&String> = pairs.iter().filter(|p| p.0.len() > 4).map(|p| &p.0).collect();
    println!("long: {:?}", long);
}
