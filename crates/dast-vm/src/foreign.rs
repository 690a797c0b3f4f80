//! Instances whose code runs outside the interpreter (native modules in hybrid mode).
//!
//! [`Program::set_foreign`] gives every function of an instance the same two-instruction
//! body, `Intrinsic Foreign; Ret s0, r0`, so nothing in the interpreter loop changes
//! (and calls that never reach a foreign instance pay nothing): a call into the
//! instance, from the host, from bytecode through an import, or from a nested call,
//! enters that body, which suspends like any host request. The program then hands the
//! frame's parameters to the instance's [`Foreign`] implementation, with itself, so that
//! the foreign code can call back into bytecode ([`Program::call_words`]): those calls
//! are nested calls above the suspended frame. The results go to the frame's start and
//! the frame resumes at its `Ret`.
//!
//! The instance keeps everything else: its bytecode (signatures, names, line tables),
//! its place in the import tables, its version state and in-flight counts, its globals
//! (which the foreign side may ignore or mirror). A panic of the foreign code comes back
//! with its own trace, which goes before the trace of the bytecode frames that called it.

use std::io::Write;
use std::sync::Arc;

use dast_bytecode::{signature_layouts, Inst, Intrinsic, TypeId, R, S};

use crate::exec::Frame;
use crate::host::{HostPtr, Stop};
use crate::instances::RefSlot;
use crate::{InstanceId, Panic, Program};

/// What [`Program::call_dyn_words`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DynRequest {
    /// Entry `index` of the calling module's dynamic-call table, on the trait object
    /// that is the first reference argument.
    Method(u32),
    /// `instantiate` of the trait object type with this id (in the calling module),
    /// from the module named by the reference argument.
    Instantiate(u32),
}

/// The code of a foreign instance's functions.
pub trait Foreign: Send + Sync {
    /// Runs function `func` (its index in the instance's bytecode) on `args` (its
    /// parameter words, FORMAT.md's layout) and `refs` (its reference parameters, moved
    /// in); returns its result words and result references (return value, then `&mut`
    /// parameters). `program` is the running program, for calls back into bytecode.
    fn call(
        &self,
        program: &mut Program,
        func: usize,
        args: &[u64],
        refs: Vec<RefSlot>,
    ) -> Result<(Vec<u64>, Vec<RefSlot>), Panic>;

    /// Copies the foreign side's `var`s into `words`/`refs` (the instance's globals,
    /// FORMAT.md's layout), before the VM reads them (state migration). Foreign code
    /// that keeps its globals in the VM's slots does nothing.
    fn read_globals(&self, words: &mut [u64], refs: &mut [RefSlot]) {
        let _ = (words, refs);
    }

    /// Makes `words`/`refs` the foreign side's `var`s, after the VM wrote them.
    fn write_globals(&self, words: &[u64], refs: &[RefSlot]) {
        let _ = (words, refs);
    }

    /// Gives the foreign side the instance's shared-word table: `table[g]` points at
    /// word `g` of its `@shared static`s (cells the program owns, outside the version).
    /// The table stays at this address until the instance is unloaded.
    fn bind_shared(&self, table: *const *mut u64) {
        let _ = table;
    }

    /// Gives the foreign side the instance's index and vtables (one per impl of the
    /// module), so the trait objects it makes are the program's.
    fn bind_vtables(&self, inst: u32, vtables: &[Arc<crate::VTable>]) {
        let _ = (inst, vtables);
    }

    /// Calls running in the foreign code that the VM did not count (entered from other
    /// foreign code directly): the instance is not drained while this is above zero.
    fn in_flight(&self) -> u32 {
        0
    }

    /// The instance became its module's active version ([`Program::activate`]): foreign
    /// code calling the module directly should now reach this version.
    fn activated(&self) {}
}

/// Every foreign function's body.
static FOREIGN_BODY: [Inst; 2] = [
    Inst::Intrinsic {
        op: Intrinsic::Foreign,
        ty: TypeId(0),
        s: S(0),
        r: R(0),
    },
    Inst::Ret { s: S(0), r: R(0) },
];

impl Program {
    /// Makes instance `id` foreign: from now on every call of one of its functions runs
    /// `code` instead of its bytecode (see the module docs).
    pub fn set_foreign(&mut self, id: InstanceId, code: Arc<dyn Foreign>) -> Result<(), Panic> {
        self.see(id.index());
        let mi = self.live(id)?;
        let inst = self.inst(mi);
        if inst.foreign.get().is_some() {
            return Err(Panic::host(format!(
                "this version of `{}` already runs foreign code",
                inst.m.name
            )));
        }
        // SAFETY: a program makes an instance foreign right after loading it, before
        // it is initialized, activated or imported, so no call can be reading its code.
        for info in &mut unsafe { inst.linked_mut() }.funcs {
            info.code = FOREIGN_BODY.as_ptr();
        }
        // SAFETY: as above: nothing runs in the instance yet.
        code.bind_shared(unsafe { inst.globals_mut() }.shared.as_ptr());
        code.bind_vtables(mi as u32, &inst.vtables);
        let _ = inst.foreign.set(code);
        Ok(())
    }

