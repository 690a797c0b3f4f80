//! The registry as the host of its program: it answers the `ModuleRegistry` requests of
//! running Dast code and the safe points of watcher-driven reloads.
//!
//! # Structure
//! The registry is split in two: the VM [`Program`] and a `Hub` (the versions, the
//! [`ModuleSource`] and the [`LogSink`]). Every call the registry makes
//! ([`Registry::call`], [`Registry::call_version`]) passes the hub to
//! [`Program::call_with_host`], so while a call is suspended on a request the hub has
//! both itself and `&mut Program` (the [`dast_vm::Host`] contract) and can reload,
//! collect, and make nested calls, which it passes itself to again so their own
//! requests are answered too. The reload transaction and collection work on a
//! `Session` (the program and the versions borrowed side by side), the same from the
//! registry's methods and from inside a request. No host is installed *in* the program:
//! code run by the program directly ([`Registry::program_mut`]) and `var` initializers
//! and hooks run during a reload get no answers (their requests panic).
//!
//! # Requests
//! - `load_module(name, label)`: `name` must be one of the linked modules (else false
//!   and an `[ERROR]` line). The first time, the module is recorded as loaded by the
//!   host, its first version takes `label` if it was never reloaded, and
//!   `[INFO] Module 'name' loaded (label)` is logged.
//! - `has_update(name)`: asks the [`ModuleSource`] (false without one).
//! - `reload_module(name)`: [`ModuleSource::build`], then [`Registry::reload`]; true when
//!   the new version is active (the report's log lines are logged, and the versions
//!   that could be collected are, with their `[DEBUG] ... unloaded` lines); false with
//!   `[ERROR] Reload of 'name' refused: ...` when the build or the reload fails.
//! - `call(module, func, args)`: a nested call of the module's active version; its
//!   panic becomes a panic of the caller, with the nested panic's message.
//! - `get_version(name)`, `modules()`: from the registry's versions.
//! - A safe point ([`Registry::set_safe_point_flag`]): every hot-reloadable module
//!   whose source reports a change is reloaded as by `reload_module`
//!   ([`Registry::apply_updates`]).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use dast_bytecode::Module;
use dast_vm::{Foreign, Host, HostRequest, Program, Value};

use crate::registry::{module_infos, Hub, ModuleEntry, Registry, Session, Version, FIRST_LABEL};
use crate::report::*;

/// Where new versions of modules come from (the CLI watches and compiles files).
pub trait ModuleSource: Send {
    /// Whether module `name` changed since it was last built (or loaded). After a
    /// [`ModuleSource::build`], report false until it changes again, so a refused
    /// reload is not retried with the same text.
    fn has_update(&mut self, name: &str) -> bool;
    /// Module `name` compiled from its current source; `Err` is the rendered diagnostic.
    fn build(&mut self, name: &str) -> Result<Module, String>;

    /// Whether this source makes new versions (false for a program run without hot
    /// reload that only loads modules at run time: `reload_module` then says hot reload
    /// is off).
    fn reloads(&self) -> bool {
        true
    }

    /// The code a new version built by [`ModuleSource::build`] runs when it does not
    /// run as bytecode (a native module in hybrid mode: its library, built and loaded
    /// beside the running version's); `None` for bytecode. `Err` refuses the reload.
    fn foreign(&mut self, module: &Module) -> Result<Option<Arc<dyn Foreign>>, String> {
        let _ = module;
        Ok(None)
    }

    /// `load_bytecode(path)`: the module at `path` (a `.dbc` file, or Dast source to
    /// compile), which from then on is a module of the program like the others
    /// ([`ModuleSource::has_update`] and [`ModuleSource::build`] answer for it by its
    /// name). `Err` is the rendered diagnostic.
    fn load_path(&mut self, path: &str) -> Result<Module, String> {
        Err(format!(
            "cannot load `{path}`: this host does not load modules at run time"
        ))
    }

    /// `read_dir(path)`: the names of the entries of directory `path`, sorted.
    fn read_dir(&mut self, path: &str) -> Result<Vec<String>, String> {
        Err(format!("cannot read `{path}`: this host has no files"))
    }
}

/// Where the registry's log lines go (`line` without the `[LEVEL] ` tag).
pub trait LogSink: Send {
    fn log(&mut self, level: Level, line: &str);
}

/// The default log: `[LEVEL] line` on stderr for `min` and above (default: info).
#[derive(Clone, Copy, Debug)]
pub struct StderrLog {
    pub min: Level,
}

impl Default for StderrLog {
    fn default() -> StderrLog {
        StderrLog { min: Level::Info }
    }
}

