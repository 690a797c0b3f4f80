//! Loading a linked module and calling into it.

use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use dast_bytecode::{signature_layouts, Module, TypeDesc};
use dast_vm::native::{clear_refs, NativeInstance, RefStack};
use dast_vm::Value;
use libloading::os::unix::{Library as UnixLibrary, RTLD_LOCAL, RTLD_NOW};
use libloading::Library;

use dast_abi::{self as abi, EntryFn, InitFn, ModuleData, PanicCode, ABI_VERSION, STATUS_OK};

use crate::call_state::{abi_slot, group_of, instance_of, CallState};

/// Panics raised in native code are the interpreter's: the same message and trace
/// (innermost frame first, at most `MAX_TRACE` frames).
pub use dast_vm::{Panic, TraceFrame, MAX_TRACE};

/// Default bytes of machine stack a call may use below the caller's frame before it
/// panics "stack overflow" (see [`NativeModule::set_stack_budget`]).
pub const DEFAULT_STACK_BUDGET: usize = 512 * 1024;

/// Reference slots of the runtime's reference stack (all frames of a call together),
/// before "stack overflow".
pub const REF_STACK_SLOTS: usize = 1 << 18;

#[derive(Debug)]
pub enum LoadError {
    /// `dlopen` failed (missing file, bad ELF, unresolved symbol with `RTLD_NOW`).
    Open { path: PathBuf, message: String },
    /// The library has no `DAST_ABI_VERSION`: not made by this backend.
    NotADastModule {
        path: PathBuf,
        missing: &'static str,
    },
    /// Made for another ABI version (an older or newer dast).
    AbiMismatch {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// Made from another module than the one given.
    WrongModule {
        path: PathBuf,
        found: String,
        expected: String,
    },
    /// Made from other bytecode of the same module (recompile it).
    Stale { path: PathBuf, module: String },
    /// Made by a dast whose heap objects are laid out differently.
    HeapLayout { path: PathBuf },
    /// The file is not the one that was built (truncated, changed, replaced): its hash
    /// differs from the one recorded at build time.
    Changed {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Open { path, message } => {
                write!(f, "cannot load `{}`: {message}", path.display())
            }
            LoadError::Changed {
                path,
                expected,
                found,
            } => write!(
                f,
                "`{}` changed since it was built (hash {found:016x}, built as \
                 {expected:016x}): it is not loaded; rebuild it",
                path.display()
            ),
            LoadError::NotADastModule { path, missing } => write!(
                f,
                "`{}` is not a Dast native module (no `{missing}` symbol)",
                path.display()
            ),
            LoadError::AbiMismatch {
                path,
                found,
                expected,
            } => write!(
                f,
                "`{}` was built for native ABI version {found}, but this dast uses version \
                 {expected}: rebuild it",
                path.display()
            ),
            LoadError::WrongModule {
                path,
                found,
                expected,
            } => write!(
                f,
                "`{}` holds module `{found}`, not `{expected}`",
                path.display()
            ),
            LoadError::HeapLayout { path } => write!(
                f,
                "`{}` was built by another build of dast (its heap layout differs): rebuild it",
                path.display()
            ),
            LoadError::Stale { path, module } => write!(
                f,
                "`{}` was compiled from another version of module `{module}`: rebuild it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LoadError {}

#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    Panic(Panic),
    NoSuchFunction(String),
    /// The function has no entry point (only exported functions and initializers have
    /// one: the others are called from the module's own code).
    NotCompiled(String),
    ArgumentCount {
        function: String,
        expected: usize,
        found: usize,
    },
    /// A typed argument or result that does not match the signature.
    Type(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Panic(p) => write!(f, "panicked: {p}"),
            CallError::NoSuchFunction(name) => write!(f, "no function `{name}`"),
            CallError::NotCompiled(name) => {
                write!(
                    f,
                    "function `{name}` has no native entry point (it is not exported)"
                )
            }
            CallError::ArgumentCount {
                function,
                expected,
                found,
            } => write!(
                f,
                "`{function}` takes {expected} argument words, {found} given"
            ),
            CallError::Type(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for CallError {}

/// A scalar value crossing the host boundary, as `dast_vm::Value`'s scalar variants:
/// signed integers of every width are `Int`, unsigned `UInt`, `f32` travels as `Float`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Unit,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Char(char),
}

struct NativeFunction {
    name: String,
    params: Vec<TypeDesc>,
    ret: TypeDesc,
    param_words: usize,
    result_words: usize,
    param_refs: usize,
    result_refs: usize,
    ref_regs: usize,
    entry: Option<EntryFn>,
}

/// Modules that call one another natively: one lock (one call at a time in the whole
/// group, so generated code can go from module to module without locking, and a module
/// may be re-entered through an import cycle), one reference stack (a callee's reference
/// frame is its caller's window), one output (what modules print comes out in order),
/// and the handler of imports that no native module serves. Cloning shares the group.
#[derive(Clone)]
pub struct Group(Arc<GroupShared>);

pub(crate) struct GroupShared {
    /// Held by the thread running the group's code (re-entered, not re-locked, by
    /// that thread's nested calls: native -> host -> native).
    lock: Mutex<()>,
    /// [`thread_token`] of the thread holding `lock`, 0 when none does.
    owner: std::sync::atomic::AtomicUsize,
    /// Touched only by the owner.
    inner: UnsafeCell<GroupInner>,
    out: SharedOutput,
    handler: Mutex<Option<Arc<ImportHandler>>>,
    /// Runs the dynamic calls and `instantiate`s machine code does not make itself.
    dyn_handler: Mutex<Option<Arc<DynHandler>>>,
    /// Serves host requests, if the group's runner installed a server.
    host: Mutex<Option<Arc<HostHandler>>>,
    /// Modules that may call other members through slots (see [`Group::join`]).
    members: Mutex<Vec<std::sync::Weak<NativeModule>>>,
    /// The version of each module that members' slots call (see [`Group::activate`]).
    active: Mutex<std::collections::HashMap<String, std::sync::Weak<NativeModule>>>,
    /// `@shared static` memory of modules run without a VM program (release mode; in
    /// hybrid mode the program's cells are bound instead, see [`NativeModule::bind_shared`]).
    shared: Mutex<dast_vm::SharedCells>,
}

// SAFETY: `inner` is only touched by the thread that holds `lock` (see `GroupLock`).
unsafe impl Sync for GroupShared {}
// SAFETY: as for the impl above.
unsafe impl Send for GroupShared {}

struct GroupInner {
    refs: RefStack,
    /// The limits of calls into the group and what the running one spent (code
    /// compiled with limits reaches it through `refuel`).
    budget: dast_vm::Budget,
    /// Set while native code has called out to the host (a host stub): where a nested
    /// call into the group starts.
    nested: Option<Nested>,
}

#[derive(Clone, Copy)]
struct Nested {
    /// First free slot of the reference stack, above the calling frames.
    ref_base: usize,
    /// The outermost call's stack limit (nested frames share its budget).
    stack_limit: usize,
}

/// A token per live thread (the address of a thread-local), never 0.
fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|t| t as *const u8 as usize)
}

/// The group held by this thread: a fresh hold (`guard` set) or a nested one.
struct GroupLock<'a> {
    shared: &'a GroupShared,
    guard: Option<MutexGuard<'a, ()>>,
}

impl GroupShared {
    /// Holds the group for a call into `instance`'s module: the free part of the
    /// reference stack is all of it, or, re-entered from a host stub, what is above the
    /// calls in progress.
    fn hold(&self, instance: *mut NativeInstance) -> State<'_> {
        let hold = self.enter();
        let inner = self.inner.get();
        // SAFETY: this thread holds the group, so it alone reads `inner`; only fields
        // are read (no reference to the whole, which outer holds point into).
        let (nested, stack) = unsafe { ((*inner).nested, &(*inner).refs) };
        // SAFETY: a field of the group's state, which lives as long as the group.
        let budget = unsafe { &raw mut (*inner).budget };
        let (base, stack_limit) = match (hold.guard.is_some(), nested) {
            (false, Some(n)) => (n.ref_base, Some(n.stack_limit)),
            (fresh, _) => {
                // Re-entry happens only through a host stub, which sets `nested`.
                debug_assert!(fresh, "re-entered a native group outside a host stub");
                (0, None)
            }
        };
        let base = base.min(stack.len());
        State {
            instance,
            // SAFETY: `base <= len`: within (or one past) the stack's allocation.
            refs: unsafe { stack.as_ptr().add(base) },
            refs_len: stack.len() - base,
            stack_limit,
            budget,
            _hold: hold,
        }
    }

    fn enter(&self) -> GroupLock<'_> {
        use std::sync::atomic::Ordering::Relaxed;
        let me = thread_token();
        if self.owner.load(Relaxed) == me {
            return GroupLock {
                shared: self,
                guard: None,
            };
        }
        let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.owner.store(me, Relaxed);
        GroupLock {
            shared: self,
            guard: Some(guard),
        }
    }
}

