//! Embed Dast in a Rust program, as people embed Lua or wasmtime: load a project (or
//! prebuilt `.dbc` modules), call its functions with typed handles, and hot reload its
//! modules while other threads keep calling.
//!
//! ```no_run
//! let runtime = dast::Runtime::load_project("game")?;
//! let add = runtime.get_typed_func::<(i32, i32), i32>("logic", "add")?;
//! assert_eq!(add.call((2, 3))?, 5);
//! // Later, after editing `game/src/logic.dast`:
//! runtime.reload_source("game")?;
//! add.call((2, 3))?; // runs the new version
//! # Ok::<(), dast::Error>(())
//! ```
//!
//! # Threading model
//! A [`Runtime`] is a cheap, cloneable handle (`Send + Sync`). Each thread that calls
//! into it gets its own *worker*, a VM machine (stacks, frames) over the runtime's
//! module versions, made on its first call and kept in a thread-local: calls from
//! many threads run **in parallel**, without a lock. A stateful module (one with
//! `var`s) is entered by one thread at a time: a call into it holds the module's state
//! lock until it returns (calls it makes into other modules included), so a module's
//! state is never torn and no update is lost; stateless modules take no lock.
//!
//! Management (reloads, version queries, the requests of `ModuleRegistry` code) goes
//! through the runtime's [`dast_runtime::Registry`], behind a mutex that calls do not
//! take. A reload switches the module's version atomically: calls that entered the
//! old version finish there, new calls run the new one, from any thread. A stateful
//! module's state is handed over once the calls running in it have left (new calls
//! wait meanwhile), within the reload wait ([`Runtime::set_reload_wait`], default 1 s),
//! else the reload is refused; a stateless module switches at once and its old version
//! drains: it is unloaded by the first call to return after its last call left.
//! Compilation in [`Runtime::reload_source`] runs outside the lock.
//!
//! # Versions
//! Each reload makes a new version of a module (1, 2, 3...); [`Runtime::get_version`]
//! and [`Runtime::modules`] report them. Handles ([`TypedFunc`]) name a function, not
//! a version, so they always reach the active one.

#![forbid(unsafe_code)]

mod error;
mod handle;
mod linker;
mod native;
mod source;
mod typed;
mod workers;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use dast_bytecode::Module;
use dast_runtime::Registry;

pub use dast_runtime::{ModuleInfo, OldState, ReloadReport, VersionInfo, VersionState};
pub use dast_vm::{heap_in_use, InterruptHandle, Limits, Panic, TraceFrame, Value};
pub use error::Error;
pub use handle::ModuleHandle;
pub use linker::{IntoHostFn, Linker};
pub use typed::{FromValue, IntoArgs, ToValue, TypedFunc};

use workers::SharedOutput;

/// A running Dast program: a handle shared by every thread that calls into it.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Shared>,
}

/// What the handles and the workers share.
pub(crate) struct Shared {
    /// Tells this runtime's workers apart in a thread's list.
    pub(crate) id: u64,
    /// Management: the registry (reloads, queries, requests of running code).
    state: Mutex<State>,
    /// Where every worker prints.
    pub(crate) out: SharedOutput,
    /// Bumped when a setting workers copy (hot reload, limits) changes.
    pub(crate) settings: AtomicU64,
    /// A replaced version is draining: the next call to return tries to unload it.
    pub(crate) draining: AtomicBool,
    /// Functions called by name, already recorded with the registry (module ->
    /// functions; read-locked on each call by name, looked up without allocating).
    pub(crate) recorded: std::sync::RwLock<Recorded>,
}

/// Functions called by name, by module.
type Recorded = std::collections::HashMap<String, std::collections::HashSet<String>>;

/// How long a reload waits for calls in flight before it is refused.
pub const DEFAULT_RELOAD_WAIT: Duration = Duration::from_secs(1);

pub(crate) struct State {
    pub(crate) registry: Registry,
    /// Off: in-flight counting is off in the VM and reloads are refused.
    hot_reload: bool,
    /// The modules that run as machine code, and their builds (native and hybrid
    /// modes).
    native: Option<native::NativeModules>,
}

/// How the modules of a project run ([`Runtime::load_project_in`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every module as bytecode (the dev profile's way).
    #[default]
    Bytecode,
    /// Every module as machine code, built with Cranelift (optimized as the project's
    /// `release` profile says); still hot-reloadable: a reload builds the new version.
    Native,
    /// Each module as the project's `hybrid` profile says (`bytecode = true` or not),
    /// optimized as it says.
    Hybrid,
}

// The point of the handle: share one runtime between threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Runtime>();
};

static NEXT_RUNTIME: AtomicU64 = AtomicU64::new(1);

impl Runtime {
    /// Compiles the project (a directory with `dast.toml` and `src/`) or the single
    /// `.dast` file at `path`, then links and initializes every module, as bytecode.
    pub fn load_project(path: impl AsRef<Path>) -> Result<Runtime, Error> {
        Runtime::from_modules(source::compile_project(path.as_ref())?)
    }

