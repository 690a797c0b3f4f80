//! Support for the native backend (`dast-native`): one module's interpreter state
//! (its linked tables, its globals, its output) and the interpreter's own instruction
//! bodies (`ops.rs`), run one instruction at a time on frames that generated code keeps
//! in memory with the interpreter's register layout (a block of `u64` scalar words and
//! a block of reference slots, each slot one pointer wide). Native and interpreted
//! code thus share one implementation of every heap, string, vector, map, format,
//! intrinsic and global instruction.

use std::io::Write;
use std::ptr::NonNull;

use dast_bytecode::{Inst, Intrinsic, Layout, Module, RuntimeRole, TypeId};

use dast_abi::{MapInsert, INSERT_NOT_HANDLED, NOT_HANDLED};

use crate::exec::{is_host_intrinsic, Globals};
use crate::heap::{HeapObj, KeyRef, Obj};
use crate::instances::RefSlot;
use crate::link::{FuncInfo, LinkError, Linked};
use crate::ops;
use crate::typed::{from_value, internal, to_value};
use crate::{HostRequest, Value};

// Generated code moves reference slots as plain pointer-sized words.
const _: () = assert!(std::mem::size_of::<RefSlot>() == std::mem::size_of::<usize>());
const _: () = assert!(std::mem::size_of::<Option<Obj>>() == std::mem::size_of::<usize>());

/// A block of reference slots, all empty, at a fixed address for its whole life (a
/// native call's reference frames live in it, as the interpreter's in its `rstack`).
///
/// The block is large (a deep recursion's frames) and mostly never touched, so it is
/// allocated zeroed (an empty slot is a null pointer): the allocator maps fresh pages
/// and only the pages calls reach are ever faulted in. Every call leaves the slots it
/// used empty (returns move results out, panicking frames release theirs, and the
/// host takes arguments and results back), so dropping the block does not walk it.
pub struct RefStack {
    slots: NonNull<RefSlot>,
    len: usize,
}

// SAFETY: the block is owned (like a `Box<[RefSlot]>`), and `RefSlot` is `Send + Sync`.
unsafe impl Send for RefStack {}
// SAFETY: as for the impl above.
unsafe impl Sync for RefStack {}

impl RefStack {
    pub fn new(len: usize) -> RefStack {
        let len = len.max(1);
        let layout = Self::layout(len);
        // SAFETY: `layout` has a non-zero size; all-zero bytes are `len` empty slots.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<RefSlot>();
        let Some(slots) = NonNull::new(ptr) else {
            std::alloc::handle_alloc_error(layout)
        };
        RefStack { slots, len }
    }

    fn layout(len: usize) -> std::alloc::Layout {
        std::alloc::Layout::array::<RefSlot>(len).expect("reference stack size overflows")
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The block's address, for holders that make their own short-lived slices of it
    /// (the block is a separate allocation: `&self` does not cover the slots).
    pub fn as_ptr(&self) -> *mut RefSlot {
        self.slots.as_ptr()
    }

    fn slots_mut(&mut self) -> &mut [RefSlot] {
        // SAFETY: `len` initialized slots, owned by `self`, borrowed mutably here.
        unsafe { std::slice::from_raw_parts_mut(self.slots.as_ptr(), self.len) }
    }
}

impl Drop for RefStack {
    fn drop(&mut self) {
        // Every slot is empty here (see the type's comment). A slot that is not would
        // only leak its object; debug builds check the whole block.
        debug_assert!(
            self.slots_mut().iter().all(|slot| slot.0.is_none()),
            "a reference stack was dropped holding references"
        );
        // SAFETY: allocated in `new` with this layout.
        unsafe { std::alloc::dealloc(self.slots.as_ptr().cast(), Self::layout(self.len)) }
    }
}

fn slots(refs: *mut RefSlot) -> *mut Option<Obj> {
    // `RefSlot` is `repr(transparent)` over `Option<Obj>`.
    refs.cast()
}

/// The interpreter's `Ret` on references: result slots `from..from + results` move to
/// `0..results`, every other slot of the frame (`results..ref_regs`) is released.
///
/// # Safety
/// `refs` points at a frame of at least `ref_regs` slots, `from + results <= ref_regs`.
pub unsafe fn ret_refs(refs: *mut RefSlot, from: u32, results: u32, ref_regs: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let r = slots(refs);
        if from != 0 {
            for i in 0..results as usize {
                let v = (*r.add(from as usize + i)).take();
                *r.add(i) = v;
            }
        }
        for i in results as usize..ref_regs as usize {
            *r.add(i) = None;
        }
    }
}

