//! Loading: identity checks, versions side by side, linker output.

mod common;

use std::process::Command;

use common::{bytecode, TempDir};
use dast_native::{compile, link_shared_object, LoadError, NativeModule, Options, Scalar};

const V1: &str = "fn answer() -> i64 { 41 }\nfn main() {}\n";
const V2: &str = "fn answer() -> i64 { 42 }\nfn main() {}\n";

fn build(source: &str, path: &std::path::Path) -> dast_bytecode::Module {
    let m = bytecode(source);
    let object = compile(&m, &Options::default()).unwrap();
    link_shared_object(&object, path).unwrap();
    m
}

/// A shared library compiled by `cc` from `c_source`, in `dir`.
fn c_library(dir: &TempDir, name: &str, c_source: &str) -> std::path::PathBuf {
    let c = dir.0.join(format!("{name}.c"));
    std::fs::write(&c, c_source).unwrap();
    let so = dir.0.join(format!("lib{name}.so"));
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&c)
        .status()
        .expect("cc runs");
    assert!(status.success());
    so
}

#[test]
fn a_library_of_another_abi_version_is_refused() {
    let dir = TempDir::new("abi");
    let so = c_library(
        &dir,
        "old",
        "const unsigned int DAST_ABI_VERSION = 999;\n\
         const char DAST_MODULE_NAME[] = \"main\";\n",
    );

    let err = NativeModule::load(&so, &bytecode(V1))
        .err()
        .expect("refused");
    assert!(
        matches!(err, LoadError::AbiMismatch { found: 999, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("ABI version 999"), "{text}");
    assert!(text.contains("rebuild"), "{text}");
}

#[test]
fn a_library_without_dast_metadata_is_refused() {
    let dir = TempDir::new("foreign");
    let so = c_library(&dir, "foreign", "int add(int a, int b) { return a + b; }\n");
    let err = NativeModule::load(&so, &bytecode(V1))
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::NotADastModule { .. }), "{err:?}");
}

#[test]
fn an_object_of_other_bytecode_is_refused() {
    let dir = TempDir::new("stale");
    let so = dir.0.join("libmain.1.so");
    build(V1, &so);
    let err = NativeModule::load(&so, &bytecode(V2))
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::Stale { .. }), "{err:?}");
}

#[test]
fn a_missing_file_says_what_dlopen_said() {
    let err = NativeModule::load(std::path::Path::new("/nonexistent/libx.so"), &bytecode(V1))
        .err()
        .expect("refused");
    let text = err.to_string();
    assert!(text.contains("No such file"), "{text}");
}

#[test]
fn two_versions_load_side_by_side() {
    let dir = TempDir::new("versions");
    let (p1, p2) = (dir.0.join("libmain.1.so"), dir.0.join("libmain.2.so"));
    let m1 = build(V1, &p1);
    let m2 = build(V2, &p2);
    let v1 = NativeModule::load(&p1, &m1).unwrap();
    let v2 = NativeModule::load(&p2, &m2).unwrap();
    assert_eq!(v1.call("answer", &[]).unwrap(), Scalar::Int(41));
    assert_eq!(v2.call("answer", &[]).unwrap(), Scalar::Int(42));
    drop(v1);
    assert_eq!(v2.call("answer", &[]).unwrap(), Scalar::Int(42));
}

#[test]
fn linked_objects_need_no_symbol_from_outside_and_export_only_the_abi() {
    let dir = TempDir::new("symbols");
    let so = dir.0.join("libmain.1.so");
    build(
        "fn f(x: f64) -> f64 { x.sin() % 2.0 }\nfn g(a: i64) -> i64 { a / 3 }\nfn main() {}\n",
        &so,
    );
    // binutils (`nm`) is there wherever the linker is.
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&so)
        .output()
        .expect("nm runs");
    let defined = String::from_utf8_lossy(&out.stdout).to_string();
    for sym in [
        "DAST_ABI_VERSION",
        "DAST_MODULE_NAME",
        "DAST_MODULE_FINGERPRINT",
        "dast_init",
    ] {
        assert!(defined.contains(sym), "{sym} missing in:\n{defined}");
    }
    assert!(defined.contains("dast_entry_0"), "{defined}");
    assert!(
        !defined.contains("dast_fn_"),
        "bodies stay local:\n{defined}"
    );
    let undefined = Command::new("nm")
        .args(["-D", "--undefined-only"])
        .arg(&so)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&undefined.stdout).trim(),
        "",
        "no imports"
    );
}

