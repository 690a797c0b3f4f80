//! Dast source -> bytecode (in memory) -> native module in a temporary directory, and
//! the same bytecode on the interpreter for comparison.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_native::{compile, link_shared_object, NativeModule, Options};
use dast_vm::Value;

const MANIFEST: &str = "[package]\nname = \"p\"\n";

/// The bytecode of module `main` of a project whose `src/main.dast` is `source`.
pub fn bytecode(source: &str) -> Module {
    let mut fs = MemFs::default();
    fs.files.insert("/p/dast.toml".into(), MANIFEST.into());
    fs.files
        .insert("/p/src/main.dast".into(), source.to_string());
    let program = Program::discover(&fs, Path::new("/p")).expect("project");
    let compiled = match compile_program(&fs, program) {
        Ok(c) => c,
        Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
    };
    compiled
        .modules
        .into_iter()
        .find(|m| m.name == "main")
        .expect("module main")
}

/// A directory of its own per test process, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("dast-native-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A loaded native module with the directory its library lives in (kept alive beside
/// it; field order drops the library before the directory).
pub struct Native {
    pub module: NativeModule,
    pub bytecode: Module,
    pub dir: TempDir,
}

pub fn native_with(source: &str, opts: &Options) -> Native {
    let bytecode = bytecode(source);
    let object = compile(&bytecode, opts).unwrap_or_else(|e| panic!("{e}"));
    let dir = TempDir::new("lib");
    let path = dir.0.join("libmain.1.so");
    link_shared_object(&object, &path).unwrap_or_else(|e| panic!("{e}"));
    let module = NativeModule::load(&path, &bytecode).unwrap_or_else(|e| panic!("{e}"));
    Native {
        module,
        bytecode,
        dir,
    }
}

pub fn native(source: &str) -> Native {
    native_with(source, &Options::default())
}

/// The interpreter, linked and initialized, on the same bytecode.
pub fn vm(bytecode: &Module) -> dast_vm::Program {
    let mut program = dast_vm::link(vec![bytecode.clone()]).expect("link");
    program.init().expect("init");
    program
}

/// A VM value as the word the native side returns (scalars only).
pub fn word_of(value: &Value) -> u64 {
    match *value {
        Value::Unit => 0,
        Value::Bool(b) => b as u64,
        Value::Int(i) => i as u64,
        Value::UInt(u) => u,
        Value::Float(x) => x.to_bits(),
        Value::Char(c) => c as u64,
        ref other => panic!("not a scalar: {other:?}"),
    }
}

/// An output sink both backends can write to; read back with `take`.
#[derive(Clone, Default)]
pub struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

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
    pub fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
    }
}

/// Both backends on one program, compared call by call.
pub struct Pair {
    pub native: Native,
    pub native_out: Capture,
    pub vm: dast_vm::Program,
    pub vm_out: Capture,
}

impl Pair {
    pub fn new(source: &str) -> Pair {
        let native = native(source);
        let native_out = Capture::default();
        native.module.set_output(Box::new(native_out.clone()));
        native.module.init().expect("native init");
        let mut vm = dast_vm::link(vec![native.bytecode.clone()]).expect("link");
        let vm_out = Capture::default();
        vm.set_output(Box::new(vm_out.clone()));
        vm.init().expect("vm init");
        assert_eq!(native_out.take(), vm_out.take(), "init output");
        Pair {
            native,
            native_out,
            vm,
            vm_out,
        }
    }

    /// Calls `func` on both backends, asserts the same output and result (or the same
    /// panic message and trace), and returns the result.
    pub fn agree(&mut self, func: &str, args: &[Value]) -> Result<Value, String> {
        let expected = self.vm.call("main", func, args).map_err(|p| p.to_string());
        let expected = (self.vm_out.take(), expected);
        let got = self
            .native
            .module
            .call_values(func, args)
            .map_err(|e| match e {
                dast_native::CallError::Panic(p) => p.to_string(),
                other => format!("not a panic: {other}"),
            });
        let got = (self.native_out.take(), got);
        assert_eq!(got, expected, "{func}{args:?}: native (left) vs vm (right)");
        got.1
    }
}
