fn add3(a: i32, b: i32, c: i32) -> i32 { a + b + c }
fn main() {
    let total = 1 + 2 + 3; println!("{}", total);
    let ok = total > 5 && total < 10; println!("{}", ok);
    let v = vec![10, 20, 30]; println!("{:?}", v);
    println!("{}", add3(1, 2, 3));
    println!("{}", format!("{}-{}", "a", "b"));
    let a = 1; let b = 2; println!("{}", a + b);
    let c = if a < b { "less" } else { "more" }; println!("{}", c);
    let t = (1, "x"); println!("{:?}", t);
    let mut x = 0; x += 5; x -= 1; println!("{}", x);
    let neg = 7; let y = x; -neg; println!("{} {}", y, -neg);
}
