//! Cost of a call across modes (hybrid): one module `driver` calls `lib.add(a, b)` a
//! million times; each of the two runs as bytecode or as native code. Prints ns per call
//! for the four combinations (median of 5 runs), hot reload (counting) on as in hybrid
//! mode.
//!
//! Run: `cargo run --release -p dast-native --example hybrid_calls`

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use dast_compiler::{compile_program, MemFs, Program as Project};
use dast_native::{compile, link_shared_object, Group, NativeCode, NativeModule, Options};
use dast_vm::{Foreign, Program, Value};

const CALLS: i64 = 1_000_000;

fn modules() -> Vec<dast_bytecode::Module> {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files
        .insert("/p/src/main.dast".into(), "fn main() {}\n".into());
    fs.files.insert(
        "/p/src/lib.dast".into(),
        "fn add(a: i64, b: i64) -> i64 { a + b }\n".into(),
    );
    fs.files.insert(
        "/p/src/driver.dast".into(),
        "import lib\nfn run(n: i64) -> i64 {\n    let mut s = 0\n    for i in 0..n { s = lib.add(s, i) }\n    s\n}\n\
         fn add_here(a: i64, b: i64) -> i64 { a + b }\n\
         fn run_here(n: i64) -> i64 {\n    let mut s = 0\n    for i in 0..n { s = add_here(s, i) }\n    s\n}\n"
            .into(),
    );
    let project = Project::discover(&fs, Path::new("/p")).unwrap();
    match compile_program(&fs, project) {
        Ok(c) => c.modules,
        Err(f) => panic!("{:#?}", f.diagnostics),
    }
}

/// A program where the modules named in `native` run natively.
fn program(native: &[&str], dir: &Path) -> Program {
    let modules = modules();
    let group = Group::new();
    dast_native::serve_imports_from_vm(&group);
    let mut codes = Vec::new();
    for m in modules.iter().filter(|m| native.contains(&m.name.as_str())) {
        let object = compile(
            m,
            &Options {
                verify_ir: false,
                ..Options::default()
            },
        )
        .unwrap();
        let path = dir.join(format!("lib{}.so", m.name));
        link_shared_object(&object, &path).unwrap();
        let module = Arc::new(NativeModule::load_in(&path, m, &group).unwrap());
        codes.push((m.name.clone(), Arc::new(NativeCode::new(module).unwrap())));
    }
    for (_, code) in &codes {
        group.activate(code.module()).unwrap();
    }
    let mut program = dast_vm::link(modules).unwrap();
    for (name, code) in codes {
        let id = program.instance_of(&name).unwrap();
        program.set_foreign(id, code as Arc<dyn Foreign>).unwrap();
    }
    program.set_hot_reload(true);
    program.init().unwrap();
    program
}

fn ns_per_call(program: &mut Program, func: &str) -> f64 {
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let v = program.call("driver", func, &[Value::Int(CALLS)]).unwrap();
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(v, Value::Int(CALLS * (CALLS - 1) / 2));
    }
    times.sort_by(f64::total_cmp);
    times[2] * 1e9 / CALLS as f64
}

fn main() {
    let dir = std::env::temp_dir().join(format!("dast-hybrid-calls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[&str]); 4] = [
        ("bytecode -> bytecode", &[]),
        ("bytecode -> native", &["lib"]),
        ("native -> bytecode", &["driver"]),
        ("native -> native", &["driver", "lib"]),
    ];
    println!("{CALLS} calls of lib.add from driver.run, hot reload on, median of 5:");
    for (what, native) in cases {
        let sub = dir.join(what.replace(' ', "").replace("->", "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let mut p = program(native, &sub);
        println!("  {what:22} {:8.1} ns/call", ns_per_call(&mut p, "run"));
    }
    for (what, native) in [
        ("within bytecode", &[][..]),
        ("within native", &["driver"][..]),
    ] {
        let sub = dir.join(what.replace(' ', "_"));
        std::fs::create_dir_all(&sub).unwrap();
        let mut p = program(native, &sub);
        println!(
            "  {what:22} {:8.1} ns/call",
            ns_per_call(&mut p, "run_here")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