    /// As [`Runtime::load_project`], the modules running as `mode` says: bytecode,
    /// machine code, or each as the project's `hybrid` profile says.
    pub fn load_project_in(path: impl AsRef<Path>, mode: Mode) -> Result<Runtime, Error> {
        Linker::new().load_project_in(path, mode)
    }

    /// Links and initializes compiled modules (each becomes version 1). A program that
    /// declares `host fn`s is loaded with a [`Linker`] instead.
    pub fn from_modules(modules: Vec<Module>) -> Result<Runtime, Error> {
        Runtime::start(modules, dast_vm::HostFns::default())
    }

    pub(crate) fn start(
        modules: Vec<Module>,
        host_fns: dast_vm::HostFns,
    ) -> Result<Runtime, Error> {
        Runtime::start_with(modules, host_fns, None)
    }

    /// Starts a runtime; the modules `native` builds run as machine code.
    pub(crate) fn start_with(
        modules: Vec<Module>,
        host_fns: dast_vm::HostFns,
        native: Option<native::NativeModules>,
    ) -> Result<Runtime, Error> {
        let mut native = native;
        let codes = match &mut native {
            Some(n) => n.start(&modules).map_err(Error::Load)?,
            None => Default::default(),
        };
        let labelled = modules
            .into_iter()
            .map(|m| (m, dast_runtime::FIRST_LABEL.to_string()))
            .collect();
        let code = |name: &str| {
            codes
                .get(name)
                .map(|c| Arc::clone(c) as Arc<dyn dast_vm::Foreign>)
        };
        let mut registry = Registry::with_host_fns(labelled, code, host_fns)?;
        registry.set_state_wait(DEFAULT_RELOAD_WAIT);
        let out = SharedOutput::stdout();
        registry.set_output(Box::new(out.clone()));
        // Concurrent from the start: the registry's own machine takes state locks too.
        drop(registry.worker());
        Ok(Runtime {
            inner: Arc::new(Shared {
                id: NEXT_RUNTIME.fetch_add(1, Ordering::Relaxed),
                state: Mutex::new(State {
                    registry,
                    hot_reload: true,
                    native,
                }),
                out,
                settings: AtomicU64::new(0),
                draining: AtomicBool::new(false),
                recorded: Default::default(),
            }),
        })
    }

    /// Reads prebuilt `.dbc` modules, then links and initializes them.
    pub fn load_dbc<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Runtime, Error> {
        let paths: Vec<P> = paths.into_iter().collect();
        let refs: Vec<&Path> = paths.iter().map(|p| p.as_ref()).collect();
        Runtime::from_modules(source::decode_files(&refs)?)
    }

    /// Calls exported function `func` of the active version of `module`, on this
    /// thread's worker (in parallel with other threads' calls).
    pub fn call(&self, module: &str, func: &str, args: &[Value]) -> Result<Value, Error> {
        self.record(module, func);
        self.with_worker(|w| w.call(module, func, args))
            .map_err(|panic| self.answer_panic(module, func, panic))
    }

    /// A handle calling `module.func` with Rust types: `Params` a tuple of
    /// [`ToValue`]s, `Ret` a [`FromValue`]. Refused with [`Error::Signature`] if the
    /// function does not exist or its Dast signature does not match these types.
    pub fn get_typed_func<Params: IntoArgs, Ret: FromValue>(
        &self,
        module: &str,
        func: &str,
    ) -> Result<TypedFunc<Params, Ret>, Error> {
        TypedFunc::new(self.clone(), module, func)
    }

    /// Replaces the active version of module `new.name` (all or nothing: on error the
    /// old version keeps running with its state). Only a hot-reloadable module
    /// (`@hot_reload`) can be reloaded.
    pub fn reload_module(&self, new: Module) -> Result<ReloadReport, Error> {
        let mut state = self.lock();
        let report = state.reload(new);
        self.note_draining(&mut state);
        report
    }

    /// How long a reload waits for the calls running in a stateful module on other
    /// threads to finish before it is refused (new calls wait meanwhile). Default:
    /// [`DEFAULT_RELOAD_WAIT`].
    pub fn set_reload_wait(&self, wait: Duration) {
        self.lock().registry.set_state_wait(wait);
    }

    /// Recompiles the project at `path` and reloads every hot-reloadable module whose
    /// bytecode changed, returning one report per reloaded module (none if nothing
    /// changed). The reloads happen one after the other under the management lock;
    /// calls keep running meanwhile. They are not one transaction: if one is refused,
    /// the modules reloaded before it stay reloaded and the rest are not attempted (the
    /// error names the module). Changed modules that are not hot-reloadable, and modules
    /// new to the project, are left alone: they need a restart.
    pub fn reload_source(&self, path: impl AsRef<Path>) -> Result<Vec<ReloadReport>, Error> {
        // Compile outside the lock.
        let modules = source::compile_project(path.as_ref())?;
        let mut state = self.lock();
        state.registry.program_mut().refresh();
        let changed: Vec<Module> = modules
            .into_iter()
            .filter(|m| m.hot_reload && state.differs_from_active(m))
            .collect();
        let reports = changed.into_iter().map(|m| state.reload(m)).collect();
        self.note_draining(&mut state);
        reports
    }

