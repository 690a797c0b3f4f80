//! The host side of [`RuntimeTable`]: the functions generated code calls. They run
//! between generated frames, so none of them may unwind: they record data, compute
//! floats, and run interpreter instructions (`exec_one`, which turns a Rust panic of
//! the interpreter's code into a Dast panic, as the interpreter's `run_segment` does).

use dast_bytecode::{FBinary, FUnary};

use dast_abi::{
    Ctx, MapInsert, ModuleData, PanicCode, RefSlot, RuntimeTable, ABI_VERSION, FBINARY_COUNT,
    FUNARY_COUNT, NO_FRAME, STATUS_OK, STATUS_PANIC,
};

use crate::call_state::{instance_of, vm_slot, CallState};

/// # Safety
/// `ctx` is the live context of the running call (generated code passes its own) and
/// `module` the running module's data.
unsafe extern "C" fn rt_panic(
    ctx: *mut Ctx,
    module: *const ModuleData,
    code: u32,
    func: u32,
    pc: u32,
) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let ctx = CallState::of(ctx);
        ctx.start_panic(code, None);
        if func != NO_FRAME {
            ctx.frames.push((module, func, pc));
        }
    }
}

/// # Safety
/// As [`rt_panic`].
unsafe extern "C" fn rt_frame(ctx: *mut Ctx, module: *const ModuleData, func: u32, pc: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        CallState::of(ctx).frames.push((module, func, pc));
    }
}

/// # Safety
/// `ctx` is the live context of the running call, `module` the running module's data;
/// `words`/`refs` are function `func`'s frame (see `NativeInstance::exec_one`).
unsafe extern "C" fn rt_exec_one(
    ctx: *mut Ctx,
    module: *const ModuleData,
    func: u32,
    pc: u32,
    words: *mut u64,
    refs: *mut RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let state = CallState::of(ctx);
        let refs = vm_slot(refs);
        if instance_of(module).is_host_request_at(func, pc) {
            // `Registry*`: the group's host serves it (it may call back into the group).
            let stack_limit = state.ctx.stack_limit;
            return run_recording_panics(state, module, func, pc, || {
                crate::load::serve_host(stack_limit, &*module, func, pc, words, refs)
                    .map_err(|message| (pc, message))
            });
        }
        let heap_limit = state.heap_limit();
        run_recording_panics(state, module, func, pc, || {
            with_heap_limit(heap_limit, || {
                instance_of(module).exec_one(func, pc, words, refs)
            })
            .and_then(|done| done)
            .map_err(|message| (pc, message))
        })
    }
}

/// # Safety
/// As [`rt_exec_one`]; `load` and `reader` satisfy `NativeInstance::exec_borrowed`'s
/// contract (the translator checks it).
unsafe extern "C" fn rt_exec_borrowed(
    ctx: *mut Ctx,
    module: *const ModuleData,
    func: u32,
    load: u32,
    reader: u32,
    words: *mut u64,
    refs: *mut RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let refs = vm_slot(refs);
        let state = CallState::of(ctx);
        let heap_limit = state.heap_limit();
        run_recording_panics(state, module, func, load, || {
            with_heap_limit(heap_limit, || {
                instance_of(module).exec_borrowed(func, load, reader, words, refs)
            })
            .unwrap_or_else(|message| Err((load, message)))
        })
    }
}

/// Runs an interpreter operation with the call's heap limit armed (see
/// `dast_vm::meter`): an allocation past it fails the operation with the "out of
/// memory" message. Host requests are never run armed.
fn with_heap_limit<R>(limit: usize, op: impl FnOnce() -> R) -> Result<R, String> {
    if limit == usize::MAX {
        Ok(op())
    } else {
        dast_vm::meter::guarded(limit, || Ok(op()))
    }
}

/// Runs interpreter code for instruction `pc` of function `func` of `module`: a Dast
/// panic (`Err`: the pc that failed and the message) or a Rust panic (a bug in the VM)
/// is recorded in `ctx` with this frame, and returns [`STATUS_PANIC`]; no unwinding
/// leaves this function.
fn run_recording_panics(
    ctx: &mut CallState,
    module: *const ModuleData,
    func: u32,
    pc: u32,
    run: impl FnOnce() -> Result<(), (u32, String)>,
) -> u32 {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
    let (pc, message) = match outcome {
        Ok(Ok(())) => return STATUS_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => (
            pc,
            format!(
                "internal error: the VM panicked: {}",
                payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string())
            ),
        ),
    };
    ctx.start_panic(PanicCode::Message as u32, Some(message));
    ctx.frames.push((module, func, pc));
    STATUS_PANIC
}

