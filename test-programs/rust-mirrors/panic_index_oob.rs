fn main() {
    let v = vec![10, 20, 30];
    let mut i = 0;
    while i < 5 {
        println!("{}", v[i]);
        i += 1
    }
}
