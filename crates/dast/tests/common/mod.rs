//! Dast source compiled in memory, and projects written to a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};

const MANIFEST: &str = "[package]\nname = \"p\"\n";

/// Compiles a project whose `src/NAME.dast` files have these texts.
pub fn compile(files: &[(&str, &str)]) -> Vec<Module> {
    let mut fs = MemFs::default();
    fs.files.insert("/p/dast.toml".into(), MANIFEST.into());
    for (name, text) in files {
        fs.files
            .insert(format!("/p/src/{name}.dast").into(), text.to_string());
    }
    let program = Program::discover(&fs, Path::new("/p")).expect("project");
    match compile_program(&fs, program) {
        Ok(c) => c.modules,
        Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
    }
}

/// Module `name` of a project with these files.
pub fn module(files: &[(&str, &str)], name: &str) -> Module {
    compile(files)
        .into_iter()
        .find(|m| m.name == name)
        .expect("module")
}

/// A project directory under the system's temporary directory, removed on drop.
pub struct TempProject {
    pub root: PathBuf,
}

impl TempProject {
    pub fn new(tag: &str, files: &[(&str, &str)]) -> TempProject {
        let root = std::env::temp_dir().join(format!("dast-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("dast.toml"), MANIFEST).unwrap();
        let p = TempProject { root };
        for (name, text) in files {
            p.write(name, text);
        }
        p
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.root.join("src").join(format!("{name}.dast")), text).unwrap();
    }
}

impl Drop for TempProject {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