impl Drop for GroupLock<'_> {
    fn drop(&mut self) {
        if self.guard.is_some() {
            self.shared
                .owner
                .store(0, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Runs a call that a module's slot does not send to native code (a module the host
/// runs otherwise, e.g. as bytecode): `(module, function, parameter words, reference
/// parameters)` -> `(result words, result references)`, as
/// `dast_vm::Program::call_words`. `Err` is the callee's panic; its trace comes before
/// the native caller's frames.
pub type ImportHandler =
    dyn Fn(&str, &str, &[u64], Vec<dast_vm::RefSlot>) -> ImportResult + Send + Sync;

/// Serves the host requests (`Registry*` intrinsics) of a group's native code: in
/// hybrid mode the program's host ([`crate::serve_imports_from_vm`]), in release mode
/// the CLI's own. `Err` becomes a panic at the intrinsic.
pub type HostHandler = dyn Fn(dast_vm::HostRequest) -> Result<Value, String> + Send + Sync;

pub use dast_vm::DynRequest;

/// Runs a dynamic call or an `instantiate` of module `caller` that machine code does
/// not make itself: `(caller, request, parameter words, reference parameters)` ->
/// `(result words, result references)`, as `dast_vm::Program::call_dyn_words`.
pub type DynHandler =
    dyn Fn(&str, DynRequest, &[u64], Vec<dast_vm::RefSlot>) -> ImportResult + Send + Sync;

/// What an [`ImportHandler`] returns.
pub type ImportResult = Result<(Vec<u64>, Vec<dast_vm::RefSlot>), Panic>;

impl Default for Group {
    fn default() -> Self {
        Group::new()
    }
}

impl Group {
    pub fn new() -> Group {
        Group(Arc::new(GroupShared {
            lock: Mutex::new(()),
            owner: std::sync::atomic::AtomicUsize::new(0),
            inner: UnsafeCell::new(GroupInner {
                refs: RefStack::new(REF_STACK_SLOTS),
                budget: dast_vm::Budget::default(),
                nested: None,
            }),
            out: SharedOutput(
                Arc::new(Mutex::new(Box::new(std::io::BufWriter::new(
                    std::io::stdout(),
                )))),
                Arc::default(),
            ),
            handler: Mutex::new(None),
            dyn_handler: Mutex::new(None),
            host: Mutex::new(None),
            members: Mutex::new(Vec::new()),
            active: Mutex::new(std::collections::HashMap::new()),
            shared: Mutex::new(dast_vm::SharedCells::default()),
        }))
    }

    /// Records `module` as a member, so [`Group::activate`] re-points its slots, and
    /// points its slots at the active versions of the modules it imports (a new version
    /// calls what its predecessor called).
    pub fn join(&self, module: &Arc<NativeModule>) -> Result<(), String> {
        {
            let mut members = self.0.members.lock().unwrap_or_else(|e| e.into_inner());
            members.retain(|m| m.strong_count() > 0);
            members.push(Arc::downgrade(module));
        }
        let active: Vec<Arc<NativeModule>> = {
            let active = self.0.active.lock().unwrap_or_else(|e| e.into_inner());
            active
                .values()
                .filter_map(std::sync::Weak::upgrade)
                .collect()
        };
        for callee in active {
            if callee.name != module.name {
                module.repoint(&callee)?;
            }
        }
        Ok(())
    }

    /// Makes `module` the version every member's slots call for its module name
    /// (the members' imports of it move to it in one step each).
    pub fn activate(&self, module: &Arc<NativeModule>) -> Result<(), String> {
        self.0
            .active
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(module.name.clone(), Arc::downgrade(module));
        let members: Vec<Arc<NativeModule>> = {
            let members = self.0.members.lock().unwrap_or_else(|e| e.into_inner());
            members
                .iter()
                .filter_map(std::sync::Weak::upgrade)
                .collect()
        };
        for m in members {
            if m.name != module.name {
                m.repoint(module)?;
            }
        }
        Ok(())
    }

    /// Where `print`/`println` of the group's native code write (default: buffered
    /// stdout); flushed after every call from the host.
    pub fn set_output(&self, out: Box<dyn Write + Send>) {
        let mut slot = self.0.out.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = slot.flush();
        *slot = out;
    }

    /// Who runs calls whose slot the host did not point at a native module.
    pub fn set_import_handler(&self, handler: Arc<ImportHandler>) {
        *self.0.handler.lock().unwrap_or_else(|e| e.into_inner()) = Some(handler);
    }

    /// Limits every later call into the group from the host (code compiled with
    /// `Options::limits` checks them; see `dast_vm::Limits`).
    pub fn set_limits(&self, limits: dast_vm::Limits) {
        let _hold = self.0.enter();
        // SAFETY: this thread holds the group, so it alone touches `inner`.
        unsafe {
            let budget = &mut (*self.0.inner.get()).budget;
            let interrupt = budget.take_interrupt();
            *budget = dast_vm::Budget::new(limits);
            budget.put_interrupt(interrupt);
        }
    }

    /// A handle to interrupt the group's running call from another thread.
    pub fn interrupt_handle(&self) -> dast_vm::InterruptHandle {
        let _hold = self.0.enter();
        // SAFETY: as in `set_limits`.
        unsafe { (*self.0.inner.get()).budget.interrupt_handle() }
    }

    /// Who runs the dynamic calls and `instantiate`s machine code does not make itself.
    pub fn set_dyn_handler(&self, handler: Arc<DynHandler>) {
        *self.0.dyn_handler.lock().unwrap_or_else(|e| e.into_inner()) = Some(handler);
    }

    /// Installs the server of the group's host requests (`Registry*` intrinsics).
    pub fn set_host_handler(&self, handler: Arc<HostHandler>) {
        *self.0.host.lock().unwrap_or_else(|e| e.into_inner()) = Some(handler);
    }

    fn same(&self, other: &Group) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The group's output, shared by its modules' interpreter states. A flush with
/// nothing written since the last one does nothing (calls flush on every return to the
/// host, and an empty flush of stdout still takes its lock).
#[derive(Clone)]
struct SharedOutput(
    Arc<Mutex<Box<dyn Write + Send>>>,
    Arc<std::sync::atomic::AtomicBool>,
);

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.1.store(true, std::sync::atomic::Ordering::Relaxed);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.1.swap(false, std::sync::atomic::Ordering::Relaxed) {
            return Ok(());
        }
        self.0.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

/// The module's state while its group is held: its interpreter state and the free part
/// of the reference stack (all of it, or what a nested call finds above its callers).
///
/// Raw pointers, not references: a call into generated code may re-enter the group
/// (native -> bytecode -> native) and make a `State` of its own over the same interpreter
/// state and the same stack. References are made from these pointers only for the
/// moment they are used ([`State::instance`], [`State::refs`]), never across a call
/// into generated code, so no two live `&mut` ever alias.
struct State<'a> {
    instance: *mut NativeInstance,
    refs: *mut dast_vm::RefSlot,
    refs_len: usize,
    /// The stack limit of the call this one is nested in.
    stack_limit: Option<usize>,
    /// The group's budget.
    budget: *mut dast_vm::Budget,
    _hold: GroupLock<'a>,
}

impl State<'_> {
    /// The interpreter state, until the state is next used.
    fn instance(&mut self) -> &mut NativeInstance {
        // SAFETY: the group is held by this thread (`_hold`) and no other reference to
        // the instance is live: nested holds exist only during calls into generated
        // code, when no reference made here is.
        unsafe { &mut *self.instance }
    }

    /// The free reference slots, until the state is next used.
    fn refs(&mut self) -> &mut [dast_vm::RefSlot] {
        // SAFETY: as in `instance`; the slots are `refs_len` slots of the group's stack
        // above every calling frame, which nested holds start above.
        unsafe { std::slice::from_raw_parts_mut(self.refs, self.refs_len) }
    }

    /// Both at once (disjoint memory).
    fn parts(&mut self) -> (&mut NativeInstance, &mut [dast_vm::RefSlot]) {
        // SAFETY: as in `instance` and `refs`; the instance and the stack never overlap.
        unsafe {
            (
                &mut *self.instance,
                std::slice::from_raw_parts_mut(self.refs, self.refs_len),
            )
        }
    }
}

/// A loaded native module. Owns its library: the entry points copied out of it are
/// valid exactly as long as this value, and dropping it closes the library (callers that
/// share a module across threads hold it in an `Arc` while calling; callers whose slots
/// point into it hold it too).
pub struct NativeModule {
    name: String,
    functions: Vec<NativeFunction>,
    stack_budget: usize,
    init: Option<u32>,
    group: Group,
    /// The interpreter state the helpers run on: touched only with the group locked.
    instance: UnsafeCell<Box<NativeInstance>>,
    /// What generated code sees of this module (its address went to `dast_init`).
    data: Box<UnsafeCell<ModuleData>>,
    /// The library's import slots (`abi::SYM_IMPORT_SLOTS`), one per import.
    slots: *mut usize,
    /// The module each slot points into (kept alive while it does).
    targets: Mutex<Vec<Option<Arc<NativeModule>>>>,
    /// The module's imports, `(module, function)`, in import-index order.
    imports: Vec<(String, String)>,
    /// The shared-word table bound from the group's cells by [`NativeModule::init`]
    /// (release mode), kept as long as the library that points at it.
    own_shared: std::sync::OnceLock<dast_vm::SharedTable>,
    // Declared last: dropped after everything pointing into it.
    _library: Library,
}

// SAFETY: the interpreter state, the module data and the slots are only read or written
// with the group's lock held (every call from the host takes it; generated code runs
// only inside such calls), which serializes all access across threads.
unsafe impl Send for NativeModule {}
// SAFETY: as for the impl above.
unsafe impl Sync for NativeModule {}

impl NativeModule {
    /// Loads the shared object at `path`, made by [`crate::compile`] +
    /// [`crate::link_shared_object`] from `module`, in a group of its own.
    pub fn load(path: &Path, module: &Module) -> Result<NativeModule, LoadError> {
        Self::load_in(path, module, &Group::new())
    }

    /// Loads the shared object at `path` into `group`. Refuses (before running any of
    /// its code) an object of another ABI version, another module, or other bytecode;
    /// then hands it the runtime table and its module data.
    /// [`NativeModule::load_in`], after checking that the file's hash
    /// ([`library_hash`]) is `expected`, the one recorded when it was built: a library
    /// truncated or changed since is refused before `dlopen` maps a byte of it.
    pub fn load_checked(
        path: &Path,
        module: &Module,
        group: &Group,
        expected: u64,
    ) -> Result<NativeModule, LoadError> {
        let found = library_hash(path).map_err(|e| LoadError::Open {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        if found != expected {
            return Err(LoadError::Changed {
                path: path.to_path_buf(),
                expected,
                found,
            });
        }
        NativeModule::load_in(path, module, group)
    }

    pub fn load_in(path: &Path, module: &Module, group: &Group) -> Result<NativeModule, LoadError> {
        // SAFETY: loading runs the library's initializers; objects made by this crate
        // have none (linked with -nostdlib), and foreign libraries are refused below
        // before any of their functions is called.
        let library: Library = unsafe { UnixLibrary::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
            .map_err(|e| LoadError::Open {
                path: path.to_path_buf(),
                message: open_error_text(&e),
            })?
            .into();
        check_identity(&library, path, module)?;
        let not_dast = |missing| LoadError::NotADastModule {
            path: path.to_path_buf(),
            missing,
        };
        let mut instance =
            Box::new(
                NativeInstance::new(module.clone()).map_err(|e| LoadError::Open {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?,
            );
        instance.set_output(Box::new(group.0.out.clone()));
        let data = Box::new(UnsafeCell::new(ModuleData {
            global_words: instance.global_words(),
            shared_words: std::ptr::null(),
            in_flight: std::sync::atomic::AtomicU64::new(0),
            instance: (&mut *instance as *mut NativeInstance).cast(),
            group: Arc::as_ptr(&group.0).cast(),
        }));
        // SAFETY: the ABI version matched, so `dast_init` has `InitFn`'s type and the
        // slots are a `usize` per import; the table is `'static` and the module data
        // lives (boxed, never moved) as long as the library.
        let slots = unsafe {
            let init = symbol::<InitFn>(&library, abi::SYM_INIT).ok_or(not_dast(abi::SYM_INIT))?;
            init(crate::runtime::table(), data.get());
            symbol::<*mut usize>(&library, abi::SYM_IMPORT_SLOTS)
                .ok_or(not_dast(abi::SYM_IMPORT_SLOTS))?
        };
        fill_vtables(&library, &instance);
        let functions = module
            .functions
            .iter()
            .enumerate()
            .map(|(index, f)| native_function(&library, module, index, f))
            .collect();
        Ok(NativeModule {
            name: module.name.clone(),
            functions,
            stack_budget: DEFAULT_STACK_BUDGET,
            init: module.init.map(|f| f.0),
            group: group.clone(),
            instance: UnsafeCell::new(instance),
            data,
            slots,
            targets: Mutex::new(vec![None; module.imports.len()]),
            own_shared: std::sync::OnceLock::new(),
            imports: module
                .imports
                .iter()
                .map(|i| (i.module.clone(), i.name.clone()))
                .collect(),
            _library: library,
        })
    }

    /// Calls running in this module that came in through a slot (from another
    /// module's code): a replaced version is drained when this is zero and no call from
    /// the host is running in it.
    pub fn in_flight(&self) -> u64 {
        // SAFETY: the data lives as long as `self`; the count is read atomically.
        unsafe {
            (*self.data.get())
                .in_flight
                .load(std::sync::atomic::Ordering::Acquire)
        }
    }

    /// The group the module was loaded into.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// Runs `f` on the module's globals (scalar words and references), with the group
    /// held.
    pub fn with_globals<R>(&self, f: impl FnOnce(&mut [u64], &mut [dast_vm::RefSlot]) -> R) -> R {
        let mut state = self.lock();
        let (words, refs) = state.instance().globals_mut();
        f(words, refs)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether `func` has an entry point the host can call (exported functions and
    /// initializers).
    pub fn is_compiled(&self, func: &str) -> bool {
        self.function(func).is_some_and(|f| f.entry.is_some())
    }

    /// How much machine stack below the host's frame a call may use before it panics
    /// "stack overflow". The calling thread must have at least this much stack left.
    pub fn set_stack_budget(&mut self, bytes: usize) {
        self.stack_budget = bytes;
    }

    fn function(&self, name: &str) -> Option<&NativeFunction> {
        self.functions.iter().find(|f| f.name == name)
    }

    fn function_index(&self, name: &str) -> Result<usize, CallError> {
        self.functions
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| CallError::NoSuchFunction(name.to_string()))
    }

    /// Where `print`/`println` of this module's group write (see [`Group::set_output`]).
    pub fn set_output(&self, out: Box<dyn std::io::Write + Send>) {
        self.group.set_output(out);
    }

    fn lock(&self) -> State<'_> {
        // SAFETY: the box lives as long as `self`; only its address is taken here.
        let instance: *mut NativeInstance = unsafe { &mut **self.instance.get() };
        self.group.0.hold(instance)
    }

    /// Uses the program's vtables (see `dast_vm::Foreign::bind_vtables`): their methods
    /// then run where the program says, machine code of this library included only
    /// through the program (so a version's in-flight count sees every call).
    pub fn bind_vtables(&self, inst: u32, vtables: &[Arc<dast_vm::VTable>]) {
        let mut state = self.lock();
        state.instance().bind_vtables(inst, vtables);
    }

    /// Points the module's `@shared static`s at `table` (see `dast_vm::Foreign::bind_shared`:
    /// in hybrid mode the program owns the memory). `table` must stay valid, at this
    /// address, as long as the module's code may run.
    pub fn bind_shared(&self, table: *const *mut u64) {
        let _hold = self.group.0.enter();
        // SAFETY: the group is held, so no generated code of this module reads the
        // data now; the data lives as long as `self`.
        unsafe { (*self.data.get()).shared_words = table };
    }

    /// Runs the module's initializers, as `dast_vm::Program::init`: its `@shared
    /// static`s' (each only when its memory is new) and its `var`s'. Without a program
    /// that bound the shared statics, they are bound to the group's memory first.
    pub fn init(&self) -> Result<(), CallError> {
        let mut state = self.lock();
        let fresh = self.bind_group_shared(&mut state)?;
        for index in fresh.into_iter().chain(self.init) {
            self.invoke(&mut state, index as usize, &[])?;
        }
        Ok(())
    }

    /// Binds the shared statics to the group's cells unless already bound; returns the
    /// initializers of the cells it created.
    fn bind_group_shared(&self, state: &mut State) -> Result<Vec<u32>, CallError> {
        let module = state.instance().module();
        // SAFETY: the group is held (`state`); the data lives as long as `self`.
        let bound = unsafe { !(*self.data.get()).shared_words.is_null() };
        if module.shared.is_empty() || bound {
            return Ok(Vec::new());
        }
        let mut cells = self
            .group
            .0
            .shared
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let binding = cells.bind(module).map_err(|e| {
            CallError::Panic(Panic {
                message: e.to_string(),
                trace: Vec::new(),
            })
        })?;
        let table = self.own_shared.get_or_init(|| binding.table);
        // SAFETY: as above; the table lives in `self.own_shared` as long as `self`.
        unsafe { (*self.data.get()).shared_words = table.as_ptr() };
        Ok(binding.fresh_inits.iter().map(|f| f.0).collect())
    }

    /// Runs function `index` with its parameters in place (words in `args`, references
    /// at the start of the reference stack); returns its result words (references at
    /// the start of the reference stack). On a panic the reference stack is left empty.
    fn invoke(&self, state: &mut State, index: usize, args: &[u64]) -> Result<Vec<u64>, CallError> {
        let f = &self.functions[index];
        let entry = f
            .entry
            .ok_or_else(|| CallError::NotCompiled(f.name.clone()))?;
        let refs = state.refs;
        let stack_limit = state
            .stack_limit
            .unwrap_or_else(|| stack_pointer().saturating_sub(self.stack_budget));
        let ref_limit = refs as usize + state.refs_len * size_of::<dast_vm::RefSlot>();
        let mut call = CallState::new(stack_limit, abi_slot(refs), ref_limit, state.budget);
        // A call from the host starts with its whole budget; a nested one goes on
        // with it (its first check refuels).
        call.ctx.fuel = match state.stack_limit {
            // SAFETY: the group is held (`state`); the budget is its field.
            None => unsafe { (*state.budget).start() },
            Some(_) => 1,
        };
        let mut results = vec![0u64; f.result_words.max(1)];
        // The context pointer is the whole `CallState`'s (the runtime reaches the rest).
        let ctx = (&mut call as *mut CallState).cast::<abi::Ctx>();
        // SAFETY: `entry` belongs to the library `self` owns; `args` has the parameter
        // words and `results` room for the result words, as the entry convention needs;
        // the context's reference stack, globals and instance live (locked) for the call.
        let status = unsafe { entry(ctx, args.as_ptr(), results.as_mut_ptr()) };
        state.instance().flush();
        if status != STATUS_OK {
            // Frames release their references as the panic passes; the entry frame's
            // arguments are left when it failed its own entry check.
            // SAFETY: the stack has at least `ref_regs` slots (checked before entry).
            unsafe { clear_refs(refs, f.ref_regs.min(state.refs_len) as u32) };
            return Err(CallError::Panic(self.panic_of(&call)));
        }
        results.truncate(f.result_words);
        Ok(results)
    }

    /// Calls function `index` (its index in the module's bytecode) with its parameters
    /// as words and references (FORMAT.md's layout, references moved in) and returns
    /// its results the same way: how the VM runs a native module's functions in hybrid
    /// mode (`dast_vm::Foreign`). Re-entrant from the group's [`ImportHandler`].
    pub fn call_raw(
        &self,
        index: usize,
        args: &[u64],
        refs: Vec<dast_vm::RefSlot>,
    ) -> Result<(Vec<u64>, Vec<dast_vm::RefSlot>), CallError> {
        let f = self
            .functions
            .get(index)
            .ok_or_else(|| CallError::NoSuchFunction(format!("#{index}")))?;
        if args.len() != f.param_words || refs.len() != f.param_refs {
            return Err(CallError::ArgumentCount {
                function: f.name.clone(),
                expected: f.param_words,
                found: args.len(),
            });
        }
        let mut state = self.lock();
        if state.refs_len < f.ref_regs.max(f.param_refs) {
            return Err(CallError::Panic(Panic {
                message: "stack overflow".into(),
                trace: Vec::new(),
            }));
        }
        for (slot, r) in state.refs().iter_mut().zip(refs) {
            *slot = r;
        }
        let results = self.invoke(&mut state, index, args)?;
        let out = state.refs()[..f.result_refs]
            .iter_mut()
            .map(std::mem::take)
            .collect();
        Ok((results, out))
    }

    /// Calls `func` with host values (any types, references included), converted by its
    /// signature as `dast_vm::Program::call` converts them; returns its return value.
    pub fn call_values(&self, func: &str, args: &[Value]) -> Result<Value, CallError> {
        let index = self.function_index(func)?;
        let f = &self.functions[index];
        let mut guard = self.lock();
        let state = &mut guard;
        let mut words = Vec::new();
        let (instance, refs) = state.parts();
        let written = instance.write_args(index as u32, args, &mut words, refs);
        if let Err(e) = written {
            refs[..f.param_refs].fill(Default::default());
            return Err(CallError::Type(e));
        }
        let results = self.invoke(state, index, &words)?;
        let n = f.result_refs;
        let (instance, refs) = state.parts();
        let value = instance.read_result(index as u32, &results, &refs[..n]);
        refs[..n].fill(Default::default());
        value.map_err(CallError::Type)
    }

    /// Calls `func` with its parameters' words (canonical, flattened: see FORMAT.md's
    /// value layout) and returns its results' words (return value, then `&mut`
    /// parameters).
    ///
    /// For functions without references in their parameters (use
    /// [`NativeModule::call_values`] for those); references among the results are
    /// released.
    pub fn call_words(&self, func: &str, args: &[u64]) -> Result<Vec<u64>, CallError> {
        let index = self.function_index(func)?;
        let f = &self.functions[index];
        if f.entry.is_none() {
            return Err(CallError::NotCompiled(func.to_string()));
        }
        if f.param_refs != 0 {
            return Err(CallError::Type(format!(
                "`{func}` takes references (String, Vec, HashMap): use `call_values`"
            )));
        }
        if args.len() != f.param_words {
            return Err(CallError::ArgumentCount {
                function: func.to_string(),
                expected: f.param_words,
                found: args.len(),
            });
        }
        let mut state = self.lock();
        let results = self.invoke(&mut state, index, args)?;
        state.refs()[..f.result_refs].fill(Default::default());
        Ok(results)
    }

    /// Calls `func` with typed scalar arguments; for functions whose parameters and
    /// return value are one word each at most (use [`NativeModule::call_words`] for the
    /// rest).
    pub fn call(&self, func: &str, args: &[Scalar]) -> Result<Scalar, CallError> {
        let f = self
            .function(func)
            .ok_or_else(|| CallError::NoSuchFunction(func.to_string()))?;
        if args.len() != f.params.len() {
            return Err(CallError::ArgumentCount {
                function: func.to_string(),
                expected: f.params.len(),
                found: args.len(),
            });
        }
        let words = f
            .params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (ty, arg))| to_word(ty, *arg).map_err(|e| arg_error(func, i, e)))
            .collect::<Result<Vec<u64>, CallError>>()?;
        let results = self.call_words(func, &words)?;
        from_word(&f.ret, results.first().copied()).ok_or_else(|| {
            CallError::Type(format!("`{func}` returns a value `call` cannot represent"))
        })
    }

    fn panic_of(&self, ctx: &CallState) -> Panic {
        let (message, frames) = self.full_trace(ctx);
        let total = frames.len();
        let (inner, outer) = (MAX_TRACE * 3 / 4, MAX_TRACE / 4);
        let mut trace = Vec::new();
        for (depth, frame) in frames.into_iter().enumerate() {
            if total > MAX_TRACE && depth >= inner && depth < total - outer {
                if depth == inner {
                    trace.push(TraceFrame {
                        function: format!("... {} frames omitted ...", total - inner - outer),
                        file: String::new(),
                        line: 0,
                        col: 0,
                    });
                }
                continue;
            }
            trace.push(frame);
        }
        Panic { message, trace }
    }

    /// The panic recorded in `ctx`: its message and every frame (other modules' first).
    fn full_trace(&self, ctx: &CallState) -> (String, Vec<TraceFrame>) {
        let message = match (ctx.panic.and_then(PanicCode::from_u32), &ctx.message) {
            (Some(PanicCode::Message), Some(text)) => text.clone(),
            (code, _) => code
                .map_or("native code panicked", PanicCode::message)
                .to_string(),
        };
        let mut frames = ctx.inner_trace.clone();
        frames.extend(ctx.frames.iter().map(|&(m, f, pc)| trace_frame(m, f, pc)));
        (message, frames)
    }

    /// The address of this module's counted thunk for function `index`.
    fn thunk(&self, index: usize) -> Option<usize> {
        // SAFETY: only the address is taken; thunks exist for compiled exported functions.
        unsafe { symbol::<*const u8>(&self._library, &abi::thunk_symbol(index as u32)) }
            .map(|p| p as usize)
    }

    /// Points this module's import slot `import` at `callee`'s function `index` (its
    /// counted thunk), keeping `callee` alive while the slot points into it.
    fn point_slot(
        &self,
        import: usize,
        callee: &Arc<NativeModule>,
        index: usize,
    ) -> Result<(), String> {
        let f = &callee.functions[index];
        let thunk = callee.thunk(index).ok_or_else(|| {
            format!(
                "function `{}::{}` was not compiled to native code",
                callee.name, f.name
            )
        })?;
        let _lock = self.lock();
        // SAFETY: `import` is below the import count (the slot table has one word per
        // import) and the group is locked, so no generated code is reading the slot.
        unsafe { self.slots.add(import).write(thunk) };
        self.targets.lock().unwrap_or_else(|e| e.into_inner())[import] = Some(Arc::clone(callee));
        Ok(())
    }

    /// Re-points every import slot of this module that names `callee`'s module at
    /// `callee` (a newly loaded version): calls made from now on run it. Returns how
    /// many slots moved.
    pub fn repoint(&self, callee: &Arc<NativeModule>) -> Result<usize, String> {
        if !self.group.same(&callee.group) {
            return Err(format!(
                "module `{}` was loaded into another group",
                callee.name
            ));
        }
        let mut moved = 0;
        for (import, (module, name)) in self.imports.iter().enumerate() {
            if *module != callee.name {
                continue;
            }
            let index = callee
                .functions
                .iter()
                .position(|f| &f.name == name)
                .ok_or_else(|| format!("module `{module}` has no function `{name}`"))?;
            self.point_slot(import, callee, index)?;
            moved += 1;
        }
        Ok(moved)
    }
}

/// Frame `(module, func, pc)` as text, through the module's bytecode.
fn trace_frame(module: *const ModuleData, func: u32, pc: u32) -> TraceFrame {
    // SAFETY: frames are recorded by running code of loaded modules and resolved before
    // the call that recorded them returns to the host, while those modules are alive.
    let bytecode = unsafe { instance_of(module).module() };
    let f = &bytecode.functions[func as usize];
    let (line, col) = f.line_of(pc).unwrap_or((0, 0));
    TraceFrame {
        function: f.name.clone(),
        file: bytecode.source.clone(),
        line,
        col,
    }
}

/// Resolves every import of `modules` (by module name and function name) to the loaded
/// module defining it, after checking the bytecode links (`dast_vm::link`: every import
/// exists with the same signature), and points the import slots at the callees'
/// counted thunks. `bytecode` is the modules the libraries were compiled from (all of
/// the program's, native or not); the native modules must share one [`Group`]. Imports
/// compiled as direct calls were already bound by the dynamic linker; their slots are
/// pointed too, but nothing reads them. Imports of modules not in `modules` keep their
/// host stubs: the group's [`ImportHandler`] runs them.
pub fn link_modules(modules: &[Arc<NativeModule>], bytecode: &[Module]) -> Result<(), String> {
    dast_vm::link(bytecode.to_vec()).map_err(|e| e.to_string())?;
    for m in modules {
        if let Some(other) = modules.iter().find(|o| !o.group.same(&m.group)) {
            return Err(format!(
                "modules `{}` and `{}` were loaded into different groups",
                m.name, other.name
            ));
        }
        for callee in modules {
            m.repoint(callee)?;
        }
    }
    Ok(())
}

/// The hash a build records of a library file (`dast_bytecode::content_hash` of its
/// bytes), for [`NativeModule::load_checked`].
pub fn library_hash(path: &Path) -> std::io::Result<u64> {
    Ok(dast_bytecode::content_hash(&std::fs::read(path)?))
}

/// Gives the module's own vtables the addresses of its shims' bodies
/// ([`abi::SYM_IMPL_METHODS`]), so dynamic calls of its trait objects are one indirect
/// call (release mode; hybrid mode binds the program's vtables instead).
fn fill_vtables(library: &Library, instance: &NativeInstance) {
    // SAFETY: the ABI version matched: the symbol is one address per method of each
    // impl, in the bytecode's order.
    let Some(table) = (unsafe { symbol::<*const usize>(library, abi::SYM_IMPL_METHODS) }) else {
        return;
    };
    let mut at = 0;
    for vt in instance.vtables() {
        for slot in 0..vt.methods() {
            // SAFETY: `at` stays within the table (its length is the methods' count).
            vt.set_native(slot, unsafe { *table.add(at) });
            at += 1;
        }
    }
}

/// The host side of a host stub's `CallImport` (see
/// [`dast_abi::RuntimeTable::call_import`]): the group's [`ImportHandler`] runs it.
///
/// # Safety
/// `ctx` is the running call's context, `caller` the calling module's data,
/// `args`/`results` hold the import's words and `refs` is the callee's reference frame
/// within `ctx`'s reference stack.
pub(crate) unsafe fn call_import(
    ctx: &mut CallState,
    caller: &ModuleData,
    import: u32,
    args: *const u64,
    results: *mut u64,
    refs: *mut dast_vm::RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        // Copied out: nothing may stay borrowed from the interpreter state across the
        // handler's call, which may re-enter this module.
        let (callee_module, callee, caller_name, layouts) = {
            let bytecode = instance_of(caller).module();
            let imp = &bytecode.imports[import as usize];
            let layouts = dast_bytecode::signature_layouts(&imp.sig, |t| bytecode.layout(t));
            (
                imp.module.clone(),
                imp.name.clone(),
                bytecode.name.clone(),
                layouts,
            )
        };
        let handler = group_of(caller)
            .handler
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let what = format!("`{callee_module}::{callee}`");
        let Some(handler) = handler else {
            let message = format!("call to {what} from `{caller_name}`: that module is not linked");
            return fail_call(ctx, message, Vec::new());
        };
        let frame = CallFrame {
            args,
            results,
            refs,
        };
        call_out(ctx, caller, layouts, frame, &what, |args, refs| {
            handler(&callee_module, &callee, args, refs)
        })
    }
}

/// The host side of a dynamic call machine code did not make itself, or of an
/// `instantiate` (see [`dast_abi::RuntimeTable::call_dyn`]): the group's [`DynHandler`]
/// runs it.
///
/// # Safety
/// As [`call_import`]; the window's first reference is the trait object (or the
/// module name of an `instantiate`).
pub(crate) unsafe fn call_dyn(
    ctx: &mut CallState,
    caller: &ModuleData,
    request: u32,
    args: *const u64,
    results: *mut u64,
    refs: *mut dast_vm::RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        let (caller_name, layouts, what) = {
            let bytecode = instance_of(caller).module();
            let name = bytecode.name.clone();
            if request >= abi::INSTANTIATE {
                let one_ref = dast_bytecode::Layout { words: 0, refs: 1 };
                (name, (one_ref, one_ref), "`instantiate`".to_string())
            } else {
                let d = &bytecode.dyn_methods[request as usize];
                let layouts = dast_bytecode::signature_layouts(&d.sig, |t| bytecode.layout(t));
                (name, layouts, format!("`{}.{}`", d.trait_name, d.name))
            }
        };
        let handler = group_of(caller)
            .dyn_handler
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(handler) = handler else {
            let message = format!(
                "{what} from `{caller_name}`: the trait object's method is not machine code \
                 of this program and nothing runs bytecode here"
            );
            return fail_call(ctx, message, Vec::new());
        };
        let frame = CallFrame {
            args,
            results,
            refs,
        };
        let dyn_request = if request >= abi::INSTANTIATE {
            DynRequest::Instantiate(request - abi::INSTANTIATE)
        } else {
            DynRequest::Method(request)
        };
        call_out(ctx, caller, layouts, frame, &what, |args, refs| {
            handler(&caller_name, dyn_request, args, refs)
        })
    }
}

/// A call's words and reference frame, as a host stub passes them.
struct CallFrame {
    args: *const u64,
    results: *mut u64,
    refs: *mut dast_vm::RefSlot,
}

fn fail_call(ctx: &mut CallState, message: String, trace: Vec<TraceFrame>) -> u32 {
    ctx.start_panic(PanicCode::Message as u32, Some(message));
    ctx.inner_trace = trace;
    abi::STATUS_PANIC
}

/// Runs a call that leaves machine code (`run`, given the argument words and the
/// reference arguments moved out of the frame), with the parameter and result layouts
/// `params`/`res`: results back into the frame, a panic recorded in `ctx`.
///
/// # Safety
/// As [`call_import`], for `frame`.
unsafe fn call_out(
    ctx: &mut CallState,
    caller: &ModuleData,
    (params, res): (dast_bytecode::Layout, dast_bytecode::Layout),
    frame: CallFrame,
    what: &str,
    run: impl FnOnce(&[u64], Vec<dast_vm::RefSlot>) -> ImportResult,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let CallFrame {
            args,
            results,
            refs,
        } = frame;
        // What the caller printed comes first.
        instance_of(caller).flush();
        let args = std::slice::from_raw_parts(args, params.words as usize);
        let results = std::slice::from_raw_parts_mut(results, res.words as usize);
        // A call back into the group (bytecode calling native code again) starts above
        // the callee's window, with this call's stack budget.
        let group = group_of(caller);
        let inner = group.inner.get();
        let window = params.refs.max(res.refs) as usize;
        let start = (*inner).refs.as_ptr() as usize;
        let ref_base = (refs as usize - start) / std::mem::size_of::<dast_vm::RefSlot>() + window;
        let saved = (*inner).nested.replace(Nested {
            ref_base,
            stack_limit: ctx.ctx.stack_limit,
        });
        let ref_args = (0..params.refs as usize)
            .map(|i| std::mem::take(&mut *refs.add(i)))
            .collect();
        let outcome = run(args, ref_args);
        (*inner).nested = saved;
        match outcome {
            Ok((words, ref_results))
                if words.len() == results.len() && ref_results.len() == res.refs as usize =>
            {
                results.copy_from_slice(&words);
                for (i, r) in ref_results.into_iter().enumerate() {
                    *refs.add(i) = r;
                }
                STATUS_OK
            }
            Ok(_) => fail_call(
                ctx,
                format!("internal error: {what} returned the wrong number of values"),
                Vec::new(),
            ),
            Err(p) => fail_call(ctx, p.message, p.trace),
        }
    }
}

/// Runs host request `pc` of function `func` of `caller` (see
/// `NativeInstance::serve_host`) with the group's [`HostHandler`]. The handler may call
/// back into the group (`registry.call` of a native module): such calls start above
/// this function's reference frame, with this call's stack budget.
///
/// # Safety
/// As `rt_exec_one`: `stack_limit` is the running call's, `caller` the running
/// module's data, `words`/`refs` function `func`'s frame.
pub(crate) unsafe fn serve_host(
    stack_limit: usize,
    caller: &ModuleData,
    func: u32,
    pc: u32,
    words: *mut u64,
    refs: *mut dast_vm::RefSlot,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let group = group_of(caller);
        let handler = group.host.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let Some(handler) = handler else {
            return Err(
                "`ModuleRegistry` needs a host: run this program with `dast run`".to_string(),
            );
        };
        // Short borrows of the interpreter state only, none across the host's call (which
        // may re-enter this module).
        let req = instance_of(caller).read_host_request(func, pc, words, refs)?;
        let ref_regs = instance_of(caller).module().functions[func as usize].ref_regs as usize;
        instance_of(caller).flush();
        let inner = group.inner.get();
        let start = (*inner).refs.as_ptr() as usize;
        let ref_base = (refs as usize - start) / std::mem::size_of::<dast_vm::RefSlot>() + ref_regs;
        let saved = (*inner).nested.replace(Nested {
            ref_base,
            stack_limit,
        });
        let reply = handler(req);
        (*inner).nested = saved;
        instance_of(caller).write_host_reply(func, pc, words, refs, reply?)
    }
}

/// libloading puts dlopen's own message in the error's source.
fn open_error_text(e: &libloading::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}

/// # Safety
/// `T` must be the symbol's real type (a function pointer type or a data pointer).
unsafe fn symbol<T: Copy>(library: &Library, name: &str) -> Option<T> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe { library.get::<T>(name.as_bytes()).ok().map(|s| *s) }
}

