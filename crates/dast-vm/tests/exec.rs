//! Instructions: arithmetic, control flow, calls, globals, panics and traces.

mod common;

use common::*;
use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, LinkError, TraceFrame, Value};

/// Runs `dst = op(a, b)` on two i64 constants and returns dst as an i64.
fn binop(op: fn(S, S, S) -> Inst, a: i64, b: i64) -> Result<Value, dast_vm::Panic> {
    let mut fx = Fx::new();
    let (ka, kb) = (fx.b.scalar(a as u64), fx.b.scalar(b as u64));
    let t = fx.i64t;
    fx.main(
        t,
        (3, 0),
        vec![
            Inst::LoadK { dst: S(0), k: ka },
            Inst::LoadK { dst: S(1), k: kb },
            op(S(2), S(0), S(1)),
            ret(2, 0),
        ],
    );
    fx.run().0
}

fn int(op: fn(S, S, S) -> Inst, a: i64, b: i64) -> i64 {
    match binop(op, a, b).unwrap() {
        Value::Int(v) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn inst_is_small() {
    assert!(
        std::mem::size_of::<Inst>() <= 16,
        "{}",
        std::mem::size_of::<Inst>()
    );
}

#[test]
fn integer_arithmetic_wraps() {
    let add32 = |dst, a, b| Inst::Add32 { dst, a, b };
    assert_eq!(int(add32, i32::MAX as i64, 1), i32::MIN as i64);
    let mul32 = |dst, a, b| Inst::Mul32 { dst, a, b };
    assert_eq!(int(mul32, 65536, 65536), 0);
    let sub32 = |dst, a, b| Inst::Sub32 { dst, a, b };
    assert_eq!(int(sub32, i32::MIN as i64, 1), i32::MAX as i64);
    let add64 = |dst, a, b| Inst::Add64 { dst, a, b };
    assert_eq!(int(add64, i64::MAX, 1), i64::MIN);
    let mul64 = |dst, a, b| Inst::Mul64 { dst, a, b };
    assert_eq!(int(mul64, i64::MAX, 2), -2);
    let divs = |dst, a, b| Inst::DivS { dst, a, b };
    assert_eq!(int(divs, -7, 2), -3);
    assert_eq!(int(divs, i64::MIN, -1), i64::MIN);
    let rems = |dst, a, b| Inst::RemS { dst, a, b };
    assert_eq!(int(rems, -7, 2), -1);
    assert_eq!(int(rems, i64::MIN, -1), 0);
    let divu = |dst, a, b| Inst::DivU { dst, a, b };
    assert_eq!(int(divu, -1, 2), (u64::MAX / 2) as i64);
    let remu = |dst, a, b| Inst::RemU { dst, a, b };
    assert_eq!(int(remu, -1, 10), (u64::MAX % 10) as i64);
    let and = |dst, a, b| Inst::And { dst, a, b };
    assert_eq!(int(and, 0b1100, 0b1010), 0b1000);
    let or = |dst, a, b| Inst::Or { dst, a, b };
    assert_eq!(int(or, 0b1100, 0b1010), 0b1110);
    let xor = |dst, a, b| Inst::Xor { dst, a, b };
    assert_eq!(int(xor, 0b1100, 0b1010), 0b0110);
}

#[test]
fn comparisons_signed_and_unsigned() {
    let lts = |dst, a, b| Inst::LtS { dst, a, b };
    assert_eq!(int(lts, -1, 0), 1);
    let ltu = |dst, a, b| Inst::LtU { dst, a, b };
    assert_eq!(int(ltu, -1, 0), 0);
    let les = |dst, a, b| Inst::LeS { dst, a, b };
    assert_eq!(int(les, 3, 3), 1);
    let leu = |dst, a, b| Inst::LeU { dst, a, b };
    assert_eq!(int(leu, 4, 3), 0);
    let eq = |dst, a, b| Inst::EqI { dst, a, b };
    assert_eq!(int(eq, 4, 4), 1);
    let ne = |dst, a, b| Inst::NeI { dst, a, b };
    assert_eq!(int(ne, 4, 4), 0);
}

#[test]
fn division_by_zero_panics_like_rust() {
    let divs = |dst, a, b| Inst::DivS { dst, a, b };
    let p = binop(divs, 1, 0).unwrap_err();
    assert_eq!(p.message, "attempt to divide by zero");
    assert_eq!(
        p.trace,
        vec![TraceFrame {
            function: "main".into(),
            file: "test.dast".into(),
            line: 3,
            col: 1
        }]
    );
    let remu = |dst, a, b| Inst::RemU { dst, a, b };
    let p = binop(remu, 1, 0).unwrap_err();
    assert_eq!(
        p.message,
        "attempt to calculate the remainder with a divisor of zero"
    );
    let rems = |dst, a, b| Inst::RemS { dst, a, b };
    assert!(binop(rems, 1, 0).is_err());
    let divu = |dst, a, b| Inst::DivU { dst, a, b };
    assert!(binop(divu, 1, 0).is_err());
}

/// `main() -> ty` computing `unary(S(1), S(0))` on constant `x`.
fn unary(ty: fn(&Fx) -> TypeId, x: u64, inst: Inst) -> Value {
    let mut fx = Fx::new();
    let k = fx.b.scalar(x);
    let t = ty(&fx);
    fx.main(
        t,
        (2, 0),
        vec![Inst::LoadK { dst: S(0), k }, inst, ret(1, 0)],
    );
    fx.value()
}

#[test]
fn narrow_integers_stay_canonical() {
    let norm = |kind| Inst::Norm {
        dst: S(1),
        src: S(0),
        kind,
    };
    assert_eq!(unary(|f| f.i8t, 200, norm(IntKind::I8)), Value::Int(-56));
    assert_eq!(
        unary(|f| f.u8t, (-1i64) as u64, norm(IntKind::U8)),
        Value::UInt(255)
    );
    assert_eq!(
        unary(|f| f.i32t, 1 << 31, norm(IntKind::I32)),
        Value::Int(i32::MIN as i64)
    );
    let bitnot = Inst::BitNot { dst: S(1), a: S(0) };
    assert_eq!(unary(|f| f.i64t, 0, bitnot), Value::Int(-1));
    let neg = Inst::Neg64 { dst: S(1), a: S(0) };
    assert_eq!(
        unary(|f| f.i64t, i64::MIN as u64, neg),
        Value::Int(i64::MIN)
    );
    let notb = Inst::NotB { dst: S(1), a: S(0) };
    assert_eq!(unary(|f| f.boolt, 1, notb), Value::Bool(false));
    let addimm = Inst::AddImm32 {
        dst: S(1),
        a: S(0),
        imm: 1,
    };
    assert_eq!(
        unary(|f| f.i32t, i32::MAX as u64, addimm),
        Value::Int(i32::MIN as i64)
    );
    let addimm64 = Inst::AddImm64 {
        dst: S(1),
        a: S(0),
        imm: -5,
    };
    assert_eq!(unary(|f| f.i64t, 3, addimm64), Value::Int(-2));
}

#[test]
fn shifts_by_kind() {
    let shift = |a: i64, b: i64, kind, left: bool| {
        let mut fx = Fx::new();
        let (ka, kb) = (fx.b.scalar(a as u64), fx.b.scalar(b as u64));
        let t = fx.i64t;
        let op = if left {
            Inst::Shl {
                dst: S(2),
                a: S(0),
                b: S(1),
                kind,
            }
        } else {
            Inst::Shr {
                dst: S(2),
                a: S(0),
                b: S(1),
                kind,
            }
        };
        fx.main(
            t,
            (3, 0),
            vec![
                Inst::LoadK { dst: S(0), k: ka },
                Inst::LoadK { dst: S(1), k: kb },
                op,
                ret(2, 0),
            ],
        );
        match fx.value() {
            Value::Int(v) => v,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(shift(1, 7, IntKind::I8, true), (1i8 << 7) as i64);
    assert_eq!(shift(1, 9, IntKind::U8, true), (1u8.wrapping_shl(9)) as i64);
    assert_eq!(shift(-16, 2, IntKind::I32, false), -4);
    assert_eq!(shift(0xff, 4, IntKind::U8, false), 0x0f);
    assert_eq!(shift(-1, 60, IntKind::U64, false), 0xf);
    assert_eq!(shift(1, 65, IntKind::I64, true), 2);
}

fn float_op(inst: Inst, a: f64, b: f64) -> f64 {
    let mut fx = Fx::new();
    let (ka, kb) = (fx.f64k(a), fx.f64k(b));
    let t = fx.f64t;
    fx.main(
        t,
        (3, 0),
        vec![
            Inst::LoadK { dst: S(0), k: ka },
            Inst::LoadK { dst: S(1), k: kb },
            inst,
            ret(2, 0),
        ],
    );
    match fx.value() {
        Value::Float(x) => x,
        other => panic!("{other:?}"),
    }
}

#[test]
fn float_arithmetic() {
    let (d, a, b) = (S(2), S(0), S(1));
    assert_eq!(float_op(Inst::AddF64 { dst: d, a, b }, 0.1, 0.2), 0.1 + 0.2);
    assert_eq!(float_op(Inst::SubF64 { dst: d, a, b }, 1.0, 0.25), 0.75);
    assert_eq!(float_op(Inst::MulF64 { dst: d, a, b }, 1.5, 4.0), 6.0);
    assert_eq!(
        float_op(Inst::DivF64 { dst: d, a, b }, 1.0, 0.0),
        f64::INFINITY
    );
    assert_eq!(float_op(Inst::RemF64 { dst: d, a, b }, 7.5, 2.0), 1.5);
    assert_eq!(float_op(Inst::NegF64 { dst: d, a }, 7.5, 0.0), -7.5);
    assert_eq!(
        float_op(
            Inst::FUnary {
                dst: d,
                a,
                op: FUnary::Sqrt
            },
            2.0,
            0.0
        ),
        2f64.sqrt()
    );
    assert_eq!(
        float_op(
            Inst::FUnary {
                dst: d,
                a,
                op: FUnary::Round
            },
            2.5,
            0.0
        ),
        3.0
    );
    assert_eq!(
        float_op(
            Inst::FUnary {
                dst: d,
                a,
                op: FUnary::Fract
            },
            2.25,
            0.0
        ),
        0.25
    );
    assert_eq!(
        float_op(
            Inst::FBinary {
                dst: d,
                a,
                b,
                op: FBinary::Powi
            },
            2.0,
            10.0
        ),
        1024.0
    );
    assert_eq!(
        float_op(
            Inst::FBinary {
                dst: d,
                a,
                b,
                op: FBinary::Hypot
            },
            3.0,
            4.0
        ),
        5.0
    );
    assert_eq!(
        float_op(
            Inst::FBinary {
                dst: d,
                a,
                b,
                op: FBinary::Max
            },
            3.0,
            4.0
        ),
        4.0
    );
    assert_eq!(
        float_op(
            Inst::Cvt {
                dst: d,
                src: a,
                op: Cvt::F64ToS
            },
            1e300,
            0.0
        )
        .to_bits(),
        i64::MAX as u64
    );
}

#[test]
fn f32_arithmetic_and_conversions() {
    let mut fx = Fx::new();
    let k = fx.b.scalar(0.1f32.to_bits() as u64);
    let t = fx.f32t;
    fx.main(
        t,
        (3, 0),
        vec![
            Inst::LoadK { dst: S(0), k },
            Inst::AddF32 {
                dst: S(1),
                a: S(0),
                b: S(0),
            },
            Inst::Cvt {
                dst: S(2),
                src: S(1),
                op: Cvt::F32ToF64,
            },
            Inst::Cvt {
                dst: S(2),
                src: S(2),
                op: Cvt::F64ToF32,
            },
            ret(2, 0),
        ],
    );
    assert_eq!(fx.value(), Value::Float((0.1f32 + 0.1f32) as f64));
    let cvt = |op, x: u64, ty: fn(&Fx) -> TypeId| {
        unary(
            ty,
            x,
            Inst::Cvt {
                dst: S(1),
                src: S(0),
                op,
            },
        )
    };
    assert_eq!(
        cvt(Cvt::F64ToS, f64::NAN.to_bits(), |f| f.i64t),
        Value::Int(0)
    );
    assert_eq!(
        cvt(Cvt::F64ToU, (-5.0f64).to_bits(), |f| f.u64t),
        Value::UInt(0)
    );
    assert_eq!(
        cvt(Cvt::SToF64, (-3i64) as u64, |f| f.f64t),
        Value::Float(-3.0)
    );
    assert_eq!(
        cvt(Cvt::UToF64, u64::MAX, |f| f.f64t),
        Value::Float(u64::MAX as f64)
    );
}

#[test]
fn loops_and_branches() {
    // sum of 0..10 with LoopLt, and 0..=10 with LoopLe
    for (inst, expected) in [(true, 45), (false, 55)] {
        let mut fx = Fx::new();
        let t = fx.i64t;
        let back = if inst {
            Inst::LoopLt {
                ctr: S(1),
                end: S(2),
                target: 3,
            }
        } else {
            Inst::LoopLe {
                ctr: S(1),
                end: S(2),
                target: 3,
            }
        };
        fx.main(
            t,
            (3, 0),
            vec![
                load_i(0, 0),
                load_i(1, 0),
                load_i(2, 10),
                Inst::Add64 {
                    dst: S(0),
                    a: S(0),
                    b: S(1),
                },
                back,
                ret(0, 0),
            ],
        );
        assert_eq!(fx.value(), Value::Int(expected));
    }
}

#[test]
fn loop_le_stops_at_max() {
    let mut fx = Fx::new();
    let max = fx.b.scalar(i64::MAX as u64);
    let t = fx.i64t;
    fx.main(
        t,
        (3, 0),
        vec![
            Inst::LoadK { dst: S(1), k: max },
            Inst::LoadK { dst: S(2), k: max },
            load_i(0, 0),
            Inst::AddImm64 {
                dst: S(0),
                a: S(0),
                imm: 1,
            },
            Inst::LoopLe {
                ctr: S(1),
                end: S(2),
                target: 3,
            },
            ret(0, 0),
        ],
    );
    assert_eq!(fx.value(), Value::Int(1));
}

fn fib_module() -> Module {
    let mut b = ModuleBuilder::new("fib");
    let i64t = b.ty(TypeDesc::I64);
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
    b.finish()
}

#[test]
fn recursive_calls() {
    let mut p = link(vec![fib_module()]).unwrap();
    assert_eq!(
        p.call("fib", "fib", &[Value::Int(20)]).unwrap(),
        Value::Int(6765)
    );
    assert_eq!(
        p.call("fib", "fib", &[Value::Int(1)]).unwrap(),
        Value::Int(1)
    );
}

/// `down(n)`: recursion without a base case; `id(x)`.
fn runaway_module() -> Module {
    let mut b = ModuleBuilder::new("runaway");
    let i64t = b.ty(TypeDesc::I64);
    let down = b.declare("down", &[i64t], i64t);
    b.define(
        down,
        2,
        1,
        vec![
            Inst::Mov {
                dst: S(1),
                src: S(0),
            },
            Inst::Call {
                func: down,
                s: S(1),
                r: R(0),
            },
            Inst::Ret { s: S(1), r: R(0) },
        ],
    );
    b.function(
        "id",
        &[i64t],
        i64t,
        (1, 0),
        vec![Inst::Ret { s: S(0), r: R(0) }],
    );
    b.finish()
}

#[test]
fn stack_overflow_is_a_dast_panic_and_the_program_recovers() {
    let mut p = link(vec![runaway_module()]).unwrap();
    let e = p.call("runaway", "down", &[Value::Int(1)]).unwrap_err();
    assert_eq!(e.message, "stack overflow");
    assert_eq!(e.trace.len(), dast_vm::MAX_TRACE + 1);
    assert_eq!((e.trace[0].function.as_str(), e.trace[0].line), ("down", 2));
    let omitted = dast_vm::MAX_FRAMES + 1 - dast_vm::MAX_TRACE;
    assert_eq!(
        e.trace[96].function,
        format!("... {omitted} frames omitted ...")
    );
    assert_eq!(e.trace[128].function, "down");
    assert_eq!(
        p.call("runaway", "id", &[Value::Int(10)]).unwrap(),
        Value::Int(10)
    );
}

#[test]
fn panic_carries_message_and_trace_innermost_first() {
    let mut fx = Fx::new();
    let msg = fx.string("boom");
    let unit = fx.unit;
    let inner = fx.b.function(
        "inner",
        &[],
        unit,
        (0, 1),
        vec![
            Inst::LoadStr { dst: R(0), k: msg },
            Inst::Panic { msg: R(0) },
        ],
    );
    let middle = fx.b.function(
        "middle",
        &[],
        unit,
        (0, 0),
        vec![
            Inst::Call {
                func: inner,
                s: S(0),
                r: R(0),
            },
            ret(0, 0),
        ],
    );
    fx.main(
        unit,
        (0, 0),
        vec![
            Inst::Jmp { target: 1 },
            Inst::Call {
                func: middle,
                s: S(0),
                r: R(0),
            },
            ret(0, 0),
        ],
    );
    let (mut p, _) = fx.link();
    let e = p.call("test", "main", &[]).unwrap_err();
    assert_eq!(e.message, "boom");
    let frames: Vec<(&str, u32)> = e
        .trace
        .iter()
        .map(|f| (f.function.as_str(), f.line))
        .collect();
    assert_eq!(frames, vec![("inner", 2), ("middle", 1), ("main", 2)]);
    assert_eq!(e.trace[0].file, "test.dast");
    assert!(e
        .to_string()
        .starts_with("boom\n  at inner (test.dast:2:1)"));
    // The program is still usable.
    assert_eq!(p.call("test", "main", &[]).unwrap_err().message, "boom");
}

#[test]
fn reading_a_moved_reference_is_a_panic_not_a_crash() {
    let mut fx = Fx::new();
    let t = fx.i64t;
    fx.main(
        t,
        (1, 2),
        vec![
            Inst::TakeR {
                dst: R(1),
                src: R(0),
            },
            Inst::StrLen { dst: S(0), a: R(0) },
            ret(0, 0),
        ],
    );
    assert_eq!(fx.panic().message, "internal error: use of a moved value");
}

#[test]
fn calls_pass_windows_and_mut_params_come_back() {
    // bump(v: &mut Vec[i64], x: i64) -> i64 { v.push(x); v.len() }
    let mut fx = Fx::new();
    let i64t = fx.i64t;
    let vec_i64 = fx.vec_of(i64t);
    let bump = fx.b.declare_sig(
        "bump",
        Signature {
            params: vec![vec_i64, i64t],
            ret: i64t,
            mut_params: vec![0],
        },
    );
    fx.b.define(
        bump,
        1,
        1,
        vec![
            Inst::VecPush {
                v: R(0),
                s: S(0),
                r: R(1),
            },
            Inst::VecLen { dst: S(0), v: R(0) },
            ret(0, 0),
        ],
    );
    let fmt = fx.format(vec![
        arg_style(vec_i64, 0, 0, debug()),
        lit(" "),
        arg(i64t, 1, 0),
    ]);
    fx.main(
        fx.unit,
        (3, 2),
        vec![
            Inst::VecNew {
                dst: R(0),
                elem: i64t,
            },
            load_i(1, 7),
            Inst::Call {
                func: bump,
                s: S(1),
                r: R(0),
            },
            load_i(2, 8),
            Inst::Mov {
                dst: S(1),
                src: S(2),
            },
            Inst::Call {
                func: bump,
                s: S(1),
                r: R(0),
            },
            Inst::Format {
                dst: R(1),
                spec: fmt,
            },
            println(1),
            ret(0, 0),
        ],
    );
    assert_eq!(fx.output(), "[7, 8] 2\n");
}

#[test]
fn globals_are_initialized_by_init() {
    let mut fx = Fx::new();
    let (i64t, strt, unit) = (fx.i64t, fx.strt, fx.unit);
    let count = fx.b.global("count", i64t);
    let name = fx.b.global("name", strt);
    let hello = fx.string("hello");
    let init = fx.b.function(
        "__init",
        &[],
        unit,
        (1, 1),
        vec![
            load_i(0, 41),
            Inst::StoreG {
                g: GlobalSlot(count.word_slot),
                src: S(0),
            },
            Inst::LoadStr {
                dst: R(0),
                k: hello,
            },
            Inst::StoreGR {
                g: GlobalSlot(name.ref_slot),
                src: R(0),
            },
            ret(0, 0),
        ],
    );
    fx.b.module.functions[init.0 as usize].exported = false;
    fx.b.module.init = Some(init);
    let tuple = fx.ty(TypeDesc::Tuple(vec![i64t, strt]));
    fx.main(
        tuple,
        (1, 2),
        vec![
            Inst::LoadG {
                dst: S(0),
                g: GlobalSlot(count.word_slot),
            },
            Inst::AddImm64 {
                dst: S(0),
                a: S(0),
                imm: 1,
            },
            Inst::StoreG {
                g: GlobalSlot(count.word_slot),
                src: S(0),
            },
            Inst::TakeGR {
                dst: R(0),
                g: GlobalSlot(name.ref_slot),
            },
            Inst::LoadGR {
                dst: R(1),
                g: GlobalSlot(name.ref_slot),
            },
            Inst::StoreGR {
                g: GlobalSlot(name.ref_slot),
                src: R(0),
            },
            ret(0, 0),
        ],
    );
    let (mut p, _) = fx.link();
    p.init().unwrap();
    let v = p.call("test", "main", &[]).unwrap();
    assert_eq!(
        v,
        Value::Tuple(vec![Value::Int(42), Value::Str("hello".into())])
    );
    let v = p.call("test", "main", &[]).unwrap();
    assert_eq!(
        v,
        Value::Tuple(vec![Value::Int(43), Value::Str("hello".into())])
    );
}

#[test]
fn imports_call_other_modules() {
    let mut user = ModuleBuilder::new("user");
    let i64t = user.ty(TypeDesc::I64);
    let imp = user.import("fib", "fib", &[i64t], i64t);
    user.function(
        "twice_fib",
        &[i64t],
        i64t,
        (2, 0),
        vec![
            Inst::Mov {
                dst: S(1),
                src: S(0),
            },
            Inst::CallImport {
                import: imp,
                s: S(1),
                r: R(0),
            },
            Inst::Add64 {
                dst: S(0),
                a: S(1),
                b: S(1),
            },
            Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    let mut p = link(vec![user.finish(), fib_module()]).unwrap();
    assert_eq!(
        p.call("user", "twice_fib", &[Value::Int(10)]).unwrap(),
        Value::Int(110)
    );
    assert_eq!(p.module_names(), vec!["user", "fib"]);
    let sig = p.function_signature("fib", "fib").unwrap();
    assert_eq!(
        (sig.params, sig.ret),
        (vec!["i64".to_string()], "i64".to_string())
    );
}

#[test]
fn link_errors_name_both_sides() {
    let user = |sig_ty: TypeDesc, module: &str, name: &str| {
        let mut b = ModuleBuilder::new("user");
        let t = b.ty(sig_ty);
        b.import(module, name, &[t], t);
        b.finish()
    };
    let e = link(vec![user(TypeDesc::I64, "nope", "fib"), fib_module()])
        .err()
        .unwrap();
    assert!(matches!(e, LinkError::MissingModule { .. }));
    assert_eq!(
        e.to_string(),
        "module `user` imports `nope.fib`, but there is no module `nope`"
    );
    let e = link(vec![user(TypeDesc::I64, "fib", "fob"), fib_module()])
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "module `user` imports `fib.fob`, but `fib` exports no function `fob`"
    );
    let e = link(vec![user(TypeDesc::I32, "fib", "fib"), fib_module()])
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "module `user` imports `fib.fib` as `fn(i32) -> i32`, but `fib` defines it as `fn(i64) -> i64`"
    );
    let e = link(vec![fib_module(), fib_module()]).err().unwrap();
    assert_eq!(e.to_string(), "module `fib` is loaded twice");
    let mut bad = fib_module();
    bad.functions[0].code.clear();
    let e = link(vec![bad]).err().unwrap();
    assert_eq!(
        e.to_string(),
        "module `fib` failed verification: in function `fib`: function has no code"
    );
}

#[test]
fn host_arguments_are_checked() {
    let mut p = link(vec![fib_module()]).unwrap();
    let e = p.call("fib", "fib", &[Value::Str("x".into())]).unwrap_err();
    assert_eq!(
        e.message,
        "argument 1 of `fib.fib`: expected i64, found \"x\""
    );
    let e = p.call("fib", "fib", &[]).unwrap_err();
    assert_eq!(e.message, "`fib.fib` takes 1 arguments but 0 were given");
    let e = p.call("fib", "nope", &[]).unwrap_err();
    assert_eq!(e.message, "module `fib` exports no function `nope`");
    assert_eq!(
        p.call("fib", "fib", &[Value::Int(5)]).unwrap(),
        Value::Int(5)
    );
}

#[test]
fn dropping_a_deeply_nested_value_does_not_overflow_the_rust_stack() {
    // struct Node { kids: Vec[Node] }, nested a million levels deep, then dropped.
    let mut fx = Fx::new();
    let node = TypeId(fx.b.module.types.len() as u32);
    let kids = TypeId(node.0 + 1);
    fx.b.module.types.push(TypeDesc::Struct {
        name: "test.Node".into(),
        fields: vec![Field {
            name: "kids".into(),
            ty: kids,
        }],
    });
    fx.b.module.types.push(TypeDesc::Vec(node));
    // Under Miri, which interprets every step, fewer levels still exercise the path.
    let count = fx.b.scalar(if cfg!(miri) { 2_000 } else { 1_000_000 });
    let unit = fx.unit;
    fx.main(
        unit,
        (2, 2),
        vec![
            Inst::VecNew {
                dst: R(0),
                elem: node,
            },
            load_i(0, 0),
            Inst::LoadK {
                dst: S(1),
                k: count,
            },
            Inst::VecNew {
                dst: R(1),
                elem: node,
            },
            Inst::VecPush {
                v: R(1),
                s: S(0),
                r: R(0),
            },
            Inst::TakeR {
                dst: R(0),
                src: R(1),
            },
            Inst::LoopLt {
                ctr: S(0),
                end: S(1),
                target: 3,
            },
            ret(0, 0),
        ],
    );
    assert_eq!(fx.value(), Value::Unit);
}

#[test]
fn imported_modules_are_initialized_first() {
    // b: var x = 41; fn get() -> i64 { x }.  a: var y = b.get() + 1; fn y() -> i64 { y }
    let mut b = ModuleBuilder::new("b");
    let (i64t, unit) = (b.ty(TypeDesc::I64), b.ty(TypeDesc::Unit));
    let x = b.global("x", i64t);
    let init_b = b.function(
        "__init",
        &[],
        unit,
        (1, 0),
        vec![
            load_i(0, 41),
            Inst::StoreG {
                g: GlobalSlot(x.word_slot),
                src: S(0),
            },
            ret(0, 0),
        ],
    );
    b.module.functions[init_b.0 as usize].exported = false;
    b.module.init = Some(init_b);
    b.function(
        "get",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadG {
                dst: S(0),
                g: GlobalSlot(0),
            },
            ret(0, 0),
        ],
    );
    let mut a = ModuleBuilder::new("a");
    let (i64t, unit) = (a.ty(TypeDesc::I64), a.ty(TypeDesc::Unit));
    let y = a.global("y", i64t);
    let get = a.import("b", "get", &[], i64t);
    let init_a = a.function(
        "__init",
        &[],
        unit,
        (1, 0),
        vec![
            Inst::CallImport {
                import: get,
                s: S(0),
                r: R(0),
            },
            Inst::AddImm64 {
                dst: S(0),
                a: S(0),
                imm: 1,
            },
            Inst::StoreG {
                g: GlobalSlot(y.word_slot),
                src: S(0),
            },
            ret(0, 0),
        ],
    );
    a.module.functions[init_a.0 as usize].exported = false;
    a.module.init = Some(init_a);
    a.function(
        "y",
        &[],
        i64t,
        (1, 0),
        vec![
            Inst::LoadG {
                dst: S(0),
                g: GlobalSlot(0),
            },
            ret(0, 0),
        ],
    );
    let mut p = link(vec![a.finish(), b.finish()]).unwrap();
    p.init().unwrap();
    assert_eq!(p.call("a", "y", &[]).unwrap(), Value::Int(42));
}
