//! Which vector registers are known (loaded and checked) at the start of each bytecode
//! block: a forward "must" dataflow over the function's blocks, so a loop's body reuses
//! what was checked before the loop or in its previous iteration (the fields travel in
//! Cranelift variables, which become block parameters at merges).
//!
//! The transfer function mirrors what the fast paths record (`heap.rs`): an access that
//! continues has checked its vector (a failed check never continues), a store leaves
//! the vector unique, `MovR`/`TakeR` copy or move the knowledge, `ClearR` and every
//! instruction that may change references or the heap forget it.

use std::collections::BTreeMap;

use dast_bytecode::{is_terminator, Inst};

use super::{has_fast_path, keeps_heap};

/// What is known about one vector register.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Facts {
    /// Its word storage (data pointer, words per element) was read.
    pub words: bool,
    /// Its byte storage (data pointer, kind) was read.
    pub bytes: bool,
    /// Its count is one.
    pub unique: bool,
    /// Offsets below this are known to be `< wpe`.
    pub checked: u32,
}

pub(super) type FactMap = BTreeMap<u16, Facts>;

/// The facts at the start of each block (`Some` at block leaders).
pub(super) fn entry_facts(code: &[Inst], leaders: &[bool]) -> Vec<Option<FactMap>> {
    let starts: Vec<usize> = (0..code.len()).filter(|&pc| leaders[pc]).collect();
    let block_of = |pc: usize| starts.partition_point(|&s| s <= pc) - 1;
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); starts.len()];
    for (b, &start) in starts.iter().enumerate() {
        let end = starts.get(b + 1).copied().unwrap_or(code.len()) - 1;
        let last = &code[end];
        if let Some(target) = last.target() {
            preds[block_of(target as usize)].push(b);
        }
        if !is_terminator(last) && end + 1 < code.len() {
            preds[b + 1].push(b);
        }
        let _ = start;
    }
    // `None`: not computed yet (the top of the lattice).
    let mut outs: Vec<Option<FactMap>> = vec![None; starts.len()];
    let mut ins: Vec<FactMap> = vec![FactMap::new(); starts.len()];
    loop {
        let mut changed = false;
        for b in 0..starts.len() {
            let entry = if b == 0 || preds[b].is_empty() {
                FactMap::new()
            } else {
                meet(preds[b].iter().filter_map(|&p| outs[p].as_ref()))
            };
            let end = starts.get(b + 1).copied().unwrap_or(code.len());
            let mut facts = entry.clone();
            for inst in &code[starts[b]..end] {
                transfer(&mut facts, inst);
            }
            ins[b] = entry;
            if outs[b].as_ref() != Some(&facts) {
                outs[b] = Some(facts);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut result = vec![None; code.len()];
    for (b, &start) in starts.iter().enumerate() {
        result[start] = Some(std::mem::take(&mut ins[b]));
    }
    result
}

/// The facts true on every one of `maps` (nothing when there are none: a block whose
/// predecessors are all still unknown gets computed again later).
fn meet<'a>(mut maps: impl Iterator<Item = &'a FactMap>) -> FactMap {
    let Some(first) = maps.next() else {
        return FactMap::new();
    };
    let mut acc = first.clone();
    for m in maps {
        acc.retain(|r, f| match m.get(r) {
            Some(g) => {
                f.words &= g.words;
                f.bytes &= g.bytes;
                f.unique &= g.unique;
                f.checked = f.checked.min(g.checked);
                true
            }
            None => false,
        });
    }
    acc
}

/// The facts after `inst`, from those before it.
pub(super) fn transfer(facts: &mut FactMap, inst: &Inst) {
    use Inst::*;
    if !has_fast_path(inst) {
        if !keeps_heap(inst) {
            facts.clear();
        }
        return;
    }
    match *inst {
        VecLen { v, .. } => {
            facts.entry(v.0).or_default();
        }
        VecLoadW { v, off, .. } | VecStoreW { v, off, .. } => {
            let f = facts.entry(v.0).or_default();
            f.words = true;
            f.checked = f.checked.max(u32::from(off) + 1);
            f.unique |= matches!(inst, VecStoreW { .. });
        }
        VecLoadB { v, .. } | VecStoreB { v, .. } => {
            let f = facts.entry(v.0).or_default();
            f.bytes = true;
            f.unique |= matches!(inst, VecStoreB { .. });
        }
        MovR { dst, src } if dst != src => {
            facts.remove(&dst.0);
            if let Some(f) = facts.get_mut(&src.0) {
                f.unique = false;
                let copy = *f;
                facts.insert(dst.0, copy);
            }
        }
        TakeR { dst, src } if dst != src => {
            let moved = facts.remove(&src.0);
            facts.remove(&dst.0);
            if let Some(f) = moved {
                facts.insert(dst.0, f);
            }
        }
        ClearR { dst } => {
            facts.remove(&dst.0);
        }
        _ => {}
    }
}
