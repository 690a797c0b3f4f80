//! Reload latency of a native module in hybrid mode: a ~1,000-line `@hot_reload`
//! module running as native code is edited (one constant) and reloaded through the
//! registry's transaction, 25 times. Each sample covers the front end (source to
//! bytecode), Cranelift, the system linker (`lib<module>.<n>.so`), loading the library
//! beside the running one, and the transaction (initializers, state migration,
//! activation, re-pointing slots, unloading the old version). Prints p50 and p90 in ms.
//!
//! Run: `cargo run --release -p dast-native --example native_reload_latency`

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_native::{compile, link_shared_object, Group, NativeCode, NativeModule, Options};
use dast_runtime::Registry;
use dast_vm::{Foreign, Value};

const SAMPLES: usize = 25;
const GROUPS: usize = 40;

/// About 1,000 lines: 40 groups of four functions and a `var`.
fn source(k: usize) -> String {
    let mut src = format!("var total: i64 = 0\nconst K: i64 = {k}\n\n");
    for i in 0..GROUPS {
        src.push_str(&format!(
            "@hot_reload
fn sum{i}(n: i64) -> i64 {{
    let mut s = 0
    for k in 0..n {{
        if k % 3 == {m} {{ s += k * K }} else {{ s -= 1 }}
    }}
    total += s
    s
}}

fn scale{i}(x: f64) -> f64 {{
    let y = x * {i}.5
    (y * y + 1.0).sqrt()
}}

fn fill{i}(n: i64) -> Vec[i64] {{
    let mut v: Vec[i64] = Vec.new()
    for k in 0..n {{ v.push(k + {i}) }}
    v
}}

fn label{i}(n: i64) -> String {{
    let mut s = String.new()
    for k in 0..n {{ s.push_str(format(\"{{}},\", k)) }}
    s
}}

",
            m = i % 3
        ));
    }
    src
}

/// The project (`main` importing `big`) with `big`'s constant `K = k`: `(big, main)`.
fn compile_project(k: usize) -> (Module, Module) {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert(
        "/p/src/main.dast".into(),
        "import big\nfn main() {}\nfn probe() -> i64 { big.sum0(10) }\n".into(),
    );
    fs.files.insert("/p/src/big.dast".into(), source(k));
    let program = Program::discover(&fs, Path::new("/p")).unwrap();
    let modules = match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("{:#?}", f.diagnostics),
    };
    let take = |name: &str| modules.iter().find(|m| m.name == name).unwrap().clone();
    (take("big"), take("main"))
}

fn native_code(m: &Module, path: &Path, group: &Group) -> Arc<NativeCode> {
    let object = compile(
        m,
        &Options {
            verify_ir: false,
            ..Options::default()
        },
    )
    .unwrap();
    link_shared_object(&object, path).unwrap();
    let module = Arc::new(NativeModule::load_in(path, m, group).unwrap());
    Arc::new(NativeCode::new(module).unwrap())
}

fn main() {
    let dir = std::env::temp_dir().join(format!("dast-native-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let group = Group::new();
    dast_native::serve_imports_from_vm(&group);
    let (big, main) = compile_project(3);
    let lines = source(3).lines().count();
    let first = native_code(&big, &dir.join("libbig.so"), &group);
    group.activate(first.module()).unwrap();
    let labelled = vec![(big, "v1.0".to_string()), (main, "v1.0".to_string())];
    let mut registry = Registry::with_foreign(labelled, |name| {
        (name == "big").then(|| Arc::clone(&first) as Arc<dyn Foreign>)
    })
    .unwrap();
    registry.set_log(Box::new(Quiet));
    let mut samples: Vec<Duration> = Vec::new();
    for n in 0..SAMPLES {
        let k = 4 + n;
        let start = Instant::now();
        let (module, _) = compile_project(k);
        let code = native_code(&module, &dir.join(format!("libbig.{}.so", n + 2)), &group);
        registry
            .reload_foreign(module, Some(code as Arc<dyn Foreign>))
            .unwrap();
        samples.push(start.elapsed());
        // The new version runs: sum0(10) with K = k.
        let expected: i64 = (0..10)
            .map(|i| if i % 3 == 0 { i * k as i64 } else { -1 })
            .sum();
        assert_eq!(
            registry.call("main", "probe", &[]).unwrap(),
            Value::Int(expected)
        );
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "native reload of a {lines}-line module, {SAMPLES} edits: p50 {:.1} ms, p90 {:.1} ms",
        ms(samples[SAMPLES / 2]),
        ms(samples[SAMPLES * 9 / 10])
    );
    let _ = std::fs::remove_dir_all(&dir);
}

struct Quiet;

impl dast_runtime::LogSink for Quiet {
    fn log(&mut self, _level: dast_runtime::Level, _line: &str) {}
}
