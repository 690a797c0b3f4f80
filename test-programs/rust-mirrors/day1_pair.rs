use std::fmt::Display;

struct Pair<T> {
    x: T,
    y: T,
}

impl<T: Display + PartialOrd + Clone> Pair<T> {
    fn new(x: T, y: T) -> Self {
        Self { x, y }
    }
    fn largest(&self) -> T {
        if self.x >= self.y { self.x.clone() } else { self.y.clone() }
    }
    fn cmp_display(&self) -> String {
        if self.x >= self.y {
            format!("The largest member is x = {}", self.x)
        } else {
            format!("The largest member is y = {}", self.y)
        }
    }
}

fn swap<A: Clone, B: Clone>(p: (A, B)) -> (B, A) {
    (p.1.clone(), p.0.clone())
}

fn main() {
    let p = Pair::new(3, 9);
    println!("{}", p.cmp_display());
    let q = Pair::new("pear".to_string(), "apple".to_string());
    println!("{} {}", q.cmp_display(), q.largest());
    println!("{:?}", swap((1.5, 'z')));
}
