//! The interpreter loop.
//!
//! One `match` over `Inst` in a loop that never recurses on the Rust stack for Dast
//! calls: frames of callers live in `Machine::frames`, registers in two shared stacks
//! (`sstack` for scalar words, `rstack` for references), each frame a window of them
//! starting at its base. The current function's code, program counter and register base
//! pointers are locals.
//!
//! A run starts at a frame (a new entry at given bases, or a suspended frame resumed)
//! and ends when the entry frame returns with `floor` frames left (frames below belong
//! to calls suspended on a host request, see `host.rs`), on a panic, or when the code
//! needs its host: at a `Registry*` intrinsic, or at a `CallImport` while the safe-point
//! flag is up (hot reload on only). Then the running frame is pushed on
//! `Machine::frames` and the request returned; `Program` serves it and resumes the frame.
//!
//! # Safety
//! Registers are accessed through raw pointers without bounds checks. This is sound
//! because every module was verified when it was linked (`Linked::new`): each register
//! operand of each instruction is below its function's `scalar_regs`/`ref_regs`, each
//! window fits in the frame, and each frame is backed by the stacks (checked at each
//! call, where they grow if needed). Base pointers are re-derived from the stacks after
//! anything that may reallocate them (calls) or take a reference to them (host code).
//! Only `VecPush` windows depend on run-time data (the vector's element layout) and are
//! checked at run time. Everything else (heap objects, element indices, enum tags) goes
//! through checked, safe code.

use std::io::Write;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dast_bytecode::{Cvt, FBinary, FUnary, Inst, IntKind, Intrinsic, Module, TypeId};

use crate::core::{Instance, InstanceList};
use crate::heap::*;
use crate::link::FuncInfo;
use crate::ops;
use crate::shared::SharedTable;

/// Deepest Dast call stack; one more call panics with "stack overflow". (Under Miri,
/// which interprets every step, a shallower limit exercises the same paths.)
pub const MAX_FRAMES: usize = if cfg!(miri) { 2_000 } else { 250_000 };
/// Most scalar words (and, separately, references) all frames together may use.
pub const MAX_STACK: usize = 1 << 24;
const INITIAL_STACK: usize = 1 << 12;

/// A caller's saved state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub module: u32,
    pub func: u32,
    /// The instruction to resume at (one past the call).
    pub pc: u32,
    pub sbase: u32,
    pub rbase: u32,
}

/// Where a panic happened: the innermost frame's function and instruction.
pub(crate) struct Fault {
    pub message: String,
    pub module: usize,
    pub func: usize,
    pub pc: usize,
    /// The frame's register bases (its lent values go back home as it unwinds, see
    /// `dast_bytecode::lent`).
    pub sbase: usize,
    pub rbase: usize,
}

/// Why the interpreter loop returned without a fault.
pub(crate) enum Exit {
    /// The entry function returned: its results are at the entry frame's base.
    Done,
    /// The running function needs its host: its frame was pushed on `Machine::frames`
    /// (to resume with [`Start::Resume`]) and the request's window is in that frame.
    Request(Request),
}

/// What the suspended frame asks of the host.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Request {
    /// A host intrinsic (`Registry*`) with its type operand and window (relative to the
    /// suspended frame's bases). The frame resumes after the intrinsic.
    Intrinsic {
        op: Intrinsic,
        ty: TypeId,
        ws: usize,
        wr: usize,
    },
    /// The safe-point flag was up at a `CallImport`. The frame resumes *at* that
    /// instruction, so the import is read after the host may have re-pointed it.
    SafePoint,
    /// A call names an instance this machine's view of the instances does not have yet
    /// (another machine loaded it): the program takes the newest view and resumes the
    /// frame *at* the call.
    Resync,
}

/// How [`run`] starts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Start {
    /// A new entry: `func` of `module`, its frame (with the arguments) at these bases.
    Call {
        module: usize,
        func: usize,
        sbase: usize,
        rbase: usize,
    },
    /// Pops the frame a [`Exit::Request`] pushed and continues it.
    Resume,
}

/// The host intrinsics: the VM suspends on them instead of running them.
#[inline(always)]
pub(crate) fn is_host_intrinsic(op: Intrinsic) -> bool {
    op.is_host_request() || op == Intrinsic::Foreign || op == Intrinsic::Instantiate
}

/// Module-level `var`/`static` slots.
///
/// The buffers are made once and never reallocated (their contents are replaced in
/// place), so the interpreter reads `word_slots`/`ref_slots` without making a reference
/// to the vectors: machines on other threads entering the same (stateless) instance then
/// share it without conflicting accesses.
pub(crate) struct Globals {
    pub words: Vec<u64>,
    pub refs: Vec<Option<Obj>>,
    /// Pointers to the instance's `@shared static` words (cells outside the version).
    pub shared: SharedTable,
    /// `words`' and `refs`' buffers.
    pub word_slots: *mut u64,
    pub ref_slots: *mut Option<Obj>,
}

