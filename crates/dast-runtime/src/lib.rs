//! The hot-reload runtime: a [`Registry`] of loaded modules, each with its versions,
//! and the reload transaction of `shared/design/hot-reload.md`.
//!
//! # Model
//! A module is loaded as one *version* at a time; a version is a VM instance
//! ([`dast_vm::InstanceId`]): its code, its import table and its `var` state. Versions
//! are numbered 1, 2, 3... and labelled `v1.0`, `v1.1`... (the host may choose labels:
//! [`Registry::with_labels`], [`Registry::set_next_label`]). A version is `Active`,
//! `Draining` or `Unloaded` ([`VersionState`]). Calls entering a module from outside
//! (the host, or another module's imports) run its active version; calls inside a module
//! stay in the version they entered, because each VM frame records its instance. A host
//! can also call a chosen version ([`Registry::call_version`]) and keep it alive with
//! [`Registry::pin`].
//!
//! # The reload transaction ([`Registry::reload`])
//! 1. verify and link the new module as a new, inactive instance whose imports point
//!    at the active versions of the other modules;
//! 2. check that every loaded module importing from it still finds each function with
//!    the same signature, and that state can migrate: with an `__on_load__` hook the
//!    hooks take over, otherwise [`migrate::plan`] must succeed (its refusal names the
//!    `var` or field, both types and the hooks to write);
//! 3. run the new version's initializers, then migrate: hooks
//!    (`__on_unload__() -> Vec[u8]` of the old version, its bytes handed to the new
//!    `__on_load__(data: Option[Vec[u8]])`, `None` if the old version has no
//!    `__on_unload__`, in which case the `var`s that migrate automatically are carried
//!    first), or automatically (each `var` copied or widened by name over the new
//!    initial value; new ones keep their initializer; removed ones are reported);
//! 4. publish: the VM re-points every importer at the new instance in one step; the old
//!    version is unloaded at once if no call runs in it and it is not pinned, else it is
//!    `Draining`;
//! 5. [`Registry::collect`] unloads draining versions once their last call returned and
//!    their pins are released, reporting [`Event::Unloaded`].
//!
//! A failure in steps 1-3 (verification, a broken importer, a state change that does
//! not migrate, a panic in an initializer or a hook, calls in flight in a stateful old
//! version) discards the new instance and returns a [`ReloadError`]: the old version is
//! still active and its state untouched. (A hook that mutates state inside
//! `__on_unload__` is the one exception: hooks should only read.)
//!
//! "No lost updates": a stateful version's state is handed over only when no call runs
//! in it. On a concurrent program (see [`Registry::worker`]) the transaction holds the old
//! version's state lock from the migration to the switch, waiting at most the state wait
//! ([`Registry::set_state_wait`], default 1 s) for calls running in it on other threads;
//! past it the reload is refused ([`ReloadError::Busy`]). A call running in it on the
//! reloading thread itself (a reload from inside a call) cannot finish while the
//! transaction waits: refused at once ([`ReloadError::InFlight`]). A stateless module
//! never waits: it switches and its old version drains.

//! # The registry as host
//! Running code reaches the registry through the `ModuleRegistry` intrinsics and, with
//! [`Registry::set_safe_point_flag`], at safe points: the VM suspends the call, the
//! registry answers (load, has_update and reload through an installable
//! [`ModuleSource`], nested calls, versions) and the call resumes. What each request
//! does and how the registry is split so that it can serve requests while its program
//! runs is documented in `host.rs`. Log lines go to an installable [`LogSink`]
//! (default [`StderrLog`]: `[INFO] ...` lines on stderr).
//!
//! # Threads
//! The registry's [`dast_vm::Program`] is one machine over the program's instances;
//! [`Registry::worker`] makes others for other threads, which call without the registry
//! (see ARCHITECTURE.md, "Threads", and `core.rs` in `dast-vm`). What a concurrent host
//! asks of the registry around those calls (recording functions called by name, the
//! answer to a panic, the requests of running code) is in `workers.rs`.

#![forbid(unsafe_code)]

mod calls;
mod fixed;
mod grants;
mod handles;
mod host;
pub mod migrate;
mod registry;
mod reload;
mod report;
mod workers;

pub use fixed::FixedRegistry;
pub use grants::{Grants, Refused};
pub use host::{LogSink, ModuleSource, StderrLog};
pub use registry::{next_label, Registry, DEFAULT_STATE_WAIT, FIRST_LABEL};
pub use reload::{LOAD_HOOK, UNLOAD_HOOK};
pub use report::*;

/// The names of the entries of directory `dir`, sorted (`read_dir` of Dast code).
pub fn read_dir_names(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("read_dir(\"{}\"): {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}
