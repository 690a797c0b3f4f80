//! Edit-to-active latency of a ~1,000-line hot-reloadable module: from "the new source
//! text is available" to "the new version is active", split into compile time
//! (discover + parse + check + lower, from memory) and the reload transaction.
//!
//! Run: `cargo run --release -p dast --example edit_latency`

use std::path::Path;
use std::time::{Duration, Instant};

use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_runtime::Registry;
use dast_vm::Value;

const ITERATIONS: usize = 50;
/// Each generated function is 7 lines: about 1,000 lines in all.
const FUNCTIONS: usize = 142;
const BIG_PATH: &str = "/p/src/big.dast";

/// The big module, with `edited` function's constant set to `k`.
fn big_module_source(edited: usize, k: usize) -> String {
    let mut src = String::from("// Generated: many small hot-reloadable functions.\n");
    src.push_str("var calls: i64 = 0\n\n");
    for i in 0..FUNCTIONS {
        let factor = if i == edited { k } else { 3 };
        src.push_str(&format!(
            "@hot_reload\nfn f{i}(x: i64) -> i64 {{\n    let y = x * {factor} + {i}\n    \
             calls += 1\n    if y > 1000 {{ y - 1000 }} else {{ y + {i} }}\n}}\n\n"
        ));
    }
    src
}

/// A project of the big module and a small `main` importing it, as in a game.
fn project() -> MemFs {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert(
        "/p/src/main.dast".into(),
        "import big\nfn main() {}\nfn probe(x: i64) -> i64 { big.f0(x) }\n".into(),
    );
    fs.files.insert(BIG_PATH.into(), big_module_source(0, 3));
    fs
}

fn compile(fs: &MemFs) -> Vec<Module> {
    let program = Program::discover(fs, Path::new("/p")).expect("project");
    match compile_program(fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
    }
}

struct Sample {
    compile: Duration,
    reload: Duration,
}

/// One edit: the text changes `f0`'s factor to `k`, then compile and reload.
fn edit_once(fs: &mut MemFs, registry: &mut Registry, k: usize) -> Sample {
    let text = big_module_source(0, k);
    let start = Instant::now();
    fs.files.insert(BIG_PATH.into(), text);
    let big = compile(fs).into_iter().find(|m| m.name == "big").unwrap();
    let compiled = Instant::now();
    registry.reload(big).expect("reload");
    let done = Instant::now();
    // The new version answers: f0(1) = 1 * k + 0 + 0.
    let probe = registry.call("main", "probe", &[Value::Int(1)]);
    assert_eq!(probe, Ok(Value::Int(k as i64)));
    Sample {
        compile: compiled - start,
        reload: done - compiled,
    }
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    let i = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1e3
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what:<22} p50 {:7.3} ms   p90 {:7.3} ms",
        percentile(&times, 50),
        percentile(&times, 90)
    );
}

fn main() {
    let mut fs = project();
    let lines = fs.files[Path::new(BIG_PATH)].lines().count();
    let mut registry = Registry::new(compile(&fs)).expect("start");
    registry.set_output(Box::new(std::io::sink()));
    // Warm up (allocator, caches), not counted.
    edit_once(&mut fs, &mut registry, 4);
    let samples: Vec<Sample> = (0..ITERATIONS)
        .map(|i| edit_once(&mut fs, &mut registry, 5 + i))
        .collect();
    println!("edit-to-active latency, {lines}-line module, {ITERATIONS} edits");
    report(
        "total (edit->active)",
        samples.iter().map(|s| s.compile + s.reload).collect(),
    );
    report("  compile", samples.iter().map(|s| s.compile).collect());
    report(
        "  reload transaction",
        samples.iter().map(|s| s.reload).collect(),
    );
    println!("target: total p50 <= 10 ms");
}