    /// The foreign code of instance `mi`, if any.
    pub(crate) fn foreign_of(&self, mi: usize) -> Option<Arc<dyn Foreign>> {
        self.inst(mi).foreign.get().cloned()
    }

    /// Pulls instance `mi`'s globals from its foreign code (no-op for bytecode).
    pub(crate) fn pull_globals(&mut self, mi: usize) {
        if let Some(code) = self.foreign_of(mi) {
            // SAFETY: state migration and snapshots run with the instance's state held
            // by this thread (or on the program's only machine).
            let g = unsafe { self.inst(mi).globals_mut() };
            code.read_globals(&mut g.words, ref_slots_mut(&mut g.refs));
        }
    }

    /// Pushes instance `mi`'s globals to its foreign code (no-op for bytecode).
    pub(crate) fn push_globals(&mut self, mi: usize) {
        if let Some(code) = self.foreign_of(mi) {
            // SAFETY: as in `pull_globals`.
            let g = unsafe { self.inst(mi).globals_mut() };
            code.write_globals(&g.words, ref_slots(&g.refs));
        }
    }

    /// Whether instance `id` runs foreign code.
    pub fn is_foreign(&self, id: InstanceId) -> bool {
        self.view
            .get(id.index())
            .is_some_and(|s| s.foreign.get().is_some())
    }