impl Globals {
    /// Zeroed globals for module `m`, its shared statics bound to `shared`.
    pub fn new(m: &Module, shared: SharedTable) -> Globals {
        Globals::with(
            vec![0; m.global_words as usize],
            vec![None; m.global_refs as usize],
            shared,
        )
    }

    fn with(mut words: Vec<u64>, mut refs: Vec<Option<Obj>>, shared: SharedTable) -> Globals {
        let (word_slots, ref_slots) = (words.as_mut_ptr(), refs.as_mut_ptr());
        Globals {
            words,
            refs,
            shared,
            word_slots,
            ref_slots,
        }
    }

    /// The globals of an unloaded instance: nothing.
    pub fn empty() -> Globals {
        Globals::with(Vec::new(), Vec::new(), SharedTable::default())
    }
}

/// The two register stacks and the call stack.
pub(crate) struct Machine {
    pub sstack: Vec<u64>,
    pub rstack: Vec<Option<Obj>>,
    pub frames: Vec<Frame>,
    /// Count calls in flight per instance (`Instance::in_flight`) on cross-instance calls
    /// and returns. Off by default: then nothing is counted.
    pub hot_reload: bool,
    /// Other machines run over the same instances: a call entering a stateful instance
    /// takes its state lock, and re-checks the route it took (see `core.rs`).
    pub concurrent: bool,
    /// This machine's shard of the in-flight counts.
    pub shard: usize,
    /// The instance the running frame belongs to, kept up to date at module switches
    /// only (what a failed run's unwinding starts from).
    pub current: usize,
    /// When set (and `hot_reload` is on), checked at each `CallImport`: if up, the
    /// interpreter suspends with [`Request::SafePoint`].
    pub safe_point: Option<Arc<AtomicBool>>,
    /// Where the next entry's frame starts: the stacks' start, or, while the host
    /// serves a request, just above the suspended frame (so nested calls leave the
    /// suspended ones alone).
    pub top: (usize, usize),
    /// Jumps and calls left before [`Machine::refuel`] looks at the limits: `u64::MAX`
    /// when there are none (then it is never reached), else a chunk of the call's fuel.
    pub fuel: u64,
    /// The limits of each call from the host (see `limits.rs`).
    pub budget: crate::limits::Budget,
    /// The budget's heap limit (`usize::MAX`: none), armed while the loop runs (see
    /// `meter.rs`).
    pub heap_limit: usize,
    /// With a heap limit, the frame and instruction running: where a refused
    /// allocation, which unwinds out of the loop, happened.
    pub here: Frame,
    /// With a heap limit, the address of the instruction running (its pc is worked
    /// out only when needed: one store per instruction).
    pub here_at: usize,
}

impl Machine {
    pub fn new() -> Machine {
        Machine {
            sstack: vec![0; INITIAL_STACK],
            rstack: vec![None; INITIAL_STACK],
            frames: Vec::with_capacity(256),
            hot_reload: false,
            concurrent: false,
            shard: 0,
            current: 0,
            safe_point: None,
            top: (0, 0),
            fuel: u64::MAX,
            budget: crate::limits::Budget::default(),
            heap_limit: usize::MAX,
            here: Frame {
                module: 0,
                func: 0,
                pc: 0,
                sbase: 0,
                rbase: 0,
            },
            here_at: 0,
        }
    }

    /// Makes the stacks at least this long, or fails with "stack overflow".
    #[inline]
    pub fn reserve(&mut self, words: usize, refs: usize) -> Result<(), String> {
        // The stacks never shrink: after the first calls this is the whole cost.
        if words <= self.sstack.len() && refs <= self.rstack.len() {
            return Ok(());
        }
        self.grow(words, refs)
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, words: usize, refs: usize) -> Result<(), String> {
        if words > MAX_STACK || refs > MAX_STACK {
            return Err("stack overflow".to_string());
        }
        if words > self.sstack.len() {
            let n = words.next_power_of_two().min(MAX_STACK);
            self.sstack.resize(n, 0);
        }
        if refs > self.rstack.len() {
            let n = refs.next_power_of_two().min(MAX_STACK);
            self.rstack.resize(n, None);
        }
        Ok(())
    }

    /// Unwinds to `floor` frames and drops every reference from `rbase` up: what a
    /// failed entry (whose frame started at `rbase`) leaves behind. Frames and
    /// registers below (suspended calls) are untouched.
    /// The running instruction's pc in function `code` (see [`Machine::here_at`]).
    pub fn here_pc(&self, code: *const Inst) -> usize {
        self.here_at.saturating_sub(code as usize) / size_of::<Inst>()
    }

    pub fn unwind(&mut self, floor: usize, rbase: usize) {
        self.frames.truncate(floor);
        for r in self.rstack.iter_mut().skip(rbase) {
            *r = None;
        }
    }
}

