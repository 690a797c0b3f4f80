//! `VecPush` in machine code: pushing onto a vector that is not shared and has room
//! writes the element's words (or its byte) after the last one and counts it. Growing
//! the vector, copying a shared one, elements holding references and every failure
//! take the slow path, the interpreter's own instruction through `exec_one`.
//!
//! The element's words sit in the registers `s..s + wpe`, where `wpe` is a property of
//! the vector, known only at run time: a jump table on it picks how many to store
//! (falling through from the last word to the first, like a switch without breaks).
//! Sizes past the frame's registers go to the slow path, whose window check fails as
//! the interpreter's does.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{F64, I32, I64};
use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, JumpTableData, Value};
use dast_abi::heap as layout;
use dast_bytecode::{Inst, R, S};

use super::super::{trusted, Translator};
use super::Slow;

/// Most words per element stored inline (larger elements take the slow path).
const MAX_INLINE_WORDS: u16 = 16;

impl Translator<'_, '_> {
    /// `VecPush v, s, r` (`inst`, at `pc`).
    pub(in crate::translate) fn vec_push(&mut self, pc: u32, inst: Inst, v: R, s: S) {
        let mut slow = Slow::default();
        let obj = self.unique_object(v, layout::TAG_VEC, &mut slow);

        let done = self.b.create_block();
        let words = self.b.create_block();
        let bytes = self.b.create_block();
        let kind = self.b.ins().uload8(I64, trusted(), obj, layout::VEC_KIND);
        let is_words = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, kind, i64::from(layout::KIND_WORDS));
        self.b.ins().brif(is_words, words, &[], bytes, &[]);

        self.b.seal_block(words);
        self.b.switch_to_block(words);
        self.push_words(obj, s, done, &mut slow);

        self.b.seal_block(bytes);
        self.b.switch_to_block(bytes);
        self.push_byte(obj, s, done, &mut slow);

        self.slow_path_then(pc, inst, slow, done);
    }

    /// The words of an element without references, when they fit the capacity.
    fn push_words(&mut self, obj: Value, s: S, done: Block, slow: &mut Slow) {
        let rpe = self.b.ins().load(I32, trusted(), obj, layout::VEC_RPE);
        let no_refs = self.b.ins().icmp_imm_s(IntCC::Equal, rpe, 0);
        self.guard(no_refs, slow);
        let f = layout::VEC_WORDS;
        let wpe = self.b.ins().load(I32, trusted(), obj, layout::VEC_WPE);
        let wpe64 = self.b.ins().uextend(I64, wpe);
        let used = self.b.ins().load(I64, trusted(), obj, f.len);
        let cap = self.b.ins().load(I64, trusted(), obj, f.cap);
        let new_used = self.b.ins().iadd(used, wpe64);
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, new_used, cap);
        self.guard(fits, slow);
        let data = self.b.ins().load(I64, trusted(), obj, f.ptr);
        let offset = self.b.ins().ishl_imm_u(used, 3);
        let at = self.b.ins().iadd(data, offset);

        // Case `k` stores word `k - 1` and falls to case `k - 1`; case 0 finishes.
        let available = self.f.scalar_regs.saturating_sub(s.0).min(MAX_INLINE_WORDS);
        let cases: Vec<Block> = (0..=available).map(|_| self.b.create_block()).collect();
        let slow_block = self.slow_block(slow);
        let table: Vec<_> = cases
            .iter()
            .enumerate()
            .map(|(k, &block)| {
                // Zero words per element (a vector of `()`) is rare: the slow path.
                let target = if k == 0 { slow_block } else { block };
                self.b.func.dfg.block_call(target, &[] as &[BlockArg])
            })
            .collect();
        let default = self.b.func.dfg.block_call(slow_block, &[] as &[BlockArg]);
        let jt = self
            .b
            .create_jump_table(JumpTableData::new(default, &table));
        self.b.ins().br_table(wpe, jt);
        for k in (1..=available).rev() {
            self.b.seal_block(cases[k as usize]);
            self.b.switch_to_block(cases[k as usize]);
            let word = self.reg(S(s.0 + k - 1));
            let word = self.known_float(word, F64).unwrap_or(word);
            self.b
                .ins()
                .store(trusted(), word, at, i32::from(k - 1) * 8);
            self.b.ins().jump(cases[k as usize - 1], &[]);
        }
        self.b.seal_block(cases[0]);
        self.b.switch_to_block(cases[0]);
        self.b.ins().store(trusted(), new_used, obj, f.len);
        self.count_element(obj);
        self.b.ins().jump(done, &[]);
    }

    /// The element's byte, when it fits the capacity.
    fn push_byte(&mut self, obj: Value, s: S, done: Block, slow: &mut Slow) {
        if s.0 >= self.f.scalar_regs {
            // No register for the byte: the interpreter's window check fails.
            let slow_block = self.slow_block(slow);
            self.b.ins().jump(slow_block, &[]);
            return;
        }
        let f = layout::VEC_BYTES;
        let used = self.b.ins().load(I64, trusted(), obj, f.len);
        let cap = self.b.ins().load(I64, trusted(), obj, f.cap);
        let fits = self.b.ins().icmp(IntCC::UnsignedLessThan, used, cap);
        self.guard(fits, slow);
        let data = self.b.ins().load(I64, trusted(), obj, f.ptr);
        let at = self.b.ins().iadd(data, used);
        let word = self.reg(s);
        self.b.ins().istore8(trusted(), word, at, 0);
        let new_used = self.b.ins().iadd_imm_s(used, 1);
        self.b.ins().store(trusted(), new_used, obj, f.len);
        self.count_element(obj);
        self.b.ins().jump(done, &[]);
    }

    /// One more element in the vector's length.
    fn count_element(&mut self, obj: Value) {
        let len = self.b.ins().load(I64, trusted(), obj, layout::VEC_LEN);
        let len = self.b.ins().iadd_imm_s(len, 1);
        self.b.ins().store(trusted(), len, obj, layout::VEC_LEN);
    }
}
