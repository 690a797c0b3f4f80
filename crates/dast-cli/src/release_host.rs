//! `ModuleRegistry` in release mode: the native modules are the program, nothing
//! reloads (hot reload is off), and `registry.call` calls a native module's function by
//! name. Installed as the group's host handler, so native code's `Registry*`
//! intrinsics reach it.

use std::sync::{Arc, Mutex};

use dast_native::{CallError, Group, NativeModule};
use dast_runtime::{FixedRegistry, StderrLog};
use dast_vm::{HostRequest, Panic};

/// Serves `group`'s host requests over `modules` (the program's loaded modules).
pub fn install(group: &Group, modules: &[Arc<NativeModule>]) {
    let names = modules.iter().map(|m| m.name().to_string());
    let registry = Mutex::new(FixedRegistry::new(names, Box::new(StderrLog::default())));
    // Weak: the modules hold the group, which holds this handler.
    let modules: Vec<_> = modules.iter().map(Arc::downgrade).collect();
    group.set_host_handler(Arc::new(move |req| match req {
        HostRequest::Call {
            module, func, args, ..
        } => {
            // The lock is not held during the call: the callee may use the registry.
            let found = modules.iter().filter_map(|m| m.upgrade());
            let result = match found.into_iter().find(|m| m.name() == module) {
                Some(m) => m.call_values(&func, &args).map_err(panic_of),
                None => Err(Panic {
                    message: format!("no module `{module}` is loaded"),
                    trace: Vec::new(),
                }),
            };
            Ok(lock(&registry).call_reply(&module, &func, result))
        }
        other => lock(&registry).handle(other),
    }));
}

fn lock(registry: &Mutex<FixedRegistry>) -> std::sync::MutexGuard<'_, FixedRegistry> {
    registry.lock().unwrap_or_else(|e| e.into_inner())
}

fn panic_of(e: CallError) -> Panic {
    match e {
        CallError::Panic(p) => p,
        other => Panic {
            message: other.to_string(),
            trace: Vec::new(),
        },
    }
}
