struct Px { r: u8, g: u8, big: i64, idx: usize, w: f32 }
fn take_i64(n: i64) -> i64 { n * 3 }
fn pick(flag: bool) -> u16 { match flag { true => 65535, false => 1 } }
fn sum_u8(v: Vec<u8>) -> u8 { let mut s: u8 = 0; for x in v { s = s.wrapping_add(x); } s }
fn main() {
    for i in 0..3 { println!("{}", take_i64(i)); }
    let p = Px { r: 250, g: 10, big: 3000000000, idx: 2, w: 0.5 };
    println!("{} {} {} {} {}", p.r.wrapping_add(10), p.g.wrapping_sub(11), p.big * 4, p.idx, p.w * 3.0);
    println!("{}", pick(true).wrapping_add(1));
    println!("{}", sum_u8(vec![200, 100, 1]));
    let a: i8 = 127; println!("{}", a.wrapping_add(1));
    let b: i16 = -32768; println!("{}", b.wrapping_sub(1));
    let c: u32 = 0; println!("{}", c.wrapping_sub(1));
    let d: u64 = 0; println!("{}", d.wrapping_sub(1));
    let e: i64 = 9223372036854775807; println!("{}", e.wrapping_add(1));
    let f: usize = 0; println!("{}", f.wrapping_sub(1));
    let g: isize = -9223372036854775808; println!("{}", g.wrapping_sub(1));
    let h: i32 = 2147483647; println!("{}", h.wrapping_mul(2));
    let k: u8 = 16; println!("{} {} {}", k.wrapping_shl(4), k >> 2, k.wrapping_mul(16));
    let m: i32 = -16; println!("{} {}", m >> 2, m.wrapping_shl(28));
    let n: u32 = 0xF0F0; println!("{} {} {} {}", n & 0xFF, n | 0x0F, n ^ 0xFFFF, !n);
    let q: i8 = -1; println!("{} {} {}", q as u8, q as u16, q as i64);
    println!("{} {}", 300i32 as u8, -1i32 as u32);
    println!("{} {}", 3.99 as i32, -3.99 as i32);
    println!("{} {}", 1e20 as i32, 255 as f32);
    println!("{}", 'A' as u8);
    println!("{}", 97u8 as char);
    let mut x = 1; x <<= 3; x |= 1; x ^= 2; x &= 0xB; x %= 7; println!("{}", x);
    let arr: Vec<i64> = vec![1, 2, 3]; let idx = 1; println!("{}", arr[idx] + 5000000000);
    let v2 = vec![10, 20, 30]; let mut j = 0; while j < v2.len() { print!(" {}", v2[j]); j += 1; } println!("");
    println!("{}", -7 / 2); println!("{}", -7 % 3); println!("{}", 7 % -3);
    let mn: i32 = -2147483648; println!("{}", mn.wrapping_div(-1)); println!("{}", mn.wrapping_neg());
    println!("{}", (-5i32).abs()); println!("{}", 3.min(9)); println!("{}", 2.5f64.max(1.5)); println!("{}", (-2.5f64).abs());
}
