fn step(x: i32) -> i32 { x.wrapping_mul(1103515245).wrapping_add(12345) }
fn run(n: i32) -> i32 { let mut x = 1; for _ in 0..n { x = step(x); } x }
fn validate(x: i32) {
    if x < 0 {
        panic!("negative state {}", x)
    }
}
fn main() { let a = run(10); println!("{}", a); validate(run(3)); println!("ok"); validate(run(2)); }
