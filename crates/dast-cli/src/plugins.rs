//! Modules a running program loads itself: `load_bytecode(path)`.
//!
//! `path` is a `.dbc` file (as `dast build` writes them), a `.dast` file or a project
//! directory; a relative path is taken from the program's root (the project directory,
//! or the directory of the file run). The module it holds joins the program under its
//! own name (a file's stem, `plugins/counter.dast` is `counter`; a project's single
//! module), and from then on it is a module like the others: with `--hot-reload` its
//! file is watched and a save reloads it. Loading the same file again gives the module
//! already loaded; another file with the same module name is refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use dast_bytecode::Module;
use dast_compiler::RealFs;
use dast_runtime::ModuleSource;

use crate::render;

/// The files of the modules loaded at run time, by module name (shared with the
/// watcher thread).
#[derive(Clone)]
pub struct Plugins {
    root: PathBuf,
    files: Arc<Mutex<HashMap<String, PathBuf>>>,
    /// Where the texts loaded are told to the watcher, when there is one.
    known: Option<crate::watch::Known>,
}

impl Plugins {
    pub fn new(root: &Path) -> Plugins {
        Plugins {
            root: root.to_path_buf(),
            files: Arc::default(),
            known: None,
        }
    }

    /// Tells `known` (a watcher's) the text of every file loaded from now on.
    pub fn watched_by(mut self, known: crate::watch::Known) -> Plugins {
        self.known = Some(known);
        self
    }

    /// The module at `path` (see the module docs), recorded under its name.
    pub fn load(&self, path: &str) -> Result<Module, String> {
        let file = canonical(&self.root.join(path));
        if !file.exists() {
            return Err(format!(
                "`{path}` does not exist (looked for `{}`)",
                file.display()
            ));
        }
        let module = self.read(&file)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        match files.get(&module.name) {
            Some(known) if *known != file => Err(format!(
                "a module named `{}` is already loaded from `{}`",
                module.name,
                known.display()
            )),
            _ => {
                files.insert(module.name.clone(), file);
                Ok(module)
            }
        }
    }

    /// `read_dir(path)`: the names in directory `path` (from the root), sorted.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>, String> {
        dast_runtime::read_dir_names(&self.root.join(path))
    }

    /// A new version of run-time module `name` from its file, or `None` when `name` was
    /// not loaded at run time.
    pub fn build(&self, name: &str) -> Option<Result<Module, String>> {
        let file = self.file_of(name)?;
        Some(self.read(&file))
    }

    /// The module in `file`, its text told to the watcher. Modules loaded at run time
    /// are hot-reloadable: loading one is already choosing to run code that changes.
    fn read(&self, file: &Path) -> Result<Module, String> {
        if let (Some(known), Ok(text)) = (&self.known, std::fs::read_to_string(file)) {
            let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
            known.insert(file.to_path_buf(), text);
        }
        let mut module = read_module(file)?;
        module.hot_reload = true;
        Ok(module)
    }

    fn file_of(&self, name: &str) -> Option<PathBuf> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.get(name).cloned()
    }

    /// The run-time module whose file is `path`, if any.
    pub fn name_of(&self, path: &Path) -> Option<String> {
        let path = canonical(path);
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files
            .iter()
            .find(|(_, f)| **f == path)
            .map(|(name, _)| name.clone())
    }
}

/// What the program's modules loaded at run time may do: its `dast.toml`'s
/// `[plugins]`, or everything.
pub fn grants(program: &dast_compiler::Program) -> dast_runtime::Grants {
    let table = program.manifest.as_ref().and_then(|m| m.plugins.as_ref());
    match table {
        Some(t) => dast_runtime::Grants::from_lists(t.capability_list(), t.imports.clone()),
        None => dast_runtime::Grants::all(),
    }
}

/// The one module of a `.dbc` file, a `.dast` file or a project.
fn read_module(file: &Path) -> Result<Module, String> {
    if file.extension().is_some_and(|e| e == "dbc") {
        let bytes =
            std::fs::read(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
        return dast_bytecode::decode(&bytes)
            .map_err(|e| format!("`{}` is not a valid .dbc file: {e}", file.display()));
    }
    let compiled = dast_compiler::compile(&RealFs, file)
        .map_err(|e| e.to_string())?
        .map_err(|failed| render::render_plain(&failed.sources, &failed.diagnostics))?;
    let mut modules = compiled.modules;
    match modules.len() {
        1 => Ok(modules.remove(0)),
        n => Err(format!(
            "`{}` has {n} modules; a module loaded at run time is one file",
            file.display()
        )),
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The source of a program run without `--hot-reload`: nothing changes, but the
/// program may load modules.
pub struct LoadOnly(pub Plugins);

impl ModuleSource for LoadOnly {
    fn has_update(&mut self, _name: &str) -> bool {
        false
    }

    fn reloads(&self) -> bool {
        false
    }

    fn build(&mut self, name: &str) -> Result<Module, String> {
        self.0.build(name).unwrap_or_else(|| {
            Err(format!(
                "module `{name}` cannot be rebuilt without --hot-reload"
            ))
        })
    }

    fn load_path(&mut self, path: &str) -> Result<Module, String> {
        self.0.load(path)
    }

    fn read_dir(&mut self, path: &str) -> Result<Vec<String>, String> {
        self.0.read_dir(path)
    }
}
