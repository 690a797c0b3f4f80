//! Native modules replaced while the program runs: a new library per version (unique
//! file name) loaded beside the old one, callers' slots re-pointed, the old version
//! counted while calls run in it and closed (dlclose) once drained. Also the two ways a
//! call crosses modules: direct (release) and through slots (hot reload).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use common::TempDir;
use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_native::{
    compile, link_modules, link_shared_object_with, CallError, Group, NativeModule, Options, Scalar,
};

/// The bytecode of every module of a project made of `files` (`src/...` paths).
fn project(files: &[(&str, &str)]) -> Vec<Module> {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    for (path, text) in files {
        fs.files
            .insert(format!("/p/{path}").into(), text.to_string());
    }
    let program = Program::discover(&fs, Path::new("/p")).expect("project");
    match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
    }
}

fn module<'a>(modules: &'a [Module], name: &str) -> &'a Module {
    modules.iter().find(|m| m.name == name).expect(name)
}

/// Compiles and links `m` into `dir/file`, calling `direct` modules directly (their
/// libraries in `needed`).
fn build(m: &Module, dir: &Path, file: &str, direct: &[&str], needed: &[PathBuf]) -> PathBuf {
    let opts = Options {
        direct_imports: direct
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        ..Options::default()
    };
    let object = compile(m, &opts).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(file);
    link_shared_object_with(&object, &path, needed).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn load(path: &Path, m: &Module, group: &Group) -> Arc<NativeModule> {
    Arc::new(NativeModule::load_in(path, m, group).unwrap_or_else(|e| panic!("{e}")))
}

fn mapped(path: &Path) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    maps.contains(path.to_str().unwrap())
}

const MAIN: &str = "import core\nimport probe\n\
    fn run() -> i64 { core.value() + core.twice(10) }\n\
    fn main() { println(\"{}\", run()) }\n";
const PROBE: &str = "fn check() -> i64 { 0 }\n";

fn core(value: i64) -> String {
    format!(
        "import probe\n\
         fn value() -> i64 {{ probe.check() + {value} }}\n\
         fn twice(x: i64) -> i64 {{ x * 2 }}\n"
    )
}

#[test]
fn a_native_module_is_replaced_beside_the_old_one_and_closed_once_drained() {
    let dir = TempDir::new("reload");
    let v1 = project(&[
        ("src/main.dast", MAIN),
        ("src/core.dast", &core(1)),
        ("src/probe.dast", PROBE),
    ]);
    let group = Group::new();
    let core1_path = build(module(&v1, "core"), &dir.0, "libcore.1.so", &[], &[]);
    let main_path = build(module(&v1, "main"), &dir.0, "libmain.1.so", &[], &[]);
    let core1 = load(&core1_path, module(&v1, "core"), &group);
    let main = load(&main_path, module(&v1, "main"), &group);
    // `probe` stays with the host: its calls reach the group's handler, which looks at
    // the count of the `core` version the call came through.
    let seen = Arc::new(AtomicU64::new(u64::MAX));
    let watched = Arc::new(std::sync::Mutex::new(Arc::downgrade(&core1)));
    {
        let seen = Arc::clone(&seen);
        let watched = Arc::clone(&watched);
        group.set_import_handler(Arc::new(move |module, function, _args, _refs| {
            assert_eq!((module, function), ("probe", "check"));
            let version = watched
                .lock()
                .unwrap()
                .upgrade()
                .expect("alive while running");
            seen.store(version.in_flight(), Ordering::SeqCst);
            Ok((vec![0], Vec::new()))
        }));
    }
    link_modules(&[Arc::clone(&core1), Arc::clone(&main)], &v1).unwrap();
    assert_eq!(main.call("run", &[]).unwrap(), Scalar::Int(21));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "one call in flight in core v1"
    );
    assert_eq!(core1.in_flight(), 0, "drained after the call");

    // Version 2 of `core`: its own file, loaded beside version 1.
    let v2 = project(&[
        ("src/main.dast", MAIN),
        ("src/core.dast", &core(100)),
        ("src/probe.dast", PROBE),
    ]);
    let core2_path = build(module(&v2, "core"), &dir.0, "libcore.2.so", &[], &[]);
    let core2 = load(&core2_path, module(&v2, "core"), &group);
    assert!(
        mapped(&core1_path) && mapped(&core2_path),
        "both versions loaded"
    );
    assert_eq!(
        main.repoint(&core2).unwrap(),
        2,
        "both of main's imports of core"
    );
    *watched.lock().unwrap() = Arc::downgrade(&core2);
    assert_eq!(main.call("run", &[]).unwrap(), Scalar::Int(120));
    assert_eq!(seen.load(Ordering::SeqCst), 1, "the call ran in core v2");

    // Version 1 is drained and nothing points into it: dropping it closes the library.
    assert_eq!(core1.in_flight(), 0);
    let weak = Arc::downgrade(&core1);
    drop(core1);
    assert!(
        weak.upgrade().is_none(),
        "main's slots no longer hold version 1"
    );
    assert!(!mapped(&core1_path), "version 1's library is unmapped");
    assert!(mapped(&core2_path));
    assert_eq!(main.call("run", &[]).unwrap(), Scalar::Int(120));
}

