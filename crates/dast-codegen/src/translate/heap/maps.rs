//! Maps with one-word keys (integers, `bool`, `char`, field-less enums) and values
//! without references, from machine code: `MapGet` of a borrowed map and `MapInsert`
//! of a one-word value call the runtime's `map_find_word`/`map_insert_word` directly,
//! with the key and value in registers, instead of running the interpreter's generic
//! intrinsic (which works out the window's layout from the type on every call). The
//! runtime checks the object; anything else (not a map, another layout) comes back
//! as "not handled" and takes the slow path, the interpreter's own instruction.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{AbiParam, Block, InstBuilder, Value};
use dast_abi::{INSERT_NOT_HANDLED, NOT_HANDLED};
use dast_bytecode::{Layout, Module, TypeDesc, TypeId, R, S};

use super::super::{trusted, Translator};
use dast_abi::table_offset;

/// Most value words a `MapGet` reads back inline.
const MAX_VALUE_WORDS: u32 = 16;

/// The value words of map type `ty` when its keys are one word and its values have no
/// references (at most [`MAX_VALUE_WORDS`]).
pub(in crate::translate) fn word_map_values(module: &Module, ty: TypeId) -> Option<u32> {
    let TypeDesc::Map(k, v) = module.types.get(ty.0 as usize)? else {
        return None;
    };
    let (kl, vl) = (module.layout(*k), module.layout(*v));
    (kl == Layout::WORD && vl.refs == 0 && vl.words <= MAX_VALUE_WORDS).then_some(vl.words)
}

impl Translator<'_, '_> {
    /// `MapGet` with the map read where it lives, in `map` (a borrowed temporary, so
    /// no register is taken or released), the key at `s` and the result (found flag,
    /// then the value's `words`) written from `s`; an absent key leaves the value's
    /// registers as they were, as the interpreter does.
    pub(in crate::translate) fn map_get_word(
        &mut self,
        map: R,
        s: S,
        words: u32,
        slow_path: impl FnOnce(&mut Self),
    ) {
        let slot = self.slot_address(map);
        let key = self.reg(s);
        let count = self.b.ins().iconst(I32, i64::from(words));
        let mut sig = self.runtime_sig(&[I64, I64, I32]);
        sig.returns.push(AbiParam::new(I64));
        let call = self.call_runtime(table_offset::MAP_FIND_WORD, sig, &[slot, key, count]);
        let at = self.b.inst_results(call)[0];

        let (slow, done) = self.unless_not_handled(at, NOT_HANDLED as i64);
        let found = self.b.create_block();
        let is_found = self.b.ins().icmp_imm_s(IntCC::NotEqual, at, 0);
        let flag = self.b.ins().uextend(I64, is_found);
        self.set(s, flag);
        self.b.ins().brif(is_found, found, &[], done, &[]);

        self.b.seal_block(found);
        self.b.switch_to_block(found);
        for j in 0..words {
            let word = self.b.ins().load(I64, trusted(), at, (8 * j) as i32);
            self.set(S(s.0 + 1 + j as u16), word);
        }
        self.b.ins().jump(done, &[]);

        self.run_slow_then_join(slow, done, slow_path);
    }

    /// `MapInsert` of a one-word key (at `s`) and value (at `s + 1`) into the map in
    /// register `map`: the result is the old-value flag at `s` and, at `s + 1`, the
    /// old value when there was one, the new one otherwise (what the interpreter
    /// leaves in the window).
    pub(in crate::translate) fn map_insert_word(
        &mut self,
        map: R,
        s: S,
        slow_path: impl FnOnce(&mut Self),
    ) {
        let slot = self.slot_address(map);
        let key = self.reg(s);
        let value_reg = S(s.0 + 1);
        let value = self.reg(value_reg);
        let mut sig = self.runtime_sig(&[I64, I64, I64]);
        sig.returns.extend([AbiParam::new(I64), AbiParam::new(I64)]);
        let call = self.call_runtime(table_offset::MAP_INSERT_WORD, sig, &[slot, key, value]);
        let (status, old) = (self.b.inst_results(call)[0], self.b.inst_results(call)[1]);

        let (slow, done) = self.unless_not_handled(status, INSERT_NOT_HANDLED as i64);
        self.set(s, status);
        let result = self.b.ins().select(status, old, value);
        self.set(value_reg, result);
        self.b.ins().jump(done, &[]);

        self.run_slow_then_join(slow, done, slow_path);
    }

    /// Branches on a runtime entry's result `x`: to a new cold block (returned first)
    /// when it is `marker` ("not handled"), else on in a new block, which becomes the
    /// current one; also returns the block both paths will join at.
    fn unless_not_handled(&mut self, x: Value, marker: i64) -> (Block, Block) {
        let (slow, handled, done) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.set_cold_block(slow);
        let not_handled = self.b.ins().icmp_imm_s(IntCC::Equal, x, marker);
        self.b.ins().brif(not_handled, slow, &[], handled, &[]);
        self.b.seal_block(handled);
        self.b.switch_to_block(handled);
        (slow, done)
    }
}
