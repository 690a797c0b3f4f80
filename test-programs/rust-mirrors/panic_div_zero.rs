fn ratio(a: i32, b: i32) -> i32 {
    a / b
}
fn main() { println!("{}", 1.0 / 0.0); println!("{}", ratio(10, 3)); let zero = 0; println!("{}", ratio(7, zero)); }
