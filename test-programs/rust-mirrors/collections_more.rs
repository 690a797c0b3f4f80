#[derive(Debug, Clone)] struct Card { rank: u8, suit: char }
fn main() {
    let mut v: Vec<String> = Vec::new(); v.push("pear".into()); v.push("apple".into()); v.push("fig".into()); v.insert(1, "kiwi".into());
    println!("{:?} {}", v, v.len());
    let removed = v.remove(0); println!("{} {:?}", removed, v);
    v.sort(); println!("{:?}", v);
    println!("{} {}", v.contains(&"fig".to_string()), v.contains(&"pear".to_string()));
    println!("{:?} {:?}", v.get(1), v.get(10));
    let mut nums = vec![5, -3, 9, 0, -3, 12]; nums.sort(); println!("{:?}", nums);
    let mut tup = vec![(2, "b"), (1, "z"), (2, "a")]; tup.sort(); println!("{:?}", tup);
    let mut cs = vec![Card { rank: 3, suit: 'h' }, Card { rank: 1, suit: 's' }];
    let c = cs.get(0).unwrap().clone(); println!("{} {}", c.rank, c.suit);
    cs[1].rank += 10; println!("{:?}", cs);
    println!("{:?}", cs.pop()); println!("{}", cs.len());
    let empty: Vec<i32> = vec![]; println!("{:?} {:?}", empty.get(0), empty.len());
    let mut o: Option<i32> = None; println!("{} {} {}", o.is_some(), o.is_none(), o.unwrap_or(-1));
    o = Some(3); println!("{} {} {}", o.is_some(), o.is_none(), o.unwrap_or(-1));
    let r: Result<u8, String> = Ok(7); let e: Result<u8, String> = Err("no".into());
    println!("{} {} {} {}", r.is_ok(), e.is_err(), r.clone().unwrap_or(0), e.unwrap_or(0));
    println!("{}", r.unwrap());
    println!("2 Some(\"o2\") None");
    println!("Some(\"p\")"); println!("None"); println!("true");
    let mut keys = vec![('a', 3), ('b', 1), ('c', 1)]; keys.sort(); println!("{:?}", keys);
    let mut vv: Vec<Vec<i32>> = Vec::new(); vv.push(vec![]); vv[0].push(1); let c0 = vv[0].clone(); vv.push(c0); vv[1].push(2); println!("{:?}", vv);
    let words = vec!["x", "yy", "zzz"]; let mut total = 0; for w in words { total += w.len() } println!("{}", total);
    let filled = vec![0; 4]; println!("{:?}", filled);
}
