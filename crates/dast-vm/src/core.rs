//! What every machine of a program shares: the instances (code, tables, state), the
//! map from module names to active instances, and the `@shared` cells.
//!
//! A [`crate::Program`] is one machine (stacks, frames, output, host) over a [`Core`];
//! [`crate::Program::worker`] makes another machine over the same core for another
//! thread, so calls from many threads run in parallel over one set of module versions.
//!
//! # How threads meet
//! - **Code is immutable once published.** The list of instances only grows (an
//!   unloaded instance is replaced by a tombstone in a new list) and is published as a
//!   whole: each machine keeps its own `Arc` of the list it last saw (its *view*) and
//!   refreshes it when the core's generation moved, at each entry from the host and
//!   when code names an instance its view does not have yet. An old list keeps the
//!   instances it names alive, so a machine never reads freed code.
//! - **Import entries are atomic words**, re-pointed by activation.
//! - **State**: an instance with `var`s (a *stateful* one) has a reentrant lock that
//!   a concurrent machine takes when a call enters the instance and releases when that
//!   call leaves it (calls out to other modules included): a module's state is only ever
//!   touched by one thread at a time, a call into it runs to its end without another
//!   thread's call interleaving, and no update is lost. Stateless instances take no
//!   lock. A single machine (the CLI) takes no lock at all.
//! - **In-flight counts** are sharded per machine (each machine counts on its own cache
//!   line), summed when someone asks. An entry counts first, then checks that the route
//!   it took (import entry, active instance) still names the instance; activation
//!   switches the route first, then reads the counts (both sequentially consistent), so
//!   a version whose counts sum to zero after its switch can receive no new call.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use lock_api::RawReentrantMutex;
use rustc_hash::FxHashMap;

use crate::exec::Globals;
use crate::foreign::Foreign;
use crate::link::Linked;
use crate::shared::SharedCells;

/// How many in-flight counters each instance keeps (machines share them round-robin
/// beyond that).
pub(crate) const SHARDS: usize = 16;

/// How long a call waits to enter a stateful module whose state another thread's call
/// holds before it panics (two threads each inside one stateful module and calling
/// into the other's wait for each other: this turns that deadlock into a panic).
pub const STATE_WAIT: Duration = Duration::from_secs(10);

/// One counter on its own cache line.
#[repr(align(64))]
#[derive(Default)]
struct Padded(AtomicU32);

/// An instance's count of calls running in it, one shard per machine.
pub(crate) struct InFlight(Box<[Padded]>);

impl InFlight {
    fn new(shards: usize) -> InFlight {
        InFlight((0..shards).map(|_| Padded::default()).collect())
    }

    /// Counts an entry. Sequentially consistent: the route check that follows must not
    /// be read before this count is visible (see the module docs).
    #[inline]
    pub fn enter(&self, shard: usize) {
        // SAFETY-free indexing: a live instance has `SHARDS` shards and `shard` is below.
        self.0[shard].0.fetch_add(1, Ordering::SeqCst);
    }

