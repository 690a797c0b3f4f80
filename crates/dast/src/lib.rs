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
//! # Threading model (today)
//! A [`Runtime`] is a cheap, cloneable handle (`Send + Sync`) to one
//! [`dast_runtime::Registry`], which drives one VM and is single-threaded. The
//! registry sits behind a `Mutex`: calls from many threads are *serialized*, and a
//! reload takes the same lock, so a reload always happens *between* calls, never
//! during one. That is correct (a call never sees old and new code mixed, state is
//! handed over with no call running, so no update is lost and no state is torn), but
//! not parallel: N threads get the throughput of one. Compilation in
//! [`Runtime::reload_source`] runs outside the lock; only the reload transactions
//! take it.
//!
//! The next step is per-thread machines over shared, immutable module versions, as
//! `dast-runtime`'s docs describe ("Becoming multi-threaded"): calls then run in
//! parallel and only a stateful module's migration waits for its calls to finish.
//! This API does not change with it.
//!
//! # Versions
//! Each reload makes a new version of a module (1, 2, 3...); [`Runtime::get_version`]
//! and [`Runtime::modules`] report them. Handles ([`TypedFunc`]) name a function, not
//! a version, so they always reach the active one.

#![forbid(unsafe_code)]

mod error;
mod source;
mod typed;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use dast_bytecode::Module;
use dast_runtime::Registry;

pub use dast_runtime::{ModuleInfo, OldState, ReloadReport, VersionInfo, VersionState};
pub use dast_vm::{heap_in_use, InterruptHandle, Limits, Panic, TraceFrame, Value};
pub use error::Error;
pub use typed::{FromValue, IntoArgs, ToValue, TypedFunc};

/// A running Dast program: a handle shared by every thread that calls into it.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Shared>,
}

/// The state behind the lock, and the reload gate in front of it.
struct Shared {
    state: Mutex<State>,
    /// Set while a reload waits for the running call to finish: new calls wait for it to
    /// clear instead of taking the lock ("no lost updates" with a bounded wait).
    reload_pending: AtomicBool,
    /// How long a reload waits for the running call (default [`DEFAULT_RELOAD_WAIT`]).
    reload_wait_ms: AtomicU64,
}

/// How long a reload waits for calls in flight before it is refused.
pub const DEFAULT_RELOAD_WAIT: Duration = Duration::from_secs(1);

struct State {
    registry: Registry,
    /// Off: in-flight counting is off in the VM and reloads are refused.
    hot_reload: bool,
}

// The point of the handle: share one runtime between threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Runtime>();
};

impl Runtime {
    /// Compiles the project (a directory with `dast.toml` and `src/`) or the single
    /// `.dast` file at `path`, then links and initializes every module.
    pub fn load_project(path: impl AsRef<Path>) -> Result<Runtime, Error> {
        Runtime::from_modules(source::compile_project(path.as_ref())?)
    }

    /// Links and initializes compiled modules (each becomes version 1).
    pub fn from_modules(modules: Vec<Module>) -> Result<Runtime, Error> {
        let registry = Registry::new(modules)?;
        Ok(Runtime {
            inner: Arc::new(Shared {
                state: Mutex::new(State {
                    registry,
                    hot_reload: true,
                }),
                reload_pending: AtomicBool::new(false),
                reload_wait_ms: AtomicU64::new(DEFAULT_RELOAD_WAIT.as_millis() as u64),
            }),
        })
    }

    /// Reads prebuilt `.dbc` modules, then links and initializes them.
    pub fn load_dbc<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Runtime, Error> {
        let paths: Vec<P> = paths.into_iter().collect();
        let refs: Vec<&Path> = paths.iter().map(|p| p.as_ref()).collect();
        Runtime::from_modules(source::decode_files(&refs)?)
    }

    /// Calls exported function `func` of the active version of `module`.
    pub fn call(&self, module: &str, func: &str, args: &[Value]) -> Result<Value, Error> {
        self.with_registry(|r| r.call(module, func, args).map_err(Error::from))
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
        let name = new.name.clone();
        self.with_reload_lock(&name, |state| state.reload(new))
    }

