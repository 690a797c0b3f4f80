include!("omap.rs");
#[derive(Clone, Debug)] struct Team { name: String, members: Vec<String>, scores: OMap<String, i32> }
#[derive(Clone, Debug)] struct Wrapper { team: Team, history: Vec<Team> }
fn consume_and_change(mut v: Vec<i32>) -> i32 { v.push(100); v[0] = -1; v.len() as i32 }
fn rename(mut t: Team) -> Team { t.name.push_str(" II"); t.members.push("newbie".into()); t }
fn s(x: &str) -> String { x.into() }
fn main() {
    let s1 = s("abc"); let mut s2 = s1.clone(); s2.push_str("def"); println!("{} {}", s1, s2);
    let v1 = vec![1, 2, 3]; let mut v2 = v1.clone(); v2.push(4); v2[0] = 99; println!("{:?} {:?}", v1, v2);
    let mut m1: OMap<String, i32> = OMap::new(); m1.insert(s("a"), 1); let mut m2 = m1.clone(); m2.insert(s("b"), 2); m2.insert(s("a"), 10);
    println!("{:?} {:?}", m1, m2);
    let grid = vec![vec![0, 0], vec![0, 0]]; let mut g2 = grid.clone(); g2[1][0] = 7; println!("{:?} {:?}", grid, g2);
    let mut scores: OMap<String, i32> = OMap::new(); scores.insert(s("ann"), 5);
    let t1 = Team { name: s("red"), members: vec![s("ann")], scores };
    let mut t2 = t1.clone(); t2.name = s("blue"); t2.members.push(s("bob")); t2.scores.insert(s("bob"), 3);
    println!("{} {:?} {:?}", t1.name, t1.members, t1.scores);
    println!("{} {:?} {:?}", t2.name, t2.members, t2.scores);
    let v3 = vec![5, 6]; println!("{} {:?}", consume_and_change(v3.clone()), v3);
    let t3 = rename(t1.clone()); println!("{} {:?} / {} {:?}", t1.name, t1.members, t3.name, t3.members);
    let mut w = Wrapper { team: t1.clone(), history: vec![t1.clone(), t2.clone()] };
    w.history[0].members.clear(); w.team.name.push_str("!");
    println!("{:?} {:?} {}", t1.members, w.history[0].members, w.history.len());
    println!("{} {}", t1.name, w.team.name);
    let mut teams = vec![t1.clone(), t2.clone()]; let mut first = teams[0].clone(); first.name = s("changed");
    println!("{} {}", teams[0].name, first.name);
    teams[0] = first; println!("{} {}", teams[0].name, t1.name);
    let mut maps: OMap<String, Vec<i32>> = OMap::new(); maps.insert(s("k"), vec![1]);
    let mut inner = maps.get(&s("k")).unwrap(); inner.push(2); println!("{:?} {:?}", maps.get(&s("k")), inner);
    let opt = Some(vec![1, 2]); let mut opt2 = opt.clone();
    if let Some(v) = opt2.clone() { let mut vv = v; vv.push(3); opt2 = Some(vv); }
    println!("{:?} {:?}", opt, opt2);
    let mut acc = vec![]; let mut row = vec![0]; for i in 1..4 { row.push(i); acc.push(row.clone()); } println!("{:?}", acc);
}