#[inline(always)]
fn norm(x: u64, kind: IntKind) -> u64 {
    match kind {
        IntKind::I8 => x as i8 as i64 as u64,
        IntKind::I16 => x as i16 as i64 as u64,
        IntKind::I32 => x as i32 as i64 as u64,
        IntKind::U8 => x as u8 as u64,
        IntKind::U16 => x as u16 as u64,
        IntKind::U32 => x as u32 as u64,
        IntKind::I64 | IntKind::U64 => x,
    }
}

#[inline(always)]
fn f64_of(x: u64) -> f64 {
    f64::from_bits(x)
}

#[inline(always)]
fn f32_of(x: u64) -> f32 {
    f32::from_bits(x as u32)
}

#[inline(always)]
fn f32_word(x: f32) -> u64 {
    x.to_bits() as u64
}

fn cvt(op: Cvt, x: u64) -> u64 {
    match op {
        Cvt::SToF64 => (x as i64 as f64).to_bits(),
        Cvt::UToF64 => (x as f64).to_bits(),
        Cvt::SToF32 => f32_word(x as i64 as f32),
        Cvt::UToF32 => f32_word(x as f32),
        Cvt::F64ToS => f64_of(x) as i64 as u64,
        Cvt::F64ToU => f64_of(x) as u64,
        Cvt::F32ToS => f32_of(x) as i64 as u64,
        Cvt::F32ToU => f32_of(x) as u64,
        Cvt::F32ToF64 => (f32_of(x) as f64).to_bits(),
        Cvt::F64ToF32 => f32_word(f64_of(x) as f32),
    }
}

fn funary(op: FUnary, x: f64) -> f64 {
    match op {
        FUnary::Sqrt => x.sqrt(),
        FUnary::Sin => x.sin(),
        FUnary::Cos => x.cos(),
        FUnary::Tan => x.tan(),
        FUnary::Asin => x.asin(),
        FUnary::Acos => x.acos(),
        FUnary::Atan => x.atan(),
        FUnary::Exp => x.exp(),
        FUnary::Ln => x.ln(),
        FUnary::Log10 => x.log10(),
        FUnary::Log2 => x.log2(),
        FUnary::Floor => x.floor(),
        FUnary::Ceil => x.ceil(),
        FUnary::Round => x.round(),
        FUnary::Trunc => x.trunc(),
        FUnary::Abs => x.abs(),
        FUnary::Fract => x.fract(),
        FUnary::Signum => x.signum(),
    }
}

fn fbinary(op: FBinary, a: f64, b: f64) -> f64 {
    match op {
        FBinary::Powf => a.powf(b),
        FBinary::Powi => a.powi(b as i32),
        FBinary::Atan2 => a.atan2(b),
        FBinary::Min => a.min(b),
        FBinary::Max => a.max(b),
        FBinary::Hypot => a.hypot(b),
    }
}

/// When fuzzing, strings and vectors are kept small so no input exhausts memory.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_limit(len: usize) -> Result<(), String> {
    if len > 1 << 16 {
        return Err("fuzzing: value too large".to_string());
    }
    Ok(())
}

/// Runs from `start` until the entry function returns (results at its frame's base),
/// the code needs its host ([`Exit::Request`]), or a panic. `floor` is the number of
/// frames below the entry (those of suspended outer calls): a return with `floor`
/// frames left ends the run.
pub(crate) fn run(
    modules: &InstanceList,
    m: &mut Machine,
    out: &mut dyn Write,
    start: Start,
    floor: usize,
) -> Result<Exit, Fault> {
    let at = match start {
        Start::Call {
            module,
            func,
            sbase,
            rbase,
        } => {
            let info = modules[module].funcs[func];
            let need = (
                sbase + info.scalar_regs as usize,
                rbase + info.ref_regs as usize,
            );
            if let Err(message) = m.reserve(need.0, need.1) {
                return Err(Fault {
                    message,
                    module,
                    func,
                    pc: 0,
                    sbase,
                    rbase,
                });
            }
            Frame {
                module: module as u32,
                func: func as u32,
                pc: 0,
                sbase: sbase as u32,
                rbase: rbase as u32,
            }
        }
        Start::Resume => {
            assert!(m.frames.len() > floor, "resume without a suspended frame");
            m.frames.pop().expect("checked")
        }
    };
    // Two copies of the loop: with no heap limit, nothing more than the instructions;
    // with one, the limit armed and the running instruction noted (`Machine::here`).
    // SAFETY: the module docs: every module in `modules` is verified, and the frame
    // `at` is backed by the stacks (reserved above, or when it was first entered: the
    // stacks never shrink).
    unsafe {
        if m.heap_limit == usize::MAX {
            run_loop::<false>(modules, m, out, at, floor)
        } else {
            run_loop::<true>(modules, m, out, at, floor)
        }
    }
}

/// What entering an instance through an import gave.
pub(crate) enum Entered {
    /// Entered: the (instance, function) the import named once entered.
    Yes((u32, u32)),
    /// The import now names an instance this machine's view does not have.
    Resync,
    /// The instance's state stayed locked too long.
    Refused(String),
}

