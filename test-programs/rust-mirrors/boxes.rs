// Serialization round trip replaced by the value it gives back.
#[derive(Clone, Debug)]
enum Tree { Leaf, Node(Box<Tree>, i64, Box<Tree>) }
impl Tree {
    fn insert(&self, v: i64) -> Tree {
        match self {
            Tree::Leaf => Tree::Node(Box::new(Tree::Leaf), v, Box::new(Tree::Leaf)),
            Tree::Node(l, x, r) => {
                if v < *x { Tree::Node(Box::new(l.insert(v)), *x, r.clone()) }
                else { Tree::Node(l.clone(), *x, Box::new(r.insert(v))) }
            }
        }
    }
    fn sum(&self) -> i64 { match self { Tree::Leaf => 0, Tree::Node(l, x, r) => l.sum() + x + r.sum() } }
    fn depth(&self) -> i64 { match self { Tree::Leaf => 0, Tree::Node(l, _, r) => 1 + l.depth().max(r.depth()) } }
}
#[derive(Clone, Debug)]
struct Point { x: i64, y: i64 }
impl Point { fn shift(&mut self, d: i64) { self.x += d; self.y += d; } }
struct Holder { p: Box<Point>, tag: String }
fn main() {
    let mut t = Tree::Leaf;
    for v in [5, 3, 8, 1, 4, 9] { t = t.insert(v); }
    println!("sum {} depth {}", t.sum(), t.depth());
    let mut b = Box::new(41);
    *b += 1;
    println!("{} {:?}", *b, b);
    let mut p = Box::new(Point { x: 1, y: 2 });
    p.x = 10;
    p.shift(5);
    let q = p.clone();
    p.shift(1);
    println!("{:?} {:?}", p, q);
    *p = Point { x: 0, y: 0 };
    println!("{} {}", p.x, q.x);
    let mut h = Holder { p: Box::new(Point { x: 1, y: 1 }), tag: "h".into() };
    h.p.shift(2);
    println!("{} {:?}", h.tag, h.p);
    let same = Box::new(3) == Box::new(3);
    println!("{} {}", same, Box::new("a") == Box::new("b"));
    let back: Point = (*h.p).clone();
    println!("{:?}", back);
}
