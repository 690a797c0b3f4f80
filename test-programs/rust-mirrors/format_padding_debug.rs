#[derive(Debug)]
struct P { x: i32 }
fn main() {
    println!("[{:5}] [{:<5}] [{:^5}] [{:>5}]", 42, true, 'c', "ab");
    println!("[{:5}] [{:<7.2}] [{:07.2}] [{:+}]", 1.5, 2.0, -3.14159, 0);
    println!("[{:10?}] [{:>12?}]", Some(1), P { x: 3 });
    println!("{{}} {{{}}}", 1);
    let name = "n";
    println!("{name}! {name:?} {0} {0:?}", "z");
    println!("{:?}", -0i32);
    println!("[{:-^9}]", "mid");
    println!("{:5}|{:<5}|", -1, -1);
    println!("{:+.1} {:+}", -0.0, 5.5);
}
