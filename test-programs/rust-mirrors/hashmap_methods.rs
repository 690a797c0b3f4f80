include!("omap.rs");
fn s(x: &str) -> String { x.to_string() }
fn main() {
    let mut m: OMap<String, i32> = OMap::new();
    println!("{} {} {:?}", m.len(), m.is_empty(), m);
    m.insert(s("one"), 1); m.insert(s("two"), 2); m.insert(s("three"), 3); m.insert(s("four"), 4);
    println!("{:?}", m);
    println!("{} {}", m.len(), m.is_empty());
    println!("{:?} {:?}", m.get(&s("two")), m.get(&s("five")));
    println!("{} {}", m.contains_key(&s("three")), m.contains_key(&s("zero")));
    let prev = m.insert(s("two"), 22); println!("{:?} {:?}", prev, m);
    let fresh = m.insert(s("five"), 5); println!("{:?}", fresh);
    println!("{:?}", m.remove(&s("two")));
    println!("{:?}", m);
    println!("{:?}", m.remove(&s("missing")));
    println!("{:?} {:?}", m.keys(), m.values());
    for (k, v) in m.entries() { println!("{} => {}", k, v); }
    m.remove(&s("five")); println!("{:?}", m);
    m.insert(s("six"), 6); println!("{:?}", m);
    println!("{}", m.get(&s("four")).unwrap_or(0) + m.get(&s("nine")).unwrap_or(100));
    let text = "b a c a b a";
    let mut counts: OMap<String, i32> = OMap::new();
    for w in text.split(" ") { let c = counts.get(&s(w)).unwrap_or(0); counts.insert(s(w), c + 1); }
    println!("{:?}", counts);
    let mut groups: OMap<i32, Vec<i32>> = OMap::new();
    for n in 1..10 {
        let key = n % 3;
        if !groups.contains_key(&key) { groups.insert(key, Vec::new()); }
        let mut g = groups.get(&key).unwrap(); g.push(n); groups.insert(key, g);
    }
    for (k, v) in groups.entries() { println!("{}: {:?}", k, v); }
    let mut total = 0; for v in groups.values() { total += v.len(); } println!("{}", total);
    let mut sum_keys = 0; for k in groups.keys() { sum_keys += k; } println!("{}", sum_keys);
    println!("{} {}", groups.get(&1).unwrap().len(), groups.get(&2).unwrap()[0]);
}
