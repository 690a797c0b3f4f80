fn word_lengths(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for w in text.split(" ") {
        let w = w.trim();
        if w.len() == 0 { continue; }
        let mut n = 0;
        for _c in w.chars() { n += 1; }
        out.push((w.to_string(), w.len(), n));
    }
    out
}
fn main() {
    let text = "héllo  wörld 日本語 ok";
    for (w, bytes, chars) in word_lengths(text) {
        println!("[{:>8}] [{:<8}] [{:^8}] {} {}", w, w, w, bytes, chars);
    }
    println!("[{:*>6}] [{:-<6}]", "ñ", "日本");
    let csv = " 10, -3 ,x, 42 ,, 7";
    let mut sum = 0;
    let mut bad: Vec<String> = Vec::new();
    for part in csv.split(",") {
        match part.trim().parse::<i64>().ok() {
            Some(n) => sum += n,
            None => bad.push(part.trim().to_string()),
        }
    }
    println!("{} {:?}", sum, bad);
    let s = "Hello, World";
    println!("{} {} {}", s.to_uppercase(), s.to_lowercase(), s.len());
    println!("{} {}", s.starts_with("Hell"), s.ends_with("x"));
    println!("{}", s.replace("l", "L"));
    let mut chars = Vec::new();
    for c in "aé😀".chars() { chars.push(c); }
    println!("{:?} {}", chars, "aé😀".len());
    let mut rev = String::new();
    for c in "stressed".chars() { rev = c.to_string() + &rev; }
    println!("{}", rev);
    println!("{:?}", "a\tb\n\"q\" \\ é");
    println!("{}", "tab\there");
    let u = "\u{48}\u{49} \u{1F600}";
    println!("{} {}", u, u.len());
    let mut acc = String::new();
    for i in 0..3 { acc.push_str(&i.to_string()); acc.push('-'); }
    println!("{}", acc);
    println!("{:?}", "3.25".parse::<f64>().ok());
    println!("{:?} {:?}", "abc".parse::<f64>().ok(), " 12 ".parse::<i64>().ok());
    println!("{:?}", "+5".parse::<i64>().ok());
    println!("{:?}", "-9223372036854775808".parse::<i64>().ok());
    println!("{:?}", "9223372036854775808".parse::<i64>().ok());
    let parts: Vec<&str> = "a=1;b=2;c".split(";").collect();
    for p in parts {
        let kv: Vec<&str> = p.split("=").collect();
        if kv.len() == 2 { println!("{} -> {}", kv[0], kv[1]); } else { println!("{} alone", kv[0]); }
    }
    println!("{}", "abc" < "abd");
    println!("{}", "Zebra" < "apple");
    let t = format!("{}{}", "x", 1) + "y" + &2.to_string();
    println!("{}", t);
    println!("{:?}", "a,b,,c".split(",").collect::<Vec<_>>());
    println!("{:?}", "".split(",").collect::<Vec<_>>());
    println!("{}", "  both  ".trim().len());
}
