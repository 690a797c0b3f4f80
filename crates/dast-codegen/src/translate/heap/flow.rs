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

/// What a loop's entries establish for it (see [`Flow::upgrades`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Upgrade {
    /// Load the word storage's fields (the loop reads or writes words of it).
    pub words: bool,
    /// Make the vector unique (the loop stores into it).
    pub unique: bool,
}

/// The dataflow's results.
pub(super) struct Flow {
    /// The facts at the start of each block (`Some` at block leaders).
    pub entry: Vec<Option<FactMap>>,
    /// Per block, at the pc of its last instruction: what to establish at its end for
    /// the loops it enters.
    ///
    /// A loop's body learns facts on its first iteration that the code before the
    /// loop never needed, so the meet at the loop's header would drop them and every
    /// iteration would load and check them again. For a register known to hold a
    /// vector on entry, two of them can be made true before the loop at no risk: its
    /// word storage's fields (plain loads from a vector) and its being unique (a copy
    /// of a shared vector, which the loop's first store would make anyway and which
    /// no program can observe). Offsets checked against `wpe` cannot: that check may
    /// fail, and must fail at the instruction that makes it.
    pub upgrades: Vec<Option<Vec<(u16, Upgrade)>>>,
}

/// Runs the dataflow over `code`, whose blocks begin at `leaders`.
pub(super) fn analyze(code: &[Inst], leaders: &[bool]) -> Flow {
    let starts: Vec<usize> = (0..code.len()).filter(|&pc| leaders[pc]).collect();
    let block_of = |pc: usize| starts.partition_point(|&s| s <= pc) - 1;
    let end_of = |b: usize| starts.get(b + 1).copied().unwrap_or(code.len()) - 1;
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); starts.len()];
    for b in 0..starts.len() {
        let last = &code[end_of(b)];
        if let Some(target) = last.target() {
            preds[block_of(target as usize)].push(b);
        }
        if !is_terminator(last) && end_of(b) + 1 < code.len() {
            preds[b + 1].push(b);
        }
    }
    let needs = loop_needs(code, &starts, &preds, end_of);
    // What block `p` hands to block `b`: its facts, upgraded on a loop's entry edge.
    let edge = |outs: &[Option<FactMap>], p: usize, b: usize| -> Option<FactMap> {
        let mut facts = outs[p].clone()?;
        if let Some(need) = needs[b].as_ref().filter(|_| p < b) {
            for (r, f) in facts.iter_mut() {
                let up = need.get(r).copied().unwrap_or_default();
                f.words |= up.words;
                f.unique |= up.unique;
            }
        }
        Some(facts)
    };
    // `None`: not computed yet (the top of the lattice).
    let mut outs: Vec<Option<FactMap>> = vec![None; starts.len()];
    let mut ins: Vec<FactMap> = vec![FactMap::new(); starts.len()];
    loop {
        let mut changed = false;
        for b in 0..starts.len() {
            let entry = if b == 0 || preds[b].is_empty() {
                FactMap::new()
            } else {
                let incoming: Vec<FactMap> =
                    preds[b].iter().filter_map(|&p| edge(&outs, p, b)).collect();
                meet(incoming.iter())
            };
            let mut facts = entry.clone();
            for inst in &code[starts[b]..=end_of(b)] {
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
    let mut entry = vec![None; code.len()];
    let mut upgrades = vec![None; code.len()];
    for (b, &start) in starts.iter().enumerate() {
        entry[start] = Some(std::mem::take(&mut ins[b]));
    }
    for (h, need) in needs.iter().enumerate() {
        let Some(need) = need else { continue };
        for &p in preds[h].iter().filter(|&&p| p < h) {
            let Some(out) = &outs[p] else { continue };
            for (r, f) in out {
                let Some(&up) = need.get(r) else { continue };
                let up = Upgrade {
                    words: up.words && !f.words,
                    unique: up.unique && !f.unique,
                };
                if up != Upgrade::default() {
                    merge_upgrade(upgrades[end_of(p)].get_or_insert_with(Vec::new), *r, up);
                }
            }
        }
    }
    Flow { entry, upgrades }
}

fn merge_upgrade(list: &mut Vec<(u16, Upgrade)>, r: u16, up: Upgrade) {
    match list.iter_mut().find(|(x, _)| *x == r) {
        Some((_, u)) => {
            u.words |= up.words;
            u.unique |= up.unique;
        }
        None => list.push((r, up)),
    }
}

/// For each block that heads a loop (the target of a jump from itself or a later
/// block), what its body does with each vector register: word accesses and stores.
/// The body is taken as every block from the header to the last one jumping back.
fn loop_needs(
    code: &[Inst],
    starts: &[usize],
    preds: &[Vec<usize>],
    end_of: impl Fn(usize) -> usize,
) -> Vec<Option<BTreeMap<u16, Upgrade>>> {
    use Inst::*;
    (0..starts.len())
        .map(|h| {
            let last = preds[h].iter().copied().filter(|&p| p >= h).max()?;
            let mut need: BTreeMap<u16, Upgrade> = BTreeMap::new();
            for inst in &code[starts[h]..=end_of(last)] {
                match *inst {
                    VecLoadW { v, .. } => need.entry(v.0).or_default().words = true,
                    VecStoreW { v, .. } => {
                        let up = need.entry(v.0).or_default();
                        up.words = true;
                        up.unique = true;
                    }
                    VecStoreB { v, .. } => need.entry(v.0).or_default().unique = true,
                    _ => {}
                }
            }
            Some(need)
        })
        .collect()
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
