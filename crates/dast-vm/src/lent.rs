//! Giving lent values back when a panic unwinds frames (see `dast_bytecode::lent`): a
//! module's `var`, a vector's element or a trait object's value that a panicking
//! frame had moved into a register goes back where it lives, so a failed call (a
//! panic, a limit, an interrupt) never empties the module's state.

use dast_bytecode::lent::{closing_at, lent_windows};
use dast_bytecode::Inst;

use crate::exec::Fault;
use crate::host::Stop;
use crate::ops;
use crate::Program;

impl Program {
    /// Runs the closing instruction of every window still open in the frames a panic
    /// unwinds (the innermost first, each frame's innermost window first). Called
    /// before the frames' registers are dropped.
    pub(crate) fn give_back_lent(&mut self, stop: &Stop, floor: usize) {
        let mut frames: Vec<(usize, usize, u32, usize, usize)> = Vec::new();
        if let Stop::Fault(Fault {
            module,
            func,
            pc,
            sbase,
            rbase,
            ..
        }) = stop
        {
            frames.push((*module, *func, *pc as u32, *sbase, *rbase));
        }
        for fr in self.machine.frames[floor..].iter().rev() {
            // A caller's `pc` is one past its call.
            let at = fr.pc.saturating_sub(1);
            let (m, f) = (fr.module as usize, fr.func as usize);
            frames.push((m, f, at, fr.sbase as usize, fr.rbase as usize));
        }
        for (module, func, pc, sbase, rbase) in frames {
            let code = &self.inst(module).m.functions[func].code;
            let closing: Vec<Inst> = closing_at(&lent_windows(code), pc)
                .into_iter()
                .map(|at| code[at as usize])
                .collect();
            for inst in closing {
                self.give_back(module, inst, sbase, rbase);
            }
        }
    }

    /// Runs one closing instruction on the frame at these bases. Its operands were
    /// verified against the function's frame, and the frame is still on the stacks;
    /// the checks below only keep a bug elsewhere from becoming a wild write here.
    fn give_back(&mut self, module: usize, inst: Inst, sbase: usize, rbase: usize) {
        let machine = &mut self.machine;
        let fits = |r: dast_bytecode::R| rbase + (r.0 as usize) < machine.rstack.len();
        match inst {
            Inst::StoreGR { g, src } if fits(src) => {
                // SAFETY: the failing call still holds the instance's state (its
                // counts and locks are given back after its lent values).
                let globals = unsafe { self.view[module].globals_mut() };
                if let Some(home) = globals.refs.get_mut(g.0 as usize) {
                    *home = machine.rstack[rbase + src.0 as usize].take();
                }
            }
            Inst::VecStoreR { v, idx, off, src }
                if fits(v) && fits(src) && sbase + (idx.0 as usize) < machine.sstack.len() =>
            {
                let s = machine.sstack[sbase..].as_mut_ptr();
                let r = machine.rstack[rbase..].as_mut_ptr();
                // SAFETY: the registers are within the stacks (checked above); the
                // element's index is checked by the operation itself.
                let _ = unsafe { ops::vec_store_r(s, r, v, idx, off, src) };
            }
            Inst::DynPut { obj, src } if fits(obj) && fits(src) => {
                let r = machine.rstack[rbase..].as_mut_ptr();
                // SAFETY: both registers are within the stack (checked above).
                let _ = unsafe { ops::dyn_put(r, obj, src) };
            }
            _ => {}
        }
    }
}
