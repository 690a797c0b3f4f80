use std::fmt::{Debug, Display};
use std::ops::Add;

#[derive(Clone, Debug, PartialEq, PartialOrd)]
struct Pair<A, B> { a: A, b: B }
impl<A: Clone, B: Clone> Pair<A, B> {
    fn new(a: A, b: B) -> Self { Pair { a, b } }
    fn swap(&self) -> Pair<B, A> { Pair { a: self.b.clone(), b: self.a.clone() } }
}
#[derive(Clone, Debug, Default)]
struct Stack<T> { items: Vec<T> }
impl<T: Clone> Stack<T> {
    fn push(&mut self, x: T) { self.items.push(x) }
    fn pop(&mut self) -> Option<T> { self.items.pop() }
    fn peek(&self) -> Option<T> { if self.items.len() == 0 { None } else { Some(self.items[self.items.len() - 1].clone()) } }
    fn size(&self) -> i64 { self.items.len() as i64 }
}
#[derive(Clone)]
enum Tree<T> { Leaf, Node(Box<Tree<T>>, T, Box<Tree<T>>) }
impl<T: PartialOrd + Clone> Tree<T> {
    fn insert(&self, v: T) -> Tree<T> {
        match self {
            Tree::Leaf => Tree::Node(Box::new(Tree::Leaf), v, Box::new(Tree::Leaf)),
            Tree::Node(l, x, r) => {
                if v < *x { Tree::Node(Box::new(l.insert(v)), x.clone(), r.clone()) }
                else { Tree::Node(l.clone(), x.clone(), Box::new(r.insert(v))) }
            }
        }
    }
    fn walk(&self, out: &mut Vec<T>) {
        match self {
            Tree::Leaf => {}
            Tree::Node(l, x, r) => { l.walk(out); out.push(x.clone()); r.walk(out); }
        }
    }
    fn depth(&self) -> i64 {
        match self { Tree::Leaf => 0, Tree::Node(l, _, r) => 1 + l.depth().max(r.depth()) }
    }
}
struct Tagged<T> { tag: String, value: T }
impl<T: Display> Display for Tagged<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, "{}={}", self.tag, self.value) }
}
#[derive(Debug)]
enum Reply<T, E> { Done(T), Failed { reason: E, tries: i64 } }
fn describe<T: Display, E: Display>(r: &Reply<T, E>) -> String {
    match r {
        Reply::Done(v) => format!("done {}", v),
        Reply::Failed { reason, tries } => format!("failed {} after {}", reason, tries),
    }
}
fn sum_stack<T: Add<Output = T> + Default + Clone>(s: &Stack<T>) -> T {
    let mut total = T::default();
    for x in s.items.iter() { total = total + x.clone(); }
    total
}
fn main() {
    let mut history: Stack<i64> = Stack::default();
    let mut record = |x: i64| -> i64 { history.push(x); history.size() };
    let p = Pair::new(1, "one");
    let q = p.swap();
    println!("{} {} / {} {}", p.a, p.b, q.a, q.b);
    let nested: Pair<i64, Pair<bool, char>> = Pair { a: 3, b: Pair { a: true, b: 'z' } };
    println!("{:?}", nested);
    println!("{}", nested == Pair { a: 3, b: Pair { a: true, b: 'z' } });
    println!("{}", Pair { a: 1, b: 2 } < Pair { a: 1, b: 3 });
    let mut s: Stack<String> = Stack { items: Vec::new() };
    s.push("x".to_string());
    s.push("y".to_string());
    let (a, b) = (s.size(), s.peek());
    let c = s.pop();
    println!("{} {:?} {:?} {}", a, b, c, s.size());
    let mut nums = Stack { items: vec![1.5, 2.25] };
    nums.push(0.25);
    println!("{}", sum_stack(&nums));
    let empty = Stack::<bool>::default();
    println!("{:?} {}", empty, empty.size());
    let mut t = Tree::Leaf;
    for v in [5, 2, 8, 1, 9, 3] { t = t.insert(v); }
    let mut out = Vec::new();
    t.walk(&mut out);
    println!("{:?} depth {}", out, t.depth());
    let mut words = Tree::Leaf;
    for w in ["pear", "fig", "apple"] { words = words.insert(w.to_string()); }
    let mut ws = Vec::new();
    words.walk(&mut ws);
    println!("{:?}", ws);
    let tg = Tagged { tag: "hp".to_string(), value: 42 };
    println!("{} [{}] {}", tg, Tagged { tag: "pos".to_string(), value: Pair { a: 1, b: 2 }.a }, tg.to_string());
    let ok: Reply<i64, String> = Reply::Done(7);
    let bad: Reply<i64, String> = Reply::Failed { reason: "timeout".to_string(), tries: 3 };
    println!("{} / {}", describe(&ok), describe(&bad));
    println!("{:?}", bad);
    record(10);
    let n = record(20);
    drop(record);
    println!("{} {:?}", n, history.peek());
}