impl LogSink for StderrLog {
    fn log(&mut self, level: Level, line: &str) {
        if level >= self.min {
            eprintln!("[{level}] {line}");
        }
    }
}

impl Host for Hub {
    fn handle(&mut self, program: &mut Program, req: HostRequest) -> Result<Value, String> {
        match req {
            HostRequest::Load { name, label } => Ok(Value::Bool(self.load(&name, &label))),
            HostRequest::HasUpdate { name } => Ok(Value::Bool(self.has_update(&name))),
            HostRequest::Reload { name } => Ok(Value::Bool(self.reload(program, &name))),
            HostRequest::Call {
                module,
                func,
                args,
                caller,
            } => {
                let caller = format!(
                    "{} ({}:{}:{})",
                    caller.function, caller.file, caller.line, caller.col
                );
                let result = self.call_by_name(program, &module, &func, &args, &caller);
                Ok(call_result_value(result))
            }
            HostRequest::GetVersion { name } => {
                let number = self
                    .session(program)
                    .entry(&name)
                    .map(|e| e.active().number);
                Ok(option_u32(number))
            }
            HostRequest::Modules => Ok(modules_value(&module_infos(program, &self.modules))),
            HostRequest::ReadDir { path } => match self.source.as_mut() {
                Some(source) => source
                    .read_dir(&path)
                    .map(|names| Value::Vec(names.into_iter().map(Value::Str).collect())),
                None => Err(format!("read_dir(\"{path}\"): this host has no files")),
            },
            HostRequest::LoadBytecode { path, .. } => {
                self.load_bytecode(program, &path).map(Value::Str)
            }
            HostRequest::SafePoint => {
                self.apply_updates(program);
                Ok(Value::Unit)
            }
            HostRequest::HostFn { module, func, args } => {
                program.host_fns().call(&module, &func, &args)
            }
            HostRequest::Pin { name } => Ok(option_u32(self.pin_active(&name))),
            HostRequest::Unpin { name, version } => {
                Ok(Value::Bool(self.unpin(program, &name, version)))
            }
            HostRequest::CallVersion {
                module,
                version,
                func,
                args,
                ..
            } => {
                let result = self.call_version(program, &module, version, &func, &args);
                Ok(call_result_value(result))
            }
        }
    }
}

impl Hub {
    pub(crate) fn session<'a>(&'a mut self, program: &'a mut Program) -> Session<'a> {
        Session {
            program,
            modules: &mut self.modules,
            state_wait: self.state_wait,
        }
    }

    /// Unloads the drained versions, logging `[DEBUG] v1.0 unloaded` for each.
    pub(crate) fn collect_and_log(&mut self, program: &mut Program) {
        for event in self.session(program).collect() {
            let (level, line) = event.log_line();
            self.emit(level, &line);
        }
    }

    pub(crate) fn emit(&mut self, level: Level, line: &str) {
        self.log.log(level, line);
    }

    /// `load_module(name, label)` (see the module docs).
    pub(crate) fn load(&mut self, name: &str, label: &str) -> bool {
        let Some(entry) = self.modules.iter_mut().find(|e| e.name == name) else {
            self.emit(
                Level::Error,
                &format!("Module '{name}' cannot be loaded: it is not part of the program"),
            );
            return false;
        };
        if entry.loaded_by_host {
            return true;
        }
        entry.loaded_by_host = true;
        if entry.versions.len() == 1 && !label.is_empty() {
            entry.versions[0].label = label.to_string();
            entry.newest.1 = label.to_string();
        }
        let line = format!("Module '{name}' loaded ({})", entry.active().label);
        self.emit(Level::Info, &line);
        true
    }

    /// `load_bytecode(path)`: loads the module as version 1 (active, initialized) and
    /// returns its name; a module already loaded from there is returned as it is.
    pub(crate) fn load_bytecode(
        &mut self,
        program: &mut Program,
        path: &str,
    ) -> Result<String, String> {
        let Some(source) = self.source.as_mut() else {
            return Err(format!(
                "load_bytecode(\"{path}\"): this host does not load modules"
            ));
        };
        let module = source
            .load_path(path)
            .map_err(|e| format!("load_bytecode(\"{path}\") failed:\n{e}"))?;
        let grants = self.plugin_grants.clone();
        self.add_plugin(program, module, grants, path)
            .map_err(|e| format!("load_bytecode(\"{path}\"): {e}"))
    }

