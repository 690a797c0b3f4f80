fn main() {
    let s = format!("{}-{}", "a", 1);
    println!("{} (len {})", s, s.len());
    println!("{0} {1} {0}", "x", "y");
    let name = "Ada"; let age = 36;
    println!("{name} is {age}");
    println!("[{:5}]", 42);
    println!("[{:<5}]", 42);
    println!("[{:^6}]", 42);
    println!("[{:>6}]", "ab");
    println!("[{:6}]", "ab");
    println!("[{:*^7}]", "mid");
    println!("[{:05}]", 42);
    println!("[{:05}]", -42);
    println!("[{:+}]", 7);
    println!("[{:8.3}]", 3.14159);
    println!("[{:<8.2}]", 2.5);
    println!("[{:08.2}]", -2.5);
    println!("[{:>4}]", true);
    println!("[{:?}]", "quoted");
    let line = format!("{:>3}|{:<3}|{:^3}|", 1, 2, 3);
    println!("{}", line);
    let mut table = String::from("");
    for i in 1..4 { table.push_str(&format!("{:>2}x{:<2}={:>3};", i, i * 3, i * i * 3)); }
    println!("{}", table);
}
