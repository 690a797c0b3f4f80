#[derive(Debug, Clone, Default)] enum Mode { #[default] Idle, Running(i32) }
#[derive(Debug, Clone, Default)] struct Machine { mode: Mode, runs: i32 }
fn main() { let mut m = Machine::default(); println!("{:?}", m); m.mode = Mode::Running(3); m.runs += 1; println!("{:?}", m); }
