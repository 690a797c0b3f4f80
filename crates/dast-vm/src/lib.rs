//! The Dast virtual machine: a register interpreter over verified bytecode modules.
//!
//! Public surface (the contract the compiler driver and CLI rely on):
//! - [`link`]: verify a set of modules and resolve their imports into a [`Program`];
//! - [`Program::init`]: run every module's `var` initializers;
//! - [`Program::call`]: call an exported function by module and name with host
//!   [`Value`]s, getting a `Value` or a [`Panic`] (message + Dast stack trace);
//! - instances, the primitives of hot reload (see `instances.rs`): several loaded
//!   versions of a module side by side ([`Program::load_instance`],
//!   [`Program::check_importers`], [`Program::activate`], [`Program::unload`],
//!   [`Program::copy_global`]) and in-flight counts ([`Program::in_flight`], only kept
//!   after [`Program::set_hot_reload`]). `link`/`init`/`call` act on active instances;
//! - threads (see `core.rs`): [`Program::worker`] makes another machine over the same
//!   instances for another thread; calls from several machines run in parallel, a
//!   stateful instance entered by one thread at a time; [`Program::hold_state`] is what
//!   a reload does to hand state over while other threads call;
//! - host functions (see `host_fns.rs`): `host fn` declarations served from the table
//!   set with [`Program::set_host_fns`]; fast calls of scalar functions through a
//!   resolved [`Entry`] ([`Program::entry`], [`Program::call_entry`]);
//! - host requests (see `host.rs`): the `Registry*` intrinsics suspend the running call
//!   and ask a [`Host`] ([`Program::set_host`], or per call [`Program::call_with_host`])
//!   with a [`HostRequest`]; the host gets `&mut Program` and may make nested calls,
//!   load and activate instances, and reload, then the call resumes with its reply.
//!   [`Program::set_safe_point_flag`] adds safe points at cross-module calls (hot
//!   reload on only), where the host applies pending reloads before the call is made.
//!
//! Values use the layout documented in `dast-bytecode/FORMAT.md` (scalar words,
//! reference registers, composites flattened, heap objects counted and copy-on-write).
//! A panic never unwinds through the host: it comes back as `Err(Panic)`, and the
//! program stays usable.
//!
//! Limits: [`MAX_FRAMES`] nested Dast calls and [`MAX_STACK`] register slots (each
//! stack) before "stack overflow"; panic traces keep [`MAX_TRACE`] frames. The `fuzzing`
//! feature adds an instruction budget (`Program::set_fuel`) and makes `exit` a panic.
//! `SERIALIZE.md` documents the `serialize` encoding.

mod buf;
mod core;
mod dynobj;
mod entry;
mod exec;
mod foreign;
mod format;
mod heap;
mod host;
mod host_fns;
mod instances;
mod intrinsics;
mod lent;
mod limits;
mod link;
pub mod meter;
pub mod native;
mod ops;
mod plugins;
mod serialize;
mod shared;
mod typed;
mod value;

use std::fmt;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dast_bytecode::{type_name, Module};

use crate::core::{Core, Instance, Instances};
use exec::{Exit, Fault, Globals, Machine, Start};
use host::Stop;
use typed::{from_value, to_value};

pub use crate::core::STATE_WAIT;
pub use dynobj::{VTable, VTableKey};
pub use entry::Entry;
pub use exec::{MAX_FRAMES, MAX_STACK};
pub use foreign::{DynRequest, Foreign};
pub use host::{Host, HostRequest};
pub use host_fns::{declared_host_fns, HostFn, HostFnBody, HostFnError, HostFns};
pub use instances::{GlobalsSnapshot, InstanceId, RefSlot, StateBusy, StateHold, UnloadError};
pub use limits::{Budget, InterruptHandle, Limits, CHUNK};
pub use meter::heap_in_use;
pub use plugins::plugin_maker;
pub use shared::{check_layout, Shape, SharedCells, SharedLayoutError, SharedTable};

/// Most frames a panic's trace lists (see [`Panic`]).
pub const MAX_TRACE: usize = 128;
pub use link::LinkError;
pub use value::Value;