    /// The number of the active version of `module` (1 until its first reload).
    pub fn get_version(&self, module: &str) -> Option<u32> {
        self.lock().registry.get_version(module)
    }

    /// Every module with every version it had, oldest first, with each version's
    /// calls in flight (on every thread).
    pub fn modules(&self) -> Vec<ModuleInfo> {
        let mut state = self.lock();
        state.registry.program_mut().refresh();
        state.registry.modules()
    }

    /// Where Dast's `print`/`println` write (default: stdout), from every thread.
    pub fn set_output(&self, out: Box<dyn Write + Send>) {
        self.inner.out.replace(out);
    }

    /// Turns hot reload off (or back on). Off, the VM keeps no in-flight counts (the
    /// "zero cost when off" mode, for measuring it) and reloads are refused. Workers
    /// take the setting at their next call.
    pub fn set_hot_reload(&self, on: bool) {
        let mut state = self.lock();
        state.hot_reload = on;
        state.registry.program_mut().set_hot_reload(on);
        self.inner.settings.fetch_add(1, Ordering::Release);
    }

    /// Limits every later call from the host, on every thread: fuel, a time limit, a
    /// heap limit. Past one, the call panics with a Dast trace ("call exceeded its
    /// fuel", "out of memory: the heap limit of 64 MiB would be passed") and the
    /// runtime stays usable.
    pub fn set_limits(&self, limits: Limits) {
        self.lock().registry.program_mut().set_limits(limits);
        self.inner.settings.fetch_add(1, Ordering::Release);
    }

    /// A handle another thread may use to stop a running call ("call was
    /// interrupted"): the first running call to look at it (within a few thousand jumps
    /// and calls) stops. Take it before the call.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        let handle = self.lock().registry.program_mut().interrupt_handle();
        self.inner.settings.fetch_add(1, Ordering::Release);
        handle
    }

    /// Records a function the host calls by name with the registry (once per
    /// function): a reload that removes it or changes its signature is refused.
    pub(crate) fn record(&self, module: &str, func: &str) {
        let known = |r: &Recorded| r.get(module).is_some_and(|fs| fs.contains(func));
        if known(
            &self
                .inner
                .recorded
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        ) {
            return;
        }
        self.lock().registry.record_host_call(module, func);
        let mut recorded = self
            .inner
            .recorded
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        recorded
            .entry(module.to_string())
            .or_default()
            .insert(func.to_string());
    }

    /// The registry's answer to a panic of a call by name (logged, rolled back when
    /// rollback is on).
    pub(crate) fn answer_panic(&self, module: &str, func: &str, panic: Panic) -> Error {
        let mut state = self.lock();
        let error = state.registry.report_panic(module, func, panic);
        self.note_draining(&mut state);
        Error::Call(error)
    }

    /// [`Runtime::note_draining`] under a lock of its own.
    pub(crate) fn note_draining_now(&self) {
        let mut state = self.lock();
        self.note_draining(&mut state);
    }

    /// Remembers whether a version is draining, so the next call to return tries to
    /// unload it.
    fn note_draining(&self, state: &mut State) {
        let draining = state
            .registry
            .modules()
            .iter()
            .any(|m| m.versions.iter().any(|v| v.state == VersionState::Draining));
        self.inner.draining.store(draining, Ordering::Release);
    }

    /// Unloads the versions whose last call returned (called after calls return while
    /// some version drains; skipped when another thread holds the registry).
    pub(crate) fn collect_drained(&self) {
        if !self.inner.draining.load(Ordering::Acquire) {
            return;
        }
        let Ok(mut state) = self.inner.state.try_lock() else {
            return;
        };
        state.registry.program_mut().refresh();
        state.registry.collect();
        self.note_draining(&mut state);
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn reload(&mut self, new: Module) -> Result<ReloadReport, Error> {
        let name = new.name.clone();
        let refused = |why: String| Error::Reload(format!("Reload of '{name}' refused: {why}"));
        if !self.hot_reload {
            return Err(refused("hot reload is off".to_string()));
        }
        if !new.hot_reload {
            return Err(refused(format!(
                "module `{name}` is not hot-reloadable (mark it `@hot_reload`)"
            )));
        }
        let code = match &mut self.native {
            Some(native) => native.build(&new).map_err(&refused)?,
            None => None,
        };
        self.registry
            .reload_foreign(new, code)
            .map_err(|e| refused(e.to_string()))
    }

    /// Whether `m` is not the bytecode the active version of its module runs (a module
    /// not loaded counts as unchanged: it cannot be reloaded).
    fn differs_from_active(&self, m: &Module) -> bool {
        let program = self.registry.program();
        match program.instance_of(&m.name) {
            Some(active) => program.module_of(active) != m,
            None => false,
        }
    }
}
