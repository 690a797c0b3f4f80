use std::fmt;

#[derive(Clone, Debug, PartialEq)]
enum State {
    Idle,
    Walking { speed: f64 },
    Attacking(String),
    Dead,
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            State::Idle => write!(f, "idle"),
            State::Walking { speed } => write!(f, "walking at {}", speed),
            State::Attacking(target) => write!(f, "attacking {}", target),
            State::Dead => write!(f, "dead"),
        }
    }
}

fn next(state: &State, input: &str) -> State {
    match (state, input) {
        (State::Dead, _) => State::Dead,
        (_, "die") => State::Dead,
        (State::Idle, "go") => State::Walking { speed: 1.5 },
        (State::Walking { speed }, "go") => State::Walking { speed: speed * 2.0 },
        (_, "stop") => State::Idle,
        (_, other) if other.starts_with("hit ") => State::Attacking(other.replace("hit ", "")),
        (s, _) => s.clone(),
    }
}

fn main() {
    let inputs = vec!["go", "go", "hit orc", "stop", "jump", "die", "go"];
    let mut state = State::Idle;
    let mut history = Vec::new();
    for input in inputs.iter() {
        state = next(&state, input);
        history.push(state.to_string());
        println!("{:>8} -> {}", input, state);
    }
    let attacks = history.iter().filter(|h| h.starts_with("attacking")).count();
    println!("{} attacks, final {:?}", attacks, state);
}
