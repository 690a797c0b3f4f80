//! The runtime's side of a call into generated code: the [`Ctx`] generated code sees,
//! followed by the panic being recorded, and the casts from the ABI's opaque pointers
//! ([`ModuleData::instance`], [`ModuleData::group`], [`dast_abi::RefSlot`]) back to the
//! runtime's types.

use dast_abi::{Ctx, ModuleData};
use dast_vm::native::NativeInstance;

use crate::load::GroupShared;
use crate::TraceFrame;

/// A call's context and the runtime's state of it. `repr(C)` with the context first, so
/// the `*mut Ctx` generated code passes to the runtime table is a pointer to this.
#[repr(C)]
pub(crate) struct CallState {
    pub ctx: Ctx,
    /// Set by `panic` and `exec_one`.
    pub panic: Option<u32>,
    /// A helper's panic message (`PanicCode::Message`).
    pub message: Option<String>,
    /// `(module, function index, pc)` innermost first: the faulting instruction, then
    /// each caller's call instruction, whichever module they belong to.
    pub frames: Vec<(*const ModuleData, u32, u32)>,
    /// Frames already resolved to text (those a host-stub call brought back from a
    /// callee the host ran); they come before `frames`.
    pub inner_trace: Vec<TraceFrame>,
    /// The group's limits (`refuel`).
    pub budget: *mut dast_vm::Budget,
}

impl CallState {
    pub fn new(
        stack_limit: usize,
        ref_base: *mut dast_abi::RefSlot,
        ref_limit: usize,
        budget: *mut dast_vm::Budget,
    ) -> Self {
        CallState {
            ctx: Ctx {
                stack_limit,
                ref_base,
                ref_limit,
                fuel: u64::MAX,
            },
            panic: None,
            message: None,
            frames: Vec::new(),
            inner_trace: Vec::new(),
            budget,
        }
    }

    /// The group's heap limit (`usize::MAX`: none).
    pub fn heap_limit(&self) -> usize {
        // SAFETY: the budget is the group's, which the running call holds.
        unsafe { (*self.budget).limits().heap_limit() }
    }

    /// The context's fuel ran out: refilled from the budget, or the call stops.
    pub fn refuel(&mut self) -> u32 {
        // SAFETY: the budget is the group's, which the running call holds.
        match unsafe { (*self.budget).refuel() } {
            Ok(fuel) => {
                self.ctx.fuel = fuel;
                dast_abi::STATUS_OK
            }
            Err(message) => {
                self.start_panic(dast_abi::PanicCode::Message as u32, Some(message));
                dast_abi::STATUS_PANIC
            }
        }
    }

    /// The state around the context generated code passed.
    ///
    /// # Safety
    /// `ctx` is the `ctx` of a live `CallState` (every context generated code receives
    /// is made by [`CallState::new`] in the loader), not otherwise borrowed now.
    pub unsafe fn of<'a>(ctx: *mut Ctx) -> &'a mut CallState {
        // SAFETY: as the caller promises; `ctx` is the first field of a `repr(C)` struct.
        unsafe { &mut *ctx.cast::<CallState>() }
    }

    /// Records a panic of `code` with no frame yet.
    pub fn start_panic(&mut self, code: u32, message: Option<String>) {
        self.panic = Some(code);
        self.message = message;
        self.frames.clear();
        self.inner_trace.clear();
    }
}

/// The interpreter state of the module whose data is `module`.
///
/// # Safety
/// `module` is the data of a loaded module (its `instance` set by the loader), and the
/// group is held by this thread (no other reference to the state is live).
pub(crate) unsafe fn instance_of<'a>(module: *const ModuleData) -> &'a mut NativeInstance {
    // SAFETY: as the caller promises.
    unsafe { &mut *(*module).instance.cast::<NativeInstance>() }
}

/// The group of the module whose data is `module`.
///
/// # Safety
/// `module` is the data of a loaded module; the group outlives it (the module holds it).
pub(crate) unsafe fn group_of<'a>(module: *const ModuleData) -> &'a GroupShared {
    // SAFETY: as the caller promises.
    unsafe { &*(*module).group.cast::<GroupShared>() }
}

/// A reference slot of the ABI as the VM's (both one pointer-sized word, null when
/// empty).
pub(crate) fn vm_slot(slot: *mut dast_abi::RefSlot) -> *mut dast_vm::RefSlot {
    slot.cast()
}

/// The VM's reference slots as the ABI's.
pub(crate) fn abi_slot(slot: *mut dast_vm::RefSlot) -> *mut dast_abi::RefSlot {
    slot.cast()
}

const _: () = assert!(size_of::<dast_vm::RefSlot>() == size_of::<dast_abi::RefSlot>());
