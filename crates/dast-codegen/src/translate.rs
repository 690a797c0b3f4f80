//! One bytecode function -> one Cranelift function (its *body*), plus the small
//! exported entry and init functions around bodies.
//!
//! Scalar registers become Cranelift `Variable`s (i64 words, the canonical form the
//! interpreter keeps), so SSA construction removes the register file entirely; floats are
//! bitcast in and out of words at each instruction and Cranelift folds the round trips.

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32, F64, I32, I64, I8};
use cranelift_codegen::ir::{
    AbiParam, Block, FuncRef, Function as IrFunction, GlobalValue, InstBuilder, MemFlagsData,
    Signature as IrSignature, StackSlot, StackSlotData, StackSlotKind, Type, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use dast_bytecode::{is_terminator, Cvt, FUnary, Function, Inst, IntKind, Module, S};

use crate::inline::{Inlined, Origin};
use crate::subset::{is_global_word, is_scalar};
use dast_abi::{
    table_offset, PanicCode, CTX_FUEL, CTX_REF_BASE, CTX_REF_LIMIT, CTX_STACK_LIMIT,
    MODULE_GLOBAL_WORDS, MODULE_IN_FLIGHT, MODULE_SHARED_WORDS, NO_FRAME, REF_SLOT_BYTES,
};

mod borrow;
mod heap;

/// A function's flattened parameter and result word counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    pub params: u32,
    pub results: u32,
    /// Reference slots of the results (left at the start of the callee's reference
    /// frame, as the interpreter leaves them).
    pub result_refs: u32,
}

impl Shape {
    /// Results past the first travel through an out-pointer (two return registers hold
    /// the first word and the status).
    fn has_out_pointer(self) -> bool {
        self.results > 1
    }
}

/// The body calling convention: `(ctx, [out,] refs, p0, p1, ...) -> (word0, status)`,
/// `refs` being the callee's reference frame (the caller's window, as in the VM).
pub(crate) fn body_signature(call_conv: CallConv, shape: Shape) -> IrSignature {
    let mut sig = IrSignature::new(call_conv);
    sig.params.push(AbiParam::new(I64));
    if shape.has_out_pointer() {
        sig.params.push(AbiParam::new(I64));
    }
    sig.params.push(AbiParam::new(I64));
    for _ in 0..shape.params {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I64));
    sig.returns.push(AbiParam::new(I64));
    sig
}

/// The entry convention ([`dast_abi::EntryFn`]): `(ctx, args, results) -> u32`.
pub(crate) fn entry_signature(call_conv: CallConv) -> IrSignature {
    let mut sig = IrSignature::new(call_conv);
    sig.params.extend([AbiParam::new(I64); 3]);
    sig.returns.push(AbiParam::new(I32));
    sig
}

/// `dast_init(table, module_data)`.
pub(crate) fn init_signature(call_conv: CallConv) -> IrSignature {
    let mut sig = IrSignature::new(call_conv);
    sig.params.extend([AbiParam::new(I64); 2]);
    sig
}

/// Most reference registers a return releases inline (more go to the runtime's
/// `ret_refs`).
const INLINE_RELEASES: u32 = 4;

/// How a `CallImport` reaches its callee.
#[derive(Clone, Copy)]
pub(crate) enum ImportCall {
    /// A direct call of the callee module's exported body (bound by the dynamic linker).
    Direct(FuncRef),
    /// An indirect call through the import's entry in the module's slot table.
    Slot,
}

/// What a body needs from the module being compiled.
pub(crate) struct BodyEnv<'a> {
    pub module: &'a Module,
    pub shapes: &'a [Shape],
    /// Bodies this one calls, declared in its `ir::Function`.
    pub callees: HashMap<u32, FuncRef>,
    /// The module-local slot holding the runtime table pointer.
    pub table_slot: GlobalValue,
    /// The module-local slot holding the module's [`dast_abi::ModuleData`] pointer.
    pub module_slot: GlobalValue,
    /// The exported slot table (one function pointer per import).
    pub import_slots: GlobalValue,
    /// How each import this body calls is reached, and its shape.
    pub imports: HashMap<u32, (ImportCall, Shape)>,
    /// The stubs of the dynamic calls and `instantiate`s this body makes (by
    /// [`dast_abi::RuntimeTable::call_dyn`] request), and their shapes.
    pub dyn_stubs: HashMap<u32, (FuncRef, Shape)>,
    /// `floor`/`ceil`/`trunc` as single instructions (SSE4.1); otherwise they would
    /// become libm imports, so they go through the runtime table instead.
    pub native_rounding: bool,
    /// Count fuel at function entries and backward jumps ([`dast_abi::Ctx::fuel`]).
    pub limits: bool,
    pub frontend: TargetFrontendConfig,
}

/// Exits taken rarely, emitted after the body so they stay out of its straight line.
enum ColdExit {
    /// Record a panic raised at `pc` (or before the frame exists: `func == NO_FRAME`).
    Panic {
        block: Block,
        code: PanicCode,
        func: u32,
        pc: u32,
    },
    /// A callee panicked: add this frame (`pc` of the call) and pass the status on.
    Propagate { block: Block, pc: u32 },
    /// `exec_one` of the instruction at `pc` panicked (it recorded the panic and this
    /// frame).
    Failed { block: Block, pc: u32 },
}

/// Translates function `index` of the module, as `inlined` (its code after inlining)
/// has it, into `func`.
pub(crate) fn translate_body(
    env: &BodyEnv<'_>,
    index: u32,
    inlined: &Inlined,
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
) {
    let b = FunctionBuilder::new(func, fb_ctx);
    let mut t = Translator::new(env, index, inlined, b);
    t.prologue();
    t.body();
    t.cold_exits();
    t.b.seal_all_blocks();
    t.b.finalize(env.frontend);
}

struct Translator<'a, 'b> {
    env: &'a BodyEnv<'a>,
    index: u32,
    /// The function's code after inlining (`inline.rs`).
    f: &'a Function,
    /// Where each pc of `f` comes from, for the runtime and for stack traces.
    origins: &'a [Origin],
    shape: Shape,
    b: FunctionBuilder<'b>,
    regs: Vec<Variable>,
    /// The block starting at each pc that begins a basic block.
    leaders: Vec<Option<Block>>,
    /// Each pc's part in a temporary reference that borrows (`borrow.rs`).
    borrows: Vec<Option<borrow::Borrow>>,
    ctx: Value,
    out: Option<Value>,
    /// This function's reference frame.
    refs: Value,
    /// The scalar registers in memory, for `exec_one` (functions using it only).
    words: Option<StackSlot>,
    /// The module's global words, loaded once on entry (functions using globals only).
    globals: Option<Value>,
    /// This version's shared-word table (`ModuleData::shared_words`), if it uses one.
    shared: Option<Value>,
    /// The parameter words, in order.
    params: Vec<Value>,
    cold: Vec<ColdExit>,
    /// Where values are lent to registers (`dast_bytecode::lent`): a panic exit gives
    /// back those still lent at its pc.
    lent: Vec<dast_bytecode::lent::Window>,
    /// What the current block knows about its vector registers (`heap.rs`).
    heap: heap::HeapCache,
    /// The float each word made by `float_to_word` holds: reading the word back as that
    /// type gives the float itself (Cranelift keeps the bitcast round trips otherwise).
    floats: HashMap<(Value, Type), Value>,
}

fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

