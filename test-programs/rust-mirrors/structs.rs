#[derive(Debug, Clone, Copy)] struct Vec2 { x: f64, y: f64 }
#[derive(Debug, Clone)] struct Player { name: String, pos: Vec2, hp: i32, tags: Vec<String>, alive: bool }
#[derive(Debug, Clone)] struct Config { width: u32, height: u32, title: String, fullscreen: bool }
fn add(a: Vec2, b: Vec2) -> Vec2 { Vec2 { x: a.x + b.x, y: a.y + b.y } }
fn make_player(name: String, x: f64, y: f64) -> Player { let pos = Vec2 { x, y }; Player { name, pos, hp: 100, tags: Vec::new(), alive: true } }
fn describe(p: &Player) -> String { format!("{} at ({}, {}) hp={} tags={:?}", p.name, p.pos.x, p.pos.y, p.hp, p.tags) }
fn main() {
    let a = Vec2 { x: 1.0, y: 2.0 }; let b = Vec2 { y: 0.5, x: -3.0 };
    let c = add(a, b); println!("{} {}", c.x, c.y);
    println!("{:?}", add(c, Vec2 { x: 0.25, y: 0.25 }));
    let mut p = make_player("hero".to_string(), 0.0, 0.0);
    println!("{}", describe(&p));
    p.pos.x = 3.5; p.pos.y += 1.0; p.hp -= 30; p.tags.push("brave".into()); p.tags.push("tired".into()); p.name.push_str("ine");
    println!("{}", describe(&p));
    p.pos = Vec2 { x: -1.0, y: -1.0 }; println!("{:?}", p.pos);
    println!("{}", p.tags[1]);
    p.alive = p.hp > 0; println!("{}", p.alive);
    let base = Config { width: 800, height: 600, title: "game".into(), fullscreen: false };
    let big = Config { width: 1920, height: 1080, ..base.clone() };
    let full = Config { fullscreen: true, ..big.clone() };
    println!("{}x{} {} {}", big.width, big.height, big.title, big.fullscreen);
    println!("{}x{} {} {}", full.width, full.height, full.title, full.fullscreen);
    println!("{}x{}", base.width, base.height);
    let area = full.width * full.height; println!("{}", area);
}
