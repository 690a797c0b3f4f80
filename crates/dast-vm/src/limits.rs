//! Limits of a call from the host: fuel (jumps and calls), a time limit, and an
//! interrupt another thread may raise. The interpreter counts down `Machine::fuel` at
//! every jump and call; only when it reaches zero does it look at the limits
//! ([`Machine::refuel`]), so with no limits set the cost is one decrement and a branch
//! that is never taken, and with limits the clock and the interrupt flag are read once
//! per chunk of [`CHUNK`] jumps and calls.

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
}

/// Stops the running call of a program from another thread: the call panics "call was
/// interrupted" at its next jump or call (within [`CHUNK`] of them).
#[derive(Clone, Debug)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// The limits and what the current call spent.
#[derive(Debug)]
pub(crate) struct Budget {
    limits: Limits,
    interrupt: Option<Arc<AtomicBool>>,
    /// Fuel given out in chunks so far in this call.
    given: u64,
    deadline: Option<Instant>,
}

impl Budget {
    /// The first chunk of a call: all of a small fuel, else [`CHUNK`].
    fn chunk(&self) -> u64 {
        match self.limits.fuel {
            Some(total) => (total - self.given).min(CHUNK),
            None => CHUNK,
        }
    }
}

impl Machine {
    /// Fuel ran out: the call's limits decide whether it goes on (another chunk) or
    /// stops (the message of its panic).
    #[cold]
    #[inline(never)]
    pub(crate) fn refuel(&mut self) -> Result<u64, String> {
        let Some(b) = self.limits.as_deref_mut() else {
            self.fuel = u64::MAX;
            return Ok(self.fuel);
        };
        if let Some(total) = b.limits.fuel {
            if b.given >= total {
                return Err(format!("call exceeded its fuel ({total} jumps and calls)"));
            }
        }
        if let (Some(deadline), Some(timeout)) = (b.deadline, b.limits.timeout) {
            if Instant::now() >= deadline {
                return Err(format!(
                    "call exceeded its time limit ({} ms)",
                    timeout.as_millis()
                ));
            }
        }
        if let Some(flag) = &b.interrupt {
            if flag.swap(false, Ordering::AcqRel) {
                return Err("call was interrupted".to_string());
            }
        }
        let chunk = b.chunk();
        b.given += chunk;
        // One more than the chunk: the decrement that reaches zero is the first one
        // past it.
        self.fuel = chunk + 1;
        Ok(self.fuel)
    }

    /// A call from the host starts with its whole budget.
    pub(crate) fn start_budget(&mut self) {
        let Some(b) = self.limits.as_deref_mut() else {
            return;
        };
        b.given = 0;
        b.deadline = b.limits.timeout.map(|t| Instant::now() + t);
        let chunk = b.chunk();
        b.given = chunk;
        self.fuel = chunk + 1;
    }
}

impl Program {
    /// Limits every later call from the host (each gets the whole budget; calls nested
    /// in it share it): past them the call panics with a Dast trace ("call exceeded
    /// its fuel", "call exceeded its time limit") and the program stays usable.
    pub fn set_limits(&mut self, limits: Limits) {
        let interrupt = self
            .machine
            .limits
            .as_ref()
            .and_then(|b| b.interrupt.clone());
        self.install_budget(limits, interrupt);
    }

    /// A handle to interrupt this program's running call from another thread.
    pub fn interrupt_handle(&mut self) -> InterruptHandle {
        if let Some(flag) = self
            .machine
            .limits
            .as_ref()
            .and_then(|b| b.interrupt.clone())
        {
            return InterruptHandle(flag);
        }
        let flag = Arc::new(AtomicBool::new(false));
        let limits = self
            .machine
            .limits
            .as_ref()
            .map_or(Limits::default(), |b| b.limits);
        self.install_budget(limits, Some(flag.clone()));
        InterruptHandle(flag)
    }

    fn install_budget(&mut self, limits: Limits, interrupt: Option<Arc<AtomicBool>>) {
        let unlimited = limits == Limits::default() && interrupt.is_none();
        self.machine.limits = (!unlimited).then(|| {
            Box::new(Budget {
                limits,
                interrupt,
                given: 0,
                deadline: None,
            })
        });
        self.machine.fuel = u64::MAX;
    }
}
