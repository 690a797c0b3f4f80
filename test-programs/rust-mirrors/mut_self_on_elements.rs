#[derive(Clone, Debug)] struct Acc { total: i64, items: Vec<i64> }
impl Acc {
    fn add(&mut self, x: i64) { self.total += x; self.items.push(x) }
    fn add_twice(&mut self, x: i64) { self.add(x); self.add(x) }
    fn last(&self) -> Option<i64> { if self.items.len() == 0 { return None } Some(self.items[self.items.len() - 1]) }
}
#[derive(Clone)] struct Bank { accs: Vec<Acc>, names: Vec<(String, usize)> }
impl Bank {
    fn deposit(&mut self, who: &str, amt: i64) {
        if !self.names.iter().any(|(k, _)| k == who) { self.names.push((who.into(), self.accs.len())); self.accs.push(Acc { total: 0, items: vec![] }) }
        let i = self.names.iter().find(|(k, _)| k == who).unwrap().1;
        self.accs[i].add(amt); bump_all(&mut self.accs[i].items);
    }
}
fn bump_all(v: &mut Vec<i64>) { for i in 0..v.len() { v[i] += 1 } }
fn fill(a: &mut Acc, n: i64) { for k in 0..n { a.add(k) } a.add_twice(100) }
fn main() {
    let mut list = vec![Acc { total: 0, items: vec![] }, Acc { total: 5, items: vec![5] }];
    for i in 0..list.len() { list[i].add(10) }
    list[1].add_twice(1); fill(&mut list[0], 3);
    println!("{} {:?}", list[0].total, list[0].items);
    println!("{} {:?}", list[1].total, list[1].last());
    for a in &list { print!(" {}", a.total) } println!("");
    let mut bank = Bank { accs: vec![], names: vec![] };
    bank.deposit("ann", 10); bank.deposit("bob", 20); bank.deposit("ann", 5);
    for (name, idx) in &bank.names { println!("{} -> {} {:?}", name, bank.accs[*idx].total, bank.accs[*idx].items) }
    let mut copy = bank.clone(); copy.deposit("cy", 1); println!("{} {}", bank.accs.len(), copy.accs.len());
    let mut m: std::collections::HashMap<String, Acc> = Default::default();
    m.insert("x".into(), Acc { total: 1, items: vec![1] });
    let mut a = m.get("x").unwrap().clone(); a.add(9);
    println!("{} {}", m.get("x").unwrap().total, a.total);
    m.insert("x".into(), a); println!("{}", m.get("x").unwrap().total);
    println!("{:?} {}", m.remove("x").is_some(), m.len());
}