/// Releases slots `0..n` (a panicking frame's references).
///
/// # Safety
/// `refs` points at `n` slots.
pub unsafe fn clear_refs(refs: *mut RefSlot, n: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let r = slots(refs);
        for i in 0..n as usize {
            *r.add(i) = None;
        }
    }
}

/// Makes the object in `slot` unique (copy-on-write: copied when shared, so writing it
/// in place changes no other value). Generated code does this before a loop that
/// stores into a vector, where the first store would copy it anyway; an empty slot is
/// left alone.
///
/// # Safety
/// `slot` points at a live reference slot no one else is using.
pub unsafe fn unshare(slot: *mut RefSlot) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let slot: *mut Option<Obj> = slot.cast();
        if let Some(obj) = &mut *slot {
            obj.make_mut();
        }
    }
}

/// `MapGet` for generated code, on a map with one-word keys and values of
/// `value_words` words and no references: the entry's value words, null when the key
/// is absent, or [`NOT_HANDLED`] (an odd address, never a value's).
///
/// # Safety
/// `slot` points at a live reference slot; the pointer returned is read before the map
/// changes.
pub unsafe fn map_find_word(slot: *const RefSlot, key: u64, value_words: u32) -> *const u64 {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let slot: *const Option<Obj> = slot.cast();
        // A marker address, never dereferenced: no provenance.
        let not_handled = std::ptr::without_provenance::<u64>(NOT_HANDLED);
        let Some(obj) = &*slot else {
            return not_handled;
        };
        let HeapObj::Map(m) = obj.get() else {
            return not_handled;
        };
        let values = Layout {
            words: value_words,
            refs: 0,
        };
        if m.key != Layout::WORD || m.val != values {
            return not_handled;
        }
        match m.find(&KeyRef::Word(key)) {
            Some(i) => m.vwords.as_ptr().add(i * value_words as usize),
            None => std::ptr::null(),
        }
    }
}

/// `MapInsert` for generated code, on a map with one-word keys and one-word values
/// (made unique first, as every mutation).
///
/// # Safety
/// `slot` points at a live reference slot no one else is using.
pub unsafe fn map_insert_word(slot: *mut RefSlot, key: u64, value: u64) -> MapInsert {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let slot: *mut Option<Obj> = slot.cast();
        let not_handled = MapInsert {
            status: INSERT_NOT_HANDLED,
            old: 0,
        };
        let Some(obj) = &mut *slot else {
            return not_handled;
        };
        let word_map = |h: &HeapObj| matches!(h, HeapObj::Map(m) if m.key == Layout::WORD && m.val == Layout::WORD);
        if !word_map(obj.get()) {
            return not_handled;
        }
        // With a heap limit somewhere, a copy or a growth goes to `exec_one`, where the
        // limit is armed (this path cannot refuse).
        if crate::meter::metering() {
            let HeapObj::Map(m) = obj.get() else {
                unreachable!("checked above")
            };
            if !obj.is_unique() || m.insert_may_grow() {
                return not_handled;
            }
        }
        let HeapObj::Map(m) = obj.make_mut() else {
            unreachable!("checked above")
        };
        let (i, new) = m.insert_key(&KeyRef::Word(key));
        if new {
            m.vwords.push(value);
            MapInsert { status: 0, old: 0 }
        } else {
            let old = std::mem::replace(&mut m.vwords[i], value);
            MapInsert { status: 1, old }
        }
    }
}

