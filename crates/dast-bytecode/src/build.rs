//! A small assembler for hand-built modules (tests, benchmarks, fuzzing seeds). The
//! compiler has its own emitter; this one favours brevity.

use crate::inst::*;
use crate::module::*;

/// Builds a [`Module`]: interns types and constants, declares then defines functions.
#[derive(Default)]
pub struct ModuleBuilder {
    pub module: Module,
}

impl ModuleBuilder {
    pub fn new(name: &str) -> Self {
        ModuleBuilder {
            module: Module {
                name: name.to_string(),
                source: format!("{name}.dast"),
                ..Module::default()
            },
        }
    }

    /// The id of `t`, added to the type table unless an equal type is there already.
    pub fn ty(&mut self, t: TypeDesc) -> TypeId {
        let types = &mut self.module.types;
        let i = types.iter().position(|x| *x == t).unwrap_or_else(|| {
            types.push(t);
            types.len() - 1
        });
        TypeId(i as u32)
    }

    pub fn string(&mut self, s: &str) -> ConstId {
        intern(&mut self.module.strings, s.to_string())
    }

    pub fn scalar(&mut self, v: u64) -> ConstId {
        intern(&mut self.module.scalars, v)
    }

    pub fn format(&mut self, pieces: Vec<FormatPiece>) -> ConstId {
        intern(&mut self.module.formats, FormatSpec { pieces })
    }

    /// Adds a global of type `ty` at the next free slots.
    pub fn global(&mut self, name: &str, ty: TypeId) -> Global {
        let l = self.module.layout(ty);
        let g = Global {
            name: name.to_string(),
            ty,
            word_slot: self.module.global_words,
            ref_slot: self.module.global_refs,
            is_static: false,
        };
        self.module.global_words += l.words;
        self.module.global_refs += l.refs;
        self.module.globals.push(g.clone());
        g
    }

    pub fn import(&mut self, module: &str, name: &str, params: &[TypeId], ret: TypeId) -> ImportId {
        self.module.imports.push(Import {
            module: module.to_string(),
            name: name.to_string(),
            sig: Signature {
                params: params.to_vec(),
                ret,
                mut_params: vec![],
            },
        });
        ImportId(self.module.imports.len() as u32 - 1)
    }

    /// Declares an exported function (so calls to it can be emitted before its body).
    pub fn declare(&mut self, name: &str, params: &[TypeId], ret: TypeId) -> FuncId {
        self.declare_sig(
            name,
            Signature {
                params: params.to_vec(),
                ret,
                mut_params: vec![],
            },
        )
    }

    pub fn declare_sig(&mut self, name: &str, sig: Signature) -> FuncId {
        self.module.functions.push(Function {
            name: name.to_string(),
            sig,
            exported: true,
            scalar_regs: 0,
            ref_regs: 0,
            code: vec![],
            lines: vec![],
        });
        FuncId(self.module.functions.len() as u32 - 1)
    }

    /// Gives a declared function its frame size and code (one line-table entry per
    /// instruction, line = pc + 1, so traces are easy to predict in tests).
    pub fn define(&mut self, f: FuncId, scalar_regs: u16, ref_regs: u16, code: Vec<Inst>) {
        let func = &mut self.module.functions[f.0 as usize];
        func.scalar_regs = scalar_regs;
        func.ref_regs = ref_regs;
        func.lines = (0..code.len() as u32)
            .map(|pc| LineEntry {
                pc,
                line: pc + 1,
                col: 1,
            })
            .collect();
        func.code = code;
    }

    /// Declares and defines in one go.
    pub fn function(
        &mut self,
        name: &str,
        params: &[TypeId],
        ret: TypeId,
        regs: (u16, u16),
        code: Vec<Inst>,
    ) -> FuncId {
        let f = self.declare(name, params, ret);
        self.define(f, regs.0, regs.1, code);
        f
    }

    pub fn finish(self) -> Module {
        self.module
    }
}

fn intern<T: PartialEq>(pool: &mut Vec<T>, v: T) -> ConstId {
    let i = pool.iter().position(|x| *x == v).unwrap_or_else(|| {
        pool.push(v);
        pool.len() - 1
    });
    ConstId(i as u32)
}