impl<'a, 'b> Translator<'a, 'b> {
    /// Creates the entry block and reads the context (and out-pointer) parameters.
    fn new(
        env: &'a BodyEnv<'a>,
        index: u32,
        inlined: &'a Inlined,
        mut b: FunctionBuilder<'b>,
    ) -> Self {
        let f = &inlined.function;
        let shape = env.shapes[index as usize];
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let out = shape.has_out_pointer().then(|| params[1]);
        let regs = (0..f.scalar_regs).map(|_| b.declare_var(I64)).collect();
        let words = f.code.iter().any(uses_exec_one).then(|| {
            b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                8 * (f.scalar_regs as u32).max(1),
                3,
            ))
        });
        let first_word = 2 + out.is_some() as usize;
        let is_leader = find_leaders(&f.code);
        let borrows = borrow::find_borrows(env.module, &f.code, &is_leader);
        let leaders = is_leader
            .into_iter()
            .map(|is_leader| is_leader.then(|| b.create_block()))
            .collect();
        Translator {
            env,
            index,
            f,
            origins: &inlined.origins,
            shape,
            b,
            regs,
            leaders,
            borrows,
            ctx: params[0],
            out,
            refs: params[first_word - 1],
            words,
            globals: None,
            shared: None,
            params: params[first_word..].to_vec(),
            cold: Vec::new(),
            lent: dast_bytecode::lent::lent_windows(&f.code),
            heap: heap::HeapCache::new(&f.code),
            floats: HashMap::new(),
        }
    }

    fn call_conv(&self) -> CallConv {
        self.b.func.signature.call_conv
    }

    /// Parameters into their registers, other registers zeroed (so no read is ever of
    /// an undefined value), then the stack check.
    fn prologue(&mut self) {
        let zero = self.b.ins().iconst(I64, 0);
        for i in 0..self.regs.len() {
            let v = self.params.get(i).copied().unwrap_or(zero);
            self.b.def_var(self.regs[i], v);
        }
        // The globals never move while the library is loaded, nor does the table of
        // pointers to shared words (nor the cells it points at): one load per call.
        self.globals = self.module_pointer(MODULE_GLOBAL_WORDS, |i| {
            matches!(i, Inst::LoadG { .. } | Inst::StoreG { .. })
        });
        self.shared = self.module_pointer(MODULE_SHARED_WORDS, |i| {
            matches!(i, Inst::LoadSh { .. } | Inst::StoreSh { .. })
        });
        self.burn(0);
        self.stack_check();
    }

    /// With limits compiled in: one unit of the call's fuel, and the runtime's
    /// `refuel` when it runs out (which may stop the call with a panic, whose trace
    /// gets this frame at `pc`). Without: nothing.
    fn burn(&mut self, pc: u32) {
        if !self.env.limits {
            return;
        }
        let fuel = self.b.ins().load(I64, trusted(), self.ctx, CTX_FUEL);
        let left = self.b.ins().iadd_imm_s(fuel, -1);
        self.b.ins().store(trusted(), left, self.ctx, CTX_FUEL);
        let empty = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(empty);
        self.b.ins().brif(left, cont, &[], empty, &[]);
        self.b.switch_to_block(empty);
        let mut sig = self.runtime_sig(&[I64]);
        sig.returns.push(AbiParam::new(I32));
        let call = self.call_runtime(table_offset::REFUEL, sig, &[self.ctx]);
        let status = self.b.inst_results(call)[0];
        let exit = self.b.create_block();
        self.b.set_cold_block(exit);
        self.cold.push(ColdExit::Propagate { block: exit, pc });
        self.b.ins().brif(status, exit, &[], cont, &[]);
        self.b.switch_to_block(cont);
    }

    /// The pointer at `offset` of this module's data, loaded once if the function has
    /// an instruction `uses` it.
    fn module_pointer(&mut self, offset: i32, uses: impl Fn(&Inst) -> bool) -> Option<Value> {
        if !self.f.code.iter().any(uses) {
            return None;
        }
        let data = self.module_data();
        Some(self.b.ins().load(I64, trusted(), data, offset))
    }

    /// The address of shared word `g` (from the version's shared-word table).
    fn shared_word(&mut self, g: dast_bytecode::SharedSlot) -> Value {
        let table = self.shared.expect("loaded in the prologue");
        self.b.ins().load(I64, trusted(), table, 8 * g.0 as i32)
    }

    /// This module's [`dast_abi::ModuleData`] pointer (from the slot `dast_init` set).
    fn module_data(&mut self) -> Value {
        let slot = self.b.ins().symbol_value(I64, self.env.module_slot);
        self.b.ins().load(I64, trusted(), slot, 0)
    }

    /// Native recursion has no frame limit of its own: compare the stack pointer with
    /// the context's limit on entry and panic "stack overflow" instead of faulting.
    /// A function with references also checks that its reference frame fits the
    /// runtime's reference stack.
    fn stack_check(&mut self) {
        let sp = self.b.ins().get_stack_pointer(I64);
        let limit = self.b.ins().load(I64, trusted(), self.ctx, CTX_STACK_LIMIT);
        let mut overflow = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        let ref_regs = self.f.ref_regs as i64;
        if ref_regs > 0 {
            let end = self
                .b
                .ins()
                .iadd_imm_s(self.refs, ref_regs * REF_SLOT_BYTES);
            let rlimit = self.b.ins().load(I64, trusted(), self.ctx, CTX_REF_LIMIT);
            let past = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, rlimit);
            overflow = self.b.ins().bor(overflow, past);
        }
        let exit = self.panic_exit(PanicCode::StackOverflow, NO_FRAME, 0);
        let start = self.leaders[0].expect("pc 0 starts a block");
        self.b.ins().brif(overflow, exit, &[], start, &[]);
    }

    fn body(&mut self) {
        let mut open = false; // the current block still needs a terminator
        for pc in 0..self.f.code.len() {
            if let Some(block) = self.leaders[pc] {
                if open {
                    self.b.ins().jump(block, &[]);
                }
                self.b.switch_to_block(block);
            }
            let ends_block = pc + 1 == self.f.code.len() || self.leaders[pc + 1].is_some();
            let branches = self.f.code[pc].target().is_some();
            if ends_block && branches {
                self.heap_block_end(pc as u32);
            }
            open = match self.borrows[pc] {
                None => self.inst(pc as u32, self.f.code[pc]),
                Some(borrow::Borrow::Load) => {
                    // Run by its reader; what the block knew of the temporary is stale.
                    self.heap_before(pc as u32, &self.f.code[pc]);
                    self.heap_forget_all();
                    true
                }
                Some(borrow::Borrow::Reader { load }) => {
                    self.heap_before(pc as u32, &self.f.code[pc]);
                    self.borrowed(load, pc as u32);
                    true
                }
            };
            if ends_block && !branches && open {
                self.heap_block_end(pc as u32);
            }
        }
        debug_assert!(!open, "verified code ends with a terminator");
    }

    fn reg(&mut self, r: S) -> Value {
        self.b.use_var(self.regs[r.0 as usize])
    }

    fn set(&mut self, r: S, v: Value) {
        self.b.def_var(self.regs[r.0 as usize], v);
    }

    fn block_at(&self, pc: u32) -> Block {
        self.leaders[pc as usize].expect("branch targets and fall-throughs start blocks")
    }

    /// Translates one instruction; returns whether the block stays open.
    fn inst(&mut self, pc: u32, inst: Inst) -> bool {
        use Inst::*;
        self.heap_before(pc, &inst);
        if inst.target().is_some_and(|t| t <= pc) {
            // A loop's back edge.
            self.burn(pc);
        }
        match inst {
            Mov { dst, src } => {
                let v = self.reg(src);
                self.set(dst, v);
            }
            LoadI { dst, imm } => {
                let v = self.b.ins().iconst(I64, imm as i64);
                self.set(dst, v);
            }
            LoadK { dst, k } => {
                let word = self.env.module.scalars[k.0 as usize];
                let v = self.b.ins().iconst(I64, word as i64);
                self.set(dst, v);
            }
            Add64 { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.iadd(x, y)),
            Sub64 { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.isub(x, y)),
            Mul64 { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.imul(x, y)),
            Add32 { dst, a, b } => self.int32_bin(dst, a, b, |i, x, y| i.iadd(x, y)),
            Sub32 { dst, a, b } => self.int32_bin(dst, a, b, |i, x, y| i.isub(x, y)),
            Mul32 { dst, a, b } => self.int32_bin(dst, a, b, |i, x, y| i.imul(x, y)),
            AddImm64 { dst, a, imm } => {
                let x = self.reg(a);
                let v = self.b.ins().iadd_imm_s(x, imm as i64);
                self.set(dst, v);
            }
            AddImm32 { dst, a, imm } => {
                let x = self.reg(a);
                let v = self.b.ins().iadd_imm_s(x, imm as i64);
                let v = self.norm(v, IntKind::I32);
                self.set(dst, v);
            }
            DivS { dst, a, b } => self.div_signed(pc, dst, a, b, false),
            RemS { dst, a, b } => self.div_signed(pc, dst, a, b, true),
            DivU { dst, a, b } => self.div_unsigned(pc, dst, a, b, false),
            RemU { dst, a, b } => self.div_unsigned(pc, dst, a, b, true),
            Neg64 { dst, a } => self.int_un(dst, a, |i, x| i.ineg(x)),
            And { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.band(x, y)),
            Or { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.bor(x, y)),
            Xor { dst, a, b } => self.int_bin(dst, a, b, |i, x, y| i.bxor(x, y)),
            BitNot { dst, a } => self.int_un(dst, a, |i, x| i.bnot(x)),
            Shl { dst, a, b, kind } => self.shift(dst, a, b, kind, true),
            Shr { dst, a, b, kind } => self.shift(dst, a, b, kind, false),
            Norm { dst, src, kind } => {
                let x = self.reg(src);
                let v = self.norm(x, kind);
                self.set(dst, v);
            }
            EqI { dst, a, b } => self.icmp(dst, a, b, IntCC::Equal),
            NeI { dst, a, b } => self.icmp(dst, a, b, IntCC::NotEqual),
            LtS { dst, a, b } => self.icmp(dst, a, b, IntCC::SignedLessThan),
            LeS { dst, a, b } => self.icmp(dst, a, b, IntCC::SignedLessThanOrEqual),
            LtU { dst, a, b } => self.icmp(dst, a, b, IntCC::UnsignedLessThan),
            LeU { dst, a, b } => self.icmp(dst, a, b, IntCC::UnsignedLessThanOrEqual),
            NotB { dst, a } => {
                let x = self.reg(a);
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, x, 0);
                let v = self.b.ins().uextend(I64, c);
                self.set(dst, v);
            }
            AddF64 { dst, a, b } => self.float_bin(F64, dst, a, b, |i, x, y| i.fadd(x, y)),
            SubF64 { dst, a, b } => self.float_bin(F64, dst, a, b, |i, x, y| i.fsub(x, y)),
            MulF64 { dst, a, b } => self.float_bin(F64, dst, a, b, |i, x, y| i.fmul(x, y)),
            DivF64 { dst, a, b } => self.float_bin(F64, dst, a, b, |i, x, y| i.fdiv(x, y)),
            AddF32 { dst, a, b } => self.float_bin(F32, dst, a, b, |i, x, y| i.fadd(x, y)),
            SubF32 { dst, a, b } => self.float_bin(F32, dst, a, b, |i, x, y| i.fsub(x, y)),
            MulF32 { dst, a, b } => self.float_bin(F32, dst, a, b, |i, x, y| i.fmul(x, y)),
            DivF32 { dst, a, b } => self.float_bin(F32, dst, a, b, |i, x, y| i.fdiv(x, y)),
            RemF64 { dst, a, b } => self.float_rem(F64, dst, a, b),
            RemF32 { dst, a, b } => self.float_rem(F32, dst, a, b),
            NegF64 { dst, a } => self.float_un(F64, dst, a, |i, x| i.fneg(x)),
            NegF32 { dst, a } => self.float_un(F32, dst, a, |i, x| i.fneg(x)),
            EqF64 { dst, a, b } => self.fcmp(F64, dst, a, b, FloatCC::Equal),
            LtF64 { dst, a, b } => self.fcmp(F64, dst, a, b, FloatCC::LessThan),
            LeF64 { dst, a, b } => self.fcmp(F64, dst, a, b, FloatCC::LessThanOrEqual),
            EqF32 { dst, a, b } => self.fcmp(F32, dst, a, b, FloatCC::Equal),
            LtF32 { dst, a, b } => self.fcmp(F32, dst, a, b, FloatCC::LessThan),
            LeF32 { dst, a, b } => self.fcmp(F32, dst, a, b, FloatCC::LessThanOrEqual),
            Cvt { dst, src, op } => self.cvt(dst, src, op),
            FUnary { dst, a, op } => self.funary(dst, a, op),
            FBinary { dst, a, b, op } => {
                let x = self.float_in(F64, a);
                let y = self.float_in(F64, b);
                let sig = self.float_sig(F64, 2);
                let call = self.call_runtime(table_offset::fbinary(op as usize), sig, &[x, y]);
                let r = self.b.inst_results(call)[0];
                self.float_out(F64, dst, r);
            }
            Jmp { target } => {
                let block = self.block_at(target);
                self.b.ins().jump(block, &[]);
                return false;
            }
            JmpIf { cond, target } => {
                let c = self.reg(cond);
                self.branch(c, target, pc + 1);
                return false;
            }
            JmpIfNot { cond, target } => {
                let c = self.reg(cond);
                self.branch(c, pc + 1, target);
                return false;
            }
            JmpNeImm { a, imm, target } => {
                let x = self.reg(a);
                let c = self.b.ins().icmp_imm_s(IntCC::NotEqual, x, i64::from(imm));
                self.branch(c, target, pc + 1);
                return false;
            }
            JmpLtS { a, b, target } => {
                let c = self.compare(a, b, IntCC::SignedLessThan);
                self.branch(c, target, pc + 1);
                return false;
            }
            JmpGeS { a, b, target } => {
                let c = self.compare(a, b, IntCC::SignedGreaterThanOrEqual);
                self.branch(c, target, pc + 1);
                return false;
            }
            LoopLt { ctr, end, target } => {
                let c = self.reg(ctr);
                let next = self.b.ins().iadd_imm_s(c, 1);
                self.set(ctr, next);
                let e = self.reg(end);
                let again = self.b.ins().icmp(IntCC::SignedLessThan, next, e);
                self.branch(again, target, pc + 1);
                return false;
            }
            LoopLe { ctr, end, target } => {
                // `ctr <= end` is tested before the increment, so `i64::MAX` ends the
                // loop without wrapping the counter (it stays at MAX, as in the VM).
                let c = self.reg(ctr);
                let at_max = self.b.ins().icmp_imm_s(IntCC::Equal, c, i64::MAX);
                let inc = self.b.ins().iadd_imm_s(c, 1);
                let next = self.b.ins().select(at_max, c, inc);
                self.set(ctr, next);
                let e = self.reg(end);
                let again = self.b.ins().icmp(IntCC::SignedLessThan, c, e);
                self.branch(again, target, pc + 1);
                return false;
            }
            Call { func, s, r } => self.call(pc, func.0, s, r),
            CallImport { import, s, r } => self.call_import(pc, import.0, s, r),
            CallDyn { m, s, r } => self.call_dyn(pc, m.0, s, r),
            Intrinsic {
                op: dast_bytecode::Intrinsic::Instantiate,
                ty,
                s,
                r,
            } => {
                let (stub, shape) = self.env.dyn_stubs[&(dast_abi::INSTANTIATE | ty.0)];
                self.call_body(pc, shape, CallTarget::Direct(stub), s, r);
            }
            Ret { s, r } => {
                self.ret(s, r);
                return false;
            }
            LoadG { dst, g } => {
                let base = self.globals.expect("loaded in the prologue");
                let v = self.b.ins().load(I64, trusted(), base, 8 * g.0 as i32);
                self.set(dst, v);
            }
            StoreG { g, src } => {
                let base = self.globals.expect("loaded in the prologue");
                let v = self.reg(src);
                self.b.ins().store(trusted(), v, base, 8 * g.0 as i32);
            }
            LoadSh { dst, g } => {
                let word = self.shared_word(g);
                let v = self.b.ins().load(I64, trusted(), word, 0);
                self.set(dst, v);
            }
            StoreSh { g, src } => {
                let word = self.shared_word(g);
                let v = self.reg(src);
                self.b.ins().store(trusted(), v, word, 0);
            }
            Panic { .. } => {
                self.exec_one(pc, &inst);
                // `exec_one` always fails on `Panic`: the continuation is unreachable.
                let zero = self.b.ins().iconst(I64, 0);
                let panicking = self.b.ins().iconst(I64, 1);
                self.b.ins().return_(&[zero, panicking]);
                return false;
            }
            VecPush { v, s, .. } => self.vec_push(pc, inst, v, s),
            Intrinsic {
                op: dast_bytecode::Intrinsic::MapInsert,
                ty,
                s,
                r,
            } if heap::word_map_values(self.env.module, ty) == Some(1) => {
                self.map_insert_word(r, s, |t| t.exec_one(pc, &inst))
            }
            Intrinsic {
                op: dast_bytecode::Intrinsic::VecPop,
                ty,
                s,
                r,
            } if heap::pops_one_word(self.env.module, ty) => self.vec_pop_word(pc, inst, r, s),
            StrPush { a, b } if a != b => {
                self.str_push(a, heap::Tail::Reg(b), |t| t.exec_one(pc, &inst))
            }
            other if heap::has_fast_path(&other) => self.heap_inst(pc, other),
            other => self.exec_one(pc, &other),
        }
        true
    }

    /// Runs `inst` through the runtime's `exec_one` on this frame in memory: the scalar
    /// registers it reads are stored to the frame first, those it writes loaded after.
    fn exec_one(&mut self, pc: u32, inst: &Inst) {
        let (reads, writes) = self.scalar_effects(inst);
        self.run_interpreted(table_offset::EXEC_ONE, &[pc], &reads, &writes);
    }

    /// A borrowed use (`borrow.rs`): a push of the borrowed string in machine code when
    /// it can (`heap/strings.rs`), else the load and its reader through `exec_borrowed`.
    fn borrowed(&mut self, load: u32, reader: u32) {
        let tail = match self.f.code[load as usize] {
            Inst::VecLoadR { v, idx, off, .. } => heap::Tail::Elem { v, idx, off },
            Inst::MovR { src, .. } => heap::Tail::Reg(src),
            _ => return self.exec_borrowed(load, reader),
        };
        if let (
            Inst::Intrinsic {
                op: dast_bytecode::Intrinsic::MapGet,
                ty,
                s,
                ..
            },
            heap::Tail::Reg(map),
        ) = (self.f.code[reader as usize], tail)
        {
            if let Some(words) = heap::word_map_values(self.env.module, ty) {
                return self.map_get_word(map, s, words, |t| t.exec_borrowed(load, reader));
            }
        }
        match (self.f.code[reader as usize], tail) {
            // Pushing a string onto itself reads the bytes being appended to.
            (Inst::StrPush { a, .. }, heap::Tail::Reg(src)) if src == a => {
                self.exec_borrowed(load, reader)
            }
            (Inst::StrPush { a, .. }, tail) => {
                self.str_push(a, tail, |t| t.exec_borrowed(load, reader))
            }
            _ => self.exec_borrowed(load, reader),
        }
    }

    /// Runs a borrowed use (`borrow.rs`): the load at `load` and its reader at `reader`,
    /// through the runtime's `exec_borrowed`.
    fn exec_borrowed(&mut self, load: u32, reader: u32) {
        let (mut reads, writes) = self.scalar_effects(&self.f.code[reader as usize]);
        reads.extend(self.scalar_effects(&self.f.code[load as usize]).0);
        self.run_interpreted(
            table_offset::EXEC_BORROWED,
            &[load, reader],
            &reads,
            &writes,
        );
    }

    fn scalar_effects(&self, inst: &Inst) -> (Vec<u16>, Vec<u16>) {
        scalar_effects(self.env.module, inst).unwrap_or_else(|| {
            let all: Vec<u16> = (0..self.regs.len() as u16).collect();
            (all.clone(), all)
        })
    }

    /// Calls the runtime entry at `offset` as `(ctx, module, function, pcs.., words,
    /// refs) -> status` on this frame in memory, syncing the scalar registers it
    /// `reads` and `writes`; a failure (recorded by the runtime) unwinds this frame.
    fn run_interpreted(&mut self, offset: i32, pcs: &[u32], reads: &[u16], writes: &[u16]) {
        let slot = self.words.expect("functions using exec_one have a frame");
        for &r in reads {
            let v = self.reg(S(r));
            self.b.ins().stack_store(I64, v, slot, 8 * r as i32);
        }
        let words = self.b.ins().stack_addr(I64, slot, 0);
        let mut args = vec![
            self.ctx,
            self.module_data(),
            self.b.ins().iconst(I32, self.index as i64),
        ];
        // The runtime decodes the instruction from the module's own code (inlined code
        // never runs there: only the caller's instructions do).
        args.extend(pcs.iter().map(|&pc| {
            let original = self.origins[pc as usize].pc;
            self.b.ins().iconst(I32, original as i64)
        }));
        args.extend([words, self.refs]);
        let mut params = vec![I64, I64, I32];
        params.extend(pcs.iter().map(|_| I32));
        params.extend([I64, I64]);
        let mut sig = self.runtime_sig(&params);
        sig.returns.push(AbiParam::new(I32));
        let call = self.call_runtime(offset, sig, &args);
        let status = self.b.inst_results(call)[0];
        let exit = self.b.create_block();
        self.b.set_cold_block(exit);
        self.cold.push(ColdExit::Failed {
            block: exit,
            pc: pcs[0],
        });
        let cont = self.b.create_block();
        self.b.ins().brif(status, exit, &[], cont, &[]);
        self.b.switch_to_block(cont);
        for &w in writes {
            let v = self.b.ins().stack_load(I64, I64, slot, 8 * w as i32);
            self.set(S(w), v);
        }
    }

    fn int_un(&mut self, dst: S, a: S, op: impl FnOnce(Ins<'_, 'b>, Value) -> Value) {
        let x = self.reg(a);
        let v = op(self.b.ins(), x);
        self.set(dst, v);
    }

    fn int_bin(&mut self, dst: S, a: S, b: S, op: impl FnOnce(Ins<'_, 'b>, Value, Value) -> Value) {
        let x = self.reg(a);
        let y = self.reg(b);
        let v = op(self.b.ins(), x, y);
        self.set(dst, v);
    }

    /// 32-bit wrapping arithmetic: the low 32 bits of the 64-bit result are the i32
    /// result, sign-extended back to canonical form.
    fn int32_bin(
        &mut self,
        dst: S,
        a: S,
        b: S,
        op: impl FnOnce(Ins<'_, 'b>, Value, Value) -> Value,
    ) {
        let x = self.reg(a);
        let y = self.reg(b);
        let v = op(self.b.ins(), x, y);
        let v = self.norm(v, IntKind::I32);
        self.set(dst, v);
    }

    /// Truncate to `kind`'s width and sign- or zero-extend back to 64 bits.
    fn norm(&mut self, x: Value, kind: IntKind) -> Value {
        let narrow = |t: &mut Self, ty: Type, signed: bool| {
            let low = t.b.ins().ireduce(ty, x);
            if signed {
                t.b.ins().sextend(I64, low)
            } else {
                t.b.ins().uextend(I64, low)
            }
        };
        match kind {
            IntKind::I64 | IntKind::U64 => x,
            IntKind::I8 => narrow(self, I8, true),
            IntKind::I16 => narrow(self, cranelift_codegen::ir::types::I16, true),
            IntKind::I32 => narrow(self, I32, true),
            IntKind::U8 => narrow(self, I8, false),
            IntKind::U16 => narrow(self, cranelift_codegen::ir::types::I16, false),
            IntKind::U32 => narrow(self, I32, false),
        }
    }

    /// Branches to a cold panic exit when `y == 0`; continues in a new block otherwise.
    fn panic_if_zero(&mut self, y: Value, code: PanicCode, pc: u32) {
        let exit = self.panic_exit(code, self.index, pc);
        let cont = self.b.create_block();
        self.b.ins().brif(y, cont, &[], exit, &[]);
        self.b.switch_to_block(cont);
    }

    /// Signed division and remainder with the interpreter's wrapping: `MIN / -1 == MIN`
    /// and `MIN % -1 == 0`. The hardware faults on `MIN / -1`, so a divisor of -1 is
    /// replaced by 1 and the quotient negated instead.
    fn div_signed(&mut self, pc: u32, dst: S, a: S, b: S, rem: bool) {
        let x = self.reg(a);
        let y = self.reg(b);
        let code = if rem {
            PanicCode::RemainderByZero
        } else {
            PanicCode::DivideByZero
        };
        self.panic_if_zero(y, code, pc);
        let ins = &mut self.b;
        let minus_one = ins.ins().icmp_imm_s(IntCC::Equal, y, -1);
        let one = ins.ins().iconst(I64, 1);
        let safe = ins.ins().select(minus_one, one, y);
        let v = if rem {
            ins.ins().srem(x, safe) // x % 1 == 0 == x % -1
        } else {
            let q = ins.ins().sdiv(x, safe);
            let neg = ins.ins().ineg(x);
            ins.ins().select(minus_one, neg, q)
        };
        self.set(dst, v);
    }

    fn div_unsigned(&mut self, pc: u32, dst: S, a: S, b: S, rem: bool) {
        let x = self.reg(a);
        let y = self.reg(b);
        let code = if rem {
            PanicCode::RemainderByZero
        } else {
            PanicCode::DivideByZero
        };
        self.panic_if_zero(y, code, pc);
        let v = if rem {
            self.b.ins().urem(x, y)
        } else {
            self.b.ins().udiv(x, y)
        };
        self.set(dst, v);
    }

    /// Shift amounts are masked to the kind's width; left shifts are re-normalized,
    /// right shifts of canonical words need not be.
    fn shift(&mut self, dst: S, a: S, b: S, kind: IntKind, left: bool) {
        let x = self.reg(a);
        let y = self.reg(b);
        let amount = self.b.ins().band_imm_s(y, kind.bits() as i64 - 1);
        let v = if left {
            let v = self.b.ins().ishl(x, amount);
            self.norm(v, kind)
        } else if kind.is_signed() {
            self.b.ins().sshr(x, amount)
        } else {
            self.b.ins().ushr(x, amount)
        };
        self.set(dst, v);
    }

    fn compare(&mut self, a: S, b: S, cc: IntCC) -> Value {
        let x = self.reg(a);
        let y = self.reg(b);
        self.b.ins().icmp(cc, x, y)
    }

    fn icmp(&mut self, dst: S, a: S, b: S, cc: IntCC) {
        let c = self.compare(a, b, cc);
        let v = self.b.ins().uextend(I64, c);
        self.set(dst, v);
    }

    /// A word as a float of type `ty` (f32 lives in the low 32 bits).
    fn float_in(&mut self, ty: Type, r: S) -> Value {
        let w = self.reg(r);
        self.word_to_float(ty, w)
    }

    /// The float of type `ty` that word `w` was made from by [`Self::float_to_word`].
    fn known_float(&self, w: Value, ty: Type) -> Option<Value> {
        let w = self.b.func.dfg.resolve_aliases(w);
        self.floats.get(&(w, ty)).copied()
    }

    /// Whether the next instruction of the block that mentions scalar register `r`
    /// after `pc` reads it as an `f64` (so a load into `r` had better be a float load).
    /// Register windows are not looked into: this only picks the cheaper form.
    fn read_as_f64_next(&self, pc: u32, r: S) -> bool {
        for next in pc as usize + 1..self.f.code.len() {
            if self.leaders[next].is_some() {
                return false;
            }
            let inst = &self.f.code[next];
            if let Some(as_f64) = reads_f64(inst, r) {
                return as_f64;
            }
        }
        false
    }

    fn word_to_float(&mut self, ty: Type, w: Value) -> Value {
        if let Some(x) = self.known_float(w, ty) {
            return x;
        }
        if ty == F32 {
            let low = self.b.ins().ireduce(I32, w);
            self.b.ins().bitcast(F32, MemFlagsData::new(), low)
        } else {
            self.b.ins().bitcast(F64, MemFlagsData::new(), w)
        }
    }

    fn float_to_word(&mut self, ty: Type, x: Value) -> Value {
        let w = if ty == F32 {
            let bits = self.b.ins().bitcast(I32, MemFlagsData::new(), x);
            self.b.ins().uextend(I64, bits)
        } else {
            self.b.ins().bitcast(I64, MemFlagsData::new(), x)
        };
        self.floats.insert((w, ty), x);
        w
    }

    fn float_out(&mut self, ty: Type, dst: S, x: Value) {
        let w = self.float_to_word(ty, x);
        self.set(dst, w);
    }

    fn float_un(&mut self, ty: Type, dst: S, a: S, op: impl FnOnce(Ins<'_, 'b>, Value) -> Value) {
        let x = self.float_in(ty, a);
        let v = op(self.b.ins(), x);
        self.float_out(ty, dst, v);
    }

    fn float_bin(
        &mut self,
        ty: Type,
        dst: S,
        a: S,
        b: S,
        op: impl FnOnce(Ins<'_, 'b>, Value, Value) -> Value,
    ) {
        let x = self.float_in(ty, a);
        let y = self.float_in(ty, b);
        let v = op(self.b.ins(), x, y);
        self.float_out(ty, dst, v);
    }

    /// Rust's float `%` (fmod) has no Cranelift instruction: the runtime computes it.
    fn float_rem(&mut self, ty: Type, dst: S, a: S, b: S) {
        let x = self.float_in(ty, a);
        let y = self.float_in(ty, b);
        let offset = if ty == F32 {
            table_offset::REM_F32
        } else {
            table_offset::REM_F64
        };
        let sig = self.float_sig(ty, 2);
        let call = self.call_runtime(offset, sig, &[x, y]);
        let r = self.b.inst_results(call)[0];
        self.float_out(ty, dst, r);
    }

    fn fcmp(&mut self, ty: Type, dst: S, a: S, b: S, cc: FloatCC) {
        let x = self.float_in(ty, a);
        let y = self.float_in(ty, b);
        let c = self.b.ins().fcmp(cc, x, y);
        let v = self.b.ins().uextend(I64, c);
        self.set(dst, v);
    }

    /// Conversions; float-to-int saturates with NaN -> 0 (Cranelift's `*_sat` are
    /// exactly Rust's `as`), int-to-float rounds to nearest.
    fn cvt(&mut self, dst: S, src: S, op: Cvt) {
        let w = self.reg(src);
        let v = match op {
            Cvt::SToF64 => {
                let f = self.b.ins().fcvt_from_sint(F64, w);
                self.float_to_word(F64, f)
            }
            Cvt::UToF64 => {
                let f = self.b.ins().fcvt_from_uint(F64, w);
                self.float_to_word(F64, f)
            }
            Cvt::SToF32 => {
                let f = self.b.ins().fcvt_from_sint(F32, w);
                self.float_to_word(F32, f)
            }
            Cvt::UToF32 => {
                let f = self.b.ins().fcvt_from_uint(F32, w);
                self.float_to_word(F32, f)
            }
            Cvt::F64ToS => {
                let f = self.word_to_float(F64, w);
                self.b.ins().fcvt_to_sint_sat(I64, f)
            }
            Cvt::F64ToU => {
                let f = self.word_to_float(F64, w);
                self.b.ins().fcvt_to_uint_sat(I64, f)
            }
            Cvt::F32ToS => {
                let f = self.word_to_float(F32, w);
                self.b.ins().fcvt_to_sint_sat(I64, f)
            }
            Cvt::F32ToU => {
                let f = self.word_to_float(F32, w);
                self.b.ins().fcvt_to_uint_sat(I64, f)
            }
            Cvt::F32ToF64 => {
                let f = self.word_to_float(F32, w);
                let d = self.b.ins().fpromote(F64, f);
                self.float_to_word(F64, d)
            }
            Cvt::F64ToF32 => {
                let d = self.word_to_float(F64, w);
                let f = self.b.ins().fdemote(F32, d);
                self.float_to_word(F32, f)
            }
        };
        self.set(dst, v);
    }

    /// `sqrt` and `abs` (and the roundings with SSE4.1) are single exact instructions;
    /// everything else calls the interpreter's own function through the table, so the
    /// two backends agree to the bit.
    fn funary(&mut self, dst: S, a: S, op: FUnary) {
        let x = self.float_in(F64, a);
        let native = match op {
            FUnary::Sqrt => Some(self.b.ins().sqrt(x)),
            FUnary::Abs => Some(self.b.ins().fabs(x)),
            FUnary::Floor if self.env.native_rounding => Some(self.b.ins().floor(x)),
            FUnary::Ceil if self.env.native_rounding => Some(self.b.ins().ceil(x)),
            FUnary::Trunc if self.env.native_rounding => Some(self.b.ins().trunc(x)),
            _ => None,
        };
        let v = match native {
            Some(v) => v,
            None => {
                let sig = self.float_sig(F64, 1);
                let call = self.call_runtime(table_offset::funary(op as usize), sig, &[x]);
                self.b.inst_results(call)[0]
            }
        };
        self.float_out(F64, dst, v);
    }

    fn float_sig(&self, ty: Type, arity: usize) -> IrSignature {
        let mut sig = IrSignature::new(self.call_conv());
        sig.params
            .extend(std::iter::repeat_n(AbiParam::new(ty), arity));
        sig.returns.push(AbiParam::new(ty));
        sig
    }

    /// Calls the runtime table entry at `offset` (the table pointer is in a
    /// module-local slot that `dast_init` filled).
    fn call_runtime(
        &mut self,
        offset: i32,
        sig: IrSignature,
        args: &[Value],
    ) -> cranelift_codegen::ir::Inst {
        let slot = self.b.ins().symbol_value(I64, self.env.table_slot);
        let table = self.b.ins().load(I64, trusted(), slot, 0);
        let fptr = self.b.ins().load(I64, trusted(), table, offset);
        let sigref = self.b.import_signature(sig);
        self.b.ins().call_indirect(sigref, fptr, args)
    }

    fn branch(&mut self, cond: Value, then_pc: u32, else_pc: u32) {
        let then_block = self.block_at(then_pc);
        let else_block = self.block_at(else_pc);
        self.b.ins().brif(cond, then_block, &[], else_block, &[]);
    }

    /// A call within the module: arguments from the window, results back into it,
    /// and a panicking callee's status passed up after recording this frame.
    fn call(&mut self, pc: u32, callee: u32, window: S, ref_window: dast_bytecode::R) {
        let shape = self.env.shapes[callee as usize];
        let target = CallTarget::Direct(self.env.callees[&callee]);
        self.call_body(pc, shape, target, window, ref_window);
    }

    /// A call to another module: with the same context and calling convention as a
    /// call within the module, either directly to the callee's exported body (release:
    /// no table, no counts) or through the import's slot (hot reload: the slot holds the
    /// active version's counted thunk, or the host stub).
    fn call_import(&mut self, pc: u32, import: u32, window: S, ref_window: dast_bytecode::R) {
        let (how, shape) = self.env.imports[&import];
        let target = match how {
            ImportCall::Direct(fref) => CallTarget::Direct(fref),
            ImportCall::Slot => {
                let slots = self.b.ins().symbol_value(I64, self.env.import_slots);
                let fptr = self.b.ins().load(I64, trusted(), slots, 8 * import as i32);
                let sig = body_signature(self.call_conv(), shape);
                CallTarget::Indirect(self.b.import_signature(sig), fptr)
            }
        };
        self.call_body(pc, shape, target, window, ref_window);
    }

    /// `CallDyn`: one indirect call of the body the object's vtable lists when it is
    /// machine code of this process and the object's value has the vtable's layout;
    /// otherwise (or for an empty slot) the stub that asks the runtime.
    fn call_dyn(&mut self, pc: u32, m: u32, window: S, ref_window: dast_bytecode::R) {
        use dast_abi::heap as h;
        let slot = self.env.module.dyn_methods[m as usize].slot;
        let (stub, shape) = self.env.dyn_stubs[&m];
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(slow);
        let at = ref_window.0 as i32 * REF_SLOT_BYTES as i32;
        let obj = self.b.ins().load(I64, trusted(), self.refs, at);
        let checks = self.b.create_block();
        self.b.ins().brif(obj, checks, &[], slow, &[]);
        self.b.switch_to_block(checks);
        let vt = self.b.ins().load(I64, trusted(), obj, h::DYN_VTABLE);
        let oinst = self.b.ins().uload32(trusted(), obj, h::DYN_INST);
        let vinst = self.b.ins().uload32(trusted(), vt, h::VTABLE_INST);
        let natives = self.b.ins().load(I64, trusted(), vt, h::VTABLE_NATIVE);
        let fptr = self.b.ins().load(I64, trusted(), natives, 8 * slot as i32);
        let same = self.b.ins().icmp(IntCC::Equal, oinst, vinst);
        let known = self.b.ins().icmp_imm_s(IntCC::NotEqual, fptr, 0);
        let ok = self.b.ins().band(same, known);
        self.b.ins().brif(ok, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        let sig = self
            .b
            .import_signature(body_signature(self.call_conv(), shape));
        self.call_body(
            pc,
            shape,
            CallTarget::Indirect(sig, fptr),
            window,
            ref_window,
        );
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(slow);
        self.call_body(pc, shape, CallTarget::Direct(stub), window, ref_window);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
    }

    /// Calls a body (`(ctx, [out,] refs, params..) -> (word0, status)`): arguments from
    /// the window, results back into it, a panicking callee's status passed up after
    /// recording this frame.
    fn call_body(
        &mut self,
        pc: u32,
        shape: Shape,
        target: CallTarget,
        window: S,
        ref_window: dast_bytecode::R,
    ) {
        let mut args = vec![self.ctx];
        let out_slot = shape.has_out_pointer().then(|| {
            let bytes = 8 * (shape.results - 1);
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                bytes,
                3,
            ));
            let addr = self.b.ins().stack_addr(I64, slot, 0);
            args.push(addr);
            slot
        });
        let callee_refs = self
            .b
            .ins()
            .iadd_imm_s(self.refs, ref_window.0 as i64 * REF_SLOT_BYTES);
        args.push(callee_refs);
        for i in 0..shape.params {
            let v = self.reg(S(window.0 + i as u16));
            args.push(v);
        }
        let call = match target {
            CallTarget::Direct(fref) => self.b.ins().call(fref, &args),
            CallTarget::Indirect(sig, fptr) => self.b.ins().call_indirect(sig, fptr, &args),
        };
        let (word0, status) = {
            let r = self.b.inst_results(call);
            (r[0], r[1])
        };
        let exit = self.b.create_block();
        self.b.set_cold_block(exit);
        self.cold.push(ColdExit::Propagate { block: exit, pc });
        let cont = self.b.create_block();
        self.b.ins().brif(status, exit, &[], cont, &[]);
        self.b.switch_to_block(cont);
        if shape.results >= 1 {
            self.set(window, word0);
        }
        if let Some(slot) = out_slot {
            for k in 1..shape.results {
                let v = self.b.ins().stack_load(I64, I64, slot, 8 * (k as i32 - 1));
                self.set(S(window.0 + k as u16), v);
            }
        }
    }

    /// Results into the return registers (and the out-pointer); references as the
    /// interpreter's `Ret` leaves them (results at the frame's start, the rest released).
    fn ret(&mut self, from: S, ref_from: dast_bytecode::R) {
        let results = self.shape.result_refs;
        let to_clear = (self.f.ref_regs as u32).saturating_sub(results);
        let no_moves = ref_from.0 == 0 || results == 0;
        if self.f.ref_regs > 0 && no_moves && to_clear <= INLINE_RELEASES {
            // Few references, none to move: released here, the last one of an object
            // through the runtime.
            for k in results..self.f.ref_regs as u32 {
                self.release_slot(dast_bytecode::R(k as u16));
            }
        } else if self.f.ref_regs > 0 {
            let args = [
                self.refs,
                self.b.ins().iconst(I32, ref_from.0 as i64),
                self.b.ins().iconst(I32, self.shape.result_refs as i64),
                self.b.ins().iconst(I32, self.f.ref_regs as i64),
            ];
            let sig = self.runtime_sig(&[I64, I32, I32, I32]);
            self.call_runtime(table_offset::RET_REFS, sig, &args);
        }
        let word0 = if self.shape.results >= 1 {
            self.reg(from)
        } else {
            self.b.ins().iconst(I64, 0)
        };
        if let Some(out) = self.out {
            for k in 1..self.shape.results {
                let v = self.reg(S(from.0 + k as u16));
                self.b.ins().store(trusted(), v, out, 8 * (k as i32 - 1));
            }
        }
        let ok = self.b.ins().iconst(I64, 0);
        self.b.ins().return_(&[word0, ok]);
    }

    fn panic_exit(&mut self, code: PanicCode, func: u32, pc: u32) -> Block {
        let block = self.b.create_block();
        self.b.set_cold_block(block);
        self.cold.push(ColdExit::Panic {
            block,
            code,
            func,
            pc,
        });
        block
    }

    fn cold_exits(&mut self) {
        for exit in std::mem::take(&mut self.cold) {
            match exit {
                ColdExit::Panic {
                    block,
                    code,
                    func,
                    pc,
                } => {
                    self.b.switch_to_block(block);
                    // A frame that failed its entry check owns nothing (its reference
                    // frame may not even fit the stack).
                    if func == NO_FRAME {
                        self.record_panic(code, NO_FRAME, 0);
                    } else {
                        let origin = self.origins[pc as usize].clone();
                        match origin.frames.split_first() {
                            Some((&(callee, callee_pc), outer)) => {
                                self.record_panic(code, callee, callee_pc);
                                self.record_frames(outer, origin.pc);
                            }
                            None => self.record_panic(code, func, origin.pc),
                        }
                        self.give_back_lent(pc);
                        self.release_refs();
                    }
                }
                ColdExit::Propagate { block, pc } => {
                    self.b.switch_to_block(block);
                    let origin = self.origins[pc as usize].clone();
                    self.record_frames(&origin.frames, origin.pc);
                    self.give_back_lent(pc);
                    self.release_refs();
                }
                ColdExit::Failed { block, pc } => {
                    self.b.switch_to_block(block);
                    self.give_back_lent(pc);
                    self.release_refs();
                }
            }
            let zero = self.b.ins().iconst(I64, 0);
            let panicking = self.b.ins().iconst(I64, 1);
            self.b.ins().return_(&[zero, panicking]);
        }
    }

    /// Records a panic raised at `pc` of function `func` (the trace's first frame).
    fn record_panic(&mut self, code: PanicCode, func: u32, pc: u32) {
        let args = [
            self.ctx,
            self.module_data(),
            self.b.ins().iconst(I32, code as i64),
            self.b.ins().iconst(I32, func as i64),
            self.b.ins().iconst(I32, pc as i64),
        ];
        let sig = self.runtime_sig(&[I64, I64, I32, I32, I32]);
        self.call_runtime(table_offset::PANIC, sig, &args);
    }

    /// Adds the frames of inlined callees (innermost first), then this function's frame
    /// at `pc`, to a panic's trace: the frames the calls would have had.
    fn record_frames(&mut self, inlined: &[(u32, u32)], pc: u32) {
        for &(callee, callee_pc) in inlined {
            self.record_frame(callee, callee_pc);
        }
        self.record_frame(self.index, pc);
    }

    /// Adds the frame at `pc` of function `func` to a panic's trace.
    fn record_frame(&mut self, func: u32, pc: u32) {
        let args = [
            self.ctx,
            self.module_data(),
            self.b.ins().iconst(I32, func as i64),
            self.b.ins().iconst(I32, pc as i64),
        ];
        let sig = self.runtime_sig(&[I64, I64, I32, I32]);
        self.call_runtime(table_offset::FRAME, sig, &args);
    }

    /// A panicking frame first gives back what is lent to its registers at `pc`
    /// (`dast_bytecode::lent`): the closing instruction of each open window runs
    /// through `exec_one`, innermost first, whatever it returns (the frame is failing
    /// already). Only the function's own instructions lend (inlined code never runs
    /// `exec_one`, and lending needs it).
    fn give_back_lent(&mut self, pc: u32) {
        for close in dast_bytecode::lent::closing_at(&self.lent, pc) {
            let origin = &self.origins[close as usize];
            let Some(slot) = self.words.filter(|_| origin.frames.is_empty()) else {
                continue;
            };
            let original = origin.pc;
            let (reads, _) = self.scalar_effects(&self.f.code[close as usize]);
            for &r in &reads {
                let v = self.reg(S(r));
                self.b.ins().stack_store(I64, v, slot, 8 * r as i32);
            }
            let words = self.b.ins().stack_addr(I64, slot, 0);
            let args = [
                self.ctx,
                self.module_data(),
                self.b.ins().iconst(I32, self.index as i64),
                self.b.ins().iconst(I32, original as i64),
                words,
                self.refs,
            ];
            let mut sig = self.runtime_sig(&[I64, I64, I32, I32, I64, I64]);
            sig.returns.push(AbiParam::new(I32));
            self.call_runtime(table_offset::EXEC_ONE, sig, &args);
        }
    }

    /// A panicking frame releases its references (as the interpreter's unwinding does),
    /// so the reference stack is empty again when the panic reaches the host.
    fn release_refs(&mut self) {
        if self.f.ref_regs == 0 {
            return;
        }
        let args = [self.refs, self.b.ins().iconst(I32, self.f.ref_regs as i64)];
        let sig = self.runtime_sig(&[I64, I32]);
        self.call_runtime(table_offset::CLEAR_REFS, sig, &args);
    }

    fn runtime_sig(&self, params: &[Type]) -> IrSignature {
        let mut sig = IrSignature::new(self.call_conv());
        sig.params
            .extend(params.iter().map(|&ty| AbiParam::new(ty)));
        sig
    }
}

