//! `dast run --hot-reload` end to end: the seed's host loop runs a `@hot_reload`
//! module; the test edits the module's file while the program runs and reads the log
//! and the output (behaviour change, a refused edit that keeps the old version and its
//! state, a removed function the host calls, a panicking version rolled back, a field
//! added, a revert); saves caught half-written; and a `@hot_reload fn` beside `main`
//! in a one-file program.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Running, TempCopy};

const MAIN: &str = r#"
fn main() {
    let mut registry = ModuleRegistry.new()
    registry.load_module("game", "v1.0")
    loop {
        if registry.has_update("game") {
            registry.reload_module("game")
        }
        registry.call("game", "update", &[1])
        sleep(5)
    }
}
"#;

fn game(step: &str, extra_field: bool) -> String {
    let field = if extra_field {
        "        lives: i32,\n"
    } else {
        ""
    };
    let show = if extra_field {
        r#"println("{} n={} lives={}", TAG, state.n, state.lives)"#
    } else {
        r#"println("{} n={}", TAG, state.n)"#
    };
    format!(
        r#"@hot_reload
module Game {{
    struct State {{
        n: i64,
{field}    }}
    var state: State
    const TAG: &str = "{step}"
    fn __on_unload__() -> Vec[u8] {{ serialize(state) }}
    fn __on_load__(data: Option[Vec[u8]]) {{
        if let .Some(d) = data {{ state = deserialize(d) }} else {{ state = State.default() }}
    }}
    fn update(k: i64) {{
        state.n += k
        if state.n % 20 == 0 {{ {show} }}
    }}
}}
"#
    )
}

/// A project running `MAIN` over `game("one")`, in a fresh folder named after `tag`.
fn project(tag: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("dast-hot-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    // A short rollback window so the kept version's unloading shows up soon.
    std::fs::write(
        dir.join("dast.toml"),
        "[package]\nname = \"hot\"\n\n[profile.dev]\nrollback-window-ms = 1500\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.dast"), MAIN).unwrap();
    let game_file = dir.join("src/game.dast");
    std::fs::write(&game_file, game("one", false)).unwrap();
    (dir, game_file)
}

/// Writes the file; a short pause first so the watcher sees distinct modifications.
fn edit(path: &Path, text: &str) {
    std::thread::sleep(Duration::from_millis(150));
    std::fs::write(path, text).unwrap();
}

