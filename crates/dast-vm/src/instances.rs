//! Instances: several loaded versions of one module side by side, the VM primitives of
//! hot reload.
//!
//! An instance is one entry of `Program::modules`/`globals` (code, tables, `var` state).
//! A module name has at most one *active* instance: calls from the host and imports of
//! other instances reach it. A new version is loaded next to the old one
//! ([`Program::load_instance`]), checked against the instances that import from it
//! ([`Program::check_importers`]), initialized, given the old state
//! ([`Program::copy_global`]), then published ([`Program::activate`]): imports of every
//! other instance are re-pointed to it, so calls entering the module from outside run
//! the new code while frames already running old code keep running it (a frame records
//! its instance). An old instance is freed ([`Program::unload`]) once no call runs in it.
//!
//! In-flight counts ([`Program::in_flight`]) are kept only with
//! [`Program::set_hot_reload`] on, and only on host entries and cross-instance calls
//! and returns, so calls inside a module cost nothing more.

use std::fmt;
use std::io::Write;

use dast_bytecode::{Layout, Module};

use crate::heap::Obj;
use crate::link::{self, LinkError};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::core::Instance;
use crate::{Globals, Host, Panic, Program, Value};

/// One loaded version of a module: an index into the program's instances. Indices stay
/// valid for the program's life (an unloaded instance leaves a tombstone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(u32);

impl InstanceId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn of(index: usize) -> InstanceId {
        InstanceId(index as u32)
    }
}

/// A reference slot of a global (a string, vector or map, or nothing), opaque to other
/// crates: they can only clone and move it, which is all state migration needs.
#[derive(Clone, Default)]
#[repr(transparent)]
pub struct RefSlot(pub(crate) Option<Obj>);

impl RefSlot {
    /// The text of the string this slot holds, if it holds one.
    pub fn text(&self) -> Option<String> {
        crate::typed::str_of(&self.0).ok().map(str::to_string)
    }
}

impl fmt::Debug for RefSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "RefSlot(..)"
        } else {
            "RefSlot(None)"
        })
    }
}

/// An instance's `var` state at one moment ([`Program::snapshot_globals`]).
pub struct GlobalsSnapshot {
    instance: InstanceId,
    words: Vec<u64>,
    refs: Vec<Option<Obj>>,
}

/// Why an instance cannot be unloaded (yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnloadError {
    /// It is the active instance of its module.
    Active {
        module: String,
    },
    /// Calls are still running in it.
    InFlight {
        module: String,
        calls: u32,
    },
    /// Another live instance still calls into it (its imports were not re-pointed).
    StillImported {
        module: String,
        importer: String,
    },
    AlreadyUnloaded {
        module: String,
    },
}

impl fmt::Display for UnloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnloadError::Active { module } => {
                write!(f, "the active version of `{module}` cannot be unloaded")
            }
            UnloadError::InFlight { module, calls } => {
                write!(f, "`{module}` has {calls} calls in flight")
            }
            UnloadError::StillImported { module, importer } => {
                write!(
                    f,
                    "`{importer}` still calls into this version of `{module}`"
                )
            }
            UnloadError::AlreadyUnloaded { module } => {
                write!(f, "this version of `{module}` is already unloaded")
            }
        }
    }
}

impl std::error::Error for UnloadError {}

/// A version's state held by this thread ([`Program::hold_state`]), released when
/// dropped. It keeps the version alive, so it can be dropped after the version was
/// unloaded. Not `Send`: the thread that took it releases it.
pub struct StateHold(Arc<Instance>, std::marker::PhantomData<*const ()>);

impl Drop for StateHold {
    fn drop(&mut self) {
        // SAFETY: `hold_state` took the lock on this thread (the hold is not `Send`, so
        // it is dropped there).
        unsafe { self.0.unlock_state() }
    }
}

impl fmt::Debug for StateHold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateHold({})", self.0.m.name)
    }
}

/// Why [`Program::hold_state`] could not hold a version's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateBusy {
    /// A call of this very thread runs in the version (a reload asked from inside it).
    ThisThread,
    /// Calls on other threads did not leave it within this time.
    Timeout(Duration),
}