/// # Safety
/// `refs` is a frame of `ref_regs` slots (see `dast_vm::native::ret_refs`).
unsafe extern "C" fn rt_ret_refs(refs: *mut RefSlot, from: u32, results: u32, ref_regs: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        dast_vm::native::ret_refs(vm_slot(refs), from, results, ref_regs);
    }
}

/// # Safety
/// `refs` is a frame of `n` slots.
unsafe extern "C" fn rt_clear_refs(refs: *mut RefSlot, n: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        dast_vm::native::clear_refs(vm_slot(refs), n);
    }
}

/// # Safety
/// `ctx` is the live context of the running call, `module` the caller's data;
/// `args`/`results` hold the import's parameter and result words; `refs` is the callee's
/// reference frame inside the running reference stack.
unsafe extern "C" fn rt_call_import(
    ctx: *mut Ctx,
    module: *const ModuleData,
    import: u32,
    args: *const u64,
    results: *mut u64,
    refs: *mut RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        guarded(ctx, "a cross-module call", |state| {
            crate::load::call_import(state, &*module, import, args, results, vm_slot(refs))
        })
    }
}

/// Runs `call` on the running call's state; a Rust panic inside it becomes a Dast
/// panic ("internal error: WHAT panicked") instead of unwinding into machine code.
///
/// # Safety
/// `ctx` is the live context of the running call.
unsafe fn guarded(ctx: *mut Ctx, what: &str, call: impl FnOnce(&mut CallState) -> u32) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        let state = CallState::of(ctx);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(state)));
        match outcome {
            Ok(status) => status,
            Err(_) => {
                let message = format!("internal error: {what} panicked");
                CallState::of(ctx).start_panic(PanicCode::Message as u32, Some(message));
                STATUS_PANIC
            }
        }
    }
}

/// # Safety
/// `ctx` is the live context of the running call, `module` the caller's data;
/// `args`/`results` hold the call's parameter and result words; `refs` is the callee's
/// reference frame inside the running reference stack.
unsafe extern "C" fn rt_call_dyn(
    ctx: *mut Ctx,
    module: *const ModuleData,
    request: u32,
    args: *const u64,
    results: *mut u64,
    refs: *mut RefSlot,
) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        guarded(ctx, "a dynamic call", |state| {
            crate::load::call_dyn(state, &*module, request, args, results, vm_slot(refs))
        })
    }
}

/// # Safety
/// `ctx` is the live context of the running call.
unsafe extern "C" fn rt_refuel(ctx: *mut Ctx) -> u32 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe { guarded(ctx, "a limit check", |state| state.refuel()) }
}

extern "C" fn rem_f64(a: f64, b: f64) -> f64 {
    a % b
}

extern "C" fn rem_f32(a: f32, b: f32) -> f32 {
    a % b
}

// One plain function per operation (not a dispatcher): generated code calls the entry
// directly. Each body is the interpreter's (`dast-vm/src/exec.rs`, `funary`/`fbinary`),
// so both backends round identically.
macro_rules! unary_fns {
    ($($op:ident => $name:ident: |$x:ident| $e:expr),* $(,)?) => {
        $(extern "C" fn $name($x: f64) -> f64 { $e })*
        fn funary_fn(op: FUnary) -> extern "C" fn(f64) -> f64 {
            match op { $(FUnary::$op => $name),* }
        }
    };
}

unary_fns! {
    Sqrt => f_sqrt: |x| x.sqrt(),
    Sin => f_sin: |x| x.sin(),
    Cos => f_cos: |x| x.cos(),
    Tan => f_tan: |x| x.tan(),
    Asin => f_asin: |x| x.asin(),
    Acos => f_acos: |x| x.acos(),
    Atan => f_atan: |x| x.atan(),
    Exp => f_exp: |x| x.exp(),
    Ln => f_ln: |x| x.ln(),
    Log10 => f_log10: |x| x.log10(),
    Log2 => f_log2: |x| x.log2(),
    Floor => f_floor: |x| x.floor(),
    Ceil => f_ceil: |x| x.ceil(),
    Round => f_round: |x| x.round(),
    Trunc => f_trunc: |x| x.trunc(),
    Abs => f_abs: |x| x.abs(),
    Fract => f_fract: |x| x.fract(),
    Signum => f_signum: |x| x.signum(),
}

