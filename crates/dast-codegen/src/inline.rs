//! Inlining of small scalar functions into their callers within a module, before
//! translation: the call's cost (saving registers, the stack check, testing the
//! returned status) is most of a small function's cost, as in a recursive `fib`.
//!
//! A call is inlined when its callee is short, uses no reference registers (so its
//! code is arithmetic, branches and calls), and is compiled to native code. Inlining
//! is repeated on its own result [`DEPTH`] times, within a growth budget, so recursion
//! stops by itself. Inlining within a module is safe under hot reload: a module is
//! replaced as a whole.
//!
//! The callee's code is spliced in place of the call with its registers renamed above
//! the caller's, its parameters copied in from the call's window, and each `Ret` turned
//! into moves of the results into the window and a jump past the splice. Every pc of
//! the result keeps its origin ([`Origin`]): the caller's pc it came from and, inside
//! splices, the callees' own pcs, so panics and stack traces name the same functions
//! and lines as without inlining.

use dast_bytecode::opcodes::Renamer;
use dast_bytecode::{Function, Inst, Module, R, S};

use crate::subset::is_scalar;
use crate::translate::Shape;

/// Callees of at most this many instructions are inlined.
const MAX_CALLEE_LEN: usize = 24;
/// A caller stops inlining once its code has grown by this many instructions.
const MAX_GROWTH: usize = 256;
/// Rounds of inlining (a recursive function is unrolled this many levels).
const DEPTH: usize = 2;

/// Where an instruction of an inlined function comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The caller's pc: the instruction itself, or the call it was spliced for.
    pub pc: u32,
    /// Inside splices: each callee and its pc, innermost first (the outer ones are at
    /// calls that were themselves inlined).
    pub frames: Vec<(u32, u32)>,
}

impl Origin {
    fn own(pc: u32) -> Origin {
        Origin {
            pc,
            frames: Vec::new(),
        }
    }

    /// The innermost callee and its pc, for a spliced instruction.
    #[cfg(test)]
    fn inlined(&self) -> Option<(u32, u32)> {
        self.frames.first().copied()
    }

    /// This origin's instruction run inside a splice of `callee`, at its `pc`.
    fn within(&self, callee: u32, pc: u32) -> Origin {
        let mut frames = vec![(callee, pc)];
        frames.extend_from_slice(&self.frames);
        Origin {
            pc: self.pc,
            frames,
        }
    }
}

/// A function with its small calls inlined, and the origin of each of its pcs.
pub(crate) struct Inlined {
    pub function: Function,
    pub origins: Vec<Origin>,
}

impl Inlined {
    /// `f` as it is: every pc its own origin.
    pub(crate) fn unchanged(f: &Function) -> Inlined {
        Inlined {
            function: f.clone(),
            origins: (0..f.code.len() as u32).map(Origin::own).collect(),
        }
    }
}

/// Inlines the calls of function `index` that qualify; `compiled` tells which functions
/// are translated to native code.
pub(crate) fn inline_calls(
    module: &Module,
    shapes: &[Shape],
    index: u32,
    compiled: &dyn Fn(u32) -> bool,
) -> Inlined {
    let f = &module.functions[index as usize];
    let inlinable = |callee: u32, caller_regs: u16| {
        let g = &module.functions[callee as usize];
        compiled(callee)
            && g.ref_regs == 0
            && g.code.len() <= MAX_CALLEE_LEN
            && g.code.iter().all(is_scalar)
            && caller_regs as u32 + g.scalar_regs as u32 <= u16::MAX as u32
    };
    let mut current = Inlined::unchanged(f);
    let mut growth = 0;
    for _ in 0..DEPTH {
        // Which calls to splice, within the growth budget.
        let splices: Vec<bool> = current
            .function
            .code
            .iter()
            .map(|inst| match *inst {
                Inst::Call { func, .. } if inlinable(func.0, current.function.scalar_regs) => {
                    let len =
                        splice_len(&module.functions[func.0 as usize], shapes[func.0 as usize]);
                    let fits = growth + len <= MAX_GROWTH;
                    growth += len * fits as usize;
                    fits
                }
                _ => false,
            })
            .collect();
        if !splices.contains(&true) {
            break;
        }
        current = Splicer::new(module, shapes, &current, &splices).run();
    }
    current
}

