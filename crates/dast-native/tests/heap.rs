//! Strings, vectors, maps, formatting, output and module globals in native code (run
//! through `exec_one`, the interpreter's own instruction bodies), compared with the
//! interpreter on the same bytecode.

mod common;

use std::path::Path;

use std::time::Instant;

use common::{bytecode, native, vm, Capture, Pair, TempDir};
use dast_native::{compile, link_shared_object, CallError, NativeModule, Options};
use dast_vm::Value;

/// What a call printed and returned (or its panic, as text with its trace).
type Outcome = (String, Result<Value, String>);

fn run_vm(program: &mut dast_vm::Program, out: &Capture, func: &str, args: &[Value]) -> Outcome {
    let result = program.call("main", func, args).map_err(|p| p.to_string());
    (out.take(), result)
}

fn run_native(n: &NativeModule, out: &Capture, func: &str, args: &[Value]) -> Outcome {
    let result = n.call_values(func, args).map_err(|e| match e {
        CallError::Panic(p) => p.to_string(),
        other => format!("not a panic: {other}"),
    });
    (out.take(), result)
}

/// Both backends on `source`, `init` run, output captured.
fn pair(source: &str) -> Pair {
    Pair::new(source)
}

/// Calls `func` on both and asserts the same output and result; returns them.
fn agree(p: &mut Pair, func: &str, args: &[Value]) -> Outcome {
    let expected = run_vm(&mut p.vm, &p.vm_out, func, args);
    let got = run_native(&p.native.module, &p.native_out, func, args);
    assert_eq!(got, expected, "{func}{args:?}: native (left) vs vm (right)");
    got
}

