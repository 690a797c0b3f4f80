//! Hand-assembled modules that use the `ModuleRegistry` intrinsics: each function runs
//! one intrinsic on string constants, so the tests control every instruction and pc.
#![allow(dead_code)]

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;

/// A module under construction with the prelude's types interned.
pub struct Asm {
    pub b: ModuleBuilder,
    pub value: TypeId,
    /// `Result[Value, CallError]`, what `registry.call` returns.
    pub call_result: TypeId,
    pub str_t: TypeId,
    pub bool_t: TypeId,
    pub i64_t: TypeId,
}

/// The prelude's `Value` enum's words before each variant's fields: tag, Bool, Int, UInt,
/// Float, Char (words); Str, List (references).
pub const VALUE_WORDS: u16 = 6;
pub const VALUE_REFS: u16 = 2;

/// The prelude's `CallError` struct and `Result[Value, CallError]`.
fn call_result_type(b: &mut ModuleBuilder, value: TypeId, str_t: TypeId) -> TypeId {
    let u32_t = b.ty(TypeDesc::U32);
    let strings = b.ty(TypeDesc::Vec(str_t));
    let option_str = b.ty(TypeDesc::Enum {
        name: "Option".to_string(),
        variants: vec![
            Variant {
                name: "None".to_string(),
                fields: vec![],
                is_tuple: false,
            },
            Variant {
                name: "Some".to_string(),
                fields: vec![Field {
                    name: "0".to_string(),
                    ty: str_t,
                }],
                is_tuple: true,
            },
        ],
    });
    let field = |name: &str, ty| Field {
        name: name.to_string(),
        ty,
    };
    let call_error = b.ty(TypeDesc::Struct {
        name: "CallError".to_string(),
        fields: vec![
            field("module", str_t),
            field("version", u32_t),
            field("label", str_t),
            field("function", str_t),
            field("message", str_t),
            field("trace", strings),
            field("rolled_back_to", option_str),
        ],
    });
    let variant = |name: &str, ty| Variant {
        name: name.to_string(),
        fields: vec![field("0", ty)],
        is_tuple: true,
    };
    b.ty(TypeDesc::Enum {
        name: "Result".to_string(),
        variants: vec![variant("Ok", value), variant("Err", call_error)],
    })
}

impl Asm {
    pub fn new(name: &str) -> Asm {
        let mut b = ModuleBuilder::new(name);
        let str_t = b.ty(TypeDesc::Str);
        let bool_t = b.ty(TypeDesc::Bool);
        let i64_t = b.ty(TypeDesc::I64);
        let u64_t = b.ty(TypeDesc::U64);
        let f64_t = b.ty(TypeDesc::F64);
        let char_t = b.ty(TypeDesc::Char);
        // `enum Value { ..., List(Vec[Value]) }` refers to itself through `Vec[Value]`.
        let value = TypeId(b.module.types.len() as u32);
        let list = TypeId(value.0 + 1);
        let field = |ty| Field {
            name: "0".to_string(),
            ty,
        };
        let variant = |name: &str, fields: Vec<Field>| Variant {
            name: name.to_string(),
            is_tuple: !fields.is_empty(),
            fields,
        };
        b.module.types.push(TypeDesc::Enum {
            name: "Value".to_string(),
            variants: vec![
                variant("Unit", vec![]),
                variant("Bool", vec![field(bool_t)]),
                variant("Int", vec![field(i64_t)]),
                variant("UInt", vec![field(u64_t)]),
                variant("Float", vec![field(f64_t)]),
                variant("Char", vec![field(char_t)]),
                variant("Str", vec![field(str_t)]),
                variant("List", vec![field(list)]),
            ],
        });
        b.module.types.push(TypeDesc::Vec(value));
        let call_result = call_result_type(&mut b, value, str_t);
        Asm {
            b,
            value,
            call_result,
            str_t,
            bool_t,
            i64_t,
        }
    }