macro_rules! binary_fns {
    ($($op:ident => $name:ident: |$a:ident, $b:ident| $e:expr),* $(,)?) => {
        $(extern "C" fn $name($a: f64, $b: f64) -> f64 { $e })*
        fn fbinary_fn(op: FBinary) -> extern "C" fn(f64, f64) -> f64 {
            match op { $(FBinary::$op => $name),* }
        }
    };
}

binary_fns! {
    Powf => f_powf: |a, b| a.powf(b),
    Powi => f_powi: |a, b| a.powi(b as i32),
    Atan2 => f_atan2: |a, b| a.atan2(b),
    Min => f_min: |a, b| a.min(b),
    Max => f_max: |a, b| a.max(b),
    Hypot => f_hypot: |a, b| a.hypot(b),
}

fn funary_table() -> [extern "C" fn(f64) -> f64; FUNARY_COUNT] {
    let mut table = [f_sqrt as extern "C" fn(f64) -> f64; FUNARY_COUNT];
    for &op in FUnary::ALL {
        table[op as usize] = funary_fn(op);
    }
    table
}

fn fbinary_table() -> [extern "C" fn(f64, f64) -> f64; FBINARY_COUNT] {
    let mut table = [f_powf as extern "C" fn(f64, f64) -> f64; FBINARY_COUNT];
    for &op in FBinary::ALL {
        table[op as usize] = fbinary_fn(op);
    }
    table
}

/// The table handed to every loaded object. It lives as long as the process (objects
/// keep its address), so it is built once and leaked.
pub(crate) fn table() -> &'static RuntimeTable {
    static TABLE: std::sync::OnceLock<RuntimeTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| RuntimeTable {
        abi_version: ABI_VERSION,
        panic: rt_panic,
        frame: rt_frame,
        rem_f64,
        rem_f32,
        funary: funary_table(),
        fbinary: fbinary_table(),
        exec_one: rt_exec_one,
        exec_borrowed: rt_exec_borrowed,
        ret_refs: rt_ret_refs,
        clear_refs: rt_clear_refs,
        call_import: rt_call_import,
        call_dyn: rt_call_dyn,
        refuel: rt_refuel,
        copy_bytes: rt_copy_bytes,
        unshare: rt_unshare,
        map_find_word: rt_map_find_word,
        map_insert_word: rt_map_insert_word,
    })
}

/// # Safety
/// `slot` is a slot of the running frame.
unsafe extern "C" fn rt_unshare(slot: *mut RefSlot) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        dast_vm::native::unshare(vm_slot(slot));
    }
}

/// # Safety
/// `slot` is a slot of the running frame (or a global); see `map_find_word`.
unsafe extern "C" fn rt_map_find_word(slot: *const RefSlot, key: u64, words: u32) -> *const u64 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe { dast_vm::native::map_find_word(vm_slot(slot.cast_mut()), key, words) }
}

/// # Safety
/// `slot` is a slot of the running frame.
unsafe extern "C" fn rt_map_insert_word(slot: *mut RefSlot, key: u64, value: u64) -> MapInsert {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe { dast_vm::native::map_insert_word(vm_slot(slot), key, value) }
}

/// `RuntimeTable::copy_bytes`.
///
/// # Safety
/// `from..from + n` is readable, `to..to + n` writable, and they do not overlap.
unsafe extern "C" fn rt_copy_bytes(to: *mut u8, from: *const u8, n: usize) {
    // SAFETY: as the caller promises (generated code checked both strings' lengths and
    // the destination's capacity; two distinct strings never share bytes).
    unsafe { std::ptr::copy_nonoverlapping(from, to, n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_indexed_by_discriminant() {
        let t = table();
        assert_eq!((t.funary[FUnary::Sin as usize])(0.5), 0.5f64.sin());
        assert_eq!((t.funary[FUnary::Signum as usize])(-3.0), -1.0);
        assert_eq!((t.fbinary[FBinary::Powi as usize])(2.0, 10.0), 1024.0);
        assert_eq!((t.fbinary[FBinary::Hypot as usize])(3.0, 4.0), 5.0);
    }
}
