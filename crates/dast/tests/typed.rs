//! Typed handles and plain calls.

mod common;

use dast::{Error, Runtime, Value, VersionState};

const MATH: &str = "
fn add(a: i32, b: i32) -> i32 { a + b }
fn half(x: f64) -> f64 { x / 2.0 }
fn shout(s: String) -> String { format(\"{}!\", s) }
fn big(a: i64, b: u64, c: u32, f: bool) -> u64 { if f { b + (c as u64) } else { (a as u64) } }
fn ratio(x: f32) -> f32 { x * 2.0 }
fn nothing() {}
fn boom(n: i32) -> i32 { if n > 0 { panic(\"too big\") } n }
";

fn math() -> Runtime {
    let rt = Runtime::from_modules(common::compile(&[("math", MATH)])).unwrap();
    rt.set_output(Box::new(std::io::sink()));
    rt
}

#[test]
fn typed_handles_call_with_rust_values() {
    let rt = math();
    let add = rt.get_typed_func::<(i32, i32), i32>("math", "add").unwrap();
    assert_eq!(add.call((2, 3)).unwrap(), 5);
    let half = rt.get_typed_func::<(f64,), f64>("math", "half").unwrap();
    assert_eq!(half.call((3.0,)).unwrap(), 1.5);
    let shout = rt
        .get_typed_func::<(&str,), String>("math", "shout")
        .unwrap();
    assert_eq!(shout.call(("hey",)).unwrap(), "hey!");
    let big = rt
        .get_typed_func::<(i64, u64, u32, bool), u64>("math", "big")
        .unwrap();
    assert_eq!(big.call((7, 40, 2, true)).unwrap(), 42);
    let ratio = rt.get_typed_func::<(f32,), f32>("math", "ratio").unwrap();
    assert_eq!(ratio.call((1.25,)).unwrap(), 2.5);
    let nothing = rt.get_typed_func::<(), ()>("math", "nothing").unwrap();
    nothing.call(()).unwrap();
}

#[test]
fn a_wrong_signature_is_refused_with_both_signatures() {
    let rt = math();
    let err = rt
        .get_typed_func::<(i32, f64), i32>("math", "add")
        .err()
        .unwrap();
    assert_eq!(
        err,
        Error::Signature(
            "`math.add` is `fn(i32, i32) -> i32`, but the handle was asked for \
             `fn(i32, f64) -> i32`"
                .into()
        )
    );
    let err = rt.get_typed_func::<(i32, i32), i64>("math", "add").err();
    assert!(matches!(err, Some(Error::Signature(_))));
}

#[test]
fn a_missing_function_or_module_is_refused() {
    let rt = math();
    let err = rt.get_typed_func::<(), i32>("math", "nope").err().unwrap();
    assert_eq!(err.to_string(), "module `math` exports no function `nope`");
    let err = rt.get_typed_func::<(), i32>("nope", "add").err().unwrap();
    assert_eq!(err.to_string(), "no module `nope` is loaded");
}

#[test]
fn a_panic_comes_back_with_its_trace_and_the_runtime_stays_usable() {
    let rt = math();
    let boom = rt.get_typed_func::<(i32,), i32>("math", "boom").unwrap();
    let err = boom.call((1,)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "Module 'math' v1.0 panicked in boom: too big\n  at boom (/p/src/math.dast:8:"
        ),
        "{err}"
    );
    let Error::Call(e) = err else {
        panic!("expected a failed call")
    };
    assert_eq!(
        (e.module.as_str(), e.version, e.function.as_str()),
        ("math", 1, "boom")
    );
    assert_eq!(e.panic.message, "too big");
    assert_eq!(e.panic.trace[0].function, "boom");
    assert_eq!(boom.call((-1,)).unwrap(), -1);
    assert_eq!(
        rt.call("math", "add", &[Value::Int(1), Value::Int(2)]),
        Ok(Value::Int(3))
    );
}

#[test]
fn a_handle_follows_reloads_and_notices_a_changed_signature() {
    let v1 = "@hot_reload\nfn answer() -> i32 { 1 }\n";
    let v2 = "@hot_reload\nfn answer() -> i32 { 2 }\n";
    let v3 = "@hot_reload\nfn answer() -> i64 { 3 }\n";
    let rt = Runtime::from_modules(common::compile(&[("game", v1)])).unwrap();
    let answer = rt.get_typed_func::<(), i32>("game", "answer").unwrap();
    assert_eq!(answer.call(()).unwrap(), 1);
    rt.reload_module(common::module(&[("game", v2)], "game"))
        .unwrap();
    assert_eq!(answer.call(()).unwrap(), 2);
    // The host called `answer` by name, so a version that changes its signature is
    // refused, naming the function and the caller; the handle keeps working.
    let err = rt
        .reload_module(common::module(&[("game", v3)], "game"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Reload of 'game' refused: the host calls `game.answer` by name (from the Rust \
         host) and the new version changes its signature from () -> i32 to () -> i64; keep \
         `answer` as it was, or restart the program"
    );
    assert_eq!(answer.call(()).unwrap(), 2);
    assert_eq!(rt.get_version("game"), Some(2));
}

#[test]
fn a_module_without_hot_reload_is_not_reloaded() {
    let rt = math();
    let err = rt
        .reload_module(common::module(&[("math", MATH)], "math"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Reload of 'math' refused: module `math` is not hot-reloadable (mark it `@hot_reload`)"
    );
}

#[test]
fn prebuilt_dbc_files_load() {
    let dir = std::env::temp_dir().join(format!("dast-dbc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("math.dbc");
    let m = common::module(&[("math", MATH)], "math");
    std::fs::write(&path, dast_bytecode::encode(&m)).unwrap();
    let rt = Runtime::load_dbc([&path]).unwrap();
    let add = rt.get_typed_func::<(i32, i32), i32>("math", "add").unwrap();
    assert_eq!(add.call((20, 22)).unwrap(), 42);
    let err = Runtime::load_dbc([dir.join("missing.dbc")]).err().unwrap();
    assert!(matches!(err, Error::Load(_)), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reload of a stateful module waits for the call in flight (new calls wait behind
/// it), and is refused when that call does not finish within the reload wait.
#[test]
fn reload_waits_for_the_running_call_then_is_refused_after_the_bound() {
    let src = "var calls: i64 = 0\n@hot_reload\nfn slow(ms: u64) -> i64 {\n    calls += 1\n    sleep(ms)\n    1\n}\n";
    let rt = Runtime::from_modules(common::compile(&[("slow", src)])).unwrap();
    let v2_src = src.replace("    1\n", "    2\n");
    let v2 = common::compile(&[("slow", v2_src.as_str())]).remove(0);
    rt.set_reload_wait(std::time::Duration::from_millis(100));
    let caller = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.call("slow", "slow", &[Value::UInt(500)]))
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    let err = rt.reload_module(v2.clone()).unwrap_err().to_string();
    assert!(err.contains("did not finish within 100 ms"), "{err}");
    assert_eq!(caller.join().unwrap().unwrap(), Value::Int(1));
    // With a longer wait, the reload waits for the call, then succeeds.
    rt.set_reload_wait(std::time::Duration::from_secs(5));
    let caller = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.call("slow", "slow", &[Value::UInt(200)]))
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    rt.reload_module(v2).unwrap();
    assert_eq!(caller.join().unwrap().unwrap(), Value::Int(1));
    assert_eq!(
        rt.call("slow", "slow", &[Value::UInt(0)]).unwrap(),
        Value::Int(2)
    );
}

/// A stateless module never waits: the reload switches while a call runs in the old
/// version, which finishes there and then drains.
#[test]
fn a_stateless_reload_switches_at_once_and_the_old_version_drains() {
    let src = "@hot_reload\nfn slow(ms: u64) -> i64 {\n    sleep(ms)\n    1\n}\n";
    let rt = Runtime::from_modules(common::compile(&[("slow", src)])).unwrap();
    let v2_src = src.replace("    1\n", "    2\n");
    let v2 = common::compile(&[("slow", v2_src.as_str())]).remove(0);
    rt.set_reload_wait(std::time::Duration::from_millis(10));
    let caller = {
        let rt = rt.clone();
        std::thread::spawn(move || rt.call("slow", "slow", &[Value::UInt(300)]))
    };
    std::thread::sleep(std::time::Duration::from_millis(50));
    rt.reload_module(v2).unwrap();
    let states = |rt: &Runtime| -> Vec<(u32, VersionState, u32)> {
        rt.modules()[0]
            .versions
            .iter()
            .map(|v| (v.number, v.state, v.in_flight))
            .collect()
    };
    assert_eq!(
        states(&rt),
        vec![(1, VersionState::Draining, 1), (2, VersionState::Active, 0)]
    );
    assert_eq!(
        rt.call("slow", "slow", &[Value::UInt(0)]).unwrap(),
        Value::Int(2)
    );
    assert_eq!(caller.join().unwrap().unwrap(), Value::Int(1));
    // The caller's thread unloaded the old version when its call returned.
    assert_eq!(states(&rt), vec![(2, VersionState::Active, 0)]);
}
