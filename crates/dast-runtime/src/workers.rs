//! Calls made on other machines than the registry's own: the workers of a concurrent
//! host (the `dast` facade runs one per thread, see [`dast_vm::Program::worker`]).
//!
//! A worker calls its instances directly, without the registry's lock; what the
//! registry does around a call by name ([`Registry::call`]: record the function, log a
//! panic and roll back) and the requests of running code (`ModuleRegistry`) are asked of
//! the registry with these methods, under the host's lock.

use std::time::Duration;

use dast_vm::{Host, HostRequest, Panic, Program, Value};

use crate::registry::Registry;
use crate::report::CallError;

impl Registry {
    /// A new machine over this registry's program, for another thread: calls through it
    /// run in parallel with other workers' and take the state locks of stateful modules
    /// (see `core.rs` in `dast-vm`). The registry's own machine becomes concurrent too.
    pub fn worker(&mut self) -> Program {
        self.program.worker()
    }

    /// How long a reload waits for the calls running in a stateful old version on other
    /// threads before it is refused (default [`crate::registry::DEFAULT_STATE_WAIT`]);
    /// new calls wait to enter meanwhile.
    pub fn set_state_wait(&mut self, wait: Duration) {
        self.hub.state_wait = wait;
    }

    /// Records that the host calls `func` of `module` by name, as [`Registry::call`]
    /// does: a reload that removes it or changes its signature is refused.
    pub fn record_host_call(&mut self, module: &str, func: &str) {
        self.program.refresh();
        let Registry { program, hub } = self;
        hub.record_host_call(program, module, func);
    }

    /// After a call by name made on a worker panicked: the registry's answer to it, as
    /// [`Registry::call`] gives (the panic logged, and the module rolled back to the
    /// version its last reload replaced when rollback is on and that version is kept).
    pub fn report_panic(&mut self, module: &str, func: &str, panic: Panic) -> Box<CallError> {
        self.program.refresh();
        let Registry { program, hub } = self;
        hub.report_panic(program, module, func, panic)
    }

    /// Serves a request of Dast code running on `worker` (the registry is its host).
    pub fn serve(&mut self, worker: &mut Program, req: HostRequest) -> Result<Value, String> {
        self.program.refresh();
        self.hub.handle(worker, req)
    }
}
