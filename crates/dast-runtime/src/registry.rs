//! The registry: every loaded module with its versions, calls into them, pins and the
//! collection of drained versions. The reload transaction is in `reload.rs`.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dast_bytecode::Module;
use dast_vm::{Foreign, FunctionSignature, InstanceId, LinkError, Panic, Program, Value};

use crate::host::{LogSink, ModuleSource, StderrLog};
use crate::report::*;

/// The label of a module's first version unless the host gives one.
pub const FIRST_LABEL: &str = "v1.0";

/// How long a reload waits, by default, for the calls running in a stateful old
/// version on other threads before it is refused.
pub const DEFAULT_STATE_WAIT: Duration = Duration::from_secs(1);

/// The caller recorded for calls by name made through the Rust API.
pub(crate) const RUST_HOST: &str = "the Rust host";

/// Loaded modules and their versions over one VM [`Program`] (see the crate docs).
pub struct Registry {
    pub(crate) program: Program,
    /// Everything else: the versions, the module source and the log. It is the
    /// [`dast_vm::Host`] of every call the registry makes (see `host.rs`).
    pub(crate) hub: Hub,
}

/// The registry's state apart from the program, so it can serve the program's
/// requests while the program runs (`Host::handle` gets both).
pub(crate) struct Hub {
    /// In load order.
    pub modules: Vec<ModuleEntry>,
    pub source: Option<Box<dyn ModuleSource>>,
    pub log: Box<dyn LogSink>,
    /// Modules whose change was reported as not reloadable (reported once each).
    pub told_not_hot: HashSet<String>,
    /// How long a replaced version is kept to roll back to (`None`: no rollback).
    pub rollback: Option<Duration>,
    /// (module, version, function) whose panic was logged at error level: later
    /// panics of the same go to debug, so a host loop does not flood the log.
    pub logged_panics: HashSet<(String, u32, String)>,
    /// What modules loaded by running code (`load_bytecode`) may do.
    pub plugin_grants: crate::Grants,
    /// How long a reload waits for the calls running in a stateful old version on
    /// other threads ([`Registry::set_state_wait`]).
    pub state_wait: Duration,
}

/// The registry's state borrowed next to its program: what the reload transaction and
/// collection work on, from the registry's methods and from inside a request alike.
pub(crate) struct Session<'a> {
    pub program: &'a mut Program,
    pub modules: &'a mut Vec<ModuleEntry>,
    /// How long a reload waits for calls running in a stateful old version on other
    /// threads (concurrent programs only).
    pub state_wait: Duration,
}

pub(crate) struct ModuleEntry {
    pub name: String,
    /// Oldest first; exactly one is `Active`.
    pub versions: Vec<Version>,
    /// The label the next version gets, when the host chose it.
    pub next_label: Option<String>,
    /// Loaded by running code (`registry.load_module`), not only linked at start.
    pub loaded_by_host: bool,
    /// Versions unloaded and pruned from `versions`.
    pub unloaded: u32,
    /// Number and label of the newest version ever made (after a rollback it is not
    /// the active one, and it may be pruned: numbers never repeat).
    pub newest: (u32, String),
    /// Functions the host called by name, with the signature they had then: a reload
    /// must keep them.
    pub called: BTreeMap<String, HostCalled>,
    /// What the module may do, for a module loaded at run time (its reloads are checked
    /// against it too); `None` for the program's own modules.
    pub grants: Option<crate::Grants>,
}

/// A function the host called by name (see [`ModuleEntry::called`]).
pub(crate) struct HostCalled {
    pub sig: FunctionSignature,
    /// Where it was first called from (`main (src/main.dast:26:9)`, `the Rust host`).
    pub caller: String,
}

pub(crate) struct Version {
    pub number: u32,
    pub label: String,
    pub instance: InstanceId,
    pub state: VersionState,
    /// Holds from [`Registry::pin`]: a pinned version is not freed.
    pub pins: u32,
    /// Kept until then to roll back to (the version replaced last, with rollback on).
    pub kept_until: Option<Instant>,
}

