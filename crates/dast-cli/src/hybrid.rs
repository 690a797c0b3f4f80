//! `--mode=hybrid`: the modules the `hybrid` profile (or `--native`) names run as
//! machine code, the others as bytecode, in one program on the runtime's registry.
//!
//! Native modules are built into `target/hybrid/lib<module>.so` (every cross-module call
//! through slots, so any module can be reloaded), loaded into one [`Group`], and become
//! the *foreign code* of their VM instances ([`NativeCode`]): calls from bytecode go
//! through the VM's import tables to the native functions, native calls into bytecode go
//! through the group's import handler into the running program, and native calls into
//! native modules go straight through slots. With `--hot-reload`, a changed native
//! module is rebuilt into `lib<module>.<n>.so`, loaded beside the running version and
//! goes through the registry's reload transaction like a bytecode module (same logs,
//! same state migration); once active, every native caller's slots move to it, and the
//! old library is closed when its version is unloaded.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dast_bytecode::Module;
use dast_compiler::Profile;
use dast_native::{Group, NativeCode, Options};
use dast_vm::Foreign;

use crate::commands::{self, ModeChoice, EXIT_COMPILE_ERROR};
use crate::hot::{self, Log};
use crate::out::errln;
use crate::release;

/// Machine stack native calls may use below the host's frame (the main thread has
/// 8 MiB; the interpreter keeps its own frames on the heap).
const STACK_BUDGET: usize = 4 * 1024 * 1024;

pub fn run(path: &Path, choice: &ModeChoice, log: Log) -> u8 {
    let (c, entry) = match commands::compile_runnable(path) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let profile = match commands::hybrid_profile(&c, choice) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // Hot-reloadable: `@hot_reload` in the source *and* `hot-reload = true` for the
    // module in the profile (hot-reload.md).
    let mut c = c;
    for m in &mut c.modules {
        m.hot_reload &= profile.for_module(&m.name).hot_reload;
    }
    let native: HashSet<String> = c
        .modules
        .iter()
        .filter(|m| !profile.for_module(&m.name).bytecode)
        .map(|m| m.name.clone())
        .collect();
    // A bytecode entry module's `main` calls its hot functions through its import
    // table, as in dev mode (the VM resolves them; native code is not rewritten).
    let entry_is_bytecode = !native.contains(&entry);
    let route_entry = choice.hot_reload && entry_is_bytecode && hot::route_entry(&mut c, log);
    let dir = c.program.target_dir("hybrid");
    let group = Group::new();
    group.set_output(crate::out::program_output());
    group.set_limits(choice.limits);
    dast_native::serve_imports_from_vm(&group);
    let codes = match load_native(
        &c.modules,
        &dir,
        &profile,
        &native,
        &group,
        choice.limited(),
    ) {
        Ok(codes) => codes,
        Err(code) => return code,
    };
    let builder = NativeBuilder {
        dir,
        profile,
        native,
        group,
        versions: HashMap::new(),
        limits: choice.limited(),
    };
    let program = c.program;
    commands::run_modules(
        c.modules,
        &entry,
        log,
        |name| codes.get(name).map(|c| Arc::clone(c) as Arc<dyn Foreign>),
        |registry| {
            registry.program_mut().set_limits(choice.limits);
            if choice.hot_reload {
                hot::enable(
                    registry,
                    &program,
                    "hybrid",
                    log,
                    Some(builder),
                    route_entry,
                )
            } else {
                registry.program_mut().set_hot_reload(false);
                let plugins = crate::plugins::Plugins::new(&program.root);
                registry.set_source(Box::new(crate::plugins::LoadOnly(plugins)));
                registry.set_plugin_grants(crate::plugins::grants(&program));
                Ok(())
            }
        },
    )
}

/// Builds and loads the native modules, each the active version of its module.
fn load_native(
    modules: &[Module],
    dir: &Path,
    profile: &Profile,
    native: &HashSet<String>,
    group: &Group,
    limits: bool,
) -> Result<HashMap<String, Arc<NativeCode>>, u8> {
    let paths =
        release::build_modules(modules, dir, profile, limits, |m| native.contains(&m.name))?;
    let built = modules.iter().filter(|m| native.contains(&m.name));
    let mut codes = HashMap::new();
    for (m, path) in built.zip(paths) {
        let code = load_version(m, &path, group).map_err(|e| {
            errln!("error: {e}");
            EXIT_COMPILE_ERROR
        })?;
        codes.insert(m.name.clone(), code);
    }
    for code in codes.values() {
        group.activate(code.module()).map_err(|e| {
            errln!("error: {e}");
            EXIT_COMPILE_ERROR
        })?;
    }
    Ok(codes)
}

fn load_version(m: &Module, path: &Path, group: &Group) -> Result<Arc<NativeCode>, String> {
    let mut module = crate::release::load_library(path, m, group).map_err(|e| e.to_string())?;
    module.set_stack_budget(STACK_BUDGET);
    Ok(Arc::new(NativeCode::new(Arc::new(module))?))
}

/// New versions of native modules, for the reload transaction.
pub struct NativeBuilder {
    dir: PathBuf,
    profile: Profile,
    native: HashSet<String>,
    group: Group,
    /// The last version number built per module (1 is `lib<module>.so`).
    versions: HashMap<String, u32>,
    /// Build with limit checks (`--fuel`, `--timeout`).
    limits: bool,
}

impl NativeBuilder {
    /// The native code of new version `m`, in its own library, loaded beside the running
    /// version; `None` when the module runs as bytecode.
    pub fn build(&mut self, m: &Module) -> Result<Option<Arc<dyn Foreign>>, String> {
        if !self.native.contains(&m.name) {
            return Ok(None);
        }
        let n = self.versions.entry(m.name.clone()).or_insert(1);
        *n += 1;
        let opts = Options {
            verify_ir: false,
            optimize: self.profile.for_module(&m.name).opt_level > 0,
            limits: self.limits,
            ..Options::default()
        };
        let object = dast_native::compile(m, &opts).map_err(|e| e.to_string())?;
        let path = self.dir.join(format!("lib{}.{n}.so", m.name));
        dast_native::link_shared_object(&object, &path).map_err(|e| e.to_string())?;
        let code = load_version(m, &path, &self.group)?;
        Ok(Some(code as Arc<dyn Foreign>))
    }
}