#[test]
fn seed_host_loop_reloads_edits_while_running() {
    let (dir, game_file) = project("seed");
    let run = Running::start(&["run", "--hot-reload", "--log-level=debug"], &dir);
    run.wait_for(true, "[INFO] Module 'game' loaded (v1.0)", 0);
    let out = run.wait_for(false, "one n=", 0);

    // A behaviour change: the new text is printed, the counter goes on.
    edit(&game_file, &game("two", false));
    let err = run.wait_for(true, "[INFO] Detected code change in game.dast", 0);
    let err = run.wait_for(true, "[INFO] Compiling game v1.1...", err);
    let err = run.wait_for(true, "[INFO] Module 'game' reloaded (v1.0 -> v1.1)", err);
    let out = run.wait_for(false, "two n=", out);

    // A type error: refused, v1.1 keeps running with its state.
    edit(
        &game_file,
        &game("two", false).replace("state.n += k", "state.n += \"k\""),
    );
    let err = run.wait_for(true, "[ERROR] Reload of 'game' refused", err);
    let out = run.wait_for(false, "two n=", out);

    // Removing a function the host calls by name: refused, naming it and the caller.
    edit(
        &game_file,
        &game("two", false).replace("fn update(", "fn step("),
    );
    let err = run.wait_for(
        true,
        "[ERROR] Reload of 'game' refused: the host calls `game.update` by name (from main",
        err,
    );
    let out = run.wait_for(false, "two n=", out);

    // A version that panics: reported with its trace, rolled back to v1.1 with the
    // state it reached, and the counter goes on.
    edit(
        &game_file,
        &game("bad", false).replace(
            "state.n += k",
            "state.n += k\n        if state.n > 0 { panic(\"bad edit\") }",
        ),
    );
    let err = run.wait_for(true, "reloaded (v1.1 -> v1.2)", err);
    let err = run.wait_for(
        true,
        "[ERROR] Module 'game' v1.2 panicked in update: bad edit",
        err,
    );
    let err = run.wait_for(true, "at update (", err);
    let err = run.wait_for(
        true,
        "[WARN] Module 'game' v1.2 panicked in update; rolled back to v1.1",
        err,
    );
    let out = run.wait_for(false, "two n=", out);

    // A new field: carried by the hooks, the new field starts at its default. Version
    // numbers never repeat: this is v1.3.
    edit(&game_file, &game("three", true));
    let err = run.wait_for(true, "reloaded (v1.1 -> v1.3)", err);
    let out = run.wait_for(false, "lives=0", out);
    run.wait_for(true, "[DEBUG] v1.1 unloaded", err);

    // Back to the first text: a change like any other.
    edit(&game_file, &game("one", false));
    run.wait_for(true, "reloaded (v1.3 -> v1.4)", err);
    let out = run.wait_for(false, "one n=", out);

    // The counter never restarted: every printed n is a multiple of 20 and increasing.
    let text = run.out.lock().unwrap().clone();
    let ns: Vec<i64> = text
        .lines()
        .filter_map(|l| l.split("n=").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(
        ns.windows(2).all(|w| w[1] > w[0]),
        "state was lost: {ns:?}\n{text}"
    );
    let _ = out;
    drop(run);
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many times `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn saves_caught_empty_or_half_written_wait_until_the_file_parses() {
    let (dir, game_file) = project("settle");
    let run = Running::start(&["run", "--hot-reload", "--log-level=debug"], &dir);
    run.wait_for(true, "[INFO] Module 'game' loaded (v1.0)", 0);
    let out = run.wait_for(false, "one n=", 0);

    // An editor's save caught between truncating and writing: not a reload.
    edit(&game_file, "");
    let err = run.wait_for(
        true,
        "[DEBUG] game.dast does not parse yet (empty); waiting",
        0,
    );
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&game_file, game("two", false)).unwrap();
    let err = run.wait_for(true, "[INFO] Module 'game' reloaded (v1.0 -> v1.1)", err);
    let out = run.wait_for(false, "two n=", out);
    // Well past the settle period: still that one reload, and nothing refused.
    std::thread::sleep(Duration::from_millis(1500));
    let log = run.err.lock().unwrap().clone();
    assert_eq!(count(&log, "Detected code change"), 1, "{log}");
    assert_eq!(count(&log, "reloaded"), 1, "{log}");
    assert!(!log.contains("refused"), "{log}");

    // Broken code that stays (the user saved it): after the settle period, refused
    // with the parser's diagnostic, and the old version keeps running.
    let broken = game("three", false).replace("fn update(k: i64) {", "fn update(k: i64 {");
    edit(&game_file, &broken);
    let err = run.wait_for(true, "[DEBUG] game.dast does not parse yet (", err);
    let err = run.wait_for(true, "[INFO] Detected code change in game.dast", err);
    let err = run.wait_for(true, "[ERROR] Reload of 'game' refused: ", err);
    let err = run.wait_for(true, "game.dast:", err);
    let out = run.wait_for(false, "two n=", out);

    // Fixed: reloads as usual.
    edit(&game_file, &game("three", false));
    run.wait_for(true, "[INFO] Module 'game' reloaded (v1.1 -> v1.2)", err);
    run.wait_for(false, "three n=", out);
    drop(run);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A one-file program: `main` loops over a `@hot_reload fn` of its own file.
fn single_file(tag: &str, state: bool) -> String {
    let (var, bump) = if state {
        ("var calls: i64 = 0\n\n", "    calls += 1\n")
    } else {
        ("", "")
    };
    format!(
        r#"{var}@hot_reload
fn tick(n: i64) {{
{bump}    if n % 20 == 0 {{ println("{tag} {{}}", n) }}
}}

fn main() {{
    let mut n = 0
    loop {{
        tick(n)
        n += 1
        sleep(5)
    }}
}}
"#
    )
}

#[test]
fn a_hot_fn_beside_main_in_one_file_reloads_at_its_next_call() {
    let dir = TempCopy::empty("single-file");
    let file = dir.0.join("app.dast");
    std::fs::write(&file, single_file("one", false)).unwrap();
    let run = Running::start(&["run", "--hot-reload"], &file);
    let out = run.wait_for(false, "one ", 0);

    edit(&file, &single_file("two", false));
    let err = run.wait_for(true, "[INFO] Detected code change in app.dast", 0);
    let err = run.wait_for(true, "[INFO] Module 'app' reloaded (v1.0 -> v1.1)", err);
    let out = run.wait_for(false, "two ", out);

    // And again: every version reaches the running `main`.
    edit(&file, &single_file("three", false));
    run.wait_for(true, "[INFO] Module 'app' reloaded (v1.1 -> v1.2)", err);
    run.wait_for(false, "three ", out);

    // `main` kept counting through both reloads (its loop never restarted).
    let text = run.out.lock().unwrap().clone();
    let ns: Vec<i64> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .collect();
    assert!(ns.windows(2).all(|w| w[1] > w[0]), "{text}");
}

#[test]
fn a_hot_fn_beside_a_stateful_main_is_explained_at_start() {
    let dir = TempCopy::empty("single-file-state");
    let file = dir.0.join("app.dast");
    std::fs::write(&file, single_file("one", true)).unwrap();
    let run = Running::start(&["run", "--hot-reload"], &file);
    run.wait_for(
        true,
        "[WARN] 'app' runs `main` and holds `var` state: its reloads will be refused",
        0,
    );
    let out = run.wait_for(false, "one ", 0);
    // The edit is refused (no lost updates), and the first version keeps running.
    edit(&file, &single_file("two", true));
    run.wait_for(
        true,
        "[ERROR] Reload of 'app' refused: module `app` has 1 calls in flight",
        0,
    );
    run.wait_for(false, "one ", out);
}
