//! The binary contract between Dast's generated machine code and its runtime (after
//! Mun's `mun_abi` and wasmtime's `environ`): symbol names, the ABI version, the call
//! context ([`Ctx`]), a module version's data ([`ModuleData`]), the runtime function
//! table ([`RuntimeTable`]) and the layouts of the heap objects generated code reads
//! ([`heap`]).
//!
//! This crate is a leaf: the code generator (`dast-codegen`) and the runtime
//! (`dast-vm`, the loader in `dast-native`) both depend on it and on nothing of each
//! other. Everything here is `#[repr(C)]` with `const` offsets, and the runtime's own
//! types are checked against it with `const` assertions, so a layout cannot drift
//! without failing to compile. Any change of a layout, a symbol or a calling
//! convention bumps [`ABI_VERSION`].

#![forbid(unsafe_code)]

pub mod heap;

use std::ffi::c_void;
use std::mem::offset_of;

/// Version of the native ABI. A shared object exports it as `DAST_ABI_VERSION` (u32);
/// the loader (`dast_native::NativeModule::load`) refuses any other value.
pub const ABI_VERSION: u32 = 11;

/// Exported `u32`: the ABI version the object was compiled for.
pub const SYM_ABI_VERSION: &str = "DAST_ABI_VERSION";
/// Exported NUL-terminated bytes: the module's registry name.
pub const SYM_MODULE_NAME: &str = "DAST_MODULE_NAME";
/// Exported `u64`: [`heap::FINGERPRINT`], the heap layout the object's inline fast
/// paths read.
pub const SYM_HEAP_LAYOUT: &str = "DAST_HEAP_LAYOUT";
/// Exported `u64`: a digest of the bytecode the object was compiled from
/// (`dast_codegen::fingerprint`).
pub const SYM_FINGERPRINT: &str = "DAST_MODULE_FINGERPRINT";
/// Exported `extern "C" fn(*const RuntimeTable, *mut ModuleData)`: called once, right
/// after loading.
pub const SYM_INIT: &str = "dast_init";
/// Module-local data: the runtime table pointer `dast_init` stores.
pub const SYM_TABLE_SLOT: &str = "dast_runtime_table";
/// Module-local data: the [`ModuleData`] pointer `dast_init` stores.
pub const SYM_MODULE_SLOT: &str = "dast_module_data";
/// Exported data: one function pointer per import, read by every `CallImport` compiled
/// through slots (see `dast_codegen::Options::direct_imports`). Each starts at the import's
/// *host stub* (a local function calling [`RuntimeTable::call_import`]); the host
/// re-points it at the callee's counted thunk ([`thunk_symbol`]) when it links a native
/// callee, and again when that callee is reloaded.
pub const SYM_IMPORT_SLOTS: &str = "DAST_IMPORT_SLOTS";

/// The exported body of function `name` of module `module`, which other modules call
/// directly when they were compiled with the callee in
/// `dast_codegen::Options::direct_imports` (the dynamic linker binds the call once, at
/// load).
pub fn export_symbol(module: &str, name: &str) -> String {
    format!("dast_fn.{module}.{name}")
}

/// The exported *counted thunk* of function `index`: same convention as its body;
/// counts the call in [`ModuleData::in_flight`] for its duration. Slots point here.
pub fn thunk_symbol(index: u32) -> String {
    format!("dast_thunk_{index}")
}

/// The module-local host stub of import `index` (body convention, calls the host).
pub fn host_stub_symbol(index: u32) -> String {
    format!("dast_host_stub_{index}")
}

/// The exported entry point of bytecode function `index` (see [`EntryFn`]).
pub fn entry_symbol(index: u32) -> String {
    format!("dast_entry_{index}")
}

/// The module-local body of bytecode function `index`.
pub fn body_symbol(index: u32) -> String {
    format!("dast_fn_{index}")
}

/// An entry point: `args` holds the parameters' words, `results` receives the results'
/// words (return value, then `&mut` parameters); returns [`STATUS_OK`] or
/// [`STATUS_PANIC`] (then `ctx` holds the panic and `results` is unspecified).
pub type EntryFn = unsafe extern "C" fn(ctx: *mut Ctx, args: *const u64, results: *mut u64) -> u32;

/// `dast_init`'s type.
pub type InitFn = unsafe extern "C" fn(table: *const RuntimeTable, module: *mut ModuleData);

pub const STATUS_OK: u32 = 0;
pub const STATUS_PANIC: u32 = 1;

