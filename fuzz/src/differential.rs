//! Differential execution: a generated program ([`crate::gen`]) runs on the VM and as
//! machine code (built with limits), each with the same fuel; their printed output,
//! their result, and on a panic its message and trace must be the same.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use dast_compiler::{compile_program, MemFs, Program};

const MANIFEST: &str = "[package]\nname = \"p\"\n";

/// Jumps and calls (VM) or function entries and back edges (machine code) per run:
/// generated programs need far less; one that uses it all is left uncompared.
pub const FUEL: u64 = 2_000_000;

/// What one backend did with `main`: its output and its result or panic text.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub output: String,
    pub result: Result<String, String>,
}

impl Run {
    fn out_of_fuel(&self) -> bool {
        matches!(&self.result, Err(e) if e.contains("exceeded its fuel"))
    }
}

/// The verdict on one program.
pub enum Verdict {
    /// It did not compile (a generator bug when the program was generated).
    NotCompiled(String),
    /// One side ran out of fuel: nothing to compare.
    OutOfFuel,
    /// Both sides agree.
    Agree(Run),
}

/// An output sink both backends write to.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn take(&self) -> String {
        String::from_utf8_lossy(&std::mem::take(&mut *self.0.lock().unwrap())).into_owned()
    }
}

/// Compiles `source` as `src/main.dast` of a project: module `main`, or the rendered
/// diagnostics.
pub fn bytecode(source: &str) -> Result<dast_bytecode::Module, String> {
    let mut fs = MemFs::default();
    fs.files.insert("/p/dast.toml".into(), MANIFEST.into());
    fs.files
        .insert("/p/src/main.dast".into(), source.to_string());
    let program = Program::discover(&fs, Path::new("/p")).map_err(|e| e.to_string())?;
    match compile_program(&fs, program) {
        Ok(c) => Ok(c
            .modules
            .into_iter()
            .find(|m| m.name == "main")
            .expect("module main")),
        Err(f) => Err(crate::frontend::render(&f.sources, &f.diagnostics)),
    }
}

fn run_vm(m: &dast_bytecode::Module) -> Run {
    let mut program = dast_vm::link(vec![m.clone()]).expect("a compiled module links");
    let out = Capture::default();
    program.set_output(Box::new(out.clone()));
    program.set_limits(dast_vm::Limits {
        fuel: Some(FUEL),
        timeout: None,
        heap: None,
    });
    let result = match program.init() {
        Err(p) => Err(format!("init: {p}")),
        Ok(()) => program
            .call("main", "main", &[])
            .map(|v| format!("{v:?}"))
            .map_err(|p| p.to_string()),
    };
    Run {
        output: out.take(),
        result,
    }
}

/// One directory per process for the libraries, each library removed once loaded.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("dast-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir
    })
}

fn run_native(m: &dast_bytecode::Module, optimize: bool) -> Run {
    static N: AtomicU64 = AtomicU64::new(0);
    let opts = dast_native::Options {
        optimize,
        // Cranelift's verifier took a quarter of the time; malformed IR still shows as a
        // crash or a difference.
        verify_ir: false,
        limits: true,
        ..dast_native::Options::default()
    };
    let object = dast_native::compile(m, &opts)
        .unwrap_or_else(|e| panic!("verified bytecode does not compile to machine code: {e}"));
    let path = scratch().join(format!("libmain.{}.so", N.fetch_add(1, Ordering::Relaxed)));
    dast_native::link_shared_object(&object, &path).unwrap_or_else(|e| panic!("link: {e}"));
    let loaded = dast_native::NativeModule::load(&path, m);
    let _ = std::fs::remove_file(&path);
    let module = loaded.unwrap_or_else(|e| panic!("load: {e}"));
    let out = Capture::default();
    module.set_output(Box::new(out.clone()));
    module.group().set_limits(dast_vm::Limits {
        fuel: Some(FUEL),
        timeout: None,
        heap: None,
    });
    let text = |e: dast_native::CallError| match e {
        dast_native::CallError::Panic(p) => p.to_string(),
        other => format!("not a panic: {other}"),
    };
    let result = match module.init() {
        Err(e) => Err(format!("init: {}", text(e))),
        Ok(()) => module
            .call_values("main", &[])
            .map(|v| format!("{v:?}"))
            .map_err(text),
    };
    Run {
        output: out.take(),
        result,
    }
}

/// Runs `source` on both backends and panics, showing the program, when they differ.
pub fn check(source: &str, optimize: bool) -> Verdict {
    let m = match bytecode(source) {
        Ok(m) => m,
        Err(diags) => return Verdict::NotCompiled(diags),
    };
    let vm = run_vm(&m);
    let native = run_native(&m, optimize);
    if vm.out_of_fuel() || native.out_of_fuel() {
        return Verdict::OutOfFuel;
    }
    if vm != native {
        panic!(
            "the VM and machine code (optimize: {optimize}) differ on\n{source}\n\
             --- VM: {:?}\n{}\n--- native: {:?}\n{}",
            vm.result, vm.output, native.result, native.output
        );
    }
    Verdict::Agree(vm)
}