/// Instructions a splice of `g` takes: parameter moves and zeroed registers, then its
/// code with each `Ret` as result moves and a jump.
fn splice_len(g: &Function, shape: Shape) -> usize {
    let rets = g
        .code
        .iter()
        .filter(|i| matches!(i, Inst::Ret { .. }))
        .count();
    g.scalar_regs as usize + g.code.len() + rets * shape.results as usize
}

struct Splicer<'a> {
    module: &'a Module,
    shapes: &'a [Shape],
    f: &'a Function,
    /// The origins of `f`'s pcs (from an earlier round).
    from: &'a [Origin],
    splices: &'a [bool],
    /// The new pc of each of the caller's pcs.
    new_pc: Vec<u32>,
    /// Registers added for splices (shared: splices never overlap in time).
    extra_regs: u16,
    code: Vec<Inst>,
    origins: Vec<Origin>,
}

impl<'a> Splicer<'a> {
    fn new(
        module: &'a Module,
        shapes: &'a [Shape],
        input: &'a Inlined,
        splices: &'a [bool],
    ) -> Self {
        let f = &input.function;
        let mut new_pc = Vec::with_capacity(f.code.len() + 1);
        let mut at = 0u32;
        let mut extra_regs = 0u16;
        for (pc, inst) in f.code.iter().enumerate() {
            new_pc.push(at);
            at += match (*inst, splices[pc]) {
                (Inst::Call { func, .. }, true) => {
                    let g = &module.functions[func.0 as usize];
                    extra_regs = extra_regs.max(g.scalar_regs);
                    splice_len(g, shapes[func.0 as usize]) as u32
                }
                _ => 1,
            };
        }
        new_pc.push(at);
        Splicer {
            module,
            shapes,
            f,
            from: &input.origins,
            splices,
            new_pc,
            extra_regs,
            code: Vec::with_capacity(at as usize),
            origins: Vec::with_capacity(at as usize),
        }
    }

    fn run(mut self) -> Inlined {
        for (pc, inst) in self.f.code.iter().enumerate() {
            let pc = pc as u32;
            match *inst {
                Inst::Call { func, s, r } if self.splices[pc as usize] => {
                    self.splice(pc, func.0, s, r);
                }
                other => {
                    let mut caller = CallerNames {
                        new_pc: &self.new_pc,
                    };
                    let origin = self.from[pc as usize].clone();
                    self.push(other.renamed(&mut caller), origin);
                }
            }
        }
        let mut function = self.f.clone();
        function.scalar_regs = self.f.scalar_regs + self.extra_regs;
        function.code = self.code;
        Inlined {
            function,
            origins: self.origins,
        }
    }

    fn push(&mut self, inst: Inst, origin: Origin) {
        self.code.push(inst);
        self.origins.push(origin);
    }

