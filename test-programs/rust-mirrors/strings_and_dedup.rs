#[derive(Clone, PartialEq)]
struct P { x: i64, tag: String }

fn main() {
    let s = "  hello world  ";
    println!("[{}] [{}] [{}]", s.trim(), s.trim_start(), s.trim_end());
    println!("{:?} {:?} {:?}", s.find("world"), s.find("xyz"), "héllo".find("llo"));
    for line in "first\r\nsecond\n\nfourth\n".lines() {
        println!("line [{}]", line);
    }
    println!("{}", "".lines().count());
    let mut w = vec![1, 1, 2, 3, 3, 3, 1];
    w.dedup();
    println!("{:?}", w);
    let mut b = vec![true, true, false, false, true];
    b.dedup();
    println!("{:?}", b);
    let mut names = vec!["a", "a", "b", "a"];
    names.dedup();
    println!("{:?}", names);
    let mut ps = vec![P { x: 1, tag: "p".into() }, P { x: 1, tag: "p".into() }, P { x: 2, tag: "p".into() }];
    ps.dedup();
    println!("{} {} {}", ps.len(), ps[1].x, ps[1].tag);
    let mut fs = vec![1.5, 1.5, 2.5];
    fs.dedup();
    println!("{:?}", fs);
    let mut empty: Vec<i64> = Vec::new();
    empty.dedup();
    println!("{:?}", empty);
    let sorted = vec![1, 3, 5, 7, 9];
    println!("{:?} {:?} {:?} {:?}", sorted.binary_search(&7), sorted.binary_search(&4), sorted.binary_search(&0), sorted.binary_search(&10));
    let words = vec!["apple", "banana", "cherry"];
    match words.binary_search(&"banana") {
        Ok(i) => println!("found at {}", i),
        Err(i) => println!("would go at {}", i),
    }
    println!("{:?}", empty.binary_search(&3));
    let word = "aé!";
    let b = word.as_bytes();
    println!("{:?} {}", b, b.len());
    let mut high = 0;
    for c in word.bytes() {
        if c >= 128 {
            high += 1;
        }
    }
    println!("{}", high);
}