impl Program {
    /// Turns in-flight counting on or off (off by default: nothing is counted).
    pub fn set_hot_reload(&mut self, on: bool) {
        self.machine.hot_reload = on;
    }

    /// The active instance of `module`.
    pub fn instance_of(&self, module: &str) -> Option<InstanceId> {
        self.core.active_of(module).map(InstanceId::of)
    }

    /// The bytecode of an instance (of an unloaded one: a module with its name and no
    /// code, functions or globals). The instance must be in this machine's view: one
    /// another machine loaded is seen after [`Program::refresh`] (or any call).
    pub fn module_of(&self, id: InstanceId) -> &Module {
        &self.inst(id.index()).m
    }

    /// Whether the instance holds `var` state (then a concurrent program runs calls into
    /// it one thread at a time).
    pub fn is_stateful(&self, id: InstanceId) -> bool {
        self.view.get(id.index()).is_some_and(|i| i.stateful)
    }

    pub fn is_unloaded(&self, id: InstanceId) -> bool {
        self.view.get(id.index()).is_some_and(|i| i.unloaded)
    }

    /// Takes the newest list of instances, if another machine of the program changed it
    /// (calls do this themselves; queries answer from the list last taken).
    pub fn refresh(&mut self) {
        self.refresh_view();
    }

    /// Makes sure this machine's view has instance `mi` (another machine may have
    /// loaded it).
    pub(crate) fn see(&mut self, mi: usize) {
        if mi >= self.view.len() {
            self.refresh_view();
        }
    }

    /// Verifies and links a new instance of module `m.name`, not active yet, with fresh
    /// (zeroed) globals: run [`Program::init_instance`] next. Its imports resolve to the
    /// active instances of the other modules.
    pub fn load_instance(&mut self, m: Module) -> Result<InstanceId, LinkError> {
        self.host_fns.check(&m).map_err(LinkError::HostFn)?;
        let core = self.core.clone();
        self.change_instances(|list| {
            let active = crate::core::read(&core.active);
            let find = |name: &str| active.get(name).copied();
            let mut linked = link::link_instance(list, &find, m)?;
            let previous = active.get(&linked.m.name).map(|&i| &**list[i]);
            link::own_vtables(&mut linked, list.len() as u32, previous);
            let binding = crate::core::lock(&core.shared)
                .bind(&linked.m)
                .map_err(LinkError::SharedLayout)?;
            let globals = Globals::new(&linked.m, binding.table);
            list.push(Arc::new(Instance::new(
                linked,
                globals,
                binding.fresh_inits,
            )));
            Ok(InstanceId::of(list.len() - 1))
        })
    }

    /// Runs an instance's `init`: the initializers of the `@shared static`s whose
    /// memory it created, then its `var` initializers.
    pub fn init_instance(&mut self, id: InstanceId) -> Result<(), Panic> {
        self.see(id.index());
        let mi = self.live(id)?;
        let result = self.with_installed_host(|p, host| p.run_inits(mi, host));
        let _ = self.out.flush();
        result
    }

