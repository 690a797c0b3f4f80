//! `Intrinsic VecPop` in machine code, for vectors of one-word elements (integers,
//! floats, `char`, field-less enums): popping from a vector that is not shared reads the
//! last word and counts one element less, with no call. Byte vectors, elements of
//! several words or holding references, shared vectors and anything unexpected take the
//! slow path, the interpreter's own instruction through `exec_one`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::InstBuilder;
use dast_abi::heap as layout;
use dast_bytecode::{Inst, Layout, Module, TypeId, R, S};

use super::super::{trusted, Translator};
use super::Slow;

/// Whether `pop` of a `Vec[T]` (`ty` = `T`) can take the fast path when the vector
/// allows it: `T` is one word without references.
pub(in crate::translate) fn pops_one_word(module: &Module, ty: TypeId) -> bool {
    (ty.0 as usize) < module.types.len() && module.layout(ty) == Layout::WORD
}

impl Translator<'_, '_> {
    /// `Intrinsic VecPop` on the vector in `r`, results from `s`: the `Option` tag, then
    /// the element's word (left as it was when the vector is empty, as the
    /// interpreter does).
    pub(in crate::translate) fn vec_pop_word(&mut self, pc: u32, inst: Inst, r: R, s: S) {
        let mut slow = Slow::default();
        let obj = self.unique_object(r, layout::TAG_VEC, &mut slow);
        let kind = self.b.ins().uload8(I64, trusted(), obj, layout::VEC_KIND);
        let is_words = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, kind, i64::from(layout::KIND_WORDS));
        self.guard(is_words, &mut slow);
        let wpe = self.b.ins().load(
            cranelift_codegen::ir::types::I32,
            trusted(),
            obj,
            layout::VEC_WPE,
        );
        let one_word = self.b.ins().icmp_imm_s(IntCC::Equal, wpe, 1);
        self.guard(one_word, &mut slow);
        let rpe = self.b.ins().load(
            cranelift_codegen::ir::types::I32,
            trusted(),
            obj,
            layout::VEC_RPE,
        );
        let no_refs = self.b.ins().icmp_imm_s(IntCC::Equal, rpe, 0);
        self.guard(no_refs, &mut slow);

        let done = self.b.create_block();
        let some = self.b.create_block();
        let none = self.b.create_block();
        let len = self.b.ins().load(I64, trusted(), obj, layout::VEC_LEN);
        self.b.ins().brif(len, some, &[], none, &[]);

        self.b.seal_block(none);
        self.b.switch_to_block(none);
        let zero = self.b.ins().iconst(I64, 0);
        self.set(s, zero);
        self.b.ins().jump(done, &[]);

        self.b.seal_block(some);
        self.b.switch_to_block(some);
        let f = layout::VEC_WORDS;
        let used = self.b.ins().load(I64, trusted(), obj, f.len);
        // The words' length follows the element count (one word each); a mismatch
        // would be a bug elsewhere: the interpreter's path decides then.
        let consistent = self.b.ins().icmp(IntCC::Equal, used, len);
        self.guard(consistent, &mut slow);
        let last = self.b.ins().iadd_imm_s(used, -1);
        let data = self.b.ins().load(I64, trusted(), obj, f.ptr);
        let offset = self.b.ins().ishl_imm_u(last, 3);
        let at = self.b.ins().iadd(data, offset);
        let word = self.b.ins().load(I64, trusted(), at, 0);
        self.b.ins().store(trusted(), last, obj, f.len);
        self.b.ins().store(trusted(), last, obj, layout::VEC_LEN);
        let one = self.b.ins().iconst(I64, 1);
        self.set(s, one);
        self.set(S(s.0 + 1), word);
        self.b.ins().jump(done, &[]);

        self.slow_path_then(pc, inst, slow, done);
    }
}
