struct XorShift { s: u64 }
impl XorShift { fn next(&mut self) -> u64 { let mut x = self.s; x ^= x >> 12; x ^= x << 25; x ^= x >> 27; self.s = x; x.wrapping_mul(0x2545F4914F6CDD1D) } }
fn splitmix(state: &mut u64) -> u64 { *state = state.wrapping_add(0x9E3779B97F4A7C15); let mut z = *state; z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9); z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB); z ^ (z >> 31) }
fn pcg32(state: &mut u64) -> u32 { let old = *state; *state = old.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); let xorshifted = (((old >> 18) ^ old) >> 27) as u32; let rot = (old >> 59) as u32; (xorshifted >> rot) | (xorshifted << ((32u32.wrapping_sub(rot)) & 31)) }
fn main() {
    let mut g = XorShift { s: 88172645463325252 }; for _ in 0..3 { println!("{}", g.next()); }
    let mut st: u64 = 1234567; for _ in 0..3 { println!("{}", splitmix(&mut st)); }
    let mut p: u64 = 42; let mut line = String::new(); for _ in 0..4 { line.push_str(&format!("{} ", pcg32(&mut p))); } println!("{}", line.trim());
    let mut counts = vec![0; 6]; for _ in 0..6000 { let roll = (g.next() % 6) as usize; counts[roll] += 1; } println!("{:?}", counts);
    let mut total = 0; for c in counts { total += c; } println!("{}", total);
}
