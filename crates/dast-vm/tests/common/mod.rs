//! A fixture for hand-assembled test modules: common types interned up front, a `main`
//! function to fill in, output captured.
#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, Panic, Program, Value};

/// Output written by a program, shared with the test.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

pub struct Fx {
    pub b: ModuleBuilder,
    pub unit: TypeId,
    pub boolt: TypeId,
    pub i8t: TypeId,
    pub i32t: TypeId,
    pub i64t: TypeId,
    pub u8t: TypeId,
    pub u64t: TypeId,
    pub usize_t: TypeId,
    pub f32t: TypeId,
    pub f64t: TypeId,
    pub chart: TypeId,
    pub strt: TypeId,
}

impl Fx {
    pub fn new() -> Fx {
        Fx::named("test")
    }

    pub fn named(name: &str) -> Fx {
        let mut b = ModuleBuilder::new(name);
        Fx {
            unit: b.ty(TypeDesc::Unit),
            boolt: b.ty(TypeDesc::Bool),
            i8t: b.ty(TypeDesc::I8),
            i32t: b.ty(TypeDesc::I32),
            i64t: b.ty(TypeDesc::I64),
            u8t: b.ty(TypeDesc::U8),
            u64t: b.ty(TypeDesc::U64),
            usize_t: b.ty(TypeDesc::Usize),
            f32t: b.ty(TypeDesc::F32),
            f64t: b.ty(TypeDesc::F64),
            chart: b.ty(TypeDesc::Char),
            strt: b.ty(TypeDesc::Str),
            b,
        }
    }

    pub fn ty(&mut self, t: TypeDesc) -> TypeId {
        self.b.ty(t)
    }

    pub fn vec_of(&mut self, e: TypeId) -> TypeId {
        self.b.ty(TypeDesc::Vec(e))
    }

    pub fn option_of(&mut self, t: TypeId) -> TypeId {
        self.b.ty(TypeDesc::Enum {
            name: "Option".into(),
            variants: vec![
                Variant {
                    name: "None".into(),
                    fields: vec![],
                    is_tuple: false,
                },
                Variant {
                    name: "Some".into(),
                    fields: vec![Field {
                        name: "0".into(),
                        ty: t,
                    }],
                    is_tuple: true,
                },
            ],
        })
    }

    pub fn strukt(&mut self, name: &str, fields: &[(&str, TypeId)]) -> TypeId {
        self.b.ty(TypeDesc::Struct {
            name: name.into(),
            fields: fields
                .iter()
                .map(|(n, t)| Field {
                    name: n.to_string(),
                    ty: *t,
                })
                .collect(),
        })
    }

    pub fn string(&mut self, s: &str) -> ConstId {
        self.b.string(s)
    }

    pub fn f64k(&mut self, x: f64) -> ConstId {
        self.b.scalar(x.to_bits())
    }

    pub fn format(&mut self, pieces: Vec<FormatPiece>) -> ConstId {
        self.b.format(pieces)
    }

    /// Defines `main() -> ret`.
    pub fn main(&mut self, ret: TypeId, regs: (u16, u16), code: Vec<Inst>) -> FuncId {
        self.b.function("main", &[], ret, regs, code)
    }

    pub fn link(self) -> (Program, Captured) {
        let mut p = link(vec![self.b.finish()]).expect("module links");
        let out = Captured::default();
        p.set_output(Box::new(out.clone()));
        (p, out)
    }

    /// Links, runs `main` and returns its value and what it printed.
    pub fn run(self) -> (Result<Value, Panic>, String) {
        let (mut p, out) = self.link();
        let v = p.call("test", "main", &[]);
        (v, out.text())
    }

    pub fn value(self) -> Value {
        let (v, _) = self.run();
        v.expect("main returns")
    }

    pub fn panic(self) -> Panic {
        let (v, _) = self.run();
        v.expect_err("main panics")
    }

    pub fn output(self) -> String {
        let (v, out) = self.run();
        v.expect("main returns");
        out
    }
}

pub fn lit(s: &str) -> FormatPiece {
    FormatPiece::Lit(s.to_string())
}

pub fn arg(ty: TypeId, s: u16, r: u16) -> FormatPiece {
    FormatPiece::Arg(FormatArg {
        ty,
        style: FormatStyle::default(),
        s,
        r,
    })
}

pub fn arg_style(ty: TypeId, s: u16, r: u16, style: FormatStyle) -> FormatPiece {
    FormatPiece::Arg(FormatArg { ty, style, s, r })
}

pub fn debug() -> FormatStyle {
    FormatStyle {
        debug: true,
        ..FormatStyle::default()
    }
}

pub fn intrinsic(op: Intrinsic, ty: TypeId, s: u16, r: u16) -> Inst {
    Inst::Intrinsic {
        op,
        ty,
        s: S(s),
        r: R(r),
    }
}

pub fn println(r: u16) -> Inst {
    Inst::Intrinsic {
        op: Intrinsic::Println,
        ty: TypeId(0),
        s: S(0),
        r: R(r),
    }
}

pub fn ret(s: u16, r: u16) -> Inst {
    Inst::Ret { s: S(s), r: R(r) }
}

pub fn load_i(dst: u16, imm: i32) -> Inst {
    Inst::LoadI { dst: S(dst), imm }
}
