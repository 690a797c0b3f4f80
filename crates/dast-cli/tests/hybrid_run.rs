//! `dast run --mode=hybrid`: native and bytecode modules in one program. Every kind of
//! value crosses the boundary both ways (scalars, strings, vectors, maps, structs,
//! enums, tuples, `&mut` parameters, module state), native code calls bytecode that
//! calls native code again, and a panic crossing the boundary keeps its Dast trace:
//! stdout, stderr and exit status are those of the all-bytecode run, whichever modules
//! are native. Then hot reload: a native and a bytecode module edited while the program
//! runs, and a bad edit refused with the old version still running with its state.

mod common;

use std::path::Path;

use common::{dast, repo, text, Running, TempCopy};

#[test]
fn values_cross_the_boundary_both_ways_whichever_modules_are_native() {
    let project = TempCopy::of(&repo().join("test-programs/projects/values"), "values");
    let dev = dast(&["run"], &project.0);
    assert_eq!(dev.status.code(), Some(101), "{}", text(&dev.stderr));
    assert!(text(&dev.stdout).contains("P { x: 42, name: \"p-core\" }"));
    for native in ["core", "plugin", "core,plugin"] {
        let flag = format!("--native={native}");
        let hybrid = dast(&["run", "--mode=hybrid", &flag], &project.0);
        assert_eq!(
            text(&hybrid.stdout),
            text(&dev.stdout),
            "{native}: stdout\nstderr: {}",
            text(&hybrid.stderr)
        );
        assert_eq!(text(&hybrid.stderr), text(&dev.stderr), "{native}: stderr");
        assert_eq!(hybrid.status.code(), dev.status.code(), "{native}: status");
    }
}

#[test]
fn a_native_main_using_the_registry_runs_like_dev() {
    // `main` drives `ModuleRegistry` (calls by name, queries, a panic in the callee):
    // as machine code in hybrid and release mode it gives the bytecode's output.
    let project = TempCopy::of(&repo().join("test-programs/projects/values"), "registry");
    let dev = dast(&["run"], &project.0);
    for args in [
        &["run", "--mode=hybrid", "--native=main"][..],
        &["run", "--mode=release"],
    ] {
        let native = dast(args, &project.0);
        assert_eq!(text(&native.stdout), text(&dev.stdout), "{args:?}");
        assert_eq!(text(&native.stderr), text(&dev.stderr), "{args:?}");
        assert_eq!(native.status.code(), dev.status.code(), "{args:?}");
    }
}

#[test]
fn a_project_with_a_native_folder_runs_like_dev() {
    let project = TempCopy::of(&repo().join("test-programs/projects/imports"), "imports");
    let dev = dast(&["run"], &project.0);
    let hybrid = dast(
        &["run", "--mode=hybrid", "--native=geometry,util"],
        &project.0,
    );
    assert_eq!(
        text(&hybrid.stdout),
        text(&dev.stdout),
        "{}",
        text(&hybrid.stderr)
    );
    assert_eq!(hybrid.status.code(), dev.status.code());
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The frame count printed in the greeting line after `from`.
fn frames_after(run: &Running, from: usize) -> i64 {
    run.wait_for(false, "frames", from);
    let out = run.out.lock().unwrap().clone();
    let line = out[from..].lines().find(|l| l.contains("frames")).unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "frames").unwrap();
    words[at - 1].parse().unwrap()
}

#[test]
fn native_and_bytecode_modules_reload_while_the_program_runs() {
    let project = TempCopy::of(&repo().join("examples/hybrid"), "reload");
    let core = project.0.join("src/core.dast");
    let greeter = project.0.join("src/plugins/greeter.dast");
    let run = Running::start(&["run", "--mode=hybrid", "--hot-reload"], &project.0);
    let at = run.wait_for(false, "hello player, from core v1 after 20 frames", 0);
    assert!(project.0.join("target/hybrid/libcore.so").is_file());

    // The native core: rebuilt into its own library, its state carried over.
    edit(&core, "\"core v1\"", "\"core v2\"");
    let log = run.wait_for(true, "Module 'core' reloaded (v1.0 -> v1.1)", 0);
    let at = run.wait_for(false, "from core v2", at);
    assert!(frames_after(&run, at - 40) > 20, "the frame count went on");
    assert!(project.0.join("target/hybrid/libcore.2.so").is_file());

    // The bytecode plugin.
    edit(&greeter, "hello {}", "HELLO {}");
    let log = run.wait_for(
        true,
        "Module 'plugins.greeter' reloaded (v1.0 -> v1.1)",
        log,
    );
    let at = run.wait_for(false, "HELLO player, from core v2", at);

    // A bad edit of the native core: refused, version 1.1 keeps running.
    edit(&core, "stats.frames\n}", "stats.frames + oops\n}");
    run.wait_for(true, "Reload of 'core' refused", log);
    let before = frames_after(&run, run.stdout_len());
    let after = frames_after(&run, run.stdout_len());
    assert!(after > before, "still running: {before} then {after}");
    let out = run.out.lock().unwrap().clone();
    assert!(out[at..].contains("HELLO player, from core v2"));
}