    /// [`InFlight::enter`] on the program's only machine: no other thread counts or
    /// reads, so a plain increment (no locked instruction) is exact.
    #[inline]
    pub fn enter_alone(&self, shard: usize) {
        let n = &self.0[shard].0;
        n.store(n.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// [`InFlight::leave`] on the program's only machine.
    #[inline]
    pub fn leave_alone(&self, shard: usize) {
        let n = &self.0[shard].0;
        n.store(
            n.load(Ordering::Relaxed).saturating_sub(1),
            Ordering::Relaxed,
        );
    }

    #[inline]
    pub fn leave(&self, shard: usize) {
        let n = &self.0[shard].0;
        // Saturating: a failed entry's unwinding may give back a count twice in corner
        // cases (see `Program::uncount`), and a count must never wrap around.
        let _ = n.fetch_update(Ordering::Release, Ordering::Relaxed, |c| c.checked_sub(1));
    }

    pub fn total(&self) -> u32 {
        self.0.iter().map(|p| p.0.load(Ordering::SeqCst)).sum()
    }
}

type StateLock = RawReentrantMutex<parking_lot::RawMutex, parking_lot::RawThreadId>;

/// One loaded version of a module, shared by every machine of the program.
pub(crate) struct Instance {
    linked: UnsafeCell<Linked>,
    globals: UnsafeCell<Globals>,
    /// Whether the instance has `var` slots (then concurrent calls take `lock`).
    pub stateful: bool,
    lock: StateLock,
    pub in_flight: InFlight,
    /// A tombstone: the version was unloaded.
    pub unloaded: bool,
    /// No longer its module's active version (set by activation of another one,
    /// cleared if it is activated again): a call that resolved it as the active one
    /// and entered it after that goes to the new active one instead.
    pub retired: AtomicBool,
    /// Calls the host declared running in the instance outside the VM's own counting
    /// (see [`crate::Program::begin_host_call`]).
    pub host_calls: AtomicU32,
    /// The instance's code when it runs outside the interpreter (`foreign.rs`).
    pub foreign: OnceLock<Arc<dyn Foreign>>,
    /// Initializers of the `@shared static`s whose cells this instance created, run by
    /// its `init` before the `var` initializers (taken when they run).
    pub shared_inits: Mutex<Vec<dast_bytecode::FuncId>>,
}

// SAFETY: `linked` is only mutated before the instance can be reached by another
// machine (see `Instance::linked_mut`); `globals` only by the thread holding `lock`
// (concurrent machines) or by the program's one machine; everything else is atomic or
// behind a lock. `Linked` and `Globals` hold only `Send + Sync` data besides raw code
// pointers into their own module.
unsafe impl Send for Instance {}
// SAFETY: as for the impl above.
unsafe impl Sync for Instance {}

impl std::ops::Deref for Instance {
    type Target = Linked;

    #[inline(always)]
    fn deref(&self) -> &Linked {
        // SAFETY: see `linked_mut`: no `&mut` exists once others can read it.
        unsafe { &*self.linked.get() }
    }
}

impl Instance {
    pub fn new(linked: Linked, globals: Globals, shared_inits: Vec<dast_bytecode::FuncId>) -> Self {
        let stateful = linked.m.global_words > 0 || linked.m.global_refs > 0;
        Instance {
            linked: UnsafeCell::new(linked),
            globals: UnsafeCell::new(globals),
            stateful,
            lock: StateLock::INIT,
            in_flight: InFlight::new(SHARDS),
            unloaded: false,
            retired: AtomicBool::new(false),
            host_calls: AtomicU32::new(0),
            foreign: OnceLock::new(),
            shared_inits: Mutex::new(shared_inits),
        }
    }

    /// What an unloaded instance leaves behind (see [`Linked::tombstone`]).
    pub fn tombstone(&self) -> Self {
        Instance {
            linked: UnsafeCell::new(self.tombstone_code()),
            globals: UnsafeCell::new(Globals::empty()),
            stateful: false,
            lock: StateLock::INIT,
            in_flight: InFlight::new(0),
            unloaded: true,
            retired: AtomicBool::new(true),
            host_calls: AtomicU32::new(0),
            foreign: OnceLock::new(),
            shared_inits: Mutex::new(Vec::new()),
        }
    }

    fn tombstone_code(&self) -> Linked {
        Linked::tombstone(self)
    }

    /// The code, to change before the instance is reachable by other machines.
    ///
    /// # Safety
    /// No other reference to the code may be live: the instance is not active, no
    /// instance imports from it, and no call runs in it (a newly loaded instance, before
    /// its initializers run).
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn linked_mut(&self) -> &mut Linked {
        // SAFETY: per the contract.
        unsafe { &mut *self.linked.get() }
    }

    /// The `var` slots.
    ///
    /// # Safety
    /// The caller is the program's only machine, or holds this instance's state lock,
    /// or the instance is not reachable by calls (being loaded, or being migrated with
    /// its lock held by the caller); and no other reference to the globals is live.
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub unsafe fn globals_mut(&self) -> &mut Globals {
        // SAFETY: per the contract.
        unsafe { &mut *self.globals.get() }
    }

    /// The globals, for raw access by the interpreter loop (same contract as
    /// [`Instance::globals_mut`] for every access made through the pointer).
    #[inline(always)]
    pub fn globals_ptr(&self) -> *mut Globals {
        self.globals.get()
    }

    /// Takes the state lock, waiting at most `wait`; false if it timed out.
    pub fn lock_state(&self, wait: Duration) -> bool {
        self.lock.try_lock() || self.lock.try_lock_for(wait)
    }

    /// # Safety
    /// The current thread holds the state lock (taken by [`Instance::lock_state`]).
    pub unsafe fn unlock_state(&self) {
        // SAFETY: per the contract.
        unsafe { self.lock.unlock() }
    }

    /// Whether this thread holds the state lock (it entered the instance and has not
    /// left it yet).
    pub fn state_held_here(&self) -> bool {
        self.lock.is_owned_by_current_thread()
    }
}

/// How many instances one chunk of an [`InstanceList`] holds.
const CHUNK: usize = 64;

/// The instances as published at one moment (indices are `InstanceId`s), a persistent
/// list: chunks of [`CHUNK`] entries shared between successive versions of the list,
/// so publishing a change copies one chunk and the chunk table, not every entry, and
/// the views machines hold share their chunks. It also keeps the indices of the live
/// (not unloaded) instances, so management work is proportional to the live ones.
#[derive(Clone, Default)]
pub(crate) struct InstanceList {
    chunks: Vec<Arc<Vec<Arc<Instance>>>>,
    len: usize,
    live: Arc<Vec<u32>>,
}

impl InstanceList {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, i: usize) -> Option<&Arc<Instance>> {
        if i >= self.len {
            return None;
        }
        Some(&self.chunks[i / CHUNK][i % CHUNK])
    }

    /// # Safety
    /// `i < self.len()`.
    #[inline(always)]
    pub unsafe fn get_unchecked(&self, i: usize) -> &Instance {
        // SAFETY: per the contract, chunk `i / CHUNK` exists and holds entry `i % CHUNK`.
        unsafe {
            self.chunks
                .get_unchecked(i / CHUNK)
                .get_unchecked(i % CHUNK)
        }
    }

    pub fn push(&mut self, inst: Arc<Instance>) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        let last = self.chunks.last_mut().expect("a chunk");
        Arc::make_mut(last).push(inst);
        Arc::make_mut(&mut self.live).push(self.len as u32);
        self.len += 1;
    }

