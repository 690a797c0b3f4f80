struct Point { x: i32, y: i32 }
enum Msg { Quit, Move { x: i32, y: i32 }, Write(String), Color(u8, u8, u8), Batch(Vec<Msg>) }
fn classify(n: i32) -> String { match n { 0 => "zero".into(), -1 => "minus one".into(), 1 | 2 | 3 => "small".into(), 4..=9 => "digit".into(), 10..100 => "two digits".into(), x if x < 0 => "negative".into(), _ => "big".into() } }
fn grade(score: u8) -> String { match score { 90..=255 => "A".into(), 80..=89 => "B".into(), 70..80 => "C".into(), _ => "F".into() } }
fn where_is(p: Point) -> String { match p {
    Point { x: 0, y: 0 } => "origin".into(),
    Point { x: 0, y } => format!("on the y axis at {}", y),
    Point { x, y: 0 } => format!("on the x axis at {}", x),
    Point { x, y } if x == y => "on the diagonal".into(),
    Point { x: 1..=5, .. } => "near".into(),
    _ => "far".into() } }
fn describe(m: &Msg) -> String { match m {
    Msg::Quit => "quit".into(),
    Msg::Move { x: 0, y: 0 } => "stay".into(),
    Msg::Move { x, y } => format!("move {},{}", x, y),
    Msg::Write(s) if s.len() > 5 => "long text".into(),
    Msg::Write(s) => "text ".to_string() + s,
    Msg::Color(255, _, _) => "reddish".into(),
    Msg::Color(r, g, b) => format!("color {}", *r as i32 + *g as i32 + *b as i32),
    Msg::Batch(items) => format!("batch of {}", items.len()) } }
fn pair(t: (i32, bool)) -> String { match t { (0, true) => "zero and true".into(), (0, _) => "zero".into(), (n, true) => format!("{} and true", n), (_, false) => "false".into() } }
fn command(s: &str) -> i32 { match s { "start" => 1, "stop" | "halt" => 2, _ => 0 } }
fn main() {
    for n in [0, -1, 2, 7, 10, 99, 100, -50] { println!("{} {}", n, classify(n)); }
    println!("{} {} {} {}", grade(95), grade(85), grade(79), grade(12));
    println!("{}", where_is(Point { x: 0, y: 0 }));
    println!("{}", where_is(Point { x: 0, y: 7 }));
    println!("{}", where_is(Point { x: -3, y: 0 }));
    println!("{}", where_is(Point { x: 4, y: 4 }));
    println!("{}", where_is(Point { x: 3, y: 9 }));
    println!("{}", where_is(Point { x: 6, y: 9 }));
    let msgs = vec![Msg::Quit, Msg::Move { x: 0, y: 0 }, Msg::Move { x: 2, y: -1 }, Msg::Write("hi".into()), Msg::Write("hello world".into()), Msg::Color(255, 0, 0), Msg::Color(1, 2, 3), Msg::Batch(vec![Msg::Quit, Msg::Quit])];
    for m in msgs { println!("{}", describe(&m)); }
    println!("{} | {} | {} | {}", pair((0, true)), pair((0, false)), pair((5, true)), pair((5, false)));
    println!("{} {} {} {}", command("start"), command("halt"), command("stop"), command("go"));
    let opt: Option<(i32, String)> = Some((3, "three".into()));
    match opt { Some((n, name)) if n > 5 => println!("big {}", name), Some((n, name)) => println!("small {} {}", n, name), None => println!("nothing") }
    let nested: Option<Option<i32>> = Some(None);
    let r = match nested { Some(Some(v)) => v, Some(None) => -1, None => -2 };
    println!("{}", r);
    let x = 5;
    let kind = match x % 2 == 0 { true => "even", false => "odd" };
    println!("{}", kind);
}
