//! Inline machine code for the hottest heap instructions, with the runtime's `exec_one`
//! as the slow path.
//!
//! | instruction            | fast path (machine code)                          | slow path (`exec_one`)            |
//! |------------------------|---------------------------------------------------|-----------------------------------|
//! | `VecLen`               | a vector in the register                          | empty register, not a vector      |
//! | `VecLoadW`/`VecStoreW` | a word vector, `idx < len`, `off < wpe`           | those failing, or a shared vector (store) |
//! | `VecLoadB`/`VecStoreB` | a byte vector (`bool`/`u8`/`i8`), `idx < len`     | those failing, or a shared vector (store) |
//! | `MovR`/`TakeR`         | the destination register empty                    | it holds something (to release)   |
//! | `ClearR`               | empty, or not the last reference                  | the last reference (to free)      |
//!
//! A load's slow path is taken only when the interpreter's instruction fails (its checks
//! are exactly the fast path's, negated), so `exec_one` records the interpreter's panic
//! message and trace and the code after it is unreachable. A store's slow path also
//! runs for a shared vector, where `exec_one` copies it first (copy-on-write: values
//! stay values) and the code continues. Only the slow path writes scalar registers to
//! the frame in memory; the fast paths keep them in Cranelift variables.
//!
//! Heap objects are read through the offsets of [`dast_abi::heap`] (see its
//! layout contract).
//!
//! # What a block knows ([`HeapCache`])
//! Within a bytecode basic block, what a vector register holds does not change unless an
//! instruction names it, so the first access loads the object's pointer, length and
//! data pointer and checks them; later accesses reuse them (and reuse a bounds-checked
//! element address per index value, and a count found to be one for stores). The
//! knowledge is dropped at a block with several predecessors and at any instruction
//! that is neither scalar nor one of these (calls, pushes, intrinsics: anything that
//! may reallocate, share or replace a vector). A block entered only by falling through
//! from the previous one keeps it (its values dominate the block).

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{F64, I32, I64, I8};
use cranelift_codegen::ir::{AtomicRmwOp, Block, BlockArg, InstBuilder, TrapCode, Value};
use cranelift_frontend::Variable;
use dast_abi::heap as layout;
use dast_bytecode::{is_terminator, Inst, R, S};

mod flow;
mod maps;
mod pop;
mod push;
mod strings;

pub(super) use maps::word_map_values;
pub(super) use pop::pops_one_word;
pub(super) use strings::Tail;

use super::{trusted, Translator};
use crate::subset::{is_global_word, is_scalar};
use dast_abi::{table_offset, REF_SLOT_BYTES};

/// What the current bytecode block knows about its vector registers.
pub(super) struct HeapCache {
    /// Per pc: a block entered only by falling through from `pc - 1`.
    fall_through_only: Vec<bool>,
    /// Per block leader: the registers known on every path into it (`flow.rs`).
    entry_facts: Vec<Option<flow::FactMap>>,
    /// Per block end: what to establish there for the loops it enters (`flow.rs`).
    upgrades: Vec<Option<Vec<(u16, flow::Upgrade)>>>,
    /// The block leader whose entry was last handled (`heap_before` may run twice on a
    /// block's first instruction: for its block end, then for itself).
    entered: Option<u32>,
    /// Known registers whose fields are in SSA values of this block.
    views: HashMap<u16, VecView>,
    /// Known registers whose fields are still only in their variables.
    inherited: HashMap<u16, flow::Facts>,
    /// Each register's fields as Cranelift variables, defined wherever they are read
    /// and checked, so later blocks can use them.
    vars: HashMap<u16, ViewVars>,
}

impl HeapCache {
    pub(super) fn new(code: &[Inst]) -> HeapCache {
        let flow = flow::analyze(code, &super::find_leaders(code));
        HeapCache {
            fall_through_only: fall_through_only(code),
            entry_facts: flow.entry,
            upgrades: flow.upgrades,
            entered: None,
            views: HashMap::new(),
            inherited: HashMap::new(),
            vars: HashMap::new(),
        }
    }

    fn forget(&mut self, r: u16) {
        self.views.remove(&r);
        self.inherited.remove(&r);
    }

    fn forget_all(&mut self) {
        self.views.clear();
        self.inherited.clear();
    }
}

/// The variables holding a register's [`VecView`] fields.
#[derive(Clone, Copy)]
struct ViewVars {
    obj: Variable,
    len: Variable,
    words_data: Variable,
    wpe: Variable,
    stride: Variable,
    bytes_data: Variable,
    is_i8: Variable,
}

/// A vector register's object as loaded and checked in this block.
#[derive(Clone)]
struct VecView {
    /// The object (`Inner`) pointer: non-null, tagged vector.
    obj: Value,
    len: Value,
    /// The count was found to be one (or a store's slow path made it so).
    unique: bool,
    words: Option<WordsView>,
    bytes: Option<BytesView>,
}

