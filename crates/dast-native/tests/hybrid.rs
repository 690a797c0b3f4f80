//! Native modules inside the runtime's registry (hybrid mode): calls both ways, and
//! reloads of a native module through the registry's transaction: the new library is
//! loaded beside the old one, state migrates, the old library is closed once its
//! version is unloaded, and a refused reload leaves the old version running with its
//! state.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::TempDir;
use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_native::{compile, link_shared_object, Group, NativeCode, NativeModule, Options};
use dast_runtime::{Registry, ReloadError};
use dast_vm::{Foreign, Value};

fn project(core: &str) -> Vec<Module> {
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert(
        "/p/src/main.dast".into(),
        "import core\nfn main() {}\nfn twice() -> i64 { core.bump(1) + core.bump(1) }\n\
         fn greet(s: String) -> String { format(\"<{}>\", s) }\n"
            .into(),
    );
    fs.files.insert("/p/src/core.dast".into(), core.to_string());
    let program = Program::discover(&fs, Path::new("/p")).unwrap();
    match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("{:#?}", f.diagnostics),
    }
}

fn core_source(step: i64, mode: &str) -> String {
    format!(
        "import main\nvar count: i64 = 0\nvar mode: {mode}\n\
         @hot_reload\nfn bump(by: i64) -> i64 {{ count += by * {step}\n count }}\n\
         fn shout(s: String) -> String {{ main.greet(format(\"{{}}!\", s)) }}\n"
    )
}

fn native(m: &Module, path: PathBuf, group: &Group) -> Arc<NativeCode> {
    let object = compile(m, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    link_shared_object(&object, &path).unwrap();
    let module = Arc::new(NativeModule::load_in(&path, m, group).unwrap());
    Arc::new(NativeCode::new(module).unwrap())
}

fn mapped(path: &Path) -> bool {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .contains(path.to_str().unwrap())
}

fn module<'a>(modules: &'a [Module], name: &str) -> &'a Module {
    modules.iter().find(|m| m.name == name).unwrap()
}

#[test]
fn a_native_module_reloads_through_the_registry_with_its_state() {
    let dir = TempDir::new("hybrid");
    let group = Group::new();
    dast_native::serve_imports_from_vm(&group);
    let v1 = project(&core_source(1, "i64 = 0"));
    let v1_path = dir.0.join("libcore.so");
    let code = native(module(&v1, "core"), v1_path.clone(), &group);
    group.activate(code.module()).unwrap();
    let labelled = v1.into_iter().map(|m| (m, "v1.0".to_string())).collect();
    let mut registry = Registry::with_foreign(labelled, |name| {
        (name == "core").then(|| Arc::clone(&code) as Arc<dyn Foreign>)
    })
    .unwrap();
    drop(code);
    registry.set_log(Box::new(Quiet));
    // Bytecode -> native, and native -> bytecode with a string both ways.
    // count: 1, then 2.
    assert_eq!(registry.call("main", "twice", &[]).unwrap(), Value::Int(3));
    let shout = registry.call("core", "shout", &[Value::Str("hi".into())]);
    assert_eq!(shout.unwrap(), Value::Str("<hi!>".into()));

    // Version 2: its own library, `count` carried over, the old library closed.
    let v2 = project(&core_source(10, "i64 = 0"));
    let v2_path = dir.0.join("libcore.2.so");
    let code2 = native(module(&v2, "core"), v2_path.clone(), &group);
    let core2 = module(&v2, "core").clone();
    registry
        .reload_foreign(core2, Some(code2 as Arc<dyn Foreign>))
        .unwrap();
    assert!(mapped(&v2_path));
    assert!(!mapped(&v1_path), "version 1's library is closed");
    // count carried over (2): 12, then 22.
    assert_eq!(registry.call("main", "twice", &[]).unwrap(), Value::Int(34));

    // A refused reload (a `var` whose type cannot migrate): version 2 keeps running
    // with its state, and the refused version's library is closed again.
    let bad = project(&core_source(100, "String = \"\""));
    let bad_path = dir.0.join("libcore.3.so");
    let bad_code = native(module(&bad, "core"), bad_path.clone(), &group);
    let err = registry
        .reload_foreign(
            module(&bad, "core").clone(),
            Some(bad_code as Arc<dyn Foreign>),
        )
        .unwrap_err();
    assert!(matches!(err, ReloadError::State(_)), "{err}");
    assert!(
        !mapped(&bad_path),
        "the refused version's library is closed"
    );
    // count 22: 32, then 42.
    assert_eq!(registry.call("main", "twice", &[]).unwrap(), Value::Int(74));
}

struct Quiet;

impl dast_runtime::LogSink for Quiet {
    fn log(&mut self, _level: dast_runtime::Level, _line: &str) {}
}

/// A native `core` with a `@shared` block and `add(n)` scaled by `step`.
fn shared_core(step: i64) -> String {
    format!(
        "@shared\n@abi_stable(1)\nstruct Totals {{ sum: i64, calls: i64 }}\n\
         @shared\nstatic mut TOTALS: Totals = Totals {{ sum: 0, calls: 0 }}\n\
         @hot_reload\nfn add(n: i64) -> i64 {{ unsafe {{ TOTALS.sum += n * {step}\n \
         TOTALS.calls += 1\n TOTALS.sum * 100 + TOTALS.calls }} }}\n"
    )
}

