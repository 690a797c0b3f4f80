fn sum(v: &[i32]) -> i32 { let mut s = 0; for x in v { s += x; } s }
fn main() {
    let mut v: Vec<i32> = Vec::new();
    println!("{} {} {:?}", v.len(), v.is_empty(), v);
    v.push(3); v.push(1); v.push(2);
    println!("{:?} {} {}", v, v.len(), v.is_empty());
    println!("{:?} {:?}", v.get(0), v.get(3));
    println!("{:?}", v.pop());
    println!("{:?}", v);
    v.insert(0, 10); v.insert(2, 20); v.insert(4, 30);
    println!("{:?}", v);
    let removed = v.remove(1);
    println!("{} {:?}", removed, v);
    println!("{} {}", v.contains(&20), v.contains(&99));
    v.sort(); println!("{:?}", v);
    v.reverse(); println!("{:?}", v);
    v.extend(vec![7, 8]); println!("{:?}", v);
    v[0] = v[0] * 2; v[1] += 5;
    println!("{:?} {}", v, sum(&v));
    println!("{}", sum(&[1, 2, 3]));
    v.clear(); println!("{:?} {}", v, v.len());
    println!("{:?}", v.pop());
    let zeros = vec![0; 5]; println!("{:?}", zeros);
    let n = 3; let grid = vec![vec![0; 2]; n]; println!("{:?}", grid);
    let flags = vec![false; 4]; println!("{:?}", flags);
    let mut words = vec!["pear", "apple", "fig", "banana"];
    words.sort(); println!("{:?}", words);
    println!("{}", words.join(", "));
    println!("{}", words.contains(&"fig"));
    let mut pairs = vec![(2, "b"), (1, "z"), (2, "a"), (1, "a")];
    pairs.sort(); println!("{:?}", pairs);
    let mut total = 0; for x in vec![5, 6, 7] { total += x; } println!("{}", total);
    let mut e: Vec<String> = vec![]; e.push("only".to_string());
    println!("{:?} {}", e, e.join("-"));
    let mut stack = vec![1, 2, 3]; let mut out = vec![];
    while !stack.is_empty() { out.push(stack.pop().unwrap() * 10); }
    println!("{:?} {:?}", stack, out);
    let mut nested: Vec<Vec<i32>> = Vec::new();
    nested.push(vec![1]); nested.push(vec![2, 3]); nested[0].push(9);
    println!("{:?} {}", nested, nested[1].len());
}
