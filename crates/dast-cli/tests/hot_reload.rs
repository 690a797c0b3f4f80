//! `dast run --hot-reload` end to end: the seed's host loop runs a `@hot_reload`
//! module; the test edits the module's file while the program runs and reads the log
//! and the output (behaviour change, a refused edit that keeps the old version and its
//! state, a removed function the host calls, a panicking version rolled back, a field
//! added, a revert); saves caught half-written; a `@hot_reload fn` beside `main` in a
//! one-file program; and the demo, `examples/game_logic`, through bad edits.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{repo, Running, TempCopy};

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

/// The scores `render` printed (`score  120  level ...`).
fn scores(out: &str) -> Vec<i64> {
    out.lines()
        .filter_map(|l| l.strip_prefix("score "))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

/// Waits until `render` prints a score above `above`; returns the stdout position.
fn wait_for_score(run: &Running, above: i64, from: usize) -> usize {
    let mut at = from;
    loop {
        at = run.wait_for(false, "score ", at);
        let text = run.out.lock().unwrap().clone();
        if scores(&text[from..]).into_iter().any(|s| s > above) {
            return at;
        }
    }
}

fn last_score(run: &Running) -> i64 {
    let text = run.out.lock().unwrap().clone();
    scores(&text).last().copied().expect("a score was printed")
}

#[test]
fn the_demo_keeps_running_through_bad_edits() {
    let dir = TempCopy::of(&repo().join("examples/game_logic"), "demo");
    let file = dir.0.join("src/game_logic.dast");
    let original = std::fs::read_to_string(&file).unwrap();
    let run = Running::start(&["run", "--hot-reload", "--log-level=debug"], &dir.0);
    run.wait_for(true, "[INFO] Module 'game_logic' loaded (v1.0)", 0);
    let out = run.wait_for(false, "score ", 0);

    // Faster: the score goes up every other frame. The host prints the version table
    // on one line.
    let fast = original.replace("const SPEED: f32 = 40.0", "const SPEED: f32 = 4000.0");
    assert_ne!(fast, original);
    edit(&file, &fast);
    let err = run.wait_for(
        true,
        "[INFO] Module 'game_logic' reloaded (v1.0 -> v1.1)",
        0,
    );
    let out = run.wait_for(false, "versions: game_logic ", out);
    let text = run.out.lock().unwrap().clone();
    let table = text.lines().find(|l| l.starts_with("versions: ")).unwrap();
    assert!(
        table.contains(" v1.1 Active") && table.contains("| main v1.0 Active"),
        "{table}"
    );
    assert!(!text.lines().any(|l| l.starts_with("main:")), "{text}");
    let out = wait_for_score(&run, 0, out);

    // `render` deleted: the host calls it by name, so the reload is refused (naming it
    // and the call), and the game goes on.
    let start = fast.find("    fn render()").unwrap();
    let end = start + fast[start..].find("\n    }\n").unwrap() + "\n    }\n".len();
    let no_render = format!("{}{}", &fast[..start], &fast[end..]);
    assert!(!no_render.contains("fn render"));
    edit(&file, &no_render);
    let err = run.wait_for(
        true,
        "[ERROR] Reload of 'game_logic' refused: the host calls `game_logic.render` by name \
         (from main (",
        err,
    );
    let err = run.wait_for(true, "the new version removes it", err);
    let out = wait_for_score(&run, last_score(&run), out);

    // A version whose `update` panics: reported, rolled back to v1.1 with its state,
    // and the score keeps counting from where it was.
    let before = last_score(&run);
    edit(
        &file,
        &fast.replace(
            "fn update(delta_time: f32) {",
            "fn update(delta_time: f32) {\n        panic(\"boom\")",
        ),
    );
    let err = run.wait_for(
        true,
        "[INFO] Module 'game_logic' reloaded (v1.1 -> v1.2)",
        err,
    );
    let err = run.wait_for(
        true,
        "[ERROR] Module 'game_logic' v1.2 panicked in update: boom",
        err,
    );
    let err = run.wait_for(
        true,
        "[WARN] Module 'game_logic' v1.2 panicked in update; rolled back to v1.1",
        err,
    );
    let out = wait_for_score(&run, before, out);
    assert!(
        scores(&run.out.lock().unwrap())
            .windows(2)
            .all(|w| w[1] >= w[0]),
        "the score went back"
    );

    // An empty save: neither a reload nor a refusal, the game goes on.
    edit(&file, "");
    let err = run.wait_for(
        true,
        "[DEBUG] game_logic.dast does not parse yet (empty); waiting",
        err,
    );
    let err = run.wait_for(
        true,
        "[DEBUG] game_logic.dast is still empty; ignored until it changes",
        err,
    );
    let out = wait_for_score(&run, last_score(&run), out);
    let log = run.err.lock().unwrap().clone();
    let since_empty = &log[err..];
    assert!(
        !since_empty.contains("Compiling") && !since_empty.contains("refused"),
        "{log}"
    );
    let after_rollback = &log[log.find("rolled back to v1.1").unwrap()..];
    assert!(!after_rollback.contains("Compiling"), "{log}");

    // Text again: the next version, as usual.
    edit(&file, &fast.replace("\"score {:>4}", "\"SCORE {:>4}"));
    run.wait_for(
        true,
        "[INFO] Module 'game_logic' reloaded (v1.1 -> v1.3)",
        err,
    );
    run.wait_for(false, "SCORE ", out);
}
