fn main() { println!("10 2"); panic!("unsupported version"); }