/// Why generated code panicked; the numbers are part of the ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum PanicCode {
    DivideByZero = 1,
    RemainderByZero = 2,
    StackOverflow = 3,
    /// A panic raised by a runtime helper (`exec_one`): its message is in the context.
    Message = 4,
}

impl PanicCode {
    pub fn from_u32(code: u32) -> Option<PanicCode> {
        match code {
            1 => Some(PanicCode::DivideByZero),
            2 => Some(PanicCode::RemainderByZero),
            3 => Some(PanicCode::StackOverflow),
            4 => Some(PanicCode::Message),
            _ => None,
        }
    }

    /// The message, word for word the interpreter's.
    pub fn message(self) -> &'static str {
        match self {
            PanicCode::DivideByZero => "attempt to divide by zero",
            PanicCode::RemainderByZero => {
                "attempt to calculate the remainder with a divisor of zero"
            }
            PanicCode::StackOverflow => "stack overflow",
            PanicCode::Message => "native code panicked",
        }
    }
}

/// `func` value of a panic raised before the function had a frame of its own (a stack
/// overflow is detected on entry): the trace then starts at the caller's call site, as
/// the interpreter's does.
pub const NO_FRAME: u32 = u32::MAX;

/// A reference slot as generated code sees it: one pointer-sized word, zero when
/// empty. What a non-zero word points at belongs to the runtime (a counted heap object,
/// see [`heap`]); generated code moves slots as plain words and tests them for zero.
#[repr(transparent)]
#[derive(Debug, Default)]
pub struct RefSlot(pub usize);

/// Bytes of one reference slot.
pub const REF_SLOT_BYTES: i64 = std::mem::size_of::<RefSlot>() as i64;

/// The per-call runtime context every generated function receives as its first
/// argument, shared by every module the call passes through (a cross-module call is a
/// plain call with the same context). Generated code reads these fields; the
/// runtime keeps its own per-call state (the panic being recorded) in a struct that
/// starts with a `Ctx`, and recovers it from the same pointer.
#[repr(C)]
#[derive(Debug)]
pub struct Ctx {
    /// Lowest stack address generated code may run at (checked on function entry).
    pub stack_limit: usize,
    /// The entry function's reference frame (its reference parameters, then its
    /// reference results): the start of the runtime's reference stack.
    pub ref_base: *mut RefSlot,
    /// One past the reference stack's last slot (a frame reaching past it panics
    /// "stack overflow").
    pub ref_limit: usize,
    /// Jumps and calls left before [`RuntimeTable::refuel`] (code compiled with
    /// limits counts it down at function entries and backward jumps).
    pub fuel: u64,
}

/// One loaded version of a module, as its generated code sees it: host-owned, at a fixed
/// address for the library's life, its pointer kept by `dast_init` in the module-local
/// slot [`SYM_MODULE_SLOT`]. Generated code reads `global_words` and updates
/// `in_flight`; the runtime functions get the pointer with every call that needs to
/// know which module is running (`exec_one`, panics).
#[repr(C)]
#[derive(Debug)]
pub struct ModuleData {
    /// The module's scalar globals (`LoadG`/`StoreG` read and write them directly).
    pub global_words: *mut u64,
    /// The version's shared-word table: entry `g` points at word `g` of its `@shared
    /// static`s (`LoadSh`/`StoreSh`), in cells owned outside the version. Null until
    /// bound (a module with no shared statics never reads it).
    pub shared_words: *const *mut u64,
    /// Calls running in this version that entered it through a counted thunk (from
    /// another module's slot). Generated code updates it with plain loads and stores:
    /// only one thread runs a group's code at a time (its lock), as the interpreter's
    /// per-version counts. The host reads it atomically (an aligned word), from any
    /// thread, to know whether a replaced version has drained.
    pub in_flight: std::sync::atomic::AtomicU64,
    /// The runtime's state of this module (its interpreter state, for `exec_one` and
    /// for resolving trace frames): opaque here, never read by generated code.
    pub instance: *mut c_void,
    /// The runtime's group of modules this one belongs to (for host stubs' calls):
    /// opaque here, never read by generated code.
    pub group: *const c_void,
}

/// Offsets of [`ModuleData`]'s fields, as generated code reads them.
pub const MODULE_GLOBAL_WORDS: i32 = offset_of!(ModuleData, global_words) as i32;
pub const MODULE_SHARED_WORDS: i32 = offset_of!(ModuleData, shared_words) as i32;
pub const MODULE_IN_FLIGHT: i32 = offset_of!(ModuleData, in_flight) as i32;

