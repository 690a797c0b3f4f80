const WIDTH: i32 = 16; const HEIGHT: i32 = 9; const AREA: i32 = WIDTH * HEIGHT; const HALF_AREA: i32 = AREA / 2 + 1;
const BIG: i64 = 1 << 40; const MASK: u32 = 0xFF00 | 0x00F0; const PI: f64 = 3.14159; const TAU: f64 = PI * 2.0;
const GREETING: &str = "hello"; const ENABLED: bool = WIDTH > HEIGHT && !false;
static LIMIT: i32 = AREA - 44;
static mut GLOBAL: i32 = 0;
static mut HISTORY: Vec<i32> = Vec::new();
fn add_global(n: i32) -> i32 { unsafe { GLOBAL += n; (*std::ptr::addr_of_mut!(HISTORY)).push(GLOBAL); GLOBAL } }
fn main() {
    println!("{} {} {} {}", WIDTH, HEIGHT, AREA, HALF_AREA);
    println!("{} {}", BIG, MASK);
    println!("{} {}", PI, TAU);
    println!("{} {}", GREETING, ENABLED);
    println!("{}", LIMIT);
    let cells = vec![0; AREA as usize]; println!("{}", cells.len());
    add_global(5); add_global(7); let last = add_global(-2); println!("{}", last);
    let snapshot = unsafe { (*std::ptr::addr_of!(HISTORY)).clone() }; println!("{:?}", snapshot);
    unsafe { GLOBAL = LIMIT; }
    println!("{}", unsafe { GLOBAL });
}