impl Version {
    pub fn new(number: u32, label: String, instance: InstanceId) -> Version {
        Version {
            number,
            label,
            instance,
            state: VersionState::Active,
            pins: 0,
            kept_until: None,
        }
    }

    /// Kept for a rollback now.
    pub fn is_kept(&self, now: Instant) -> bool {
        self.kept_until.is_some_and(|t| now < t)
    }
}

impl ModuleEntry {
    /// Drops unloaded versions from the list, counting them.
    pub fn prune_unloaded(&mut self) {
        let before = self.versions.len();
        self.versions.retain(|v| v.state != VersionState::Unloaded);
        self.unloaded += (before - self.versions.len()) as u32;
    }

    pub fn active(&self) -> &Version {
        self.versions
            .iter()
            .find(|v| v.state == VersionState::Active)
            .expect("a loaded module has an active version")
    }

    /// Number and label of the version a reload would create.
    pub fn next_version(&self) -> (u32, String) {
        let (number, label) = &self.newest;
        let label = match &self.next_label {
            Some(l) => l.clone(),
            None => next_label(label),
        };
        (number + 1, label)
    }
}

impl Registry {
    /// Links and initializes `modules`, each as version 1 labelled [`FIRST_LABEL`],
    /// with hot reload (in-flight counting) on.
    pub fn new(modules: Vec<Module>) -> Result<Registry, StartError> {
        let labelled = modules
            .into_iter()
            .map(|m| (m, FIRST_LABEL.to_string()))
            .collect();
        Registry::with_labels(labelled)
    }

    /// As [`Registry::new`], with each module's first label given.
    pub fn with_labels(modules: Vec<(Module, String)>) -> Result<Registry, StartError> {
        Registry::with_foreign(modules, |_| None)
    }

    /// As [`Registry::with_labels`], the modules for which `code` gives foreign code
    /// (native modules in hybrid mode) running it instead of their bytecode, from their
    /// initializers on.
    pub fn with_foreign(
        modules: Vec<(Module, String)>,
        code: impl FnMut(&str) -> Option<Arc<dyn Foreign>>,
    ) -> Result<Registry, StartError> {
        Registry::with_host_fns(modules, code, dast_vm::HostFns::default())
    }

    /// As [`Registry::with_foreign`], the modules' `host fn` declarations served by
    /// `host_fns` (every one must be there, with its signature).
    pub fn with_host_fns(
        modules: Vec<(Module, String)>,
        mut code: impl FnMut(&str) -> Option<Arc<dyn Foreign>>,
        host_fns: dast_vm::HostFns,
    ) -> Result<Registry, StartError> {
        let (modules, labels): (Vec<Module>, Vec<String>) = modules.into_iter().unzip();
        let names: Vec<String> = modules.iter().map(|m| m.name.clone()).collect();
        let mut program = dast_vm::link(modules).map_err(|e| StartError::Link(Box::new(e)))?;
        program
            .set_host_fns(host_fns)
            .map_err(|e| StartError::Link(Box::new(LinkError::HostFn(e))))?;
        for name in &names {
            if let Some(code) = code(name) {
                let id = program.instance_of(name).expect("linked");
                program
                    .set_foreign(id, code)
                    .expect("a linked instance is live");
            }
        }
        program.set_hot_reload(true);
        program.init().map_err(StartError::Init)?;
        let modules = names
            .into_iter()
            .zip(labels)
            .map(|(name, label)| ModuleEntry {
                newest: (1, label.clone()),
                versions: vec![Version::new(
                    1,
                    label,
                    program.instance_of(&name).expect("linked"),
                )],
                name,
                next_label: None,
                loaded_by_host: false,
                unloaded: 0,
                called: BTreeMap::new(),
                grants: None,
            })
            .collect();
        let hub = Hub {
            modules,
            source: None,
            log: Box::new(StderrLog::default()),
            told_not_hot: Default::default(),
            rollback: None,
            logged_panics: Default::default(),
            plugin_grants: Default::default(),
            state_wait: DEFAULT_STATE_WAIT,
        };
        Ok(Registry { program, hub })
    }

