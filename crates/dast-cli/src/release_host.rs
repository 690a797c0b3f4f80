//! `ModuleRegistry` in release mode: the native modules are the program, nothing
//! reloads (hot reload is off), and `registry.call` calls a native module's function by
//! name. Installed as the group's host handler, so native code's `Registry*`
//! intrinsics reach it.
//!
//! Plugins work in release mode too: `load_bytecode(path)` compiles the module to
//! machine code (into the program's release directory, reused while unchanged) and
//! loads it into the group, and `instantiate` calls its impl's maker. Nothing reloads.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dast_bytecode::{Module, TypeId};
use dast_compiler::Profile;
use dast_native::{CallError, DynRequest, Group, NativeModule};
use dast_runtime::{FixedRegistry, StderrLog};
use dast_vm::{HostRequest, Panic, RefSlot, Value};

use crate::plugins::Plugins;

/// Where the modules a release program loads at run time come from and go.
pub struct PluginBuild {
    pub plugins: Plugins,
    /// The release directory their libraries are built in.
    pub dir: PathBuf,
    pub profile: Profile,
    /// What such modules may do.
    pub grants: dast_runtime::Grants,
    /// Build them with limit checks (`--fuel`, `--timeout`).
    pub limits: bool,
}

/// Every module of the running program with its bytecode (the program's, then the
/// ones it loaded), kept by [`run`]: the handlers hold it weakly (the modules hold the
/// group, which holds the handlers).
#[derive(Default)]
pub struct Loaded(Mutex<Vec<(Arc<NativeModule>, Module)>>);