#[test]
fn direct_calls_are_bound_by_the_dynamic_linker_and_behave_like_slots() {
    let dir = TempDir::new("direct");
    let files = [
        (
            "src/main.dast",
            "import core\nfn run(n: i64) -> i64 {\n let mut s = 0\n for i in 0..n { s = core.add(s, i) }\n s\n}\n\
             fn boom() -> i64 { core.fail(3) }\nfn main() {}\n",
        ),
        (
            "src/core.dast",
            "fn add(a: i64, b: i64) -> i64 { a + b }\nfn fail(x: i64) -> i64 { x / (x - 3) }\n",
        ),
    ];
    let modules = project(&files);
    let core_path = build(module(&modules, "core"), &dir.0, "libcore.so", &[], &[]);
    let main_path = build(
        module(&modules, "main"),
        &dir.0,
        "libmain.so",
        &["core"],
        std::slice::from_ref(&core_path),
    );
    let group = Group::new();
    // Loading `main` first: the dynamic linker brings `core` in as its dependency, and
    // loading `core` by path then finds that same library.
    let main = load(&main_path, module(&modules, "main"), &group);
    let core = load(&core_path, module(&modules, "core"), &group);
    link_modules(&[Arc::clone(&main), Arc::clone(&core)], &modules).unwrap();
    assert_eq!(
        main.call("run", &[Scalar::Int(1000)]).unwrap(),
        Scalar::Int(499500)
    );
    assert_eq!(core.in_flight(), 0, "direct calls are not counted");
    let Err(CallError::Panic(p)) = main.call("boom", &[]) else {
        panic!("expected a panic");
    };
    assert_eq!(p.message, "attempt to divide by zero");
    let frames: Vec<_> = p
        .trace
        .iter()
        .map(|f| (f.function.as_str(), f.line))
        .collect();
    assert_eq!(frames, [("fail", 2), ("boom", 7)], "{p}");
}

#[test]
fn an_import_cycle_runs_natively() {
    let dir = TempDir::new("cycle");
    let modules = project(&[
        (
            "src/main.dast",
            "import other\nfn even(n: i64) -> bool { if n == 0 { true } else { other.odd(n - 1) } }\nfn main() {}\n",
        ),
        (
            "src/other.dast",
            "import main\nfn odd(n: i64) -> bool { if n == 0 { false } else { main.even(n - 1) } }\n",
        ),
    ]);
    let group = Group::new();
    let other_path = build(module(&modules, "other"), &dir.0, "libother.so", &[], &[]);
    let main_path = build(
        module(&modules, "main"),
        &dir.0,
        "libmain.so",
        &["other"],
        std::slice::from_ref(&other_path),
    );
    let main = load(&main_path, module(&modules, "main"), &group);
    let other = load(&other_path, module(&modules, "other"), &group);
    link_modules(&[Arc::clone(&main), Arc::clone(&other)], &modules).unwrap();
    assert_eq!(
        main.call("even", &[Scalar::Int(101)]).unwrap(),
        Scalar::Bool(false)
    );
    assert_eq!(
        main.call("even", &[Scalar::Int(1000)]).unwrap(),
        Scalar::Bool(true)
    );
}
