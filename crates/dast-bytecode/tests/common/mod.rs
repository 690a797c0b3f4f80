//! Hand-built modules shared by the bytecode tests.

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;

/// A module exercising every kind of table entry: all type kinds, a global, an import,
/// init, constants of each pool, a format with every style flag, and a recursive `fib`.
pub fn sample_module() -> Module {
    let mut b = ModuleBuilder::new("sample");
    let unit = b.ty(TypeDesc::Unit);
    let i64t = b.ty(TypeDesc::I64);
    let f64t = b.ty(TypeDesc::F64);
    let strt = b.ty(TypeDesc::Str);
    let boolt = b.ty(TypeDesc::Bool);
    for t in [
        TypeDesc::Never,
        TypeDesc::I8,
        TypeDesc::I16,
        TypeDesc::I32,
        TypeDesc::U8,
        TypeDesc::U16,
        TypeDesc::U32,
        TypeDesc::U64,
        TypeDesc::Isize,
        TypeDesc::Usize,
        TypeDesc::F32,
        TypeDesc::Char,
    ] {
        b.ty(t);
    }
    let vec_i64 = b.ty(TypeDesc::Vec(i64t));
    let map = b.ty(TypeDesc::Map(strt, i64t));
    let tuple = b.ty(TypeDesc::Tuple(vec![i64t, strt]));
    let point = b.ty(TypeDesc::Struct {
        name: "sample.Point".into(),
        fields: vec![
            Field {
                name: "x".into(),
                ty: f64t,
            },
            Field {
                name: "y".into(),
                ty: f64t,
            },
        ],
    });
    let _shape = b.ty(TypeDesc::Enum {
        name: "sample.Shape".into(),
        variants: vec![
            Variant {
                name: "Empty".into(),
                fields: vec![],
                is_tuple: false,
            },
            Variant {
                name: "Circle".into(),
                fields: vec![Field {
                    name: "0".into(),
                    ty: point,
                }],
                is_tuple: true,
            },
            Variant {
                name: "Named".into(),
                fields: vec![Field {
                    name: "name".into(),
                    ty: strt,
                }],
                is_tuple: false,
            },
        ],
    });
    let _ = (vec_i64, map, tuple, boolt);
    let counter = b.global("counter", i64t);
    let pi = b.scalar(std::f64::consts::PI.to_bits());
    let hello = b.string("hello, \"world\"\n");
    let fmt = b.format(vec![
        FormatPiece::Lit("fib = ".into()),
        FormatPiece::Arg(FormatArg {
            ty: i64t,
            style: FormatStyle::default(),
            s: 0,
            r: 0,
        }),
        FormatPiece::Lit(" pi = ".into()),
        FormatPiece::Arg(FormatArg {
            ty: f64t,
            style: FormatStyle {
                debug: true,
                precision: Some(3),
                width: Some(10),
                align: Some(Align::Center),
                fill: Some('*'),
                zero: false,
                plus: true,
                ..Default::default()
            },
            s: 1,
            r: 0,
        }),
    ]);
    let _imp = b.import("other", "helper", &[i64t], i64t);

    let fib = b.declare("fib", &[i64t], i64t);
    b.define(
        fib,
        4,
        0,
        vec![
            Inst::LoadI { dst: S(1), imm: 2 },
            Inst::JmpGeS {
                a: S(0),
                b: S(1),
                target: 3,
            },
            Inst::Ret { s: S(0), r: R(0) },
            Inst::AddImm64 {
                dst: S(1),
                a: S(0),
                imm: -1,
            },
            Inst::Call {
                func: fib,
                s: S(1),
                r: R(0),
            },
            Inst::AddImm64 {
                dst: S(2),
                a: S(0),
                imm: -2,
            },
            Inst::Call {
                func: fib,
                s: S(2),
                r: R(0),
            },
            Inst::Add64 {
                dst: S(0),
                a: S(1),
                b: S(2),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let init = b.function(
        "__init",
        &[],
        unit,
        (2, 2),
        vec![
            Inst::LoadI { dst: S(0), imm: 10 },
            Inst::Call {
                func: fib,
                s: S(0),
                r: R(0),
            },
            Inst::StoreG {
                g: GlobalSlot(counter.word_slot),
                src: S(0),
            },
            Inst::LoadK { dst: S(1), k: pi },
            Inst::Format {
                dst: R(0),
                spec: fmt,
            },
            Inst::Intrinsic {
                op: Intrinsic::Println,
                ty: TypeId(0),
                s: S(0),
                r: R(0),
            },
            Inst::LoadStr {
                dst: R(0),
                k: hello,
            },
            Inst::Intrinsic {
                op: Intrinsic::Println,
                ty: TypeId(0),
                s: S(0),
                r: R(0),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    b.module.functions[init.0 as usize].exported = false;
    b.module.init = Some(init);
    b.module.hot_reload = true;
    b.finish()
}

#[allow(dead_code)] // used by some of the test crates only
/// One instance of every instruction (operands arbitrary, not meant to verify).
pub fn every_instruction() -> Vec<Inst> {
    let (d, a, bb) = (S(1), S(2), S(3));
    let (rd, ra, rb) = (R(4), R(5), R(6));
    let k = ConstId(7);
    let g = GlobalSlot(8);
    let t = TypeId(9);
    let kind = IntKind::U16;
    vec![
        Inst::Mov { dst: d, src: a },
        Inst::MovR { dst: rd, src: ra },
        Inst::TakeR { dst: rd, src: ra },
        Inst::ClearR { dst: rd },
        Inst::LoadI { dst: d, imm: -5 },
        Inst::LoadK { dst: d, k },
        Inst::LoadStr { dst: rd, k },
        Inst::Add64 { dst: d, a, b: bb },
        Inst::Sub64 { dst: d, a, b: bb },
        Inst::Mul64 { dst: d, a, b: bb },
        Inst::Add32 { dst: d, a, b: bb },
        Inst::Sub32 { dst: d, a, b: bb },
        Inst::Mul32 { dst: d, a, b: bb },
        Inst::AddImm64 {
            dst: d,
            a,
            imm: i32::MIN,
        },
        Inst::AddImm32 {
            dst: d,
            a,
            imm: i32::MAX,
        },
        Inst::DivS { dst: d, a, b: bb },
        Inst::RemS { dst: d, a, b: bb },
        Inst::DivU { dst: d, a, b: bb },
        Inst::RemU { dst: d, a, b: bb },
        Inst::Neg64 { dst: d, a },
        Inst::And { dst: d, a, b: bb },
        Inst::Or { dst: d, a, b: bb },
        Inst::Xor { dst: d, a, b: bb },
        Inst::BitNot { dst: d, a },
        Inst::Shl {
            dst: d,
            a,
            b: bb,
            kind,
        },
        Inst::Shr {
            dst: d,
            a,
            b: bb,
            kind: IntKind::I8,
        },
        Inst::Norm {
            dst: d,
            src: a,
            kind: IntKind::U64,
        },
        Inst::EqI { dst: d, a, b: bb },
        Inst::NeI { dst: d, a, b: bb },
        Inst::LtS { dst: d, a, b: bb },
        Inst::LeS { dst: d, a, b: bb },
        Inst::LtU { dst: d, a, b: bb },
        Inst::LeU { dst: d, a, b: bb },
        Inst::NotB { dst: d, a },
        Inst::AddF64 { dst: d, a, b: bb },
        Inst::SubF64 { dst: d, a, b: bb },
        Inst::MulF64 { dst: d, a, b: bb },
        Inst::DivF64 { dst: d, a, b: bb },
        Inst::RemF64 { dst: d, a, b: bb },
        Inst::NegF64 { dst: d, a },
        Inst::AddF32 { dst: d, a, b: bb },
        Inst::SubF32 { dst: d, a, b: bb },
        Inst::MulF32 { dst: d, a, b: bb },
        Inst::DivF32 { dst: d, a, b: bb },
        Inst::RemF32 { dst: d, a, b: bb },
        Inst::NegF32 { dst: d, a },
        Inst::EqF64 { dst: d, a, b: bb },
        Inst::LtF64 { dst: d, a, b: bb },
        Inst::LeF64 { dst: d, a, b: bb },
        Inst::EqF32 { dst: d, a, b: bb },
        Inst::LtF32 { dst: d, a, b: bb },
        Inst::LeF32 { dst: d, a, b: bb },
        Inst::Cvt {
            dst: d,
            src: a,
            op: Cvt::F64ToF32,
        },
        Inst::FUnary {
            dst: d,
            a,
            op: FUnary::Signum,
        },
        Inst::FBinary {
            dst: d,
            a,
            b: bb,
            op: FBinary::Hypot,
        },
        Inst::Jmp { target: 10 },
        Inst::JmpIf {
            cond: a,
            target: 11,
        },
        Inst::JmpIfNot {
            cond: a,
            target: 12,
        },
        Inst::JmpLtS {
            a,
            b: bb,
            target: 13,
        },
        Inst::JmpGeS {
            a,
            b: bb,
            target: 14,
        },
        Inst::LoopLt {
            ctr: a,
            end: bb,
            target: 15,
        },
        Inst::LoopLe {
            ctr: a,
            end: bb,
            target: 16,
        },
        Inst::Call {
            func: FuncId(17),
            s: a,
            r: ra,
        },
        Inst::CallImport {
            import: ImportId(18),
            s: a,
            r: ra,
        },
        Inst::Ret { s: a, r: ra },
        Inst::Panic { msg: ra },
        Inst::Intrinsic {
            op: Intrinsic::Exit,
            ty: t,
            s: a,
            r: ra,
        },
        Inst::LoadG { dst: d, g },
        Inst::StoreG { g, src: a },
        Inst::LoadGR { dst: rd, g },
        Inst::TakeGR { dst: rd, g },
        Inst::StoreGR { g, src: ra },
        Inst::StrConcat {
            dst: rd,
            a: ra,
            b: rb,
        },
        Inst::StrPush { a: ra, b: rb },
        Inst::StrEq {
            dst: d,
            a: ra,
            b: rb,
        },
        Inst::StrCmp {
            dst: d,
            a: ra,
            b: rb,
        },
        Inst::StrLen { dst: d, a: ra },
        Inst::Format { dst: rd, spec: k },
        Inst::VecNew { dst: rd, elem: t },
        Inst::VecLen { dst: d, v: ra },
        Inst::VecLoadW {
            dst: d,
            v: ra,
            idx: a,
            off: 3,
        },
        Inst::VecStoreW {
            v: ra,
            idx: a,
            off: 4,
            src: bb,
        },
        Inst::VecLoadR {
            dst: rd,
            v: ra,
            idx: a,
            off: 5,
        },
        Inst::VecStoreR {
            v: ra,
            idx: a,
            off: 6,
            src: rb,
        },
        Inst::VecLoadB {
            dst: d,
            v: ra,
            idx: a,
        },
        Inst::VecStoreB {
            v: ra,
            idx: a,
            src: bb,
        },
        Inst::VecPush { v: ra, s: a, r: rb },
        Inst::MapNew { dst: rd, ty: t },
    ]
}
