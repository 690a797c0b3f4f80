//! Limits of a call from the host: fuel (jumps and calls), a time limit, and an
//! interrupt another thread may raise. The interpreter (and machine code compiled with
//! limits) counts down a fuel word at every jump and call; only when it reaches zero
//! does it look at the limits ([`Budget::refuel`]), so with no limits set the cost is
//! one decrement and a branch that is never taken, and with limits the clock and the
//! interrupt flag are read once per chunk of [`CHUNK`] jumps and calls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exec::Machine;
use crate::Program;

/// Jumps and calls between two looks at the clock and the interrupt flag.
pub const CHUNK: u64 = 10_000;

/// What a call from the host may spend before it is stopped with a panic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Jumps and calls (loop iterations and function calls, nested calls included).
    pub fuel: Option<u64>,
    /// Wall-clock time.
    pub timeout: Option<Duration>,
    /// Bytes of Dast heap objects (strings, vectors, boxes, maps, trait objects) live in
    /// the process: an allocation that would pass it panics "out of memory" instead
    /// (see `meter.rs`). Setting one starts the process's heap meter.
    pub heap: Option<usize>,
}

impl Limits {
    /// The heap limit as the meter arms it (`usize::MAX`: none).
    pub fn heap_limit(&self) -> usize {
        self.heap.unwrap_or(usize::MAX)
    }
}

/// Stops the running call from another thread: the call panics "call was interrupted"
/// at its next jump or call (within [`CHUNK`] of them).
#[derive(Clone, Debug)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// A runtime's limits and what the current call spent of them.
#[derive(Debug, Default)]
pub struct Budget {
    limits: Limits,
    interrupt: Option<Arc<AtomicBool>>,
    /// Fuel given out in chunks so far in this call.
    given: u64,
    deadline: Option<Instant>,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        if limits.heap.is_some() {
            crate::meter::start_metering();
        }
        Budget {
            limits,
            ..Budget::default()
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether anything is limited (else the fuel word never needs refilling).
    pub fn is_unlimited(&self) -> bool {
        self.limits.fuel.is_none() && self.limits.timeout.is_none() && self.interrupt.is_none()
    }

    /// The same limits and interrupt flag, nothing spent: a worker's budget (an
    /// interrupt then stops the first running call of any of them to look at it).
    pub fn for_worker(&self) -> Budget {
        Budget {
            limits: self.limits,
            interrupt: self.interrupt.clone(),
            ..Budget::default()
        }
    }

    /// The interrupt flag, moved out (to keep it across a change of limits).
    pub fn take_interrupt(&mut self) -> Option<Arc<AtomicBool>> {
        self.interrupt.take()
    }

    /// Puts back a flag [`Budget::take_interrupt`] took.
    pub fn put_interrupt(&mut self, flag: Option<Arc<AtomicBool>>) {
        self.interrupt = flag;
    }

    /// A handle raising this budget's interrupt flag (made on first use).
    pub fn interrupt_handle(&mut self) -> InterruptHandle {
        let flag = self
            .interrupt
            .get_or_insert_with(|| Arc::new(AtomicBool::new(false)));
        InterruptHandle(flag.clone())
    }

    fn chunk(&self) -> u64 {
        match self.limits.fuel {
            Some(total) => total.saturating_sub(self.given).min(CHUNK),
            None => CHUNK,
        }
    }

    /// The fuel word at the start of a call from the host: the first chunk (one more
    /// than it: the decrement that reaches zero is the first one past it), or
    /// `u64::MAX` with no limits.
    pub fn start(&mut self) -> u64 {
        if self.is_unlimited() {
            return u64::MAX;
        }
        self.given = 0;
        self.deadline = self.limits.timeout.map(|t| Instant::now() + t);
        let chunk = self.chunk();
        self.given = chunk;
        chunk + 1
    }

    /// The fuel word ran out: the next chunk, or the message of the call's panic.
    pub fn refuel(&mut self) -> Result<u64, String> {
        if self.is_unlimited() {
            return Ok(u64::MAX);
        }
        if let Some(total) = self.limits.fuel {
            if self.given >= total {
                return Err(format!("call exceeded its fuel ({total} jumps and calls)"));
            }
        }
        if let (Some(deadline), Some(timeout)) = (self.deadline, self.limits.timeout) {
            if Instant::now() >= deadline {
                return Err(format!(
                    "call exceeded its time limit ({} ms)",
                    timeout.as_millis()
                ));
            }
        }
        if let Some(flag) = &self.interrupt {
            if flag.swap(false, Ordering::AcqRel) {
                return Err("call was interrupted".to_string());
            }
        }
        let chunk = self.chunk();
        self.given += chunk;
        Ok(chunk + 1)
    }
}

impl Machine {
    /// Fuel ran out: the budget decides whether the call goes on or stops.
    #[cold]
    #[inline(never)]
    pub(crate) fn refuel(&mut self) -> Result<u64, String> {
        self.fuel = self.budget.refuel()?;
        Ok(self.fuel)
    }

    /// A call from the host starts with its whole budget.
    pub(crate) fn start_budget(&mut self) {
        self.fuel = self.budget.start();
    }
}

impl Program {
    /// Limits every later call from the host (each gets the whole budget; calls nested
    /// in it share it): past them the call panics with a Dast trace ("call exceeded
    /// its fuel", "call exceeded its time limit") and the program stays usable.
    pub fn set_limits(&mut self, limits: Limits) {
        if limits.heap.is_some() {
            crate::meter::start_metering();
        }
        self.machine.budget.limits = limits;
        self.machine.heap_limit = limits.heap_limit();
        self.machine.fuel = u64::MAX;
    }

    /// A handle to interrupt this program's running call from another thread.
    pub fn interrupt_handle(&mut self) -> InterruptHandle {
        self.machine.budget.interrupt_handle()
    }
}
