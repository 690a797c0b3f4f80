fn check_level(level: i32) {
    if level > 3 {
        panic!("level too high")
    }
    println!("level {} ok", level)
}
fn main() { for level in 1..10 { check_level(level) } println!("unreachable") }