    /// Replaces entry `i` (by a tombstone: it leaves the live ones). A full chunk whose
    /// every entry is a tombstone without types of its own becomes the one chunk of
    /// blank tombstones the whole process shares: what ten thousand reloads leave behind
    /// is a word per 64 of them.
    pub fn set(&mut self, i: usize, inst: Arc<Instance>) {
        let unloaded = inst.unloaded;
        let chunk = Arc::make_mut(&mut self.chunks[i / CHUNK]);
        chunk[i % CHUNK] = inst;
        let spent =
            chunk.len() == CHUNK && chunk.iter().all(|t| t.unloaded && t.m.impls.is_empty());
        if spent {
            self.chunks[i / CHUNK] = blank_chunk();
        }
        if unloaded {
            Arc::make_mut(&mut self.live).retain(|&l| l as usize != i);
        }
    }

    /// The indices of the live instances, in load order.
    pub fn live(&self) -> &[u32] {
        &self.live
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Instance>> {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

/// A chunk of blank tombstones (unloaded versions whose module is no longer named).
fn blank_chunk() -> Arc<Vec<Arc<Instance>>> {
    static BLANK: OnceLock<Arc<Vec<Arc<Instance>>>> = OnceLock::new();
    BLANK
        .get_or_init(|| {
            let shell = Linked::blank("(unloaded)");
            let blank = Arc::new(Instance::new(shell, Globals::empty(), Vec::new()).tombstone());
            Arc::new(vec![blank; CHUNK])
        })
        .clone()
}

impl std::ops::Index<usize> for InstanceList {
    type Output = Arc<Instance>;

    fn index(&self, i: usize) -> &Arc<Instance> {
        self.get(i).expect("an instance index in range")
    }
}

impl FromIterator<Arc<Instance>> for InstanceList {
    fn from_iter<I: IntoIterator<Item = Arc<Instance>>>(iter: I) -> Self {
        let mut list = InstanceList::default();
        for inst in iter {
            list.push(inst);
        }
        list
    }
}

/// The list of instances as published at one moment.
pub(crate) type Instances = Arc<InstanceList>;

/// What the machines of one program share.
pub(crate) struct Core {
    /// The newest list of instances.
    instances: Mutex<Instances>,
    /// Bumped at every publication, so a machine can tell its view is old with one load.
    generation: AtomicU64,
    /// Module name -> its active instance.
    pub active: RwLock<FxHashMap<String, usize>>,
    /// The memory of every `@shared static`, outside the instances.
    pub shared: Mutex<SharedCells>,
    /// Serializes the changes of the instance list (load, unload), so two machines
    /// changing it cannot lose one another's change.
    pub manage: Mutex<()>,
    /// The shard the next machine counts in-flight calls on.
    next_shard: AtomicUsize,
    /// The host functions (each machine keeps its own `Arc` of them).
    pub host_fns: Mutex<Arc<crate::HostFns>>,
    /// One tombstone per module, shared by its unloaded versions that left nothing of
    /// their own behind (no impls): a long-running program that reloads a module ten
    /// thousand times keeps one word per old version, not one tombstone each.
    tombstones: Mutex<FxHashMap<String, Arc<Instance>>>,
}

impl Core {
    pub fn new(
        instances: InstanceList,
        active: FxHashMap<String, usize>,
        shared: SharedCells,
    ) -> Core {
        Core {
            instances: Mutex::new(Arc::new(instances)),
            generation: AtomicU64::new(1),
            active: RwLock::new(active),
            shared: Mutex::new(shared),
            manage: Mutex::new(()),
            next_shard: AtomicUsize::new(0),
            host_fns: Mutex::new(Arc::default()),
            tombstones: Mutex::new(FxHashMap::default()),
        }
    }

    /// The generation of the newest list (compare with a view's to know it is old).
    #[inline(always)]
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The newest list and its generation.
    pub fn snapshot(&self) -> (Instances, u64) {
        let list = lock(&self.instances);
        (list.clone(), self.generation.load(Ordering::Acquire))
    }

    /// Publishes `list` (a change of the newest list, made under `manage`).
    pub fn publish(&self, list: Instances) -> u64 {
        let mut slot = lock(&self.instances);
        *slot = list;
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn active_of(&self, module: &str) -> Option<usize> {
        read(&self.active).get(module).copied()
    }

    /// What an unloaded `inst` leaves in the list of instances.
    pub fn tombstone_of(&self, inst: &Instance) -> Arc<Instance> {
        if !inst.m.impls.is_empty() {
            // Trait objects it made may still need its types: a tombstone of its own.
            return Arc::new(inst.tombstone());
        }
        lock(&self.tombstones)
            .entry(inst.m.name.clone())
            .or_insert_with(|| Arc::new(inst.tombstone()))
            .clone()
    }

    pub fn next_shard(&self) -> usize {
        self.next_shard.fetch_add(1, Ordering::Relaxed) % SHARDS
    }
}

/// A lock whose holder panicked is still consistent here (every change under these
/// locks is a single assignment or push).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}
