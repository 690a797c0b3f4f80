#[derive(Debug, Clone, Copy)] enum Dir { North, East, South, West }
#[derive(Clone, Copy)] enum Turn { Left, Right }
fn turn(d: Dir, t: Turn) -> Dir { use Dir::*; use Turn::*; match (d, t) {
 (North, Left) => West, (North, Right) => East, (East, Left) => North, (East, Right) => South,
 (South, Left) => East, (South, Right) => West, (West, Left) => South, (West, Right) => North } }
fn xor(a: bool, b: bool) -> bool { match (a, b) { (true, true) => false, (true, false) => true, (false, true) => true, (false, false) => false } }
fn yes_no(b: bool) -> String { match b { true => "yes".into(), false => "no".into() } }
fn opt_text(o: Option<i32>) -> String { match o { Some(n) => format!("some {}", n), None => "none".into() } }
fn res_text(r: Result<i32, String>) -> String { match r { Ok(n) => format!("ok {}", n), Err(e) => format!("err {}", e) } }
fn fizz(n: i32) -> String { match (n % 3 == 0, n % 5 == 0) { (true, true) => "FizzBuzz".into(), (true, false) => "Fizz".into(), (false, true) => "Buzz".into(), (false, false) => n.to_string() } }
fn main() {
    let mut d = Dir::North;
    let turns = vec![Turn::Right, Turn::Right, Turn::Left, Turn::Right, Turn::Right, Turn::Right];
    for t in turns { d = turn(d, t); println!("{:?}", d); }
    println!("{} {} {} {}", xor(true, true), xor(true, false), xor(false, true), xor(false, false));
    println!("{} {}", yes_no(1 < 2), yes_no(2 < 1));
    println!("{} {}", opt_text(Some(5)), opt_text(None));
    println!("{} {}", res_text(Ok(1)), res_text(Err("boom".into())));
    let mut line = String::new();
    for i in 1..16 { line.push_str(&fizz(i)); line.push_str(" "); }
    println!("{}", line.trim());
}
