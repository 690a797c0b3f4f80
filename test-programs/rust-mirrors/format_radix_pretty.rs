use std::collections::HashMap;
#[derive(Debug, Clone)]
enum Part { Bolt(u32, String), Gear { teeth: i64, ratio: f64 }, Spacer }
#[derive(Debug, Clone)]
struct Bin { label: String, code: char, parts: Vec<Part>, spare: Option<(i32, String)> }
fn main() {
    let x: i64 = 255;
    println!("{:x} {:X} {:b} {:o}", x, x, x, x);
    println!("{:#x} {:#X} {:#b} {:#o}", x, x, x, x);
    println!("{:08x} {:#010x} {:#010b} {:#06o}", x, x, 5, 8);
    println!("[{:>8x}] [{:<#8o}] [{:^9b}] [{:*^#12x}]", x, 8, 5, x);
    println!("{:+x} {:+#08x} {:+08x}", x, x, x);
    let a: i8 = -1;
    let b: i16 = -2;
    let c: i32 = -1;
    let d: i64 = -1;
    let e: u8 = 200;
    let f: u64 = 18446744073709551615;
    println!("{:x} {:x} {:X} {:x}", a, b, c, d);
    println!("{:b} {:o} {:#x} {:x}", a, b, e, f);
    println!("{:#x} {:#b} {:#o} {:x}", 0, 0, 0, -128i8);
    let big: usize = 48879;
    println!("{:#X} {:#010b}", big, 42u16);
    println!("{:e} {:E} {:.3e} {:.2E}", 1234.5, 0.00012, 1234.5678, -0.000123456);
    println!("{:e} {:e} {:.2e} {:+e} {:010.2e} [{:>12e}]", 1234, 0, 1255, 1.0, -3.14159, 1e10);
    println!("{:e} {:e} {:e} {:.0e}", 1.5f32, -0.0, 1e-7, 2.5);
    let bin = Bin {
        label: "top \"shelf\"".to_string(),
        code: '\'',
        parts: vec![
            Part::Bolt(12, "M4".to_string()),
            Part::Gear { teeth: 40, ratio: 2.0 },
            Part::Spacer,
        ],
        spare: Some((3, "x".to_string())),
    };
    println!("{:#?}", bin);
    println!("{:?}", bin);
    let empty = Bin { label: String::new(), code: 'z', parts: vec![], spare: None };
    println!("{:#?}", empty);
    let t: Option<(i32, String)> = Some((7, "seven".to_string()));
    println!("{:#?}", t);
    let n: Option<(i32, String)> = None;
    println!("{:#?}", n);
    println!("{:#?}", (1, "a", 2.5));
    // One entry: Dast's HashMap iterates in insertion order, Rust's does not.
    let mut m: HashMap<String, Vec<Part>> = HashMap::new();
    m.insert("k".to_string(), vec![Part::Bolt(1, "a".to_string())]);
    println!("{:#?}", m);
    let em: HashMap<String, i32> = HashMap::new();
    println!("{:#?}", em);
    let ev: Vec<Vec<i32>> = vec![vec![], vec![1, 2]];
    println!("{:#?}", ev);
    let r: Result<Vec<u8>, String> = Ok(vec![255]);
    println!("{:#?}", r);
    println!("{:#?} {:#?} {:#?} {:#?}", 5, 1.0, "s", 'c');
}
