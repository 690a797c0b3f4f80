fn fib(n: i64) -> i64 { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
fn is_even(n: u32) -> bool { if n == 0 { true } else { is_odd(n - 1) } }
fn is_odd(n: u32) -> bool { if n == 0 { false } else { is_even(n - 1) } }
fn ack(m: i64, n: i64) -> i64 { if m == 0 { n + 1 } else if n == 0 { ack(m - 1, 1) } else { ack(m - 1, ack(m, n - 1)) } }
fn hanoi(n: i32, from: i32, to: i32, via: i32, moves: &mut Vec<(i32, i32)>) { if n == 0 { return; } hanoi(n - 1, from, via, to, moves); moves.push((from, to)); hanoi(n - 1, via, to, from, moves); }
fn gcd(a: u64, b: u64) -> u64 { if b == 0 { a } else { gcd(b, a % b) } }
fn sum_digits(n: u64) -> u64 { match n { 0 => 0, _ => n % 10 + sum_digits(n / 10) } }
fn permutations(prefix: String, rest: Vec<String>, out: &mut Vec<String>) {
    if rest.is_empty() { out.push(prefix); return; }
    for i in 0..rest.len() { let mut next = rest.clone(); let picked = next.remove(i); permutations(prefix.clone() + &picked, next, out); }
}
fn depth(n: i32) -> i32 { if n == 0 { 0 } else { 1 + depth(n - 1) } }
fn main() {
    let mut line = String::new(); for i in 0..15 { line.push_str(&fib(i).to_string()); line.push_str(","); } println!("{}", line);
    println!("{}", fib(25));
    println!("{} {} {}", is_even(10), is_odd(7), is_even(7));
    println!("{} {}", ack(2, 3), ack(3, 3));
    let mut moves = Vec::new(); hanoi(4, 1, 3, 2, &mut moves);
    println!("{} {:?} {:?}", moves.len(), moves[0], moves[moves.len() - 1]);
    println!("{} {}", gcd(1071, 462), gcd(17, 5));
    println!("{}", sum_digits(9876543210));
    let mut perms = Vec::new(); permutations("".into(), vec!["a".into(), "b".into(), "c".into()], &mut perms);
    println!("{:?}", perms);
    println!("{}", depth(10000));
}
