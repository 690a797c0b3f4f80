fn main() { let values: Vec<u64> = vec![10, 5, 0]; for d in values { println!("{}", 100 % d) } }
