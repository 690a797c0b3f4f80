use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::ops::{Add, Neg};

trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
}
#[derive(Clone)]
struct Circle { r: f64 }
#[derive(Clone)]
struct Square { s: f64 }
impl Shape for Circle {
    fn area(&self) -> f64 { 3.0 * self.r * self.r }
    fn name(&self) -> String { "circle".to_string() }
}
impl Shape for Square {
    fn area(&self) -> f64 { self.s * self.s }
    fn name(&self) -> String { "square".to_string() }
}
impl Display for Square {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, "[{}]", self.s) }
}
fn largest<T: PartialOrd + Clone>(v: &Vec<T>) -> T {
    let mut best = v[0].clone();
    for x in v { if *x > best { best = x.clone(); } }
    best
}
fn sum_all<T: Add<Output = T> + Default + Clone>(v: &Vec<T>) -> T {
    let mut total = T::default();
    for x in v { total = total + x.clone(); }
    total
}
fn total_area<T: Shape>(shapes: &Vec<T>) -> f64 {
    let mut sum = 0.0;
    for s in shapes { sum += s.area(); }
    sum
}
fn describe<T: Shape>(s: &T) -> String { format!("{} of area {}", s.name(), s.area()) }
fn join_all<T: Display>(items: &Vec<T>, sep: &str) -> String {
    let mut out = String::new();
    for i in 0..items.len() {
        if i > 0 { out.push_str(sep); }
        out.push_str(&items[i].to_string());
    }
    out
}
fn repeat<T: Clone>(x: T, n: i64) -> Vec<T> {
    let mut out = Vec::new();
    for _ in 0..n { out.push(x.clone()); }
    out
}
fn push_twice<T: Clone>(v: &mut Vec<T>, x: T) { v.push(x.clone()); v.push(x); }
fn count<K: Hash + Eq + Clone>(items: &Vec<K>) -> HashMap<K, i64> {
    let mut m = HashMap::new();
    for it in items {
        let n = *m.get(it).unwrap_or(&0);
        m.insert(it.clone(), n + 1);
    }
    m
}
fn position<T: PartialEq>(v: &Vec<T>, x: &T) -> Option<i64> {
    for i in 0..v.len() { if v[i] == *x { return Some(i as i64); } }
    None
}
fn swap<A, B>(p: (A, B)) -> (B, A) { (p.1, p.0) }
fn negate<T: Neg<Output = T>>(x: T) -> T { -x }
fn biggest_area<T: Shape + Clone>(shapes: &Vec<T>) -> String {
    let mut best = shapes[0].clone();
    for s in shapes { if s.area() > best.area() { best = s.clone(); } }
    describe(&best)
}
struct Stack { items: Vec<i64> }
impl Stack {
    fn pick<U>(&self, when_empty: U, otherwise: U) -> U { if self.items.len() == 0 { when_empty } else { otherwise } }
}
fn main() {
    let nums: Vec<i64> = vec![3, 9, 2];
    println!("{}", largest(&nums));
    println!("{}", largest(&vec!["pear".to_string(), "zucchini".to_string(), "apple".to_string()]));
    println!("{}", largest(&vec![(1, 'b'), (2, 'a'), (1, 'z')]).1);
    println!("{} {}", sum_all(&nums), sum_all(&vec![0.5, 0.25]));
    println!("{}", sum_all::<i32>(&vec![]));
    let circles = vec![Circle { r: 1.0 }, Circle { r: 2.0 }];
    println!("{}", total_area(&circles));
    println!("{}", total_area(&vec![Square { s: 3.0 }]));
    println!("{}", describe(&Square { s: 2.0 }));
    println!("{}", biggest_area(&circles));
    println!("{}", join_all(&vec![1, 2, 3], ", "));
    println!("{}", join_all(&vec![Square { s: 1.5 }, Square { s: 2.0 }], " "));
    println!("{:?}", repeat("ab", 3));
    let mut v = repeat::<i64>(7, 1);
    push_twice(&mut v, 8);
    println!("{:?}", v);
    let words = vec!["a".to_string(), "b".to_string(), "a".to_string()];
    let counts = count(&words);
    println!("{} {}", counts["a"], counts["b"]);
    println!("{:?} {:?}", position(&nums, &2), position(&words, &"z".to_string()));
    println!("{:?}", swap((1, "one")));
    println!("{} {}", negate(5), negate(2.5));
    let st = Stack { items: Vec::new() };
    println!("{} {}", st.pick("empty", "full"), st.pick(0, 1));
}
