//! Limits through the embedding API: a heap limit turns a runaway allocation into a Dast
//! panic (never an abort) and leaves the runtime and its state usable; another thread
//! can interrupt a running call.

mod common;

use std::time::{Duration, Instant};

use dast::{Error, Limits, Runtime, Value};

const GAME: &str = r#"
var kept: Vec[i64] = Vec.new()
var names: HashMap[i64, String] = HashMap.new()

fn keep(n: i64) -> i64 {
    for i in 0..n {
        kept.push(i)
    }
    kept.len() as i64
}

fn hoard() -> i64 {
    let mut all = "0123456789abcdef"
    loop {
        all = all + all
    }
}

fn name_everything() -> i64 {
    let mut i = 0
    loop {
        names.insert(i, "a name that takes some room")
        i += 1
    }
}

// Grows module state until a limit stops it (the vector is lent to the push when
// the limit strikes, and must go back to `kept`).
fn keep_forever() -> i64 {
    loop {
        kept.push(1)
    }
}

fn spin() -> i64 {
    let mut n = 0
    loop {
        n += 1
    }
}
"#;

fn runtime() -> Runtime {
    Runtime::from_modules(common::compile(&[("game", GAME)])).unwrap()
}

fn panic_message(result: Result<Value, Error>) -> (String, Vec<String>) {
    match result {
        Err(Error::Call(e)) => (
            e.panic.message,
            e.panic.trace.into_iter().map(|f| f.function).collect(),
        ),
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn a_heap_limit_is_a_panic_and_the_runtime_and_its_state_go_on() {
    let rt = runtime();
    rt.set_limits(Limits {
        heap: Some(32 << 20),
        ..Limits::default()
    });
    assert_eq!(
        rt.call("game", "keep", &[Value::Int(1000)]),
        Ok(Value::Int(1000))
    );

    let (message, trace) = panic_message(rt.call("game", "hoard", &[]));
    assert!(
        message.starts_with("out of memory: the heap limit of 32 MiB would be passed"),
        "{message}"
    );
    assert_eq!(
        trace.first().map(String::as_str),
        Some("hoard"),
        "{trace:?}"
    );

    let (message, trace) = panic_message(rt.call("game", "name_everything", &[]));
    assert!(message.starts_with("out of memory"), "{message}");
    assert!(trace.iter().any(|f| f == "name_everything"), "{trace:?}");

    // The refused allocations were never made, and what the failed calls held is
    // freed (the map in `names` stays, full, in the module's state).
    assert!(dast::heap_in_use() <= 32 << 20, "{}", dast::heap_in_use());
    assert_eq!(
        rt.call("game", "keep", &[Value::Int(10)]),
        Ok(Value::Int(1010))
    );

    // A limit striking while module state grows leaves the state whole.
    let (message, _) = panic_message(rt.call("game", "keep_forever", &[]));
    assert!(message.starts_with("out of memory"), "{message}");
    let Ok(Value::Int(len)) = rt.call("game", "keep", &[Value::Int(0)]) else {
        panic!("`kept` was lost")
    };
    assert!(len > 1_000_000, "{len}");

    // Without the limit the same runtime allocates freely again.
    rt.set_limits(Limits::default());
    let Ok(Value::Int(after)) = rt.call("game", "keep", &[Value::Int(10)]) else {
        panic!("`kept` was lost")
    };
    assert_eq!(after, len + 10);
}

#[test]
fn another_thread_interrupts_a_running_call() {
    let rt = runtime();
    let handle = rt.interrupt_handle();
    let interrupter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        handle.interrupt();
    });
    let started = Instant::now();
    let (message, trace) = panic_message(rt.call("game", "spin", &[]));
    interrupter.join().unwrap();
    assert_eq!(message, "call was interrupted");
    assert_eq!(trace, ["spin"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    // The runtime goes on.
    assert_eq!(rt.call("game", "keep", &[Value::Int(3)]), Ok(Value::Int(3)));
}

#[test]
fn fuel_and_time_limits_through_the_facade() {
    let rt = runtime();
    rt.set_limits(Limits {
        fuel: Some(50_000),
        ..Limits::default()
    });
    let (message, _) = panic_message(rt.call("game", "spin", &[]));
    assert_eq!(message, "call exceeded its fuel (50000 jumps and calls)");
    let (message, _) = panic_message(rt.call("game", "keep_forever", &[]));
    assert_eq!(message, "call exceeded its fuel (50000 jumps and calls)");
    let Ok(Value::Int(kept)) = rt.call("game", "keep", &[Value::Int(0)]) else {
        panic!("`kept` was lost")
    };
    assert!(kept > 10_000, "{kept}");
    rt.set_limits(Limits {
        timeout: Some(Duration::from_millis(50)),
        ..Limits::default()
    });
    let (message, _) = panic_message(rt.call("game", "spin", &[]));
    assert_eq!(message, "call exceeded its time limit (50 ms)");
    assert_eq!(
        rt.call("game", "keep", &[Value::Int(2)]),
        Ok(Value::Int(kept + 2))
    );
}
