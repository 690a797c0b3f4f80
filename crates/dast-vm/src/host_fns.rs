//! Host functions: Rust functions a host registers for the `host fn` declarations of
//! Dast modules (`host fn rect(x: f32, y: f32, w: f32, h: f32)` in module `render`).
//!
//! A `host fn` compiles to a function of its module whose whole body is the `HostFn`
//! intrinsic: calls to it are ordinary calls (from the module, or imports from other
//! modules, in bytecode and machine code alike), and the intrinsic hands the arguments
//! to the function registered under `render.rect` as host values ([`Value`]), then
//! writes its result back. The program serves it itself, from the table set with
//! [`Program::set_host_fns`] (shared by its workers), without asking its [`crate::Host`]:
//! a host function may therefore call back into Dast (a nested call on the same
//! machine, or on another thread's).
//!
//! A declaration the table lacks, or registered with another signature, is refused
//! when the module is loaded ([`HostFns::check`]: at start, and for a new version at its
//! reload), not at its first call.

use std::fmt;
use std::sync::Arc;

use dast_bytecode::{type_name, Inst, Intrinsic, Module};
use rustc_hash::FxHashMap;

use crate::{Program, Value};

/// The Rust side of one host function: its arguments in, its result (or an error,
/// which panics in the calling Dast code) out.
pub type HostFnBody = dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync;

/// One registered host function with the Dast signature it serves (types spelled as
/// [`crate::FunctionSignature`] spells them: `f32`, `String`, `()`).
#[derive(Clone)]
pub struct HostFn {
    pub params: Vec<String>,
    pub ret: String,
    pub body: Arc<HostFnBody>,
}

impl fmt::Debug for HostFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostFn({}) -> {}", self.params.join(", "), self.ret)
    }
}

/// The host functions of a program, by module and function name.
#[derive(Clone, Debug, Default)]
pub struct HostFns {
    fns: FxHashMap<(String, String), HostFn>,
}

/// Why a module's `host fn` declarations cannot be served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostFnError {
    /// Declared by the module, not registered by the host.
    Missing {
        module: String,
        func: String,
        declared: String,
    },
    /// Registered with another signature.
    Signature {
        module: String,
        func: String,
        declared: String,
        registered: String,
    },
}

impl fmt::Display for HostFnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostFnError::Missing {
                module,
                func,
                declared,
            } => write!(
                f,
                "module `{module}` declares `host fn {func}{declared}`, but the host provides \
                 no `{module}.{func}` (a Rust host registers it with `Linker::func_wrap(\"{module}\", \
                 \"{func}\", ..)`; `dast run` provides no host functions)"
            ),
            HostFnError::Signature {
                module,
                func,
                declared,
                registered,
            } => write!(
                f,
                "module `{module}` declares `host fn {func}{declared}`, but the host registered \
                 `{module}.{func}` as `fn{registered}`"
            ),
        }
    }
}

impl std::error::Error for HostFnError {}

impl HostFns {
    pub fn new() -> HostFns {
        HostFns::default()
    }

    /// Registers (or replaces) `module.func`.
    pub fn insert(&mut self, module: &str, func: &str, f: HostFn) {
        self.fns.insert((module.to_string(), func.to_string()), f);
    }

    pub fn get(&self, module: &str, func: &str) -> Option<&HostFn> {
        // A lookup by borrowed parts, without building the key's strings.
        self.fns
            .iter()
            .find(|((m, f), _)| m == module && f == func)
            .map(|(_, f)| f)
    }

    pub fn is_empty(&self) -> bool {
        self.fns.is_empty()
    }

    /// Every `host fn` module `m` declares is registered, with its signature.
    pub fn check(&self, m: &Module) -> Result<(), HostFnError> {
        for (func, params, ret) in declared_host_fns(m) {
            let declared = format!("({}) -> {ret}", params.join(", "));
            let Some(f) = self.get(&m.name, &func) else {
                return Err(HostFnError::Missing {
                    module: m.name.clone(),
                    func,
                    declared,
                });
            };
            if f.params != params || f.ret != ret {
                return Err(HostFnError::Signature {
                    module: m.name.clone(),
                    func,
                    declared,
                    registered: format!("({}) -> {}", f.params.join(", "), f.ret),
                });
            }
        }
        Ok(())
    }

    /// Calls `module.func` with `args`.
    pub fn call(&self, module: &str, func: &str, args: &[Value]) -> Result<Value, String> {
        match self.get(module, func) {
            Some(f) => (f.body)(args),
            None => Err(format!(
                "the host provides no host function `{module}.{func}`"
            )),
        }
    }
}

/// The `host fn`s module `m` declares: name, parameter types and return type.
pub fn declared_host_fns(m: &Module) -> Vec<(String, Vec<String>, String)> {
    m.functions
        .iter()
        .filter(|f| {
            matches!(
                f.code.first(),
                Some(Inst::Intrinsic {
                    op: Intrinsic::HostFn,
                    ..
                })
            )
        })
        .map(|f| {
            let params = f
                .sig
                .params
                .iter()
                .map(|t| type_name(&m.types, *t))
                .collect();
            (f.name.clone(), params, type_name(&m.types, f.sig.ret))
        })
        .collect()
}

impl Program {
    /// The host functions this program's `host fn` declarations call (shared with its
    /// workers, made before or after). Checks every module loaded now against them.
    pub fn set_host_fns(&mut self, fns: HostFns) -> Result<(), HostFnError> {
        for inst in self.view.iter().filter(|i| !i.unloaded) {
            fns.check(&inst.m)?;
        }
        let fns = Arc::new(fns);
        *crate::core::lock(&self.core.host_fns) = fns.clone();
        self.host_fns = fns;
        Ok(())
    }

    /// The host functions the program serves.
    pub fn host_fns(&self) -> &HostFns {
        &self.host_fns
    }
}