    /// Loads `module` (from `from`, for the log) as a module of the program, version 1,
    /// active and initialized, after checking it needs nothing `grants` does not give;
    /// a module already loaded under that name is returned as it is.
    pub(crate) fn add_plugin(
        &mut self,
        program: &mut Program,
        module: Module,
        grants: crate::Grants,
        from: &str,
    ) -> Result<String, String> {
        let name = module.name.clone();
        if self.modules.iter().any(|e| e.name == name) {
            return Ok(name);
        }
        grants.check(&module).map_err(|e| e.to_string())?;
        let id = program.load_instance(module).map_err(|e| e.to_string())?;
        if let Err(p) = program.init_instance(id) {
            let _ = program.unload(id);
            return Err(format!("its initializers panicked: {p}"));
        }
        program.activate(id);
        self.modules.push(ModuleEntry {
            name: name.clone(),
            versions: vec![Version::new(1, FIRST_LABEL.to_string(), id)],
            next_label: None,
            loaded_by_host: true,
            unloaded: 0,
            newest: (1, FIRST_LABEL.to_string()),
            called: Default::default(),
            grants: Some(grants),
        });
        let line = format!("Module '{name}' loaded ({FIRST_LABEL}) from {from}");
        self.emit(Level::Info, &line);
        Ok(name)
    }

    pub(crate) fn has_update(&mut self, name: &str) -> bool {
        let known = self.modules.iter().any(|e| e.name == name);
        known && self.source.as_mut().is_some_and(|s| s.has_update(name))
    }

    /// `reload_module(name)`: build through the source, reload, log (see the module
    /// docs).
    pub(crate) fn reload(&mut self, program: &mut Program, name: &str) -> bool {
        if !self.source.as_ref().is_some_and(|s| s.reloads()) {
            let line = format!(
                "Module '{name}' cannot be reloaded: hot reload is off; run with `dast run --hot-reload`"
            );
            self.emit(Level::Warn, &line);
            return false;
        }
        let next_label = self
            .modules
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.next_version().1);
        let built = if let Some(label) = next_label {
            self.emit(Level::Info, &format!("Compiling {name} {label}..."));
            match self.source.as_mut() {
                Some(source) => source.build(name),
                None => Err("no module source is installed".to_string()),
            }
        } else {
            Err(ReloadError::UnknownModule(name.to_string()).to_string())
        };
        let result = built.and_then(|module| {
            if module.name != name {
                return Err(format!("the source built module `{}`", module.name));
            }
            let code = match self.source.as_mut() {
                Some(source) => source.foreign(&module)?,
                None => None,
            };
            let keep = self.rollback;
            self.session(program)
                .reload_with(module, code, keep)
                .map_err(|e| e.to_string())
        });
        match result {
            Ok(report) => {
                for (level, line) in report.log_lines() {
                    self.emit(level, &line);
                }
                self.collect_and_log(program);
                true
            }
            Err(why) => {
                self.emit(Level::Error, &format!("Reload of '{name}' refused: {why}"));
                false
            }
        }
    }

    /// Reloads every hot-reloadable module whose source changed; returns each one
    /// tried with whether its new version is active.
    pub(crate) fn apply_updates(&mut self, program: &mut Program) -> Vec<(String, bool)> {
        let modules: Vec<(String, bool)> = self
            .modules
            .iter()
            .map(|e| {
                let hot = program.module_of(e.active().instance).hot_reload;
                (e.name.clone(), hot)
            })
            .collect();
        let (hot, cold): (Vec<_>, Vec<_>) = modules.into_iter().partition(|(_, hot)| *hot);
        for (name, _) in cold {
            if !self.told_not_hot.contains(&name) && self.has_update(&name) {
                self.emit(
                    Level::Warn,
                    &format!(
                        "'{name}' changed, but it is not hot-reloadable (no `@hot_reload` \
                         module or fn, or `hot-reload = false` in the profile): restart to \
                         use the change"
                    ),
                );
                self.told_not_hot.insert(name);
            }
        }
        let mut tried = Vec::new();
        for (name, _) in hot {
            if self.has_update(&name) {
                let ok = self.reload(program, &name);
                tried.push((name, ok));
            }
        }
        tried
    }
}

impl Registry {
    /// Where new versions come from for `reload_module`, `has_update` and safe points.
    pub fn set_source(&mut self, source: Box<dyn ModuleSource>) {
        self.hub.source = Some(source);
    }

    /// What modules loaded by running code (`load_bytecode`) may do (default: every
    /// capability and every other module's functions, as `dast run` grants). Checked
    /// when such a module is loaded and at each of its reloads.
    pub fn set_plugin_grants(&mut self, grants: crate::Grants) {
        self.hub.plugin_grants = grants;
    }

    /// Loads `module` as a plugin that may do only what `grants` lists (refused,
    /// naming what it lacks, otherwise; its reloads are held to the same grants);
    /// returns its name, for `instantiate` from Dast code or calls by name.
    pub fn load_plugin(&mut self, module: Module, grants: crate::Grants) -> Result<String, String> {
        let from = format!("the Rust host ({})", module.source);
        self.hub
            .add_plugin(&mut self.program, module, grants, &from)
    }