    /// Runs the foreign function of the suspended frame `fr` and leaves its results at
    /// the frame's start (the frame then resumes at its `Ret`).
    pub(crate) fn serve_foreign(
        &mut self,
        fr: &Frame,
        host: Option<&mut dyn crate::Host>,
    ) -> Result<(), Stop> {
        let (mi, fi) = (fr.module as usize, fr.func as usize);
        let Some(code) = self.foreign_of(mi) else {
            return Err(Stop::Internal(
                "a foreign body in a bytecode instance".into(),
            ));
        };
        let lm = self.inst(mi);
        let (params, results) =
            signature_layouts(&lm.m.functions[fi].sig, |t| lm.layouts[t.0 as usize]);
        let info = lm.funcs[fi];
        let (sb, rb) = (fr.sbase as usize, fr.rbase as usize);
        let args = self.machine.sstack[sb..sb + params.words as usize].to_vec();
        let refs = self.machine.rstack[rb..rb + params.refs as usize]
            .iter_mut()
            .map(|r| RefSlot(r.take()))
            .collect();
        // What bytecode printed comes before what the foreign code prints.
        let _ = self.out.flush();
        // Nested calls made by the foreign code start above this frame.
        let saved = self.machine.top;
        self.machine.top = (sb + info.scalar_regs as usize, rb + info.ref_regs as usize);
        self.suspended += 1;
        // The foreign code's host requests and calls into bytecode go to this call's host.
        let outer_host = std::mem::replace(&mut self.foreign_host, host.map(HostPtr::new));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            code.call(self, fi, &args, refs)
        }));
        self.foreign_host = outer_host;
        self.suspended -= 1;
        self.machine.top = saved;
        let (words, refs) = match outcome {
            Ok(Ok(results)) => results,
            Ok(Err(panic)) => return Err(Stop::Foreign { panic, module: mi }),
            Err(payload) => {
                let what = crate::host::panic_text(&*payload);
                return Err(Stop::Internal(format!("foreign code panicked: {what}")));
            }
        };
        if words.len() != results.words as usize || refs.len() != results.refs as usize {
            return Err(Stop::Internal(format!(
                "foreign code returned {} words and {} references, expected {} and {}",
                words.len(),
                refs.len(),
                results.words,
                results.refs
            )));
        }
        self.machine.sstack[sb..sb + words.len()].copy_from_slice(&words);
        for (slot, r) in self.machine.rstack[rb..].iter_mut().zip(refs) {
            *slot = r.0;
        }
        Ok(())
    }

    /// Calls exported function `func` of the active instance of `module` with its
    /// parameters as words and references (see [`Foreign::call`]) and returns its
    /// results the same way: what foreign code uses to call bytecode. Called from
    /// inside [`Foreign::call`], this is a nested call above the suspended frame.
    pub fn call_words(
        &mut self,
        module: &str,
        func: &str,
        args: &[u64],
        refs: Vec<RefSlot>,
    ) -> Result<(Vec<u64>, Vec<RefSlot>), Panic> {
        let (mi, fi) = self.find_export(module, func)?;
        self.run_words(mi, fi, args, refs)
    }

    /// A dynamic call or an `instantiate` that foreign code of module `caller` does not
    /// make itself: `args`/`refs` are the window (the trait object, or the module's
    /// name, first); the results as [`Program::call_words`] returns them.
    pub fn call_dyn_words(
        &mut self,
        caller: &str,
        request: DynRequest,
        args: &[u64],
        refs: Vec<RefSlot>,
    ) -> Result<(Vec<u64>, Vec<RefSlot>), Panic> {
        // A safe point, as in bytecode: a native host looping over trait objects
        // picks up their modules' new versions.
        self.apply_pending_updates();
        self.refresh_view();
        let Some(ci) = self.core.active_of(caller) else {
            return Err(Panic::host(format!("no module `{caller}` is loaded")));
        };
        match request {
            DynRequest::Method(m) => {
                let Some(obj) = refs.first() else {
                    return Err(Panic::host("a dynamic call without its object".into()));
                };
                let (mi, fi) = loop {
                    let target = crate::dynobj::dyn_target(&self.view, self.inst(ci), m, &obj.0)
                        .map_err(Panic::host)?;
                    match target {
                        Some(t) => break t,
                        None => self.refresh_view(),
                    }
                };
                self.run_words(mi, fi as usize, args, refs)
            }
            DynRequest::Instantiate(ty) => {
                let name = match refs.first() {
                    Some(r) => crate::typed::str_of(&r.0).map_err(Panic::host)?.to_string(),
                    None => return Err(Panic::host("`instantiate` without its module".into())),
                };
                let (mi, make) = self
                    .find_maker(ci, TypeId(ty), &name)
                    .map_err(Panic::host)?;
                self.run_words(mi, make as usize, &[], Vec::new())
            }
        }
    }

    /// When the safe-point flag is up (hot reload on), has the running foreign call's
    /// host apply the pending reloads now.
    fn apply_pending_updates(&mut self) {
        let up = self.machine.hot_reload
            && self
                .machine
                .safe_point
                .as_ref()
                .is_some_and(|f| f.swap(false, std::sync::atomic::Ordering::Relaxed));
        if up {
            // A refused reload is logged by the host; the call goes on either way.
            let _ = self.ask_host(crate::HostRequest::SafePoint);
        }
    }

    /// Runs function `fi` of instance `mi` above the suspended calls on `args`/`refs`
    /// (its parameters), with the host of the running foreign call.
    fn run_words(
        &mut self,
        mi: usize,
        fi: usize,
        args: &[u64],
        refs: Vec<RefSlot>,
    ) -> Result<(Vec<u64>, Vec<RefSlot>), Panic> {
        let lm = self.inst(mi);
        let (params, results) =
            signature_layouts(&lm.m.functions[fi].sig, |t| lm.layouts[t.0 as usize]);
        if args.len() != params.words as usize || refs.len() != params.refs as usize {
            return Err(Panic::host(format!(
                "`{}.{}` takes {} words and {} references, {} and {} given",
                lm.m.name,
                lm.m.functions[fi].name,
                params.words,
                params.refs,
                args.len(),
                refs.len()
            )));
        }
        let info = lm.funcs[fi];
        let (sb, rb) = self.machine.top;
        self.machine
            .reserve(sb + info.scalar_regs as usize, rb + info.ref_regs as usize)
            .map_err(Panic::host)?;
        self.machine.sstack[sb..sb + args.len()].copy_from_slice(args);
        for (slot, r) in self.machine.rstack[rb..].iter_mut().zip(refs) {
            *slot = r.0;
        }
        let run = self.with_foreign_host(|p, host| p.run_function(mi, fi, host));
        // What it printed comes before what the foreign caller prints next.
        let _ = self.out.flush();
        run?;
        let words = self.machine.sstack[sb..sb + results.words as usize].to_vec();
        let refs = self.machine.rstack[rb..rb + results.refs as usize]
            .iter_mut()
            .map(|r| RefSlot(r.take()))
            .collect();
        Ok((words, refs))
    }
}

/// The VM's reference slots as [`RefSlot`]s (`repr(transparent)` over `Option<Obj>`).
fn ref_slots(refs: &[Option<crate::heap::Obj>]) -> &[RefSlot] {
    // SAFETY: `RefSlot` is `repr(transparent)` over `Option<Obj>`.
    unsafe { std::slice::from_raw_parts(refs.as_ptr().cast(), refs.len()) }
}

fn ref_slots_mut(refs: &mut [Option<crate::heap::Obj>]) -> &mut [RefSlot] {
    // SAFETY: as `ref_slots`.
    unsafe { std::slice::from_raw_parts_mut(refs.as_mut_ptr().cast(), refs.len()) }
}
