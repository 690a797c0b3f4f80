#[derive(Debug, Clone, Copy)] struct GameState { score: i32, level: i32 }
static mut STATE: GameState = GameState { score: 0, level: 1 };
#[derive(Debug, Default)] struct Config { volume: u8, fullscreen: bool }
fn add_score(points: i32) { unsafe { STATE.score += points; if STATE.score >= 100 * STATE.level { STATE.level += 1; } } }
fn main() {
    unsafe { println!("{} {}", STATE.score, STATE.level); }
    add_score(60); add_score(60); add_score(90);
    let s = unsafe { STATE }; println!("{:?}", s);
    let c = Config::default(); println!("{:?}", c);
    let c2 = Config { volume: 11, fullscreen: true }; println!("{:?}", c2);
}