/// One module as the native backend runs it: verified and linked alone (no imports),
/// with its globals and its output.
pub struct NativeInstance {
    linked: Linked,
    globals: Globals,
    out: Box<dyn Write + Send>,
}

impl NativeInstance {
    /// Verifies `module` and builds the interpreter's tables for it. Its imports are not
    /// resolved: `CallImport` is not run here.
    pub fn new(module: Module) -> Result<NativeInstance, LinkError> {
        let linked = Linked::new(module)?;
        // Shared statics are read by generated code through `ModuleData`, never here.
        let globals = Globals::new(&linked.m, Default::default());
        Ok(NativeInstance {
            linked,
            globals,
            out: Box::new(std::io::BufWriter::new(std::io::stdout())),
        })
    }

    /// One vtable per impl of the module (what its `DynNew`s use).
    pub fn vtables(&self) -> &[std::sync::Arc<crate::VTable>] {
        &self.linked.vtables
    }

    /// Makes the program's vtables of instance `inst` this module's (hybrid mode: trait
    /// objects made by machine code then follow the program's versions, and record the
    /// program's instance).
    pub fn bind_vtables(&mut self, inst: u32, vtables: &[std::sync::Arc<crate::VTable>]) {
        self.linked.inst = inst;
        self.linked.vtables = vtables.to_vec();
    }

    pub fn module(&self) -> &Module {
        &self.linked.m
    }

    /// Where `print`/`println` write (default: buffered stdout).
    pub fn set_output(&mut self, out: Box<dyn Write + Send>) {
        let _ = self.out.flush();
        self.out = out;
    }

    /// The module's scalar globals (`global_words` of them), read and written directly
    /// by generated code's `LoadG`/`StoreG`.
    pub fn global_words(&mut self) -> *mut u64 {
        self.globals.words.as_mut_ptr()
    }

    /// The module's globals: scalar words and reference slots (FORMAT.md's layout).
    pub fn globals_mut(&mut self) -> (&mut [u64], &mut [RefSlot]) {
        let refs = &mut self.globals.refs;
        // SAFETY: `RefSlot` is `repr(transparent)` over `Option<Obj>`.
        let refs = unsafe { std::slice::from_raw_parts_mut(refs.as_mut_ptr().cast(), refs.len()) };
        (&mut self.globals.words, refs)
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }

    /// Whether `inst` is a host request (`Registry*`) that [`NativeInstance::read_host_request`]
    /// runs: the runtime serves it with the group's host instead of `exec_one`.
    pub fn is_host_request(inst: &Inst) -> bool {
        inst.runtime_role() == Some(RuntimeRole::HostRequest)
    }

    /// Whether instruction `pc` of function `func` is a host request.
    pub fn is_host_request_at(&self, func: u32, pc: u32) -> bool {
        let f = &self.linked.m.functions[func as usize];
        f.code.get(pc as usize).is_some_and(Self::is_host_request)
    }