impl Loaded {
    pub fn new(modules: &[Arc<NativeModule>], bytecode: &[Module]) -> Arc<Loaded> {
        let all = modules
            .iter()
            .cloned()
            .zip(bytecode.iter().cloned())
            .collect();
        Arc::new(Loaded(Mutex::new(all)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Arc<NativeModule>, Module)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn find(&self, name: &str) -> Option<(Arc<NativeModule>, Module)> {
        self.lock()
            .iter()
            .find(|(m, _)| m.name() == name)
            .map(|(m, b)| (m.clone(), b.clone()))
    }
}

/// Serves `group`'s host requests over the program's `loaded` modules, and its
/// `instantiate`s; `build` makes modules loaded at run time (`None`: such loads fail).
pub fn install(group: &Group, loaded: &Arc<Loaded>, build: Option<PluginBuild>) {
    let names = loaded
        .lock()
        .iter()
        .map(|(m, _)| m.name().to_string())
        .collect::<Vec<_>>();
    let registry = Mutex::new(FixedRegistry::new(names, Box::new(StderrLog::default())));
    let modules = Arc::downgrade(loaded);
    let group_for_loads = group.clone();
    group.set_host_handler(Arc::new(move |req| match req {
        HostRequest::CallVersion {
            module,
            version,
            func,
            ..
        } if version != 1 => {
            let panic = Panic {
                message: format!(
                    "module `{module}` has no version {version} (release mode runs version 1)"
                ),
                trace: Vec::new(),
            };
            Ok(lock(&registry).call_reply(&module, &func, Err(panic)))
        }
        HostRequest::Call {
            module, func, args, ..
        }
        | HostRequest::CallVersion {
            module, func, args, ..
        } => {
            // The lock is not held during the call: the callee may use the registry.
            let found = modules.upgrade().and_then(|l| l.find(&module));
            let result = match found {
                Some((m, _)) => m.call_values(&func, &args).map_err(panic_of),
                None => Err(Panic {
                    message: format!("no module `{module}` is loaded"),
                    trace: Vec::new(),
                }),
            };
            Ok(lock(&registry).call_reply(&module, &func, result))
        }
        HostRequest::LoadBytecode { path, .. } if build.is_some() => {
            let build = build.as_ref().expect("checked");
            let Some(loaded) = modules.upgrade() else {
                return Err("the program has ended".into());
            };
            load(&group_for_loads, &loaded, build, &path).map(Value::Str)
        }
        HostRequest::ReadDir { path } if build.is_some() => {
            let build = build.as_ref().expect("checked");
            let names = build.plugins.read_dir(&path)?;
            Ok(Value::Vec(names.into_iter().map(Value::Str).collect()))
        }
        other => lock(&registry).handle(other),
    }));
    let modules = Arc::downgrade(loaded);
    group.set_dyn_handler(Arc::new(move |caller, request, _args, refs| {
        let loaded = modules.upgrade().ok_or_else(|| host_panic("the program has ended"))?;
        match request {
            DynRequest::Instantiate(ty) => instantiate(&loaded, caller, TypeId(ty), &refs),
            // Every vtable of a release program lists machine code: only an object
            // that is not one gets here, or one whose value is out.
            DynRequest::Method(_) => Err(host_panic(
                "this trait object cannot be called here (its value is in use by a `&mut self` method, or it is not a trait object)",
            )),
        }
    }));
}

/// `load_bytecode(path)` in release mode: the module as a library of the group,
/// initialized; its name.
fn load(group: &Group, loaded: &Loaded, build: &PluginBuild, path: &str) -> Result<String, String> {
    let fail = |e: String| format!("load_bytecode(\"{path}\") failed:\n{e}");
    let module = build.plugins.load(path).map_err(fail)?;
    if loaded.find(&module.name).is_some() {
        return Ok(module.name);
    }
    build
        .grants
        .check(&module)
        .map_err(|e| format!("load_bytecode(\"{path}\"): {e}"))?;
    let paths = crate::release::build_modules(
        std::slice::from_ref(&module),
        &build.dir,
        &build.profile,
        build.limits,
        |_| true,
    )
    .map_err(|_| {
        fail(format!(
            "`{}` cannot be compiled to machine code",
            module.name
        ))
    })?;
    let native =
        crate::release::load_library(&paths[0], &module, group).map_err(|e| fail(e.to_string()))?;
    let native = Arc::new(native);
    let (all_native, all_bytecode): (Vec<_>, Vec<_>) = {
        let mut all = loaded.lock().clone();
        all.push((native.clone(), module.clone()));
        all.into_iter().unzip()
    };
    dast_native::link_modules(&all_native, &all_bytecode).map_err(fail)?;
    native.init().map_err(|e| fail(e.to_string()))?;
    let name = module.name.clone();
    loaded.lock().push((native, module));
    crate::out::errln!("[INFO] Module '{name}' loaded (v1.0) from {path}");
    Ok(name)
}

/// `module.instantiate[dyn T]()` in release mode: the maker of the module's impl of
/// the caller's trait, called.
fn instantiate(
    loaded: &Loaded,
    caller: &str,
    ty: TypeId,
    refs: &[RefSlot],
) -> Result<(Vec<u64>, Vec<RefSlot>), Panic> {
    let name = match refs.first() {
        Some(r) => r
            .text()
            .ok_or_else(|| host_panic("`instantiate` without a module name"))?,
        None => return Err(host_panic("`instantiate` without a module name")),
    };
    let (_, caller_code) = loaded
        .find(caller)
        .ok_or_else(|| host_panic(&format!("no module `{caller}` is loaded")))?;
    let (plugin, plugin_code) = loaded.find(&name).ok_or_else(|| {
        host_panic(&format!(
            "instantiate: no module `{name}` is loaded (load it with `load_bytecode(path)`)"
        ))
    })?;
    let make = dast_vm::plugin_maker(&caller_code, ty, &plugin_code).map_err(|e| host_panic(&e))?;
    plugin
        .call_raw(make as usize, &[], Vec::new())
        .map_err(panic_of)
}

fn host_panic(message: &str) -> Panic {
    Panic {
        message: message.to_string(),
        trace: Vec::new(),
    }
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
