//! `StrPush` in machine code: appending to a string that is not shared and has room
//! for the tail is a memcpy and a new length (what `String::push_str` does when it
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
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{InstBuilder, Value};
use dast_abi::heap as layout;
use dast_bytecode::{R, S};

use super::super::{trusted, Translator};
use super::Slow;
use dast_abi::table_offset;

/// Where a push's tail string is.
#[derive(Clone, Copy)]
pub(in crate::translate) enum Tail {
    /// In a register (not the destination).
    Reg(R),
    /// Element `idx`, reference `off`, of the vector in `v` (a borrowed `VecLoadR`).
    Elem { v: R, idx: S, off: u16 },
}

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
        let obj = self.unique_object(dst, layout::TAG_STR, &mut slow);

        let f = layout::STR_TEXT;
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

        self.finish_joining_with(slow, slow_path);
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
                let refs = self.b.ins().load(I64, trusted(), vec, layout::VEC_REFS.ptr);
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

    /// Copies `n` bytes from `from` to `to` (not overlapping) with the runtime's
    /// `copy_bytes` (memcpy). An inline copy branching on the length class (two
    /// overlapping words, halves, bytes) was no faster on the strcat benchmark's
    /// three- to five-byte strings and made every push site longer to compile.
    fn copy_bytes(&mut self, to: Value, from: Value, n: Value) {
        let sig = self.runtime_sig(&[I64, I64, I64]);
        self.call_runtime(table_offset::COPY_BYTES, sig, &[to, from, n]);
    }
}
