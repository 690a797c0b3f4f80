//! The native backend's runtime side: loading the shared objects `dast-codegen` makes
//! and calling them, as wasmtime's runtime runs what its compiler made.
//!
//! ```text
//! compile(&Module, &Options) -> object bytes      (dast-codegen, re-exported here)
//! link_shared_object(&object, "libm.3.so")         (dast-codegen: cc/ld -shared -z text)
//! NativeModule::load("libm.3.so", &Module)         (load.rs: RTLD_NOW|RTLD_LOCAL, checks, init)
//! native.call("fib", &[Scalar::Int(32)])           -> Ok(Scalar) | Err(CallError::Panic)
//! ```
//!
//! What generated code does, its conventions and its optimizations are documented in
//! `dast-codegen`; the binary contract both sides keep (layouts, the runtime table,
//! symbols, [`ABI_VERSION`]) is `dast-abi`. Here:
//! - `load.rs`: [`NativeModule`] (open, check the ABI version, the module's identity and
//!   the heap layout before running any generated code, then `dast_init`), [`Group`]
//!   (modules that call one another: one lock, one reference stack of
//!   [`REF_STACK_SLOTS`] slots, one output, the [`ImportHandler`] for calls into
//!   bytecode and the [`HostHandler`] for `Registry*` requests), calls with
//!   words or host values, panics turned into [`Panic`]s with Dast traces (at most
//!   [`MAX_TRACE`] frames);
//! - `runtime.rs`: the runtime table generated code calls, over the interpreter's own
//!   instruction bodies (`dast_vm::native`), so both backends agree by construction;
//! - `hybrid.rs`: [`NativeCode`], a native module version as the foreign code of a VM
//!   instance (hybrid mode).
//!
//! # Next steps
//! - Run native calls on a runtime-owned thread with a large stack, so deep recursion
//!   gets the interpreter's depth rather than the host thread's.

mod call_state;
mod hybrid;
mod load;
mod runtime;

pub use dast_abi as abi;
pub use dast_abi::ABI_VERSION;
pub use dast_codegen::{
    compile, fingerprint, link_shared_object, link_shared_object_with, CompileError, LinkError,
    Options,
};
pub use hybrid::{serve_imports_from_vm, NativeCode};
pub use load::{
    library_hash, link_modules, CallError, DynHandler, DynRequest, Group, HostHandler,
    ImportHandler, ImportResult, LoadError, NativeModule, Panic, Scalar, TraceFrame,
    DEFAULT_STACK_BUDGET, MAX_TRACE, REF_STACK_SLOTS,
};