    /// The callee's code in place of `Call callee, window, ref_window` at the caller's
    /// `pc`.
    fn splice(&mut self, pc: u32, callee: u32, window: S, ref_window: R) {
        let g = &self.module.functions[callee as usize];
        let shape = self.shapes[callee as usize];
        let base = self.f.scalar_regs;
        let start = self.new_pc[pc as usize];
        let prologue = g.scalar_regs as u32;
        let rets = |upto: usize| {
            g.code[..upto]
                .iter()
                .filter(|i| matches!(i, Inst::Ret { .. }))
                .count() as u32
        };
        let results = shape.results as u16;
        // The callee's pc `t` starts at `start + prologue + t` plus the extra
        // instructions of the `Ret`s before it.
        let callee_pc: Vec<u32> = (0..=g.code.len())
            .map(|t| start + prologue + t as u32 + rets(t) * results as u32)
            .collect();
        let end = self.new_pc[pc as usize + 1];
        let at_call = self.from[pc as usize].within(callee, 0);
        for i in 0..g.scalar_regs {
            let dst = S(base + i);
            let inst = if (i as u32) < shape.params {
                Inst::Mov {
                    dst,
                    src: S(window.0 + i),
                }
            } else {
                // As the callee's prologue: no register is read undefined.
                Inst::LoadI { dst, imm: 0 }
            };
            self.push(inst, at_call.clone());
        }
        let mut names = CalleeNames {
            base,
            ref_base: ref_window,
            callee_pc: &callee_pc,
        };
        for (t, inst) in g.code.iter().enumerate() {
            let origin = self.from[pc as usize].within(callee, t as u32);
            match *inst {
                Inst::Ret { s: from, .. } => {
                    for k in 0..results {
                        let mov = Inst::Mov {
                            dst: S(window.0 + k),
                            src: S(base + from.0 + k),
                        };
                        self.push(mov, origin.clone());
                    }
                    self.push(Inst::Jmp { target: end }, origin);
                }
                other => self.push(other.renamed(&mut names), origin),
            }
        }
        debug_assert_eq!(self.code.len() as u32, end);
    }
}

/// The caller's own instructions: registers stay, targets move.
struct CallerNames<'a> {
    new_pc: &'a [u32],
}

impl Renamer for CallerNames<'_> {
    fn scalar(&mut self, r: S) -> S {
        r
    }
    fn reference(&mut self, r: R) -> R {
        r
    }
    fn target(&mut self, pc: u32) -> u32 {
        self.new_pc[pc as usize]
    }
}

/// A spliced callee's instructions: registers above the caller's, targets within the
/// splice. It has no reference registers, but its calls' reference windows are
/// relative to its frame, which began at the call's reference window.
struct CalleeNames<'a> {
    base: u16,
    ref_base: R,
    callee_pc: &'a [u32],
}

