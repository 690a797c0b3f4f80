//! Host functions: `host fn` declarations served by Rust closures registered with a
//! `Linker`, checked at load and at reload, callable from any module and any thread,
//! calling back into Dast, and failing as Dast panics.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use dast::{Error, Linker, Runtime, Value};

const RENDER: &str = "
host fn rect(x: f32, y: f32, w: f32, h: f32)
host fn key_down(key: String) -> bool
host fn twice(n: i64) -> i64
";

const GAME: &str = "
import render

var frames: i64 = 0

@hot_reload
fn frame(speed: f32) -> i64 {
    frames += 1
    let mut i = 0
    while i < 3 {
        render.rect(speed * i as f32, 2.0, 10.0, 20.0)
        i += 1
    }
    if render.key_down(\"space\") { 1 } else { 0 }
}

@hot_reload
fn double(n: i64) -> i64 { n * 2 }

@hot_reload
fn quadruple(n: i64) -> i64 { render.twice(render.twice(n) / 2) * 2 }
";

type Rects = Arc<Mutex<Vec<(f32, f32, f32, f32)>>>;

/// A linker with `render`'s three functions; `twice` calls back into Dast (`game.double`).
fn linker(rects: &Rects, runtime: &Arc<OnceLock<Runtime>>) -> Linker {
    let mut linker = Linker::new();
    let seen = rects.clone();
    linker.func_wrap("render", "rect", move |x: f32, y: f32, w: f32, h: f32| {
        seen.lock().unwrap().push((x, y, w, h));
    });
    linker.func_wrap("render", "key_down", |key: String| key == "space");
    let rt = runtime.clone();
    linker.func_wrap("render", "twice", move |n: i64| -> i64 {
        let double = rt
            .get()
            .expect("loaded")
            .get_typed_func::<(i64,), i64>("game", "double");
        double.unwrap().call((n,)).unwrap()
    });
    linker
}

fn start() -> (Runtime, Rects) {
    let rects: Rects = Arc::default();
    let cell = Arc::new(OnceLock::new());
    let modules = common::compile(&[("render", RENDER), ("game", GAME)]);
    let rt = linker(&rects, &cell).from_modules(modules).unwrap();
    cell.set(rt.clone()).ok();
    (rt, rects)
}

#[test]
fn dast_code_calls_the_registered_closures() {
    let (rt, rects) = start();
    let frame = rt.get_typed_func::<(f32,), i64>("game", "frame").unwrap();
    assert_eq!(frame.call((1.5,)).unwrap(), 1);
    assert_eq!(
        *rects.lock().unwrap(),
        vec![
            (0.0, 2.0, 10.0, 20.0),
            (1.5, 2.0, 10.0, 20.0),
            (3.0, 2.0, 10.0, 20.0)
        ]
    );
}

#[test]
fn a_host_function_calls_back_into_dast() {
    let (rt, _) = start();
    let quadruple = rt
        .get_typed_func::<(i64,), i64>("game", "quadruple")
        .unwrap();
    assert_eq!(quadruple.call((5,)).unwrap(), 20);
}

#[test]
fn threads_call_host_functions_in_parallel() {
    let (rt, rects) = start();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let rt = rt.clone();
            std::thread::spawn(move || {
                let frame = rt.get_typed_func::<(f32,), i64>("game", "frame").unwrap();
                let quadruple = rt
                    .get_typed_func::<(i64,), i64>("game", "quadruple")
                    .unwrap();
                for i in 0..250 {
                    assert_eq!(frame.call((1.0,)).unwrap(), 1);
                    assert_eq!(quadruple.call((i,)).unwrap(), 4 * i);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(rects.lock().unwrap().len(), 4 * 250 * 3);
    let frames = rt.call("game", "frame", &[Value::Float(0.0)]).unwrap();
    assert_eq!(frames, Value::Int(1));
}

#[test]
fn a_missing_or_mistyped_host_function_is_refused_at_load() {
    let modules = common::compile(&[("render", RENDER), ("game", GAME)]);
    let err = Runtime::from_modules(modules.clone())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("module `render` declares `host fn rect(f32, f32, f32, f32) -> ()`, but the host provides no `render.rect`"),
        "{err}"
    );
    let mut linker = Linker::new();
    linker.func_wrap("render", "rect", |_: f64, _: f64, _: f64, _: f64| {});
    linker.func_wrap("render", "key_down", |_: String| true);
    linker.func_wrap("render", "twice", |n: i64| n);
    let err = linker.from_modules(modules).err().unwrap().to_string();
    assert!(
        err.contains("declares `host fn rect(f32, f32, f32, f32) -> ()`, but the host registered `render.rect` as `fn(f64, f64, f64, f64) -> ()`"),
        "{err}"
    );
}

#[test]
fn a_host_function_panic_is_a_dast_panic_with_its_trace() {
    let mut linker = Linker::new();
    linker.func_wrap("render", "rect", |x: f32, _: f32, _: f32, _: f32| {
        assert!(x < 2.0, "x out of the screen: {x}");
    });
    linker.func_wrap("render", "key_down", |_: String| false);
    linker.func_wrap("render", "twice", |n: i64| n * 2);
    let rt = linker
        .from_modules(common::compile(&[("render", RENDER), ("game", GAME)]))
        .unwrap();
    let frame = rt.get_typed_func::<(f32,), i64>("game", "frame").unwrap();
    let Err(Error::Call(e)) = frame.call((1.5,)) else {
        panic!("expected a panic");
    };
    assert!(
        e.panic
            .message
            .contains("host function `render.rect` panicked: x out of the screen: 3"),
        "{}",
        e.panic
    );
    let functions: Vec<&str> = e.panic.trace.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(functions, vec!["rect", "frame"], "{}", e.panic);
    // The runtime and the module's state go on.
    assert_eq!(frame.call((0.5,)).unwrap(), 0);
}

#[test]
fn a_reload_declaring_an_unknown_host_function_is_refused() {
    let (rt, _) = start();
    let more = format!("{RENDER}host fn circle(x: f32, y: f32, r: f32)\n");
    let bad = common::module(&[("render", &more), ("game", GAME)], "render");
    // `render` is not hot-reloadable: make a hot module that declares it instead.
    let err = rt.reload_module(bad).unwrap_err().to_string();
    assert!(err.contains("Reload of 'render' refused"), "{err}");
    let game2 = GAME.replace(
        "@hot_reload\nfn double",
        "host fn circle(r: f32)\n\n@hot_reload\nfn double",
    );
    let bad = common::module(&[("render", RENDER), ("game", &game2)], "game");
    let err = rt.reload_module(bad).unwrap_err().to_string();
    assert!(
        err.contains(
            "declares `host fn circle(f32) -> ()`, but the host provides no `game.circle`"
        ),
        "{err}"
    );
    assert_eq!(rt.get_version("game"), Some(1));
}
