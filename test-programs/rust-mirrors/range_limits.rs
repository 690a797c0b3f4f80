fn bucket(n: i32) -> String {
    match n {
        i32::MIN => "min".to_string(),
        i32::MIN..=-1 => "negative".to_string(),
        0 => "zero".to_string(),
        1..=i32::MAX => "positive".to_string(),
    }
}
fn byte_kind(b: u8) -> String {
    match b {
        u8::MIN..=31 => "control".to_string(),
        32..=126 => "printable".to_string(),
        127..=u8::MAX => "high".to_string(),
    }
}
fn wide(x: i64) -> i32 {
    match x {
        i64::MIN..=-1000000000000 => -2,
        -999999999999..=-1 => -1,
        0..=i64::MAX => 1,
    }
}
fn main() {
    for n in [-2147483648, -4, 0, 9, 2147483647] { println!("{} {}", n, bucket(n)); }
    for b in [0u8, 65, 200, 255] { println!("{} {}", b, byte_kind(b)); }
    println!("{} {} {}", wide(-9223372036854775807 - 1), wide(-5), wide(9223372036854775807));
}
