//! `--mode=release`: every module compiled to native code (`dast-native`) and linked
//! into `lib<module>.so`; `run` loads them and calls `main` natively.

use std::path::{Path, PathBuf};

use std::collections::BTreeSet;

use dast_bytecode::Module;
use dast_compiler::Profile;
use dast_native::{CompileError, Group, NativeModule, Options};

use crate::commands::{EXIT_COMPILE_ERROR, EXIT_OK, EXIT_PANIC};
use crate::out::errln;

/// Machine stack of the thread native code runs on, and how much of it a call may use
/// before it panics "stack overflow".
const RUN_STACK: usize = 256 * 1024 * 1024;
const RUN_STACK_BUDGET: usize = RUN_STACK - 4 * 1024 * 1024;

/// The shared object of `module` in `dir`.
pub fn library_path(dir: &Path, module: &str) -> PathBuf {
    dir.join(format!("lib{module}.so"))
}

/// Compiles and links every module into `dir` with the settings `profile` gives it;
/// returns the library paths in module order. Errors are printed; the result is the
/// exit status.
///
/// Modules are built dependencies first. A module calls an imported module *directly*
/// (no slot, no count: the call is bound when the libraries are linked and loaded) when
/// its `lto` setting is on, neither of them is hot-reloadable, and the callee was built
/// before it (so the libraries form no cycle); every other cross-module call goes
/// through the caller's import slots.
///
/// Only the modules `native` accepts are built (the others, bytecode in hybrid mode, are
/// called through slots and host stubs).
pub fn build_modules(
    modules: &[Module],
    dir: &Path,
    profile: &Profile,
    limits: bool,
    native: impl Fn(&Module) -> bool,
) -> Result<Vec<PathBuf>, u8> {
    if let Err(e) = std::fs::create_dir_all(dir) {
        errln!("error: cannot create `{}`: {e}", dir.display());
        return Err(EXIT_COMPILE_ERROR);
    }
    let mut paths: Vec<Option<PathBuf>> = vec![None; modules.len()];
    for index in build_order(modules) {
        let m = &modules[index];
        if !native(m) {
            continue;
        }
        let settings = profile.for_module(&m.name);
        let built = |name: &str| {
            modules
                .iter()
                .position(|o| o.name == name)
                .and_then(|i| paths[i].clone())
        };
        let mut direct = BTreeSet::new();
        let mut needed = Vec::new();
        for imp in &m.imports {
            let callee_reloads = profile.for_module(&imp.module).hot_reload;
            let bound_at_link = settings.lto && !settings.hot_reload && !callee_reloads;
            if !bound_at_link || direct.contains(&imp.module) {
                continue;
            }
            if let Some(path) = built(&imp.module) {
                direct.insert(imp.module.clone());
                needed.push(path);
            }
        }
        let opts = Options {
            verify_ir: false,
            optimize: settings.opt_level > 0,
            direct_imports: direct,
            limits,
        };
        let out = library_path(dir, &m.name);
        let key = build_key(m, &opts);
        if is_fresh(&out, &key) {
            paths[index] = Some(out);
            continue;
        }
        let object = dast_native::compile(m, &opts).map_err(|e| {
            match &e {
                CompileError::Unsupported { .. } => errln!(
                    "error: module `{name}` cannot be compiled to native code: {e}\n\
                     note: run it as bytecode: `--mode=dev`, or `--mode=hybrid` with \
                     `--bytecode={name}`",
                    name = m.name
                ),
                _ => errln!("error: module `{}`: {e}", m.name),
            }
            EXIT_COMPILE_ERROR
        })?;
        dast_native::link_shared_object_with(&object, &out, &needed).map_err(|e| {
            errln!("error: {e}");
            EXIT_COMPILE_ERROR
        })?;
        // Only a complete library gets its key (with the library's hash, checked on
        // every reuse and load): a failed build is never reused.
        if let Ok(hash) = dast_native::library_hash(&out) {
            let _ = std::fs::write(key_path(&out), format!("{key}library {hash:016x}\n"));
        }
        paths[index] = Some(out);
    }
    Ok(paths.into_iter().flatten().collect())
}

