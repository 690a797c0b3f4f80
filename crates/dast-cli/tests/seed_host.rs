//! The seed's host (`ModuleRegistry` in `main.dast`) in every mode: bytecode, release
//! (native code, hot reload off) and hybrid (native `main` with hot reload on), and the
//! seed's `@shared` state block reloaded through `dast run --hot-reload`.

mod common;

use std::path::Path;

use common::{dast, repo, text, Running, TempCopy};

const MAIN: &str = r#"
fn main() {
    let mut registry = ModuleRegistry.new()
    println("load {}", registry.load_module("game", "v7.0"))
    println("load missing {}", registry.load_module("nope", "v1.0"))
    println("update {}", registry.has_update("game"))
    println("reload {}", registry.reload_module("game"))
    println("version {:?}", registry.get_version("game"))
    match registry.call("game", "twice", &[21]) {
        .Ok(v) => println("twice {:?}", v),
        .Err(e) => println("error {}", e.message),
    }
    match registry.call("game", "boom", &[]) {
        .Ok(v) => println("boom {:?}", v),
        .Err(e) => println("error in {} {}: {} at {}", e.module, e.label, e.message, e.trace[0]),
    }
    for (name, versions) in registry.modules {
        if name == "game" {
            println("{} {} {:?}", name, versions[0].label, versions[0].state)
        }
    }
}
"#;

const GAME: &str = "@hot_reload\nfn twice(x: i64) -> i64 { x * 2 }\n\
    fn inner(v: Vec[i64]) -> i64 { v[5] }\n\
    @hot_reload\nfn boom() -> i64 { inner(Vec.new()) }\n";

const EXPECTED: &str = "load true\nload missing false\nupdate false\nreload false\n\
    version Some(1)\ntwice Int(42)\n\
    error in game v7.0: index out of bounds: the len is 0 but the index is 5 at inner (src/game.dast:3:32)\n\
    game v7.0 Active\n";

fn project(tag: &str) -> TempCopy {
    let dir = TempCopy::empty(tag);
    std::fs::create_dir_all(dir.0.join("src")).unwrap();
    std::fs::write(dir.0.join("dast.toml"), "[package]\nname = \"p\"\n").unwrap();
    std::fs::write(dir.0.join("src/main.dast"), MAIN).unwrap();
    std::fs::write(dir.0.join("src/game.dast"), GAME).unwrap();
    dir
}

#[test]
fn the_registry_answers_the_same_in_every_mode() {
    let dir = project("seed-modes");
    for args in [
        &["run"][..],
        &["run", "--mode=release"],
        &["run", "--mode=hybrid", "--native", "main,game"],
    ] {
        let out = dast(args, &dir.0);
        // Traces name the files as given (under the project's absolute path here).
        let prefix = format!("{}/", dir.0.display());
        let stdout = text(&out.stdout).replace(&prefix, "");
        let stderr = text(&out.stderr).replace(&prefix, "");
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert_eq!(stdout, EXPECTED, "{args:?}\n{stderr}");
        // The panic is logged with the callee's frames.
        assert!(
            stderr.contains("[ERROR] Module 'game' v7.0 panicked in boom")
                && stderr.contains("at inner (src/game.dast:3:32)")
                && stderr.contains("at boom (src/game.dast:5:20)"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("cannot be reloaded: hot reload is off"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn the_game_example_runs_in_release_mode() {
    let dir = TempCopy::of(&repo().join("examples/game_logic"), "seed-release");
    let run = Running::start(&["run", "--mode=release"], &dir.0);
    run.wait_for(true, "[INFO] Module 'game_logic' loaded (v1.0)", 0);
    run.wait_for(false, "score   10", 0);
}

#[test]
fn a_native_main_hosts_hot_reload_in_hybrid_mode() {
    let dir = TempCopy::of(&repo().join("examples/game_logic"), "seed-hybrid");
    let args = [
        "run",
        "--mode=hybrid",
        "--native",
        "main,game_logic",
        "--hot-reload",
    ];
    let run = Running::start(&args, &dir.0);
    run.wait_for(false, "score    0", 0);
    edit(
        &dir.0.join("src/game_logic.dast"),
        "x {:>5.1}",
        "x {:>5.1} fast",
    );
    run.wait_for(true, "Module 'game_logic' reloaded (v1.0 -> v1.1)", 0);
    run.wait_for(false, " fast", 0);
}

/// The seed's shared-memory block, as the seed writes it, in a hot module.
fn shared_game(abi: u32, fields: &str, init: &str) -> String {
    format!(
        "@hot_reload\nmodule Game {{\n\
         @shared\n@abi_stable({abi})\nstruct GameState {{ {fields} }}\n\
         @shared\nstatic mut STATE: GameState = GameState {{ {init} }}\n\
         fn update(dt: f32) {{ unsafe {{ STATE.score += 1 }} }}\n\
         fn render() {{ unsafe {{ println(\"score={{}} {{:?}}\", STATE.score, STATE) }} }}\n}}\n"
    )
}

const SHARED_MAIN: &str = r#"
fn main() {
    let mut registry = ModuleRegistry.new()
    registry.load_module("game", "v1.0")
    let mut frames = 0
    loop {
        if registry.has_update("game") {
            registry.reload_module("game")
        }
        registry.call("game", "update", &[0.016])
        if frames % 10 == 0 {
            registry.call("game", "render", &[])
        }
        frames += 1
        sleep(5)
    }
}
"#;

#[test]
fn the_seeds_shared_state_block_reloads_append_only() {
    let dir = TempCopy::empty("seed-shared");
    std::fs::create_dir_all(dir.0.join("src")).unwrap();
    std::fs::write(dir.0.join("dast.toml"), "[package]\nname = \"p\"\n").unwrap();
    std::fs::write(dir.0.join("src/main.dast"), SHARED_MAIN).unwrap();
    let game = dir.0.join("src/game.dast");
    let v1 = shared_game(1, "score: i32, level: i32", "score: 0, level: 1");
    std::fs::write(&game, &v1).unwrap();
    let run = Running::start(&["run", "--hot-reload", "--log-level=debug"], &dir.0);
    let at = run.wait_for(false, "GameState { score: 31, level: 1 }", 0);

    // Reordered fields: refused, naming the field; the memory keeps counting.
    let reordered = shared_game(2, "level: i32, score: i32", "level: 1, score: 0");
    std::fs::write(&game, reordered).unwrap();
    let err = run.wait_for(true, "field `score` moved from position 1 to 2", 0);
    run.wait_for(true, "Reload of 'game' refused", 0);
    let at = run.wait_for(false, "level: 1 }", at);

    // An appended field with a raised version: the old bytes stay, `bonus` starts at 0
    // (not at the initializer's 99).
    let appended = shared_game(
        2,
        "score: i32, level: i32, bonus: i32",
        "score: 0, level: 1, bonus: 99",
    );
    std::fs::write(&game, appended).unwrap();
    run.wait_for(true, "Module 'game' reloaded (v1.0 -> v1.1)", err);
    let at = run.wait_for(false, "level: 1, bonus: 0 }", at);
    let out = run.out.lock().unwrap().clone();
    let score: i64 = out[..at]
        .rsplit("score=")
        .next()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!(
        score > 31,
        "the score kept counting across the reload: {out}"
    );
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}
