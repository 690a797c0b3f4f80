//! `examples/plugins`: the seed's plugin host, run as a user would, in bytecode and in
//! hybrid mode (the host as machine code): plugins loaded from `plugins/`, edited while
//! held (new behaviour, fields kept, a field added), an incompatible edit refused with
//! the old plugin still running, and `shutdown` on exit.

mod common;

use common::{repo, Running, TempCopy};

fn edit(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn demo(args: &[&str], tag: &str) {
    let dir = TempCopy::of(&repo().join("examples/plugins"), tag);
    // A shorter run than the example's minute.
    edit(
        &dir.0.join("src/main.dast"),
        "const SECONDS: i32 = 60",
        "const SECONDS: i32 = 8",
    );
    let clock = dir.0.join("plugins/clock.dast");
    let run = Running::start(args, &dir.0);
    let out = run.wait_for(false, "host: 2 plugins loaded: clock, greeter", 0);
    run.wait_for(
        true,
        "[INFO] Module 'clock' loaded (v1.0) from plugins/clock.dast",
        0,
    );
    let out = run.wait_for(false, "clock: 1 s\n", out);

    // New behaviour, state kept: the count goes on in the new text.
    edit(
        &clock,
        r#"println("clock: {} s", self.seconds)"#,
        r#"println("clock v2: {} s", self.seconds)"#,
    );
    run.wait_for(true, "[INFO] Module 'clock' reloaded (v1.0 -> v1.1)", 0);
    let out = run.wait_for(false, "clock v2: ", out);
    let text = run.out.lock().unwrap().clone();
    let shown: i32 = text[out..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(shown >= 2, "the count restarted: {text}");

    // A field retyped: refused, naming the field and both types; v1.1 goes on.
    let before = std::fs::read_to_string(&clock).unwrap();
    edit(&clock, "seconds: i32 }", "seconds: i16 }");
    run.wait_for(true, "[ERROR] Reload of 'clock' refused", 0);
    let err = run.err.lock().unwrap().clone();
    assert!(err.contains("`impl Plugin for Clock`"), "{err}");
    assert!(err.contains("`Clock.seconds` from `i32` to `i16`"), "{err}");
    std::fs::write(&clock, &before).unwrap();
    let out = run.wait_for(false, "clock v2: ", out);

    // A field added: it starts at zero, the others carry over.
    edit(&clock, "seconds: i32 }", "seconds: i32, ticks: i64 }");
    edit(
        &clock,
        "self.time += dt",
        "self.time += dt\n        self.ticks += 1",
    );
    edit(
        &clock,
        r#"println("clock v2: {} s", self.seconds)"#,
        r#"println("clock v3: {} s, {} ticks", self.seconds, self.ticks)"#,
    );
    run.wait_for(true, "[INFO] Module 'clock' reloaded (v1.1 -> v1.2)", 0);
    let out = run.wait_for(false, "clock v3: ", out);
    let out = run.wait_for(false, "host: done", out);
    let text = run.out.lock().unwrap().clone();
    assert!(text[..out].contains("clock: stopped after"), "{text}");
    assert!(text[..out].contains("greeter: said hello"), "{text}");
}

#[test]
fn plugins_reload_while_the_bytecode_host_holds_them() {
    demo(&["run", "--hot-reload"], "plugins-dev");
}

#[test]
fn plugins_reload_while_the_native_host_holds_them() {
    demo(
        &["run", "--mode=hybrid", "--native", "main", "--hot-reload"],
        "plugins-hybrid",
    );
}

/// `[plugins] capabilities` in `dast.toml`: a plugin needing more is refused when it
/// is loaded, naming what it lacks, in bytecode and in release mode; an unknown
/// capability name is a manifest error.
#[test]
fn dast_toml_limits_what_plugins_may_do() {
    let dir = TempCopy::of(
        &repo().join("test-programs/projects/seed_plugins"),
        "grants",
    );
    let manifest = dir.0.join("dast.toml");
    let base = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{base}\n[plugins]\ncapabilities = [\"time\"]\n"),
    )
    .unwrap();
    for args in [&["run"][..], &["run", "--mode=release"]] {
        let out = common::dast(args, &dir.0);
        let stderr = common::text(&out.stderr);
        assert_eq!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(
            stderr.contains("module `counter` needs the `print` capability (`Counter.init` calls `println`), which its host does not grant"),
            "{args:?}: {stderr}"
        );
    }
    std::fs::write(
        &manifest,
        format!("{base}\n[plugins]\ncapabilities = [\"print\"]\n"),
    )
    .unwrap();
    let out = common::dast(&["run"], &dir.0);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("counter: 2 ticks"));
    std::fs::write(
        &manifest,
        format!("{base}\n[plugins]\ncapabilities = [\"network\"]\n"),
    )
    .unwrap();
    let out = common::dast(&["run"], &dir.0);
    let stderr = common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unknown capability `network` in `[plugins]`"),
        "{stderr}"
    );
}