/// A Dast panic: the message and the stack trace, innermost frame first (at most
/// [`MAX_TRACE`] frames: the middle of a deeper stack is elided).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panic {
    pub message: String,
    pub trace: Vec<TraceFrame>,
}

/// One frame of a panic's stack trace: the function (as named in the bytecode, e.g.
/// `fib` or `Point.len`) and the source position of the instruction it was running.
/// `line`/`col` are 0 when the function has no line table entry for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    pub function: String,
    pub file: String,
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Panic {
    /// `MESSAGE` then one `  at FUNCTION (FILE:LINE:COL)` line per frame.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for fr in &self.trace {
            write!(
                f,
                "\n  at {} ({}:{}:{})",
                fr.function, fr.file, fr.line, fr.col
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Panic {}

impl Panic {
    fn host(message: String) -> Panic {
        Panic {
            message,
            trace: Vec::new(),
        }
    }
}

/// A shorter-lived copy of an optional host (`as_deref_mut` would keep the trait
/// object's lifetime, which `&mut` makes invariant).
fn reborrow<'a>(host: &'a mut Option<&mut dyn Host>) -> Option<&'a mut dyn Host> {
    match host {
        Some(h) => Some(&mut **h),
        None => None,
    }
}

/// An exported function's signature, with types written as in Dast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSignature {
    pub params: Vec<String>,
    /// Indices of `&mut` parameters.
    pub mut_params: Vec<u32>,
    pub ret: String,
}

impl fmt::Display for FunctionSignature {
    /// `(f32, &mut Vec[i32]) -> ()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| match self.mut_params.contains(&(i as u32)) {
                true => format!("&mut {p}"),
                false => p.clone(),
            })
            .collect();
        write!(f, "({}) -> {}", params.join(", "), self.ret)
    }
}

/// The signature of function `fi` of an instance, with types written as in Dast.
fn signature_of(inst: &Instance, fi: usize) -> FunctionSignature {
    let m = &inst.m;
    let sig = &m.functions[fi].sig;
    FunctionSignature {
        params: sig.params.iter().map(|t| type_name(&m.types, *t)).collect(),
        mut_params: sig.mut_params.clone(),
        ret: type_name(&m.types, sig.ret),
    }
}

/// Where a program prints: flushing is skipped when nothing was written since the last
/// flush (programs flush at every return to the host and around calls into foreign
/// code, and an empty flush of stdout still takes its lock).
struct Output {
    inner: Box<dyn Write + Send>,
    dirty: bool,
}

impl Output {
    fn new(inner: Box<dyn Write + Send>) -> Output {
        Output {
            inner,
            dirty: false,
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.dirty = true;
        self.inner.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.dirty = true;
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !std::mem::replace(&mut self.dirty, false) {
            return Ok(());
        }
        self.inner.flush()
    }
}

/// Linked, verified modules with their state, ready to run: one machine (stacks,
/// frames, output, host) over the instances it shares with its workers.
///
/// Each instance is one loaded version of a module (see [`InstanceId`]); a module name
/// has at most one *active* instance, the one calls from the host and imports of other
/// instances reach. [`link`] makes one active instance per module;
/// `load_instance`/`activate`/`unload` add and retire versions. [`Program::worker`]
/// makes another machine over the same instances, for another thread (see `core.rs`).
pub struct Program {
    core: Arc<Core>,
    /// The instances as this machine last saw them (refreshed from the core).
    view: Instances,
    /// The core's generation `view` was taken at.
    seen: u64,
    /// The host of the call that entered foreign code now running (see
    /// [`Program::ask_host`]): foreign code's host requests and its calls back into
    /// bytecode are served by it.
    foreign_host: Option<host::HostPtr>,
    machine: Machine,
    out: Output,
    /// Answers requests of running code (see `host.rs`); taken out while a call runs.
    host: Option<Box<dyn Host + Send>>,
    /// How many requests the host is serving now (nesting depth).
    suspended: usize,
    /// What `host fn` calls run (see `host_fns.rs`).
    host_fns: Arc<HostFns>,
}

// Programs move between threads, and a program's workers run on other threads.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Program>();
};

