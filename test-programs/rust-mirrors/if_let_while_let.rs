enum Event { Key(String), Click { x: i32, y: i32 }, Tick }
fn lookup(id: i32) -> Option<String> { if id == 1 { Some("one".into()) } else if id == 2 { Some("two".into()) } else { None } }
fn main() {
    if let Some(name) = lookup(1) { println!("found {}", name); }
    if let Some(name) = lookup(3) { println!("found {}", name); } else { println!("not found"); }
    let data: Option<Vec<u8>> = Some(vec![1, 2, 3]);
    if let Some(data) = data { println!("{} bytes", data.len()); } else { println!("no data"); }
    let v = if let Some(s) = lookup(2) { s.len() } else { 0 };
    println!("{}", v);
    let events = vec![Event::Key("a".into()), Event::Click { x: 3, y: 4 }, Event::Tick, Event::Key("b".into())];
    for e in events {
        if let Event::Key(k) = &e { println!("key {}", k); } else if let Event::Click { x, y } = e { println!("click {} {}", x, y); } else { println!("other"); }
    }
    let mut stack = vec![1, 2, 3];
    while let Some(top) = stack.pop() { println!("popped {}", top); }
    println!("{}", stack.len());
    let mut queue = vec!["a", "b", "c"]; let mut seen = String::new();
    while let Some(x) = queue.get(0).cloned() { seen.push_str(x); queue.remove(0); }
    println!("{} {}", seen, queue.len());
    let mut n = 10;
    while let 1..=100 = n { n = n * 3; }
    println!("{}", n);
    let r: Result<i32, String> = Err("nope".into());
    if let Err(msg) = &r { println!("error: {}", msg); }
    if let Ok(x) = r { println!("ok {}", x); }
    let pair = (1, Some(5));
    if let (1, Some(k)) = pair { println!("k={}", k); }
}
