//! Limits of a call from the host (issue 15, point 2, bytecode): fuel, a time limit and
//! an interrupt from another thread stop a runaway call with a panic and a trace; the
//! program stays usable.

mod common;

use std::time::{Duration, Instant};

use common::{int, Project};
use dast_vm::{Limits, Value};

const GAME: &str = "
fn spin() -> i64 {
    let mut n = 0
    loop {
        n += 1
    }
}

fn recurse(n: i64) -> i64 { if n == 0 { 0 } else { 1 + recurse(n - 1) } }

fn count(n: i64) -> i64 {
    let mut total = 0
    for i in 0..n {
        total += i
    }
    total
}
";

fn start() -> dast_runtime::Registry {
    Project::new(&[("game", GAME), ("main", "fn main() {}\n")]).start()
}

fn message(r: &mut dast_runtime::Registry, func: &str) -> String {
    match r.call("game", func, &[]) {
        Err(e) => e.to_string(),
        Ok(v) => panic!("{func} returned {v:?}"),
    }
}

#[test]
fn a_call_past_its_fuel_panics_with_a_trace_and_the_program_goes_on() {
    let mut r = start();
    r.program_mut().set_limits(Limits {
        fuel: Some(1_000_000),
        timeout: None,
        heap: None,
    });
    let err = message(&mut r, "spin");
    assert!(
        err.contains("call exceeded its fuel (1000000 jumps and calls)"),
        "{err}"
    );
    assert!(err.contains("spin"), "{err}");
    // Each call gets the whole budget; what fits in it runs.
    assert_eq!(int(&mut r, "game", "count", &[Value::Int(1000)]), 499_500);
    assert_eq!(int(&mut r, "game", "recurse", &[Value::Int(500)]), 500);
    let err = r
        .call("game", "count", &[Value::Int(2_000_000)])
        .unwrap_err();
    assert!(err.to_string().contains("exceeded its fuel"), "{err}");
}

#[test]
fn a_call_past_its_time_limit_panics() {
    let mut r = start();
    r.program_mut().set_limits(Limits {
        fuel: None,
        timeout: Some(Duration::from_millis(50)),
        heap: None,
    });
    let started = Instant::now();
    let err = message(&mut r, "spin");
    assert!(
        err.contains("call exceeded its time limit (50 ms)"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(int(&mut r, "game", "count", &[Value::Int(10)]), 45);
}

#[test]
fn another_thread_interrupts_a_running_call() {
    let mut r = start();
    let handle = r.program_mut().interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let err = message(&mut r, "spin");
    stopper.join().unwrap();
    assert!(err.contains("call was interrupted"), "{err}");
    assert_eq!(int(&mut r, "game", "count", &[Value::Int(10)]), 45);
}
