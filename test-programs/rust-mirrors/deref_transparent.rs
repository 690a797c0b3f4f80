#[derive(Debug)]
enum Shape { Circle(f64), Square(f64) }
impl Shape {
    fn grow(&mut self, k: f64) {
        match *self {
            Shape::Circle(r) => *self = Shape::Circle(r * k),
            Shape::Square(s) => { *self = Shape::Square(s * k) }
        }
    }
}
struct Counter { n: i32 }
fn bump(n: &mut i32, by: i32) { *n += by; *n *= 2; }
fn read(n: &i32) -> i32 { *n + 1 }
fn total(v: &Vec<i32>) -> i32 { let mut t = 0; for x in v { t += *x; } t }
fn main() {
    let mut s = Shape::Circle(1.5);
    s.grow(2.0);
    println!("{:?}", s);
    let mut q = Shape::Square(3.0);
    q.grow(0.5);
    println!("{:?}", q);
    let mut x = 1;
    bump(&mut x, 2);
    println!("{} {}", x, read(&x));
    let a = 3; let b = 4;
    let c = a
        * b;
    println!("{}", c);
    let mut cnt = Counter { n: 5 };
    bump(&mut cnt.n, 1);
    println!("{} {}", cnt.n, total(&vec![1, 2, 3]));
}
