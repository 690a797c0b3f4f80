// The ceiling: the same loops in Rust, `Box<dyn Step>` against a static call
// (`rustc -O`). `black_box` keeps the compiler from seeing through the boxes.
use std::hint::black_box;
trait Step { fn step(&self, x: i64) -> i64; }
struct Adder { k: i64 }
struct Doubler { k: i64 }
impl Step for Adder { fn step(&self, x: i64) -> i64 { (x * 3 + self.k) % 1000003 } }
impl Step for Doubler { fn step(&self, x: i64) -> i64 { (x * 2 + self.k) % 1000003 } }
fn main() {
    let dynamic = std::env::args().nth(1).as_deref() == Some("dyn");
    let mut acc: i64 = 1;
    if dynamic {
        let steps: Vec<Box<dyn Step>> = black_box(vec![Box::new(Adder { k: 7 }), Box::new(Doubler { k: 11 })]);
        let (a, d) = (&steps[0], &steps[1]);
        for _ in 0..10_000_000 { acc = a.step(acc); acc = d.step(acc); }
    } else {
        let a = black_box(Adder { k: 7 });
        let d = black_box(Doubler { k: 11 });
        for _ in 0..10_000_000 { acc = a.step(acc); acc = d.step(acc); }
    }
    println!("{}", acc);
}
