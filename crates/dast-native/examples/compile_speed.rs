//! Compile speed of the native backend on a generated ~1,000-line module (loops, integer
//! and float arithmetic, vectors, strings, structs, calls): the front end (source to
//! verified bytecode), Cranelift (bytecode to object) at `opt-level` 0 and 3, the system
//! linker, and `dlopen` plus checks. Medians of 15 runs, in ms and ms per 1,000 lines.
//!
//! Run: `cargo run --release -p dast-native --example compile_speed`

use std::path::Path;
use std::time::{Duration, Instant};

use dast_compiler::{compile_program, MemFs, Program};
use dast_native::{compile, link_shared_object, NativeModule, Options};

const RUNS: usize = 15;
/// Each generated group of functions is 25 lines.
const GROUPS: usize = 40;

fn source() -> String {
    let mut src = String::from("struct P {\n    x: f64,\n    y: f64,\n}\n\n");
    for i in 0..GROUPS {
        src.push_str(&format!(
            "fn sum{i}(n: i64) -> i64 {{
    let mut s = 0
    for k in 0..n {{
        if k % 3 == {m} {{ s += k * {i} }} else {{ s -= 1 }}
    }}
    s
}}

fn norm{i}(p: &P) -> f64 {{
    (p.x * p.x + p.y * p.y).sqrt() + {i}.0
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
    src.push_str("fn main() {\n    println(\"{}\", sum0(10))\n}\n");
    src
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let text = source();
    let lines = text.lines().count();
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert("/p/src/main.dast".into(), text);
    let dir = std::env::temp_dir().join(format!("dast-compile-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut front, mut o0, mut o3, mut link, mut load) = (vec![], vec![], vec![], vec![], vec![]);
    for run in 0..RUNS {
        let t = Instant::now();
        let program = Program::discover(&fs, Path::new("/p")).unwrap();
        let module = match compile_program(&fs, program) {
            Ok(c) => c.modules.into_iter().find(|m| m.name == "main").unwrap(),
            Err(f) => panic!("{:#?}", f.diagnostics),
        };
        front.push(t.elapsed());
        for (optimize, times) in [(false, &mut o0), (true, &mut o3)] {
            let opts = Options {
                optimize,
                verify_ir: false,
                ..Options::default()
            };
            let t = Instant::now();
            compile(&module, &opts).unwrap();
            times.push(t.elapsed());
        }
        let object = compile(
            &module,
            &Options {
                verify_ir: false,
                ..Options::default()
            },
        )
        .unwrap();
        let path = dir.join(format!("libmain.{run}.so"));
        let t = Instant::now();
        link_shared_object(&object, &path).unwrap();
        link.push(t.elapsed());
        let t = Instant::now();
        let native = NativeModule::load(&path, &module).unwrap();
        load.push(t.elapsed());
        drop(native);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let per_k = |ms: f64| ms * 1000.0 / lines as f64;
    println!(
        "{lines} lines, {} functions, median of {RUNS}:",
        GROUPS * 4 + 1
    );
    for (what, times) in [
        ("front end (source -> bytecode)", front),
        ("native, opt-level 0", o0),
        ("native, opt-level 3", o3),
        ("link (cc -shared)", link),
        ("load (dlopen + checks)", load),
    ] {
        let ms = median(times);
        println!(
            "  {what:32} {ms:7.2} ms   {:7.2} ms / 1,000 lines",
            per_k(ms)
        );
    }
}