/// Verifies every module and resolves each import, by (module name, function name), to
/// an exported function whose signature is structurally identical (types compared
/// across the two type tables: primitives equal, containers and tuples element-wise,
/// structs and enums by name and field/variant names and types).
pub fn link(modules: Vec<Module>) -> Result<Program, LinkError> {
    let mut modules = link::link_modules(modules)?;
    for (i, l) in modules.iter_mut().enumerate() {
        link::own_vtables(l, i as u32, None);
    }
    let mut shared = shared::SharedCells::default();
    let mut instances = core::InstanceList::default();
    for l in modules {
        let binding = shared.bind(&l.m).map_err(LinkError::SharedLayout)?;
        shared.commit(&l.m);
        let globals = Globals::new(&l.m, binding.table);
        instances.push(Arc::new(Instance::new(l, globals, binding.fresh_inits)));
    }
    let active = instances
        .iter()
        .enumerate()
        .map(|(i, l)| (l.m.name.clone(), i))
        .collect();
    let core = Arc::new(Core::new(instances, active, shared));
    Ok(Program::over(core))
}

impl Program {
    /// A machine over `core`'s instances, printing to stdout.
    fn over(core: Arc<Core>) -> Program {
        let (view, seen) = core.snapshot();
        let host_fns = core::lock(&core.host_fns).clone();
        let mut machine = Machine::new();
        machine.shard = core.next_shard();
        Program {
            core,
            view,
            seen,
            foreign_host: None,
            machine,
            out: Output::new(Box::new(std::io::BufWriter::new(std::io::stdout()))),
            host: None,
            suspended: 0,
            host_fns,
        }
    }

    /// Another machine over this program's instances, for another thread: calls made
    /// through it run in parallel with this program's and its other workers' (see
    /// `core.rs` for what they share and how). Both become *concurrent*: a call entering
    /// a stateful module holds that module's state lock until it leaves it. The worker
    /// has this program's hot-reload setting, safe-point flag, limits and interrupt
    /// flag, and host functions; no host; it prints to stdout until given an output.
    pub fn worker(&mut self) -> Program {
        self.machine.concurrent = true;
        let mut w = Program::over(self.core.clone());
        w.machine.concurrent = true;
        w.machine.hot_reload = self.machine.hot_reload;
        w.machine.safe_point = self.machine.safe_point.clone();
        w.machine.budget = self.machine.budget.for_worker();
        w.machine.heap_limit = self.machine.heap_limit;
        w
    }

    /// Whether calls take the state locks of stateful modules (this program has
    /// workers, or is one).
    pub fn is_concurrent(&self) -> bool {
        self.machine.concurrent
    }

    /// Takes the newest list of instances if another machine changed it.
    #[inline]
    fn refresh_view(&mut self) {
        if self.core.generation() != self.seen {
            (self.view, self.seen) = self.core.snapshot();
        }
    }

    /// Changes the list of instances (under the core's management lock, on its newest
    /// version), publishes it and takes it as this machine's view.
    fn change_instances<T>(&mut self, f: impl FnOnce(&mut core::InstanceList) -> T) -> T {
        let core = self.core.clone();
        let _guard = core::lock(&core.manage);
        let (newest, _) = core.snapshot();
        let mut list: core::InstanceList = (*newest).clone();
        let out = f(&mut list);
        let list = Arc::new(list);
        self.seen = core.publish(list.clone());
        self.view = list;
        out
    }

    /// Instance `mi` as this machine sees it.
    #[inline(always)]
    fn inst(&self, mi: usize) -> &Instance {
        &self.view[mi]
    }

    /// Runs each active module's `init` (its `var`/`static` initializers), imported
    /// modules before the modules importing them, otherwise in the order given to [`link`].
    pub fn init(&mut self) -> Result<(), Panic> {
        self.with_installed_host(|p, mut host| {
            for mi in p.init_order() {
                if !p.is_active(mi) {
                    continue;
                }
                p.run_inits(mi, reborrow(&mut host))?;
            }
            let _ = p.out.flush();
            Ok(())
        })
    }

