#[derive(Debug, Clone, Copy)]
struct GameState { score: i32, level: i32, speed: f64, alive: bool }
static mut STATE: GameState = GameState { score: 0, level: 1, speed: 1.5, alive: true };
static mut TICKS: i64 = 100;
fn tick(points: i32) -> i32 {
    unsafe {
        STATE.score += points; STATE.speed *= 2.0; TICKS += 1;
        if STATE.score >= 50 { STATE.level += 1; STATE.score -= 50; }
        STATE.score
    }
}
fn snapshot() -> GameState { unsafe { STATE } }
fn main() {
    let mut last = 0;
    for i in 0..6 { last = tick(i * 7); }
    println!("{}", last);
    unsafe { println!("{} {} {} {}", STATE.score, STATE.level, STATE.speed, TICKS); STATE.alive = false; }
    let s = snapshot();
    println!("{:?}", s);
    unsafe { STATE = GameState { score: 1, level: 2, speed: 0.5, alive: true }; println!("{} {} {} {}", STATE.score, STATE.level, STATE.speed, STATE.alive); }
}
