fn shout(s: &str) -> String { s.to_string() + "!" }
fn join(parts: &Vec<String>, sep: &str) -> String { let mut out = String::new(); for i in 0..parts.len() { if i > 0 { out.push_str(sep) } out.push_str(&parts[i]) } out }
fn sp(s: &str, p: &str) -> Vec<String> { s.split(p).map(|x| x.to_string()).collect() }
fn main() {
    let a = "héllo".to_string(); println!("{}", a.len());
    let b = a + " world"; println!("{}", b);
    let c = b.clone() + "" + "x"; println!("{} {}", c == "héllo worldx", c != b);
    println!("{}", c.contains("lo w"));
    println!("{:?}", sp(",a,,b,", ","));
    println!("{:?}", sp("a b c", " "));
    println!("{:?}", sp("abc", ""));
    let n = 42; let s = n.to_string() + "/" + &2.5.to_string() + "/" + &true.to_string(); println!("{}", s);
    println!("{:?} {:?} {:?}", "12".parse::<i64>().ok(), "-7".parse::<i64>().ok(), "1x".parse::<i64>().ok());
    println!("{:?} {:?} {:?}", "2.5".parse::<f64>().ok(), "1e3".parse::<f64>().ok(), "x".parse::<f64>().ok());
    println!("{:?}", " 5".parse::<i64>().ok());
    println!("{}", shout("hey"));
    let t = "owned".to_string(); println!("{}", shout(&t));
    let words = sp("the quick brown fox", " "); println!("{}", join(&words, "-"));
    let mut acc = String::new(); for w in &words { acc = acc + &w.len().to_string(); } println!("{}", acc);
    let mut s2 = String::new(); s2 += "ab"; s2 += "cd"; println!("{} {}", s2, s2.len());
    println!("{}", "b" > "a"); println!("{}", "apple" < "apricot");
    let e = "tab\there \\ \"q\" \u{263A}"; println!("{}", e); println!("{:?}", e);
    println!("{}", format!("{}-{:?}-{:.1}", "a", "b", 1.25));
    println!("{:>6}|{:<6}|{:^6}|", "ab", "cd", "ef");
    println!("{:5}|{:<5}|{:05}|{:+}", 42, 42, -42, 7);
    println!("{{literal}} {}", 1);
}