fn check_identity(library: &Library, path: &Path, module: &Module) -> Result<(), LoadError> {
    let path = path.to_path_buf();
    let missing = |missing| LoadError::NotADastModule {
        path: path.clone(),
        missing,
    };
    // SAFETY: the ABI version symbol is a u32 in every ABI version (that is what makes
    // it the first thing to check); the others are read only once it matched.
    unsafe {
        let version = symbol::<*const u32>(library, abi::SYM_ABI_VERSION)
            .ok_or_else(|| missing(abi::SYM_ABI_VERSION))?;
        let found = version.read_unaligned();
        if found != ABI_VERSION {
            return Err(LoadError::AbiMismatch {
                path,
                found,
                expected: ABI_VERSION,
            });
        }
        let layout = symbol::<*const u64>(library, abi::SYM_HEAP_LAYOUT)
            .ok_or_else(|| missing(abi::SYM_HEAP_LAYOUT))?;
        if layout.read_unaligned() != abi::heap::FINGERPRINT {
            return Err(LoadError::HeapLayout { path });
        }
        let name = symbol::<*const std::ffi::c_char>(library, abi::SYM_MODULE_NAME)
            .ok_or_else(|| missing(abi::SYM_MODULE_NAME))?;
        let found = CStr::from_ptr(name).to_string_lossy().into_owned();
        if found != module.name {
            return Err(LoadError::WrongModule {
                path,
                found,
                expected: module.name.clone(),
            });
        }
        let fingerprint = symbol::<*const u64>(library, abi::SYM_FINGERPRINT)
            .ok_or_else(|| missing(abi::SYM_FINGERPRINT))?;
        if fingerprint.read_unaligned() != dast_codegen::fingerprint(module) {
            return Err(LoadError::Stale {
                path,
                module: module.name.clone(),
            });
        }
    }
    Ok(())
}