    /// How long a reload waits for the call in flight to finish before it is refused
    /// (new calls wait meanwhile). Default: [`DEFAULT_RELOAD_WAIT`].
    pub fn set_reload_wait(&self, wait: Duration) {
        self.inner
            .reload_wait_ms
            .store(wait.as_millis() as u64, Ordering::Relaxed);
    }

    /// Recompiles the project at `path` and reloads every hot-reloadable module whose
    /// bytecode changed, returning one report per reloaded module (none if nothing
    /// changed). The reloads happen under one lock, so no call runs between them. They
    /// are not one transaction: if one is refused, the modules reloaded before it stay
    /// reloaded and the rest are not attempted (the error names the module). Changed
    /// modules that are not hot-reloadable, and modules new to the project, are left
    /// alone: they need a restart.
    pub fn reload_source(&self, path: impl AsRef<Path>) -> Result<Vec<ReloadReport>, Error> {
        // Compile outside the lock: calls keep running meanwhile.
        let modules = source::compile_project(path.as_ref())?;
        self.with_reload_lock("the project", |state| {
            let changed: Vec<Module> = modules
                .into_iter()
                .filter(|m| m.hot_reload && state.differs_from_active(m))
                .collect();
            changed.into_iter().map(|m| state.reload(m)).collect()
        })
    }

    /// The number of the active version of `module` (1 until its first reload).
    pub fn get_version(&self, module: &str) -> Option<u32> {
        self.with_registry(|r| r.get_version(module))
    }

    /// Every module with every version it had, oldest first.
    pub fn modules(&self) -> Vec<ModuleInfo> {
        self.with_registry(|r| r.modules())
    }

    /// Where Dast's `print`/`println` write (default: stdout).
    pub fn set_output(&self, out: Box<dyn Write + Send>) {
        self.with_registry(|r| r.set_output(out))
    }

    /// Turns hot reload off (or back on). Off, the VM keeps no in-flight counts (the
    /// "zero cost when off" mode, for measuring it) and reloads are refused.
    pub fn set_hot_reload(&self, on: bool) {
        self.with_state(|state| {
            state.hot_reload = on;
            state.registry.program_mut().set_hot_reload(on);
        })
    }

    /// Limits every later call from the host: fuel, a time limit, a heap limit. Past
    /// one, the call panics with a Dast trace ("call exceeded its fuel", "out of memory:
    /// the heap limit of 64 MiB would be passed") and the runtime stays usable.
    pub fn set_limits(&self, limits: Limits) {
        self.with_registry(|r| r.program_mut().set_limits(limits))
    }

    /// A handle another thread may use to stop the running call ("call was
    /// interrupted"). Take it before the call: the call holds the runtime.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.with_registry(|r| r.program_mut().interrupt_handle())
    }

    pub(crate) fn with_registry<T>(&self, f: impl FnOnce(&mut Registry) -> T) -> T {
        self.with_state(|state| f(&mut state.registry))
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A pending reload goes first: new calls wait for it (its own wait is bounded).
        while self.inner.reload_pending.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        f(&mut self.lock())
    }

    /// Runs a reload once the call in flight (if any) has finished, keeping new calls
    /// out meanwhile; refuses the reload if that takes longer than the reload wait.
    fn with_reload_lock<T>(
        &self,
        what: &str,
        f: impl FnOnce(&mut State) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let wait = Duration::from_millis(self.inner.reload_wait_ms.load(Ordering::Relaxed));
        let deadline = Instant::now() + wait;
        self.inner.reload_pending.store(true, Ordering::Release);
        let guard = loop {
            match self.inner.state.try_lock() {
                Ok(g) => break Some(g),
                Err(TryLockError::Poisoned(p)) => break Some(p.into_inner()),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::yield_now()
                }
                Err(TryLockError::WouldBlock) => break None,
            }
        };
        self.inner.reload_pending.store(false, Ordering::Release);
        match guard {
            Some(mut state) => f(&mut state),
            None => Err(Error::Reload(format!(
                "Reload of '{what}' refused: the call in flight did not finish within {} ms",
                wait.as_millis()
            ))),
        }
    }

    /// The VM turns Dast panics into values and stays usable, so a poisoned lock
    /// (a host panic while holding it) holds a usable registry too.
    fn lock(&self) -> MutexGuard<'_, State> {
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
        self.registry
            .reload(new)
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
