//! Calls by name from the host (`registry.call` in Dast, [`Registry::call`] in Rust),
//! and what the registry does when one panics: log it, and roll back a freshly
//! reloaded version to the one it replaced.
//!
//! # Recording
//! Every function called by name is recorded on its module with the signature it had
//! ([`ModuleEntry::called`]): a reload that removes it or changes its signature is
//! refused (`reload.rs`, `check_host_calls`), as an importer's would be.
//!
//! # Rollback
//! With [`Registry::set_rollback`], a reload keeps the version it replaces for a window
//! (`Version::kept_until`). If a call by name into the new version panics within it:
//! 1. the kept version must still serve every importer (`check_importers`), else no
//!    rollback;
//! 2. its state is saved ([`Program::snapshot_globals`]), then the new version's state
//!    is carried back: through the hooks in reverse (the new version's
//!    `__on_unload__` bytes into the kept version's `__on_load__`), else by the
//!    automatic plan from the new module to the old one; when neither applies, or the
//!    hooks panic, the saved state (as it was at the switch) is put back;
//! 3. the kept version is activated again and the panicking one drains.
//!
//! The log says `[WARN] Module 'x' v1.2 panicked in update; rolled back to v1.1`. Only
//! the module called by name is rolled back: a panic raised in another module it calls
//! is reported, not rolled back there.

use std::time::Instant;

use dast_vm::{InstanceId, Panic, Program, Value};

use crate::migrate;
use crate::registry::{HostCalled, Hub, ModuleEntry, Registry, Session, RUST_HOST};
use crate::reload::{hook, option, LOAD_HOOK, UNLOAD_HOOK};
use crate::report::*;

/// How the rolled-back version got its state.
enum Restored {
    /// The new version's state, through `__on_unload__` -> `__on_load__`.
    Hooks,
    /// The new version's state, by the automatic plan in reverse.
    Auto,
    /// Its own state as it was at the switch.
    Saved,
}

impl Hub {
    /// Calls `func` of `module`'s active version (see the module docs): records the
    /// call, logs a panic, rolls back when it can, and collects drained versions.
    pub(crate) fn call_by_name(
        &mut self,
        program: &mut Program,
        module: &str,
        func: &str,
        args: &[Value],
        caller: &str,
    ) -> Result<Value, Box<CallError>> {
        let Some((number, label, instance)) = self.active_of(module) else {
            let panic = Panic {
                message: format!("no module `{module}` is loaded"),
                trace: Vec::new(),
            };
            let error = CallError {
                module: module.to_string(),
                version: 0,
                label: String::new(),
                function: func.to_string(),
                panic,
                rolled_back_to: None,
            };
            self.log_panic(&error);
            return Err(Box::new(error));
        };
        self.record_call(program, module, instance, func, caller);
        let result = program.call_instance_with_host(self, instance, func, args);
        let result =
            result.map_err(|panic| self.answer_panic(program, module, func, panic, number, label));
        // A version that drained during the call (or whose rollback hold ended) goes.
        self.collect_and_log(program);
        result
    }

    /// What a panic of a call by name into version `number` of `module` gets: logged,
    /// and rolled back when rollback is on.
    fn answer_panic(
        &mut self,
        program: &mut Program,
        module: &str,
        func: &str,
        panic: Panic,
        number: u32,
        label: String,
    ) -> Box<CallError> {
        let mut error = CallError {
            module: module.to_string(),
            version: number,
            label,
            function: func.to_string(),
            panic,
            rolled_back_to: None,
        };
        self.log_panic(&error);
        error.rolled_back_to = self.roll_back_after_panic(program, module, number);
        if let Some(to) = &error.rolled_back_to {
            let line = format!(
                "Module '{module}' {} panicked in {func}; rolled back to {to}",
                error.label
            );
            self.emit(Level::Warn, &line);
        }
        Box::new(error)
    }

    /// [`Registry::record_host_call`].
    pub(crate) fn record_host_call(&mut self, program: &Program, module: &str, func: &str) {
        if let Some((_, _, instance)) = self.active_of(module) {
            self.record_call(program, module, instance, func, RUST_HOST);
        }
    }

    /// [`Registry::report_panic`]: the version is the one active now (a call that
    /// raced a reload is reported against the new version).
    pub(crate) fn report_panic(
        &mut self,
        program: &mut Program,
        module: &str,
        func: &str,
        panic: Panic,
    ) -> Box<CallError> {
        let (number, label) = match self.active_of(module) {
            Some((number, label, _)) => (number, label),
            None => (0, String::new()),
        };
        let error = self.answer_panic(program, module, func, panic, number, label);
        self.collect_and_log(program);
        error
    }

    fn active_of(&self, module: &str) -> Option<(u32, String, InstanceId)> {
        let entry = self.modules.iter().find(|e| e.name == module)?;
        let v = entry.active();
        Some((v.number, v.label.clone(), v.instance))
    }

