//! Module handles of Dast hosts: `registry.pin(name)`, `registry.unpin(name, version)`
//! and `registry.call_version(module, version, func, args)` (the Rust API is
//! [`crate::Registry::pin`] / [`crate::Registry::unpin`] /
//! [`crate::Registry::call_version`]). A pinned version is not unloaded while it has
//! holds: calls through `call_version` keep reaching it after reloads replaced it, and
//! once its last hold is released (and its last call returned) it is unloaded.

use dast_vm::{Panic, Program, Value};

use crate::registry::Hub;
use crate::report::CallError;

impl Hub {
    /// `registry.pin(name)`: the active version's number, held once more.
    pub(crate) fn pin_active(&mut self, name: &str) -> Option<u32> {
        let entry = self.modules.iter_mut().find(|e| e.name == name)?;
        let active = entry
            .versions
            .iter_mut()
            .find(|v| v.state == crate::VersionState::Active)?;
        active.pins += 1;
        Some(active.number)
    }

    /// `registry.unpin(name, version)`: one hold released; the version is unloaded if
    /// that was its last hold and nothing else keeps it.
    pub(crate) fn unpin(&mut self, program: &mut Program, name: &str, version: u32) -> bool {
        let Some(entry) = self.modules.iter_mut().find(|e| e.name == name) else {
            return false;
        };
        let Some(v) = entry.versions.iter_mut().find(|v| v.number == version) else {
            return false;
        };
        if v.pins == 0 {
            return false;
        }
        v.pins -= 1;
        self.collect_and_log(program);
        true
    }

    /// `registry.call_version(module, version, func, args)`: the call, as `registry.call`
    /// replies it (a panic logged and returned as the `CallError`).
    pub(crate) fn call_version(
        &mut self,
        program: &mut Program,
        module: &str,
        version: u32,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Box<CallError>> {
        let found = self
            .modules
            .iter()
            .find(|e| e.name == module)
            .and_then(|e| {
                let v = e.versions.iter().find(|v| v.number == version)?;
                Some((v.instance, v.label.clone()))
            });
        let error = |label: String, panic: Panic| {
            Box::new(CallError {
                module: module.to_string(),
                version,
                label,
                function: func.to_string(),
                panic,
                rolled_back_to: None,
            })
        };
        let Some((instance, label)) = found else {
            let message = format!("module `{module}` has no version {version} loaded");
            return Err(error(
                String::new(),
                Panic {
                    message,
                    trace: Vec::new(),
                },
            ));
        };
        let result = program.call_instance_with_host(self, instance, func, args);
        let result = result.map_err(|panic| error(label, panic));
        if let Err(e) = &result {
            self.emit(crate::Level::Error, &e.to_string());
        }
        self.collect_and_log(program);
        result
    }
}
