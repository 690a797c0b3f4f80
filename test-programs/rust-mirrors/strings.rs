fn shout(s: &str) -> String { s.to_uppercase() + "!" }
fn main() {
    let mut s = String::from("Hello");
    s.push_str(", "); s.push_str("world");
    println!("{} {}", s, s.len());
    let t = s.clone() + "!!";
    println!("{}", t);
    println!("{}", s);
    let a = "abc".to_string(); let b = "ab".to_string() + "c";
    println!("{} {} {}", a == b, a != b, a == "abd");
    println!("{} {} {}", "apple" < "banana", "b" > "abc", "abc" <= "abc");
    println!("{} {}", s.contains("lo, w"), s.contains("xyz"));
    println!("{} {}", s.starts_with("Hell"), s.ends_with("world"));
    println!("{}", s.ends_with("World"));
    println!("{:?}", "a,b,,c".split(",").collect::<Vec<_>>());
    println!("{:?}", "one two three".split(" ").collect::<Vec<_>>());
    println!("{:?}", "a--b--c".split("--").collect::<Vec<_>>());
    println!("{:?}", "".split(",").collect::<Vec<_>>());
    let parts: Vec<&str> = "10,20,30".split(",").collect();
    let mut total = 0;
    for p in parts { total += p.parse::<i64>().ok().unwrap(); }
    println!("{}", total);
    println!("{:?} {:?} {:?}", "42".parse::<i64>().ok(), "-7".parse::<i64>().ok(), "+3".parse::<i64>().ok());
    println!("{:?} {:?} {:?}", "4x".parse::<i64>().ok(), " 5".parse::<i64>().ok(), "".parse::<i64>().ok());
    println!("{:?} {:?} {:?}", "3.25".parse::<f64>().ok(), "-0.5".parse::<f64>().ok(), "1e3".parse::<f64>().ok());
    println!("{:?} {:?}", "abc".parse::<f64>().ok(), "7".parse::<f64>().ok());
    println!("[{}]", "  padded \t\n".trim());
    println!("{} {}", "MiXeD".to_uppercase(), "MiXeD".to_lowercase());
    println!("{}", "a-b-c".replace("-", " + "));
    println!("{}", "aaa".replace("a", "bb"));
    println!("{} {}", "".is_empty(), "x".is_empty());
    println!("{} {} {} {}", 42.to_string(), 2.5.to_string(), 1.0.to_string(), true.to_string());
    let n: i64 = -9000000000; println!("{}", n.to_string().len());
    let copy = s.to_string(); println!("{}", copy);
    println!("{}", shout("hey"));
    let name = String::from("dast"); println!("{}", shout(&name));
    let words = vec!["x", "y", "z"]; println!("{}", words.join("/"));
    let mut acc = String::new();
    for w in &words { acc = acc + w + w; }
    println!("{}", acc);
    println!("{}", format!("{}{}", "con", "cat").len());
}
