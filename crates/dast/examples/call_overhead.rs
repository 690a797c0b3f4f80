//! What hot reload costs a call, on vs off:
//! (a) a cross-module call made inside Dast (`main` calls `other.f` in a loop);
//! (b) a host-to-Dast call (`Runtime::call` and a typed handle, from a Rust loop).
//! "On": `other` is `@hot_reload` and in-flight counting is on (a `Registry`/`Runtime`);
//! "off": `other` has no `@hot_reload` and `Program::set_hot_reload(false)`.
//!
//! Run: `cargo run --release -p dast --example call_overhead`

use std::path::Path;
use std::time::Instant;

use dast::Runtime;
use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_runtime::Registry;
use dast_vm::Value;

const DAST_CALLS: i64 = 10_000_000;
const HOST_CALLS: u32 = 1_000_000;
/// Each figure is the best of this many runs (the least disturbed by the machine).
const RUNS: usize = 5;

const MAIN: &str = "
import other
fn main() {}
fn local(acc: i64, x: i64) -> i64 { acc + x }
fn cross(n: i64) -> i64 {
    let mut acc: i64 = 0
    let mut i: i64 = 0
    while i < n {
        acc = other.f(acc, i)
        i += 1
    }
    acc
}
fn within(n: i64) -> i64 {
    let mut acc: i64 = 0
    let mut i: i64 = 0
    while i < n {
        acc = local(acc, i)
        i += 1
    }
    acc
}
";

fn other_source(hot: bool) -> String {
    let attr = if hot { "@hot_reload\n" } else { "" };
    format!("{attr}fn f(acc: i64, x: i64) -> i64 {{ acc + x }}\n{attr}fn nothing() {{}}\n")
}

fn compile(hot: bool) -> Vec<Module> {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert("/p/src/main.dast".into(), MAIN.into());
    fs.files
        .insert("/p/src/other.dast".into(), other_source(hot));
    let program = Program::discover(&fs, Path::new("/p")).expect("project");
    match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
    }
}

/// Nanoseconds per iteration of `f(n)`, best of [`RUNS`].
fn best_ns_per(n: u64, mut f: impl FnMut()) -> f64 {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// ns per iteration of the Dast loop `main.func(DAST_CALLS)`.
fn dast_loop(call: &mut dyn FnMut(&str, &[Value]) -> Value, func: &str) -> f64 {
    let expected = Value::Int(DAST_CALLS * (DAST_CALLS - 1) / 2);
    best_ns_per(DAST_CALLS as u64, || {
        assert_eq!(call(func, &[Value::Int(DAST_CALLS)]), expected);
    })
}

fn cross_module_calls() {
    let mut on = Registry::new(compile(true)).expect("start");
    let mut off = dast_vm::link(compile(false)).expect("link");
    off.set_hot_reload(false);
    off.init().expect("init");
    let mut call_off = |f: &str, a: &[Value]| off.call("main", f, a).unwrap();
    let cross_off = dast_loop(&mut call_off, "cross");
    let local_off = dast_loop(&mut call_off, "within");
    let mut call_on = |f: &str, a: &[Value]| on.call("main", f, a).unwrap();
    let cross_on = dast_loop(&mut call_on, "cross");
    let local_on = dast_loop(&mut call_on, "within");
    println!("(a) Dast loop of {DAST_CALLS} calls, ns per iteration (loop + call)");
    println!(
        "    cross-module  on {cross_on:6.2}   off {cross_off:6.2}   difference {:+.2}",
        cross_on - cross_off
    );
    println!(
        "    same module   on {local_on:6.2}   off {local_off:6.2}   difference {:+.2}",
        local_on - local_off
    );
}

fn host_calls() {
    let on = Runtime::from_modules(compile(true)).expect("start");
    let off = Runtime::from_modules(compile(false)).expect("start");
    off.set_hot_reload(false);
    println!("(b) host-to-Dast calls of other.f, {HOST_CALLS} in a Rust loop, ns per call");
    let (typed_on, typed_off) = (typed_ns(&on), typed_ns(&off));
    let (plain_on, plain_off) = (plain_ns(&on), plain_ns(&off));
    let (empty_on, empty_off) = (empty_ns(&on), empty_ns(&off));
    println!(
        "    typed handle  on {typed_on:6.1}   off {typed_off:6.1}   difference {:+.1}",
        typed_on - typed_off
    );
    println!(
        "    Runtime::call on {plain_on:6.1}   off {plain_off:6.1}   difference {:+.1}",
        plain_on - plain_off
    );
    println!(
        "    empty fn, typed handle  on {empty_on:6.1}   off {empty_off:6.1}   (Runtime::call {:.1}x slower)",
        plain_on / empty_on
    );
}

fn empty_ns(rt: &Runtime) -> f64 {
    let f = rt.get_typed_func::<(), ()>("other", "nothing").unwrap();
    best_ns_per(HOST_CALLS as u64, || {
        for _ in 0..HOST_CALLS {
            f.call(()).unwrap();
        }
    })
}

fn typed_ns(rt: &Runtime) -> f64 {
    let f = rt.get_typed_func::<(i64, i64), i64>("other", "f").unwrap();
    best_ns_per(HOST_CALLS as u64, || {
        for i in 0..HOST_CALLS {
            assert_eq!(f.call((1, i as i64)).unwrap(), 1 + i as i64);
        }
    })
}

fn plain_ns(rt: &Runtime) -> f64 {
    best_ns_per(HOST_CALLS as u64, || {
        for i in 0..HOST_CALLS {
            let args = [Value::Int(1), Value::Int(i as i64)];
            assert_eq!(rt.call("other", "f", &args), Ok(Value::Int(1 + i as i64)));
        }
    })
}

/// The empty function's typed call with `other` as machine code (the facade's
/// native mode: the call enters its version in the VM, which runs the native code).
fn native_calls() {
    let dir = std::env::temp_dir().join(format!("dast-overhead-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("dast.toml"), "[package]\nname = \"p\"\n").unwrap();
    std::fs::write(dir.join("src/main.dast"), MAIN).unwrap();
    std::fs::write(dir.join("src/other.dast"), other_source(true)).unwrap();
    let rt = Runtime::load_project_in(&dir, dast::Mode::Native).expect("native build");
    println!("(c) the same calls into machine code (Mode::Native), ns per call");
    println!(
        "    empty fn, typed handle  {:6.1}   typed other.f {:6.1}",
        empty_ns(&rt),
        typed_ns(&rt)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    cross_module_calls();
    host_calls();
    native_calls();
}