    /// Calls an exported function with host values, converted by its signature. Returns
    /// the return value (the final values of `&mut` parameters are dropped). Output is
    /// flushed before returning.
    ///
    /// Requests of the running code go to the host installed with
    /// [`Program::set_host`]. Called from inside [`Host::handle`], this is a nested
    /// call: it runs above the suspended call (see `host.rs`).
    pub fn call(&mut self, module: &str, func: &str, args: &[Value]) -> Result<Value, Panic> {
        self.with_installed_host(|p, host| {
            let result = p.call_inner(module, func, args, host);
            let _ = p.out.flush();
            result
        })
    }

    /// As [`Program::call`], with `host` answering the call's requests (a host making a
    /// nested call from [`Host::handle`] passes itself).
    pub fn call_with_host(
        &mut self,
        host: &mut dyn Host,
        module: &str,
        func: &str,
        args: &[Value],
    ) -> Result<Value, Panic> {
        let result = self.call_inner(module, func, args, Some(host));
        let _ = self.out.flush();
        result
    }

    /// Installs the host that answers the requests of calls made with
    /// [`Program::call`], [`Program::call_instance`], [`Program::init`] and
    /// [`Program::init_instance`]; returns the previous one.
    pub fn set_host(&mut self, host: Box<dyn Host + Send>) -> Option<Box<dyn Host + Send>> {
        self.host.replace(host)
    }

    /// Removes the installed host (`None` while a call runs: it is taken out then).
    pub fn take_host(&mut self) -> Option<Box<dyn Host + Send>> {
        self.host.take()
    }

    /// With hot reload on ([`Program::set_hot_reload`]), every cross-module call
    /// (`CallImport`) checks `flag` (one relaxed load); when it is up, the program
    /// clears it and asks the host ([`HostRequest::SafePoint`]) before making the
    /// call, which then reaches the active version of its callee. With hot reload off
    /// the flag is never read.
    pub fn set_safe_point_flag(&mut self, flag: Arc<AtomicBool>) {
        self.machine.safe_point = Some(flag);
    }

    pub fn clear_safe_point_flag(&mut self) {
        self.machine.safe_point = None;
    }

    /// How many calls are suspended now, waiting for the host's reply to a request
    /// (0 outside [`Host::handle`]; 1 inside it, more when a nested call made a request
    /// of its own).
    pub fn suspended_calls(&self) -> usize {
        self.suspended
    }

    /// Runs `f` with the installed host taken out of the program (put back after,
    /// unless `f` installed another).
    fn with_installed_host<R>(
        &mut self,
        f: impl FnOnce(&mut Program, Option<&mut dyn Host>) -> R,
    ) -> R {
        let mut host = self.host.take();
        let result = f(self, host.as_deref_mut().map(|h| h as &mut dyn Host));
        if self.host.is_none() {
            self.host = host;
        }
        result
    }

    /// Where `print`/`println` write (default: buffered stdout).
    pub fn set_output(&mut self, out: Box<dyn Write + Send>) {
        let _ = self.out.flush();
        self.out = Output::new(out);
    }

    /// Limits how many jumps and calls each later call may make (then it panics "call
    /// exceeded its fuel"): [`Program::set_limits`] with fuel only.
    pub fn set_fuel(&mut self, fuel: u64) {
        self.set_limits(Limits {
            fuel: Some(fuel),
            timeout: None,
            heap: None,
        });
    }

