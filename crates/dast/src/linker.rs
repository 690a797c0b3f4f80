//! Host functions: Rust functions that Dast code calls, in the style of wasmtime's
//! `Linker::func_wrap`. A module declares each one with its Dast signature,
//!
//! ```text
//! // src/render.dast
//! host fn rect(x: f32, y: f32, w: f32, h: f32)
//! host fn key_down(key: String) -> bool
//! ```
//!
//! and the host registers a closure of the same signature under the module's and the
//! function's names before loading the program:
//!
//! ```no_run
//! let mut linker = dast::Linker::new();
//! linker.func_wrap("render", "rect", |x: f32, y: f32, w: f32, h: f32| {
//!     println!("rect at {x},{y} size {w}x{h}");
//! });
//! linker.func_wrap("render", "key_down", |key: String| key == "space");
//! let runtime = linker.load_project("game")?;
//! # Ok::<(), dast::Error>(())
//! ```
//!
//! Loading checks every declaration against the registered functions (a missing one,
//! or one registered with other types, is refused with both signatures), and so does
//! every reload. Calls reach the closure from bytecode and machine code alike, on
//! whichever thread runs the Dast code; a closure may call back into Dast (capture a
//! [`crate::Runtime`] set after loading, e.g. in a `OnceLock`). A panic in the closure
//! becomes a Dast panic at the call, with the Dast stack trace.

use std::path::Path;
use std::sync::Arc;

use dast_bytecode::Module;
use dast_vm::{HostFn, HostFns, Value};

use crate::typed::{FromValue, ToValue};
use std::collections::HashMap;

use crate::native::NativeModules;
use crate::{source, Error, Mode, Runtime};

/// The host functions a program may call, and the loaders that check them.
#[derive(Clone, Default)]
pub struct Linker {
    fns: HostFns,
}

impl Linker {
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Registers `f` as `host fn NAME` of module `module`. Its Rust parameter and
    /// result types give the Dast signature it serves (`f32` -> `f32`, `String` ->
    /// `String`, `()` -> `()`...).
    pub fn func_wrap<Args, R>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoHostFn<Args, R>,
    ) -> &mut Linker {
        self.fns.insert(module, name, f.into_host_fn(module, name));
        self
    }

    /// [`Runtime::load_project`] with these host functions.
    pub fn load_project(&self, path: impl AsRef<Path>) -> Result<Runtime, Error> {
        self.from_modules(source::compile_project(path.as_ref())?)
    }

    /// [`Runtime::load_project_in`] with these host functions.
    pub fn load_project_in(&self, path: impl AsRef<Path>, mode: Mode) -> Result<Runtime, Error> {
        let compiled = source::compile_project_in(path.as_ref())?;
        let (profile_name, all) = match mode {
            Mode::Bytecode => return self.from_modules(compiled.modules),
            Mode::Native => ("release", true),
            Mode::Hybrid => ("hybrid", false),
        };
        let profile = compiled
            .program
            .profile(profile_name)
            .ok_or_else(|| Error::Load(format!("no `{profile_name}` profile")))?;
        let native: HashMap<String, bool> = compiled
            .modules
            .iter()
            .map(|m| (m.name.clone(), profile.for_module(&m.name)))
            .filter(|(_, settings)| all || !settings.bytecode)
            .map(|(name, settings)| (name, settings.opt_level > 0))
            .collect();
        let dir = compiled.program.target_dir("embed");
        let native = NativeModules::new(dir, native, Box::new(std::io::stdout()));
        Runtime::start_with(compiled.modules, self.fns.clone(), Some(native))
    }

    /// [`Runtime::from_modules`] with these host functions.
    pub fn from_modules(&self, modules: Vec<Module>) -> Result<Runtime, Error> {
        Runtime::start(modules, self.fns.clone())
    }

    /// [`Runtime::load_dbc`] with these host functions.
    pub fn load_dbc<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Runtime, Error> {
        let paths: Vec<P> = paths.into_iter().collect();
        let refs: Vec<&Path> = paths.iter().map(|p| p.as_ref()).collect();
        self.from_modules(source::decode_files(&refs)?)
    }
}

/// A Rust closure that can serve a `host fn`: `Fn(A, B, ..) -> R` with up to six
/// parameters of [`FromValue`] types and a [`ToValue`] result.
pub trait IntoHostFn<Args, R> {
    fn into_host_fn(self, module: &str, name: &str) -> HostFn;
}

/// Runs a host closure, turning its panic into the error a Dast panic is made of.
fn guarded(what: &str, f: impl FnOnce() -> Result<Value, String>) -> Result<Value, String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            Err(format!("host function `{what}` panicked: {text}"))
        }
    }
}

fn arg<T: FromValue>(args: &[Value], i: usize) -> Result<T, String> {
    let v = args
        .get(i)
        .cloned()
        .ok_or_else(|| format!("host function called without argument {}", i + 1))?;
    T::from_value(v).map_err(|e| e.to_string())
}

macro_rules! host_fn_arity {
    ($($a:ident $i:tt),*) => {
        impl<F, R, $($a),*> IntoHostFn<($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: ToValue,
            $($a: FromValue,)*
        {
            #[allow(unused_variables)]
            fn into_host_fn(self, module: &str, name: &str) -> HostFn {
                let what = format!("{module}.{name}");
                HostFn {
                    params: vec![$($a::DAST_TYPE.to_string()),*],
                    ret: R::DAST_TYPE.to_string(),
                    body: Arc::new(move |args: &[Value]| {
                        guarded(&what, || Ok(self($(arg::<$a>(args, $i)?),*).to_value()))
                    }),
                }
            }
        }
    };
}

host_fn_arity!();
host_fn_arity!(A 0);
host_fn_arity!(A 0, B 1);
host_fn_arity!(A 0, B 1, C 2);
host_fn_arity!(A 0, B 1, C 2, D 3);
host_fn_arity!(A 0, B 1, C 2, D 3, E 4);
host_fn_arity!(A 0, B 1, C 2, D 3, E 4, G 5);
