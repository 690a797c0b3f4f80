//! Dast projects in memory, compiled for reload tests: each step of a test is the text
//! of one file, and what must hold after it.
#![allow(dead_code)]

pub mod asm;

use std::path::Path;

use dast_bytecode::Module;
use dast_compiler::{compile_program, MemFs, Program};
use dast_runtime::Registry;
use dast_vm::Value;

/// The files of a project (`/p/src/NAME.dast`), edited step by step.
pub struct Project {
    fs: MemFs,
}

impl Project {
    pub fn new(files: &[(&str, &str)]) -> Project {
        let mut fs = MemFs::default();
        fs.files
            .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
        let mut p = Project { fs };
        for (name, text) in files {
            p.edit(name, text);
        }
        p
    }

    /// Replaces the text of module `name`.
    pub fn edit(&mut self, name: &str, text: &str) {
        self.fs
            .files
            .insert(format!("/p/src/{name}.dast").into(), text.to_string());
    }

    /// Every module, compiled (panics with the diagnostics if the project has errors).
    pub fn compile(&self) -> Vec<Module> {
        let program = Program::discover(&self.fs, Path::new("/p")).expect("project");
        match compile_program(&self.fs, program) {
            Ok(c) => c.modules,
            Err(f) => panic!("compile errors: {:#?}", f.diagnostics),
        }
    }

    /// Module `name` as compiled now.
    pub fn module(&self, name: &str) -> Module {
        let all = self.compile();
        all.into_iter().find(|m| m.name == name).expect("module")
    }

    /// Edits module `name` and returns its new bytecode.
    pub fn edited(&mut self, name: &str, text: &str) -> Module {
        self.edit(name, text);
        self.module(name)
    }

    /// Module `name` with this text compiled on its own, as the new version of a
    /// module the rest of the project no longer type-checks against.
    pub fn alone(name: &str, text: &str) -> Module {
        Project::new(&[(name, text)]).module(name)
    }

    /// A registry running every module of the project.
    pub fn start(&self) -> Registry {
        let mut r = Registry::new(self.compile()).expect("registry starts");
        r.set_output(Box::new(std::io::sink()));
        r
    }
}

pub fn int(r: &mut Registry, module: &str, func: &str, args: &[Value]) -> i64 {
    match r.call(module, func, args) {
        Ok(Value::Int(x)) => x,
        other => panic!("{module}.{func}: {other:?}"),
    }
}