/// Whether `inst` reads scalar register `r` as an `f64` (`Some(true)`), mentions it
/// otherwise (`Some(false)`), or does not name it (`None`).
fn reads_f64(inst: &Inst, r: S) -> Option<bool> {
    use Inst::*;
    let as_f64 = match *inst {
        AddF64 { a, b, .. }
        | SubF64 { a, b, .. }
        | MulF64 { a, b, .. }
        | DivF64 { a, b, .. }
        | RemF64 { a, b, .. }
        | EqF64 { a, b, .. }
        | LtF64 { a, b, .. }
        | LeF64 { a, b, .. } => a == r || b == r,
        NegF64 { a, .. } => a == r,
        _ => false,
    };
    if as_f64 {
        return Some(true);
    }
    struct Mentions(S, bool);
    impl dast_bytecode::opcodes::Renamer for Mentions {
        fn scalar(&mut self, s: S) -> S {
            self.1 |= s == self.0;
            s
        }
        fn reference(&mut self, r: dast_bytecode::R) -> dast_bytecode::R {
            r
        }
        fn target(&mut self, pc: u32) -> u32 {
            pc
        }
    }
    let mut mentions = Mentions(r, false);
    inst.renamed(&mut mentions);
    mentions.1.then_some(false)
}

/// Whether `inst` runs through `exec_one` (and so its function needs a frame in memory).
fn uses_exec_one(inst: &Inst) -> bool {
    !is_scalar(inst) && !is_global_word(inst)
}

