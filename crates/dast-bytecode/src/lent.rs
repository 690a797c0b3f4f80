//! Lent values: stretches of code where a value that lives somewhere else (a module's
//! `var`, a vector's element, a trait object's value) is moved into a register so it
//! is unique while it is changed, and moved back at the end. The lowering makes three:
//!
//! - `TakeGR r, g` ... `StoreGR g, r`: a module-level reference, for an in-place change
//!   (`list.push(x)` on a `var`, a `&mut self` method on it);
//! - `VecLoadR t, v[i].off` `VecStoreR v[i].off, null` ... `VecStoreR v[i].off, t`: a
//!   vector's element, changed in place;
//! - `DynTake r, o` ... `DynPut o, r`: a trait object's value, for a method call.
//!
//! A panic between the two ends would drop the lent value with the frame and leave its
//! home empty ("use of a moved value" ever after): the module's state lost to one
//! failed call. So a panicking frame first runs the closing instruction of each window
//! still open at the panicking instruction, innermost first (the interpreter when it
//! unwinds, generated code in its panic exits).
//!
//! Windows are address ranges: the lowering keeps everything a window covers between
//! its two ends (a panic path moved out of line, after the function's end, would not be
//! seen as inside the window).

use crate::Inst;

/// A lent stretch: the instruction that lends (`open`) and the one that gives back
/// (`close`), as indices into the function's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub open: u32,
    pub close: u32,
}

/// The lent stretches of a function's code (each opening instruction paired with the
/// first later instruction that closes it).
pub fn lent_windows(code: &[Inst]) -> Vec<Window> {
    let mut windows = Vec::new();
    for (open, inst) in code.iter().enumerate() {
        let closes = |later: &Inst| match (*inst, *later) {
            (Inst::TakeGR { dst, g }, Inst::StoreGR { g: g2, src }) => g == g2 && src == dst,
            (Inst::DynTake { dst, obj }, Inst::DynPut { obj: o2, src }) => obj == o2 && src == dst,
            (
                Inst::VecStoreR {
                    v,
                    idx,
                    off,
                    src: null,
                },
                Inst::VecStoreR {
                    v: v2,
                    idx: i2,
                    off: f2,
                    src,
                },
            ) => lends_element(code, open, null) == Some(src) && (v, idx, off) == (v2, i2, f2),
            _ => false,
        };
        let opens = matches!(inst, Inst::TakeGR { .. } | Inst::DynTake { .. })
            || matches!(inst, Inst::VecStoreR { src, .. } if lends_element(code, open, *src).is_some());
        if !opens {
            continue;
        }
        if let Some(close) = code[open + 1..].iter().position(closes) {
            windows.push(Window {
                open: open as u32,
                close: (open + 1 + close) as u32,
            });
        }
    }
    windows
}

/// If `code[at]` (a `VecStoreR` of `null`) empties an element just loaded into a
/// register, that register.
fn lends_element(code: &[Inst], at: usize, null: crate::R) -> Option<crate::R> {
    let (
        Some(Inst::VecLoadR { dst, v, idx, off }),
        Inst::VecStoreR {
            v: v2,
            idx: i2,
            off: f2,
            src,
        },
    ) = (at.checked_sub(1).map(|p| code[p]), code[at])
    else {
        return None;
    };
    (src == null && dst != src && (v, idx, off) == (v2, i2, f2)).then_some(dst)
}

/// The closing instructions of the windows open at instruction `pc` (one that failed,
/// or a call that a panic came out of), innermost first.
pub fn closing_at(windows: &[Window], pc: u32) -> Vec<u32> {
    let mut open: Vec<Window> = windows
        .iter()
        .copied()
        .filter(|w| w.open < pc && pc < w.close)
        .collect();
    open.sort_by_key(|w| std::cmp::Reverse(w.open));
    open.into_iter().map(|w| w.close).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GlobalSlot, R, S};

    #[test]
    fn a_taken_global_and_an_element_are_windows_nested_in_that_order() {
        let (g, vreg, tmp, null, idx) = (GlobalSlot(3), R(0), R(1), R(2), S(0));
        let code = [
            Inst::TakeGR { dst: vreg, g },
            Inst::ClearR { dst: null },
            Inst::VecLoadR {
                dst: tmp,
                v: vreg,
                idx,
                off: 0,
            },
            Inst::VecStoreR {
                v: vreg,
                idx,
                off: 0,
                src: null,
            },
            Inst::VecPush {
                v: tmp,
                s: S(1),
                r: R(3),
            },
            Inst::VecStoreR {
                v: vreg,
                idx,
                off: 0,
                src: tmp,
            },
            Inst::StoreGR { g, src: vreg },
            Inst::Ret { s: S(0), r: R(0) },
        ];
        let windows = lent_windows(&code);
        assert_eq!(
            windows,
            [Window { open: 0, close: 6 }, Window { open: 3, close: 5 }]
        );
        // Inside both: the element goes back first, then the vector.
        assert_eq!(closing_at(&windows, 4), [5, 6]);
        // Between the take and the element's loan: only the global.
        assert_eq!(closing_at(&windows, 2), [6]);
        // Outside every window: nothing.
        assert_eq!(closing_at(&windows, 7), Vec::<u32>::new());
    }

    #[test]
    fn a_plain_store_of_an_element_lends_nothing() {
        let code = [
            Inst::VecStoreR {
                v: R(0),
                idx: S(0),
                off: 0,
                src: R(1),
            },
            Inst::VecStoreR {
                v: R(0),
                idx: S(0),
                off: 0,
                src: R(2),
            },
        ];
        assert!(lent_windows(&code).is_empty());
    }
}
