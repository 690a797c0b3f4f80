//! Temporaries that borrow: a reference loaded into a register only to be read once and
//! cleared (`s.push_str(words[i])`, `m.get(k)`, `a == b` on strings) is run as one
//! runtime call, `exec_borrowed`, which lets the reader see the object where it lives.
//! Copying it into the temporary would count it up and down again: two atomic
//! operations, which cost more than the rest of such a loop.
//!
//! The shape, within one basic block:
//!
//! ```text
//! VecLoadR t, v, i, off   |  MovR t, src        (the load; `v`/`src` is the origin)
//!                         |  (scalar instructions)
//! reader of t             (StrPush x, t | StrLen _, t | StrEq/StrCmp with t | MapGet at t)
//! (scalar instructions)
//! ClearR t
//! ```
//!
//! Scalar instructions change no reference register, so the origin still holds the
//! object when the reader runs, and nobody looks at the temporary before it is cleared.
//! A `VecLoadR` must be right before its reader, so its bounds check panics at the same
//! point as in the interpreter. The load itself is not translated: if a scalar
//! instruction panics in between, the temporary is simply empty (as after the release
//! the interpreter's unwinding would do).

use dast_bytecode::{intrinsic_window_with, Inst, Intrinsic, Module, R};

use super::heap::keeps_heap;

/// What an instruction is in a borrowed use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Borrow {
    /// A load left untranslated: its reader runs it.
    Load,
    /// The reader: runs the load at `load` and itself in one `exec_borrowed`.
    Reader { load: u32 },
}

/// For each pc, its part in a borrowed use, if any. `leaders` marks the pcs that begin
/// a basic block (a borrowed use never spans two).
pub(super) fn find_borrows(
    module: &Module,
    code: &[Inst],
    leaders: &[bool],
) -> Vec<Option<Borrow>> {
    let mut roles = vec![None; code.len()];
    for pc in 0..code.len() {
        if let Some(reader) = borrowed_use(module, code, leaders, pc) {
            roles[pc] = Some(Borrow::Load);
            roles[reader] = Some(Borrow::Reader { load: pc as u32 });
        }
    }
    roles
}

/// The reader's pc when the load at `pc` begins a borrowed use.
fn borrowed_use(module: &Module, code: &[Inst], leaders: &[bool], pc: usize) -> Option<usize> {
    let (temp, origin, adjacent) = match code[pc] {
        Inst::VecLoadR { dst, v, .. } => (dst, v, true),
        Inst::MovR { dst, src } => (dst, src, false),
        _ => return None,
    };
    if temp == origin {
        return None;
    }
    let reader = next_non_scalar(code, leaders, pc)?;
    if adjacent && reader != pc + 1 {
        return None;
    }
    if !reads_only(module, &code[reader], temp, origin) {
        return None;
    }
    let clear = next_non_scalar(code, leaders, reader)?;
    (code[clear] == Inst::ClearR { dst: temp }).then_some(reader)
}

/// The first pc after `pc` that is not a scalar instruction leaving references alone,
/// if the block goes on until there (a jump ends the block: the pc after it is a
/// leader).
fn next_non_scalar(code: &[Inst], leaders: &[bool], pc: usize) -> Option<usize> {
    let mut next = pc + 1;
    loop {
        let inst = code.get(next)?;
        if leaders[next] {
            return None;
        }
        if !keeps_heap(inst) {
            return Some(next);
        }
        next += 1;
    }
}

