fn add_i32(a: i32, b: i32) -> i32 { a.wrapping_add(b) }
fn main() {
    let a: i32 = 2147483647;
    println!("{}", a.wrapping_add(1));
    println!("{}", add_i32(a, a));
    let b: i32 = -2147483648;
    println!("{}", b.wrapping_sub(1));
    println!("{}", b.wrapping_neg());
    println!("{}", b.wrapping_mul(-1));
    println!("{}", b.wrapping_div(-1));
    println!("{}", a.wrapping_mul(a));
    println!("{}", 65536i32.wrapping_mul(65536));
    let mut u: u8 = 250; u = u.wrapping_add(10);
    println!("{}", u);
    let z: u8 = 0; println!("{}", z.wrapping_sub(1));
    let p: u8 = 16; println!("{}", p.wrapping_mul(p)); println!("{}", p.wrapping_mul(17));
    let c: i8 = 127; println!("{}", c.wrapping_add(1));
    let d: i16 = -32768; println!("{}", d.wrapping_sub(1));
    let e: u16 = 65535; println!("{}", e.wrapping_add(1));
    let f: u32 = 4294967295; println!("{}", f.wrapping_add(2));
    let g: u32 = 3; println!("{}", g.wrapping_sub(5));
    let h: i64 = 9223372036854775807; println!("{}", h.wrapping_add(1)); println!("{}", h.wrapping_mul(2));
    let k: u64 = 18446744073709551615; println!("{}", k.wrapping_add(1)); println!("{}", k.wrapping_mul(k));
    let us: usize = 0; println!("{}", us.wrapping_sub(1));
    let is: isize = -9223372036854775808; println!("{}", is.wrapping_sub(1));
    let mut hash: u32 = 2166136261;
    for byte in [104u32, 105, 33] { hash = hash ^ byte; hash = hash.wrapping_mul(16777619); }
    println!("{}", hash);
}
