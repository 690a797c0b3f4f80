#[derive(Debug)] enum Tok { Num(i64), Op(char), Ident(String), Pair(Box2), End }
#[derive(Debug)] struct Box2 { a: i32, b: i32 }
enum Dir { N, E, S, W }
impl Dir {
    fn turn(&self) -> Dir { match self { Dir::N => Dir::E, Dir::E => Dir::S, Dir::S => Dir::W, Dir::W => Dir::N } }
    fn name(&self) -> String { match self { Dir::N => "north", Dir::E => "east", Dir::S => "south", Dir::W => "west" }.to_string() }
}
impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Num(n) if *n < 0 => format!("neg {}", n),
            Tok::Num(0) => "zero".into(),
            Tok::Num(n) => format!("num {}", n),
            Tok::Op('+') | Tok::Op('-') => "additive".into(),
            Tok::Op(c) => format!("op {}", c),
            Tok::Ident(s) if s.len() > 3 => format!("long ident {}", s),
            Tok::Ident(s) => format!("ident {}", s),
            Tok::Pair(Box2 { a: 0, .. }) => "pair starting 0".into(),
            Tok::Pair(Box2 { a, b }) => format!("pair {} {}", a, b),
            Tok::End => "end".into(),
        }
    }
}
fn classify(c: char) -> &'static str { match c { 'a'..='z' => "lower", 'A'..='Z' => "upper", '0'..='9' => "digit", ' ' | '\t' => "space", _ => "other" } }
fn quadrant(p: (i32, i32)) -> i32 { match p { (0, 0) => 0, (x, y) if x > 0 && y > 0 => 1, (x, _) if x < 0 => 2, (_, y) if y < 0 => 3, _ => 4 } }
fn main() {
    let toks = vec![Tok::Num(-3), Tok::Num(0), Tok::Num(8), Tok::Op('+'), Tok::Op('*'), Tok::Ident("ab".into()), Tok::Ident("abcd".into()), Tok::Pair(Box2 { a: 0, b: 1 }), Tok::Pair(Box2 { a: 2, b: 3 }), Tok::End];
    for t in toks { println!("{}", t.describe()); }
    let mut d = Dir::N; for _ in 0..5 { d = d.turn(); print!(" {}", d.name()); } println!("");
    for c in ['q', 'Q', '5', ' ', '#'] { print!(" {}", classify(c)); } println!("");
    for p in [(0, 0), (1, 2), (-1, 5), (3, -3), (0, 5)] { print!(" {}", quadrant(p)); } println!("");
    let opt: Option<Option<i32>> = Some(None);
    match opt { Some(Some(x)) => println!("inner {}", x), Some(None) => println!("some none"), None => println!("none") }
    let r: Result<Option<i32>, String> = Ok(Some(4)); if let Ok(Some(v)) = r { println!("got {}", v); }
    let n = 15; let msg = match n { x if x % 15 == 0 => "fizzbuzz", x if x % 3 == 0 => "fizz", _ => "other" }; println!("{}", msg);
    let v = vec![1, 2, 3]; let s = match v.len() { 0 => "empty", 1 | 2 => "few", _ => "many" }; println!("{}", s);
    let big: u8 = 200; match big { 0..=99 => println!("small"), 100..=199 => println!("mid"), 200..=255 => println!("high") }
}