/// `profile` with the modules `native` and `bytecode` name (module names or folders:
/// `core`, `plugins`, `plugins/*`, `plugins.greeter`) set to machine code or bytecode.
/// A name matching no module, or a module named by both lists, is an error.
pub fn override_modes(
    mut profile: Profile,
    modules: &[&str],
    native: &[String],
    bytecode: &[String],
) -> Result<Profile, String> {
    let mut chosen: Vec<(&str, bool, &str)> = Vec::new();
    for (patterns, as_bytecode) in [(native, false), (bytecode, true)] {
        for pattern in patterns {
            let prefix = folder_of(pattern);
            let matched: Vec<&str> = modules
                .iter()
                .copied()
                .filter(|m| *m == prefix || m.starts_with(&format!("{prefix}.")))
                .collect();
            if matched.is_empty() {
                return Err(format!(
                    "`{pattern}` names no module of this program (modules: {})",
                    modules.join(", ")
                ));
            }
            for m in matched {
                if let Some((_, _, other)) =
                    chosen.iter().find(|(n, b, _)| *n == m && *b != as_bytecode)
                {
                    return Err(format!(
                        "module `{m}` is named by both `--native` and `--bytecode` (`{other}`, `{pattern}`)"
                    ));
                }
                chosen.push((m, as_bytecode, pattern));
            }
        }
    }
    for (m, as_bytecode, _) in chosen {
        let mut settings = profile.for_module(m);
        settings.bytecode = as_bytecode;
        profile.modules.insert(m.to_string(), settings);
    }
    Ok(profile)
}

/// `plugins/*`, `plugins/`, `plugins.*` -> `plugins`; `a/b` -> `a.b`.
fn folder_of(pattern: &str) -> String {
    let p = pattern
        .trim_end_matches("/*")
        .trim_end_matches(".*")
        .trim_end_matches('/');
    p.replace('/', ".")
}

/// What a library was built from: the module's bytecode (fingerprint), the options
/// (optimization, direct calls), the native ABI and heap layout, and this dast (its
/// version and, so that a rebuilt compiler does not reuse its predecessor's code, the
/// size and time of its executable).
fn build_key(m: &Module, opts: &Options) -> String {
    format!(
        "dast {} ({}) abi {} heap {:016x} bytecode {:016x} optimize {} direct {:?} limits {}\n",
        env!("CARGO_PKG_VERSION"),
        compiler_stamp(),
        dast_native::ABI_VERSION,
        dast_native::abi::heap::FINGERPRINT,
        dast_native::fingerprint(m),
        opts.optimize,
        opts.direct_imports,
        opts.limits,
    )
}

/// The running executable's size and modification time ("unknown" if unreadable).
fn compiler_stamp() -> String {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    match meta {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} bytes, {modified}", meta.len())
        }
        Err(_) => "unknown".to_string(),
    }
}

/// `.lib<module>.so.key` beside the library (hidden: not an artifact).
fn key_path(library: &Path) -> PathBuf {
    let name = library
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    library.with_file_name(format!(".{name}.key"))
}

/// Whether `library` was built with `key` and is still the file that build wrote (then
/// it is reused as it is). A library changed since is rebuilt, with a note.
fn is_fresh(library: &Path, key: &str) -> bool {
    let Ok(recorded) = std::fs::read_to_string(key_path(library)) else {
        return false;
    };
    let Some(hash) = recorded.strip_prefix(key).and_then(parse_hash_line) else {
        return false;
    };
    match dast_native::library_hash(library) {
        Ok(found) if found == hash => true,
        Ok(_) => {
            errln!(
                "note: `{}` changed since it was built; rebuilding it",
                library.display()
            );
            false
        }
        Err(_) => false,
    }
}

/// `library HASH` (the key file's last line).
fn parse_hash_line(line: &str) -> Option<u64> {
    let hex = line.trim().strip_prefix("library ")?;
    u64::from_str_radix(hex, 16).ok()
}

/// The library hash recorded when `library` was built, if any: what loading checks.
pub fn recorded_hash(library: &Path) -> Option<u64> {
    let recorded = std::fs::read_to_string(key_path(library)).ok()?;
    parse_hash_line(recorded.lines().last()?)
}

