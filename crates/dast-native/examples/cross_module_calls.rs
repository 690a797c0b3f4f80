//! Runs `bench/cross-module` (20 million calls from module `main` into module `ops`)
//! natively with its cross-module calls compiled either way, to compare them:
//!
//! ```text
//! cargo build --release -p dast-native --example cross_module_calls
//! valgrind --tool=callgrind --toggle-collect='dast_fn.main.main' \
//!     target/release/examples/cross_module_calls direct      # release: hot reload off
//! valgrind --tool=callgrind --toggle-collect='dast_fn.main.main' \
//!     target/release/examples/cross_module_calls slots       # hot reload on
//! ```
//! `--toggle-collect` counts only the instructions run inside `main` and what it
//! calls, not the compiler's. Without valgrind it prints the wall time of the run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use dast_compiler::{compile, RealFs};
use dast_native::{compile as compile_native, link_modules, Group, NativeModule, Options};

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "direct".into());
    let direct = match mode.as_str() {
        "direct" => true,
        "slots" => false,
        other => {
            eprintln!("usage: cross_module_calls direct|slots (not `{other}`)");
            std::process::exit(2);
        }
    };
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/cross-module");
    let compiled = match compile(&RealFs, &project) {
        Ok(Ok(c)) => c,
        _ => panic!("bench/cross-module does not compile"),
    };
    let dir = std::env::temp_dir().join(format!("dast-cross-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let ops = compiled.modules.iter().find(|m| m.name == "ops").unwrap();
    let main = compiled.modules.iter().find(|m| m.name == "main").unwrap();
    let ops_path = build(ops, &dir, BTreeSet::new(), &[]);
    let direct_imports = if direct {
        BTreeSet::from(["ops".to_string()])
    } else {
        BTreeSet::new()
    };
    let main_path = build(main, &dir, direct_imports, std::slice::from_ref(&ops_path));
    let group = Group::new();
    let ops_native = Arc::new(NativeModule::load_in(&ops_path, ops, &group).unwrap());
    let main_native = Arc::new(NativeModule::load_in(&main_path, main, &group).unwrap());
    link_modules(
        &[Arc::clone(&ops_native), Arc::clone(&main_native)],
        &compiled.modules,
    )
    .unwrap();
    let start = Instant::now();
    main_native.call_values("main", &[]).unwrap();
    eprintln!("{mode}: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    let _ = std::fs::remove_dir_all(&dir);
}

fn build(
    m: &dast_bytecode::Module,
    dir: &Path,
    direct_imports: BTreeSet<String>,
    needed: &[PathBuf],
) -> PathBuf {
    let opts = Options {
        verify_ir: false,
        direct_imports,
        ..Options::default()
    };
    let object = compile_native(m, &opts).unwrap();
    let path = dir.join(format!("lib{}.so", m.name));
    let needed = if opts.direct_imports.is_empty() {
        &[]
    } else {
        needed
    };
    dast_native::link_shared_object_with(&object, &path, needed).unwrap();
    path
}
