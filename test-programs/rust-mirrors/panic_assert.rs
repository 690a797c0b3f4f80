fn main() {
    let total = 2 + 2;
    assert!(total == 4);
    println!("first assert passed");
    assert!(total == 5);
}