#[derive(Clone)]
struct WordsView {
    data: Value,
    /// Words per element.
    wpe: Value,
    /// Bytes per element.
    stride: Value,
    /// Every offset below this is known to be `< wpe`.
    checked_offsets: u32,
    /// Index value -> element address, for indices known to be `< len`.
    elems: HashMap<Value, Value>,
}

#[derive(Clone)]
struct BytesView {
    data: Value,
    /// The kind is `i8` (bytes read back sign-extended).
    is_i8: Value,
    elems: HashMap<Value, Value>,
}

/// The slow-path block of one instruction, created at its first use.
#[derive(Default)]
struct Slow(Option<Block>);

/// Which element storage an access uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Storage {
    Words { off: u16 },
    Bytes,
}

/// Whether the block at each pc is entered only by falling through from `pc - 1`.
fn fall_through_only(code: &[Inst]) -> Vec<bool> {
    let falls = |inst: &Inst| !is_terminator(inst);
    let mut preds = vec![0u32; code.len()];
    for (pc, inst) in code.iter().enumerate() {
        if let Some(target) = inst.target() {
            preds[target as usize] += 1;
        }
        if falls(inst) && pc + 1 < code.len() {
            preds[pc + 1] += 1;
        }
    }
    (0..code.len())
        .map(|pc| pc > 0 && preds[pc] == 1 && falls(&code[pc - 1]))
        .collect()
}

/// The instructions the fast paths translate (see the module documentation).
pub(super) fn has_fast_path(inst: &Inst) -> bool {
    use Inst::*;
    matches!(
        inst,
        VecLen { .. }
            | VecLoadW { .. }
            | VecStoreW { .. }
            | VecLoadB { .. }
            | VecStoreB { .. }
            | MovR { .. }
            | TakeR { .. }
            | ClearR { .. }
            | DynLoad { .. }
    )
}

/// Instructions that leave every reference register and heap object as it is.
pub(super) fn keeps_heap(inst: &Inst) -> bool {
    (is_scalar(inst) && !matches!(inst, Inst::Call { .. } | Inst::CallImport { .. }))
        || is_global_word(inst)
}

impl Translator<'_, '_> {
    /// Called before each instruction: forgets what the block knew when a new block
    /// with other predecessors starts or when `inst` may change the heap (the fast-path
    /// instructions keep their own records).
    pub(super) fn heap_before(&mut self, pc: u32, inst: &Inst) {
        self.heap_enter(pc);
        if !keeps_heap(inst) && !has_fast_path(inst) {
            self.heap.forget_all();
        }
    }

    /// At a block's first instruction: what the block knows on entry (once per block).
    fn heap_enter(&mut self, pc: u32) {
        let new_block = self.leaders[pc as usize].is_some() && self.heap.entered != Some(pc);
        if new_block {
            self.heap.entered = Some(pc);
        }
        if new_block && !self.heap.fall_through_only[pc as usize] {
            self.heap.forget_all();
            if let Some(facts) = &self.heap.entry_facts[pc as usize] {
                self.heap.inherited = facts.iter().map(|(&r, &f)| (r, f)).collect();
            }
        }
    }

    /// At the end of the block whose last instruction is at `pc`: establishes what the
    /// loops it enters were promised (`flow::Flow::upgrades`). Runs before that
    /// instruction when it is a branch (which leaves the heap alone), after it
    /// otherwise.
    pub(super) fn heap_block_end(&mut self, pc: u32) {
        let Some(list) = self.heap.upgrades[pc as usize].clone() else {
            return;
        };
        // The instruction at `pc` may begin its block: take the block's entry first.
        self.heap_enter(pc);
        for (r, up) in list {
            let Some(mut view) = self.known(r) else {
                unreachable!("flow.rs promised r{r} known at pc {pc}")
            };
            if up.words && view.words.is_none() {
                view.words = Some(self.words_fields(view.obj));
                self.record_view(r, view.clone());
            }
            if up.unique && !view.unique {
                self.establish_unique(R(r), view);
            }
        }
    }

    /// Makes the vector in `v` unique before a loop that stores into it: the count
    /// checked, and a shared vector copied by the runtime (`unshare`), its fields read
    /// again.
    fn establish_unique(&mut self, v: R, view: VecView) {
        let known = view_values_of(&view);
        let (unique_block, params) = self.branch_on_count(view.obj, &known);
        let slot = self.slot_address(v);
        let sig = self.runtime_sig(&[I64]);
        self.call_runtime(table_offset::UNSHARE, sig, &[slot]);
        let reloaded = self.reload_fields(v, &view);
        let args: Vec<BlockArg> = reloaded.iter().map(|&x| BlockArg::Value(x)).collect();
        self.b.ins().jump(unique_block, &args);
        self.b.seal_block(unique_block);
        self.b.switch_to_block(unique_block);

        let mut view = view_from_fields(&view, &params);
        view.unique = true;
        self.record_view(v.0, view);
    }