/// Enters the instance an import names (its state lock taken when the machine is
/// concurrent and the instance stateful, then its in-flight count), re-reading the
/// import until it names the instance entered: a call never enters a version after
/// activation moved its importers away from it (see `core.rs`).
#[inline(never)]
fn enter_import(
    modules: &InstanceList,
    m: &Machine,
    slot: &crate::link::ImportSlot,
    mut target: (u32, u32),
) -> Entered {
    loop {
        let Some(t) = modules.get(target.0 as usize) else {
            return Entered::Resync;
        };
        if let Err(message) = enter_instance(t, m) {
            return Entered::Refused(message);
        }
        if !m.concurrent {
            return Entered::Yes(target);
        }
        let now = slot.get();
        if now == target {
            return Entered::Yes(target);
        }
        leave_instance(t, m);
        target = now;
    }
}

/// Counts a call entering instance `t` from another one (or from the host), taking its
/// state lock first when the machine is concurrent and `t` stateful.
#[inline]
pub(crate) fn enter_instance(t: &Instance, m: &Machine) -> Result<(), String> {
    if m.concurrent && t.stateful && !t.lock_state(crate::core::STATE_WAIT) {
        return Err(state_wait_message(t));
    }
    if m.hot_reload {
        match m.concurrent {
            true => t.in_flight.enter(m.shard),
            false => t.in_flight.enter_alone(m.shard),
        }
    }
    Ok(())
}

#[cold]
fn state_wait_message(t: &Instance) -> String {
    format!(
        "could not enter module `{}`: another thread's call held its state for {} s \
         (two threads each inside a stateful module, calling into the other's?)",
        t.m.name,
        crate::core::STATE_WAIT.as_secs()
    )
}

/// Undoes [`enter_instance`]: a call leaves instance `t`.
#[inline]
pub(crate) fn leave_instance(t: &Instance, m: &Machine) {
    if m.hot_reload {
        match m.concurrent {
            true => t.in_flight.leave(m.shard),
            false => t.in_flight.leave_alone(m.shard),
        }
    }
    if m.concurrent && t.stateful {
        // SAFETY: entries and leaves pair up (one per cross-instance call and return,
        // and per host entry), so this thread took the lock in `enter_instance`.
        unsafe { t.unlock_state() }
    }
}

