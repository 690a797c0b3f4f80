//! Small scalar functions inlined into their callers (`src/inline.rs`) against the
//! interpreter: results through one and several words, early returns, loops, and
//! panics raised inside an inlined body, or by a call made from one, with the same
//! message and stack trace (function names and lines) as without inlining.

mod common;

use common::Pair;
use dast_native::CallError;
use dast_vm::Value;

const PROGRAM: &str = "
fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

fn divide(a: i64, b: i64) -> i64 {
    a / b
}

fn half_then_divide(a: i64, b: i64) -> i64 {
    divide(a / 2, b)
}

fn sign(x: i64) -> i64 {
    if x < 0 {
        return -1
    }
    if x == 0 {
        return 0
    }
    1
}

fn sum_to(n: i64) -> i64 {
    let mut s = 0
    for i in 0..n {
        s += i
    }
    s
}

fn min_max(a: i64, b: i64) -> (i64, i64) {
    if a < b { (a, b) } else { (b, a) }
}

fn deep(n: i64) -> i64 {
    if n == 0 { 0 } else { 1 + deep(n - 1) }
}

fn uses_all(a: i64, b: i64) -> i64 {
    let (lo, hi) = min_max(a, b)
    let q = divide(hi, lo)
    sign(a - b) * 1000000 + sum_to(lo) * 1000 + q + fib(10)
}

fn inner(x: i64) -> i64 {
    10 / x
}

fn middle(x: i64) -> i64 {
    inner(x) * 2
}

fn outer(x: i64) -> i64 {
    middle(x) + 1
}

fn main() {}
";

#[test]
fn inlined_calls_compute_as_the_vm() {
    let mut p = Pair::new(PROGRAM);
    assert_eq!(p.agree("fib", &[Value::Int(20)]), Ok(Value::Int(6765)));
    for (a, b) in [(7, 3), (3, 7), (5, 5), (-4, 9), (100, 1)] {
        let _ = p.agree("uses_all", &[Value::Int(a), Value::Int(b)]);
    }
    assert_eq!(
        p.agree("uses_all", &[Value::Int(7), Value::Int(3)]),
        Ok(Value::Int(1_000_000 + 3 * 1000 + 2 + 55))
    );
}

#[test]
fn panics_inside_inlined_code_have_the_vm_trace() {
    let mut p = Pair::new(PROGRAM);
    // Raised in `divide`, inlined into `half_then_divide`.
    let text = p
        .agree("half_then_divide", &[Value::Int(9), Value::Int(0)])
        .unwrap_err();
    assert!(text.contains("divide"), "{text}");
    assert!(text.contains("half_then_divide"), "{text}");
    // Raised in `divide` inlined into `uses_all` (lo = 0).
    let text = p
        .agree("uses_all", &[Value::Int(0), Value::Int(5)])
        .unwrap_err();
    assert!(text.contains("uses_all"), "{text}");
    // Two levels deep: `inner` inlined into `middle`, both into `outer`.
    assert_eq!(p.agree("outer", &[Value::Int(5)]), Ok(Value::Int(5)));
    let text = p.agree("outer", &[Value::Int(0)]).unwrap_err();
    let frames: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(frames.len(), 3, "{text}");
    for (frame, name) in frames.iter().zip(["inner", "middle", "outer"]) {
        assert!(frame.contains(&format!("at {name} (")), "{text}");
    }
}

#[test]
fn recursion_through_inlined_bodies_still_overflows_cleanly() {
    // The depth differs (the native stack is not the interpreter's frame limit), so
    // only the message and the frames' text are compared.
    let p = Pair::new(PROGRAM);
    let err = p
        .native
        .module
        .call_values("deep", &[Value::Int(100_000_000)]);
    let Err(CallError::Panic(panic)) = err else {
        panic!("expected a stack overflow, got {err:?}");
    };
    assert_eq!(panic.message, "stack overflow");
    let text = panic.to_string();
    assert!(text.contains("at deep (/p/src/main.dast:"), "{text}");
}
