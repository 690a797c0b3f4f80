//! One worker per thread and runtime: the machine a thread's calls run on.
//!
//! A worker is a [`dast_vm::Program`] made by [`dast_runtime::Registry::worker`]: its
//! own stacks and frames over the runtime's shared module versions. It lives in a
//! thread-local list (one entry per runtime the thread called, more when calls
//! nest), is made on the thread's first call, takes the runtime's settings (hot reload, limits) again when
//! they change, and is dropped with its thread or at the first call after its runtime
//! is gone. Requests of Dast code running on a worker (`ModuleRegistry`) are served by
//! the registry under the management lock ([`WorkerHost`]).

// A worker moves out of its thread's list and back at every call: boxed, that moves a
// pointer, not a whole machine.
#![allow(clippy::vec_box)]

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use dast_vm::{Host, HostRequest, Program, Value};

use crate::{Runtime, Shared};

/// A lock whose holder panicked still holds consistent data here.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One sink every worker (and the registry's machine) prints to; each write takes it
/// for the write only, so lines of different threads do not tear within a write.
#[derive(Clone)]
pub(crate) struct SharedOutput(Arc<Mutex<Box<dyn Write + Send>>>);

impl SharedOutput {
    pub fn stdout() -> SharedOutput {
        SharedOutput(Arc::new(Mutex::new(Box::new(std::io::stdout()))))
    }

    /// Makes `out` the sink (what was written before goes to the old one, flushed).
    pub fn replace(&self, out: Box<dyn Write + Send>) {
        let mut sink = lock(&self.0);
        let _ = sink.flush();
        *sink = out;
    }
}

impl Write for SharedOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        lock(&self.0).write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        lock(&self.0).write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        lock(&self.0).flush()
    }
}

/// A thread's machine for one runtime.
struct Worker {
    runtime: Weak<Shared>,
    id: u64,
    program: Program,
    /// The runtime's settings generation this worker last took.
    settings: u64,
}

thread_local! {
    // Boxed: a worker is large, and calls take it out of the list and put it back.
    static WORKERS: RefCell<Vec<Box<Worker>>> = const { RefCell::new(Vec::new()) };
}

/// Answers the requests of Dast code running on a worker: the registry does, under the
/// runtime's management lock.
struct WorkerHost(Weak<Shared>);

impl Host for WorkerHost {
    fn handle(&mut self, program: &mut Program, req: HostRequest) -> Result<Value, String> {
        let Some(shared) = self.0.upgrade() else {
            return Err("the runtime is gone".to_string());
        };
        let runtime = Runtime { inner: shared };
        let mut state = runtime.lock();
        state.registry.serve(program, req)
    }
}

impl Runtime {
    /// Runs `f` on a worker of this thread for this runtime (made on first use), then
    /// unloads drained versions if some version drains. The worker is taken out of the
    /// thread's list for the call: a call made from inside it (a host function calling
    /// back into Dast) gets another worker of the thread, kept for the next such call.
    pub(crate) fn with_worker<T>(&self, f: impl FnOnce(&mut Program) -> T) -> T {
        let mut w = WORKERS.with(|list| self.take_worker(&mut list.borrow_mut()));
        let out = f(&mut w.program);
        WORKERS.with(|list| list.borrow_mut().push(w));
        self.collect_drained();
        out
    }

    /// A free worker of this runtime from `list` (taken out), made or brought up to
    /// date; workers of runtimes that are gone are dropped on the way.
    fn take_worker(&self, list: &mut Vec<Box<Worker>>) -> Box<Worker> {
        let settings = self.inner.settings.load(Ordering::Acquire);
        // The common case: the thread's last call was into this runtime.
        if list
            .last()
            .is_some_and(|w| w.id == self.inner.id && w.settings == settings)
        {
            return list.pop().expect("checked");
        }
        list.retain(|w| w.runtime.strong_count() > 0);
        match list.iter().rposition(|w| w.id == self.inner.id) {
            Some(at) => {
                let w = list.swap_remove(at);
                match w.settings == settings {
                    true => w,
                    false => self.new_worker(),
                }
            }
            None => self.new_worker(),
        }
    }

    fn new_worker(&self) -> Box<Worker> {
        let settings = self.inner.settings.load(Ordering::Acquire);
        let mut program = self.lock().registry.worker();
        program.set_output(Box::new(self.inner.out.clone()));
        program.set_host(Box::new(WorkerHost(Arc::downgrade(&self.inner))));
        Box::new(Worker {
            runtime: Arc::downgrade(&self.inner),
            id: self.inner.id,
            program,
            settings,
        })
    }
}
