fn main() {
    let mut n: u32 = 33;
    let one: i32 = 1;
    println!("{} {}", one.wrapping_shl(n), one.wrapping_shr(n));
    n = 64;
    let b: u64 = 5;
    println!("{} {}", b.wrapping_shl(n), b.wrapping_shr(65));
    let c: u8 = 0x81;
    println!("{} {}", c.wrapping_shl(9), c.wrapping_shr(8));
    let d: i64 = -8;
    println!("{} {}", d.wrapping_shr(66), d.wrapping_shl(130));
    let e: i8 = -1;
    println!("{}", e.wrapping_shr(10));
}
