//! One worker per thread and runtime: the machine a thread's calls run on.
//!
//! A worker is a [`dast_vm::Program`] made by [`dast_runtime::Registry::worker`]: its
//! own stacks and frames over the runtime's shared module versions. It lives in a
//! thread-local list (one entry per runtime the thread called), is made on the
//! thread's first call, takes the runtime's settings (hot reload, limits) again when
//! they change, and is dropped with its thread or at the first call after its runtime
//! is gone. Requests of Dast code running on a worker (`ModuleRegistry`) are served by
//! the registry under the management lock ([`WorkerHost`]).

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
    static WORKERS: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
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
    /// Runs `f` on this thread's worker for this runtime (made on first use), then
    /// unloads drained versions if some version drains.
    pub(crate) fn with_worker<T>(&self, f: impl FnOnce(&mut Program) -> T) -> T {
        let out = WORKERS.with(|list| match list.try_borrow_mut() {
            Ok(mut list) => {
                let w = self.worker_in(&mut list);
                f(&mut w.program)
            }
            // A call made while this thread's list is in use (Rust code called from
            // Dast calling back): a machine of its own for the nested call.
            Err(_) => f(&mut self.new_worker().program),
        });
        self.collect_drained();
        out
    }

    /// This runtime's worker in `list`, made or brought up to date.
    fn worker_in<'a>(&self, list: &'a mut Vec<Worker>) -> &'a mut Worker {
        list.retain(|w| w.runtime.strong_count() > 0);
        let at = match list.iter().position(|w| w.id == self.inner.id) {
            Some(at) => at,
            None => {
                list.push(self.new_worker());
                list.len() - 1
            }
        };
        let w = &mut list[at];
        let settings = self.inner.settings.load(Ordering::Acquire);
        if w.settings != settings {
            *w = self.new_worker();
        }
        w
    }

    fn new_worker(&self) -> Worker {
        let settings = self.inner.settings.load(Ordering::Acquire);
        let mut program = self.lock().registry.worker();
        program.set_output(Box::new(self.inner.out.clone()));
        program.set_host(Box::new(WorkerHost(Arc::downgrade(&self.inner))));
        Worker {
            runtime: Arc::downgrade(&self.inner),
            id: self.inner.id,
            program,
            settings,
        }
    }
}