    /// Calls an exported function of this exact instance (active or not), as
    /// [`Program::call`] does for the active one.
    pub fn call_instance(
        &mut self,
        id: InstanceId,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Panic> {
        self.with_installed_host(|p, host| p.call_instance_hosted(id, func, args, host))
    }

    /// As [`Program::call_instance`], with `host` answering the call's requests.
    pub fn call_instance_with_host(
        &mut self,
        host: &mut dyn Host,
        id: InstanceId,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Panic> {
        self.call_instance_hosted(id, func, args, Some(host))
    }

    fn call_instance_hosted(
        &mut self,
        id: InstanceId,
        func: &str,
        args: &[Value],
        host: Option<&mut dyn Host>,
    ) -> Result<Value, Panic> {
        self.see(id.index());
        let mi = self.live(id)?;
        let (mi, fi) = self.find_export_in(mi, func)?;
        let result = self.call_at(mi, fi, args, host);
        let _ = self.out.flush();
        result
    }

    /// Checks that every other live instance importing from `new`'s module finds each
    /// function it imports in `new`, with an identical signature.
    pub fn check_importers(&self, new: InstanceId) -> Result<(), LinkError> {
        let target = self.inst(new.index());
        for i in self.live_indices() {
            let importer = self.inst(i);
            if i != new.index() && importer.m.name != target.m.name {
                link::check_importer(importer, target)?;
            }
        }
        Ok(())
    }

    /// Makes `new` the active instance of its module and re-points every other
    /// instance's imports of that module to it (by function name). Returns the
    /// instance that was active before, if any. Call [`Program::check_importers`] first:
    /// an import `new` cannot serve keeps its old target (which then cannot be unloaded).
    pub fn activate(&mut self, new: InstanceId) -> Option<InstanceId> {
        self.refresh_view();
        let name = self.inst(new.index()).m.name.clone();
        self.inst(new.index())
            .retired
            .store(false, Ordering::SeqCst);
        let previous = crate::core::write(&self.core.active).insert(name.clone(), new.index());
        crate::core::lock(&self.core.shared).commit(&self.inst(new.index()).m);
        link::repoint_vtables(self.inst(new.index()));
        for i in self.live_indices().collect::<Vec<_>>() {
            if i != new.index() {
                self.repoint_imports(i, new.index());
            }
        }
        if let Some(code) = self.foreign_of(new.index()) {
            code.activated();
        }
        // Last: a call that entered the previous version through a route read before
        // the switch sees this and goes to the new one (see `core.rs`).
        if let Some(p) = previous.filter(|&p| p != new.index()) {
            self.inst(p).retired.store(true, Ordering::SeqCst);
        }
        previous.map(InstanceId::of)
    }

    /// The instance's vtables (one per impl of its module, shared with the module's
    /// other versions) whose trait objects are alive, with how many are.
    pub fn live_trait_objects(&self, id: InstanceId) -> Vec<(crate::VTableKey, usize)> {
        self.inst(id.index())
            .vtables
            .iter()
            .filter(|vt| vt.live() > 0)
            .map(|vt| (vt.key.clone(), vt.live()))
            .collect()
    }

    /// How many calls are running in the instance now: entries from the host or from
    /// another instance whose frames are still on the stack, plus the host's
    /// [`Program::begin_host_call`]s. Always 0 with hot reload off.
    pub fn in_flight(&self, id: InstanceId) -> u32 {
        let Some(inst) = self.view.get(id.index()) else {
            return 0; // loaded by another machine since this view: not entered here
        };
        let counted = inst.in_flight.total();
        let foreign = inst.foreign.get().map_or(0, |f| f.in_flight());
        counted + inst.host_calls.load(Ordering::SeqCst) + foreign
    }

    /// Declares that the host is inside a call of this instance that the VM does not
    /// see (a host function running between Dast frames, or a test simulating one), so
    /// [`Program::in_flight`] counts it until [`Program::end_host_call`].
    pub fn begin_host_call(&mut self, id: InstanceId) {
        self.see(id.index());
        self.inst(id.index())
            .host_calls
            .fetch_add(1, Ordering::SeqCst);
    }

    pub fn end_host_call(&mut self, id: InstanceId) {
        self.see(id.index());
        let n = &self.inst(id.index()).host_calls;
        let _ = n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| c.checked_sub(1));
    }

    /// Holds instance `id`'s state for this thread: what a reload does before it hands
    /// a stateful version's state over. On a concurrent program (see
    /// [`Program::worker`]) this waits up to `wait` for the calls running in the
    /// instance on other threads to leave it, while new calls wait to enter; then no
    /// call but this thread's can touch the state until the returned hold is dropped
    /// (on this thread). `Ok(None)`: nothing to hold (one machine, or a stateless
    /// instance: the in-flight count tells whether calls run).
    pub fn hold_state(
        &mut self,
        id: InstanceId,
        wait: Duration,
    ) -> Result<Option<StateHold>, StateBusy> {
        self.see(id.index());
        let inst = &self.view[id.index()];
        if !self.machine.concurrent || !inst.stateful {
            return Ok(None);
        }
        if inst.state_held_here() {
            return Err(StateBusy::ThisThread);
        }
        if !inst.lock_state(wait) {
            return Err(StateBusy::Timeout(wait));
        }
        Ok(Some(StateHold(inst.clone(), std::marker::PhantomData)))
    }

    /// Frees an instance's code and globals, leaving a tombstone. Only for an instance
    /// that is not active, has no call in flight and that no live instance imports.
    pub fn unload(&mut self, id: InstanceId) -> Result<(), UnloadError> {
        let mi = id.index();
        self.refresh_view();
        let module = self.inst(mi).m.name.clone();
        if self.inst(mi).unloaded {
            return Err(UnloadError::AlreadyUnloaded { module });
        }
        if self.core.active_of(&module) == Some(mi) {
            return Err(UnloadError::Active { module });
        }
        // Suspended frames count even with hot reload off (then `in_flight` is 0).
        let on_stack = self.machine.frames.iter();
        let suspended = on_stack.filter(|f| f.module as usize == mi).count() as u32;
        let calls = self.in_flight(id).max(suspended);
        if calls > 0 {
            return Err(UnloadError::InFlight { module, calls });
        }
        if let Some(importer) = self.importer_of(mi) {
            return Err(UnloadError::StillImported { module, importer });
        }
        // The instance's code, globals and foreign code (a native version's library)
        // are freed once no machine's view holds them any more: at once here, and in
        // other machines at their next call.
        let core = self.core.clone();
        self.change_instances(|list| {
            let tombstone = core.tombstone_of(&list[mi]);
            list.set(mi, tombstone)
        });
        Ok(())
    }

    /// Gives `f` the slots of global `from_global` of instance `from` (read) and of
    /// global `to_global` of instance `to` (written), with both modules to read their
    /// types: the primitive state migration is built on. Panics if a global index is
    /// out of range.
    #[allow(clippy::type_complexity)]
    pub fn copy_global(
        &mut self,
        from: InstanceId,
        from_global: usize,
        to: InstanceId,
        to_global: usize,
        f: impl FnOnce(&Module, (&[u64], &[RefSlot]), &Module, (&mut [u64], &mut [RefSlot])),
    ) {
        // Foreign instances keep their globals on their side: read both first, write
        // the destination back after.
        self.pull_globals(from.index());
        self.pull_globals(to.index());
        let (fw, fr) = self.global_slots(from.index(), from_global);
        let (tw, tr) = self.global_slots(to.index(), to_global);
        // Copies of the source (words are cheap, references only counted) let source
        // and destination be the same instance without aliasing.
        // SAFETY: migration runs with the source's state held by this thread (or on
        // the program's only machine) and the destination not yet reachable by calls.
        let src = unsafe { self.inst(from.index()).globals_mut() };
        let src_words = src.words[fw].to_vec();
        let src_refs: Vec<RefSlot> = src.refs[fr].iter().cloned().map(RefSlot).collect();
        // SAFETY: as above (source and destination may be one instance: the source's
        // slots were copied out first and are not used past this point).
        let dst = unsafe { self.inst(to.index()).globals_mut() };
        let mut dst_refs: Vec<RefSlot> = dst.refs[tr.clone()]
            .iter_mut()
            .map(|r| RefSlot(r.take()))
            .collect();
        f(
            &self.inst(from.index()).m,
            (&src_words, &src_refs),
            &self.inst(to.index()).m,
            (&mut dst.words[tw], &mut dst_refs),
        );
        for (slot, value) in dst.refs[tr].iter_mut().zip(dst_refs) {
            *slot = value.0;
        }
        self.push_globals(to.index());
    }

    /// A copy of an instance's `var` state (scalar words and counted references: heap
    /// values are copy-on-write, so later writes through the instance leave the copy
    /// as it was), to put back with [`Program::restore_globals`].
    pub fn snapshot_globals(&mut self, id: InstanceId) -> GlobalsSnapshot {
        self.pull_globals(id.index());
        // SAFETY: snapshots are taken by the reload transaction (the state held).
        let g = unsafe { self.inst(id.index()).globals_mut() };
        GlobalsSnapshot {
            instance: id,
            words: g.words.clone(),
            refs: g.refs.clone(),
        }
    }

    /// Puts back the state `snapshot` copied from the same instance.
    pub fn restore_globals(&mut self, snapshot: GlobalsSnapshot) {
        let mi = snapshot.instance.index();
        // SAFETY: as in `snapshot_globals`.
        let g = unsafe { self.inst(mi).globals_mut() };
        if g.words.len() != snapshot.words.len() || g.refs.len() != snapshot.refs.len() {
            return; // unloaded since: nothing to restore into
        }
        // In place: the buffers stay where running code finds them.
        g.words.copy_from_slice(&snapshot.words);
        for (slot, value) in g.refs.iter_mut().zip(snapshot.refs) {
            *slot = value;
        }
        self.push_globals(mi);
    }

    pub(crate) fn is_active(&self, mi: usize) -> bool {
        self.core.active_of(&self.inst(mi).m.name) == Some(mi)
    }

    /// Enters instance `mi` for a call from the host: takes its state lock (concurrent
    /// machines, stateful instances) and counts the call (hot reload on).
    pub(crate) fn enter_from_host(&mut self, mi: usize) -> Result<(), Panic> {
        self.machine.current = mi;
        crate::exec::enter_instance(self.inst(mi), &self.machine).map_err(Panic::host)
    }

    /// Ends the entry of a host call that returned.
    pub(crate) fn leave_to_host(&mut self, mi: usize) {
        crate::exec::leave_instance(self.inst(mi), &self.machine);
    }

    /// Gives back the entries of a failed entry into `mi` whose frames above `floor`
    /// are about to be discarded; `current` is the instance the fault happened in.
    /// Each cross-instance call entered its callee once, and the host call `mi`.
    pub(crate) fn uncount(&mut self, mi: usize, floor: usize, current: usize) {
        if !self.machine.hot_reload && !self.machine.concurrent {
            return;
        }
        let callers = self.machine.frames[floor..].iter().skip(1);
        let chain = callers.map(|f| f.module as usize).chain(Some(current));
        let mut prev = mi;
        let mut left = Vec::new();
        for m in chain {
            if m != prev {
                left.push(m);
            }
            prev = m;
        }
        left.push(mi);
        for m in left {
            crate::exec::leave_instance(self.inst(m), &self.machine);
        }
    }

    /// The index of a live (not unloaded) instance, or the panic a call to it gets.
    pub(crate) fn live(&self, id: InstanceId) -> Result<usize, Panic> {
        let mi = id.index();
        match self.view.get(mi) {
            Some(s) if !s.unloaded => Ok(mi),
            Some(s) => Err(Panic::host(format!(
                "this version of `{}` is unloaded",
                s.m.name
            ))),
            None => Err(Panic::host(format!("no instance {mi}"))),
        }
    }

    fn live_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.view.live().iter().map(|&i| i as usize)
    }

