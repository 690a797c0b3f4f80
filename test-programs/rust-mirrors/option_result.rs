fn find(v: &Vec<i32>, target: i32) -> Option<usize> { let mut i = 0; while i < v.len() { if v[i] == target { return Some(i); } i += 1; } None }
fn parse_pair(s: &str) -> Result<(i64, i64), String> {
    let parts: Vec<String> = s.split(",").map(|x| x.to_string()).collect();
    if parts.len() != 2 { return Err(format!("expected 2 parts, got {}", parts.len())); }
    let a = parse_num(parts[0].clone())?;
    let b = parse_num(parts[1].clone())?;
    Ok((a, b))
}
fn parse_num(s: String) -> Result<i64, String> { match s.trim().parse::<i64>().ok() { Some(n) => Ok(n), None => Err("not a number: ".to_string() + &s) } }
fn first_even_doubled(v: &Vec<i32>) -> Option<i32> { let i = find_even(v)?; Some(v[i] * 2) }
fn find_even(v: &Vec<i32>) -> Option<usize> { for i in 0..v.len() { if v[i] % 2 == 0 { return Some(i); } } None }
fn checked_div(a: i32, b: i32) -> Result<i32, String> { if b == 0 { Err("division by zero".to_string()) } else { Ok(a / b) } }
fn main() {
    let v = vec![4, 8, 15, 16, 23, 42];
    println!("{:?} {:?}", find(&v, 15), find(&v, 99));
    let a = find(&v, 16); let b: Option<usize> = None;
    println!("{} {} {} {}", a.is_some(), a.is_none(), b.is_some(), b.is_none());
    println!("{} {}", a.unwrap(), b.unwrap_or(7));
    println!("{}", a.expect("must be there"));
    println!("{:?}", parse_pair("3,4"));
    println!("{:?}", parse_pair(" 10 , -2 "));
    println!("{:?}", parse_pair("1,x"));
    println!("{:?}", parse_pair("1,2,3"));
    let r = parse_pair("5,6");
    println!("{} {}", r.is_ok(), r.is_err());
    let (x, y) = r.unwrap(); println!("{}", x * y);
    let bad = checked_div(1, 0); println!("{} {} {:?}", bad.is_ok(), bad.is_err(), bad);
    println!("{}", checked_div(7, 2).unwrap());
    println!("{}", checked_div(7, 0).unwrap_or(-1));
    println!("{}", checked_div(9, 3).expect("nonzero"));
    println!("{:?}", first_even_doubled(&vec![1, 3, 6, 8]));
    println!("{:?}", first_even_doubled(&vec![1, 3, 5]));
    let mut maybe: Option<String> = None;
    if maybe.is_none() { maybe = Some("filled".to_string()); }
    println!("{:?} {}", maybe, maybe.clone().unwrap_or("empty".to_string()));
    let nums: Vec<Option<i32>> = vec![Some(1), None, Some(3)];
    let mut total = 0; for n in nums { total += n.unwrap_or(100); } println!("{}", total);
}
