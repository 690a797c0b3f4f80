#[derive(Debug, Clone)] enum Shape { Circle(f64), Rect { w: f64, h: f64 }, Square(f64), Dot }
#[derive(Debug, Clone)] enum Color { Red, Green, Blue, Rgb(u8, u8, u8) }
#[derive(Debug, Clone)] enum Status { Active, Draining(i32), Unloaded }
#[derive(Debug)] struct Light { color: Color, status: Status }
#[derive(Debug)] enum Expr { Num(i64), Add(Vec<Expr>), Mul(Vec<Expr>), Neg(Vec<Expr>) }
fn area(s: Shape) -> f64 { match s { Shape::Circle(r) => 3.0 * r * r, Shape::Rect { w, h } => w * h, Shape::Square(side) => side * side, Shape::Dot => 0.0 } }
fn color_name(c: Color) -> String { match c { Color::Red => "red".into(), Color::Green => "green".into(), Color::Blue => "blue".into(), Color::Rgb(r, g, b) => format!("rgb({}, {}, {})", r, g, b) } }
fn next_status(s: Status) -> Status { match s { Status::Active => Status::Draining(2), Status::Draining(0) => Status::Unloaded, Status::Draining(n) => Status::Draining(n - 1), Status::Unloaded => Status::Unloaded } }
fn status_text(s: &Status) -> String { match s { Status::Active => "active".into(), Status::Draining(n) => format!("draining ({} active calls)", n), Status::Unloaded => "unloaded".into() } }
fn eval(e: &Expr) -> i64 { match e { Expr::Num(n) => *n, Expr::Add(items) => { let mut s = 0; for it in items { s += eval(it); } s } Expr::Mul(items) => { let mut p = 1; for it in items { p *= eval(it); } p } Expr::Neg(inner) => -eval(&inner[0]) } }
fn main() {
    let shapes = vec![Shape::Circle(1.0), Shape::Rect { w: 2.0, h: 3.5 }, Shape::Square(4.0), Shape::Dot];
    let mut total = 0.0; for s in shapes.clone() { total += area(s); } println!("{}", total);
    println!("{}", area(Shape::Circle(2.0)));
    println!("{}", area(Shape::Rect { w: 1.5, h: 2.0 }));
    println!("{:?}", shapes[1]);
    println!("{} {}", color_name(Color::Red), color_name(Color::Rgb(255, 128, 0)));
    let c: Color = Color::Blue; println!("{} {:?}", color_name(c.clone()), c);
    let mut light = Light { color: Color::Green, status: Status::Active }; println!("{:?}", light);
    for i in 0..5 { light.status = next_status(light.status.clone()); println!("{} {}", i, status_text(&light.status)); }
    light.color = Color::Rgb(1, 2, 3); println!("{:?}", light.color);
    use Expr::*;
    let e = Add(vec![Mul(vec![Add(vec![Num(2), Num(3)]), Neg(vec![Num(4)])]), Num(10)]);
    println!("{}", eval(&e));
    println!("{:?}", Neg(vec![Num(1)]));
}