    /// Calls `func` of the active version of `module`. The registry answers the
    /// call's `ModuleRegistry` requests and safe points (see `host.rs`). A panic is
    /// logged and, with rollback on, may put the previous version back (`calls.rs`);
    /// the function is recorded as called by the host, so a reload must keep it.
    pub fn call(
        &mut self,
        module: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Box<CallError>> {
        let Registry { program, hub } = self;
        hub.call_by_name(program, module, func, args, RUST_HOST)
    }

    /// Runs the program's entry point (`main`): as [`Registry::call`] without
    /// arguments, but its panic is only returned (the host reports it as the program's
    /// end), not logged, recorded or rolled back.
    pub fn call_entry(&mut self, module: &str, func: &str) -> Result<Value, Panic> {
        let Registry { program, hub } = self;
        program.call_with_host(hub, module, func, &[])
    }

    /// Calls `func` of version `number` of `module` (active or draining): how two
    /// versions serve side by side. Refused for an unloaded version.
    pub fn call_version(
        &mut self,
        module: &str,
        number: u32,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Panic> {
        let instance = self.live_version(module, number).map_err(|e| Panic {
            message: e.to_string(),
            trace: Vec::new(),
        })?;
        let Registry { program, hub } = self;
        program.call_instance_with_host(hub, instance, func, args)
    }

    /// Keeps version `number` of `module` alive (callable with
    /// [`Registry::call_version`]) after it is replaced, until [`Registry::unpin`].
    pub fn pin(&mut self, module: &str, number: u32) -> Result<(), VersionError> {
        self.live_version(module, number)?;
        self.version_mut(module, number)?.pins += 1;
        Ok(())
    }

    /// Releases one [`Registry::pin`]; a draining version is freed by the next
    /// [`Registry::collect`] once nothing else holds it.
    pub fn unpin(&mut self, module: &str, number: u32) -> Result<(), VersionError> {
        let v = self.version_mut(module, number)?;
        v.pins = v.pins.saturating_sub(1);
        Ok(())
    }

    /// Frees every draining version with no call in flight, no pin and no rollback
    /// hold.
    pub fn collect(&mut self) -> Vec<Event> {
        self.session().collect()
    }

    /// Rollback: with `Some(window)`, a reload keeps the version it replaces for
    /// `window`; if the new version panics in a call by name ([`Registry::call`],
    /// `registry.call`) within that time, the kept version becomes active again with
    /// the new version's state carried back (hooks or automatic migration in reverse),
    /// or else the state it had at the switch. `None` (the default) turns it off.
    pub fn set_rollback(&mut self, window: Option<Duration>) {
        self.hub.rollback = window;
    }

    pub(crate) fn session(&mut self) -> Session<'_> {
        Session {
            program: &mut self.program,
            modules: &mut self.hub.modules,
            state_wait: self.hub.state_wait,
        }
    }

    /// The number of the active version of `module`.
    pub fn get_version(&self, module: &str) -> Option<u32> {
        Some(self.entry(module)?.active().number)
    }

    /// Every module with every version it had, oldest first.
    pub fn modules(&self) -> Vec<ModuleInfo> {
        module_infos(&self.program, &self.hub.modules)
    }

    /// The label the next reload of `module` gets (instead of incrementing the last
    /// number of the current one).
    pub fn set_next_label(&mut self, module: &str, label: &str) -> Result<(), VersionError> {
        let entry = self
            .hub
            .modules
            .iter_mut()
            .find(|e| e.name == module)
            .ok_or_else(|| VersionError::UnknownModule(module.to_string()))?;
        entry.next_label = Some(label.to_string());
        Ok(())
    }

    /// Where `print`/`println` write.
    pub fn set_output(&mut self, out: Box<dyn Write + Send>) {
        self.program.set_output(out);
    }

    /// The VM program, for what the registry does not wrap (signatures, test hooks).
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The VM program, mutably. Loading, activating or unloading instances through it
    /// bypasses the registry's book-keeping: use it for output, in-flight test hooks
    /// ([`Program::begin_host_call`]) and the like.
    pub fn program_mut(&mut self) -> &mut Program {
        &mut self.program
    }

    /// The instance of version `number` of `module` (for [`Program`]-level hooks).
    pub fn instance(&self, module: &str, number: u32) -> Option<InstanceId> {
        let entry = self.entry(module)?;
        let v = entry.versions.iter().find(|v| v.number == number)?;
        Some(v.instance)
    }

    pub(crate) fn entry(&self, module: &str) -> Option<&ModuleEntry> {
        self.hub.modules.iter().find(|e| e.name == module)
    }

    fn live_version(&self, module: &str, number: u32) -> Result<InstanceId, VersionError> {
        let entry = self
            .entry(module)
            .ok_or_else(|| VersionError::UnknownModule(module.to_string()))?;
        let v = entry.versions.iter().find(|v| v.number == number);
        let newest = entry.newest.0;
        let Some(v) = v else {
            // Unloaded versions are pruned: an older number than the newest was one.
            return Err(if number >= 1 && number <= newest {
                VersionError::Unloaded {
                    module: module.to_string(),
                    number,
                }
            } else {
                VersionError::UnknownVersion {
                    module: module.to_string(),
                    number,
                }
            });
        };
        if v.state == VersionState::Unloaded {
            return Err(VersionError::Unloaded {
                module: module.to_string(),
                number,
            });
        }
        Ok(v.instance)
    }

    fn version_mut(&mut self, module: &str, number: u32) -> Result<&mut Version, VersionError> {
        let entry = self
            .hub
            .modules
            .iter_mut()
            .find(|e| e.name == module)
            .ok_or_else(|| VersionError::UnknownModule(module.to_string()))?;
        entry
            .versions
            .iter_mut()
            .find(|v| v.number == number)
            .ok_or_else(|| VersionError::UnknownVersion {
                module: module.to_string(),
                number,
            })
    }
}

impl Session<'_> {
    /// See [`Registry::collect`].
    pub fn collect(&mut self) -> Vec<Event> {
        let now = Instant::now();
        let mut events = Vec::new();
        for entry in self.modules.iter_mut() {
            for v in &mut entry.versions {
                if v.state == VersionState::Draining
                    && !v.is_kept(now)
                    && try_free(self.program, v.instance, v.pins)
                {
                    v.state = VersionState::Unloaded;
                    events.push(Event::Unloaded {
                        module: entry.name.clone(),
                        number: v.number,
                        label: v.label.clone(),
                    });
                }
            }
            entry.prune_unloaded();
        }
        events
    }

