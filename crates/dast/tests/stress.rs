//! The stress test: threads call a stateful module continuously while the main
//! thread reloads it 1,000 times; no call fails and no update is lost.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use dast::Runtime;

const CALLERS: usize = 4;
const RELOADS: u32 = 1_000;

// Two texts of the same counter: `bump` differs, both count by one, and `count` is
// carried by the automatic `var` migration at each reload.
const V1: &str = "
var count: i64 = 0
@hot_reload
fn bump() -> i64 { count += 1; count }
@hot_reload
fn get() -> i64 { count }
";

const V2: &str = "
var count: i64 = 0
@hot_reload
fn bump() -> i64 {
    let next = count + 1
    count = next
    next
}
@hot_reload
fn get() -> i64 { count }
";

/// Calls `bump` until told to stop; returns (successful calls, failed calls). A call
/// that does not see the counter above what this thread saw last fails too: that
/// would be a lost or torn update.
fn keep_bumping(rt: Runtime, started: Arc<Barrier>, stop: Arc<AtomicBool>) -> (u64, u64) {
    let bump = rt.get_typed_func::<(), i64>("counter", "bump").unwrap();
    started.wait();
    let (mut ok, mut failed, mut last) = (0, 0, 0);
    while !stop.load(Ordering::Relaxed) {
        match bump.call(()) {
            Ok(count) if count > last => {
                ok += 1;
                last = count;
            }
            Ok(_) => failed += 1,
            Err(e) => {
                eprintln!("{e}");
                failed += 1
            }
        }
    }
    (ok, failed)
}

#[test]
fn a_thousand_reloads_under_four_calling_threads_lose_nothing() {
    // Compiled once: the test measures reloads, not the compiler.
    let v1 = common::module(&[("counter", V1)], "counter");
    let v2 = common::module(&[("counter", V2)], "counter");
    let rt = Runtime::from_modules(vec![v1.clone()]).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Barrier::new(CALLERS + 1));
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (rt, started, stop) = (rt.clone(), started.clone(), stop.clone());
            thread::spawn(move || keep_bumping(rt, started, stop))
        })
        .collect();
    started.wait();

    for i in 0..RELOADS {
        let next = if i % 2 == 0 { v2.clone() } else { v1.clone() };
        let report = rt.reload_module(next).expect("reload");
        assert_eq!(report.migrated, vec!["count"]);
    }
    stop.store(true, Ordering::Relaxed);
    let results: Vec<(u64, u64)> = callers.into_iter().map(|t| t.join().unwrap()).collect();

    let failed: u64 = results.iter().map(|r| r.1).sum();
    let made: u64 = results.iter().map(|r| r.0).sum();
    assert_eq!(failed, 0);
    assert!(results.iter().all(|r| r.0 > 0), "{results:?}");
    let get = rt.get_typed_func::<(), i64>("counter", "get").unwrap();
    assert_eq!(get.call(()).unwrap(), made as i64);
    assert_eq!(rt.get_version("counter"), Some(RELOADS + 1));
    eprintln!("{made} calls by {CALLERS} threads during {RELOADS} reloads: {results:?}");
}
