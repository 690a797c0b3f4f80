// Dast closures copy what they capture: `move` closures here.
fn apply<F: Fn(i64) -> i64>(f: F, x: i64) -> i64 { f(x) }
fn twice<T, F: Fn(T) -> T>(f: F, x: T) -> T { f(f(x)) }
fn keep<T: Clone, F: Fn(T) -> bool>(v: &Vec<T>, pred: F) -> Vec<T> {
    let mut out = Vec::new();
    for x in v { if pred(x.clone()) { out.push(x.clone()); } }
    out
}
fn map_all<T: Clone, U, F: Fn(T) -> U>(v: &Vec<T>, f: F) -> Vec<U> {
    let mut out = Vec::new();
    for x in v { out.push(f(x.clone())); }
    out
}
fn count_where<T: Clone, F: Fn(T) -> bool>(v: &Vec<T>, pred: F) -> i64 { keep(v, pred).len() as i64 }
fn fold_all<T: Clone, A, F: Fn(A, T) -> A>(v: &Vec<T>, init: A, f: F) -> A {
    let mut acc = init;
    for x in v { acc = f(acc, x.clone()); }
    acc
}
#[derive(Clone)]
struct Unit { name: String, hp: i64 }
struct Button<F> { label: String, on_click: F }
fn doubled<T: std::ops::Add<Output = T> + Copy>(v: &Vec<T>) -> Vec<T> { v.iter().map(|x| *x + *x).collect() }
fn count_big<T: PartialOrd + Copy>(v: &Vec<T>, limit: T) -> usize {
    let above = |x: T| x > limit;
    v.iter().filter(|x| above(**x)).count()
}
impl<F: Fn(i64) -> i64> Button<F> {
    fn click(&self, x: i64) -> i64 { (self.on_click)(x) }
}
fn main() {
    let k = 10;
    println!("{}", apply(move |x| x * k, 4));
    println!("{}", twice(|s: String| s + "!", "hi".to_string()));
    println!("{}", twice(|x| x * 3, 2));
    let add = |a: i64, b: i64| a + b;
    let square = |x: i64| -> i64 { let y = x * x; y };
    println!("{} {}", add(2, 3), square(add(1, 2)));
    let limit = 3;
    println!("{:?}", keep(&vec![1, 5, 2, 8], move |x| x > limit));
    let words: Vec<String> = vec!["apple".to_string(), "kiwi".to_string(), "banana".to_string()];
    println!("{:?}", keep(&words, |w: String| w.len() > 4));
    println!("{:?}", map_all(&words, |w| w.len()));
    let prefix = "unit-".to_string();
    let units = vec![Unit { name: "orc".to_string(), hp: 0 }, Unit { name: "elf".to_string(), hp: 7 }];
    println!("{:?}", map_all(&units, |u: Unit| prefix.clone() + &u.name));
    println!("{}", count_where(&units, |u: Unit| u.hp > 0));
    println!("{}", fold_all(&vec![1, 2, 3, 4], 0, |acc, x| acc + x));
    println!("{}", fold_all(&words, String::new(), |acc: String, w: String| acc + &w.to_uppercase()));
    let bonus = vec![1, 2];
    let with_bonus = move |x: i64| x + bonus[1];
    println!("{}", apply(with_bonus, 40));
    let sign = |x: i64| -> String { if x < 0 { return "negative".to_string(); } "non-negative".to_string() };
    println!("{} {}", sign(-3), sign(3));
    let mut n = 1;
    let show = move |x: i64| x + n;
    n = 100;
    println!("{} {}", show(1), n);
    let b = Button { label: "triple".to_string(), on_click: |x: i64| x * 3 };
    let handlers = vec![move |x: i64| x - k];
    println!("{} {} {}", b.label, b.click(5), (handlers[0])(50));
    println!("{:?} {:?} {}", doubled(&vec![1, 2]), doubled(&vec![0.5]), count_big(&vec![1, 5, 9], 4));
}