    pub fn entry(&self, module: &str) -> Option<&ModuleEntry> {
        self.modules.iter().find(|e| e.name == module)
    }
}

/// Every module with every version it had, oldest first.
pub(crate) fn module_infos(program: &Program, modules: &[ModuleEntry]) -> Vec<ModuleInfo> {
    let info = |v: &Version| VersionInfo {
        number: v.number,
        label: v.label.clone(),
        state: v.state,
        in_flight: match v.state {
            VersionState::Unloaded => 0,
            _ => program.in_flight(v.instance),
        },
        handles: v.pins,
        serialized: v.state != VersionState::Unloaded && program.is_stateful(v.instance),
    };
    modules
        .iter()
        .map(|e| ModuleInfo {
            name: e.name.clone(),
            versions: e.versions.iter().map(info).collect(),
            unloaded: e.unloaded,
        })
        .collect()
}

/// Unloads a replaced instance if nothing holds it: no call in flight, no pin.
pub(crate) fn try_free(program: &mut Program, instance: InstanceId, pins: u32) -> bool {
    pins == 0 && program.in_flight(instance) == 0 && program.unload(instance).is_ok()
}

/// `v1.0` -> `v1.1`, `v1.9` -> `v1.10`, `build-7` -> `build-8`; a label without a
/// trailing number gets `.1` appended.
pub fn next_label(label: &str) -> String {
    let digits = label.len() - label.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = label.split_at(label.len() - digits);
    match tail.parse::<u64>() {
        Ok(n) => format!("{head}{}", n + 1),
        Err(_) => format!("{label}.1"),
    }
}