    /// Points instance `i`'s imports of `target`'s module at `target`'s functions.
    fn repoint_imports(&mut self, i: usize, target: usize) {
        let resolved: Vec<(usize, u32)> = {
            let (importer, new) = (self.inst(i), self.inst(target));
            let imports = importer.m.imports.iter().enumerate();
            imports
                .filter(|(_, imp)| imp.module == new.m.name)
                .filter_map(|(k, imp)| Some((k, new.export(&imp.name)? as u32)))
                .collect()
        };
        for (k, fi) in resolved {
            self.inst(i).imports[k].set(target as u32, fi);
        }
    }

    /// A live instance (other than `mi`) with an import resolved to `mi`.
    fn importer_of(&self, mi: usize) -> Option<String> {
        self.live_indices()
            .filter(|&i| i != mi)
            .find(|&i| {
                self.inst(i)
                    .imports
                    .iter()
                    .any(|slot| slot.get().0 as usize == mi)
            })
            .map(|i| self.inst(i).m.name.clone())
    }

    /// The scalar and reference slot ranges of global `g` of instance `mi`.
    fn global_slots(
        &self,
        mi: usize,
        g: usize,
    ) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let l = self.inst(mi);
        let global = &l.m.globals[g];
        let layout: Layout = l.layouts[global.ty.0 as usize];
        let w = global.word_slot as usize;
        let r = global.ref_slot as usize;
        (w..w + layout.words as usize, r..r + layout.refs as usize)
    }
}