    /// Forgets what the block knew of every register's object.
    pub(super) fn heap_forget_all(&mut self) {
        self.heap.forget_all();
    }

    /// Records what is now known about register `r`, in the block's map and in the
    /// register's variables.
    fn record_view(&mut self, r: u16, view: VecView) {
        let vars = self.view_vars(r);
        self.b.def_var(vars.obj, view.obj);
        self.b.def_var(vars.len, view.len);
        if let Some(w) = &view.words {
            self.b.def_var(vars.words_data, w.data);
            self.b.def_var(vars.wpe, w.wpe);
            self.b.def_var(vars.stride, w.stride);
        }
        if let Some(b) = &view.bytes {
            self.b.def_var(vars.bytes_data, b.data);
            self.b.def_var(vars.is_i8, b.is_i8);
        }
        self.heap.inherited.remove(&r);
        self.heap.views.insert(r, view);
    }

    fn view_vars(&mut self, r: u16) -> ViewVars {
        if let Some(&vars) = self.heap.vars.get(&r) {
            return vars;
        }
        let mut var = |ty| self.b.declare_var(ty);
        let vars = ViewVars {
            obj: var(I64),
            len: var(I64),
            words_data: var(I64),
            wpe: var(I64),
            stride: var(I64),
            bytes_data: var(I64),
            is_i8: var(I8),
        };
        self.heap.vars.insert(r, vars);
        vars
    }

    /// What the block knows about register `r`, reading inherited fields from their
    /// variables at the first use in the block.
    fn known(&mut self, r: u16) -> Option<VecView> {
        if let Some(view) = self.heap.views.get(&r) {
            return Some(view.clone());
        }
        let facts = self.heap.inherited.remove(&r)?;
        let vars = self.heap.vars[&r];
        let words = facts.words.then(|| WordsView {
            data: self.b.use_var(vars.words_data),
            wpe: self.b.use_var(vars.wpe),
            stride: self.b.use_var(vars.stride),
            checked_offsets: facts.checked,
            elems: HashMap::new(),
        });
        let bytes = facts.bytes.then(|| BytesView {
            data: self.b.use_var(vars.bytes_data),
            is_i8: self.b.use_var(vars.is_i8),
            elems: HashMap::new(),
        });
        let view = VecView {
            obj: self.b.use_var(vars.obj),
            len: self.b.use_var(vars.len),
            unique: facts.unique,
            words,
            bytes,
        };
        self.heap.views.insert(r, view.clone());
        Some(view)
    }

    /// Translates an instruction for which [`has_fast_path`] holds.
    pub(super) fn heap_inst(&mut self, pc: u32, inst: Inst) {
        use Inst::*;
        match inst {
            VecLen { dst, v } => self.vec_len(pc, inst, dst, v),
            VecLoadW { dst, v, idx, off } => {
                self.vec_load(pc, inst, dst, v, idx, Storage::Words { off })
            }
            VecLoadB { dst, v, idx } => self.vec_load(pc, inst, dst, v, idx, Storage::Bytes),
            VecStoreW { v, idx, off, src } => {
                self.vec_store(pc, inst, v, idx, Storage::Words { off }, src)
            }
            VecStoreB { v, idx, src } => self.vec_store(pc, inst, v, idx, Storage::Bytes, src),
            MovR { dst, src } => self.mov_r(pc, inst, dst, src),
            TakeR { dst, src } => self.take_r(pc, inst, dst, src),
            ClearR { dst } => self.clear_r(pc, inst, dst),
            DynLoad { dst, obj } => self.dyn_load(pc, inst, dst, obj),
            other => unreachable!("no fast path for {other:?}"),
        }
    }

    // ---- control flow of a fast path ----

    /// Continues in a new block when `ok` is non-zero; branches to the slow path
    /// otherwise.
    fn guard(&mut self, ok: Value, slow: &mut Slow) {
        let slow_block = self.slow_block(slow);
        let next = self.b.create_block();
        self.b.ins().brif(ok, next, &[], slow_block, &[]);
        self.b.seal_block(next);
        self.b.switch_to_block(next);
    }

    /// Continues when the object at `obj` (not null) has tag `tag`.
    fn guard_tag(&mut self, obj: Value, tag: u8, slow: &mut Slow) {
        let found = self.b.ins().uload8(I64, trusted(), obj, layout::TAG);
        let ok = self.b.ins().icmp_imm_s(IntCC::Equal, found, i64::from(tag));
        self.guard(ok, slow);
    }

