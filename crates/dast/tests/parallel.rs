//! The parallel runtime under load: 8 threads call a stateless and a stateful module
//! while another thread reloads each of them 1,000 times, every tenth reload an invalid
//! edit. No call fails, the stateful count is exact, every version number is exact, and
//! every invalid edit is refused with the old version still running.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use dast::{Runtime, TypedFunc};
use dast_bytecode::Module;

const CALLERS: usize = 8;
const RELOADS: u32 = 1_000;

/// Two texts of a stateless module computing the same thing differently.
const PURE_V1: &str = "@hot_reload\nfn mix(a: i64, b: i64) -> i64 { a * 3 + b }\n";
const PURE_V2: &str =
    "@hot_reload\nfn mix(a: i64, b: i64) -> i64 {\n    let t = a + a + a\n    t + b\n}\n";
/// Invalid: the host calls `mix(i64, i64)`, and this version changes its signature.
const PURE_BAD: &str = "@hot_reload\nfn mix(a: i64) -> i64 { a }\n";

const COUNTER_V1: &str =
    "var count: i64 = 0\n@hot_reload\nfn bump() -> i64 { count += 1; count }\n@hot_reload\nfn get() -> i64 { count }\n";
const COUNTER_V2: &str = "var count: i64 = 0\n@hot_reload\nfn bump() -> i64 {\n    let next = count + 1\n    count = next\n    next\n}\n@hot_reload\nfn get() -> i64 { count }\n";
/// Invalid: `count` cannot migrate from `i64` to `String` (and there are no hooks).
const COUNTER_BAD: &str = "var count: String = \"\"\n@hot_reload\nfn bump() -> i64 { 1 }\n@hot_reload\nfn get() -> i64 { 0 }\n";

struct Tally {
    calls: u64,
    bumps: u64,
    failed: Vec<String>,
}

/// Calls both modules until told to stop. A wrong sum, or a count not above the last
/// one this thread saw (a lost or torn update), is a failure like an error.
fn call_both(rt: Runtime, start: Arc<Barrier>, stop: Arc<AtomicBool>, seed: i64) -> Tally {
    let mix: TypedFunc<(i64, i64), i64> = rt.get_typed_func("pure", "mix").unwrap();
    let bump: TypedFunc<(), i64> = rt.get_typed_func("counter", "bump").unwrap();
    let mut t = Tally {
        calls: 0,
        bumps: 0,
        failed: Vec::new(),
    };
    let mut last = 0;
    start.wait();
    let mut i = seed;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        match mix.call((i, 7)) {
            Ok(v) if v == i * 3 + 7 => t.calls += 1,
            other => t.failed.push(format!("mix({i}, 7) -> {other:?}")),
        }
        match bump.call(()) {
            Ok(count) if count > last => {
                last = count;
                t.bumps += 1;
            }
            other => t.failed.push(format!("bump -> {other:?} after {last}")),
        }
    }
    t
}

fn module(name: &str, text: &str) -> Module {
    common::module(&[(name, text)], name)
}

#[test]
fn eight_threads_call_while_two_modules_reload_a_thousand_times_each() {
    let rt = Runtime::from_modules(vec![module("pure", PURE_V1), module("counter", COUNTER_V1)])
        .unwrap();
    let versions = [
        [module("pure", PURE_V1), module("pure", PURE_V2)],
        [module("counter", COUNTER_V1), module("counter", COUNTER_V2)],
    ];
    let bad = [module("pure", PURE_BAD), module("counter", COUNTER_BAD)];
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(CALLERS + 1));
    let callers: Vec<_> = (0..CALLERS)
        .map(|k| {
            let (rt, start, stop) = (rt.clone(), start.clone(), stop.clone());
            thread::spawn(move || call_both(rt, start, stop, k as i64 * 1_000_000_000))
        })
        .collect();
    start.wait();

    let mut refused = 0;
    for i in 0..RELOADS {
        for (m, name) in ["pure", "counter"].iter().enumerate() {
            let before = rt.get_version(name).unwrap();
            if i % 10 == 9 {
                let err = rt.reload_module(bad[m].clone()).unwrap_err().to_string();
                assert!(
                    err.starts_with(&format!("Reload of '{name}' refused")),
                    "{err}"
                );
                assert_eq!(rt.get_version(name), Some(before), "{err}");
                refused += 1;
            } else {
                let next = versions[m][(i % 2) as usize].clone();
                rt.reload_module(next).expect("a valid reload");
                assert_eq!(rt.get_version(name), Some(before + 1));
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let tallies: Vec<Tally> = callers.into_iter().map(|t| t.join().unwrap()).collect();

    let failed: Vec<&String> = tallies.iter().flat_map(|t| &t.failed).collect();
    assert!(
        failed.is_empty(),
        "{} failed calls: {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(tallies.iter().all(|t| t.calls > 0 && t.bumps > 0));
    let bumps: u64 = tallies.iter().map(|t| t.bumps).sum();
    let get: TypedFunc<(), i64> = rt.get_typed_func("counter", "get").unwrap();
    assert_eq!(
        get.call(()).unwrap(),
        bumps as i64,
        "the count lost updates"
    );
    assert_eq!(refused, 2 * RELOADS / 10);
    let valid = RELOADS - RELOADS / 10;
    assert_eq!(rt.get_version("pure"), Some(1 + valid));
    assert_eq!(rt.get_version("counter"), Some(1 + valid));
    // The version queries say which module runs one thread at a time.
    let infos = rt.modules();
    let serialized = |name: &str| {
        let m = infos.iter().find(|m| m.name == name).unwrap();
        m.versions.iter().all(|v| v.serialized)
    };
    assert!(serialized("counter") && !serialized("pure"));
    let calls: u64 = tallies.iter().map(|t| t.calls).sum();
    eprintln!(
        "{calls} stateless and {bumps} stateful calls by {CALLERS} threads during {} reloads",
        2 * RELOADS
    );
}