impl Renamer for CalleeNames<'_> {
    fn scalar(&mut self, r: S) -> S {
        S(self.base + r.0)
    }
    fn reference(&mut self, r: R) -> R {
        R(self.ref_base.0 + r.0)
    }
    fn target(&mut self, pc: u32) -> u32 {
        self.callee_pc[pc as usize]
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use dast_compiler::{compile_program, MemFs, Program};

    use super::*;
    use crate::compile::shape_of;

    fn module(source: &str) -> Module {
        let mut fs = MemFs::default();
        fs.files
            .insert("/p/dast.toml".into(), "[package]\nname = \"p\"\n".into());
        fs.files.insert("/p/src/main.dast".into(), source.into());
        let program = Program::discover(&fs, Path::new("/p")).expect("project");
        let Ok(compiled) = compile_program(&fs, program) else {
            panic!("the test program does not compile")
        };
        compiled.modules.into_iter().next().expect("one module")
    }

    fn inlined(m: &Module, name: &str) -> Inlined {
        let shapes: Vec<Shape> = m.functions.iter().map(|f| shape_of(m, &f.sig)).collect();
        let index = m.functions.iter().position(|f| f.name == name).unwrap() as u32;
        inline_calls(m, &shapes, index, &|_| true)
    }

    fn calls(f: &Function) -> Vec<u32> {
        f.code
            .iter()
            .filter_map(|i| match i {
                Inst::Call { func, .. } => Some(func.0),
                _ => None,
            })
            .collect()
    }

    const SOURCE: &str = "
fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}
fn min_max(a: i64, b: i64) -> (i64, i64) {
    if a < b { (a, b) } else { (b, a) }
}
fn spread(a: i64, b: i64) -> i64 {
    let (lo, hi) = min_max(a, b)
    hi - lo
}
fn greet(s: String) -> String { s + \"!\" }
fn shout(s: String) -> String { greet(s) }
fn main() {}
";

    #[test]
    fn a_self_recursive_function_is_unrolled_depth_levels() {
        let m = module(SOURCE);
        let fib = inlined(&m, "fib");
        let original = &m.functions[0];
        // Each round, each of the calls became fib's body, holding two calls of its own.
        assert_eq!(calls(original).len(), 2);
        assert_eq!(calls(&fib.function).len(), 2 << DEPTH);
        let deepest = fib.origins.iter().map(|o| o.frames.len()).max();
        assert_eq!(deepest, Some(DEPTH));
        assert!(fib.function.scalar_regs > original.scalar_regs);
        assert_eq!(fib.origins.len(), fib.function.code.len());
        // Spliced pcs name fib's own pcs; the others keep their place in order.
        let spliced: Vec<_> = fib
            .origins
            .iter()
            .filter(|o| o.inlined().is_some())
            .collect();
        assert!(!spliced.is_empty());
        assert!(spliced
            .iter()
            .all(|o| o.inlined().unwrap().1 < original.code.len() as u32));
        let own: Vec<u32> = fib
            .origins
            .iter()
            .filter(|o| o.inlined().is_none())
            .map(|o| o.pc)
            .collect();
        assert_eq!(own.len() + 2, original.code.len());
        assert!(own.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn jumps_land_on_the_renamed_instructions() {
        let m = module(SOURCE);
        let fib = inlined(&m, "fib");
        let original = &m.functions[0];
        for (pc, inst) in fib.function.code.iter().enumerate() {
            let Some(target) = inst.target() else {
                continue;
            };
            let to = &fib.origins[target as usize];
            let from = &fib.origins[pc];
            match (from.inlined(), to.inlined()) {
                // Within one splice: the callee's own jump, to its own target.
                (Some((callee, t_from)), Some((_, t_to))) => {
                    assert_eq!(from.pc, to.pc, "a jump between splices at {pc}");
                    let g = &m.functions[callee as usize];
                    if matches!(g.code[t_from as usize], Inst::Ret { .. }) {
                        // Out of a nested splice, into the one around it.
                        assert_eq!(to.frames.len() + 1, from.frames.len(), "pc {pc}");
                        assert_eq!(to.frames[1..], from.frames[2..], "pc {pc}");
                    } else {
                        assert_eq!(g.code[t_from as usize].target(), Some(t_to), "pc {pc}");
                        assert_eq!(to.frames[1..], from.frames[1..], "pc {pc}");
                    }
                }
                (None, None) => {
                    let want = original.code[from.pc as usize].target().unwrap();
                    assert_eq!(to.pc, want, "pc {pc}");
                }
                (Some(_), None) | (None, Some(_)) => {
                    // A `Ret` jumps past its splice, to the caller's next instruction.
                    assert!(
                        from.inlined().is_some(),
                        "a caller jump into a splice at {pc}"
                    );
                    assert_eq!(to.pc, from.pc + 1);
                }
            }
        }
    }

    #[test]
    fn multi_word_results_are_moved_into_the_window() {
        let m = module(SOURCE);
        let spread = inlined(&m, "spread");
        assert!(calls(&spread.function).is_empty());
        let rets = m.functions[1]
            .code
            .iter()
            .filter(|i| matches!(i, Inst::Ret { .. }))
            .count();
        let jumps_out = spread
            .function
            .code
            .iter()
            .enumerate()
            .filter(|(pc, i)| {
                spread.origins[*pc].inlined().is_some()
                    && i.target()
                        .is_some_and(|t| spread.origins[t as usize].inlined().is_none())
            })
            .count();
        assert_eq!(jumps_out, rets);
    }

    #[test]
    fn functions_with_references_are_not_inlined() {
        let m = module(SOURCE);
        let shout = inlined(&m, "shout");
        let original = m.functions.iter().find(|f| f.name == "shout").unwrap();
        assert_eq!(shout.function.code, original.code);
        assert!(shout.origins.iter().all(|o| o.inlined().is_none()));
    }

    #[test]
    fn calls_to_functions_left_to_the_interpreter_are_not_inlined() {
        let m = module(SOURCE);
        let shapes: Vec<Shape> = m.functions.iter().map(|f| shape_of(&m, &f.sig)).collect();
        let out = inline_calls(&m, &shapes, 0, &|_| false);
        assert_eq!(out.function.code, m.functions[0].code);
    }
}
