#[derive(Clone, Default, Debug)] struct GameState { score: i32, level: i32, history: Vec<i32> }
static mut STATE: Option<GameState> = None;
fn st() -> &'static mut GameState { unsafe { (*std::ptr::addr_of_mut!(STATE)).get_or_insert_with(GameState::default) } }
fn on_unload() -> GameState { st().clone() }
fn on_load(data: Option<GameState>) { if let Some(d) = data { *st() = d } else { *st() = GameState::default() } }
fn update(points: i32) { let s = st(); s.score += points; s.history.push(points); if s.score >= 30 * s.level { s.level += 1; } }
fn wipe() { *st() = GameState { score: -1, level: -1, history: vec![] } }
fn render() { let s = st(); println!("score={} level={} history={:?}", s.score, s.level, s.history); }
fn main() {
    on_load(None); render(); update(10); update(25); update(40); render();
    let saved = on_unload(); wipe(); render(); on_load(Some(saved)); render(); update(1); render(); on_load(None); render();
}
