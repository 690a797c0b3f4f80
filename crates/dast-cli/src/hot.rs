//! `dast run` on the runtime's registry: the program's `ModuleRegistry` requests are
//! answered, and with `--hot-reload` a watcher thread marks changed modules, which are
//! recompiled and reloaded when the program asks (`has_update`/`reload_module`) or at
//! its next cross-module call (a safe point) for modules it imports. The `@hot_reload`
//! functions of the entry module itself are called from `main` through the module's
//! own import table ([`route_entry`]), so they reload at their next call too.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dast_bytecode::Module;
use dast_compiler::{module_name_for, Compiled, Program, RealFs, DEFAULT_ROLLBACK_WINDOW};
use dast_runtime::{Level, LogSink, ModuleSource, Registry};

use dast_vm::Foreign;

use crate::hybrid::NativeBuilder;
use crate::out::errln;
use crate::plugins::Plugins;
use crate::render;
use crate::watch::{SourceWatcher, WatchEvent};

/// `[LEVEL] line` on stderr for `min` and above.
#[derive(Clone, Copy)]
pub struct Log {
    pub min: Level,
}

impl LogSink for Log {
    fn log(&mut self, level: Level, line: &str) {
        if level >= self.min {
            errln!("[{level}] {line}");
        }
    }
}

/// Modules whose source changed, shared between the watcher thread and the registry.
type Changed = Arc<Mutex<HashSet<String>>>;

/// New versions of modules, compiled from the project's files on request (and, in
/// hybrid mode, built into native libraries for the native modules).
struct WatchedSource {
    program: Program,
    changed: Changed,
    native: Option<NativeBuilder>,
    /// New versions of the entry module get [`route_entry`]'s rewrite, as the first.
    route_entry: bool,
    /// Modules the program loaded itself (`load_bytecode`).
    plugins: Plugins,
}

impl ModuleSource for WatchedSource {
    fn has_update(&mut self, name: &str) -> bool {
        self.changed.lock().is_ok_and(|c| c.contains(name))
    }

    fn build(&mut self, name: &str) -> Result<Module, String> {
        if let Ok(mut c) = self.changed.lock() {
            c.remove(name);
        }
        if let Some(built) = self.plugins.build(name) {
            return built;
        }
        let mut compiled = dast_compiler::compile_program(&RealFs, self.program.clone())
            .map_err(|failed| render::render_plain(&failed.sources, &failed.diagnostics))?;
        if let Some(d) = dast_compiler::main_error(&compiled) {
            return Err(render::render_plain(&compiled.sources, &[d]));
        }
        if self.route_entry {
            dast_compiler::route_entry_hot_calls(&mut compiled);
        }
        compiled
            .modules
            .into_iter()
            .find(|m| m.name == name)
            .ok_or_else(|| format!("module `{name}` is no longer part of the program"))
    }

    fn load_path(&mut self, path: &str) -> Result<Module, String> {
        self.plugins.load(path)
    }

    fn read_dir(&mut self, path: &str) -> Result<Vec<String>, String> {
        self.plugins.read_dir(path)
    }

    fn foreign(&mut self, module: &Module) -> Result<Option<Arc<dyn Foreign>>, String> {
        match self.native.as_mut() {
            Some(builder) => builder.build(module),
            None => Ok(None),
        }
    }
}

/// Before the program starts with `--hot-reload`: the entry module's `main` calls its
/// `@hot_reload` functions through the module's own import table
/// ([`dast_compiler::route_hot_calls`]), so a reload reaches them at their next call
/// although `main` keeps running in the first version. Logs what it did; warns when the
/// module has `var` state (its reloads will be refused while `main` runs). Returns
/// whether new versions must get the same rewrite ([`enable`]'s `route_entry`).
pub fn route_entry(c: &mut Compiled, mut log: Log) -> bool {
    let routed = dast_compiler::route_entry_hot_calls(c);
    if routed.functions.is_empty() {
        return false;
    }
    let entry = c.program.entry.clone().unwrap_or_default();
    let names = routed.functions.join(", ");
    log.log(
        Level::Debug,
        &format!("'{entry}': main calls {names} through the module's function table"),
    );
    if routed.stateful {
        log.log(
            Level::Warn,
            &format!(
                "'{entry}' runs `main` and holds `var` state: its reloads will be refused \
                 while `main` runs (the state cannot be handed over to a new version); move \
                 {names} and the state they use into a module of their own"
            ),
        );
    }
    true
}

/// Sets up hot reloading on `registry`: the source, the watcher thread, the safe
/// point flag and rollback as profile `profile` says (on by default); `native` builds
/// new versions of native modules (hybrid mode); `route_entry`: what [`route_entry`]
/// returned.
pub fn enable(
    registry: &mut Registry,
    program: &Program,
    profile: &str,
    log: Log,
    native: Option<NativeBuilder>,
    route_entry: bool,
) -> Result<(), String> {
    let rollback = program
        .profile(profile)
        .map_or(Some(DEFAULT_ROLLBACK_WINDOW), |p| p.rollback);
    registry.set_rollback(rollback);
    let changed: Changed = Arc::default();
    let flag = Arc::new(AtomicBool::new(false));
    let initial: HashMap<PathBuf, String> = program
        .modules
        .iter()
        .filter_map(|m| {
            std::fs::read_to_string(&m.path)
                .ok()
                .map(|t| (m.path.clone(), t))
        })
        .collect();
    // The whole root: modules loaded at run time may live beside `src/`.
    let watcher = SourceWatcher::new(&program.root, initial)?;
    let plugins = Plugins::new(&program.root).watched_by(watcher.known());
    let names = ModuleNames {
        src: canonical(&program.src_dir),
        plugins: plugins.clone(),
    };
    spawn_watcher(watcher, names, changed.clone(), flag.clone(), log);
    registry.set_plugin_grants(crate::plugins::grants(program));
    registry.set_source(Box::new(WatchedSource {
        program: program.clone(),
        changed,
        native,
        route_entry,
        plugins,
    }));
    registry.set_safe_point_flag(flag);
    Ok(())
}

/// Which module a changed file is: a module loaded at run time, or one under `src/`.
struct ModuleNames {
    src: PathBuf,
    plugins: Plugins,
}

impl ModuleNames {
    fn of(&self, path: &Path) -> Option<String> {
        let path = canonical(path);
        match self.plugins.name_of(&path) {
            Some(name) => Some(name),
            None => path
                .starts_with(&self.src)
                .then(|| module_name_for(&self.src, &path)),
        }
    }
}

fn spawn_watcher(
    mut watcher: SourceWatcher,
    names: ModuleNames,
    changed: Changed,
    flag: Arc<AtomicBool>,
    mut log: Log,
) {
    std::thread::spawn(move || loop {
        for event in watcher.changes(Duration::from_millis(500)) {
            match event {
                WatchEvent::Changed(path) => {
                    let Some(name) = names.of(&path) else {
                        continue;
                    };
                    let file = file_name(&path);
                    log.log(Level::Info, &format!("Detected code change in {file}"));
                    if let Ok(mut c) = changed.lock() {
                        c.insert(name);
                    }
                    flag.store(true, Ordering::Release);
                }
                WatchEvent::Waiting { path, why } => {
                    let file = file_name(&path);
                    log.log(
                        Level::Debug,
                        &format!("{file} does not parse yet ({why}); waiting"),
                    );
                }
                WatchEvent::StillEmpty(path) => {
                    let file = file_name(&path);
                    log.log(
                        Level::Debug,
                        &format!("{file} is still empty; ignored until it changes"),
                    );
                }
            }
        }
    });
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}
