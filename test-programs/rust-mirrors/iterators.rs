// OMap: insertion-ordered (Dast's HashMap prints and iterates in insertion order).
#[derive(Clone, Debug)]
struct OMap<K, V> { keys: Vec<K>, vals: Vec<V> }
impl<K: PartialEq + Clone, V: Clone> OMap<K, V> {
    fn new() -> Self { OMap { keys: vec![], vals: vec![] } }
    fn insert(&mut self, k: K, v: V) {
        if let Some(i) = self.keys.iter().position(|x| *x == k) { self.vals[i] = v; } else { self.keys.push(k); self.vals.push(v); }
    }
    fn get(&self, k: &K) -> V { let i = self.keys.iter().position(|x| x == k).unwrap(); self.vals[i].clone() }
    fn len(&self) -> usize { self.keys.len() }
    fn pairs(&self) -> Vec<(K, V)> { self.keys.iter().cloned().zip(self.vals.iter().cloned()).collect() }
}
#[derive(Clone)]
struct Enemy { name: String, hp: i64, dist: f64 }
fn parse(s: &str) -> Result<i64, String> {
    match s.parse::<i64>() { Ok(n) => Ok(n), Err(_) => Err(format!("bad number: {}", s)) }
}
fn main() {
    let v: Vec<i64> = vec![3, 1, 4, 1, 5, 9, 2, 6];
    let total: i64 = v.iter().map(|x| x * 2).filter(|x| *x > 5).sum();
    println!("{} {}", total, v.iter().count());
    println!("{:?} {:?} {}", v.iter().min(), v.iter().max(), v.iter().map(|x| x + 1).product::<i64>());
    let doubled: Vec<i64> = v.iter().map(|x| x * 2).collect();
    println!("{:?}", doubled);
    for (i, x) in v.iter().enumerate().skip(2).take(3) { println!("{}: {}", i, x); }
    println!("{}", (1..=10).filter(|n| n % 2 == 0).map(|n| n * n).sum::<i64>());
    println!("{} {} {}", v.iter().any(|x| *x > 8), v.iter().all(|x| *x > 0), v.iter().any(|x| *x > 100));
    println!("{:?} {:?} {:?}", v.iter().find(|x| **x > 4), v.iter().position(|x| *x == 9), v.iter().find(|x| **x > 100));
    println!("{} {:?}", v.iter().fold(0, |acc, x| acc + x), v.iter().last());
    let enemies = vec![
        Enemy { name: "orc".to_string(), hp: 0, dist: 4.5 },
        Enemy { name: "elf".to_string(), hp: 5, dist: 1.5 },
        Enemy { name: "imp".to_string(), hp: 5, dist: 2.0 },
    ];
    let alive: Vec<String> = enemies.iter().filter(|e| e.hp > 0).map(|e| e.name.clone()).collect();
    println!("{:?}", alive);
    let nearest = enemies.iter().min_by_key(|e| (e.dist * 10.0) as i64);
    println!("{:?}", nearest.map(|e| e.name.clone()));
    println!("{:?}", enemies.iter().max_by_key(|e| e.hp).map(|e| e.name.clone()));
    let total_dist: f64 = enemies.iter().map(|e| e.dist).sum();
    println!("{}", total_dist);
    let mut by_name: OMap<String, i64> = OMap::new();
    for e in enemies.iter() { by_name.insert(e.name.clone(), e.hp); }
    println!("{} {}", by_name.get(&"orc".to_string()), by_name.len());
    let word: String = "stressed".chars().rev().collect();
    println!("{}", word);
    let upper = "a-b-c".split("-").map(|s| s.to_uppercase()).collect::<Vec<String>>();
    println!("{:?}", upper);
    let pairs: Vec<(i64, char)> = v.iter().cloned().zip("abc".chars()).collect();
    println!("{:?}", pairs);
    println!("{:?}", (0..5).rev().collect::<Vec<i32>>());
    println!("{:?}", [1, 2].iter().chain([7, 8].iter()).map(|x| x * 10).collect::<Vec<i32>>());
    let evens: Vec<i64> = v.iter().cloned().filter(|x| x % 2 == 0).collect();
    println!("{:?} {}", evens, evens.len());
    let mut seen = Vec::new();
    for (k, hp) in by_name.pairs().into_iter().filter(|p| p.1 > 0) { seen.push(format!("{}={}", k, hp)); }
    seen.sort();
    println!("{:?}", seen);
    let offset = 100;
    v.iter().take(2).for_each(|x| println!("{}", x + offset));
    let found = v.iter().position(|x| *x == 4);
    println!("{:?} {:?}", found.map(|i| i * 10), found.and_then(|i| if i > 5 { Some(i) } else { None }));
    println!("{} {}", v.iter().cloned().find(|x| *x > 100).unwrap_or_else(|| -1), found.map_or(0, |i| i + 1));
    println!("{:?} {}", found.filter(|i| i % 2 == 0), found.is_some_and(|i| i > 1));
    println!("{:?} {:?}", found.ok_or("none"), v.iter().cloned().find(|x| *x > 100).ok_or_else(|| "none".to_string()));
    println!("{:?} {:?}", parse("21").map(|n| n * 2), parse("x").map_err(|e| e.len()));
    println!("{:?} {}", parse("5").and_then(|n| if n > 9 { Ok(n) } else { Err("small".to_string()) }), parse("zz").unwrap_or_else(|e| e.len() as i64));
    let mut w = vec![5, 1, 4, 2, 3];
    w.retain(|x| *x != 4);
    println!("{:?}", w);
    let mut es = enemies.clone();
    es.sort_by_key(|e| e.hp);
    println!("{:?}", es.iter().map(|e| e.name.clone()).collect::<Vec<String>>());
    es.sort_by_key(|e| -e.hp);
    println!("{:?}", es.iter().map(|e| e.name.clone()).collect::<Vec<String>>());
}
