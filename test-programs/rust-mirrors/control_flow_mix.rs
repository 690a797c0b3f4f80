#[derive(Clone, Debug)]
struct Counter { n: i32, hist: Vec<i32> }
impl Counter {
    fn new() -> Self { Counter { n: 0, hist: Vec::new() } }
    fn inc(&mut self, by: i32) -> &mut Self { self.n += by; self.hist.push(self.n); self }
    fn get(&self) -> i32 { self.n }
    fn doubled(&self) -> Counter { Counter { n: self.n * 2, hist: self.hist.clone() } }
}
struct World { counters: Vec<Counter>, main: Counter }
fn find_first_neg(v: &Vec<i32>) -> Option<usize> { for i in 0..v.len() { if v[i] < 0 { return Some(i) } } None }
fn pair_sum(grid: &Vec<Vec<i32>>, target: i32) -> Option<(usize, usize)> {
    for i in 0..grid.len() { for j in 0..grid[i].len() { if grid[i][j] == target { return Some((i, j)) } } } None }
fn first_char_code(s: &str) -> Option<i64> { let parts: Vec<&str> = s.split(",").collect(); let first = parts.get(0)?; let n = first.parse::<i64>().ok()?; Some(n * 2) }
fn parse_all(items: &Vec<String>) -> Result<i64, String> { let mut total = 0; for it in items { total += parse_one(it)?; } Ok(total) }
fn parse_one(s: &str) -> Result<i64, String> { match s.parse::<i64>().ok() { Some(n) => Ok(n), None => Err(format!("bad number: {}", s)) } }
fn main() {
    let mut c = Counter::new(); c.inc(1); c.inc(2);
    println!("{} {:?}", c.get(), c.hist);
    let d = c.doubled(); println!("{}", d.get());
    let mut w = World { counters: vec![Counter::new(), Counter::new()], main: Counter::new() };
    w.counters[1].inc(5); w.counters[1].inc(5); w.main.inc(3);
    println!("{} {} {}", w.counters[0].get(), w.counters[1].get(), w.main.get());
    println!("{:?}", w.counters[1].hist);
    let mut stack = vec![1, 2, 3];
    while let Some(x) = stack.pop() { print!(" {}", x); } println!("");
    let mut k = 0; let found = loop { k += 1; if k * k > 50 { break k } }; println!("{}", found);
    println!("{:?}", find_first_neg(&vec![3, 4, -1, -2]));
    println!("{:?}", find_first_neg(&vec![3]));
    let g = vec![vec![1, 2], vec![3, 4, 5]];
    println!("{:?}", pair_sum(&g, 5)); println!("{:?}", pair_sum(&g, 9));
    println!("{:?}", first_char_code("21,3")); println!("{:?}", first_char_code("x,3"));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    println!("{:?}", parse_all(&s(&["1", "2", "3"]))); println!("{:?}", parse_all(&s(&["1", "z", "3"])));
    let x = 5; let x = x * 2; { let x = "inner"; println!("{}", x); } println!("{}", x);
    let label = if x > 5 { "big" } else { "small" }; println!("{}", label);
    let mut total = 0; for i in 0..10 { if i % 2 == 0 { continue } if i > 7 { break } total += i; } println!("{}", total);
    for i in (0..3) { print!("{}", i); } println!("");
    let grade = match total { 0 => "zero", 1..=9 => "small", 10..=20 => "mid", _ => "large" }; println!("{}", grade);
}
