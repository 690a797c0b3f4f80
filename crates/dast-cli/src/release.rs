//! `--mode=release`: every module compiled to native code (`dast-native`) and linked
//! into `lib<module>.so`; `run` loads them and calls `main` natively.

use std::path::{Path, PathBuf};

use dast_bytecode::Module;
use dast_native::{CompileError, NativeModule, Options};

use crate::commands::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_PANIC};

/// Machine stack of the thread native code runs on, and how much of it a call may use
/// before it panics "stack overflow".
const RUN_STACK: usize = 256 * 1024 * 1024;
const RUN_STACK_BUDGET: usize = RUN_STACK - 4 * 1024 * 1024;

/// The shared object of `module` in `dir`.
pub fn library_path(dir: &Path, module: &str) -> PathBuf {
    dir.join(format!("lib{module}.so"))
}

/// Compiles and links every module into `dir`; returns the library paths in module
/// order. Errors are printed; the result is the exit status.
pub fn build_modules(modules: &[Module], dir: &Path) -> Result<Vec<PathBuf>, u8> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return Err(EXIT_COMPILE_ERROR);
    }
    let opts = Options {
        verify_ir: false,
        ..Options::default()
    };
    let mut paths = Vec::new();
    for m in modules {
        let object = dast_native::compile(m, &opts).map_err(|e| {
            match &e {
                CompileError::Unsupported { .. } => eprintln!(
                    "error: module `{}` cannot be built in release mode: {e}\n\
                     note: use `--mode=dev` (bytecode) for this program",
                    m.name
                ),
                _ => eprintln!("error: module `{}`: {e}", m.name),
            }
            EXIT_COMPILE_ERROR
        })?;
        let out = library_path(dir, &m.name);
        dast_native::link_shared_object(&object, &out).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_COMPILE_ERROR
        })?;
        paths.push(out);
    }
    Ok(paths)
}

/// Loads the libraries built from `modules`, runs every module's `init`, then `main`
/// of `entry`, on a thread with a large stack. Returns the exit status.
pub fn run_native(modules: Vec<Module>, paths: Vec<PathBuf>, entry: String) -> u8 {
    let worker = std::thread::Builder::new()
        .name("dast-main".into())
        .stack_size(RUN_STACK)
        .spawn(move || run_loaded(&modules, &paths, &entry));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            eprintln!("error: internal error: the native runtime panicked");
            EXIT_PANIC
        }
        Err(e) => {
            eprintln!("error: cannot start the native thread: {e}");
            EXIT_COMPILE_ERROR
        }
    }
}

fn run_loaded(modules: &[Module], paths: &[PathBuf], entry: &str) -> u8 {
    let mut loaded = Vec::new();
    for (m, path) in modules.iter().zip(paths) {
        match NativeModule::load(path, m) {
            Ok(mut native) => {
                native.set_stack_budget(RUN_STACK_BUDGET);
                loaded.push(std::sync::Arc::new(native));
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_COMPILE_ERROR;
            }
        }
    }
    if let Err(e) = dast_native::link_modules(&loaded, modules) {
        eprintln!("error: {e}");
        return EXIT_COMPILE_ERROR;
    }
    for native in &loaded {
        if let Err(e) = native.init() {
            return report(&e);
        }
    }
    let Some(main) = loaded.iter().find(|n| n.name() == entry) else {
        eprintln!("error: no module `{entry}`");
        return EXIT_COMPILE_ERROR;
    };
    match main.call_values("main", &[]) {
        Ok(_) => EXIT_OK,
        Err(e) => report(&e),
    }
}

fn report(e: &dast_native::CallError) -> u8 {
    match e {
        dast_native::CallError::Panic(p) => {
            let trace: Vec<dast_vm::TraceFrame> = p
                .trace
                .iter()
                .map(|f| dast_vm::TraceFrame {
                    function: f.function.clone(),
                    file: f.file.clone(),
                    line: f.line,
                    col: f.col,
                })
                .collect();
            crate::commands::report_panic(&dast_vm::Panic {
                message: p.message.clone(),
                trace,
            });
            EXIT_PANIC
        }
        other => {
            eprintln!("error: {other}");
            EXIT_COMPILE_ERROR
        }
    }
}

/// A fresh directory for a run's libraries, removed on drop.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new() -> std::io::Result<ScratchDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dast-release-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
