#[derive(Debug, Clone, Default)] struct GameState { score: i32, level: i32, name: String, lives: i32, inventory: Vec<String>, best: Option<i32>, ratio: f64, unlocked: bool }
fn main() {
    let s1 = GameState { score: 120, level: 4, name: "player".into(), lives: 3, inventory: vec![], best: None, ratio: 1.0, unlocked: false };
    println!("{:?}", s1);
    let s2 = GameState { score: 7, level: 1, name: "zed".into(), lives: 5, ..Default::default() };
    println!("{:?}", s2);
    let direct = GameState { score: 120, level: 4, ..Default::default() };
    println!("{:?}", direct);
    println!("{} {} {:?} {:?} {} {}", direct.name.is_empty(), direct.lives, direct.inventory, direct.best, direct.ratio, direct.unlocked);
    let mut cur = s2.clone(); cur.inventory.push("map".into()); cur.best = Some(99);
    println!("{:?}", cur);
}