    /// Reads host request `pc` of function `func` (a `Registry*` intrinsic) from the
    /// frame `words`/`refs` as a [`HostRequest`], as the interpreter does (`host.rs`).
    /// The runtime then asks its host (holding no borrow of `self`: the host may call
    /// back into this module) and writes the reply with
    /// [`NativeInstance::write_host_reply`].
    ///
    /// # Safety
    /// As [`NativeInstance::exec_one`], for an instruction for which
    /// [`NativeInstance::is_host_request`] holds.
    pub unsafe fn read_host_request(
        &self,
        func: u32,
        pc: u32,
        words: *mut u64,
        refs: *mut RefSlot,
    ) -> Result<HostRequest, String> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let (op, ty, s, r) = self.host_operands(func, pc)?;
            let (nw, nr) = crate::host::host_window(&self.linked, op, ty)?;
            let w = std::slice::from_raw_parts(words.add(s), nw);
            let r = std::slice::from_raw_parts(slots(refs).add(r), nr);
            let caller = || self.trace_frame(func, pc);
            crate::host::read_host_request(&self.linked, op, ty, (w, r), caller)
        }
    }

    /// Writes the host's reply to request `pc` of function `func` into its frame.
    ///
    /// # Safety
    /// As [`NativeInstance::read_host_request`].
    pub unsafe fn write_host_reply(
        &mut self,
        func: u32,
        pc: u32,
        words: *mut u64,
        refs: *mut RefSlot,
        reply: Value,
    ) -> Result<(), String> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let (op, ty, s, r) = self.host_operands(func, pc)?;
            let (nw, nr) = crate::host::host_window(&self.linked, op, ty)?;
            let w = std::slice::from_raw_parts_mut(words.add(s), nw);
            let r = std::slice::from_raw_parts_mut(slots(refs).add(r), nr);
            crate::host::write_host_reply(&self.linked, op, ty, w, r, reply)
        }
    }

    /// The operands of host request `pc` of function `func`.
    fn host_operands(
        &self,
        func: u32,
        pc: u32,
    ) -> Result<(Intrinsic, TypeId, usize, usize), String> {
        match self.linked.m.functions[func as usize].code[pc as usize] {
            Inst::Intrinsic { op, ty, s, r } => Ok((op, ty, s.0 as usize, r.0 as usize)),
            _ => Err("internal error: not a host request".into()),
        }
    }

    /// The trace frame of instruction `pc` of function `func`.
    fn trace_frame(&self, func: u32, pc: u32) -> crate::TraceFrame {
        let m = &self.linked.m;
        let f = &m.functions[func as usize];
        let (line, col) = f.line_of(pc).unwrap_or((0, 0));
        crate::TraceFrame {
            function: f.name.clone(),
            file: m.source.clone(),
            line,
            col,
        }
    }

    /// Runs instruction `pc` of function `func` on the frame `words`/`refs`, with the
    /// interpreter's code (`Err` holds a panic's message, as the interpreter reports it).
    ///
    /// # Safety
    /// `func` and `pc` name an instruction of this module for which
    /// `inst.runtime_role()` is `RuntimeRole::ExecOne`; `words` and `refs` point at that function's frame
    /// (`scalar_regs` words, `ref_regs` slots) holding its registers.
    pub unsafe fn exec_one(
        &mut self,
        func: u32,
        pc: u32,
        words: *mut u64,
        refs: *mut RefSlot,
    ) -> Result<(), String> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let info = *self.linked.funcs.get_unchecked(func as usize);
            let inst = *info.code.add(pc as usize);
            self.run_inst(&info, inst, words, slots(refs))
        }
    }

    /// Runs `inst` of the function `info` on its frame (see [`NativeInstance::exec_one`]).
    unsafe fn run_inst(
        &mut self,
        info: &FuncInfo,
        inst: Inst,
        s: *mut u64,
        r: *mut Option<Obj>,
    ) -> Result<(), String> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let lm = &self.linked;
            let gw = self.globals.words.as_mut_ptr();
            let gr = self.globals.refs.as_mut_ptr();
            match inst {
                Inst::MovR { dst, src } => ops::mov_r(r, dst, src),
                Inst::TakeR { dst, src } => ops::take_r(r, dst, src),
                Inst::ClearR { dst } => ops::clear_r(r, dst),
                Inst::LoadStr { dst, k } => ops::load_str(lm, r, dst, k.0),
                Inst::Panic { msg } => return Err(ops::panic_text(r, msg)),
                Inst::Intrinsic {
                    op,
                    ty,
                    s: ws,
                    r: wr,
                } => {
                    if op == Intrinsic::Exit {
                        let exit_code = *s.add(ws.0 as usize) as i32;
                        if cfg!(feature = "fuzzing") {
                            return Err(format!("exit({exit_code})"));
                        }
                        let _ = self.out.flush();
                        std::process::exit(exit_code);
                    }
                    if is_host_intrinsic(op) {
                        return Err(internal("host intrinsic in native code"));
                    }
                    ops::intrinsic(lm, &mut *self.out, s, r, op, ty, ws, wr)?;
                }
                Inst::LoadG { dst, g } => *s.add(dst.0 as usize) = *gw.add(g.0 as usize),
                Inst::StoreG { g, src } => *gw.add(g.0 as usize) = *s.add(src.0 as usize),
                Inst::LoadGR { dst, g } => ops::load_gr(gr, r, dst, g.0),
                Inst::TakeGR { dst, g } => ops::take_gr(gr, r, dst, g.0),
                Inst::StoreGR { g, src } => ops::store_gr(gr, r, g.0, src),
                Inst::StrConcat { dst, a, b } => ops::str_concat(r, dst, a, b)?,
                Inst::StrPush { a, b } => ops::str_push(r, a, b)?,
                Inst::StrEq { dst, a, b } => ops::str_eq(s, r, dst, a, b)?,
                Inst::StrCmp { dst, a, b } => ops::str_cmp(s, r, dst, a, b)?,
                Inst::StrLen { dst, a } => ops::str_len(s, r, dst, a)?,
                Inst::Format { dst, spec } => ops::format(lm, info, s, r, dst, spec.0)?,
                Inst::VecNew { dst, elem } => ops::vec_new(lm, r, dst, elem),
                Inst::VecLen { dst, v } => ops::vec_len(s, r, dst, v)?,
                Inst::VecLoadW { dst, v, idx, off } => ops::vec_load_w(s, r, dst, v, idx, off)?,
                Inst::VecStoreW { v, idx, off, src } => ops::vec_store_w(s, r, v, idx, off, src)?,
                Inst::VecLoadR { dst, v, idx, off } => ops::vec_load_r(s, r, dst, v, idx, off)?,
                Inst::VecStoreR { v, idx, off, src } => ops::vec_store_r(s, r, v, idx, off, src)?,
                Inst::VecLoadB { dst, v, idx } => ops::vec_load_b(s, r, dst, v, idx)?,
                Inst::VecStoreB { v, idx, src } => ops::vec_store_b(s, r, v, idx, src)?,
                Inst::VecPush { v, s: ws, r: wr } => ops::vec_push(info, s, r, v, ws, wr)?,
                Inst::MapNew { dst, ty } => ops::map_new(lm, r, dst, ty),
                Inst::DynNew { dst, src, imp } => ops::dyn_new(lm, r, dst, src, imp.0),
                Inst::DynLoad { dst, obj } => ops::dyn_payload(r, dst, obj, false)?,
                Inst::DynTake { dst, obj } => ops::dyn_payload(r, dst, obj, true)?,
                Inst::DynPut { obj, src } => ops::dyn_put(r, obj, src)?,
                other => return Err(internal(format!("{other:?} is not run by exec_one"))),
            }
            Ok(())
        }
    }

    /// Runs a temporary reference's single use without making the temporary: `load`
    /// (`VecLoadR` of a vector element or `MovR` of another register, into the
    /// temporary) and `reader` (its one use) as one step, the reader seeing the object
    /// borrowed from where it lives, so its count is not touched (two atomic operations
    /// saved per use: most of the cost of `s.push_str(words[i])` or `m.get(k)` in a
    /// loop). The temporary is left empty, as the `ClearR` that ends its life would.
    /// `Err` holds the pc that failed (the load or the reader) and the message.
    ///
    /// The reader is `StrPush` onto another string, `StrLen`, `StrEq`, `StrCmp`, or
    /// `MapGet` of a map whose values hold no references (`Intrinsic MapGet`'s window
    /// starts at the temporary).
    ///
    /// # Safety
    /// As [`NativeInstance::exec_one`] for `load` and `reader`; the instructions between
    /// them (if any) change no reference register; the temporary is not the register
    /// the object is borrowed from, and the reader does not write that register.
    pub unsafe fn exec_borrowed(
        &mut self,
        func: u32,
        load: u32,
        reader: u32,
        words: *mut u64,
        refs: *mut RefSlot,
    ) -> Result<(), (u32, String)> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let info = *self.linked.funcs.get_unchecked(func as usize);
            let (s, r) = (words, slots(refs));
            let (origin, temp) = match *info.code.add(load as usize) {
                Inst::VecLoadR { dst, v, idx, off } => (
                    ops::vec_elem_r(s, r, v, idx, off).map_err(|e| (load, e))?,
                    dst,
                ),
                Inst::MovR { dst, src } => (r.add(src.0 as usize).cast_const(), dst),
                other => return Err((load, internal(format!("{other:?} does not borrow")))),
            };
            // The temporary's old value goes, as the load would have dropped it.
            *r.add(temp.0 as usize) = None;
            let outcome = match *info.code.add(reader as usize) {
                Inst::Intrinsic {
                    op: Intrinsic::MapGet,
                    ty,
                    s: ws,
                    r: wr,
                } if wr == temp => {
                    self.map_get_borrowed(&*origin, ty, s.add(ws.0 as usize), r.add(wr.0 as usize))
                }
                Inst::StrPush { a, .. } => ops::str_push_from(r, a, origin),
                inst @ (Inst::StrLen { .. } | Inst::StrEq { .. } | Inst::StrCmp { .. }) => {
                    // The temporary holds an uncounted copy while the reader runs, and is
                    // emptied without a release after.
                    std::ptr::write(r.add(temp.0 as usize), std::ptr::read(origin));
                    let outcome = self.run_inst(&info, inst, s, r);
                    std::ptr::write(r.add(temp.0 as usize), None);
                    outcome
                }
                other => Err(internal(format!("{other:?} is not a borrowing reader"))),
            };
            outcome.map_err(|e| (reader, e))
        }
    }

    /// `Intrinsic MapGet` on a borrowed map, leaving the window as `ops::intrinsic` does.
    unsafe fn map_get_borrowed(
        &mut self,
        map: &Option<Obj>,
        ty: TypeId,
        s: *mut u64,
        r: *mut Option<Obj>,
    ) -> Result<(), String> {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe {
            let t = self.linked.types();
            let (args, res) =
                dast_bytecode::intrinsic_window_with(Intrinsic::MapGet, ty, t.types, |x| {
                    t.layout(x)
                })?;
            let w = std::slice::from_raw_parts_mut(s, args.words.max(res.words) as usize);
            let rw = std::slice::from_raw_parts_mut(r, args.refs.max(res.refs) as usize);
            crate::intrinsics::map_get_from(t, ty, map, w, rw)?;
            for x in &mut rw[res.refs as usize..] {
                *x = None;
            }
            Ok(())
        }
    }

    /// Writes host values as function `func`'s parameters: words into `words`, references
    /// into the slots at `refs` (which must be empty and at least the parameters' count).
    pub fn write_args(
        &self,
        func: u32,
        args: &[Value],
        words: &mut Vec<u64>,
        refs: &mut [RefSlot],
    ) -> Result<(), String> {
        let lm = &self.linked;
        let f = &lm.m.functions[func as usize];
        if args.len() != f.sig.params.len() {
            return Err(format!(
                "`{}` takes {} arguments but {} were given",
                f.name,
                f.sig.params.len(),
                args.len()
            ));
        }
        let t = lm.types();
        let mut r = 0usize;
        for (i, (ty, v)) in f.sig.params.iter().zip(args).enumerate() {
            let l = t.layout(*ty);
            let w = words.len();
            words.resize(w + l.words as usize, 0);
            let nr = r + l.refs as usize;
            let Some(slots) = refs.get_mut(r..nr) else {
                return Err("too many references in the arguments".to_string());
            };
            // SAFETY: `RefSlot` is `repr(transparent)` over `Option<Obj>`.
            let slots: &mut [Option<Obj>] = unsafe { &mut *(slots as *mut [RefSlot] as *mut _) };
            from_value(t, *ty, v, &mut words[w..], slots)
                .map_err(|e| format!("argument {} of `{}`: {e}", i + 1, f.name))?;
            r = nr;
        }
        Ok(())
    }

    /// Function `func`'s return value from its result words and slots (the slots are
    /// left as they are).
    pub fn read_result(&self, func: u32, words: &[u64], refs: &[RefSlot]) -> Result<Value, String> {
        let lm = &self.linked;
        let ret: TypeId = lm.m.functions[func as usize].sig.ret;
        // SAFETY: as in `write_args`.
        let slots: &[Option<Obj>] = unsafe { &*(refs as *const [RefSlot] as *const _) };
        to_value(lm.types(), ret, (words, slots), 0)
    }
}