    /// Branches on the count of `obj`: when it is one, to a new block that takes
    /// `known` as its parameters (returned with them, to be switched to later); when
    /// not, to a new cold block, which becomes the current one.
    fn branch_on_count(&mut self, obj: Value, known: &[Value]) -> (Block, Vec<Value>) {
        let unique_block = self.b.create_block();
        let params: Vec<Value> = known
            .iter()
            .map(|&x| {
                let ty = self.b.func.dfg.value_type(x);
                self.b.append_block_param(unique_block, ty)
            })
            .collect();
        let copy = self.b.create_block();
        self.b.set_cold_block(copy);
        let count_at = self.b.ins().iadd_imm_s(obj, i64::from(layout::COUNT));
        let count = self.b.ins().atomic_load(I64, trusted(), count_at);
        let unique = self.b.ins().icmp_imm_s(IntCC::Equal, count, 1);
        let args: Vec<BlockArg> = known.iter().map(|&x| BlockArg::Value(x)).collect();
        self.b.ins().brif(unique, unique_block, &args, copy, &[]);
        self.b.seal_block(copy);
        self.b.switch_to_block(copy);
        (unique_block, params)
    }

    /// Runs `slow_path` in the cold block `slow` (the fast path having ended with a
    /// jump to `done`), then continues at `done`, which both paths now reach.
    fn run_slow_then_join(&mut self, slow: Block, done: Block, slow_path: impl FnOnce(&mut Self)) {
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        slow_path(self);
        let resumed = self.b.current_block().expect("the slow path continues");
        self.b.set_cold_block(resumed);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
    }

    /// The object in register `r`, after checking that there is one, that its tag is
    /// `tag` and that its count is one (so it may be changed in place).
    fn unique_object(&mut self, r: R, tag: u8, slow: &mut Slow) -> Value {
        let obj = self.load_slot(r);
        self.guard(obj, slow);
        self.guard_tag(obj, tag, slow);
        let count_at = self.b.ins().iadd_imm_s(obj, i64::from(layout::COUNT));
        let count = self.b.ins().atomic_load(I64, trusted(), count_at);
        let unique = self.b.ins().icmp_imm_s(IntCC::Equal, count, 1);
        self.guard(unique, slow);
        obj
    }

    /// The slow-path block, created now if no check made it yet.
    fn slow_block(&mut self, slow: &mut Slow) -> Block {
        *slow.0.get_or_insert_with(|| {
            let block = self.b.create_block();
            self.b.set_cold_block(block);
            block
        })
    }

    /// Ends a fast path: the slow block (if a check made one) runs the instruction
    /// through `exec_one`, then everything continues at `done`, which becomes current.
    fn slow_path_then(&mut self, pc: u32, inst: Inst, mut slow: Slow, done: Block) {
        let slow_block = self.slow_block(&mut slow);
        self.b.seal_block(slow_block);
        self.b.switch_to_block(slow_block);
        self.cold_exec_one(pc, inst);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
    }

    /// Ends an instruction whose slow path always fails: the slow block runs the
    /// instruction through `exec_one`, which records the interpreter's panic; the code
    /// after it is unreachable (a fast-path check let through what the interpreter
    /// accepts).
    fn finish_failing(&mut self, pc: u32, inst: Inst, slow: Slow) {
        let Some(slow_block) = slow.0 else { return };
        let cont = self.b.create_block();
        self.b.ins().jump(cont, &[]);
        self.b.seal_block(slow_block);
        self.b.switch_to_block(slow_block);
        self.cold_exec_one(pc, inst);
        self.b.ins().trap(TrapCode::unwrap_user(1));
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    /// Ends an instruction whose slow path continues: both paths meet in a new block.
    fn finish_joining(&mut self, pc: u32, inst: Inst, slow: Slow) {
        self.finish_joining_with(slow, |t| t.cold_exec_one(pc, inst));
    }

    /// Ends a fast path whose slow path (if any check made one) runs `slow_path` and
    /// continues: both paths meet in a new block.
    fn finish_joining_with(&mut self, slow: Slow, slow_path: impl FnOnce(&mut Self)) {
        let Some(slow_block) = slow.0 else { return };
        let cont = self.b.create_block();
        self.b.ins().jump(cont, &[]);
        self.run_slow_then_join(slow_block, cont, slow_path);
    }

    // ---- reading vectors ----

    fn slot_offset(r: R) -> i32 {
        (r.0 as i64 * REF_SLOT_BYTES) as i32
    }

    /// The address of reference register `r`'s slot in this frame.
    fn slot_address(&mut self, r: R) -> Value {
        self.b
            .ins()
            .iadd_imm_s(self.refs, i64::from(Self::slot_offset(r)))
    }

    fn load_slot(&mut self, r: R) -> Value {
        self.b
            .ins()
            .load(I64, trusted(), self.refs, Self::slot_offset(r))
    }

    fn store_slot(&mut self, r: R, obj: Value) {
        self.b
            .ins()
            .store(trusted(), obj, self.refs, Self::slot_offset(r));
    }

    /// The vector in register `v`: loaded and checked (not empty, a vector) at its first
    /// use in the block.
    fn view(&mut self, v: R, slow: &mut Slow) -> VecView {
        if let Some(view) = self.known(v.0) {
            return view;
        }
        let obj = self.load_slot(v);
        self.guard(obj, slow);
        let tag = self.b.ins().uload8(I64, trusted(), obj, layout::TAG);
        let is_vec = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, tag, layout::TAG_VEC as i64);
        self.guard(is_vec, slow);
        let len = self.b.ins().load(I64, trusted(), obj, layout::VEC_LEN);
        let view = VecView {
            obj,
            len,
            unique: false,
            words: None,
            bytes: None,
        };
        self.record_view(v.0, view.clone());
        view
    }

