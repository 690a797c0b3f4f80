fn main() {
    let a = 42;
    let b = 0xff;
    let c = 1_000_000;
    let d = 0x7FFF_FFFF;
    println!("{} {} {} {}", a, b, c, d);
    let e = 1.5;
    let f = 2.0;
    let g = 0.25;
    let h = 1_000.5;
    println!("{} {} {} {}", e, f, g, h);
    let t = true;
    let u = false;
    println!("{} {} {} {}", t, u, t && u, t || u);
    println!("{}", !t);
    println!("quote:[\"] backslash:[\\] tab-len:{}", "[\t]".len());
    println!("line one\nline two");
    let s = "caf\u{e9}";
    println!("{} has {} bytes", s, s.len());
    println!("{}", "\u{48}\u{49}");
    let empty = "";
    println!("[{}] {}", empty, empty.len());
}