/// The scalar registers an `exec_one` instruction reads and writes, or `None` for
/// "possibly any" (then every register is synced both ways).
fn scalar_effects(module: &Module, inst: &Inst) -> Option<(Vec<u16>, Vec<u16>)> {
    use Inst::*;
    let none = Vec::new;
    Some(match *inst {
        MovR { .. } | TakeR { .. } | ClearR { .. } | LoadStr { .. } | Panic { .. } => {
            (none(), none())
        }
        LoadGR { .. } | TakeGR { .. } | StoreGR { .. } => (none(), none()),
        StrConcat { .. } | StrPush { .. } | VecNew { .. } | MapNew { .. } => (none(), none()),
        StrEq { dst, .. } | StrCmp { dst, .. } | StrLen { dst, .. } | VecLen { dst, .. } => {
            (none(), vec![dst.0])
        }
        VecLoadW { dst, idx, .. } | VecLoadB { dst, idx, .. } => (vec![idx.0], vec![dst.0]),
        VecLoadR { idx, .. } | VecStoreR { idx, .. } => (vec![idx.0], none()),
        VecStoreW { idx, src, .. } | VecStoreB { idx, src, .. } => (vec![idx.0, src.0], none()),
        Intrinsic { op, ty, s, .. } => {
            let (args, res) =
                dast_bytecode::intrinsic_window_with(op, ty, &module.types, |t| module.layout(t))
                    .ok()?;
            // The whole window is written back: whatever the interpreter leaves in it.
            let reads = (s.0..s.0 + args.words as u16).collect();
            let writes = (s.0..s.0 + args.words.max(res.words) as u16).collect();
            (reads, writes)
        }
        Format { spec, .. } => {
            let mut reads = Vec::new();
            for piece in &module.format(spec).pieces {
                if let dast_bytecode::FormatPiece::Arg(arg) = piece {
                    let words = module.layout(arg.ty).words as u16;
                    reads.extend(arg.s..arg.s + words);
                }
            }
            (reads, none())
        }
        _ => return None,
    })
}