    /// The names of the modules with an active instance, in the order they were first
    /// loaded (reloads do not move them).
    pub fn module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let active = core::read(&self.core.active);
        for l in self.view.iter() {
            if active.contains_key(&l.m.name) && !names.contains(&l.m.name) {
                names.push(l.m.name.clone());
            }
        }
        names
    }

    /// The signature of an exported function (of the active instance).
    pub fn function_signature(&self, module: &str, func: &str) -> Option<FunctionSignature> {
        let mi = self.core.active_of(module)?;
        // Another machine may have loaded and activated it since this view was taken.
        let (list, _) = match mi < self.view.len() {
            true => (self.view.clone(), 0),
            false => self.core.snapshot(),
        };
        let fi = list.get(mi)?.export(func)?;
        Some(signature_of(&list[mi], fi))
    }

    /// The signature of an exported function of this exact instance.
    pub fn instance_signature(&self, id: InstanceId, func: &str) -> Option<FunctionSignature> {
        let mi = self.live(id).ok()?;
        let fi = self.inst(mi).export(func)?;
        Some(self.signature_at(mi, fi))
    }

    fn signature_at(&self, mi: usize, fi: usize) -> FunctionSignature {
        signature_of(self.inst(mi), fi)
    }

    /// The active instance of `module` and its exported function `func`.
    fn find_export(&mut self, module: &str, func: &str) -> Result<(usize, usize), Panic> {
        let Some(mi) = self.core.active_of(module) else {
            return Err(Panic::host(format!("no module `{module}`")));
        };
        // Activated by another machine after this view was taken.
        self.see(mi);
        self.find_export_in(mi, func)
    }

    fn find_export_in(&self, mi: usize, func: &str) -> Result<(usize, usize), Panic> {
        let module = &self.inst(mi).m.name;
        match self.inst(mi).export(func) {
            Some(fi) => Ok((mi, fi)),
            None => Err(Panic::host(format!(
                "module `{module}` exports no function `{func}`"
            ))),
        }
    }

    fn call_inner(
        &mut self,
        module: &str,
        func: &str,
        args: &[Value],
        host: Option<&mut dyn Host>,
    ) -> Result<Value, Panic> {
        self.refresh_view();
        let (mi, fi) = self.enter_active(module, func)?;
        self.call_entered(mi, fi, args, host)
    }

    /// Enters the active instance of `module` for a call of `func` from the host. A
    /// concurrent machine checks, once entered, that the instance is still the active
    /// one (activation may have happened meanwhile) and enters the new one otherwise.
    fn enter_active(&mut self, module: &str, func: &str) -> Result<(usize, usize), Panic> {
        loop {
            let (mi, fi) = self.find_export(module, func)?;
            self.enter_from_host(mi)?;
            if !self.machine.concurrent || !self.inst(mi).retired.load(Ordering::SeqCst) {
                return Ok((mi, fi));
            }
            self.leave_to_host(mi);
            self.refresh_view();
        }
    }

    /// Calls function `fi` of instance `mi` with host values.
    fn call_at(
        &mut self,
        mi: usize,
        fi: usize,
        args: &[Value],
        host: Option<&mut dyn Host>,
    ) -> Result<Value, Panic> {
        self.enter_from_host(mi)?;
        self.call_entered(mi, fi, args, host)
    }

    /// As [`Program::call_at`], instance `mi` entered already (its entry is given back
    /// when the call ends, whatever the outcome).
    fn call_entered(
        &mut self,
        mi: usize,
        fi: usize,
        args: &[Value],
        host: Option<&mut dyn Host>,
    ) -> Result<Value, Panic> {
        if let Err(e) = self.write_args(mi, fi, args) {
            self.leave_to_host(mi);
            return Err(e);
        }
        self.run_entered(mi, fi, host)?;
        let (sb, rb) = self.machine.top;
        let lm = &self.view[mi];
        let ret = lm.m.functions[fi].sig.ret;
        let words = &self.machine.sstack[sb..];
        let refs = &self.machine.rstack[rb..];
        let value = to_value(lm.types(), ret, (words, refs), 0);
        self.clear_results(mi, fi);
        value.map_err(Panic::host)
    }

    /// Puts the arguments where the entry frame starts: the bottom of the stacks, or
    /// above the suspended calls (`Machine::top`).
    fn write_args(&mut self, mi: usize, fi: usize, args: &[Value]) -> Result<(), Panic> {
        let lm = &self.view[mi];
        let f = &lm.m.functions[fi];
        if args.len() != f.sig.params.len() {
            return Err(Panic::host(format!(
                "`{}.{}` takes {} arguments but {} were given",
                lm.m.name,
                f.name,
                f.sig.params.len(),
                args.len()
            )));
        }
        let info = lm.funcs[fi];
        let (sb, rb) = self.machine.top;
        self.machine
            .reserve(sb + info.scalar_regs as usize, rb + info.ref_regs as usize)
            .map_err(Panic::host)?;
        let t = lm.types();
        let (mut w, mut r) = (sb, rb);
        for (i, (ty, v)) in f.sig.params.iter().zip(args).enumerate() {
            let l = t.layout(*ty);
            let (nw, nr) = (w + l.words as usize, r + l.refs as usize);
            let written = from_value(
                t,
                *ty,
                v,
                &mut self.machine.sstack[w..nw],
                &mut self.machine.rstack[r..nr],
            );
            if let Err(e) = written {
                let depth = self.machine.frames.len();
                self.machine.unwind(depth, rb);
                return Err(Panic::host(format!(
                    "argument {} of `{}.{}`: {e}",
                    i + 1,
                    lm.m.name,
                    f.name
                )));
            }
            (w, r) = (nw, nr);
        }
        Ok(())
    }

    /// Releases the references a finished call left as results.
    fn clear_results(&mut self, mi: usize, fi: usize) {
        let n = self.inst(mi).funcs[fi].results.refs as usize;
        let rb = self.machine.top.1;
        for r in &mut self.machine.rstack[rb..rb + n] {
            *r = None;
        }
    }

    /// Runs instance `mi`'s initializers: those of the shared statics whose memory it
    /// created (each once), then its `init`.
    fn run_inits(&mut self, mi: usize, mut host: Option<&mut dyn Host>) -> Result<(), Panic> {
        let shared = std::mem::take(&mut *core::lock(&self.inst(mi).shared_inits));
        let init = self.inst(mi).m.init;
        for f in shared.into_iter().chain(init) {
            self.run_function(mi, f.0 as usize, reborrow(&mut host))?;
            self.clear_results(mi, f.0 as usize);
        }
        Ok(())
    }

    /// The first `len` words of `@shared static` `name` of `module` as they are now
    /// (shared by every version), or `None` if no version declared it.
    pub fn shared_words(&self, module: &str, name: &str, len: usize) -> Option<Vec<u64>> {
        core::lock(&self.core.shared).words(module, name, len)
    }

    /// Runs a function whose arguments are in place (at `Machine::top`), serving its
    /// requests with `host`. A Dast panic (or, should the VM have a bug, a Rust panic)
    /// comes back as `Err` with this call's frames unwound and its references dropped;
    /// suspended outer calls are untouched.
    fn run_function(
        &mut self,
        mi: usize,
        fi: usize,
        host: Option<&mut dyn Host>,
    ) -> Result<(), Panic> {
        if let Err(e) = self.enter_from_host(mi) {
            let (floor, rbase) = (self.machine.frames.len(), self.machine.top.1);
            self.machine.unwind(floor, rbase);
            return Err(e);
        }
        self.run_entered(mi, fi, host)
    }

    /// As [`Program::run_function`], instance `mi` entered already.
    fn run_entered(
        &mut self,
        mi: usize,
        fi: usize,
        mut host: Option<&mut dyn Host>,
    ) -> Result<(), Panic> {
        let (sbase, rbase) = self.machine.top;
        let floor = self.machine.frames.len();
        if floor == 0 {
            self.machine.start_budget();
        }
        self.machine.current = mi;
        let mut start = Start::Call {
            module: mi,
            func: fi,
            sbase,
            rbase,
        };
        loop {
            let stop = match self.run_segment(start, floor) {
                Ok(Exit::Done) => {
                    self.leave_to_host(mi);
                    return Ok(());
                }
                Ok(Exit::Request(req)) => match self.serve(req, reborrow(&mut host)) {
                    Ok(()) => {
                        start = Start::Resume;
                        continue;
                    }
                    Err(stop) => stop,
                },
                Err(stop) => stop,
            };
            return Err(self.fail(stop, mi, floor, rbase));
        }
    }

    /// Runs the interpreter from `start`; a Rust panic inside becomes `Stop::Internal`.
    fn run_segment(&mut self, start: Start, floor: usize) -> Result<Exit, Stop> {
        let Program {
            view, machine, out, ..
        } = self;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            exec::run(view, machine, out, start, floor)
        }));
        match outcome {
            Ok(Ok(exit)) => Ok(exit),
            Ok(Err(fault)) => Err(Stop::Fault(fault)),
            Err(payload) => match meter::exhausted_message(&*payload) {
                // A refused allocation, at the instruction the loop noted.
                Some(message) => {
                    let here = self.machine.here;
                    let code = self.inst(here.module as usize).funcs[here.func as usize].code;
                    Err(Stop::Fault(Fault {
                        message,
                        module: here.module as usize,
                        func: here.func as usize,
                        pc: self.machine.here_pc(code),
                        sbase: here.sbase as usize,
                        rbase: here.rbase as usize,
                    }))
                }
                None => Err(Stop::Internal(host::panic_text(&*payload))),
            },
        }
    }

    /// The panic of a failed entry (instance `mi`, `floor` frames below it, its frame
    /// at reference base `rbase`): its trace, then its frames unwound, their in-flight
    /// counts given back and their references dropped.
    fn fail(&mut self, stop: Stop, mi: usize, floor: usize, rbase: usize) -> Panic {
        let (panic, current) = match &stop {
            Stop::Fault(fault) => (self.panic_from(fault, floor), fault.module),
            Stop::Foreign { panic, module } => (self.panic_through(panic.clone(), floor), *module),
            Stop::Internal(what) => (
                Panic::host(format!("internal error: the VM panicked: {what}")),
                self.machine.current,
            ),
        };
        // Lent values go home while this thread still holds the instances' state.
        self.give_back_lent(&stop, floor);
        self.uncount(mi, floor, current);
        self.machine.unwind(floor, rbase);
        let _ = self.out.flush();
        panic
    }

    /// The trace of a fault: innermost frame first, down to the entry frame (frames
    /// below `floor` belong to suspended outer calls and are not listed). A trace deeper than
    /// [`MAX_TRACE`] frames keeps its innermost and outermost frames, with one frame
    /// named `... N frames omitted ...` (empty file, line 0) in between.
    fn panic_from(&self, fault: &Fault, floor: usize) -> Panic {
        let panic = Panic {
            message: fault.message.clone(),
            trace: vec![self.trace_frame(fault.module, fault.func, fault.pc)],
        };
        self.panic_through(panic, floor)
    }

    /// `panic` (raised in the innermost frame, or in foreign code called from it, its
    /// trace so far in `panic.trace`) with the frames of its callers down to the entry
    /// frame added.
    fn panic_through(&self, panic: Panic, floor: usize) -> Panic {
        let Panic { message, mut trace } = panic;
        let inner_frames = trace.len();
        let callers = &self.machine.frames[floor..];
        let total = callers.len() + inner_frames;
        let (inner, outer) = (MAX_TRACE * 3 / 4, MAX_TRACE / 4);
        for (depth, fr) in callers.iter().rev().enumerate() {
            let depth = depth + inner_frames;
            if total > MAX_TRACE && depth >= inner && depth < total - outer {
                if depth == inner {
                    trace.push(TraceFrame {
                        function: format!("... {} frames omitted ...", total - inner - outer),
                        file: String::new(),
                        line: 0,
                        col: 0,
                    });
                }
                continue;
            }
            let pc = (fr.pc as usize).saturating_sub(1);
            trace.push(self.trace_frame(fr.module as usize, fr.func as usize, pc));
        }
        Panic { message, trace }
    }

    pub(crate) fn trace_frame(&self, mi: usize, fi: usize, pc: usize) -> TraceFrame {
        let m = &self.inst(mi).m;
        let f = &m.functions[fi];
        let (line, col) = f.line_of(pc as u32).unwrap_or((0, 0));
        TraceFrame {
            function: f.name.clone(),
            file: m.source.clone(),
            line,
            col,
        }
    }

    /// Module indices with every module after the modules it imports from (cycles are
    /// broken in the given order).
    fn init_order(&self) -> Vec<usize> {
        let n = self.view.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut order = Vec::with_capacity(n);
        for root in 0..n {
            if state[root] != 0 {
                continue;
            }
            let mut stack = vec![(root, 0usize)];
            state[root] = 1;
            while let Some(&mut (mi, ref mut next)) = stack.last_mut() {
                let deps = &self.view[mi].imports;
                if let Some((dep, _)) = deps.get(*next).map(|slot| slot.get()) {
                    *next += 1;
                    if state[dep as usize] == 0 {
                        state[dep as usize] = 1;
                        stack.push((dep as usize, 0));
                    }
                    continue;
                }
                stack.pop();
                state[mi] = 2;
                order.push(mi);
            }
        }
        order
    }
}