fn native_function(
    library: &Library,
    module: &Module,
    index: usize,
    f: &dast_bytecode::Function,
) -> NativeFunction {
    let (params, results) = signature_layouts(&f.sig, |t| module.layout(t));
    // SAFETY: entries of an object whose identity was checked have `EntryFn`'s type.
    let entry = unsafe { symbol::<EntryFn>(library, &abi::entry_symbol(index as u32)) };
    let ty = |t: dast_bytecode::TypeId| module.types[t.0 as usize].clone();
    NativeFunction {
        name: f.name.clone(),
        params: f.sig.params.iter().map(|&t| ty(t)).collect(),
        ret: ty(f.sig.ret),
        param_words: params.words as usize,
        result_words: results.words as usize,
        param_refs: params.refs as usize,
        result_refs: results.refs as usize,
        ref_regs: f.ref_regs as usize,
        entry,
    }
}

/// An address in the current frame: close enough to the stack pointer for a budget.
#[inline(never)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

fn arg_error(func: &str, index: usize, what: String) -> CallError {
    CallError::Type(format!("argument {} of `{func}`: {what}", index + 1))
}

/// A typed argument as its canonical word (see FORMAT.md), or why it does not fit.
fn to_word(ty: &TypeDesc, arg: Scalar) -> Result<u64, String> {
    let fits_signed = |v: i64, bits: u32| {
        let min = -(1i128 << (bits - 1));
        let max = (1i128 << (bits - 1)) - 1;
        (min..=max).contains(&(v as i128))
    };
    let range = |v: &dyn fmt::Display| format!("{v} does not fit in `{ty:?}`");
    match (ty, arg) {
        (TypeDesc::Bool, Scalar::Bool(b)) => Ok(b as u64),
        (TypeDesc::Char, Scalar::Char(c)) => Ok(c as u64),
        (TypeDesc::F64, Scalar::Float(x)) => Ok(x.to_bits()),
        (TypeDesc::F32, Scalar::Float(x)) => Ok((x as f32).to_bits() as u64),
        (TypeDesc::I64 | TypeDesc::Isize, Scalar::Int(v)) => Ok(v as u64),
        (TypeDesc::I8 | TypeDesc::I16 | TypeDesc::I32, Scalar::Int(v)) => {
            let bits = match ty {
                TypeDesc::I8 => 8,
                TypeDesc::I16 => 16,
                _ => 32,
            };
            if fits_signed(v, bits) {
                Ok(v as u64)
            } else {
                Err(range(&v))
            }
        }
        (TypeDesc::U64 | TypeDesc::Usize, Scalar::UInt(v)) => Ok(v),
        (TypeDesc::U8 | TypeDesc::U16 | TypeDesc::U32, Scalar::UInt(v)) => {
            let max = match ty {
                TypeDesc::U8 => u8::MAX as u64,
                TypeDesc::U16 => u16::MAX as u64,
                _ => u32::MAX as u64,
            };
            if v <= max {
                Ok(v)
            } else {
                Err(range(&v))
            }
        }
        (ty, arg) => Err(format!("{arg:?} is not a `{ty:?}`")),
    }
}