#[cfg(test)]
mod map_entry_tests {
    use super::*;
    use crate::heap::MapObj;

    /// A word map with room for more entries (so inserting needs no growth, which
    /// this path leaves to `exec_one` once a heap limit exists in the process).
    fn roomy_word_map() -> Option<Obj> {
        let mut map = MapObj::new(Layout::WORD, Layout::WORD);
        let (_, new) = map.insert_key(&KeyRef::Word(1));
        assert!(new);
        map.vwords.push(10);
        assert!(!map.insert_may_grow());
        Some(Obj::new(HeapObj::Map(Box::new(map))))
    }

    #[test]
    fn word_map_entries_insert_replace_and_find() {
        let mut slot = roomy_word_map();
        let p: *mut RefSlot = (&mut slot as *mut Option<Obj>).cast();
        // SAFETY: `p` is a live slot used by nothing else during the block.
        unsafe {
            let r = map_insert_word(p, 5, 50);
            assert_eq!((r.status, r.old), (0, 0));
            let r = map_insert_word(p, 5, 51);
            assert_eq!((r.status, r.old), (1, 50));
            assert_eq!(*map_find_word(p, 5, 1), 51);
            assert!(map_find_word(p, 6, 1).is_null());
            assert_eq!(map_find_word(p, 5, 2) as usize, NOT_HANDLED);
            let mut string: Option<Obj> = Some(Obj::string("map?".into()));
            let q: *mut RefSlot = (&mut string as *mut Option<Obj>).cast();
            assert_eq!(map_insert_word(q, 1, 2).status, INSERT_NOT_HANDLED);
            assert_eq!(map_find_word(q, 1, 1) as usize, NOT_HANDLED);
        }
    }

    #[test]
    fn with_a_heap_limit_a_growing_insert_is_left_to_the_interpreter() {
        crate::meter::start_metering();
        let mut slot: Option<Obj> = Some(Obj::new(HeapObj::Map(Box::new(MapObj::new(
            Layout::WORD,
            Layout::WORD,
        )))));
        let p: *mut RefSlot = (&mut slot as *mut Option<Obj>).cast();
        // SAFETY: `p` is a live slot used by nothing else during the block.
        unsafe {
            assert_eq!(map_insert_word(p, 5, 50).status, INSERT_NOT_HANDLED);
        }
        let mut roomy = roomy_word_map();
        let shared = roomy.clone();
        let q: *mut RefSlot = (&mut roomy as *mut Option<Obj>).cast();
        // SAFETY: as above; the map is shared with `shared` (a copy would allocate).
        unsafe {
            assert_eq!(map_insert_word(q, 5, 50).status, INSERT_NOT_HANDLED);
        }
        drop(shared);
    }
}
