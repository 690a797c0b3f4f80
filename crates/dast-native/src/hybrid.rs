//! Native modules inside a VM program (hybrid mode): a [`NativeCode`] is the
//! [`dast_vm::Foreign`] code of the module's VM instance, so the VM runs every call of
//! the module natively (from the host, from bytecode imports, from hooks), and the
//! group's import handler ([`serve_imports_from_vm`]) runs native calls into bytecode
//! modules as nested calls of the running program.
//!
//! ```text
//! bytecode --CallImport--> VM instance of `core` (foreign body) --> NativeCode::call
//!     --> NativeModule::call_raw --> native code of `core`
//!         --slot--> native `render`              (native to native: direct, counted)
//!         --host stub--> handler --> Program::call_words --> bytecode `plugins.greeter`
//! ```
//!
//! The running program travels in a thread-local for the duration of each native call
//! (the VM hands `&mut Program` to [`dast_vm::Foreign::call`], and the handler runs
//! inside that call on the same thread).

use std::cell::Cell;
use std::sync::Arc;

use dast_vm::{Foreign, Program, RefSlot};

use crate::{CallError, Group, NativeModule};

thread_local! {
    /// The program whose foreign call is running on this thread (null outside).
    static CURRENT: Cell<*mut Program> = const { Cell::new(std::ptr::null_mut()) };
}

/// One loaded version of a native module as its VM instance's code.
pub struct NativeCode {
    module: Arc<NativeModule>,
}

impl NativeCode {
    /// Wraps `module`, which joins its group: its slots call the active versions of
    /// the native modules it imports, and later versions of them re-point it.
    pub fn new(module: Arc<NativeModule>) -> Result<NativeCode, String> {
        module.group().join(&module)?;
        Ok(NativeCode { module })
    }

    pub fn module(&self) -> &Arc<NativeModule> {
        &self.module
    }
}

/// Restores the previous current program when a foreign call ends.
struct Entered(*mut Program);

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

fn enter(program: &mut Program) -> Entered {
    Entered(CURRENT.with(|c| c.replace(program)))
}

impl Foreign for NativeCode {
    fn call(
        &self,
        program: &mut Program,
        func: usize,
        args: &[u64],
        refs: Vec<RefSlot>,
    ) -> Result<(Vec<u64>, Vec<RefSlot>), dast_vm::Panic> {
        let _entered = enter(program);
        self.module
            .call_raw(func, args, refs)
            .map_err(|e| vm_panic(&self.module, e))
    }

    fn read_globals(&self, words: &mut [u64], refs: &mut [RefSlot]) {
        self.module.with_globals(|w, r| {
            words.copy_from_slice(w);
            refs.clone_from_slice(r);
        });
    }

    fn write_globals(&self, words: &[u64], refs: &[RefSlot]) {
        self.module.with_globals(|w, r| {
            w.copy_from_slice(words);
            r.clone_from_slice(refs);
        });
    }

    fn in_flight(&self) -> u32 {
        self.module.in_flight() as u32
    }

    fn bind_shared(&self, table: *const *mut u64) {
        self.module.bind_shared(table);
    }

    fn bind_vtables(&self, inst: u32, vtables: &[Arc<dast_vm::VTable>]) {
        self.module.bind_vtables(inst, vtables);
    }

    fn activated(&self) {
        // Every import of this module by a member names a function the VM already
        // checked (`check_importers`), so re-pointing cannot fail on a missing one.
        let _ = self.module.group().activate(&self.module);
    }
}

/// Installs, as `group`'s import handler, calls into the program running the group's
/// native code (bytecode modules, or native modules the VM runs as foreign code), and
/// as its host handler the host of the program's call (the registry's, for `Registry*`).
pub fn serve_imports_from_vm(group: &Group) {
    group.set_import_handler(Arc::new(|module, function, args, refs| {
        running_program(|| format!("call to `{module}.{function}` outside a running program"))
            .map_err(host_panic)?
            .call_words(module, function, args, refs)
    }));
    group.set_dyn_handler(Arc::new(|caller, request, args, refs| {
        running_program(|| format!("a dynamic call from `{caller}` outside a running program"))
            .map_err(host_panic)?
            .call_dyn_words(caller, request, args, refs)
    }));
    group.set_host_handler(Arc::new(|req| {
        running_program(|| "`ModuleRegistry` used outside a running program".to_string())?
            .ask_host(req)
    }));
}

/// The program whose native call is running on this thread (set by `NativeCode::call`),
/// or `outside()`'s message when there is none.
fn running_program<'a>(outside: impl FnOnce() -> String) -> Result<&'a mut Program, String> {
    let program = CURRENT.with(Cell::get);
    if program.is_null() {
        return Err(outside());
    }
    // SAFETY: `program` was set by `NativeCode::call` on this thread from its
    // `&mut Program`, which is not used while the native call (inside which the group's
    // handlers run) is running.
    Ok(unsafe { &mut *program })
}

fn host_panic(message: String) -> dast_vm::Panic {
    dast_vm::Panic {
        message,
        trace: Vec::new(),
    }
}

/// A native call's error as the VM's panic.
fn vm_panic(module: &NativeModule, e: CallError) -> dast_vm::Panic {
    match e {
        CallError::Panic(p) => p,
        other => dast_vm::Panic {
            message: format!("native module `{}`: {other}", module.name()),
            trace: Vec::new(),
        },
    }
}
