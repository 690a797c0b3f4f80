//! Parallel calls: throughput of a stateless function called from 1, 2 and N threads
//! through typed handles (hot reload on), and the ratio to one thread, beside the same
//! ratio for a plain Rust loop (what the machine itself gives). The function does a
//! little work (a loop of `WORK` additions), as a service's handlers do; `--empty`
//! calls an empty function instead.
//!
//! Run: `cargo run --release -p dast --example scaling [-- --empty] [--threads N]`

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use dast::Runtime;

const WORK: i64 = 200;
const RUN_FOR: Duration = Duration::from_millis(1500);

const PURE: &str = "
@hot_reload
fn work(n: i64) -> i64 {
    let mut acc: i64 = 0
    let mut i: i64 = 0
    while i < n {
        acc += i
        i += 1
    }
    acc
}

@hot_reload
fn nothing() {}
";

fn project() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dast-scaling-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("dast.toml"), "[package]\nname = \"p\"\n").unwrap();
    std::fs::write(dir.join("src/main.dast"), "fn main() {}\n").unwrap();
    std::fs::write(dir.join("src/pure.dast"), PURE).unwrap();
    dir
}

/// Calls per second, summed over `threads` threads each calling for [`RUN_FOR`].
fn throughput(rt: &Runtime, threads: usize, empty: bool) -> f64 {
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (rt, start) = (rt.clone(), start.clone());
            std::thread::spawn(move || {
                let work = rt.get_typed_func::<(i64,), i64>("pure", "work").unwrap();
                let nothing = rt.get_typed_func::<(), ()>("pure", "nothing").unwrap();
                start.wait();
                let t = Instant::now();
                let mut calls = 0u64;
                while t.elapsed() < RUN_FOR {
                    for _ in 0..1000 {
                        if empty {
                            nothing.call(()).unwrap();
                        } else {
                            assert_eq!(work.call((WORK,)).unwrap(), WORK * (WORK - 1) / 2);
                        }
                    }
                    calls += 1000;
                }
                calls as f64 / t.elapsed().as_secs_f64()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

/// The machine's own scaling: a Rust loop, rounds per second, on `threads` threads.
fn rust_throughput(threads: usize) -> f64 {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(|| {
                let t = Instant::now();
                let mut rounds = 0u64;
                while t.elapsed() < RUN_FOR {
                    for _ in 0..1000 {
                        let n = std::hint::black_box(WORK * 40);
                        let mut acc: i64 = 0;
                        for i in 0..n {
                            acc = std::hint::black_box(acc + i);
                        }
                        assert_eq!(acc, n * (n - 1) / 2);
                    }
                    rounds += 1000;
                }
                rounds as f64 / t.elapsed().as_secs_f64()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let empty = args.iter().any(|a| a == "--empty");
    let most = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let dir = project();
    let rt = Runtime::load_project(&dir).unwrap();
    let what = if empty {
        "an empty function"
    } else {
        "work(200)"
    };
    println!(
        "calls of {what} (stateless, hot reload on), {} ms per run",
        RUN_FOR.as_millis()
    );
    let one = throughput(&rt, 1, empty);
    println!("  1 thread : {one:>12.0} calls/s");
    let mut counts = vec![2];
    if most > 2 {
        counts.push(most);
    }
    for n in counts {
        let many = throughput(&rt, n, empty);
        println!(
            "  {n} threads: {many:>12.0} calls/s   {:.2}x one thread",
            many / one
        );
    }
    let (r1, r2) = (rust_throughput(1), rust_throughput(2));
    println!(
        "  control, a Rust loop: 2 threads {:.2}x one thread",
        r2 / r1
    );
    let _ = std::fs::remove_dir_all(&dir);
}