/// The interpreter loop proper.
///
/// # Safety
/// Every module in `modules` passed `dast_bytecode::verify` (so its register operands,
/// windows, ids and jump targets are in range: see the module docs), its globals have
/// its `global_words`/`global_refs` slots and this machine may use them (it is the
/// program's only machine, or holds the state lock of each instance it runs in: see
/// `core.rs`), `at` names a live instance and function with a valid pc, and `m`'s
/// stacks back `at`'s frame.
#[allow(clippy::too_many_lines)]
unsafe fn run_loop<const HEAP_LIMITED: bool>(
    modules: &InstanceList,
    m: &mut Machine,
    out: &mut dyn Write,
    at: Frame,
    floor: usize,
) -> Result<Exit, Fault> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let mut mi = at.module as usize;
        m.current = mi;
        let mut lm: &Instance = &modules[mi];
        let mut fi = at.func as usize;
        let mut info: FuncInfo = lm.funcs[fi];
        let mut code: *const Inst = info.code;
        // The next instruction; `code` is the current function's first one.
        let mut ip: *const Inst = code.add(at.pc as usize);
        let mut sbase: usize = at.sbase as usize;
        let mut rbase: usize = at.rbase as usize;
        let mut s: *mut u64 = m.sstack.as_mut_ptr().add(sbase);
        let mut r: *mut Option<Obj> = m.rstack.as_mut_ptr().add(rbase);
        // Only looked at with hot reload on: otherwise `None`, and `CallImport` pays one
        // never-taken branch.
        // A plain pointer, not an `Arc` clone: the machine owns the flag for the whole loop,
        // and a pointer gives the loop no drop glue on its many exits.
        let safe_point: *const AtomicBool = match (&m.safe_point, m.hot_reload) {
            (Some(flag), true) => Arc::as_ptr(flag),
            _ => std::ptr::null(),
        };
        let mut gw: *mut u64 = (*lm.globals_ptr()).word_slots;
        let mut gr: *mut Option<Obj> = (*lm.globals_ptr()).ref_slots;

        // Register access: `S!(x)` is a place (readable and writable); references go
        // through `ops`.
        macro_rules! S {
            ($x:expr) => {
                *s.add($x.0 as usize)
            };
        }
        macro_rules! fail {
            ($msg:expr) => {
                return Err(Fault {
                    message: $msg,
                    module: mi,
                    func: fi,
                    pc: ip.offset_from(code) as usize - 1,
                    sbase,
                    rbase,
                })
            };
        }
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(msg) => fail!(msg),
                }
            };
        }
        // With a heap limit, notes the running frame (its pc at each instruction).
        macro_rules! note_frame {
            () => {
                if HEAP_LIMITED {
                    m.here = Frame {
                        module: mi as u32,
                        func: fi as u32,
                        pc: 0,
                        sbase: sbase as u32,
                        rbase: rbase as u32,
                    };
                }
            };
        }
        macro_rules! bin {
            ($dst:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
                let $x = S!($a);
                let $y = S!($b);
                S!($dst) = $e;
            }};
        }
        // Every jump and call burns one unit of fuel: with limits set, a runaway call
        // ends (fuel, time, interrupt); without, the count never reaches zero.
        macro_rules! burn {
            () => {
                m.fuel -= 1;
                if m.fuel == 0 {
                    tri!(m.refuel());
                }
            };
        }
        // Saves the running frame (resuming at `$pc`) and hands `$req` to the host.
        macro_rules! suspend {
            ($pc:expr, $req:expr) => {{
                m.frames.push(Frame {
                    module: mi as u32,
                    func: fi as u32,
                    pc: $pc as u32,
                    sbase: sbase as u32,
                    rbase: rbase as u32,
                });
                return Ok(Exit::Request($req));
            }};
        }
        macro_rules! jump {
            ($target:expr) => {{
                burn!();
                ip = code.add($target as usize)
            }};
        }
        // Call function `$tf` of module `$tm` with its frame at the window `$ws`/`$wr`:
        // checks the stacks, saves the caller, switches module (globals too) and function.
        // A call into another instance was entered first (`enter_instance`).
        macro_rules! call {
            ($tm:expr, $tf:expr, $ws:expr, $wr:expr) => {{
                let tm: usize = $tm;
                // A call within the module (the common case) needs no lookup.
                let target: &Instance = if tm == mi {
                    lm
                } else {
                    modules.get_unchecked(tm)
                };
                let callee = $tf as usize;
                let cinfo = *target.funcs.get_unchecked(callee);
                let nsb = sbase + $ws.0 as usize;
                let nrb = rbase + $wr.0 as usize;
                burn!();
                if nsb + cinfo.scalar_regs as usize > m.sstack.len()
                    || nrb + cinfo.ref_regs as usize > m.rstack.len()
                    || m.frames.len() >= MAX_FRAMES
                {
                    if m.frames.len() >= MAX_FRAMES {
                        fail!("stack overflow".to_string());
                    }
                    tri!(m.reserve(
                        nsb + cinfo.scalar_regs as usize,
                        nrb + cinfo.ref_regs as usize
                    ));
                }
                m.frames.push(Frame {
                    module: mi as u32,
                    func: fi as u32,
                    pc: ip.offset_from(code) as u32,
                    sbase: sbase as u32,
                    rbase: rbase as u32,
                });
                if tm != mi {
                    mi = tm;
                    m.current = mi;
                    lm = target;
                    gw = (*lm.globals_ptr()).word_slots;
                    gr = (*lm.globals_ptr()).ref_slots;
                }
                fi = callee;
                info = cinfo;
                code = cinfo.code;
                ip = code;
                sbase = nsb;
                rbase = nrb;
                s = m.sstack.as_mut_ptr().add(sbase);
                r = m.rstack.as_mut_ptr().add(rbase);
                note_frame!();
            }};
        }

        // With a heap limit: armed for the loop's life, the position kept.
        let _armed = HEAP_LIMITED.then(|| crate::meter::arm(m.heap_limit));
        note_frame!();
        loop {
            // Matching on the place (not a copy) lets each arm load only its own operands.
            let inst = ip;
            ip = ip.add(1);
            if HEAP_LIMITED {
                m.here_at = inst as usize;
            }
            match *inst {
                // ---- moves and constants ----
                Inst::Mov { dst, src } => S!(dst) = S!(src),
                Inst::MovR { dst, src } => ops::mov_r(r, dst, src),
                Inst::TakeR { dst, src } => ops::take_r(r, dst, src),
                Inst::ClearR { dst } => ops::clear_r(r, dst),
                Inst::LoadI { dst, imm } => S!(dst) = imm as i64 as u64,
                Inst::LoadK { dst, k } => S!(dst) = *lm.m.scalars.get_unchecked(k.0 as usize),
                Inst::LoadStr { dst, k } => ops::load_str(lm, r, dst, k.0),

                // ---- integers ----
                Inst::Add64 { dst, a, b } => bin!(dst, a, b, |x, y| x.wrapping_add(y)),
                Inst::Sub64 { dst, a, b } => bin!(dst, a, b, |x, y| x.wrapping_sub(y)),
                Inst::Mul64 { dst, a, b } => bin!(dst, a, b, |x, y| x.wrapping_mul(y)),
                Inst::Add32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (x as i32).wrapping_add(y as i32) as i64
                        as u64)
                }
                Inst::Sub32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (x as i32).wrapping_sub(y as i32) as i64
                        as u64)
                }
                Inst::Mul32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (x as i32).wrapping_mul(y as i32) as i64
                        as u64)
                }
                Inst::AddImm64 { dst, a, imm } => S!(dst) = S!(a).wrapping_add(imm as i64 as u64),
                Inst::AddImm32 { dst, a, imm } => {
                    S!(dst) = (S!(a) as i32).wrapping_add(imm) as i64 as u64
                }
                Inst::DivS { dst, a, b } => {
                    let y = S!(b) as i64;
                    if y == 0 {
                        fail!("attempt to divide by zero".to_string());
                    }
                    S!(dst) = (S!(a) as i64).wrapping_div(y) as u64;
                }
                Inst::RemS { dst, a, b } => {
                    let y = S!(b) as i64;
                    if y == 0 {
                        fail!(
                            "attempt to calculate the remainder with a divisor of zero".to_string()
                        );
                    }
                    S!(dst) = (S!(a) as i64).wrapping_rem(y) as u64;
                }
                Inst::DivU { dst, a, b } => {
                    let y = S!(b);
                    if y == 0 {
                        fail!("attempt to divide by zero".to_string());
                    }
                    S!(dst) = S!(a) / y;
                }
                Inst::RemU { dst, a, b } => {
                    let y = S!(b);
                    if y == 0 {
                        fail!(
                            "attempt to calculate the remainder with a divisor of zero".to_string()
                        );
                    }
                    S!(dst) = S!(a) % y;
                }
                Inst::Neg64 { dst, a } => S!(dst) = S!(a).wrapping_neg(),
                Inst::And { dst, a, b } => bin!(dst, a, b, |x, y| x & y),
                Inst::Or { dst, a, b } => bin!(dst, a, b, |x, y| x | y),
                Inst::Xor { dst, a, b } => bin!(dst, a, b, |x, y| x ^ y),
                Inst::BitNot { dst, a } => S!(dst) = !S!(a),
                Inst::Shl { dst, a, b, kind } => {
                    let sh = (S!(b) as u32) & (kind.bits() - 1);
                    S!(dst) = norm(S!(a) << sh, kind);
                }
                Inst::Shr { dst, a, b, kind } => {
                    let sh = (S!(b) as u32) & (kind.bits() - 1);
                    let x = S!(a);
                    S!(dst) = if kind.is_signed() {
                        ((x as i64) >> sh) as u64
                    } else {
                        x >> sh
                    };
                }
                Inst::Norm { dst, src, kind } => S!(dst) = norm(S!(src), kind),
                Inst::EqI { dst, a, b } => bin!(dst, a, b, |x, y| (x == y) as u64),
                Inst::NeI { dst, a, b } => bin!(dst, a, b, |x, y| (x != y) as u64),
                Inst::LtS { dst, a, b } => bin!(dst, a, b, |x, y| ((x as i64) < (y as i64)) as u64),
                Inst::LeS { dst, a, b } => {
                    bin!(dst, a, b, |x, y| ((x as i64) <= (y as i64)) as u64)
                }
                Inst::LtU { dst, a, b } => bin!(dst, a, b, |x, y| (x < y) as u64),
                Inst::LeU { dst, a, b } => bin!(dst, a, b, |x, y| (x <= y) as u64),
                Inst::NotB { dst, a } => S!(dst) = (S!(a) == 0) as u64,

                // ---- floats ----
                Inst::AddF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) + f64_of(y)).to_bits())
                }
                Inst::SubF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) - f64_of(y)).to_bits())
                }
                Inst::MulF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) * f64_of(y)).to_bits())
                }
                Inst::DivF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) / f64_of(y)).to_bits())
                }
                Inst::RemF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) % f64_of(y)).to_bits())
                }
                Inst::NegF64 { dst, a } => S!(dst) = (-f64_of(S!(a))).to_bits(),
                Inst::AddF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| f32_word(f32_of(x) + f32_of(y)))
                }
                Inst::SubF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| f32_word(f32_of(x) - f32_of(y)))
                }
                Inst::MulF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| f32_word(f32_of(x) * f32_of(y)))
                }
                Inst::DivF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| f32_word(f32_of(x) / f32_of(y)))
                }
                Inst::RemF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| f32_word(f32_of(x) % f32_of(y)))
                }
                Inst::NegF32 { dst, a } => S!(dst) = f32_word(-f32_of(S!(a))),
                Inst::EqF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) == f64_of(y)) as u64)
                }
                Inst::LtF64 { dst, a, b } => bin!(dst, a, b, |x, y| (f64_of(x) < f64_of(y)) as u64),
                Inst::LeF64 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f64_of(x) <= f64_of(y)) as u64)
                }
                Inst::EqF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f32_of(x) == f32_of(y)) as u64)
                }
                Inst::LtF32 { dst, a, b } => bin!(dst, a, b, |x, y| (f32_of(x) < f32_of(y)) as u64),
                Inst::LeF32 { dst, a, b } => {
                    bin!(dst, a, b, |x, y| (f32_of(x) <= f32_of(y)) as u64)
                }
                Inst::Cvt { dst, src, op } => S!(dst) = cvt(op, S!(src)),
                Inst::FUnary { dst, a, op } => S!(dst) = funary(op, f64_of(S!(a))).to_bits(),
                Inst::FBinary { dst, a, b, op } => {
                    bin!(dst, a, b, |x, y| fbinary(op, f64_of(x), f64_of(y))
                        .to_bits())
                }

                // ---- control flow ----
                Inst::Jmp { target } => jump!(target),
                Inst::JmpIf { cond, target } => {
                    if S!(cond) != 0 {
                        jump!(target)
                    }
                }
                Inst::JmpIfNot { cond, target } => {
                    if S!(cond) == 0 {
                        jump!(target)
                    }
                }
                Inst::JmpNeImm { a, imm, target } => {
                    if S!(a) != imm as i64 as u64 {
                        jump!(target)
                    }
                }
                Inst::JmpLtS { a, b, target } => {
                    if (S!(a) as i64) < (S!(b) as i64) {
                        jump!(target)
                    }
                }
                Inst::JmpGeS { a, b, target } => {
                    if (S!(a) as i64) >= (S!(b) as i64) {
                        jump!(target)
                    }
                }
                Inst::LoopLt { ctr, end, target } => {
                    let c = (S!(ctr) as i64).wrapping_add(1);
                    S!(ctr) = c as u64;
                    if c < S!(end) as i64 {
                        jump!(target)
                    }
                }
                Inst::LoopLe { ctr, end, target } => {
                    let c = S!(ctr) as i64;
                    if c != i64::MAX {
                        S!(ctr) = (c + 1) as u64;
                        if c < S!(end) as i64 {
                            jump!(target)
                        }
                    }
                }
                Inst::Call { func, s: ws, r: wr } => call!(mi, func.0, ws, wr),
                Inst::CallImport {
                    import,
                    s: ws,
                    r: wr,
                } => {
                    // SAFETY: `safe_point` is null or points into the `Arc` that `m` (borrowed
                    // for the whole loop) owns; it is re-read each time the loop is entered.
                    if let Some(flag) = safe_point.as_ref() {
                        if flag.load(Ordering::Relaxed) {
                            suspend!(ip.offset_from(code) - 1, Request::SafePoint);
                        }
                    }
                    let slot = lm.imports.get_unchecked(import.0 as usize);
                    let (mut tm, mut tf) = slot.get();
                    if tm as usize >= modules.len() {
                        suspend!(ip.offset_from(code) - 1, Request::Resync);
                    }
                    // An import of the module's own instance (`run --hot-reload` routes
                    // a file's calls to its own hot functions so) enters nothing.
                    if !m.concurrent && m.hot_reload && tm as usize != mi {
                        // One machine: count the entry; no other thread moves routes.
                        modules
                            .get_unchecked(tm as usize)
                            .in_flight
                            .enter_alone(m.shard);
                    } else if m.concurrent && tm as usize != mi {
                        match enter_import(modules, m, slot, (tm, tf)) {
                            Entered::Yes(target) => (tm, tf) = target,
                            Entered::Resync => {
                                suspend!(ip.offset_from(code) - 1, Request::Resync)
                            }
                            Entered::Refused(message) => fail!(message),
                        }
                    }
                    call!(tm as usize, tf, ws, wr)
                }
                Inst::Ret { s: rs, r: rr } => {
                    let res = info.results;
                    if rs.0 != 0 {
                        // Most functions return one word: skip the memmove call for it.
                        if res.words == 1 {
                            *s = *s.add(rs.0 as usize);
                        } else {
                            ptr::copy(s.add(rs.0 as usize), s, res.words as usize);
                        }
                    }
                    if rr.0 != 0 {
                        for i in 0..res.refs as usize {
                            let v = (*r.add(rr.0 as usize + i)).take();
                            *r.add(i) = v;
                        }
                    }
                    for i in res.refs as usize..info.ref_regs as usize {
                        *r.add(i) = None;
                    }
                    if m.frames.len() == floor {
                        return Ok(Exit::Done);
                    }
                    let Some(fr) = m.frames.pop() else {
                        unreachable!("more frames than the floor");
                    };
                    if fr.module as usize != mi {
                        if m.hot_reload || m.concurrent {
                            leave_instance(lm, m);
                        }
                        mi = fr.module as usize;
                        m.current = mi;
                        lm = modules.get_unchecked(mi);
                        gw = (*lm.globals_ptr()).word_slots;
                        gr = (*lm.globals_ptr()).ref_slots;
                    }
                    fi = fr.func as usize;
                    info = *lm.funcs.get_unchecked(fi);
                    code = info.code;
                    ip = code.add(fr.pc as usize);
                    sbase = fr.sbase as usize;
                    rbase = fr.rbase as usize;
                    s = m.sstack.as_mut_ptr().add(sbase);
                    r = m.rstack.as_mut_ptr().add(rbase);
                    note_frame!();
                }
                Inst::Panic { msg } => {
                    let text = ops::panic_text(r, msg);
                    fail!(text);
                }
                Inst::Intrinsic {
                    op,
                    ty,
                    s: ws,
                    r: wr,
                } => {
                    if op == Intrinsic::Exit {
                        let exit_code = S!(ws) as i32;
                        if cfg!(feature = "fuzzing") {
                            fail!(format!("exit({exit_code})"));
                        }
                        let _ = out.flush();
                        std::process::exit(exit_code);
                    }
                    if is_host_intrinsic(op) {
                        let req = Request::Intrinsic {
                            op,
                            ty,
                            ws: ws.0 as usize,
                            wr: wr.0 as usize,
                        };
                        suspend!(ip.offset_from(code), req);
                    }
                    // `pop` of one-word elements without the generic intrinsic path.
                    if op == Intrinsic::VecPop && ops::vec_pop_word(s, r, ws, wr) {
                        continue;
                    }
                    tri!(ops::intrinsic(lm, &mut *out, s, r, op, ty, ws, wr));
                }

                // ---- module state ----
                Inst::LoadG { dst, g } => S!(dst) = *gw.add(g.0 as usize),
                Inst::StoreG { g, src } => *gw.add(g.0 as usize) = S!(src),
                Inst::LoadSh { dst, g } => S!(dst) = (*lm.globals_ptr()).shared.load(g.0),
                Inst::StoreSh { g, src } => (*lm.globals_ptr()).shared.store(g.0, S!(src)),
                Inst::LoadGR { dst, g } => ops::load_gr(gr, r, dst, g.0),
                Inst::TakeGR { dst, g } => ops::take_gr(gr, r, dst, g.0),
                Inst::StoreGR { g, src } => ops::store_gr(gr, r, g.0, src),

                // ---- strings ----
                Inst::StrConcat { dst, a, b } => tri!(ops::str_concat(r, dst, a, b)),
                Inst::StrPush { a, b } => tri!(ops::str_push(r, a, b)),
                Inst::StrEq { dst, a, b } => tri!(ops::str_eq(s, r, dst, a, b)),
                Inst::StrCmp { dst, a, b } => tri!(ops::str_cmp(s, r, dst, a, b)),
                Inst::StrLen { dst, a } => tri!(ops::str_len(s, r, dst, a)),
                Inst::Format { dst, spec } => tri!(ops::format(lm, &info, s, r, dst, spec.0)),

                // ---- vectors ----
                Inst::VecNew { dst, elem } => ops::vec_new(lm, r, dst, elem),
                Inst::VecLen { dst, v } => tri!(ops::vec_len(s, r, dst, v)),
                Inst::VecLoadW { dst, v, idx, off } => {
                    tri!(ops::vec_load_w(s, r, dst, v, idx, off))
                }
                Inst::VecStoreW { v, idx, off, src } => {
                    tri!(ops::vec_store_w(s, r, v, idx, off, src))
                }
                Inst::VecLoadR { dst, v, idx, off } => {
                    tri!(ops::vec_load_r(s, r, dst, v, idx, off))
                }
                Inst::VecStoreR { v, idx, off, src } => {
                    tri!(ops::vec_store_r(s, r, v, idx, off, src))
                }
                Inst::VecLoadB { dst, v, idx } => tri!(ops::vec_load_b(s, r, dst, v, idx)),
                Inst::VecStoreB { v, idx, src } => tri!(ops::vec_store_b(s, r, v, idx, src)),
                Inst::VecPush { v, s: ws, r: wr } => tri!(ops::vec_push(&info, s, r, v, ws, wr)),

                // ---- maps ----
                Inst::MapNew { dst, ty } => ops::map_new(lm, r, dst, ty),
                Inst::DynNew { dst, src, imp } => ops::dyn_new(lm, r, dst, src, imp.0),
                Inst::DynLoad { dst, obj } => tri!(ops::dyn_payload(r, dst, obj, false)),
                Inst::DynTake { dst, obj } => tri!(ops::dyn_payload(r, dst, obj, true)),
                Inst::DynPut { obj, src } => tri!(ops::dyn_put(r, obj, src)),
                Inst::CallDyn { m: d, s: ws, r: wr } => {
                    // A safe point like `CallImport`: a host looping over trait objects
                    // picks up their modules' new versions.
                    // SAFETY: as at `CallImport`.
                    if let Some(flag) = safe_point.as_ref() {
                        if flag.load(Ordering::Relaxed) {
                            suspend!(ip.offset_from(code) - 1, Request::SafePoint);
                        }
                    }
                    let obj = &*r.add(wr.0 as usize);
                    let Some((tm, tf)) = tri!(crate::dynobj::dyn_target(modules, lm, d.0, obj))
                    else {
                        suspend!(ip.offset_from(code) - 1, Request::Resync)
                    };
                    if tm != mi && (m.hot_reload || m.concurrent) {
                        let t = modules.get_unchecked(tm);
                        if let Err(message) = enter_instance(t, m) {
                            fail!(message)
                        }
                        // Concurrent: activation may have moved the vtable meanwhile;
                        // then this call goes to the new version (the instruction again).
                        if m.concurrent && !crate::dynobj::still_targets(obj, tm) {
                            leave_instance(t, m);
                            ip = ip.sub(1);
                            continue;
                        }
                    }
                    call!(tm, tf, ws, wr)
                }
            }
        }
    }
}