    fn record_call(
        &mut self,
        program: &Program,
        module: &str,
        instance: InstanceId,
        func: &str,
        caller: &str,
    ) {
        let Some(sig) = program.instance_signature(instance, func) else {
            return;
        };
        let entry = self.entry_mut(module);
        entry
            .called
            .entry(func.to_string())
            .or_insert_with(|| HostCalled {
                sig,
                caller: caller.to_string(),
            });
    }

    fn entry_mut(&mut self, module: &str) -> &mut ModuleEntry {
        self.modules
            .iter_mut()
            .find(|e| e.name == module)
            .expect("a loaded module")
    }

    /// Logs a failed call: the first panic of a version's function at error level,
    /// repeats at debug (a host loop calling it every frame does not flood the log).
    fn log_panic(&mut self, error: &CallError) {
        let key = (error.module.clone(), error.version, error.function.clone());
        let level = match self.logged_panics.insert(key) {
            true => Level::Error,
            false => Level::Debug,
        };
        self.emit(level, &error.to_string());
    }

    /// After version `number` of `module` panicked: roll back to the version kept for
    /// it, if there is one; returns its label.
    fn roll_back_after_panic(
        &mut self,
        program: &mut Program,
        module: &str,
        number: u32,
    ) -> Option<String> {
        self.rollback?;
        let now = Instant::now();
        let entry = self.modules.iter().find(|e| e.name == module)?;
        let failed = entry.active();
        if failed.number != number {
            return None; // reloaded again meanwhile
        }
        let kept = entry
            .versions
            .iter()
            .rev()
            .find(|v| v.state == VersionState::Draining && v.is_kept(now))?;
        let (failed, kept, label) = (failed.instance, kept.instance, kept.label.clone());
        match self.session(program).roll_back(module, failed, kept) {
            Ok(restored) => {
                let how = match restored {
                    Restored::Hooks => "the state was carried back by the hooks",
                    Restored::Auto => "the state was carried back automatically",
                    Restored::Saved => "the state is as it was at the switch",
                };
                self.emit(Level::Debug, &format!("{label} active again; {how}"));
                Some(label)
            }
            Err(why) => {
                let line = format!("Module '{module}' cannot roll back to {label}: {why}");
                self.emit(Level::Warn, &line);
                None
            }
        }
    }
}

impl Session<'_> {
    /// Makes `kept` the active version of `module` again, in place of `failed` (see the
    /// module docs).
    fn roll_back(
        &mut self,
        module: &str,
        failed: InstanceId,
        kept: InstanceId,
    ) -> Result<Restored, String> {
        self.program
            .check_importers(kept)
            .map_err(|e| e.to_string())?;
        // Concurrent: calls running in the failed version on other threads finish
        // first (new ones wait); if they do not, its state is not read.
        let held = self.program.hold_state(failed, self.state_wait);
        let saved = self.program.snapshot_globals(kept);
        let carried = match held {
            Ok(_) => self.carry_back(failed, kept),
            Err(_) => Ok(Restored::Saved),
        };
        let restored = match carried {
            Ok(restored) => restored,
            Err(_) => {
                self.program.restore_globals(saved);
                Restored::Saved
            }
        };
        self.program.activate(kept);
        drop(held);
        let entry = self
            .modules
            .iter_mut()
            .find(|e| e.name == module)
            .expect("a loaded module");
        for v in &mut entry.versions {
            if v.instance == kept {
                v.state = VersionState::Active;
                v.kept_until = None;
            } else if v.instance == failed {
                v.state = VersionState::Draining;
            }
        }
        Ok(restored)
    }

    /// Carries `failed`'s state into `kept`: hooks in reverse, else the automatic plan
    /// from the new module to the old; `Saved` when neither applies (or `failed` still
    /// runs calls, so its state is not settled). `Err` when a hook panicked.
    fn carry_back(&mut self, failed: InstanceId, kept: InstanceId) -> Result<Restored, Panic> {
        if self.program.in_flight(failed) > 0 {
            return Ok(Restored::Saved);
        }
        let (fm, km) = (self.program.module_of(failed), self.program.module_of(kept));
        if let (Some(unload), Some(load)) = (hook(fm, UNLOAD_HOOK), hook(km, LOAD_HOOK)) {
            let bytes = self.program.call_instance(failed, &unload, &[])?;
            self.program
                .call_instance(kept, &load, &[option(Some(bytes))])?;
            return Ok(Restored::Hooks);
        }
        match migrate::plan(fm, km) {
            Ok(plan) => {
                self.carry(failed, kept, &plan);
                Ok(Restored::Auto)
            }
            Err(_) => Ok(Restored::Saved),
        }
    }
}

impl Registry {
    /// The functions of `module` the host has called by name, with where each was first
    /// called from.
    pub fn host_called(&self, module: &str) -> Vec<(String, String)> {
        self.entry(module).map_or_else(Vec::new, |e| {
            e.called
                .iter()
                .map(|(f, c)| (f.clone(), c.caller.clone()))
                .collect()
        })
    }
}
