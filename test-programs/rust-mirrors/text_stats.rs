include!("omap.rs");
const TEXT: &str = "The quick brown fox jumps over the lazy dog.\nThe dog sleeps; the fox runs!\n\nA fox, a dog, and THE end.";
fn normalize(word: &str) -> String { let mut w = word.to_lowercase(); for p in [".", ",", ";", "!", "?"] { w = w.replace(p, ""); } w }
fn bar(n: i32) -> String { let mut s = String::new(); for _ in 0..n { s.push_str("#"); } s }
fn main() {
    let lines: Vec<&str> = TEXT.split("\n").collect();
    let mut non_empty = 0; for l in &lines { if !l.trim().is_empty() { non_empty += 1; } }
    println!("lines: {} ({} non-empty)", lines.len(), non_empty);
    let mut words: Vec<String> = vec![];
    for l in &lines { for raw in l.split(" ") { let w = normalize(raw); if !w.is_empty() { words.push(w); } } }
    println!("words: {}", words.len());
    let mut freq: OMap<String, i32> = OMap::new(); let mut total_len = 0;
    for w in &words { let c = freq.get(w).unwrap_or(0); freq.insert(w.clone(), c + 1); total_len += w.len(); }
    println!("distinct: {}", freq.len());
    println!("average length: {:.3}", total_len as f64 / words.len() as f64);
    println!("{:?}", freq.keys());
    let mut best = String::new(); let mut best_n = 0;
    for (w, n) in freq.entries() { if n > best_n { best = w; best_n = n; } }
    println!("most frequent: {} ({})", best, best_n);
    let mut common: Vec<(String, i32)> = vec![];
    for (w, n) in freq.entries() { if n >= 2 { common.push((w, n)); } }
    common.sort();
    for (w, n) in common { println!("{} {} {}", w, bar(n), n); }
    let mut longest: Vec<String> = vec![]; let mut max_len = 0;
    for w in &words { if w.len() > max_len { max_len = w.len(); longest.clear(); } if w.len() == max_len && !longest.contains(w) { longest.push(w.clone()); } }
    println!("longest ({}): {}", max_len, longest.join(", "));
    let shouted = TEXT.to_uppercase().contains("THE QUICK");
    println!("{} {}", shouted, TEXT.starts_with("The"));
}
