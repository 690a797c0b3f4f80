//! `ModuleRegistry` for a program whose modules never change (release mode, where hot
//! reload is off): the same requests and the same replies as the reloading registry,
//! with every module at version 1. `has_update` is false, `reload_module` logs that
//! reloading is off and returns false, and `call` runs the function by name through a
//! caller-given function (the native modules), its panic coming back as a `CallError`.

use dast_vm::{HostRequest, Panic, Value};

use crate::host::{call_result_value, modules_value, option_u32, LogSink};
use crate::registry::FIRST_LABEL;
use crate::{CallError, Level, ModuleInfo, VersionInfo, VersionState};

/// The registry's book-keeping without versions: which modules exist, their labels.
pub struct FixedRegistry {
    /// Every module of the program, with the label it was loaded under.
    modules: Vec<(String, String)>,
    log: Box<dyn LogSink>,
    /// What the program's `host fn`s run.
    host_fns: dast_vm::HostFns,
}

impl FixedRegistry {
    /// A registry over the program's modules (each at version 1, `v1.0`).
    pub fn new(modules: impl IntoIterator<Item = String>, log: Box<dyn LogSink>) -> Self {
        FixedRegistry {
            modules: modules
                .into_iter()
                .map(|m| (m, FIRST_LABEL.to_string()))
                .collect(),
            log,
            host_fns: dast_vm::HostFns::default(),
        }
    }

    /// The host functions the program's `host fn` declarations call.
    pub fn set_host_fns(&mut self, fns: dast_vm::HostFns) {
        self.host_fns = fns;
    }

    /// Answers every request but `Call` (see [`FixedRegistry::call_reply`]).
    pub fn handle(&mut self, req: HostRequest) -> Result<Value, String> {
        Ok(match req {
            HostRequest::Load { name, label } => Value::Bool(self.load(&name, &label)),
            HostRequest::HasUpdate { .. } => Value::Bool(false),
            HostRequest::Reload { name } => {
                let line = format!(
                    "Module '{name}' cannot be reloaded: hot reload is off (release mode); \
                     run with --hot-reload in the dev or hybrid profile"
                );
                self.log.log(Level::Warn, &line);
                Value::Bool(false)
            }
            HostRequest::GetVersion { name } => {
                option_u32(self.modules.iter().any(|(m, _)| *m == name).then_some(1))
            }
            HostRequest::Modules => modules_value(&self.infos()),
            HostRequest::SafePoint => Value::Unit,
            HostRequest::HostFn { module, func, args } => {
                self.host_fns.call(&module, &func, &args)?
            }
            HostRequest::ReadDir { path } => Value::Vec(
                crate::read_dir_names(std::path::Path::new(&path))?
                    .into_iter()
                    .map(Value::Str)
                    .collect(),
            ),
            HostRequest::LoadBytecode { path, .. } => {
                return Err(format!(
                    "load_bytecode(\"{path}\"): this host loads no modules at run time \
                     (a program run from `.dbc` files has no sources to build them from)"
                ))
            }
            // Every module is at version 1, for good: holds change nothing.
            HostRequest::Pin { name } => {
                option_u32(self.modules.iter().any(|(m, _)| *m == name).then_some(1))
            }
            HostRequest::Unpin { name, version } => {
                Value::Bool(version == 1 && self.modules.iter().any(|(m, _)| *m == name))
            }
            HostRequest::Call { module, .. } | HostRequest::CallVersion { module, .. } => {
                return Err(format!(
                    "internal error: `call` of `{module}` reached `handle`"
                ))
            }
        })
    }

    /// The label of `module` (an error value if there is no such module), before a call.
    pub fn label_of(&self, module: &str) -> Option<String> {
        self.modules
            .iter()
            .find(|(m, _)| m == module)
            .map(|(_, l)| l.clone())
    }

    /// `registry.call`'s reply for the call of `module.func` that gave `result`; a panic
    /// is logged as the reloading registry logs it.
    pub fn call_reply(&mut self, module: &str, func: &str, result: Result<Value, Panic>) -> Value {
        let label = self.label_of(module);
        let result = result.map_err(|panic| {
            let error = CallError {
                module: module.to_string(),
                // Every module of a program that never reloads is at version 1.
                version: if label.is_some() { 1 } else { 0 },
                label: label.unwrap_or_default(),
                function: func.to_string(),
                panic,
                rolled_back_to: None,
            };
            self.log.log(Level::Error, &error.to_string());
            Box::new(error)
        });
        call_result_value(result)
    }

    fn load(&mut self, name: &str, label: &str) -> bool {
        let Some(entry) = self.modules.iter_mut().find(|(m, _)| m == name) else {
            let line = format!("Module '{name}' cannot be loaded: it is not part of the program");
            self.log.log(Level::Error, &line);
            return false;
        };
        if !label.is_empty() {
            entry.1 = label.to_string();
        }
        let line = format!("Module '{name}' loaded ({})", entry.1);
        self.log.log(Level::Info, &line);
        true
    }

    fn infos(&self) -> Vec<ModuleInfo> {
        self.modules
            .iter()
            .map(|(name, label)| ModuleInfo {
                name: name.clone(),
                versions: vec![VersionInfo {
                    number: 1,
                    label: label.clone(),
                    state: VersionState::Active,
                    in_flight: 0,
                    handles: 0,
                    serialized: false,
                }],
                unloaded: 0,
            })
            .collect()
    }
}