/// Where a call goes: a declared function, or a loaded function pointer.
enum CallTarget {
    Direct(FuncRef),
    Indirect(cranelift_codegen::ir::SigRef, Value),
}

type Ins<'short, 'b> = cranelift_frontend::FuncInstBuilder<'short, 'b>;

/// Which pcs begin a basic block: 0, every jump target, every instruction after a branch
/// or terminator.
fn find_leaders(code: &[Inst]) -> Vec<bool> {
    let mut leaders = vec![false; code.len()];
    leaders[0] = true;
    for (pc, inst) in code.iter().enumerate() {
        if let Some(target) = inst.target() {
            leaders[target as usize] = true;
        }
        let ends_block = inst.target().is_some() || is_terminator(inst);
        if ends_block && pc + 1 < code.len() {
            leaders[pc + 1] = true;
        }
    }
    leaders
}

/// The exported entry of a body: loads the argument words, calls the body, stores
/// the result words (past the first straight through the out-pointer), returns the
/// status.
pub(crate) fn translate_entry(
    shape: Shape,
    body: FuncRef,
    frontend: TargetFrontendConfig,
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
) {
    straight_line(func, fb_ctx, frontend, |b, params| {
        let [ctx, args, results] = params.try_into().expect("three params");
        let mut call_args = vec![ctx];
        if shape.has_out_pointer() {
            call_args.push(b.ins().iadd_imm_s(results, 8));
        }
        call_args.push(b.ins().load(I64, trusted(), ctx, CTX_REF_BASE));
        for i in 0..shape.params {
            call_args.push(b.ins().load(I64, trusted(), args, 8 * i as i32));
        }
        let call = b.ins().call(body, &call_args);
        let (word0, status) = (b.inst_results(call)[0], b.inst_results(call)[1]);
        if shape.results >= 1 {
            b.ins().store(trusted(), word0, results, 0);
        }
        let status = b.ins().ireduce(I32, status);
        b.ins().return_(&[status]);
    });
}

