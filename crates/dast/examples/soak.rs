//! The soak run of the parallel runtime (not in CI; `scripts/soak.sh` runs it): callers
//! call a stateless and a stateful module on every thread while the main thread reloads
//! each of them `RELOADS` times (every tenth reload an invalid edit, refused). Every
//! 1,000 reloads it prints calls per second per thread, reload latency p50/p99 and the
//! process's resident memory; at the end it checks that no call failed, that the
//! stateful count is exact, and that resident memory is within 10% of what it was after
//! the first 1,000 reloads.
//!
//! Run: `cargo run --release -p dast --example soak -- [RELOADS] [THREADS]`

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dast::{Runtime, TypedFunc};
use dast_bytecode::Module;

const PURE: &str = "@hot_reload\nfn mix(a: i64, b: i64) -> i64 { a * 3 + b }\n";
const PURE_ALT: &str =
    "@hot_reload\nfn mix(a: i64, b: i64) -> i64 {\n    let t = a + a + a\n    t + b\n}\n";
const PURE_BAD: &str = "@hot_reload\nfn mix(a: i64) -> i64 { a }\n";
const COUNTER: &str = "var count: i64 = 0\n@hot_reload\nfn bump() -> i64 { count += 1; count }\n@hot_reload\nfn get() -> i64 { count }\n";
const COUNTER_ALT: &str = "var count: i64 = 0\n@hot_reload\nfn bump() -> i64 {\n    let next = count + 1\n    count = next\n    next\n}\n@hot_reload\nfn get() -> i64 { count }\n";
const COUNTER_BAD: &str = "var count: String = \"\"\n@hot_reload\nfn bump() -> i64 { 1 }\n@hot_reload\nfn get() -> i64 { 0 }\n";

/// Compiles one module from its text (a one-file project in a temporary directory).
fn module(name: &str, text: &str) -> Module {
    let dir = std::env::temp_dir().join(format!("dast-soak-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("dast.toml"), "[package]\nname = \"soak\"\n").unwrap();
    std::fs::write(dir.join("src").join(format!("{name}.dast")), text).unwrap();
    let compiled = dast_compiler::compile(&dast_compiler::RealFs, &dir)
        .expect("project")
        .unwrap_or_else(|_| panic!("{name} does not compile"));
    let _ = std::fs::remove_dir_all(&dir);
    compiled
        .modules
        .into_iter()
        .find(|m| m.name == name)
        .unwrap()
}

/// Resident memory of this process, in KiB (Linux).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Caller {
    calls: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    bumps: Arc<AtomicU64>,
}

fn spawn_caller(
    rt: &Runtime,
    stop: &Arc<AtomicBool>,
    seed: i64,
) -> (Caller, std::thread::JoinHandle<()>) {
    let c = Caller {
        calls: Arc::default(),
        failed: Arc::default(),
        bumps: Arc::default(),
    };
    let (calls, failed, bumps) = (c.calls.clone(), c.failed.clone(), c.bumps.clone());
    let (rt, stop) = (rt.clone(), stop.clone());
    let handle = std::thread::spawn(move || {
        let mix: TypedFunc<(i64, i64), i64> = rt.get_typed_func("pure", "mix").unwrap();
        let bump: TypedFunc<(), i64> = rt.get_typed_func("counter", "bump").unwrap();
        let (mut i, mut last) = (seed, 0);
        while !stop.load(Ordering::Relaxed) {
            i += 1;
            let ok_mix = matches!(mix.call((i, 7)), Ok(v) if v == i * 3 + 7);
            let count = bump.call(()).unwrap_or(-1);
            let ok_bump = count > last;
            last = last.max(count);
            if ok_mix && ok_bump {
                calls.fetch_add(2, Ordering::Relaxed);
                bumps.fetch_add(1, Ordering::Relaxed);
            } else {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    (c, handle)
}

fn main() {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let reloads = args.first().copied().unwrap_or(10_000);
    let threads = args.get(1).copied().unwrap_or(2) as usize;
    let good = [
        [module("pure", PURE), module("pure", PURE_ALT)],
        [module("counter", COUNTER), module("counter", COUNTER_ALT)],
    ];
    let bad = [module("pure", PURE_BAD), module("counter", COUNTER_BAD)];
    let rt = Runtime::from_modules(vec![good[0][0].clone(), good[1][0].clone()]).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..threads)
        .map(|k| spawn_caller(&rt, &stop, k as i64 * 1_000_000_000))
        .collect();
    println!("{reloads} reloads of each of 2 modules, {threads} calling threads");
    let mut latencies: Vec<Duration> = Vec::new();
    let mut rss_after_first = 0;
    let mut window = Instant::now();
    let mut calls_before = 0;
    let mut refused = 0u32;
    for i in 0..reloads {
        for m in 0..2 {
            let t = Instant::now();
            if i % 10 == 9 {
                rt.reload_module(bad[m].clone())
                    .expect_err("an invalid edit is refused");
                refused += 1;
            } else {
                rt.reload_module(good[m][(i % 2) as usize].clone())
                    .expect("a valid reload");
            }
            latencies.push(t.elapsed());
        }
        if (i + 1) % 1000 == 0 {
            let calls: u64 = callers
                .iter()
                .map(|(c, _)| c.calls.load(Ordering::Relaxed))
                .sum();
            let per_thread =
                (calls - calls_before) as f64 / window.elapsed().as_secs_f64() / threads as f64;
            latencies.sort();
            let rss = rss_kib();
            if i + 1 == 1000 {
                rss_after_first = rss;
            }
            println!(
                "{:>6} reloads  {:>10.0} calls/s per thread  reload p50 {:>7.1} us  p99 {:>7.1} us  RSS {:>7} KiB",
                i + 1,
                per_thread,
                percentile(&latencies, 0.5).as_secs_f64() * 1e6,
                percentile(&latencies, 0.99).as_secs_f64() * 1e6,
                rss
            );
            latencies.clear();
            calls_before = calls;
            window = Instant::now();
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut failed = 0;
    let mut bumps = 0;
    for (c, handle) in callers {
        handle.join().unwrap();
        failed += c.failed.load(Ordering::Relaxed);
        bumps += c.bumps.load(Ordering::Relaxed);
    }
    let count = rt
        .get_typed_func::<(), i64>("counter", "get")
        .unwrap()
        .call(())
        .unwrap();
    let rss_end = rss_kib();
    let valid = reloads - reloads / 10;
    println!(
        "failed calls {failed}, count {count} (bumps {bumps}), refused {refused}, versions {:?}/{:?} (expected {})",
        rt.get_version("pure"),
        rt.get_version("counter"),
        1 + valid
    );
    let growth = if rss_after_first > 0 {
        (rss_end as f64 - rss_after_first as f64) / rss_after_first as f64 * 100.0
    } else {
        0.0
    };
    println!(
        "RSS after 1,000 reloads {rss_after_first} KiB, at the end {rss_end} KiB ({growth:+.1}%)"
    );
    let ok = failed == 0
        && count == bumps as i64
        && rt.get_version("pure") == Some(1 + valid)
        && rt.get_version("counter") == Some(1 + valid)
        && (reloads < 1000 || growth <= 10.0);
    println!("{}", if ok { "soak: ok" } else { "soak: FAILED" });
    std::process::exit(if ok { 0 } else { 1 });
}
