//! The code generator of the native backend: verified Dast bytecode -> Cranelift ->
//! object file -> shared object, as wasmtime compiles wasm. It depends on the bytecode
//! (`dast-bytecode`) and the binary contract with the runtime (`dast-abi`) only: it is
//! built and tested without the interpreter. Loading and calling the objects is
//! `dast-native`'s, whose tests compare every result with the interpreter (`dast-vm`).
//!
//! ```text
//! compile(&Module, &Options) -> object bytes      (compile.rs, translate.rs)
//! link_shared_object(&object, "libm.3.so")         (link.rs: cc/ld -shared -z text)
//! NativeModule::load("libm.3.so", &Module)         (load.rs: RTLD_NOW|RTLD_LOCAL, checks, init)
//! native.call("fib", &[Scalar::Int(32)])           -> Ok(Scalar) | Err(CallError::Panic)
//! ```
//!
//! # What compiles
//! Every instruction a verified module may hold (host intrinsics, `Registry*`, through
//! the group's host handler); [`CompileError::Unsupported`] guards against one the
//! backend has not learnt.
//!
//! The scalar subset is machine code: `Mov LoadI LoadK`, integer
//! arithmetic (`Add/Sub/Mul 32/64`, `AddImm*`, `DivS RemS DivU RemU` with the
//! division-by-zero panics, `Neg64`, bit operations, `Shl`/`Shr` with the masking of the
//! kind's width, `Norm`), integer and float comparisons, f32/f64 arithmetic and `%`,
//! `Cvt` (Rust `as`: saturating, NaN -> 0), `FUnary`/`FBinary`, every jump including
//! `JmpLtS JmpGeS LoopLt LoopLe`, `Call` within the module, `Ret`, and `LoadG`/`StoreG`
//! (through `Ctx::global_words`).
//!
//! Everything else (reference moves, strings, vectors, maps, `Format`, intrinsics,
//! reference globals, `Panic { msg }`) runs through the runtime table's `exec_one`,
//! which executes that one instruction with the interpreter's own code
//! (`dast_vm::native::NativeInstance::exec_one`, sharing `dast-vm/src/ops.rs` with the
//! interpreter loop), so both backends agree by construction. A function that uses
//! `exec_one` keeps its scalar registers in a stack slot (the VM's word layout) and
//! stores the registers the instruction reads before the call and reloads those it
//! writes after; its reference registers always live in memory, in a reference stack
//! the host owns (`dast_native::REF_STACK_SLOTS` slots), frames laid out exactly as the VM's
//! (`refs` of a callee = caller's `refs + window`), released by `Ret` as the VM's
//! (`ret_refs`) and, on a panic, by each frame as the panic passes (`clear_refs`).
//!
//! The hottest of those have inline fast paths (`translate/heap.rs`): `VecLen`,
//! `VecLoadW/StoreW`, `VecLoadB/StoreB`, `MovR`, `TakeR` and `ClearR` read the heap
//! objects' fields directly (offsets from `dast_abi::heap`) and call `exec_one`
//! only when the interpreter's instruction would fail (its panic message and trace),
//! for copy-on-write of a shared vector, or to release a reference.
//!
//! Exactness: every instruction computes the interpreter's bits (`dast-vm/src/exec.rs`).
//! Float operations with a single exact machine instruction (`+ - * /`, `sqrt`, `abs`,
//! comparisons, conversions, and `floor ceil trunc` with SSE4.1) are native; `%`, the
//! transcendental functions, `round`, `signum`, `fract`, `min`/`max` (NaN rules), `powi`,
//! `powf`, `hypot` and `atan2` call the same Rust functions the interpreter runs, through
//! the runtime table. `MIN / -1` wraps instead of faulting.
//!
//! # Modules, groups and calls between modules
//! Every loaded module has a host-owned [`dast_abi::ModuleData`] (its globals, its
//! interpreter state, its in-flight count) whose address `dast_init` keeps in a
//! module-local slot; generated code finds its own module there, never through the
//! context, so one [`dast_abi::Ctx`] serves a whole call across modules and a cross-module
//! call is an ordinary call of the callee's body. Modules that call one another are
//! loaded into one `dast_native::Group`: one lock (one call at a time in the group), one reference
//! stack, one output, so calls go from module to module with no locking or flushing,
//! and import cycles simply recurse.
//!
//! A `CallImport` is compiled one of two ways ([`Options::direct_imports`]):
//! - **direct** (release, hot reload off): `call` of the callee library's exported body
//!   [`dast_abi::export_symbol`], bound once by the dynamic linker when the caller is loaded
//!   (the caller is linked against the callee's library: `DT_NEEDED`, `RUNPATH
//!   $ORIGIN`). No table the runtime maintains, no count: the instruction sequence a C
//!   program compiled with `-fno-plt` uses to call into a shared library.
//! - **through a slot** (hot reload, hybrid, the back edge of an import cycle): an
//!   indirect call through the import's entry in the exported table
//!   [`dast_abi::SYM_IMPORT_SLOTS`]. The host points it (`dast_native::link_modules`,
//!   `dast_native::NativeModule::repoint`) at the callee version's *counted thunk*
//!   ([`dast_abi::thunk_symbol`]: in-flight count up, body, count down), so a replaced
//!   version is known to be drained when its count is zero; until then a slot holds its
//!   *host stub*, which calls the runtime's `call_import` and so the group's
//!   `dast_native::ImportHandler` (a module the host runs as bytecode).
//!
//! A panic's frames are recorded as `(module data, function, pc)` whichever module they
//! belong to, so traces cross modules as the interpreter's do.
//!
//! # Calling convention
//! Each bytecode function `i` becomes a module-local *body* `dast_fn_i` (platform C
//! convention, so direct calls, no PLT):
//!
//! ```text
//! body(ctx: *mut Ctx, [out: *mut u64,] refs: *mut RefSlot, p0: u64, .., pn: u64)
//!     -> (word0: u64, status: u64)
//! ```
//! `refs` is the function's reference frame: its reference parameters, then its other
//! reference registers; the reference results are left at its start. The entry passes
//! `ctx.ref_base`; `dast_native::NativeModule::call_values` converts host `dast_vm::Value`s both ways.
//! Parameters are the flattened parameter words (FORMAT.md's value layout); the first
//! result word comes back in the first return register and the status (0 ok, 1
//! panicking) in the second. A function with more than one result word (tuples,
//! structs, `&mut` parameters' final values) also takes `out`, where it stores result
//! words 1.. (the caller passes a stack slot). Bytecode registers are Cranelift
//! variables, so nothing lives in memory except those extra results. One difference
//! from the interpreter, invisible to compiled Dast: after a `Call`, window registers
//! past the results keep the arguments instead of the callee's scratch values.
//!
//! Each exported function also gets an exported *entry* with one fixed C signature,
//! [`dast_abi::EntryFn`]: `dast_entry_i(ctx, args: *const u64, results: *mut u64) -> u32`.
//!
//! # Panics
//! Generated code never unwinds (no unwind info is emitted, and a Rust panic must never
//! cross a generated frame). A panic is a return value:
//! 1. the faulting instruction jumps to a cold block that calls the runtime table's
//!    `panic(ctx, code, function, pc)` (which records it in the [`dast_abi::Ctx`]) and
//!    returns status 1;
//! 2. every caller tests the status after each call; when set, it calls
//!    `frame(ctx, function, pc_of_the_call)` and returns status 1 in turn;
//! 3. the entry returns the status to the host, which turns the recorded frames into a
//!    `dast_native::Panic` through the bytecode's line tables: the interpreter's message and
//!    `function (file:line:col)` frames, innermost first, elided past `dast_native::MAX_TRACE`.
//!
//! Messages are [`dast_abi::PanicCode`]s: division and remainder by zero, a helper's message
//! (`PanicCode::Message`, the text in the context: index out of bounds, `panic(..)`,
//! unwrap of `None`, ... exactly the VM's), and "stack
//! overflow": every body compares its stack pointer with `ctx.stack_limit` on entry
//! (the host sets it `dast_native::NativeModule::set_stack_budget` bytes below its own frame).
//!
//! # ABI version and identity
//! [`dast_abi::ABI_VERSION`] covers the conventions above, [`dast_abi::Ctx`]'s and
//! [`dast_abi::RuntimeTable`]'s layouts and the symbol names. An object exports
//! `DAST_ABI_VERSION` (u32), `DAST_MODULE_NAME` (C string) and
//! `DAST_MODULE_FINGERPRINT` (u64 hash of the module's `.dbc` encoding);
//! `dast_native::NativeModule::load` opens with `RTLD_NOW | RTLD_LOCAL` and refuses a missing or
//! different version, another module's object, or an object of other bytecode, before
//! running any generated code. Then it calls `dast_init(&RuntimeTable)`, which keeps the
//! table pointer in a module-local slot: host functions are handed over, never
//! imported by name, so objects link with no undefined symbols at all.
//!
//! # Optimizations
//! - Small scalar functions are inlined into their callers within a module (`inline.rs`,
//!   two rounds, only when optimizing), keeping each instruction's origin for traces.
//! - A reference loaded into a temporary, read once and cleared runs as one
//!   `exec_borrowed` call that borrows the object (`translate/borrow.rs`).
//! - The hottest vector and reference instructions have inline fast paths
//!   (`translate/heap.rs`), and so do `VecPush` (`heap/push.rs`) and `StrPush`
//!   (`heap/strings.rs`) when the object is unique and has room; word-keyed maps call
//!   the runtime's `map_find_word`/`map_insert_word` directly (`heap/maps.rs`).
//! - A loop that uses a vector known before it gets the vector's word fields loaded and
//!   the vector made unique on entry (`heap/flow.rs`, upgrades), so its iterations
//!   neither reload the fields nor check the count.
//! - A vector word feeding `f64` arithmetic is loaded as a float, and a float result is
//!   stored as one, so floats do not travel through integer registers.
//!
//! # Next steps
//! - Speed: recursion-heavy code (fib is 2.1x C: gcc turns the second recursive call
//!   into a loop); a map layout with fewer cache misses per lookup; a loop's
//!   element-offset checks (`off < wpe`) are still made once per iteration.
//! - Compile speed: the fast paths made the backend about a fifth slower per line.

#![forbid(unsafe_code)]

mod compile;
mod inline;
mod link;
mod subset;
mod translate;

pub use compile::{compile, fingerprint, CompileError, Options};
pub use link::{link_shared_object, link_shared_object_with, LinkError};
