//! The heap meter: how many bytes Dast heap objects (strings, vectors, boxes, maps,
//! trait objects) hold, and the heap limit of the running call.
//!
//! Counting starts the first time a runtime is given a heap limit ([`Limits::heap`]):
//! until then nothing is counted, so a program without one pays a load and a branch
//! per allocation. From then on every object header, buffer growth and map table is
//! charged to one process-wide count and credited back when freed, on any thread.
//! (Objects made before counting started are credited when freed without having been
//! charged: the count then errs low, never high.)
//!
//! A limit is enforced only inside an *armed* scope ([`arm`], [`guarded`]): the
//! interpreter arms it for the whole run of its loop (and keeps the position of the
//! instruction running), native code around each runtime operation it calls. There, an allocation that would take the count past the
//! limit is refused before it is made: a Rust panic carrying [`HeapExhausted`] that the
//! scope catches and turns into the call's Dast panic, with the frames of the
//! instruction that asked. Outside armed scopes (the host building arguments, a
//! migration) allocations are counted but never refused, so host code never sees that
//! panic.
//!
//! [`Limits::heap`]: crate::Limits::heap

use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Whether allocations are counted (a heap limit was set in this process).
static METERING: AtomicBool = AtomicBool::new(false);
/// Bytes held by Dast heap objects made since counting started, minus those freed.
static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// The limit of the armed scope running on this thread (`usize::MAX`: none).
    static ARMED: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Starts counting allocations (done when a heap limit is first set).
pub fn start_metering() {
    METERING.store(true, Ordering::Relaxed);
}

/// Bytes Dast heap objects hold in this process, as counted since the first heap limit
/// was set (0 before).
pub fn heap_in_use() -> usize {
    LIVE.load(Ordering::Relaxed).max(0) as usize
}

/// Whether allocations are counted (some runtime of the process set a heap limit):
/// fast paths outside armed scopes then leave growth to a path that can refuse it.
#[inline(always)]
pub(crate) fn metering() -> bool {
    METERING.load(Ordering::Relaxed)
}

/// Counts `bytes` newly allocated.
#[inline]
pub(crate) fn charge(bytes: usize) {
    if metering() && bytes != 0 {
        LIVE.fetch_add(bytes as isize, Ordering::Relaxed);
    }
}

/// Counts `bytes` freed.
#[inline]
pub(crate) fn credit(bytes: usize) {
    if metering() && bytes != 0 {
        LIVE.fetch_sub(bytes as isize, Ordering::Relaxed);
    }
}

/// Refuses an allocation of `bytes` more (with the [`HeapExhausted`] panic) if an armed
/// scope's limit would be passed. Called before the allocation is made.
#[inline]
pub(crate) fn check(bytes: usize) {
    if bytes == 0 || !metering() {
        return;
    }
    let limit = ARMED.with(Cell::get);
    if limit == usize::MAX {
        return;
    }
    let live = heap_in_use();
    if live.saturating_add(bytes) > limit {
        refuse(limit, live, bytes);
    }
}

#[cold]
#[inline(never)]
fn refuse(limit: usize, live: usize, asked: usize) -> ! {
    // Unwinds without the panic hook: the armed scope reports it as a Dast panic, and
    // the host's hook would print it as a Rust bug.
    resume_unwind(Box::new(HeapExhausted { limit, live, asked }))
}

/// The payload of a refused allocation (see the module docs).
#[derive(Clone, Copy, Debug)]
pub struct HeapExhausted {
    pub limit: usize,
    pub live: usize,
    pub asked: usize,
}

impl HeapExhausted {
    /// The Dast panic's message.
    pub fn message(&self) -> String {
        format!(
            "out of memory: the heap limit of {} would be passed ({} in use, {} more asked)",
            human(self.limit),
            human(self.live),
            human(self.asked)
        )
    }
}

/// A byte count the way a person reads it (`64 MiB`, `1.5 GiB`, `300 bytes`).
pub fn human(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if value.fract() == 0.0 {
        format!("{value} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// The message of a refused allocation, if that is what `payload` (a caught panic's)
/// is.
pub fn exhausted_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<HeapExhausted>()
        .map(HeapExhausted::message)
}

/// Arms `limit` on this thread until the returned guard is dropped (also when a panic
/// unwinds past it). The caller must catch the [`HeapExhausted`] unwinding inside the
/// guard's life (see the module docs).
pub fn arm(limit: usize) -> Armed {
    Armed(ARMED.with(|armed| armed.replace(limit)))
}

/// An armed scope (see [`arm`]): disarms (restores the outer limit) when dropped.
pub struct Armed(usize);

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.with(|armed| armed.set(self.0));
    }
}

/// Runs `op` with `limit` armed (see the module docs): a refused allocation inside it
/// becomes `Err` with the panic's message; any other Rust panic goes on unwinding.
pub fn guarded<R>(limit: usize, op: impl FnOnce() -> Result<R, String>) -> Result<R, String> {
    let armed = arm(limit);
    let outcome = catch_unwind(AssertUnwindSafe(op));
    drop(armed);
    match outcome {
        Ok(result) => result,
        Err(payload) => match exhausted_message(&*payload) {
            Some(message) => Err(message),
            None => resume_unwind(payload),
        },
    }
}

/// The bytes a buffer of `cap` elements of `T` holds.
#[inline(always)]
pub(crate) fn bytes_of<T>(cap: usize) -> usize {
    cap.saturating_mul(size_of::<T>())
}

/// An amount charged to the meter that travels with its owner: cloning the owner
/// charges it again (and is refused past an armed limit), dropping it credits it.
#[derive(Debug, Default)]
pub(crate) struct Charged(usize);

impl Charged {
    /// Brings the charge to `bytes` (what the owner now holds).
    pub fn settle(&mut self, bytes: usize) {
        if bytes >= self.0 {
            charge(bytes - self.0);
        } else {
            credit(self.0 - bytes);
        }
        self.0 = bytes;
    }

    pub fn bytes(&self) -> usize {
        self.0
    }
}

impl Clone for Charged {
    fn clone(&self) -> Charged {
        check(self.0);
        charge(self.0);
        Charged(self.0)
    }
}

impl Drop for Charged {
    fn drop(&mut self) {
        credit(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human(300), "300 bytes");
        assert_eq!(human(64 << 20), "64 MiB");
        assert_eq!(human(3 << 29), "1.5 GiB");
    }

    #[test]
    fn an_armed_limit_refuses_and_the_refusal_is_an_error() {
        start_metering();
        let refused = guarded(0, || {
            check(1000);
            Ok(())
        });
        assert!(refused.unwrap_err().contains("heap limit"));
        // Unarmed, nothing is refused.
        check(usize::MAX / 2);
        let fine = guarded(usize::MAX - 1, || {
            check(10);
            Ok(7)
        });
        assert_eq!(fine, Ok(7));
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let outcome = catch_unwind(|| guarded(10, || -> Result<(), String> { panic!("bug") }));
        assert!(outcome.is_err());
        // The scope was disarmed on the way out.
        assert_eq!(ARMED.with(Cell::get), usize::MAX);
    }
}