    fn words_fields(&mut self, obj: Value) -> WordsView {
        let wpe = self.b.ins().uload32(trusted(), obj, layout::VEC_WPE);
        let stride = self.b.ins().ishl_imm_u(wpe, 3);
        let data = self
            .b
            .ins()
            .load(I64, trusted(), obj, layout::VEC_WORDS.ptr);
        WordsView {
            data,
            wpe,
            stride,
            checked_offsets: 0,
            elems: HashMap::new(),
        }
    }

    fn bytes_fields(&mut self, obj: Value) -> BytesView {
        let kind = self.b.ins().uload8(I64, trusted(), obj, layout::VEC_KIND);
        let is_i8 = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, kind, layout::KIND_I8 as i64);
        let data = self
            .b
            .ins()
            .load(I64, trusted(), obj, layout::VEC_BYTES.ptr);
        BytesView {
            data,
            is_i8,
            elems: HashMap::new(),
        }
    }

    /// The address of element `i` of the vector in `v` (word `0` of it for words), after
    /// checking the storage kind, `off < wpe` and `i < len` (each once per block).
    fn element(&mut self, v: R, i: Value, storage: Storage, slow: &mut Slow) -> Value {
        let mut view = self.view(v, slow);
        let (data, stride) = match storage {
            Storage::Words { off } => {
                let mut words = match view.words.take() {
                    Some(words) => words,
                    None => self.words_fields(view.obj),
                };
                if u32::from(off) >= words.checked_offsets {
                    let fits = self.b.ins().icmp_imm_s(
                        IntCC::UnsignedGreaterThan,
                        words.wpe,
                        i64::from(off),
                    );
                    self.guard(fits, slow);
                    words.checked_offsets = u32::from(off) + 1;
                }
                if let Some(&at) = words.elems.get(&i) {
                    view.words = Some(words);
                    self.record_view(v.0, view);
                    return at;
                }
                let r = (words.data, Some(words.stride));
                view.words = Some(words);
                r
            }
            Storage::Bytes => {
                let bytes = match view.bytes.take() {
                    Some(bytes) => bytes,
                    None => {
                        let kind = self
                            .b
                            .ins()
                            .uload8(I64, trusted(), view.obj, layout::VEC_KIND);
                        let is_bytes = self.b.ins().icmp_imm_s(
                            IntCC::NotEqual,
                            kind,
                            layout::KIND_WORDS as i64,
                        );
                        self.guard(is_bytes, slow);
                        self.bytes_fields(view.obj)
                    }
                };
                if let Some(&at) = bytes.elems.get(&i) {
                    view.bytes = Some(bytes);
                    self.record_view(v.0, view);
                    return at;
                }
                let r = (bytes.data, None);
                view.bytes = Some(bytes);
                r
            }
        };
        let in_bounds = self.b.ins().icmp(IntCC::UnsignedLessThan, i, view.len);
        self.guard(in_bounds, slow);
        let at = self.element_address(data, stride, i);
        match storage {
            Storage::Words { .. } => view.words.as_mut().map(|w| w.elems.insert(i, at)),
            Storage::Bytes => view.bytes.as_mut().map(|b| b.elems.insert(i, at)),
        };
        self.record_view(v.0, view);
        at
    }

    /// An index register's value, as the key of known element addresses: aliases
    /// resolved (reading a variable after a merge may give an alias of the same value).
    fn index(&mut self, idx: S) -> Value {
        let i = self.reg(idx);
        self.b.func.dfg.resolve_aliases(i)
    }

    fn element_address(&mut self, data: Value, stride: Option<Value>, i: Value) -> Value {
        let bytes = match stride {
            Some(stride) => self.b.ins().imul(i, stride),
            None => i,
        };
        self.b.ins().iadd(data, bytes)
    }

    // ---- the instructions ----

    /// `VecLen`: the length of the vector in `v`.
    fn vec_len(&mut self, pc: u32, inst: Inst, dst: S, v: R) {
        let mut slow = Slow::default();
        let view = self.view(v, &mut slow);
        self.set(dst, view.len);
        self.finish_failing(pc, inst, slow);
    }

    /// `VecLoadW`/`VecLoadB`: one word of an element, or a byte as the canonical word
    /// of its kind (`i8` sign-extended, `bool`/`u8` zero-extended).
    fn vec_load(&mut self, pc: u32, inst: Inst, dst: S, v: R, idx: S, storage: Storage) {
        let mut slow = Slow::default();
        let i = self.index(idx);
        let at = self.element(v, i, storage, &mut slow);
        let word = match storage {
            Storage::Words { off } if self.read_as_f64_next(pc, dst) => {
                let x = self.b.ins().load(F64, trusted(), at, i32::from(off) * 8);
                self.float_to_word(F64, x)
            }
            Storage::Words { off } => self.b.ins().load(I64, trusted(), at, i32::from(off) * 8),
            Storage::Bytes => {
                let is_i8 = self.heap.views[&v.0].bytes.as_ref().expect("bytes").is_i8;
                let byte = self.b.ins().uload8(I64, trusted(), at, 0);
                let narrow = self.b.ins().ireduce(I8, byte);
                let signed = self.b.ins().sextend(I64, narrow);
                self.b.ins().select(is_i8, signed, byte)
            }
        };
        self.set(dst, word);
        self.finish_failing(pc, inst, slow);
    }

    /// `VecStoreW`/`VecStoreB`: in place when the vector is not shared (its count is
    /// one). A shared one goes through `exec_one`, which copies it and stores into the
    /// copy; both paths then meet *before* the store's own instruction (which stores the
    /// same word again on that path), so the block after the store is dominated by it and
    /// pure values computed before the store are not computed again on each path (which
    /// Cranelift's code placement would otherwise do after a merge).
    fn vec_store(&mut self, pc: u32, inst: Inst, v: R, idx: S, storage: Storage, src: S) {
        let mut fail = Slow::default();
        let i = self.index(idx);
        let x = self.reg(src);
        // A float result is stored as the float: no move through an integer register.
        let x = match storage {
            Storage::Words { .. } => self.known_float(x, F64).unwrap_or(x),
            Storage::Bytes => x,
        };
        let mut at = self.element(v, i, storage, &mut fail);
        let view = self.heap.views[&v.0].clone();
        if !view.unique {
            at = self.make_unique(pc, inst, v, i, storage, view, at);
        }
        match storage {
            Storage::Words { off } => {
                self.b.ins().store(trusted(), x, at, i32::from(off) * 8);
            }
            Storage::Bytes => {
                self.b.ins().istore8(trusted(), x, at, 0);
            }
        }
        self.heap.views.get_mut(&v.0).expect("view").unique = true;
        self.finish_failing(pc, inst, fail);
    }

    /// Checks that the vector in `v` (`view`, its element `i` at `at`) is not shared; if
    /// it is, `exec_one` runs the store (copying the vector first). Continues in a block
    /// where the vector is unique and its fields known again; returns element `i`'s
    /// address there.
    #[allow(clippy::too_many_arguments)]
    fn make_unique(
        &mut self,
        pc: u32,
        inst: Inst,
        v: R,
        i: Value,
        storage: Storage,
        view: VecView,
        at: Value,
    ) -> Value {
        let known = view_values(&view, at);
        let (unique_block, params) = self.branch_on_count(view.obj, &known);
        self.cold_exec_one(pc, inst);
        // `exec_one` succeeded: `v` holds a unique vector and `i` is in bounds.
        let reloaded = self.reload_view(v, &view, storage, i);
        let args: Vec<BlockArg> = reloaded.iter().map(|&x| BlockArg::Value(x)).collect();
        self.b.ins().jump(unique_block, &args);
        self.b.seal_block(unique_block);
        self.b.switch_to_block(unique_block);

        let view = view_from_values(&view, storage, i, &params);
        self.record_view(v.0, view);
        *params.last().expect("element address")
    }

    /// `exec_one` from a cold block; its continuation (single predecessor) is sealed
    /// at once, so variables read after it resolve to the values they had before.
    fn cold_exec_one(&mut self, pc: u32, inst: Inst) {
        self.exec_one(pc, &inst);
        let cont = self
            .b
            .current_block()
            .expect("exec_one continues in a block");
        self.b.set_cold_block(cont);
        self.b.seal_block(cont);
    }

    /// The values [`view_values`] lists, loaded again from the register (no checks:
    /// the instruction just succeeded on it).
    fn reload_view(&mut self, v: R, shape: &VecView, storage: Storage, i: Value) -> Vec<Value> {
        let mut values = self.reload_fields(v, shape);
        let at = match storage {
            Storage::Words { .. } => {
                let (data, stride) = (values[2], values[4]);
                self.element_address(data, Some(stride), i)
            }
            Storage::Bytes => {
                let data = values[values.len() - 2];
                self.element_address(data, None, i)
            }
        };
        values.push(at);
        values
    }

    /// The values [`view_values_of`] lists, loaded again from the register (which holds
    /// a vector with the storages `shape` knows).
    fn reload_fields(&mut self, v: R, shape: &VecView) -> Vec<Value> {
        let obj = self.load_slot(v);
        let len = self.b.ins().load(I64, trusted(), obj, layout::VEC_LEN);
        let mut values = vec![obj, len];
        if shape.words.is_some() {
            let w = self.words_fields(obj);
            values.extend([w.data, w.wpe, w.stride]);
        }
        if shape.bytes.is_some() {
            let b = self.bytes_fields(obj);
            values.extend([b.data, b.is_i8]);
        }
        values
    }

    /// `MovR`: shares the object (count + 1) when the destination is empty (nothing to
    /// release); `exec_one` otherwise.
    fn mov_r(&mut self, pc: u32, inst: Inst, dst: R, src: R) {
        if dst == src {
            return; // the interpreter's `mov_r` does nothing either
        }
        let mut slow = Slow::default();
        let old = self.load_slot(dst);
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, old, 0);
        self.guard(empty, &mut slow);
        let obj = self.load_slot(src);
        let share = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(obj, share, &[], done, &[]);
        self.b.seal_block(share);
        self.b.switch_to_block(share);
        let count_at = self.b.ins().iadd_imm_s(obj, i64::from(layout::COUNT));
        let one = self.b.ins().iconst(I64, 1);
        self.b
            .ins()
            .atomic_rmw(I64, trusted(), AtomicRmwOp::Add, count_at, one);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        self.store_slot(dst, obj);
        self.finish_joining(pc, inst, slow);
        // Both registers now hold the same object, shared.
        self.heap.forget(dst.0);
        if let Some(mut view) = self.known(src.0) {
            view.unique = false;
            self.heap.views.insert(src.0, view.clone());
            self.record_view(dst.0, view);
        }
    }

    /// `DynLoad` (a method shim's first step): when the destination is empty and the
    /// object's value is in, a new reference to it (one count); `exec_one` otherwise
    /// (which reports what is wrong).
    fn dyn_load(&mut self, pc: u32, inst: Inst, dst: R, obj: R) {
        let mut slow = Slow::default();
        let old = self.load_slot(dst);
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, old, 0);
        self.guard(empty, &mut slow);
        let handle = self.load_slot(obj);
        let some = self.b.ins().icmp_imm_s(IntCC::NotEqual, handle, 0);
        self.guard(some, &mut slow);
        self.guard_tag(handle, dast_abi::heap::TAG_DYN, &mut slow);
        // Only the thread running the group's code moves a value in or out.
        let value = self
            .b
            .ins()
            .load(I64, trusted(), handle, dast_abi::heap::DYN_PAYLOAD);
        let some = self.b.ins().icmp_imm_s(IntCC::NotEqual, value, 0);
        self.guard(some, &mut slow);
        let count_at = self.b.ins().iadd_imm_s(value, i64::from(layout::COUNT));
        let one = self.b.ins().iconst(I64, 1);
        self.b
            .ins()
            .atomic_rmw(I64, trusted(), AtomicRmwOp::Add, count_at, one);
        self.store_slot(dst, value);
        self.finish_joining(pc, inst, slow);
        self.heap.forget(dst.0);
    }

    /// Releases reference slot `r` at a return: a count decrement, and the runtime's
    /// `clear_refs` for the last reference (its count put back to one first).
    pub(super) fn release_slot(&mut self, r: R) {
        self.release_with(r, |t| {
            let slot = t.b.ins().iadd_imm_s(t.refs, r.0 as i64 * REF_SLOT_BYTES);
            let n = t.b.ins().iconst(I32, 1);
            let sig = t.runtime_sig(&[I64, I32]);
            t.call_runtime(table_offset::CLEAR_REFS, sig, &[slot, n]);
        });
    }

    /// Empties reference slot `r`: nothing when it is empty, a count decrement when
    /// other references remain; for the last reference, `free` runs (cold) with the
    /// slot as it was and the count put back to one (the frame held the only
    /// reference: no other thread can see the count), and must release it.
    fn release_with(&mut self, r: R, free_last: impl FnOnce(&mut Self)) {
        let obj = self.load_slot(r);
        let held = self.b.create_block();
        let release = self.b.create_block();
        let free = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(free);
        self.b.ins().brif(obj, held, &[], done, &[]);
        self.b.seal_block(held);
        self.b.switch_to_block(held);
        let count_at = self.b.ins().iadd_imm_s(obj, i64::from(layout::COUNT));
        let one = self.b.ins().iconst(I64, 1);
        let before = self
            .b
            .ins()
            .atomic_rmw(I64, trusted(), AtomicRmwOp::Sub, count_at, one);
        let last = self.b.ins().icmp_imm_s(IntCC::Equal, before, 1);
        self.b.ins().brif(last, free, &[], release, &[]);
        self.b.seal_block(release);
        self.b.switch_to_block(release);
        let null = self.b.ins().iconst(I64, 0);
        self.store_slot(r, null);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(free);
        self.b.switch_to_block(free);
        self.b.ins().store(trusted(), one, count_at, 0);
        free_last(self);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
    }

    /// `TakeR`: moves the pointer when the destination is empty; `exec_one` otherwise.
    fn take_r(&mut self, pc: u32, inst: Inst, dst: R, src: R) {
        if dst == src {
            return; // taking a register into itself leaves it as it was
        }
        let mut slow = Slow::default();
        let old = self.load_slot(dst);
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, old, 0);
        self.guard(empty, &mut slow);
        let obj = self.load_slot(src);
        self.store_slot(dst, obj);
        let null = self.b.ins().iconst(I64, 0);
        self.store_slot(src, null);
        self.finish_joining(pc, inst, slow);
        // The object moved with what the block knows about it (its count unchanged).
        let moved = self.known(src.0);
        self.heap.forget(src.0);
        self.heap.forget(dst.0);
        if let Some(view) = moved {
            self.record_view(dst.0, view);
        }
    }

    /// `ClearR`: nothing for an empty register; a count decrement when other references
    /// remain; `exec_one` frees the last reference (the count is put back to one first,
    /// so `exec_one` finds the register as it was).
    fn clear_r(&mut self, pc: u32, inst: Inst, dst: R) {
        self.heap.forget(dst.0);
        self.release_with(dst, |t| t.cold_exec_one(pc, inst));
    }
}

