//! Which functions this backend can compile: every instruction. The scalar subset is
//! translated to machine code; the rest runs through the runtime table's `exec_one`
//! (the interpreter's own code), host requests (`Registry*`) through the group's host.

use dast_bytecode::disasm::inst_text;
use dast_bytecode::{Function, Inst, Module};

/// Why a function stays out of native code: the first instruction outside the subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub function: String,
    pub pc: Option<u32>,
    pub instruction: String,
}

/// Per function, `None` when it compiles or the reason it does not. A function calling
/// an unsupported function is unsupported too (its call could not be made).
pub(crate) fn classify(module: &Module) -> Vec<Option<Unsupported>> {
    let mut verdicts: Vec<Option<Unsupported>> = module
        .functions
        .iter()
        .map(|f| own_verdict(module, f))
        .collect();
    // Propagate along calls until nothing changes (call graphs may be cyclic).
    loop {
        let mut changed = false;
        for (i, f) in module.functions.iter().enumerate() {
            if verdicts[i].is_some() {
                continue;
            }
            if let Some(why) = unsupported_callee(module, f, &verdicts) {
                verdicts[i] = Some(why);
                changed = true;
            }
        }
        if !changed {
            return verdicts;
        }
    }
}

fn own_verdict(module: &Module, f: &Function) -> Option<Unsupported> {
    let (pc, inst) = f.code.iter().enumerate().find(|(_, inst)| {
        !is_scalar(inst)
            && !is_global_word(inst)
            && !matches!(inst, Inst::CallDyn { .. })
            && inst.runtime_role().is_none()
    })?;
    Some(Unsupported {
        function: f.name.clone(),
        pc: Some(pc as u32),
        instruction: inst_text(module, inst),
    })
}

fn unsupported_callee(
    module: &Module,
    f: &Function,
    verdicts: &[Option<Unsupported>],
) -> Option<Unsupported> {
    f.code.iter().enumerate().find_map(|(pc, inst)| match inst {
        Inst::Call { func, .. } => verdicts[func.0 as usize].as_ref().map(|why| Unsupported {
            function: f.name.clone(),
            pc: Some(pc as u32),
            instruction: format!(
                "{} (calls `{}`, which is not compiled: {})",
                inst_text(module, inst),
                why.function,
                why.instruction
            ),
        }),
        _ => None,
    })
}

/// The instructions the translator handles itself (the others run through `exec_one`).
/// A module-state word read or written by generated code directly: `LoadG`/`StoreG`
/// (the version's globals) and `LoadSh`/`StoreSh` (its `@shared static`s' cells).
pub(crate) fn is_global_word(inst: &Inst) -> bool {
    matches!(
        inst,
        Inst::LoadG { .. } | Inst::StoreG { .. } | Inst::LoadSh { .. } | Inst::StoreSh { .. }
    )
}

pub(crate) fn is_scalar(inst: &Inst) -> bool {
    use Inst::*;
    matches!(
        inst,
        Mov { .. }
            | LoadI { .. }
            | LoadK { .. }
            | Add64 { .. }
            | Sub64 { .. }
            | Mul64 { .. }
            | Add32 { .. }
            | Sub32 { .. }
            | Mul32 { .. }
            | AddImm64 { .. }
            | AddImm32 { .. }
            | DivS { .. }
            | RemS { .. }
            | DivU { .. }
            | RemU { .. }
            | Neg64 { .. }
            | And { .. }
            | Or { .. }
            | Xor { .. }
            | BitNot { .. }
            | Shl { .. }
            | Shr { .. }
            | Norm { .. }
            | EqI { .. }
            | NeI { .. }
            | LtS { .. }
            | LeS { .. }
            | LtU { .. }
            | LeU { .. }
            | NotB { .. }
            | AddF64 { .. }
            | SubF64 { .. }
            | MulF64 { .. }
            | DivF64 { .. }
            | RemF64 { .. }
            | NegF64 { .. }
            | AddF32 { .. }
            | SubF32 { .. }
            | MulF32 { .. }
            | DivF32 { .. }
            | RemF32 { .. }
            | NegF32 { .. }
            | EqF64 { .. }
            | LtF64 { .. }
            | LeF64 { .. }
            | EqF32 { .. }
            | LtF32 { .. }
            | LeF32 { .. }
            | Cvt { .. }
            | FUnary { .. }
            | FBinary { .. }
            | Jmp { .. }
            | JmpIf { .. }
            | JmpIfNot { .. }
            | JmpLtS { .. }
            | JmpGeS { .. }
            | JmpNeImm { .. }
            | LoopLt { .. }
            | LoopLe { .. }
            | Call { .. }
            | CallImport { .. }
            | Ret { .. }
    )
}

#[cfg(test)]
mod tests {
    use dast_bytecode::{FuncId, Function, Inst, Intrinsic, Module, Signature, TypeId, R, S};

    use super::classify;

    fn function(name: &str, code: Vec<Inst>) -> Function {
        Function {
            name: name.into(),
            sig: Signature {
                params: vec![],
                ret: TypeId(0),
                mut_params: vec![],
            },
            exported: true,
            scalar_regs: 1,
            ref_regs: 1,
            code,
            lines: vec![],
        }
    }

    #[test]
    fn an_instruction_the_backend_does_not_know_is_reported_with_its_callers() {
        // `Intrinsic Foreign` is the VM's own body (verified modules never hold it): the
        // one instruction outside the subset, standing for any the backend lacks.
        let ret = Inst::Ret { s: S(0), r: R(0) };
        let foreign = Inst::Intrinsic {
            op: Intrinsic::Foreign,
            ty: TypeId(0),
            s: S(0),
            r: R(0),
        };
        let call = Inst::Call {
            func: FuncId(1),
            s: S(0),
            r: R(0),
        };
        let m = Module {
            functions: vec![
                function("fine", vec![ret]),
                function("odd", vec![foreign, ret]),
                function("caller", vec![call, ret]),
            ],
            ..Module::default()
        };
        let verdicts = classify(&m);
        assert!(verdicts[0].is_none());
        let odd = verdicts[1].as_ref().expect("odd is refused");
        assert_eq!((odd.function.as_str(), odd.pc), ("odd", Some(0)));
        let caller = verdicts[2].as_ref().expect("its caller is refused");
        assert!(caller.instruction.contains("calls `odd`"), "{caller:?}");
    }
}