/// `dast_init(table, module_data)`: keeps both pointers in the module's slots.
pub(crate) fn translate_init(
    table_slot: GlobalValue,
    module_slot: GlobalValue,
    frontend: TargetFrontendConfig,
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
) {
    straight_line(func, fb_ctx, frontend, |b, params| {
        let [table, data] = params.try_into().expect("two params");
        let slot = b.ins().symbol_value(I64, table_slot);
        b.ins().store(trusted(), table, slot, 0);
        let slot = b.ins().symbol_value(I64, module_slot);
        b.ins().store(trusted(), data, slot, 0);
        b.ins().return_(&[]);
    });
}

/// A counted thunk (body convention): the call is counted in the module's
/// `in_flight` while the body runs, so the host knows when a version it replaced has
/// drained. Only slots (hot reload) lead here; direct calls go to the body.
pub(crate) fn translate_thunk(
    body: FuncRef,
    module_slot: GlobalValue,
    frontend: TargetFrontendConfig,
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
) {
    straight_line(func, fb_ctx, frontend, |b, params| {
        let slot = b.ins().symbol_value(I64, module_slot);
        let data = b.ins().load(I64, trusted(), slot, 0);
        let count = b.ins().load(I64, trusted(), data, MODULE_IN_FLIGHT);
        let up = b.ins().iadd_imm_s(count, 1);
        b.ins().store(trusted(), up, data, MODULE_IN_FLIGHT);
        let call = b.ins().call(body, &params);
        let results = b.inst_results(call).to_vec();
        let count = b.ins().load(I64, trusted(), data, MODULE_IN_FLIGHT);
        let down = b.ins().iadd_imm_s(count, -1);
        b.ins().store(trusted(), down, data, MODULE_IN_FLIGHT);
        b.ins().return_(&results);
    });
}