    /// Where the registry logs (default: [`StderrLog`]).
    pub fn set_log(&mut self, log: Box<dyn LogSink>) {
        self.hub.log = log;
    }

    /// Turns on safe points: while a call runs, each cross-module call checks `flag`
    /// and, when it is up, the registry applies [`Registry::apply_updates`] first (the
    /// flag is cleared), so the call reaches the new version. A watcher sets the flag.
    pub fn set_safe_point_flag(&mut self, flag: Arc<AtomicBool>) {
        self.program.set_safe_point_flag(flag);
    }

    /// `registry.load_module(name, label)` from Rust (see the `host.rs` docs).
    pub fn load_module(&mut self, name: &str, label: &str) -> bool {
        self.hub.load(name, label)
    }

    /// `registry.has_update(name)` from Rust: asks the module source.
    pub fn has_update(&mut self, name: &str) -> bool {
        self.hub.has_update(name)
    }

    /// `registry.reload_module(name)` from Rust: builds `name` through the module
    /// source and reloads it, logging the outcome; true when the new version is active.
    pub fn reload_module(&mut self, name: &str) -> bool {
        let Registry { program, hub } = self;
        hub.reload(program, name)
    }

    /// What a safe point does, between calls: reloads every hot-reloadable module whose
    /// source reports a change. Returns each module tried and whether it reloaded.
    pub fn apply_updates(&mut self) -> Vec<(String, bool)> {
        let Registry { program, hub } = self;
        hub.apply_updates(program)
    }
}

/// `registry.call`'s reply: `Result[Value, CallError]` in host form (the VM turns the
/// `Ok` payload into the prelude's `Value`).
pub(crate) fn call_result_value(result: Result<Value, Box<CallError>>) -> Value {
    let (variant, field) = match result {
        Ok(v) => ("Ok", v),
        Err(e) => ("Err", call_error_value(&e)),
    };
    Value::Enum {
        name: "Result".to_string(),
        variant: variant.to_string(),
        fields: vec![field],
    }
}

/// The prelude's `CallError` in host form.
fn call_error_value(e: &CallError) -> Value {
    let text = |s: &str| Value::Str(s.to_string());
    let trace = e.trace_lines().into_iter().map(Value::Str).collect();
    let rolled_back_to = crate::reload::option(e.rolled_back_to.as_deref().map(text));
    Value::Struct {
        name: "CallError".to_string(),
        fields: vec![
            ("module".to_string(), text(&e.module)),
            ("version".to_string(), Value::UInt(e.version as u64)),
            ("label".to_string(), text(&e.label)),
            ("function".to_string(), text(&e.function)),
            ("message".to_string(), text(&e.panic.message)),
            ("trace".to_string(), Value::Vec(trace)),
            ("rolled_back_to".to_string(), rolled_back_to),
        ],
    }
}

/// `Option[u32]` in host form.
pub(crate) fn option_u32(n: Option<u32>) -> Value {
    let (variant, fields) = match n {
        Some(n) => ("Some", vec![Value::UInt(n as u64)]),
        None => ("None", vec![]),
    };
    Value::Enum {
        name: "Option".to_string(),
        variant: variant.to_string(),
        fields,
    }
}

/// `HashMap[String, Vec[ModuleVersion]]` in host form, modules in load order.
pub(crate) fn modules_value(infos: &[ModuleInfo]) -> Value {
    let version = |v: &VersionInfo| {
        let state = match v.state {
            VersionState::Active => "Active",
            VersionState::Draining => "Draining",
            VersionState::Unloaded => "Unloaded",
        };
        Value::Struct {
            name: "ModuleVersion".to_string(),
            fields: vec![
                ("version".to_string(), Value::UInt(v.number as u64)),
                ("label".to_string(), Value::Str(v.label.clone())),
                (
                    "state".to_string(),
                    Value::Enum {
                        name: "VersionState".to_string(),
                        variant: state.to_string(),
                        fields: vec![],
                    },
                ),
                ("active_calls".to_string(), Value::UInt(v.in_flight as u64)),
                ("handles".to_string(), Value::UInt(v.handles as u64)),
                ("serialized".to_string(), Value::Bool(v.serialized)),
            ],
        }
    };
    let entries = infos
        .iter()
        .map(|m| {
            let versions = m.versions.iter().map(version).collect();
            (Value::Str(m.name.clone()), Value::Vec(versions))
        })
        .collect();
    Value::Map(entries)
}
