//! Machine code for [`crate::Mode::Native`] and [`crate::Mode::Hybrid`]: modules built
//! with Cranelift into shared libraries under the project's `target/embed/`, loaded into
//! one native group, and run as the *foreign code* of their versions (as `dast run
//! --mode=hybrid` does): the registry, its reload transaction and its queries see
//! every module alike. A reload of a native module builds its new version into
//! `lib<module>.<n>.so` first.
//!
//! Every cross-module call goes through import slots (any module can be reloaded), and
//! the code has no fuel checks: [`crate::Runtime::set_limits`] limits bytecode only.
//! Native code runs one thread at a time (the group's lock); bytecode modules called
//! from it and from other threads still run in parallel.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use dast_bytecode::Module;
use dast_native::{Group, NativeCode, NativeModule, Options};
use dast_vm::Foreign;

/// Machine stack native calls may use below the host's frame.
const STACK_BUDGET: usize = 1024 * 1024;

/// The native side of a runtime: which modules run as machine code, and their builds.
pub(crate) struct NativeModules {
    dir: PathBuf,
    group: Group,
    /// Module -> optimize it (Cranelift's `speed`).
    native: HashMap<String, bool>,
    /// The last version built per module (1 is `lib<module>.so`).
    versions: HashMap<String, u32>,
}

impl NativeModules {
    /// `native`: the modules to build, each with whether to optimize it.
    pub fn new(
        dir: PathBuf,
        native: HashMap<String, bool>,
        out: Box<dyn std::io::Write + Send>,
    ) -> NativeModules {
        let group = Group::new();
        group.set_output(out);
        dast_native::serve_imports_from_vm(&group);
        NativeModules {
            dir,
            group,
            native,
            versions: HashMap::new(),
        }
    }

    /// Builds and loads the first version of every native module of `modules`, each
    /// made the active one in the group: their foreign code, by module name.
    pub fn start(
        &mut self,
        modules: &[Module],
    ) -> Result<HashMap<String, Arc<NativeCode>>, String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create `{}`: {e}", self.dir.display()))?;
        let mut codes = HashMap::new();
        for m in modules {
            if self.native.contains_key(&m.name) {
                codes.insert(m.name.clone(), self.build_version(m, 1)?);
            }
        }
        for code in codes.values() {
            self.group.activate(code.module())?;
        }
        Ok(codes)
    }

    /// The machine code of new version `m` of its module, beside the running one;
    /// `None` when the module runs as bytecode.
    pub fn build(&mut self, m: &Module) -> Result<Option<Arc<dyn Foreign>>, String> {
        if !self.native.contains_key(&m.name) {
            return Ok(None);
        }
        let n = self.versions.get(&m.name).map_or(1, |n| n + 1);
        let code = self.build_version(m, n)?;
        Ok(Some(code as Arc<dyn Foreign>))
    }

    fn build_version(&mut self, m: &Module, n: u32) -> Result<Arc<NativeCode>, String> {
        let opts = Options {
            verify_ir: false,
            optimize: self.native[&m.name],
            direct_imports: Default::default(),
            limits: false,
        };
        let object = dast_native::compile(m, &opts).map_err(|e| e.to_string())?;
        let file = match n {
            1 => format!("lib{}.so", m.name),
            n => format!("lib{}.{n}.so", m.name),
        };
        let path = self.dir.join(file);
        dast_native::link_shared_object(&object, &path).map_err(|e| e.to_string())?;
        let mut module = NativeModule::load_in(&path, m, &self.group).map_err(|e| e.to_string())?;
        module.set_stack_budget(STACK_BUDGET);
        self.versions.insert(m.name.clone(), n);
        Ok(Arc::new(NativeCode::new(Arc::new(module))?))
    }
}
