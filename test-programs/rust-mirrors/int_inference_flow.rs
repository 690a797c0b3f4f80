use std::collections::HashMap;
#[derive(Debug)] struct Cfg { rate: f32, level: u8, ids: Vec<u64>, lookup: HashMap<u16, i8>, best: Option<i64> }
fn take_bytes(v: Vec<u8>) -> u32 { let mut t: u32 = 0; for b in v { t += b as u32 } t }
fn level_for(score: i32) -> u8 { if score > 100 { 255 } else if score > 50 { 128 } else { 0 } }
fn scale(x: f32) -> f32 { x * 2.5 }
fn pick(n: usize) -> Option<u8> { if n > 2 { return Some(200) } None }
fn sum64(v: &[i64]) -> i64 { let mut s = 0; for x in v { s += x } s }
fn main() {
    let mut v = Vec::new(); v.push(250); v.push(10); println!("{}", take_bytes(v));
    let x = 3; let y: u64 = x + 10000000000; println!("{}", y);
    let mut m = HashMap::new(); m.insert(1, 5000000000i64); let big: i64 = *m.get(&1).unwrap(); println!("{}", big);
    let c = Cfg { rate: scale(1.5), level: level_for(70), ids: vec![1, 2, 18446744073709551615], lookup: HashMap::new(), best: Some(-9000000000) };
    println!("{:?}", c);
    let items = vec![5, 6, 7, 8, 9]; let n = items.len(); let half = n / 2; println!("{}", items[half]);
    let mut i = 0; while i < items.len() { i += 2 } println!("{}", i);
    println!("{}", i.min(3));
    let neg = -1; let small: i8 = neg; println!("{}", small as u8);
    let a = 1.0; let b: f32 = a * 2.0; println!("{}", b / 3.0);
    println!("{:?} {:?}", pick(3), pick(1));
    println!("{}", sum64(&[4000000000, 4000000000]));
    let t: (u8, i64) = (255, 1 << 40); println!("{:?}", t);
    let lvl = match c.level { 0 => 1, 128 => 2, _ => 3 };
    let arr: Vec<u16> = vec![lvl, 65535]; println!("{:?}", arr);
    let k = 2; let arr2 = vec![1.5, 2.5, 3.5]; println!("{}", arr2[k]);
    let mut cnt = 0; for _ in 0..n { cnt += 1 } println!("{}", cnt);
    let z = if cnt > 3 { 1 } else { 2 }; let zz: u8 = z; println!("{}", zz.wrapping_sub(2));
    let h = (-5000000000i64).abs(); println!("{}", h);
    let q = 7 / 2 * 2.0 as i32; println!("{}", q);
}
