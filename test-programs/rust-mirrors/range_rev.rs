fn main() {
    for i in (0..5).rev() {
        print!("[{}]", i);
    }
    println!();
    for i in (1..=3).rev() {
        print!("[{}]", i);
    }
    println!();
    let n: usize = 3;
    for i in (0..n).rev() {
        print!("[{}]", i);
    }
    println!();
    for i in (0..=0).rev() {
        print!("[{}]", i);
    }
    for i in (5..5).rev() {
        print!("never {}", i);
    }
    #[allow(clippy::reversed_empty_ranges)]
    for i in (6..=5).rev() {
        print!("never {}", i);
    }
    println!("|");
    let mut total = 0;
    for mut i in (10..20).rev() {
        if i % 2 == 0 {
            continue;
        }
        i *= 2;
        total += i;
        if i < 25 {
            break;
        }
    }
    println!("{}", total);
    let x: u8 = 2;
    for i in (0..=x).rev() {
        print!("[{}]", i);
    }
    println!();
    let v = [10, 20, 30];
    for i in (0..v.len()).rev() {
        print!("[{}]", v[i]);
    }
    println!();
}
