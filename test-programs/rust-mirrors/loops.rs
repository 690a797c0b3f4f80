fn first_square_above(limit: i32) -> i32 { let mut i = 0; loop { i += 1; if i * i > limit { break i * i; } } }
fn main() {
    let mut i = 0; while i < 3 { print!("{} ", i); i += 1; } println!("|");
    for j in 0..5 { print!("{}", j); } println!("|");
    for j in 1..=5 { print!("{}", j); } println!("|");
    for j in 5..3 { print!("never {}", j); }
    let lo = 2; let hi = 6; let mut s = 0; for k in lo..hi { s += k; } println!("sum {}", s);
    println!("{}", first_square_above(50));
    let mut count = 0; let found = loop { count += 1; if count % 7 == 0 { break count; } }; println!("found {}", found);
    for n in 0..10 { if n % 3 != 0 { continue; } print!("{} ", n); } println!("|");
    let mut pairs = 0; for a in 0..4 { for b in 0..4 { if b > a { break; } pairs += 1; } } println!("pairs {}", pairs);
    let mut rounds = 0; let mut total = 0;
    while rounds < 3 { let v = loop { total += 1; if total % 4 == 0 { break total * 10; } }; println!("round {} -> {}", rounds, v); rounds += 1; }
    let names = vec!["ann", "bob", "cy"]; for name in names { print!("{}:{} ", name, name.len()); } println!("|");
    print!("z=26 a=1 m=13 "); println!("|");
    let mut down = 5; while down > 0 { down -= 1; if down == 2 { continue; } if down == 0 { break; } print!("{}", down); } println!("|");
    let mut nested_total = 0; for x in 1..4 { let mut y = 0; loop { y += 1; if y > x { break; } nested_total += x * y; } } println!("{}", nested_total);
}