#[test]
fn native_versions_share_the_shared_memory_with_each_other_and_bytecode() {
    let dir = TempDir::new("hybrid-shared");
    let group = Group::new();
    dast_native::serve_imports_from_vm(&group);
    let files = |core: &str| {
        let mut fs = MemFs::default();
        fs.files
            .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
        fs.files.insert("/p/src/core.dast".into(), core.to_string());
        fs.files.insert(
            "/p/src/main.dast".into(),
            "import core\nfn main() {}\nfn add(n: i64) -> i64 { core.add(n) }\n".into(),
        );
        let program = Program::discover(&fs, Path::new("/p")).unwrap();
        match compile_program(&fs, program) {
            Ok(c) => c.modules,
            Err(f) => panic!("{:#?}", f.diagnostics),
        }
    };
    let v1 = files(&shared_core(1));
    let code = native(module(&v1, "core"), dir.0.join("libcore.so"), &group);
    group.activate(code.module()).unwrap();
    let labelled = v1.into_iter().map(|m| (m, "v1.0".to_string())).collect();
    let mut registry = Registry::with_foreign(labelled, |name| {
        (name == "core").then(|| Arc::clone(&code) as Arc<dyn Foreign>)
    })
    .unwrap();
    registry.set_log(Box::new(Quiet));
    drop(code);
    // Through bytecode `main` into native `core`: sum 5, 1 call.
    assert_eq!(
        registry.call("main", "add", &[Value::Int(5)]).unwrap(),
        Value::Int(501)
    );

    // v1 keeps a call running (draining) while native v2 becomes active.
    let old = registry.instance("core", 1).unwrap();
    registry.program_mut().begin_host_call(old);
    let v2 = files(&shared_core(10));
    let code2 = native(module(&v2, "core"), dir.0.join("libcore.2.so"), &group);
    registry
        .reload_foreign(module(&v2, "core").clone(), Some(code2 as Arc<dyn Foreign>))
        .unwrap();
    // v2 adds 10 * 1 to the same memory; v1 (draining) then adds 1 * 3 and sees it.
    assert_eq!(
        registry.call("core", "add", &[Value::Int(1)]).unwrap(),
        Value::Int(1502)
    );
    let via_old = registry.call_version("core", 1, "add", &[Value::Int(3)]);
    assert_eq!(via_old.unwrap(), Value::Int(1803));
    registry.program_mut().end_host_call(old);
    assert_eq!(registry.collect().len(), 1);
    assert_eq!(
        registry.program().shared_words("core", "TOTALS", 2),
        Some(vec![18, 3])
    );
}

#[test]
fn native_code_reenters_native_code_through_bytecode() {
    // core (native) -> main (bytecode) -> core (native) again, with strings on the way
    // down and back, twice nested: the inner calls run above the outer ones' frames on
    // the group's one reference stack.
    let dir = TempDir::new("hybrid-reentry");
    let group = Group::new();
    dast_native::serve_imports_from_vm(&group);
    let mut fs = MemFs::default();
    fs.files
        .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
    fs.files.insert(
        "/p/src/core.dast".into(),
        "import main\n\
         fn tag(s: String, depth: i64) -> String {\n\
             let mut keep = Vec.new()\n\
             keep.push(format(\"<{}\", depth))\n\
             if depth == 0 { return format(\"{}{}\", keep[0], s) }\n\
             let inner = main.down(s, depth - 1)\n\
             format(\"{}{}{}>\", keep[0], inner, keep.len())\n\
         }\n"
        .into(),
    );
    fs.files.insert(
        "/p/src/main.dast".into(),
        "import core\nfn main() {}\n\
         fn down(s: String, depth: i64) -> String { format(\"[{}]\", core.tag(s, depth)) }\n"
            .into(),
    );
    let program = Program::discover(&fs, Path::new("/p")).unwrap();
    let modules = match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("{:#?}", f.diagnostics),
    };
    let code = native(module(&modules, "core"), dir.0.join("libcore.so"), &group);
    group.activate(code.module()).unwrap();
    let labelled = modules
        .into_iter()
        .map(|m| (m, "v1.0".to_string()))
        .collect();
    let mut registry = Registry::with_foreign(labelled, |name| {
        (name == "core").then(|| Arc::clone(&code) as Arc<dyn Foreign>)
    })
    .unwrap();
    registry.set_log(Box::new(Quiet));
    let out = registry.call("core", "tag", &[Value::Str("x".into()), Value::Int(2)]);
    assert_eq!(out.unwrap(), Value::Str("<2[<1[<0x]1>]1>".into()));
    // A panic two re-entries deep comes back with every frame, and the group is usable.
    let deep = registry.call("core", "tag", &[Value::Str("x".into()), Value::Int(-1)]);
    assert!(deep.is_err());
    let again = registry.call("main", "down", &[Value::Str("y".into()), Value::Int(1)]);
    assert_eq!(again.unwrap(), Value::Str("[<1[<0y]1>]".into()));
}
