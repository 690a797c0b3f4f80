//! `StrPush` in machine code: appending to a string that is not shared and has room
//! for the tail is a byte copy and a new length (what `String::push_str` does when it
//! need not allocate). Everything else, including growing the string, copying a shared
//! one and every panic, takes the slow path: the interpreter's own instruction (through
//! `exec_one`, or `exec_borrowed` when the tail is a borrowed temporary, `borrow.rs`).
//!
//! The tail is read where it lives: in a register, or (borrowed) in a vector's element
//! that a `VecLoadR` right before the push would have loaded. The fast path checks what
//! the interpreter would (the element is in bounds, both objects are strings); when any
//! check fails the slow path runs the instructions themselves, so a failure panics with
//! the interpreter's message.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I16, I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Type, Value};
use dast_bytecode::{R, S};
use dast_vm::native::layout;

use super::super::{trusted, Translator};
use super::Slow;
use crate::abi::table_offset;

/// Where a push's tail string is.
#[derive(Clone, Copy)]
pub(in crate::translate) enum Tail {
    /// In a register (not the destination).
    Reg(R),
    /// Element `idx`, reference `off`, of the vector in `v` (a borrowed `VecLoadR`).
    Elem { v: R, idx: S, off: u16 },
}

/// Tails at most this long are copied inline; longer ones through the runtime's
/// `copy_bytes` (memcpy).
const INLINE_COPY: i64 = 16;