/// Whether `reader` only reads the temporary and cannot change the origin register.
fn reads_only(module: &Module, reader: &Inst, temp: R, origin: R) -> bool {
    match *reader {
        Inst::StrPush { a, b } => b == temp && a != temp && a != origin,
        Inst::StrLen { a, .. } => a == temp,
        Inst::StrEq { a, b, .. } | Inst::StrCmp { a, b, .. } => a == temp || b == temp,
        Inst::Intrinsic {
            op: Intrinsic::MapGet,
            ty,
            r,
            ..
        } if r == temp => {
            // The window (the map, then the key's references) must not hold the origin.
            let Ok((args, res)) =
                intrinsic_window_with(Intrinsic::MapGet, ty, &module.types, |t| module.layout(t))
            else {
                return false;
            };
            let end = temp.0 as u32 + args.refs.max(res.refs);
            !(temp.0 as u32..end).contains(&(origin.0 as u32))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dast_bytecode::S;

    fn leaders(code: &[Inst]) -> Vec<bool> {
        let mut l = vec![false; code.len()];
        l[0] = true;
        l
    }

    fn module() -> Module {
        Module::default()
    }

    #[test]
    fn push_of_an_element_borrows() {
        let code = [
            Inst::LoadI { dst: S(0), imm: 0 },
            Inst::VecLoadR {
                dst: R(2),
                v: R(0),
                idx: S(0),
                off: 0,
            },
            Inst::StrPush { a: R(1), b: R(2) },
            Inst::ClearR { dst: R(2) },
        ];
        let roles = find_borrows(&module(), &code, &leaders(&code));
        assert_eq!(roles[1], Some(Borrow::Load));
        assert_eq!(roles[2], Some(Borrow::Reader { load: 1 }));
        assert_eq!(roles[3], None);
    }

    #[test]
    fn a_move_may_be_followed_by_scalar_work() {
        let code = [
            Inst::MovR {
                dst: R(1),
                src: R(0),
            },
            Inst::LoadI { dst: S(0), imm: 3 },
            Inst::StrLen { dst: S(1), a: R(1) },
            Inst::AddImm64 {
                dst: S(1),
                a: S(1),
                imm: 1,
            },
            Inst::ClearR { dst: R(1) },
        ];
        let roles = find_borrows(&module(), &code, &leaders(&code));
        assert_eq!(roles[0], Some(Borrow::Load));
        assert_eq!(roles[2], Some(Borrow::Reader { load: 0 }));
    }

    #[test]
    fn no_borrow_when_the_temporary_lives_on_or_the_shape_differs() {
        let element = Inst::VecLoadR {
            dst: R(2),
            v: R(0),
            idx: S(0),
            off: 0,
        };
        let cases: [&[Inst]; 5] = [
            // Not cleared: the temporary is used again.
            &[
                element,
                Inst::StrPush { a: R(1), b: R(2) },
                Inst::StrLen { dst: S(1), a: R(2) },
            ],
            // Something between the element load and its reader.
            &[
                element,
                Inst::LoadI { dst: S(1), imm: 0 },
                Inst::StrLen { dst: S(1), a: R(2) },
                Inst::ClearR { dst: R(2) },
            ],
            // Pushing onto the vector's own register, or onto the temporary.
            &[
                element,
                Inst::StrPush { a: R(0), b: R(2) },
                Inst::ClearR { dst: R(2) },
            ],
            &[
                element,
                Inst::StrPush { a: R(2), b: R(2) },
                Inst::ClearR { dst: R(2) },
            ],
            // A reader that writes references.
            &[
                element,
                Inst::StrConcat {
                    dst: R(3),
                    a: R(2),
                    b: R(2),
                },
                Inst::ClearR { dst: R(2) },
            ],
        ];
        for code in cases {
            let roles = find_borrows(&module(), code, &leaders(code));
            assert!(roles.iter().all(Option::is_none), "{code:?}");
        }
    }

    #[test]
    fn no_borrow_across_blocks() {
        let code = [
            Inst::MovR {
                dst: R(1),
                src: R(0),
            },
            Inst::StrLen { dst: S(1), a: R(1) },
            Inst::ClearR { dst: R(1) },
        ];
        let mut l = leaders(&code);
        l[2] = true;
        assert!(find_borrows(&module(), &code, &l)
            .iter()
            .all(Option::is_none));
    }
}