/// Loads `path` (built by [`build_modules`]) into `group`, refused if it changed since
/// its build.
pub fn load_library(
    path: &Path,
    m: &Module,
    group: &dast_native::Group,
) -> Result<NativeModule, dast_native::LoadError> {
    match recorded_hash(path) {
        Some(hash) => NativeModule::load_checked(path, m, group, hash),
        None => NativeModule::load_in(path, m, group),
    }
}

/// Module indices, each after the modules it imports (depth first; an import cycle is
/// broken where the search meets it).
fn build_order(modules: &[Module]) -> Vec<usize> {
    fn visit(i: usize, modules: &[Module], seen: &mut [bool], order: &mut Vec<usize>) {
        if std::mem::replace(&mut seen[i], true) {
            return;
        }
        for imp in &modules[i].imports {
            if let Some(dep) = modules.iter().position(|m| m.name == imp.module) {
                visit(dep, modules, seen, order);
            }
        }
        order.push(i);
    }
    let mut seen = vec![false; modules.len()];
    let mut order = Vec::with_capacity(modules.len());
    for i in 0..modules.len() {
        visit(i, modules, &mut seen, &mut order);
    }
    order
}

/// Loads the libraries built from `modules`, runs every module's `init`, then `main`
/// of `entry`, on a thread with a large stack. Returns the exit status.
pub fn run_native(
    modules: Vec<Module>,
    paths: Vec<PathBuf>,
    entry: String,
    plugins: Option<crate::release_host::PluginBuild>,
    limits: dast_vm::Limits,
) -> u8 {
    // `dast run` provides no host functions: refused at start, as in the other modes.
    let none = dast_vm::HostFns::default();
    if let Some(e) = modules.iter().find_map(|m| none.check(m).err()) {
        errln!("error: {e}");
        return EXIT_COMPILE_ERROR;
    }
    let worker = std::thread::Builder::new()
        .name("dast-main".into())
        .stack_size(RUN_STACK)
        .spawn(move || run_loaded(&modules, &paths, &entry, plugins, limits));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            errln!("error: internal error: the native runtime panicked");
            EXIT_PANIC
        }
        Err(e) => {
            errln!("error: cannot start the native thread: {e}");
            EXIT_COMPILE_ERROR
        }
    }
}

fn run_loaded(
    modules: &[Module],
    paths: &[PathBuf],
    entry: &str,
    plugins: Option<crate::release_host::PluginBuild>,
    limits: dast_vm::Limits,
) -> u8 {
    let mut loaded = Vec::new();
    let group = Group::new();
    group.set_limits(limits);
    group.set_output(crate::out::program_output());
    for (m, path) in modules.iter().zip(paths) {
        match load_library(path, m, &group) {
            Ok(mut native) => {
                native.set_stack_budget(RUN_STACK_BUDGET);
                loaded.push(std::sync::Arc::new(native));
            }
            Err(e) => {
                errln!("error: {e}");
                return EXIT_COMPILE_ERROR;
            }
        }
    }
    if let Err(e) = dast_native::link_modules(&loaded, modules) {
        errln!("error: {e}");
        return EXIT_COMPILE_ERROR;
    }
    // Kept here for the run: the group's handlers only hold it weakly.
    let all = crate::release_host::Loaded::new(&loaded, modules);
    crate::release_host::install(&group, &all, plugins);
    for native in &loaded {
        if let Err(e) = native.init() {
            return report(&e);
        }
    }
    let Some(main) = loaded.iter().find(|n| n.name() == entry) else {
        errln!("error: no module `{entry}`");
        return EXIT_COMPILE_ERROR;
    };
    match main.call_values("main", &[]) {
        Ok(_) => EXIT_OK,
        Err(e) => report(&e),
    }
}

fn report(e: &dast_native::CallError) -> u8 {
    match e {
        dast_native::CallError::Panic(p) => {
            crate::commands::report_panic(p);
            EXIT_PANIC
        }
        other => {
            errln!("error: {other}");
            EXIT_COMPILE_ERROR
        }
    }
}

/// A fresh directory for a run's libraries, removed on drop.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new() -> std::io::Result<ScratchDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dast-release-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
