//! Module handles: the seed's module-level reference counting, for Rust hosts.
//!
//! A [`ModuleHandle`] holds one version of a module (the one active when it was
//! taken): calls through it run that version even after reloads replaced it (how two
//! versions serve side by side: a canary, an A/B test, a long job finishing on the code
//! it started with), and the version is not unloaded while a handle holds it. When its
//! last handle is dropped and no call runs in it, a replaced version is unloaded (by
//! the drop, or by the first call to return after its last call). [`Runtime::modules`]
//! shows each version's live handles (`VersionInfo::handles`).
//!
//! A handle to a stateful module's replaced version sees that version's own `var`s:
//! the state as it was handed over to the new version, and what calls through handles
//! did to it since (the new version does not see those changes).

use dast_vm::{InstanceId, Value};

use crate::{Error, Runtime};

/// One version of a module, held (see the module docs).
pub struct ModuleHandle {
    runtime: Runtime,
    module: String,
    version: u32,
    instance: InstanceId,
}

impl Runtime {
    /// A handle to the active version of `module`.
    pub fn module_handle(&self, module: &str) -> Result<ModuleHandle, Error> {
        let mut state = self.lock();
        let registry = &mut state.registry;
        let version = registry
            .get_version(module)
            .ok_or_else(|| Error::Load(format!("no module `{module}` is loaded")))?;
        registry
            .pin(module, version)
            .map_err(|e| Error::Load(e.to_string()))?;
        let instance = registry.instance(module, version).expect("pinned");
        Ok(ModuleHandle {
            runtime: self.clone(),
            module: module.to_string(),
            version,
            instance,
        })
    }
}

impl ModuleHandle {
    pub fn module(&self) -> &str {
        &self.module
    }

    /// The number of the version it holds.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Calls exported function `func` of the held version, on this thread's worker.
    pub fn call(&self, func: &str, args: &[Value]) -> Result<Value, Error> {
        self.runtime
            .with_worker(|w| w.call_instance(self.instance, func, args))
            .map_err(Error::Panic)
    }
}

impl Clone for ModuleHandle {
    /// Another hold on the same version.
    fn clone(&self) -> ModuleHandle {
        let mut state = self.runtime.lock();
        let _ = state.registry.pin(&self.module, self.version);
        ModuleHandle {
            runtime: self.runtime.clone(),
            module: self.module.clone(),
            version: self.version,
            instance: self.instance,
        }
    }
}

impl Drop for ModuleHandle {
    fn drop(&mut self) {
        let mut state = self.runtime.lock();
        let _ = state.registry.unpin(&self.module, self.version);
        state.registry.program_mut().refresh();
        state.registry.collect();
        drop(state);
        self.runtime.note_draining_now();
    }
}