    /// `name(): ret` running `op` on the string arguments `args`, returning its result.
    /// The window is at register 0; `ty` is the intrinsic's type operand.
    pub fn intrinsic_fn(
        &mut self,
        name: &str,
        op: Intrinsic,
        ty: TypeId,
        args: &[&str],
        ret: TypeId,
        regs: (u16, u16),
    ) {
        let mut code = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let k = self.b.string(a);
            code.push(Inst::LoadStr {
                dst: R(i as u16),
                k,
            });
        }
        code.push(Inst::Intrinsic {
            op,
            ty,
            s: S(0),
            r: R(0),
        });
        code.push(Inst::Ret { s: S(0), r: R(0) });
        self.b.function(name, &[], ret, regs, code);
    }

    /// `name() -> Result[Value, CallError] { registry.call(module, func, [Int(a) for a
    /// in ints]) }`.
    pub fn call_fn(&mut self, name: &str, module: &str, func: &str, ints: &[i32]) {
        let (km, kf) = (self.b.string(module), self.b.string(func));
        // Registers: R0 module, R1 func, R2 args; an element built at S8.. / R4..
        let mut code = vec![
            Inst::LoadStr { dst: R(0), k: km },
            Inst::LoadStr { dst: R(1), k: kf },
            Inst::VecNew {
                dst: R(2),
                elem: self.value,
            },
        ];
        for &x in ints {
            for w in 0..VALUE_WORDS {
                code.push(Inst::LoadI {
                    dst: S(8 + w),
                    imm: 0,
                });
            }
            code.push(Inst::LoadI { dst: S(8), imm: 2 }); // tag: Int
            code.push(Inst::LoadI { dst: S(10), imm: x }); // Int's field
            code.push(Inst::ClearR { dst: R(4) });
            code.push(Inst::ClearR { dst: R(5) });
            code.push(Inst::VecPush {
                v: R(2),
                s: S(8),
                r: R(4),
            });
        }
        code.push(Inst::Intrinsic {
            op: Intrinsic::RegistryCall,
            ty: self.call_result,
            s: S(0),
            r: R(0),
        });
        code.push(Inst::Ret { s: S(0), r: R(0) });
        let result = self.call_result;
        self.b
            .function(name, &[], result, (8 + VALUE_WORDS, 8), code);
    }

    /// `name() -> bool { registry.reload_module(module) }`.
    pub fn reload_fn(&mut self, name: &str, module: &str) {
        let b = self.bool_t;
        self.intrinsic_fn(name, Intrinsic::RegistryReload, b, &[module], b, (1, 1));
    }

    /// `name() -> i64 { registry.reload_module(module); answer }`: a function that
    /// reloads its own module and then goes on running (in the old version).
    pub fn reload_then_answer_fn(&mut self, name: &str, module: &str, answer: i32) {
        let k = self.b.string(module);
        let code = vec![
            Inst::LoadStr { dst: R(0), k },
            Inst::Intrinsic {
                op: Intrinsic::RegistryReload,
                ty: self.bool_t,
                s: S(0),
                r: R(0),
            },
            Inst::LoadI {
                dst: S(0),
                imm: answer,
            },
            Inst::Ret { s: S(0), r: R(0) },
        ];
        let t = self.i64_t;
        self.b.function(name, &[], t, (1, 1), code);
    }

    /// `name() -> i64 { answer }`.
    pub fn answer_fn(&mut self, name: &str, answer: i32) {
        let t = self.i64_t;
        self.b.function(
            name,
            &[],
            t,
            (1, 0),
            vec![
                Inst::LoadI {
                    dst: S(0),
                    imm: answer,
                },
                Inst::Ret { s: S(0), r: R(0) },
            ],
        );
    }

    /// `name() -> Option[u32] { registry.get_version(module) }`.
    pub fn version_fn(&mut self, name: &str, module: &str) {
        let u32_t = self.b.ty(TypeDesc::U32);
        let opt = self.b.ty(TypeDesc::Enum {
            name: "Option".to_string(),
            variants: vec![
                Variant {
                    name: "None".to_string(),
                    fields: vec![],
                    is_tuple: false,
                },
                Variant {
                    name: "Some".to_string(),
                    fields: vec![Field {
                        name: "0".to_string(),
                        ty: u32_t,
                    }],
                    is_tuple: true,
                },
            ],
        });
        self.intrinsic_fn(
            name,
            Intrinsic::RegistryGetVersion,
            opt,
            &[module],
            opt,
            (2, 1),
        );
    }

    /// `name(module, label) -> bool { registry.load_module(module, label) }`.
    pub fn load_fn(&mut self, name: &str, module: &str, label: &str) {
        let b = self.bool_t;
        self.intrinsic_fn(
            name,
            Intrinsic::RegistryLoad,
            b,
            &[module, label],
            b,
            (1, 2),
        );
    }

    /// `name() -> HashMap[String, Vec[ModuleVersion]] { registry.modules() }`.
    pub fn modules_fn(&mut self, name: &str) {
        let u32_t = self.b.ty(TypeDesc::U32);
        let bool_t = self.b.ty(TypeDesc::Bool);
        let unit = |n: &str| Variant {
            name: n.to_string(),
            fields: vec![],
            is_tuple: false,
        };
        let state = self.b.ty(TypeDesc::Enum {
            name: "VersionState".to_string(),
            variants: vec![unit("Active"), unit("Draining"), unit("Unloaded")],
        });
        let f = |n: &str, ty| Field {
            name: n.to_string(),
            ty,
        };
        let mv = self.b.ty(TypeDesc::Struct {
            name: "ModuleVersion".to_string(),
            fields: vec![
                f("version", u32_t),
                f("label", self.str_t),
                f("state", state),
                f("active_calls", u32_t),
                f("handles", u32_t),
                f("serialized", bool_t),
            ],
        });
        let list = self.b.ty(TypeDesc::Vec(mv));
        let map = self.b.ty(TypeDesc::Map(self.str_t, list));
        self.intrinsic_fn(name, Intrinsic::RegistryModules, map, &[], map, (0, 1));
    }

    pub fn finish(self) -> Module {
        self.b.finish()
    }
}
