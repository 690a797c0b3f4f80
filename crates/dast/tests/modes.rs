//! The facade loads every mode with one API: bytecode, native (every module machine
//! code) and hybrid (as the `hybrid` profile says). In each: typed calls, host
//! functions called from the module's code, a stateful reload carrying state, and
//! calls from several threads.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use common::TempProject;
use dast::{Linker, Mode, Runtime};

const MANIFEST: &str = "[package]
name = \"modes\"

[profile.hybrid]
hot-reload = true

[profile.hybrid.module.math]
bytecode = false
hot-reload = true

[profile.hybrid.module.game]
bytecode = true
hot-reload = true
";

const RENDER: &str =
    "host fn rect(x: f32, y: f32, w: f32, h: f32)\nhost fn score(points: i64) -> i64\n";

const MATH: &str = "
@hot_reload
fn mix(a: i64, b: i64) -> i64 { a * 3 + b }
";

const GAME: &str = "
import math
import render

var total: i64 = 0

@hot_reload
fn step(n: i64) -> i64 {
    total += math.mix(n, 1)
    render.rect(1.0, 2.0, 3.0, 4.0)
    render.score(total)
}

@hot_reload
fn total_now() -> i64 { total }
";

fn project(tag: &str) -> TempProject {
    let p = TempProject::new(tag, &[("render", RENDER), ("math", MATH), ("game", GAME)]);
    std::fs::write(p.root.join("dast.toml"), MANIFEST).unwrap();
    p
}

/// A linker whose `rect` counts its calls and whose `score` echoes its argument.
fn linker(rects: &Arc<AtomicI64>) -> Linker {
    let mut linker = Linker::new();
    let seen = rects.clone();
    linker.func_wrap("render", "rect", move |_: f32, _: f32, _: f32, _: f32| {
        seen.fetch_add(1, Ordering::Relaxed);
    });
    linker.func_wrap("render", "score", |points: i64| points);
    linker
}

fn exercise(mode: Mode) {
    let p = project(&format!("modes-{mode:?}"));
    let rects = Arc::new(AtomicI64::new(0));
    let rt = linker(&rects).load_project_in(&p.root, mode).unwrap();
    let step = rt.get_typed_func::<(i64,), i64>("game", "step").unwrap();
    assert_eq!(step.call((1,)).unwrap(), 4);
    assert_eq!(step.call((2,)).unwrap(), 11);
    // Threads share the module's state (calls into `game` take its state lock).
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let rt = rt.clone();
            std::thread::spawn(move || {
                let step = rt.get_typed_func::<(i64,), i64>("game", "step").unwrap();
                for _ in 0..100 {
                    step.call((0,)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total = rt.get_typed_func::<(), i64>("game", "total_now").unwrap();
    assert_eq!(total.call(()).unwrap(), 11 + 400);
    assert_eq!(rects.load(Ordering::Relaxed), 402);
    // A reload of each module (native ones are rebuilt), state carried over.
    p.write("math", &MATH.replace("a * 3 + b", "a * 3 + b + 100"));
    p.write(
        "game",
        &GAME.replace("render.score(total)", "render.score(total) + 1"),
    );
    let reports = rt.reload_source(&p.root).unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert_eq!(step.call((0,)).unwrap(), 411 + 101 + 1);
    assert_eq!(rt.get_version("math"), Some(2));
    assert_eq!(rt.get_version("game"), Some(2));
    // Which modules were built into machine code, first and second versions.
    let built = |file: &str| p.root.join("target/embed").join(file).exists();
    let (math, game) = match mode {
        Mode::Bytecode => (false, false),
        Mode::Native => (true, true),
        Mode::Hybrid => (true, false),
    };
    assert_eq!((built("libmath.so"), built("libmath.2.so")), (math, math));
    assert_eq!((built("libgame.so"), built("libgame.2.so")), (game, game));
    assert_eq!(built("librender.so"), game);
}

#[test]
fn bytecode_mode() {
    exercise(Mode::Bytecode);
}

#[test]
fn native_mode() {
    exercise(Mode::Native);
}

#[test]
fn hybrid_mode() {
    exercise(Mode::Hybrid);
}

#[test]
fn every_mode_refuses_a_missing_host_function() {
    let p = project("modes-missing");
    for mode in [Mode::Bytecode, Mode::Native, Mode::Hybrid] {
        let err = Runtime::load_project_in(&p.root, mode)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("the host provides no `render.rect`"),
            "{mode:?}: {err}"
        );
    }
}
