//! The scalar subset, compared with the interpreter on the same bytecode.

mod common;

use std::time::Instant;

use common::{native, native_with, vm};
use dast_native::{compile, CallError, Options, Scalar};
use dast_vm::Value;

fn scalar_of(v: &Value) -> Scalar {
    match *v {
        Value::Unit => Scalar::Unit,
        Value::Bool(b) => Scalar::Bool(b),
        Value::Int(i) => Scalar::Int(i),
        Value::UInt(u) => Scalar::UInt(u),
        Value::Float(x) => Scalar::Float(x),
        Value::Char(c) => Scalar::Char(c),
        ref other => panic!("not a scalar: {other:?}"),
    }
}

/// Equal as bits for floats (NaN payloads and signed zeros included).
fn same(a: Scalar, b: Scalar) -> bool {
    match (a, b) {
        (Scalar::Float(x), Scalar::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// Calls `func` with each argument list on both backends and asserts equal results
/// (or equal panics).
fn assert_agree(source: &str, cases: &[(&str, Vec<Value>)]) {
    let n = native(source);
    let mut program = vm(&n.bytecode);
    for (func, args) in cases {
        let expected = program.call("main", func, args);
        let scalars: Vec<Scalar> = args.iter().map(scalar_of).collect();
        let got = n.module.call(func, &scalars);
        match (&expected, &got) {
            (Ok(e), Ok(g)) => assert!(
                same(scalar_of(e), *g),
                "{func}{args:?}: vm {e:?}, native {g:?}"
            ),
            (Err(e), Err(CallError::Panic(p))) => {
                assert_eq!(e.message, p.message, "{func}{args:?}");
            }
            _ => panic!("{func}{args:?}: vm {expected:?}, native {got:?}"),
        }
    }
}

const FIB: &str = "
fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

fn main() {}
";

#[test]
fn fib_32_matches_the_vm() {
    let t0 = Instant::now();
    let n = native(FIB);
    let build = t0.elapsed();
    let mut program = vm(&n.bytecode);

    let t0 = Instant::now();
    let native_result = n.module.call("fib", &[Scalar::Int(32)]).unwrap();
    let native_time = t0.elapsed();
    let t0 = Instant::now();
    let vm_result = program.call("main", "fib", &[Value::Int(32)]).unwrap();
    let vm_time = t0.elapsed();

    assert_eq!(native_result, Scalar::Int(2_178_309));
    assert_eq!(vm_result, Value::Int(2_178_309));
    eprintln!(
        "note: fib(32): native {native_time:?}, vm {vm_time:?} ({:.1}x); \
         compile+link+load {build:?}",
        vm_time.as_secs_f64() / native_time.as_secs_f64()
    );
}

const LOOP: &str = "
fn sum() -> i64 {
    let mut s: i64 = 0
    for i in 0..50000000 {
        s += (i * i) % 7
    }
    s
}

fn main() {}
";

#[test]
fn the_loop_benchmark_gives_99999998() {
    let n = native(LOOP);
    let mut program = vm(&n.bytecode);
    let t0 = Instant::now();
    let native_result = n.module.call("sum", &[]).unwrap();
    let native_time = t0.elapsed();
    let t0 = Instant::now();
    let vm_result = program.call("main", "sum", &[]).unwrap();
    let vm_time = t0.elapsed();
    assert_eq!(native_result, Scalar::Int(99_999_998));
    assert_eq!(vm_result, Value::Int(99_999_998));
    eprintln!(
        "note: loop (50M iterations): native {native_time:?}, vm {vm_time:?} ({:.1}x)",
        vm_time.as_secs_f64() / native_time.as_secs_f64()
    );
}

#[test]
fn nested_loops_and_inclusive_ranges_match_the_vm() {
    let source = "
fn grid(n: i64) -> i64 {
    let mut s: i64 = 0
    for i in 0..n {
        for j in 1..=i {
            if (i + j) % 3 == 0 { continue }
            s += i * j
            if s > 1000000 { break }
        }
    }
    s
}

fn count_down(n: i32) -> i32 {
    let mut k = n
    let mut steps = 0
    while k > 0 {
        k -= 3
        steps += 1
    }
    steps
}

fn to_max() -> i64 {
    let mut c: i64 = 0
    let lo: i64 = 9223372036854775805
    let hi: i64 = 9223372036854775807
    for i in lo..=hi {
        c += 1
    }
    c
}

fn main() {}
";
    let mut cases = vec![("to_max", vec![])];
    for n in [0, 1, 2, 7, 100, 1000] {
        cases.push(("grid", vec![Value::Int(n)]));
    }
    for n in [-5, 0, 1, 10, 100] {
        cases.push(("count_down", vec![Value::Int(n)]));
    }
    assert_agree(source, &cases);
}

const INTS: &str = "
fn add_i32(a: i32, b: i32) -> i32 { a + b }
fn sub_i32(a: i32, b: i32) -> i32 { a - b }
fn mul_i32(a: i32, b: i32) -> i32 { a * b }
fn div_i32(a: i32, b: i32) -> i32 { a / b }
fn rem_i32(a: i32, b: i32) -> i32 { a % b }
fn neg_i32(a: i32) -> i32 { -a }
fn inc_i32(a: i32) -> i32 { a + 7 }
fn shl_i32(a: i32, b: i32) -> i32 { a << b }
fn shr_i32(a: i32, b: i32) -> i32 { a >> b }
fn not_i32(a: i32) -> i32 { !a }
fn add_u8(a: u8, b: u8) -> u8 { a + b }
fn sub_u8(a: u8, b: u8) -> u8 { a - b }
fn mul_u8(a: u8, b: u8) -> u8 { a * b }
fn div_u8(a: u8, b: u8) -> u8 { a / b }
fn shl_u8(a: u8, b: u8) -> u8 { a << b }
fn shr_u8(a: u8, b: u8) -> u8 { a >> b }
fn not_u8(a: u8) -> u8 { !a }
fn add_i8(a: i8, b: i8) -> i8 { a + b }
fn mul_i16(a: i16, b: i16) -> i16 { a * b }
fn sub_u16(a: u16, b: u16) -> u16 { a - b }
fn add_u32(a: u32, b: u32) -> u32 { a + b }
fn add_i64(a: i64, b: i64) -> i64 { a + b }
fn mul_i64(a: i64, b: i64) -> i64 { a * b }
fn div_i64(a: i64, b: i64) -> i64 { a / b }
fn rem_i64(a: i64, b: i64) -> i64 { a % b }
fn neg_i64(a: i64) -> i64 { -a }
fn shr_i64(a: i64, b: i64) -> i64 { a >> b }
fn sub_u64(a: u64, b: u64) -> u64 { a - b }
fn div_u64(a: u64, b: u64) -> u64 { a / b }
fn rem_u64(a: u64, b: u64) -> u64 { a % b }
fn shr_u64(a: u64, b: u64) -> u64 { a >> b }
fn lt_u64(a: u64, b: u64) -> bool { a < b }
fn le_i64(a: i64, b: i64) -> bool { a <= b }
fn bits(a: i64, b: i64) -> i64 { (a & b) | (a ^ (b << 3)) }
fn i32_to_u8(a: i32) -> u8 { a as u8 }
fn i32_to_i8(a: i32) -> i8 { a as i8 }
fn i64_to_i32(a: i64) -> i32 { a as i32 }
fn u64_to_i64(a: u64) -> i64 { a as i64 }
fn i32_to_u64(a: i32) -> u64 { a as u64 }
fn main() {}
";

#[test]
fn integer_wrapping_matches_the_vm() {
    let i32s = [0, 1, -1, 7, -7, 100_000, i32::MAX as i64, i32::MIN as i64];
    let i64s = [0, 1, -1, 3, -3, i64::MAX, i64::MIN, 1 << 40];
    let u8s = [0u64, 1, 2, 16, 17, 200, 255];
    let u64s = [0u64, 1, 2, 7, u64::MAX, 1 << 63];
    let mut cases: Vec<(&str, Vec<Value>)> = Vec::new();
    for &a in &i32s {
        cases.push(("neg_i32", vec![Value::Int(a)]));
        cases.push(("inc_i32", vec![Value::Int(a)]));
        cases.push(("not_i32", vec![Value::Int(a)]));
        cases.push(("i32_to_u8", vec![Value::Int(a)]));
        cases.push(("i32_to_i8", vec![Value::Int(a)]));
        cases.push(("i32_to_u64", vec![Value::Int(a)]));
        for &b in &i32s {
            for f in ["add_i32", "sub_i32", "mul_i32", "div_i32", "rem_i32"] {
                cases.push((f, vec![Value::Int(a), Value::Int(b)]));
            }
        }
        for sh in [0, 1, 5, 31, 32, 33, -1] {
            cases.push(("shl_i32", vec![Value::Int(a), Value::Int(sh)]));
            cases.push(("shr_i32", vec![Value::Int(a), Value::Int(sh)]));
        }
    }
    for &a in &u8s {
        cases.push(("not_u8", vec![Value::UInt(a)]));
        for &b in &u8s {
            for f in ["add_u8", "sub_u8", "mul_u8", "div_u8", "shl_u8", "shr_u8"] {
                cases.push((f, vec![Value::UInt(a), Value::UInt(b)]));
            }
        }
    }
    for (a, b) in [(127, 1), (-128, -1), (100, 100)] {
        cases.push(("add_i8", vec![Value::Int(a), Value::Int(b)]));
    }
    for (a, b) in [(300, 300), (-32768, -1), (255, 257)] {
        cases.push(("mul_i16", vec![Value::Int(a), Value::Int(b)]));
    }
    cases.push(("sub_u16", vec![Value::UInt(0), Value::UInt(1)]));
    cases.push((
        "add_u32",
        vec![Value::UInt(u32::MAX as u64), Value::UInt(2)],
    ));
    for &a in &i64s {
        cases.push(("neg_i64", vec![Value::Int(a)]));
        cases.push(("i64_to_i32", vec![Value::Int(a)]));
        for &b in &i64s {
            for f in ["add_i64", "mul_i64", "div_i64", "rem_i64", "le_i64", "bits"] {
                cases.push((f, vec![Value::Int(a), Value::Int(b)]));
            }
        }
        for sh in [0, 1, 63, 64, 65] {
            cases.push(("shr_i64", vec![Value::Int(a), Value::Int(sh)]));
        }
    }
    for &a in &u64s {
        cases.push(("u64_to_i64", vec![Value::UInt(a)]));
        for &b in &u64s {
            for f in ["sub_u64", "div_u64", "rem_u64", "lt_u64", "shr_u64"] {
                cases.push((f, vec![Value::UInt(a), Value::UInt(b)]));
            }
        }
    }
    assert_agree(INTS, &cases);
}

const FLOATS: &str = "
fn poly(x: f64) -> f64 { 3.5 * x * x - x / 7.0 + 0.1 }
fn rem_f(a: f64, b: f64) -> f64 { a % b }
fn neg_f(a: f64) -> f64 { -a }
fn lt_f(a: f64, b: f64) -> bool { a < b }
fn le_f(a: f64, b: f64) -> bool { a <= b }
fn eq_f(a: f64, b: f64) -> bool { a == b }
fn math(x: f64) -> f64 {
    x.sqrt() + x.sin() * x.cos() - x.abs().ln() + x.exp().atan() + x.floor() + x.ceil()
        + x.round() + x.trunc() + x.fract() + x.signum() + x.powi(3) + x.abs().powf(0.5)
}
fn sqrt_f(x: f64) -> f64 { x.sqrt() }
fn floor_f(x: f64) -> f64 { x.floor() }
fn round_f(x: f64) -> f64 { x.round() }
fn f64_to_i32(x: f64) -> i32 { x as i32 }
fn f64_to_u8(x: f64) -> u8 { x as u8 }
fn f64_to_i64(x: f64) -> i64 { x as i64 }
fn f64_to_u64(x: f64) -> u64 { x as u64 }
fn u64_to_f64(a: u64) -> f64 { a as f64 }
fn i64_to_f64(a: i64) -> f64 { a as f64 }
fn i64_to_f32(a: i64) -> f32 { a as f32 }
fn f32_ops(a: f32, b: f32) -> f32 { a * b + a / b - a % b }
fn f32_to_f64(a: f32) -> f64 { a as f64 }
fn f64_to_f32(a: f64) -> f32 { a as f32 }
fn lt_f32(a: f32, b: f32) -> bool { a < b }
fn integrate(steps: i64) -> f64 {
    let mut acc = 0.0
    let h = 1.0 / (steps as f64)
    for i in 0..steps {
        let x = (i as f64) * h
        acc += (4.0 / (1.0 + x * x)) * h
    }
    acc
}
fn main() {}
";

#[test]
fn float_computations_match_the_vm_bit_for_bit() {
    let xs = [
        0.0,
        -0.0,
        0.5,
        1.0,
        -1.5,
        2.5,
        -2.5,
        3.7,
        1e10,
        -1e300,
        1e-310,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        255.9,
        256.0,
        -1.0,
        4294967296.5,
        9.3e18,
        1.9e19,
    ];
    let mut cases: Vec<(&str, Vec<Value>)> = Vec::new();
    for &x in &xs {
        for f in [
            "poly",
            "neg_f",
            "math",
            "sqrt_f",
            "floor_f",
            "round_f",
            "f64_to_i32",
            "f64_to_u8",
            "f64_to_i64",
            "f64_to_u64",
            "f64_to_f32",
        ] {
            cases.push((f, vec![Value::Float(x)]));
        }
        for &y in &xs[..8] {
            for f in ["rem_f", "lt_f", "le_f", "eq_f"] {
                cases.push((f, vec![Value::Float(x), Value::Float(y)]));
            }
        }
    }
    for a in [0u64, 1, u64::MAX, (1 << 53) + 1, 1 << 63] {
        cases.push(("u64_to_f64", vec![Value::UInt(a)]));
    }
    for a in [0i64, -1, i64::MIN, i64::MAX, (1 << 24) + 1] {
        cases.push(("i64_to_f64", vec![Value::Int(a)]));
        cases.push(("i64_to_f32", vec![Value::Int(a)]));
    }
    let f32s = [
        0.0,
        1.5,
        -2.25,
        3.0e38,
        f32::MIN_POSITIVE as f64,
        f32::NAN as f64,
    ];
    for &a in &f32s {
        cases.push(("f32_to_f64", vec![Value::Float(a)]));
        for &b in &f32s {
            cases.push(("f32_ops", vec![Value::Float(a), Value::Float(b)]));
            cases.push(("lt_f32", vec![Value::Float(a), Value::Float(b)]));
        }
    }
    cases.push(("integrate", vec![Value::Int(100_000)]));
    assert_agree(FLOATS, &cases);
}

#[test]
fn several_result_words_and_mut_params_come_back() {
    let source = "
struct P { x: i64, y: f64 }

fn make(a: i64) -> P { P { x: a * 2, y: (a as f64) / 4.0 } }
fn swap(a: i64, b: i64) -> (i64, i64) { (b, a) }
fn bump(x: &mut i64, by: i64) -> bool {
    *x += by
    let big = x > 10
    big
}
fn use_all(a: i64) -> f64 {
    let p = make(a)
    let t = swap(p.x, a)
    let mut k = t.0
    let big = bump(&mut k, 5)
    if big { p.y + (k as f64) } else { p.y - (k as f64) }
}
fn main() {}
";
    let n = native(source);
    let mut program = vm(&n.bytecode);
    for a in [0i64, 1, 3, 100, -7] {
        let expected = program.call("main", "use_all", &[Value::Int(a)]).unwrap();
        let got = n.module.call("use_all", &[Scalar::Int(a)]).unwrap();
        assert!(same(scalar_of(&expected), got), "use_all({a})");
    }
    // Raw words: the struct's two words; the bool then `x`'s final value.
    assert_eq!(
        n.module.call_words("make", &[6]).unwrap(),
        vec![12, 1.5f64.to_bits()]
    );
    assert_eq!(n.module.call_words("swap", &[1, 2]).unwrap(), vec![2, 1]);
    assert_eq!(n.module.call_words("bump", &[8, 5]).unwrap(), vec![1, 13]);
}

const DIV: &str = "fn ratio(a: i32, b: i32) -> i32 {
    a / b
}

fn modulo(a: u64, b: u64) -> u64 {
    a % b
}

fn outer(x: i32) -> i32 {
    let y = x + 1
    ratio(y, x) + 1
}

fn main() {}
";

#[test]
fn division_by_zero_panics_with_the_vms_message_and_trace() {
    let n = native(DIV);
    let mut program = vm(&n.bytecode);

    let err = n.module.call("outer", &[Scalar::Int(0)]).unwrap_err();
    let CallError::Panic(panic) = err else {
        panic!("expected a panic, got {err:?}")
    };
    assert_eq!(panic.message, "attempt to divide by zero");
    let frames: Vec<(&str, u32)> = panic
        .trace
        .iter()
        .map(|f| (f.function.as_str(), f.line))
        .collect();
    assert_eq!(frames, [("ratio", 2), ("outer", 11)]);
    assert!(panic.trace[0].file.ends_with("main.dast"), "{panic}");
    let rendered = panic.to_string();
    assert!(rendered.contains("at ratio ("), "{rendered}");
    assert!(rendered.contains("main.dast:2:"), "{rendered}");

    let vm_panic = program.call("main", "outer", &[Value::Int(0)]).unwrap_err();
    assert_eq!(
        vm_panic.to_string(),
        rendered,
        "same text as the interpreter"
    );

    let err = n
        .module
        .call("modulo", &[Scalar::UInt(5), Scalar::UInt(0)])
        .unwrap_err();
    let CallError::Panic(panic) = err else {
        panic!("expected a panic, got {err:?}")
    };
    assert_eq!(
        panic.message,
        "attempt to calculate the remainder with a divisor of zero"
    );
    // The module stays usable after a panic.
    assert_eq!(
        n.module.call("outer", &[Scalar::Int(2)]).unwrap(),
        Scalar::Int(2)
    );
}

#[test]
fn runaway_recursion_panics_with_stack_overflow() {
    let source = "
fn down(n: i64) -> i64 {
    if n == 0 { 0 } else { down(n - 1) + 1 }
}
fn main() {}
";
    let mut n = native(source);
    n.module.set_stack_budget(64 * 1024);
    assert_eq!(
        n.module.call("down", &[Scalar::Int(100)]).unwrap(),
        Scalar::Int(100)
    );
    let err = n
        .module
        .call("down", &[Scalar::Int(10_000_000)])
        .unwrap_err();
    let CallError::Panic(panic) = err else {
        panic!("expected a panic, got {err:?}")
    };
    assert_eq!(panic.message, "stack overflow");
    // Elided as the VM's: the innermost 3/4, a marker, the outermost 1/4.
    assert_eq!(panic.trace.len(), dast_native::MAX_TRACE + 1);
    assert!(panic
        .trace
        .iter()
        .any(|f| f.function.contains("frames omitted")));
}

#[test]
fn the_registry_compiles_and_only_exported_functions_have_entries() {
    // `ModuleRegistry` (host requests) compiles like everything else; without a host
    // handler in the group, using it panics at the call, as bytecode does without a host.
    let source = "
fn load() -> bool {
    let mut registry = ModuleRegistry.new()
    registry.load_module(\"game_logic\", \"v1.0\")
}
fn main() {}
";
    let n = native_with(source, &Options::default());
    assert!(n.module.is_compiled("load"));
    match n.module.call("load", &[]) {
        Err(CallError::Panic(p)) => assert!(p.message.contains("needs a host"), "{p}"),
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn compile_time_per_function_is_reported() {
    let bytecode = common::bytecode(INTS);
    let functions = bytecode.functions.len();
    let opts = Options {
        verify_ir: false,
        ..Options::default()
    };
    let t0 = Instant::now();
    let object = compile(&bytecode, &opts).unwrap();
    let elapsed = t0.elapsed();
    assert!(!object.is_empty());
    eprintln!(
        "note: compiled {functions} functions in {elapsed:?} ({:?} per function, \
         {} profile)",
        elapsed / functions as u32,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}
