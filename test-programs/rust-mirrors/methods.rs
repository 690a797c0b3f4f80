#[derive(Clone, Debug)] struct Counter { name: String, count: i32 }
impl Counter {
    fn new(name: String) -> Self { Self { name, count: 0 } }
    fn starting_at(name: String, count: i32) -> Counter { let mut c = Self::new(name); c.count = count; c }
    fn get(self: &Self) -> i32 { self.count }
    fn label(&self) -> String { format!("{}={}", self.name, self.get()) }
    fn incr(self: &mut Self) { self.count += 1 }
    fn add(&mut self, n: i32) -> i32 { self.count += n; self.count }
    fn reset(&mut self) { self.count = 0; self.incr() }
    fn with_bonus(self, bonus: i32) -> Counter { Counter { name: self.name + "+", count: self.count + bonus } }
}
struct Stats { main: Counter, all: Vec<Counter> }
impl Stats { fn total(&self) -> i32 { let mut t = self.main.get(); for c in &self.all { t += c.get(); } t } }
enum Op { Add(i32), Mul(i32), Neg }
impl Op {
    fn apply(&self, x: i32) -> i32 { match self { Op::Add(n) => x + n, Op::Mul(n) => x * n, Op::Neg => -x } }
    fn name(self: &Self) -> String { match self { Op::Add(_) => "add".into(), Op::Mul(_) => "mul".into(), Op::Neg => "neg".into() } }
}
fn main() {
    let mut c = Counter::new("a".into()); c.incr(); c.incr();
    println!("{} {}", c.get(), c.label());
    println!("{}", c.add(10));
    c.reset(); println!("{}", c.label());
    let d = Counter::starting_at("d".into(), 40); let e = d.clone().with_bonus(2);
    println!("{} {}", d.label(), e.label());
    let mut v = vec![Counter::new("x".into()), Counter::new("y".into())];
    v[0].incr(); v[1].add(5); v[1].incr();
    println!("{} {}", v[0].label(), v[1].label());
    let mut s = Stats { main: Counter::new("m".into()), all: v.clone() };
    s.main.add(100); s.all[0].add(1000); s.all.push(Counter::starting_at("z".into(), 3));
    println!("{} {}", s.total(), s.all.len());
    println!("{}", v[0].label());
    let ops = vec![Op::Add(3), Op::Mul(4), Op::Neg, Op::Add(-1)];
    let mut x = 1;
    for op in ops { x = op.apply(x); println!("{} -> {}", op.name(), x); }
}