/// Offsets of [`Ctx`]'s fields, as generated code reads them.
pub const CTX_STACK_LIMIT: i32 = offset_of!(Ctx, stack_limit) as i32;
pub const CTX_REF_BASE: i32 = offset_of!(Ctx, ref_base) as i32;
pub const CTX_REF_LIMIT: i32 = offset_of!(Ctx, ref_limit) as i32;
pub const CTX_FUEL: i32 = offset_of!(Ctx, fuel) as i32;

/// Functions generated code calls into, handed to `dast_init` once per loaded object
/// (rather than imported by name: no symbol interposition, and the table's layout is
/// versioned with the ABI).
#[repr(C)]
pub struct RuntimeTable {
    pub abi_version: u32,
    /// Records a panic: `(ctx, module, PanicCode, function index or NO_FRAME, pc)`.
    pub panic: unsafe extern "C" fn(*mut Ctx, *const ModuleData, u32, u32, u32),
    /// Adds a caller's frame to the panic's trace: `(ctx, module, function index, pc)`.
    pub frame: unsafe extern "C" fn(*mut Ctx, *const ModuleData, u32, u32),
    /// Rust's `%` on f64 (fmod), which Cranelift has no instruction for.
    pub rem_f64: extern "C" fn(f64, f64) -> f64,
    /// Rust's `%` on f32.
    pub rem_f32: extern "C" fn(f32, f32) -> f32,
    /// Indexed by `FUnary as usize`: the interpreter's exact functions.
    pub funary: [extern "C" fn(f64) -> f64; FUNARY_COUNT],
    /// Indexed by `FBinary as usize`.
    pub fbinary: [extern "C" fn(f64, f64) -> f64; FBINARY_COUNT],
    /// Runs one instruction with the interpreter's code:
    /// `(ctx, module, function index, pc, words, refs) -> status`; the frame's registers are
    /// in memory (`words`: the scalar words, `refs`: the reference slots). A panic is
    /// recorded in `ctx` (message, and the frame `(function, pc)`) and returns
    /// [`STATUS_PANIC`].
    pub exec_one:
        unsafe extern "C" fn(*mut Ctx, *const ModuleData, u32, u32, *mut u64, *mut RefSlot) -> u32,
    /// A temporary reference's load and single use run as one, the object borrowed
    /// instead of counted (`dast_vm::native::NativeInstance::exec_borrowed`):
    /// `(ctx, module, function index, load pc, reader pc, words, refs) -> status`, the
    /// frame in memory and a panic recorded as by `exec_one`.
    pub exec_borrowed: unsafe extern "C" fn(
        *mut Ctx,
        *const ModuleData,
        u32,
        u32,
        u32,
        *mut u64,
        *mut RefSlot,
    ) -> u32,
    /// The interpreter's `Ret` on references: `(refs, from, results, ref_regs)`.
    pub ret_refs: unsafe extern "C" fn(*mut RefSlot, u32, u32, u32),
    /// Releases a panicking frame's references: `(refs, ref_regs)`.
    pub clear_refs: unsafe extern "C" fn(*mut RefSlot, u32),
    /// A host stub's `CallImport` (a slot the host has not pointed at native code):
    /// `(ctx, module, import index, args, results, refs) -> status`; the argument and
    /// result words in memory, `refs` the callee's reference frame. A panic is recorded
    /// in `ctx` (with the callee's frames) and returns [`STATUS_PANIC`].
    pub call_import: unsafe extern "C" fn(
        *mut Ctx,
        *const ModuleData,
        u32,
        *const u64,
        *mut u64,
        *mut RefSlot,
    ) -> u32,
    /// `memcpy` for inline string appends: `(to, from, n)`, the ranges not overlapping.
    pub copy_bytes: unsafe extern "C" fn(*mut u8, *const u8, usize),
    /// Makes the object in a reference slot unique (`dast_vm::native::unshare`): a
    /// vector a loop will store into, before the loop.
    pub unshare: unsafe extern "C" fn(*mut RefSlot),
    /// `MapGet` on a map with one-word keys and word values
    /// (`dast_vm::native::map_find_word`): `(slot, key, value words) -> value pointer`,
    /// null when absent, `NOT_HANDLED` for another object.
    pub map_find_word: unsafe extern "C" fn(*const RefSlot, u64, u32) -> *const u64,
    /// `MapInsert` on a map with one-word keys and values
    /// (`dast_vm::native::map_insert_word`): `(slot, key, value) -> (status, old)`.
    pub map_insert_word: unsafe extern "C" fn(*mut RefSlot, u64, u64) -> MapInsert,
    /// A dynamic call machine code does not make itself (the object's method is not
    /// machine code of this process, or its value needs migrating), or an
    /// `instantiate`: `(ctx, module, request, args, results, refs) -> status`, as
    /// `call_import`; `request` is a dynamic-call index, or [`INSTANTIATE`] plus the
    /// trait object type's id. The window's first reference is the object (or the
    /// module's name).
    pub call_dyn: unsafe extern "C" fn(
        *mut Ctx,
        *const ModuleData,
        u32,
        *const u64,
        *mut u64,
        *mut RefSlot,
    ) -> u32,
    /// The context's fuel ran out (code compiled with limits): `(ctx) -> status`; the
    /// runtime refills it, or records the panic ("call exceeded its fuel", "... time
    /// limit", "call was interrupted") and returns [`STATUS_PANIC`].
    pub refuel: unsafe extern "C" fn(*mut Ctx) -> u32,
}