/// Builds a function of one block (entries, thunks, stubs, init): `body` gets the
/// builder, positioned in it, and the function's parameters.
fn straight_line(
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
    frontend: TargetFrontendConfig,
    body: impl FnOnce(&mut FunctionBuilder<'_>, Vec<Value>),
) {
    let mut b = FunctionBuilder::new(func, fb_ctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    let params = b.block_params(block).to_vec();
    body(&mut b, params);
    b.seal_all_blocks();
    b.finalize(frontend);
}

/// What a host stub asks the runtime to run.
#[derive(Clone, Copy)]
pub(crate) enum StubRequest {
    /// A `CallImport` ([`dast_abi::RuntimeTable::call_import`]).
    Import(u32),
    /// A dynamic call or an `instantiate` ([`dast_abi::RuntimeTable::call_dyn`]).
    Dyn(u32),
}

/// What a host stub needs.
pub(crate) struct HostStub {
    pub request: StubRequest,
    pub shape: Shape,
    pub table_slot: GlobalValue,
    pub module_slot: GlobalValue,
}

/// The host stub of an import (body convention): the argument words go to memory and
/// the runtime's `call_import` runs the callee however the host resolved it; the
/// result words come back (past the first through the out-pointer).
pub(crate) fn translate_host_stub(
    stub: HostStub,
    frontend: TargetFrontendConfig,
    func: &mut IrFunction,
    fb_ctx: &mut FunctionBuilderContext,
) {
    let call_conv = func.signature.call_conv;
    let shape = stub.shape;
    straight_line(func, fb_ctx, frontend, |b, params| {
        let ctx = params[0];
        let out = shape.has_out_pointer().then(|| params[1]);
        let first_word = 2 + out.is_some() as usize;
        let refs = params[first_word - 1];
        let slot_for = |b: &mut FunctionBuilder<'_>, words: u32| {
            b.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                8 * words.max(1),
                3,
            ))
        };
        let arg_slot = slot_for(b, shape.params);
        let res_slot = slot_for(b, shape.results);
        for (i, &v) in params[first_word..].iter().enumerate() {
            b.ins().stack_store(I64, v, arg_slot, 8 * i as i32);
        }
        let args_ptr = b.ins().stack_addr(I64, arg_slot, 0);
        let res_ptr = b.ins().stack_addr(I64, res_slot, 0);
        let slot = b.ins().symbol_value(I64, stub.module_slot);
        let data = b.ins().load(I64, trusted(), slot, 0);
        let (request, entry) = match stub.request {
            StubRequest::Import(i) => (i, table_offset::CALL_IMPORT),
            StubRequest::Dyn(d) => (d, table_offset::CALL_DYN),
        };
        let import = b.ins().iconst(I32, request as i64);
        let mut sig = IrSignature::new(call_conv);
        sig.params.extend(
            [I64, I64, I32, I64, I64, I64]
                .iter()
                .map(|&t| AbiParam::new(t)),
        );
        sig.returns.push(AbiParam::new(I32));
        let slot = b.ins().symbol_value(I64, stub.table_slot);
        let table = b.ins().load(I64, trusted(), slot, 0);
        let fptr = b.ins().load(I64, trusted(), table, entry);
        let sigref = b.import_signature(sig);
        let call =
            b.ins()
                .call_indirect(sigref, fptr, &[ctx, data, import, args_ptr, res_ptr, refs]);
        let status = b.inst_results(call)[0];
        let status = b.ins().uextend(I64, status);
        let word0 = b.ins().stack_load(I64, I64, res_slot, 0);
        if let Some(out) = out {
            for k in 1..shape.results {
                let v = b.ins().stack_load(I64, I64, res_slot, 8 * k as i32);
                b.ins().store(trusted(), v, out, 8 * (k as i32 - 1));
            }
        }
        b.ins().return_(&[word0, status]);
    });
}