impl Translator<'_, '_> {
    /// `StrPush dst, tail`: the fast path, then `slow_path` (which runs the original
    /// instructions) when one of its checks fails.
    pub(in crate::translate) fn str_push(
        &mut self,
        dst: R,
        tail: Tail,
        slow_path: impl FnOnce(&mut Self),
    ) {
        let mut slow = Slow::default();
        let tail_obj = self.tail_object(tail, &mut slow);
        self.guard_tag(tail_obj, layout::TAG_STR, &mut slow);
        let obj = self.load_slot(dst);
        self.guard(obj, &mut slow);
        self.guard_tag(obj, layout::TAG_STR, &mut slow);
        let count_at = self.b.ins().iadd_imm_s(obj, i64::from(layout::COUNT));
        let count = self.b.ins().atomic_load(I64, trusted(), count_at);
        let unique = self.b.ins().icmp_imm_s(IntCC::Equal, count, 1);
        self.guard(unique, &mut slow);

        let f = layout::str_fields();
        let len = self.b.ins().load(I64, trusted(), obj, f.len);
        let cap = self.b.ins().load(I64, trusted(), obj, f.cap);
        let n = self.b.ins().load(I64, trusted(), tail_obj, f.len);
        let new_len = self.b.ins().iadd(len, n);
        let fits = self
            .b
            .ins()
            .icmp(IntCC::UnsignedLessThanOrEqual, new_len, cap);
        self.guard(fits, &mut slow);
        let data = self.b.ins().load(I64, trusted(), obj, f.ptr);
        let to = self.b.ins().iadd(data, len);
        let from = self.b.ins().load(I64, trusted(), tail_obj, f.ptr);
        self.copy_bytes(to, from, n);
        self.b.ins().store(trusted(), new_len, obj, f.len);

        let Some(slow_block) = slow.0 else { return };
        let cont = self.b.create_block();
        self.b.ins().jump(cont, &[]);
        self.b.seal_block(slow_block);
        self.b.switch_to_block(slow_block);
        slow_path(self);
        let resumed = self.b.current_block().expect("the slow path continues");
        self.b.set_cold_block(resumed);
        self.b.ins().jump(cont, &[]);
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    /// The tail's object pointer, after the checks the interpreter's load would make.
    fn tail_object(&mut self, tail: Tail, slow: &mut Slow) -> Value {
        let slot = match tail {
            Tail::Reg(r) => return self.load_slot(r),
            Tail::Elem { v, idx, off } => {
                let vec = self.load_slot(v);
                self.guard(vec, slow);
                self.guard_tag(vec, layout::TAG_VEC, slow);
                // Only word vectors hold references; a byte vector's `rpe` is zero.
                let rpe = self.b.ins().uload32(trusted(), vec, layout::VEC_RPE);
                let has_off =
                    self.b
                        .ins()
                        .icmp_imm_s(IntCC::UnsignedGreaterThan, rpe, i64::from(off));
                self.guard(has_off, slow);
                let len = self.b.ins().load(I64, trusted(), vec, layout::VEC_LEN);
                let i = self.reg(idx);
                let in_bounds = self.b.ins().icmp(IntCC::UnsignedLessThan, i, len);
                self.guard(in_bounds, slow);
                let refs = self.b.ins().load(I64, trusted(), vec, layout::VEC_REFS_PTR);
                let first = self.b.ins().imul(i, rpe);
                let index = self.b.ins().iadd_imm_s(first, i64::from(off));
                let bytes = self.b.ins().ishl_imm_u(index, 3);
                self.b.ins().iadd(refs, bytes)
            }
        };
        let obj = self.b.ins().load(I64, trusted(), slot, 0);
        self.guard(obj, slow);
        obj
    }

    /// Copies `n` bytes from `from` to `to` (not overlapping). Up to [`INLINE_COPY`]
    /// bytes move as two overlapping words (or halves, or three single bytes), the way
    /// a small `memcpy` does, reading and writing only inside both ranges.
    fn copy_bytes(&mut self, to: Value, from: Value, n: Value) {
        let done = self.b.create_block();
        let small = self.b.create_block();
        let large = self.b.create_block();
        self.b.set_cold_block(large);
        let is_small = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, n, INLINE_COPY);
        self.b.ins().brif(is_small, small, &[], large, &[]);

        self.b.seal_block(large);
        self.b.switch_to_block(large);
        let mut sig = self.runtime_sig(&[I64, I64, I64]);
        sig.returns.clear();
        self.call_runtime(table_offset::COPY_BYTES, sig, &[to, from, n]);
        self.b.ins().jump(done, &[]);

        self.b.seal_block(small);
        self.b.switch_to_block(small);
        // Widest first: [8, 16], [4, 8), [2, 4) as two overlapping accesses, then 1.
        for (width, ty) in [(8, I64), (4, I32), (2, I16)] {
            let wide = self.b.create_block();
            let narrower = self.b.create_block();
            let fits = self
                .b
                .ins()
                .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, n, width);
            self.b.ins().brif(fits, wide, &[], narrower, &[]);
            self.b.seal_block(wide);
            self.b.switch_to_block(wide);
            self.copy_ends(to, from, n, ty, width);
            self.b.ins().jump(done, &[]);
            self.b.seal_block(narrower);
            self.b.switch_to_block(narrower);
        }
        let one = self.b.create_block();
        self.b.ins().brif(n, one, &[], done, &[]);
        self.b.seal_block(one);
        self.b.switch_to_block(one);
        let byte = self.b.ins().load(I8, trusted(), from, 0);
        self.b.ins().store(trusted(), byte, to, 0);
        self.b.ins().jump(done, &[]);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
    }

    /// Copies bytes `[0, width)` and `[n - width, n)`: all of `[0, n)` when
    /// `width <= n <= 2 * width`.
    fn copy_ends(&mut self, to: Value, from: Value, n: Value, ty: Type, width: i64) {
        let head = self.b.ins().load(ty, unaligned(), from, 0);
        let last = self.b.ins().iadd_imm_s(n, -width);
        let from_end = self.b.ins().iadd(from, last);
        let to_end = self.b.ins().iadd(to, last);
        let tail = self.b.ins().load(ty, unaligned(), from_end, 0);
        self.b.ins().store(unaligned(), head, to, 0);
        self.b.ins().store(unaligned(), tail, to_end, 0);
    }
}

/// Byte data at any address, never trapping (the ranges were checked).
fn unaligned() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}