/// [`RuntimeTable::call_dyn`]'s requests at and above this are `instantiate`s.
pub const INSTANTIATE: u32 = 1 << 31;

/// The exported data of a library with trait impls: per impl of the module (in its
/// bytecode's order), per method, the address of its shim's body.
pub const SYM_IMPL_METHODS: &str = "DAST_IMPL_METHODS";

/// What `map_find_word` returns for an object it does not handle (not a map, or not of
/// the layout asked for): the caller then runs the interpreter's instruction, which
/// reports the problem. An odd address, never a value's.
pub const NOT_HANDLED: usize = 1;

/// [`MapInsert::status`] for an object `map_insert_word` does not handle.
pub const INSERT_NOT_HANDLED: u64 = 2;

/// What `map_insert_word` did: `status` 0 (a new key), 1 (a replaced value, `old`) or
/// [`INSERT_NOT_HANDLED`]. Returned in two registers.
#[repr(C)]
pub struct MapInsert {
    pub status: u64,
    pub old: u64,
}

/// Entries of [`RuntimeTable::funary`]: one per `dast_bytecode::FUnary` (the code
/// generator asserts the count).
pub const FUNARY_COUNT: usize = 18;
/// Entries of [`RuntimeTable::fbinary`]: one per `dast_bytecode::FBinary`.
pub const FBINARY_COUNT: usize = 6;

/// Byte offsets of the table's entries, as generated code loads them.
pub mod table_offset {
    use super::RuntimeTable;
    use std::mem::{offset_of, size_of};

    pub const PANIC: i32 = offset_of!(RuntimeTable, panic) as i32;
    pub const FRAME: i32 = offset_of!(RuntimeTable, frame) as i32;
    pub const REM_F64: i32 = offset_of!(RuntimeTable, rem_f64) as i32;
    pub const REM_F32: i32 = offset_of!(RuntimeTable, rem_f32) as i32;
    pub const EXEC_ONE: i32 = offset_of!(RuntimeTable, exec_one) as i32;
    pub const EXEC_BORROWED: i32 = offset_of!(RuntimeTable, exec_borrowed) as i32;
    pub const RET_REFS: i32 = offset_of!(RuntimeTable, ret_refs) as i32;
    pub const CLEAR_REFS: i32 = offset_of!(RuntimeTable, clear_refs) as i32;
    pub const CALL_IMPORT: i32 = offset_of!(RuntimeTable, call_import) as i32;
    pub const COPY_BYTES: i32 = offset_of!(RuntimeTable, copy_bytes) as i32;
    pub const UNSHARE: i32 = offset_of!(RuntimeTable, unshare) as i32;
    pub const MAP_FIND_WORD: i32 = offset_of!(RuntimeTable, map_find_word) as i32;
    pub const MAP_INSERT_WORD: i32 = offset_of!(RuntimeTable, map_insert_word) as i32;
    pub const CALL_DYN: i32 = offset_of!(RuntimeTable, call_dyn) as i32;
    pub const REFUEL: i32 = offset_of!(RuntimeTable, refuel) as i32;
    const PTR: i32 = size_of::<usize>() as i32;

    pub fn funary(index: usize) -> i32 {
        offset_of!(RuntimeTable, funary) as i32 + index as i32 * PTR
    }

    pub fn fbinary(index: usize) -> i32 {
        offset_of!(RuntimeTable, fbinary) as i32 + index as i32 * PTR
    }
}