/// A result word as a typed value (`None` for types wider than one word).
fn from_word(ty: &TypeDesc, word: Option<u64>) -> Option<Scalar> {
    let w = word.unwrap_or(0);
    Some(match ty {
        TypeDesc::Unit | TypeDesc::Never => Scalar::Unit,
        TypeDesc::Bool => Scalar::Bool(w != 0),
        TypeDesc::I8 | TypeDesc::I16 | TypeDesc::I32 | TypeDesc::I64 | TypeDesc::Isize => {
            Scalar::Int(w as i64)
        }
        TypeDesc::U8 | TypeDesc::U16 | TypeDesc::U32 | TypeDesc::U64 | TypeDesc::Usize => {
            Scalar::UInt(w)
        }
        TypeDesc::F64 => Scalar::Float(f64::from_bits(w)),
        TypeDesc::F32 => Scalar::Float(f32::from_bits(w as u32) as f64),
        TypeDesc::Char => Scalar::Char(char::from_u32(w as u32)?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The group's holds as a host stub's re-entry makes them (native -> bytecode ->
    /// native): an outer hold in use, a nested one above its slots, then the outer one
    /// again. Run under Miri (`.ci/run`), this checks that no two live `&mut` alias.
    #[test]
    fn nested_holds_share_the_state_without_aliasing() {
        let group = Group::new();
        let module = Module {
            name: "m".into(),
            ..Module::default()
        };
        let mut instance = Box::new(NativeInstance::new(module).expect("an empty module verifies"));
        let ptr: *mut NativeInstance = &mut *instance;
        let mut outer = group.0.hold(ptr);
        let whole = outer.refs_len;
        outer.refs()[0] = dast_vm::RefSlot::default();
        let outer_words = outer.instance().global_words();
        // What `call_import` does before running the handler.
        let inner_state = group.0.inner.get();
        // SAFETY: this thread holds the group.
        unsafe {
            (*inner_state).nested = Some(Nested {
                ref_base: 4,
                stack_limit: usize::MAX,
            })
        };
        {
            let mut nested = group.0.hold(ptr);
            assert_eq!(nested.refs_len, whole - 4);
            assert_eq!(nested.stack_limit, Some(usize::MAX));
            nested.refs()[0] = dast_vm::RefSlot::default();
            assert_eq!(nested.instance().global_words(), outer_words);
        }
        // SAFETY: as above.
        unsafe { (*inner_state).nested = None };
        outer.refs()[3] = dast_vm::RefSlot::default();
        outer.instance().flush();
        drop(outer);
        // A fresh hold starts at the bottom again.
        assert_eq!(group.0.hold(ptr).refs_len, whole);
    }
}
