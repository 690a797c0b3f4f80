//! Finding the modules of a program.

use std::path::{Path, PathBuf};

use crate::fs::FileSystem;
use crate::manifest::Manifest;
use crate::LoadError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramKind {
    /// A single `.dast` file (plus files it imports, beside it).
    File,
    /// A project directory with `dast.toml` and `src/`.
    Project,
}

/// One module to compile.
#[derive(Debug, Clone)]
pub struct ModuleSource {
    /// Registry name (`game_logic`, `plugins.greeter`).
    pub name: String,
    pub path: PathBuf,
    /// Path as shown to the user (relative when possible).
    pub display: String,
}

/// The modules of a program and where its build output goes.
#[derive(Debug, Clone)]
pub struct Program {
    pub kind: ProgramKind,
    pub root: PathBuf,
    pub manifest: Option<Manifest>,
    pub modules: Vec<ModuleSource>,
    /// The module whose `main` runs (`main` in a project, the file's module otherwise).
    pub entry: Option<String>,
    /// The source folder watched for changes (`src/` or the file's folder).
    pub src_dir: PathBuf,
}

/// The module name of `file` under `src`: `src/plugins/greeter.dast` is `plugins.greeter`.
pub fn module_name_for(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".dast") {
            *last = stem.to_string();
        }
    }
    parts.join(".")
}

fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

impl Program {
    /// Profile `name` (`dev`, `release`, `hybrid`): the manifest's, or the seed's
    /// defaults for a single file.
    pub fn profile(&self, name: &str) -> Option<crate::Profile> {
        match &self.manifest {
            Some(m) => m.profile(name),
            None => crate::Profile::seed_default(name),
        }
    }

    /// Finds the program at `path`: a `.dast` file, or a directory with `dast.toml`.
    pub fn discover(fs: &dyn FileSystem, path: &Path) -> Result<Program, LoadError> {
        if !fs.exists(path) {
            return Err(LoadError(format!("`{}` does not exist", path.display())));
        }
        // Absolute paths make module paths in messages stable (`src/main.dast`, not
        // `./src/main.dast`); `display` shows them relative to the working directory.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let path = absolute.as_path();
        if fs.is_dir(path) {
            return Self::project(fs, path);
        }
        if path.extension().is_some_and(|e| e == "dast") {
            return Self::single_file(fs, path);
        }
        Err(LoadError(format!(
            "`{}` is neither a `.dast` file nor a project directory",
            path.display()
        )))
    }

    fn project(fs: &dyn FileSystem, dir: &Path) -> Result<Program, LoadError> {
        let manifest_path = dir.join("dast.toml");
        let text = fs.read(&manifest_path).map_err(|_| {
            LoadError(format!(
                "no `dast.toml` in `{}`: run `dast new NAME` to create a project, or pass a `.dast` file",
                dir.display()
            ))
        })?;
        let manifest =
            Manifest::parse(&text, &display(&manifest_path)).map_err(|e| LoadError(e.0))?;
        let src = dir.join("src");
        let files = fs
            .dast_files(&src)
            .map_err(|e| LoadError(format!("cannot read `{}`: {e}", src.display())))?;
        if files.is_empty() {
            return Err(LoadError(format!(
                "no `.dast` files in `{}`",
                src.display()
            )));
        }
        let modules: Vec<ModuleSource> = files
            .iter()
            .map(|f| ModuleSource {
                name: module_name_for(&src, f),
                path: f.clone(),
                display: display(f),
            })
            .collect();
        let entry = modules
            .iter()
            .any(|m| m.name == "main")
            .then(|| "main".to_string());
        Ok(Program {
            kind: ProgramKind::Project,
            root: dir.to_path_buf(),
            manifest: Some(manifest),
            modules,
            entry,
            src_dir: src,
        })
    }

    fn single_file(fs: &dyn FileSystem, file: &Path) -> Result<Program, LoadError> {
        let dir = file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = module_name_for(&dir, file);
        let mut modules = vec![ModuleSource {
            name: name.clone(),
            path: file.to_path_buf(),
            display: display(file),
        }];
        // Follow `import a.b` to `a/b.dast` beside the file, transitively.
        let mut i = 0;
        while i < modules.len() {
            let text = fs.read(&modules[i].path).unwrap_or_default();
            for import in imports_of(&text) {
                let path = dir.join(format!("{}.dast", import.replace('.', "/")));
                if fs.exists(&path) && !modules.iter().any(|m| m.name == import) {
                    modules.push(ModuleSource {
                        name: import.clone(),
                        path: path.clone(),
                        display: display(&path),
                    });
                }
            }
            i += 1;
        }
        Ok(Program {
            kind: ProgramKind::File,
            root: dir.clone(),
            manifest: None,
            modules,
            entry: Some(name),
            src_dir: dir,
        })
    }

    /// Where build output for `mode` goes (`target/dev`, `target/release`, ...).
    pub fn target_dir(&self, mode: &str) -> PathBuf {
        self.root.join("target").join(mode)
    }
}

/// `import x.y` lines of a file (a light scan; the parser checks them properly).
fn imports_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("import "))
        .map(|rest| rest.trim().trim_end_matches(';').trim().to_string())
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    #[test]
    fn names_modules_by_path() {
        let src = Path::new("/p/src");
        assert_eq!(module_name_for(src, Path::new("/p/src/main.dast")), "main");
        assert_eq!(
            module_name_for(src, Path::new("/p/src/plugins/greeter.dast")),
            "plugins.greeter"
        );
    }

    #[test]
    fn discovers_project_modules() {
        let mut fs = MemFs::default();
        fs.files
            .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
        fs.files
            .insert("/p/src/main.dast".into(), "fn main() {}".into());
        fs.files
            .insert("/p/src/util/strings.dast".into(), "fn f() {}".into());
        let prog = Program::discover(&fs, Path::new("/p")).unwrap();
        let names: Vec<&str> = prog.modules.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["main", "util.strings"]);
        assert_eq!(prog.entry.as_deref(), Some("main"));
    }

    #[test]
    fn single_file_follows_imports() {
        let mut fs = MemFs::default();
        fs.files
            .insert("/d/app.dast".into(), "import helper\nfn main() {}".into());
        fs.files.insert("/d/helper.dast".into(), "fn f() {}".into());
        let prog = Program::discover(&fs, Path::new("/d/app.dast")).unwrap();
        assert_eq!(prog.modules.len(), 2);
        assert_eq!(prog.entry.as_deref(), Some("app"));
    }
}