/// A view's values: the object, its length, then the fields of its storages.
fn view_values_of(view: &VecView) -> Vec<Value> {
    let mut values = vec![view.obj, view.len];
    if let Some(w) = &view.words {
        values.extend([w.data, w.wpe, w.stride]);
    }
    if let Some(b) = &view.bytes {
        values.extend([b.data, b.is_i8]);
    }
    values
}

/// What a store's continuation receives: the view's values, then the element address.
fn view_values(view: &VecView, at: Value) -> Vec<Value> {
    let mut values = view_values_of(view);
    values.push(at);
    values
}

/// The view whose values ([`view_values_of`]' order) are `params`, known as `shape`
/// was (its element addresses forgotten).
fn view_from_fields(shape: &VecView, params: &[Value]) -> VecView {
    let words = shape.words.as_ref().map(|w| WordsView {
        data: params[2],
        wpe: params[3],
        stride: params[4],
        checked_offsets: w.checked_offsets,
        elems: HashMap::new(),
    });
    let at = 2 + 3 * usize::from(words.is_some());
    let bytes = shape.bytes.as_ref().map(|_| BytesView {
        data: params[at],
        is_i8: params[at + 1],
        elems: HashMap::new(),
    });
    VecView {
        obj: params[0],
        len: params[1],
        unique: shape.unique,
        words,
        bytes,
    }
}

/// The view after a store's continuation, from its block parameters (in
/// [`view_values`]' order): the vector is unique on both paths; only this index's
/// element address is known.
fn view_from_values(shape: &VecView, storage: Storage, i: Value, params: &[Value]) -> VecView {
    let mut next = 0;
    let mut take = |n: usize| {
        let s = &params[next..next + n];
        next += n;
        s.to_vec()
    };
    let head = take(2);
    let words = shape.words.as_ref().map(|w| {
        let p = take(3);
        WordsView {
            data: p[0],
            wpe: p[1],
            stride: p[2],
            checked_offsets: w.checked_offsets,
            elems: HashMap::new(),
        }
    });
    let bytes = shape.bytes.as_ref().map(|_| {
        let p = take(2);
        BytesView {
            data: p[0],
            is_i8: p[1],
            elems: HashMap::new(),
        }
    });
    let at = *params.last().expect("element address");
    let mut view = VecView {
        obj: head[0],
        len: head[1],
        unique: true,
        words,
        bytes,
    };
    match storage {
        Storage::Words { .. } => view.words.as_mut().map(|w| w.elems.insert(i, at)),
        Storage::Bytes => view.bytes.as_mut().map(|b| b.elems.insert(i, at)),
    };
    view
}