#[test]
fn the_strcat_benchmark_matches_the_vm() {
    let source = "
fn build(n: usize) -> usize {
    let pool = [\"alpha\", \"beta\", \"gamma\", \"delta\", \"eps\", \"zeta\", \"eta\", \"theta\"]
    let mut s = \"\"
    for i in 0..n {
        s.push_str(pool[i % 8])
    }
    s.len()
}

fn main() {
    println(\"{}\", build(1000000))
}
";
    let mut p = pair(source);
    main_prints_on_both(&mut p, "strcat", "4250000\n");
    let _ = agree(&mut p, "build", &[Value::UInt(17)]);
}

/// Runs `main` on both backends, timed (the times are printed as a note, never
/// asserted), and checks that both print `expected`.
fn main_prints_on_both(p: &mut Pair, bench: &str, expected: &str) {
    let t0 = Instant::now();
    let (out, _) = run_native(&p.native.module, &p.native_out, "main", &[]);
    let native_time = t0.elapsed();
    let t0 = Instant::now();
    let (vm_out, _) = run_vm(&mut p.vm, &p.vm_out, "main", &[]);
    let vm_time = t0.elapsed();
    assert_eq!(out, expected);
    assert_eq!(vm_out, out);
    eprintln!("note: {bench}: native {native_time:?}, vm {vm_time:?}");
}

#[test]
fn the_hashmap_benchmark_matches_the_vm() {
    let source = "
fn run(n: i64) -> i64 {
    let mut m: HashMap[i64, i64] = HashMap.new()
    for i in 0..n {
        m.insert((i * 2654435761) % 4294967296, i);
    }
    let mut s: i64 = 0
    for i in 0..n {
        s += m.get((i * 2654435761) % 4294967296).unwrap()
    }
    s
}

fn main() {
    println(\"{}\", run(1000000))
}
";
    let mut p = pair(source);
    main_prints_on_both(&mut p, "hashmap", "499999500000\n");
    let _ = agree(&mut p, "run", &[Value::Int(1000)]);
}

#[test]
fn strings_are_built_and_returned_as_in_the_vm() {
    let source = "
fn greet(name: String, times: i64) -> String {
    let mut s = String.new()
    for i in 0..times {
        if i > 0 {
            s.push_str(\", \")
        }
        s = s + format(\"{}#{:>3}\", name, i)
    }
    s
}

fn shout(s: String) -> String {
    let t = s.to_uppercase()
    format(\"{}! ({} bytes, {})\", t, t.len(), t == s)
}

fn compare(a: String, b: String) -> i64 {
    if a < b { -1 } else if a == b { 0 } else { 1 }
}

fn main() {
    let g = greet(\"dast\", 3)
    println(\"{}\", g)
    println(\"{:?}\", shout(g))
}
";
    let mut p = pair(source);
    let (out, _) = agree(&mut p, "main", &[]);
    assert!(out.starts_with("dast#  0, dast#  1"), "{out}");
    let (_, r) = agree(
        &mut p,
        "greet",
        &[Value::Str("héllo".into()), Value::Int(4)],
    );
    assert!(matches!(r, Ok(Value::Str(_))), "{r:?}");
    let _ = agree(&mut p, "shout", &[Value::Str("abc".into())]);
    let _ = agree(&mut p, "greet", &[Value::Str(String::new()), Value::Int(0)]);
    for (a, b) in [("a", "b"), ("b", "a"), ("same", "same")] {
        let _ = agree(
            &mut p,
            "compare",
            &[Value::Str(a.into()), Value::Str(b.into())],
        );
    }
}

#[test]
fn structs_with_strings_and_vectors_match_the_vm() {
    let source = "
struct Bag {
    name: String,
    items: Vec[i64],
    tags: Vec[String],
}

fn fill(name: String, n: i64) -> Bag {
    let mut b = Bag { name: name, items: Vec.new(), tags: Vec.new() }
    for i in 0..n {
        b.items.push(i * i)
        b.tags.push(format(\"t{}\", i))
    }
    b
}

fn total(b: Bag) -> i64 {
    let mut s: i64 = 0
    for x in b.items {
        s += x
    }
    s + b.tags.len() as i64
}

fn describe(n: i64) -> String {
    let mut b = fill(\"bag\", n)
    b.items.reverse()
    b.tags.sort()
    let copy = b.items
    format(\"{} {:?} {:?} {}\", b.name, copy, b.tags, total(b))
}

fn main() {
    let b = fill(\"x\", 4)
    println(\"{:?}\", b)
    println(\"{}\", describe(5))
}
";
    let mut p = pair(source);
    let _ = agree(&mut p, "main", &[]);
    let _ = agree(&mut p, "describe", &[Value::Int(0)]);
    let _ = agree(&mut p, "describe", &[Value::Int(12)]);
    let _ = agree(&mut p, "fill", &[Value::Str("y".into()), Value::Int(3)]);
}

#[test]
fn module_vars_match_the_vm() {
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-programs/run/module_var.dast"),
    )
    .unwrap();
    let mut p = pair(&source);
    let (out, _) = agree(&mut p, "main", &[]);
    assert!(
        out.contains("[\"rent:500\", \"food:120\", \"rent:500\"]"),
        "{out}"
    );
    // State persists across calls, as in the VM.
    let _ = agree(&mut p, "next_id", &[]);
    let _ = agree(&mut p, "record", &[Value::Str("tax".into()), Value::Int(7)]);
    let _ = agree(&mut p, "snapshot", &[]);
}

#[test]
fn an_index_out_of_bounds_panics_with_the_vm_message_and_trace() {
    let source = "
fn pick(v: Vec[i64], i: usize) -> i64 {
    v[i]
}

fn outer(n: usize) -> i64 {
    let mut v: Vec[i64] = Vec.new()
    for i in 0..n {
        v.push(i as i64)
    }
    let s = format(\"{}\", n)
    pick(v, n) + s.len() as i64
}

fn fails(msg: String) -> i64 {
    panic(msg)
}

fn main() {}
";
    let mut p = pair(source);
    let (_, r) = agree(&mut p, "outer", &[Value::UInt(3)]);
    let text = r.unwrap_err();
    assert!(
        text.starts_with("index out of bounds: the len is 3 but the index is 3"),
        "{text}"
    );
    assert!(text.contains("at pick ("), "{text}");
    assert!(text.contains("at outer ("), "{text}");
    let _ = agree(&mut p, "fails", &[Value::Str("custom message".into())]);
    // The module stays usable after a panic, its reference stack empty.
    let _ = agree(&mut p, "outer", &[Value::UInt(0)]);
    let _ = agree(&mut p, "outer", &[Value::UInt(1)]);
}

/// Every program of `test-programs/run` that compiles natively prints what the
/// interpreter prints (and panics as it panics).
#[test]
fn the_run_corpus_matches_the_vm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-programs/run");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dast"))
        .collect();
    entries.sort();
    let (mut compared, mut skipped) = (0, Vec::new());
    for path in entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).unwrap();
        if source.contains("exit(") || source.contains("sleep") {
            skipped.push(format!("{name} (exits or sleeps)"));
            continue;
        }
        let Ok(m) = std::panic::catch_unwind(|| bytecode(&source)) else {
            skipped.push(format!("{name} (not a single-module program)"));
            continue;
        };
        let object = match compile(&m, &Options::default()) {
            Ok(o) => o,
            Err(e) => {
                skipped.push(format!("{name} ({e})"));
                continue;
            }
        };
        let tmp = TempDir::new("corpus");
        let so = tmp.0.join("libmain.1.so");
        link_shared_object(&object, &so).unwrap();
        let n = NativeModule::load(&so, &m).unwrap();
        let n_out = Capture::default();
        n.set_output(Box::new(n_out.clone()));
        let mut program = dast_vm::link(vec![m.clone()]).unwrap();
        let v_out = Capture::default();
        program.set_output(Box::new(v_out.clone()));
        let vi = program.init().map_err(|p| p.to_string());
        let ni = n.init().map_err(|e| e.to_string());
        assert_eq!(ni.is_ok(), vi.is_ok(), "{name}: init {ni:?} vs {vi:?}");
        let expected = run_vm(&mut program, &v_out, "main", &[]);
        let got = run_native(&n, &n_out, "main", &[]);
        assert_eq!(got, expected, "{name}: native (left) vs vm (right)");
        compared += 1;
    }
    eprintln!(
        "note: run corpus: {compared} programs agree; skipped {}: {skipped:#?}",
        skipped.len()
    );
    assert!(compared >= 40, "only {compared} programs compiled");
}

#[test]
fn call_words_refuses_reference_parameters() {
    let n = native("fn f(s: String) -> i64 { s.len() as i64 }\nfn main() {}\n");
    let err = n.module.call_words("f", &[]).unwrap_err();
    assert!(matches!(err, CallError::Type(_)), "{err:?}");
    assert_eq!(
        n.module.call_values("f", &[Value::Str("abcd".into())]),
        Ok(Value::Int(4))
    );
    let _ = vm(&n.bytecode);
}