#[test]
fn a_library_made_for_another_heap_layout_is_refused() {
    let dir = TempDir::new("layout");
    let so = c_library(
        &dir,
        "other",
        &format!(
            "const unsigned int DAST_ABI_VERSION = {};\n\
             const unsigned long long DAST_HEAP_LAYOUT = 12345;\n\
             const char DAST_MODULE_NAME[] = \"main\";\n",
            dast_native::ABI_VERSION
        ),
    );
    let err = NativeModule::load(&so, &bytecode(V1))
        .err()
        .expect("refused");
    assert!(matches!(err, LoadError::HeapLayout { .. }), "{err:?}");
    assert!(err.to_string().contains("rebuild"), "{err}");
}

/// The Rust API's checked load: the hash recorded at build time must match the file,
/// else the library is refused before `dlopen` (a truncated file would be a SIGBUS).
#[test]
fn a_library_changed_since_its_build_is_refused_by_a_checked_load() {
    let dir = TempDir::new("changed");
    let so = dir.0.join("libmain.so");
    let m = build(V1, &so);
    let hash = dast_native::library_hash(&so).unwrap();
    let group = dast_native::Group::new();
    let loaded = NativeModule::load_checked(&so, &m, &group, hash).expect("the built file loads");
    assert_eq!(loaded.name(), m.name);
    drop(loaded);
    let bytes = std::fs::read(&so).unwrap();
    std::fs::write(&so, &bytes[..bytes.len() / 2]).unwrap();
    let err = NativeModule::load_checked(&so, &m, &group, hash)
        .err()
        .expect("refused");
    assert!(
        matches!(err, LoadError::Changed { expected, .. } if expected == hash),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("changed since it was built"),
        "{err}"
    );
}

/// Machine code built with limits: another thread interrupts a runaway call; the
/// group's budget refuels calls that stay within it.
#[test]
fn a_group_interrupts_a_runaway_native_call_from_another_thread() {
    let dir = TempDir::new("interrupt");
    let so = dir.0.join("libmain.so");
    let m = bytecode(
        "fn spin() -> i64 {\n    let mut n = 0\n    loop {\n        n += 1\n    }\n}\n\
         fn count(n: i64) -> i64 {\n    let mut t = 0\n    for i in 0..n {\n        t += i\n    }\n    t\n}\n\
         fn main() {}\n",
    );
    let opts = Options {
        limits: true,
        ..Options::default()
    };
    link_shared_object(&compile(&m, &opts).unwrap(), &so).unwrap();
    let group = dast_native::Group::new();
    let native = NativeModule::load_in(&so, &m, &group).unwrap();
    let handle = group.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        handle.interrupt();
    });
    let err = native.call_values("spin", &[]).expect_err("interrupted");
    stopper.join().unwrap();
    assert!(err.to_string().contains("call was interrupted"), "{err}");
    let sum = native
        .call_values("count", &[dast_vm::Value::Int(100_000)])
        .unwrap();
    assert_eq!(sum, dast_vm::Value::Int(4_999_950_000));
    group.set_limits(dast_vm::Limits {
        fuel: Some(1000),
        timeout: None,
        heap: None,
    });
    let err = native
        .call_values("count", &[dast_vm::Value::Int(100_000)])
        .expect_err("out of fuel");
    assert!(
        err.to_string()
            .contains("call exceeded its fuel (1000 jumps and calls)"),
        "{err}"
    );
}

/// A heap limit needs no checks in generated code: machine code built without limits
/// stops at it too (the runtime refuses the growth), and the module goes on.
#[test]
fn a_group_heap_limit_stops_a_hoarding_native_call() {
    let dir = TempDir::new("heap-limit");
    let so = dir.0.join("libmain.so");
    let m = bytecode(
        "var kept: Vec[i64] = Vec.new()\n\
         fn hoard() -> i64 {\n    let mut v: Vec[i64] = Vec.new()\n    loop {\n        v.push(1)\n    }\n}\n\
         fn keep(n: i64) -> i64 {\n    for i in 0..n {\n        kept.push(i)\n    }\n    kept.len() as i64\n}\n\
         fn main() {}\n",
    );
    link_shared_object(&compile(&m, &Options::default()).unwrap(), &so).unwrap();
    let group = dast_native::Group::new();
    let native = NativeModule::load_in(&so, &m, &group).unwrap();
    native.init().unwrap();
    group.set_limits(dast_vm::Limits {
        heap: Some(16 << 20),
        ..dast_vm::Limits::default()
    });
    let keep = |n| {
        native
            .call_values("keep", &[dast_vm::Value::Int(n)])
            .unwrap()
    };
    assert_eq!(keep(100), dast_vm::Value::Int(100));
    let err = native.call_values("hoard", &[]).expect_err("out of memory");
    let text = err.to_string();
    assert!(
        text.contains("out of memory: the heap limit of 16 MiB would be passed"),
        "{text}"
    );
    assert!(text.contains("hoard"), "{text}");
    assert_eq!(keep(1), dast_vm::Value::Int(101));
}
