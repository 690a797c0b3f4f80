//! Formatting, copy-on-write, vectors of structs, serialization, host values.
#![allow(clippy::cloned_ref_to_slice_refs)] // slices of cloned values read best in tests

mod common;

use common::*;
use dast_bytecode::*;
use dast_vm::Value;

/// Formats one constant scalar `bits` of type `ty` with `style`.
fn fmt_scalar(ty: fn(&Fx) -> TypeId, bits: u64, style: FormatStyle) -> String {
    let mut fx = Fx::new();
    let k = fx.b.scalar(bits);
    let t = ty(&fx);
    let f = fx.format(vec![arg_style(t, 0, 0, style)]);
    let unit = fx.unit;
    fx.main(
        unit,
        (1, 1),
        vec![
            Inst::LoadK { dst: S(0), k },
            Inst::Format { dst: R(0), spec: f },
            Inst::Intrinsic {
                op: Intrinsic::Print,
                ty: TypeId(0),
                s: S(0),
                r: R(0),
            },
            ret(0, 0),
        ],
    );
    fx.output()
}

fn st(
    debug: bool,
    precision: Option<u32>,
    width: Option<u32>,
    align: Option<Align>,
    fill: Option<char>,
    zero: bool,
    plus: bool,
) -> FormatStyle {
    FormatStyle {
        debug,
        precision,
        width,
        align,
        fill,
        zero,
        plus,
        ..Default::default()
    }
}

#[test]
fn floats_format_like_rust() {
    let f = |x: f64, style| fmt_scalar(|f| f.f64t, x.to_bits(), style);
    let plain = FormatStyle::default();
    assert_eq!(f(10.0, plain), "10");
    assert_eq!(f(10.0, debug()), "10.0");
    assert_eq!(f(0.1 + 0.2, plain), format!("{}", 0.1 + 0.2));
    assert_eq!(f(1e21, plain), format!("{}", 1e21));
    assert_eq!(f(1e21, debug()), format!("{:?}", 1e21));
    assert_eq!(f(f64::NAN, plain), "NaN");
    assert_eq!(f(-0.0, plain), "-0");
    assert_eq!(f(f64::INFINITY, debug()), "inf");
    assert_eq!(
        f(3.14659, st(false, Some(2), None, None, None, false, false)),
        "3.15"
    );
    assert_eq!(
        f(3.14659, st(true, Some(3), None, None, None, false, false)),
        "3.147"
    );
    assert_eq!(
        f(-1.5, st(false, Some(2), Some(8), None, None, true, false)),
        format!("{:08.2}", -1.5)
    );
    assert_eq!(
        f(1.5, st(false, None, Some(8), None, None, true, true)),
        format!("{:+08}", 1.5)
    );
    assert_eq!(
        f(
            1.5,
            st(
                false,
                None,
                Some(8),
                Some(Align::Center),
                Some('*'),
                false,
                false
            )
        ),
        format!("{:*^8}", 1.5)
    );
    assert_eq!(
        f(
            1.5,
            st(false, None, Some(6), Some(Align::Left), None, false, true)
        ),
        format!("{:<+6}", 1.5)
    );
    assert_eq!(
        f(1.5, st(false, None, Some(6), None, None, false, false)),
        format!("{:6}", 1.5)
    );
    let f32s = |x: f32, style| fmt_scalar(|f| f.f32t, x.to_bits() as u64, style);
    assert_eq!(f32s(0.1, plain), "0.1");
    assert_eq!(f32s(10.0, debug()), "10.0");
}

#[test]
fn integers_format_like_rust() {
    let i = |x: i64, style| fmt_scalar(|f| f.i64t, x as u64, style);
    let plain = FormatStyle::default();
    assert_eq!(i(-42, plain), "-42");
    assert_eq!(
        i(42, st(false, None, Some(6), None, None, false, false)),
        "    42"
    );
    assert_eq!(
        i(
            42,
            st(
                false,
                None,
                Some(6),
                Some(Align::Left),
                Some('.'),
                false,
                false
            )
        ),
        "42...."
    );
    assert_eq!(
        i(-42, st(false, None, Some(6), None, None, true, false)),
        "-00042"
    );
    assert_eq!(i(42, st(false, None, None, None, None, false, true)), "+42");
    assert_eq!(
        i(
            42,
            st(false, None, Some(7), Some(Align::Center), None, false, true)
        ),
        format!("{:^+7}", 42)
    );
    assert_eq!(
        i(7, st(false, Some(3), None, None, None, false, false)),
        "7"
    );
    let u = |x: u64| fmt_scalar(|f| f.u64t, x, FormatStyle::default());
    assert_eq!(u(u64::MAX), u64::MAX.to_string());
    let b = |x: u64, style| fmt_scalar(|f| f.boolt, x, style);
    assert_eq!(b(1, plain), "true");
    assert_eq!(
        b(
            0,
            st(false, None, Some(7), Some(Align::Right), None, false, false)
        ),
        "  false"
    );
    let c = |x: char, style| fmt_scalar(|f| f.chart, x as u64, style);
    assert_eq!(c('x', plain), "x");
    assert_eq!(c('\'', debug()), "'\\''");
    assert_eq!(
        c('x', st(false, None, Some(3), None, None, false, false)),
        "x  "
    );
}

fn kind(kind: FormatKind) -> FormatStyle {
    FormatStyle {
        kind,
        ..FormatStyle::default()
    }
}

#[test]
fn integers_format_in_radixes_like_rust() {
    use FormatKind::*;
    let i8s = |x: i8, style| fmt_scalar(|f| f.i8t, x as i64 as u64, style);
    let i32s = |x: i32, style| fmt_scalar(|f| f.i32t, x as i64 as u64, style);
    let i64s = |x: i64, style| fmt_scalar(|f| f.i64t, x as u64, style);
    let u8s = |x: u8, style| fmt_scalar(|f| f.u8t, x as u64, style);
    let u64s = |x: u64, style| fmt_scalar(|f| f.u64t, x, style);
    let usizes = |x: usize, style| fmt_scalar(|f| f.usize_t, x as u64, style);
    assert_eq!(i64s(255, kind(LowerHex)), "ff");
    assert_eq!(i64s(255, kind(UpperHex)), "FF");
    assert_eq!(i64s(5, kind(Binary)), "101");
    assert_eq!(i64s(8, kind(Octal)), "10");
    // Negative values print their two's complement at the type's own width.
    assert_eq!(i8s(-1, kind(LowerHex)), "ff");
    assert_eq!(i8s(-1, kind(Binary)), "11111111");
    assert_eq!(i32s(-2, kind(UpperHex)), "FFFFFFFE");
    assert_eq!(i64s(-1, kind(Octal)), format!("{:o}", -1i64));
    assert_eq!(u64s(u64::MAX, kind(LowerHex)), "ffffffffffffffff");
    assert_eq!(
        usizes(usize::MAX, kind(LowerHex)),
        format!("{:x}", usize::MAX)
    );
    let alt = |k| FormatStyle {
        alternate: true,
        ..kind(k)
    };
    assert_eq!(u8s(255, alt(LowerHex)), "0xff");
    assert_eq!(u8s(255, alt(UpperHex)), "0xFF");
    assert_eq!(u8s(0, alt(Binary)), "0b0");
    assert_eq!(u8s(8, alt(Octal)), "0o10");
    // Zero padding counts the prefix and the sign.
    let zw = |k, w, alternate, plus| FormatStyle {
        zero: true,
        width: Some(w),
        alternate,
        plus,
        ..kind(k)
    };
    assert_eq!(i64s(255, zw(LowerHex, 8, false, false)), "000000ff");
    assert_eq!(i64s(255, zw(LowerHex, 10, true, false)), "0x000000ff");
    assert_eq!(i64s(5, zw(Binary, 10, true, false)), "0b00000101");
    assert_eq!(i64s(255, zw(LowerHex, 8, true, true)), "+0x000ff");
    assert_eq!(i64s(255, zw(LowerHex, 8, false, true)), "+00000ff");
    // Fill and alignment.
    let padded = |k, w, align, fill, alternate| FormatStyle {
        width: Some(w),
        align,
        fill,
        alternate,
        ..kind(k)
    };
    assert_eq!(
        i64s(255, padded(LowerHex, 8, None, None, false)),
        "      ff"
    );
    assert_eq!(
        i64s(8, padded(Octal, 8, Some(Align::Left), None, true)),
        "0o10    "
    );
    assert_eq!(
        i64s(
            255,
            padded(LowerHex, 12, Some(Align::Center), Some('*'), true)
        ),
        "****0xff****"
    );
    assert_eq!(
        i64s(5, padded(Binary, 9, Some(Align::Center), None, false)),
        "   101   "
    );
    let plus = FormatStyle {
        plus: true,
        ..kind(LowerHex)
    };
    assert_eq!(i64s(255, plus), "+ff");
    // Precision has no effect on integers.
    let prec = FormatStyle {
        precision: Some(3),
        ..kind(LowerHex)
    };
    assert_eq!(i64s(255, prec), "ff");
}

#[test]
fn exponents_format_like_rust() {
    use FormatKind::*;
    let f = |x: f64, style| fmt_scalar(|f| f.f64t, x.to_bits(), style);
    let f32s = |x: f32, style| fmt_scalar(|f| f.f32t, x.to_bits() as u64, style);
    let i = |x: i64, style| fmt_scalar(|f| f.i64t, x as u64, style);
    let prec = |k, p| FormatStyle {
        precision: Some(p),
        ..kind(k)
    };
    assert_eq!(f(1234.5, kind(LowerExp)), "1.2345e3");
    assert_eq!(f(0.00012, kind(UpperExp)), "1.2E-4");
    assert_eq!(f(1234.5678, prec(LowerExp, 3)), "1.235e3");
    assert_eq!(f(2.5, prec(LowerExp, 0)), "2e0");
    assert_eq!(f(-0.0, kind(LowerExp)), "-0e0");
    assert_eq!(f(f64::NAN, kind(LowerExp)), "NaN");
    assert_eq!(f(f64::INFINITY, kind(LowerExp)), "inf");
    assert_eq!(f32s(1.5, kind(LowerExp)), "1.5e0");
    let plus = FormatStyle {
        plus: true,
        ..kind(LowerExp)
    };
    assert_eq!(f(1.0, plus), "+1e0");
    let zp = FormatStyle {
        zero: true,
        width: Some(10),
        precision: Some(2),
        ..kind(LowerExp)
    };
    assert_eq!(f(-3.25159, zp), "-0003.25e0");
    let right = FormatStyle {
        width: Some(12),
        ..kind(LowerExp)
    };
    assert_eq!(f(1e10, right), "        1e10");
    // Integers have LowerExp/UpperExp too.
    assert_eq!(i(1234, kind(LowerExp)), "1.234e3");
    assert_eq!(i(0, kind(LowerExp)), "0e0");
    assert_eq!(i(-1200, kind(UpperExp)), "-1.2E3");
    assert_eq!(i(1255, prec(LowerExp, 2)), "1.26e3");
    assert_eq!(i(125, prec(LowerExp, 1)), "1.2e2");
    assert_eq!(i(i64::MIN, kind(LowerExp)), format!("{:e}", i64::MIN));
}

#[test]
fn composites_format_like_rust_pretty_debug() {
    let mut fx = Fx::new();
    let (i64t, strt, f64t, chart) = (fx.i64t, fx.strt, fx.f64t, fx.chart);
    let point = fx.strukt("geo.Point", &[("x", f64t), ("y", f64t)]);
    let shape = fx.ty(TypeDesc::Enum {
        name: "geo.Shape".into(),
        variants: vec![
            Variant {
                name: "Empty".into(),
                fields: vec![],
                is_tuple: false,
            },
            Variant {
                name: "Dot".into(),
                fields: vec![Field {
                    name: "0".into(),
                    ty: point,
                }],
                is_tuple: true,
            },
            Variant {
                name: "C".into(),
                fields: vec![Field {
                    name: "x".into(),
                    ty: f64t,
                }],
                is_tuple: false,
            },
        ],
    });
    let vs = fx.vec_of(shape);
    let pairs = fx.ty(TypeDesc::Tuple(vec![i64t, chart]));
    let vpairs = fx.vec_of(pairs);
    let map = fx.ty(TypeDesc::Map(strt, vpairs));
    let tup = fx.ty(TypeDesc::Tuple(vec![i64t, strt]));
    let opt = fx.option_of(tup);
    let empty = fx.strukt("geo.Empty", &[]);
    let vi = fx.vec_of(i64t);
    let pretty = FormatStyle {
        debug: true,
        alternate: true,
        ..FormatStyle::default()
    };
    let pretty5 = FormatStyle {
        width: Some(5),
        ..pretty
    };
    let params = [vs, map, opt, empty, vi];
    let pieces = vec![
        arg_style(vs, 0, 0, pretty),
        lit("|"),
        arg_style(map, 0, 1, pretty),
        lit("|"),
        arg_style(opt, 0, 2, pretty),
        lit("|"),
        arg_style(empty, 2, 3, pretty),
        lit("|"),
        arg_style(vi, 2, 3, pretty),
        lit("|"),
        arg_style(vi, 2, 3, pretty5),
    ];
    let f = fx.format(pieces);
    fx.b.function(
        "show",
        &params,
        strt,
        (2, 5),
        vec![
            Inst::Format { dst: R(4), spec: f },
            Inst::TakeR {
                dst: R(0),
                src: R(4),
            },
            ret(0, 0),
        ],
    );
    let (mut p, _) = fx.link();
    let pt = |x: f64, y: f64| Value::Struct {
        name: "geo.Point".into(),
        fields: vec![("x".into(), Value::Float(x)), ("y".into(), Value::Float(y))],
    };
    let en = |v: &str, fields: Vec<Value>| Value::Enum {
        name: "geo.Shape".into(),
        variant: v.into(),
        fields,
    };
    let shapes = Value::Vec(vec![
        en("Empty", vec![]),
        en("Dot", vec![pt(1.0, 2.5)]),
        en("C", vec![Value::Float(3.0)]),
    ]);
    let args = vec![
        shapes,
        Value::Map(vec![(
            Value::Str("a\"".into()),
            Value::Vec(vec![Value::Tuple(vec![Value::Int(1), Value::Char('c')])]),
        )]),
        Value::Enum {
            name: "Option".into(),
            variant: "Some".into(),
            fields: vec![Value::Tuple(vec![Value::Int(1), Value::Str("a".into())])],
        },
        Value::Struct {
            name: "geo.Empty".into(),
            fields: vec![],
        },
        Value::Vec(vec![]),
    ];
    let out = p.call("test", "show", &args).unwrap();
    // From Rust's `{:#?}` of the same values.
    let expected = concat!(
        "[\n    Empty,\n    Dot(\n        Point {\n            x: 1.0,\n            y: 2.5,\n",
        "        },\n    ),\n    C {\n        x: 3.0,\n    },\n]|",
        "{\n    \"a\\\"\": [\n        (\n            1,\n            'c',\n        ),\n    ],\n}|",
        "Some(\n    (\n        1,\n        \"a\",\n    ),\n)|",
        "Empty|[]|[]"
    );
    assert_eq!(out, Value::Str(expected.into()));
    let mut one = args.clone();
    one[4] = Value::Vec(vec![Value::Int(1), Value::Int(2)]);
    let Value::Str(out) = p.call("test", "show", &one).unwrap() else {
        panic!()
    };
    assert!(
        out.ends_with("|[\n    1,\n    2,\n]|[\n        1,\n        2,\n]"),
        "{out}"
    );
}

#[test]
fn composites_format_like_rust_debug() {
    let mut fx = Fx::new();
    let (i64t, strt, f64t) = (fx.i64t, fx.strt, fx.f64t);
    let point = fx.strukt("geo.Point", &[("x", f64t), ("y", f64t)]);
    let shape = fx.ty(TypeDesc::Enum {
        name: "geo.Shape".into(),
        variants: vec![
            Variant {
                name: "Empty".into(),
                fields: vec![],
                is_tuple: false,
            },
            Variant {
                name: "Dot".into(),
                fields: vec![Field {
                    name: "0".into(),
                    ty: point,
                }],
                is_tuple: true,
            },
            Variant {
                name: "C".into(),
                fields: vec![Field {
                    name: "x".into(),
                    ty: f64t,
                }],
                is_tuple: false,
            },
        ],
    });
    let vs = fx.vec_of(shape);
    let map = fx.ty(TypeDesc::Map(strt, i64t));
    let tup = fx.ty(TypeDesc::Tuple(vec![i64t, strt]));
    let one = fx.ty(TypeDesc::Tuple(vec![i64t]));
    let opt = fx.option_of(i64t);
    let empty = fx.strukt("geo.Empty", &[]);
    let unit = fx.unit;
    // show(shapes, map, tup, one, opt, empty, text) prints each with {:?}, text with {} and {:?}
    let params = [vs, map, tup, one, opt, empty, strt];
    let pieces = vec![
        arg_style(vs, 0, 0, debug()),
        lit(" "),
        arg_style(map, 0, 1, debug()),
        lit(" "),
        arg_style(tup, 0, 2, debug()),
        lit(" "),
        arg_style(one, 1, 3, debug()),
        lit(" "),
        arg_style(opt, 2, 3, debug()),
        lit(" "),
        arg_style(empty, 4, 3, debug()),
        lit(" "),
        arg(strt, 4, 3),
        lit(" "),
        arg_style(strt, 4, 3, debug()),
        lit(" "),
        arg_style(unit, 4, 3, debug()),
        lit(" "),
        arg_style(
            vs,
            0,
            0,
            FormatStyle {
                debug: true,
                precision: Some(1),
                ..FormatStyle::default()
            },
        ),
    ];
    let f = fx.format(pieces);
    fx.b.function(
        "show",
        &params,
        strt,
        (4, 5),
        vec![
            Inst::Format { dst: R(4), spec: f },
            Inst::TakeR {
                dst: R(0),
                src: R(4),
            },
            ret(0, 0),
        ],
    );
    let (mut p, _) = fx.link();
    let pt = |x: f64, y: f64| Value::Struct {
        name: "geo.Point".into(),
        fields: vec![("x".into(), Value::Float(x)), ("y".into(), Value::Float(y))],
    };
    let en = |v: &str, fields: Vec<Value>| Value::Enum {
        name: "geo.Shape".into(),
        variant: v.into(),
        fields,
    };
    let shapes = Value::Vec(vec![
        en("Empty", vec![]),
        en("Dot", vec![pt(1.0, 2.5)]),
        en("C", vec![Value::Float(3.0)]),
    ]);
    let args = vec![
        shapes,
        Value::Map(vec![
            (Value::Str("a".into()), Value::Int(1)),
            (Value::Str("b\"".into()), Value::Int(2)),
        ]),
        Value::Tuple(vec![Value::Int(1), Value::Str("x".into())]),
        Value::Tuple(vec![Value::Int(7)]),
        Value::Enum {
            name: "Option".into(),
            variant: "Some".into(),
            fields: vec![Value::Int(4)],
        },
        Value::Struct {
            name: "geo.Empty".into(),
            fields: vec![],
        },
        Value::Str("tab\there".into()),
    ];
    let out = p.call("test", "show", &args).unwrap();
    let expected = concat!(
        r#"[Empty, Dot(Point { x: 1.0, y: 2.5 }), C { x: 3.0 }] {"a": 1, "b\"": 2} (1, "x") (7,) Some(4) Empty "#,
        "tab\there \"tab\\there\" () ",
        "[Empty, Dot(Point { x: 1.0, y: 2.5 }), C { x: 3.0 }]"
    );
    assert_eq!(out, Value::Str(expected.into()));
}

#[test]
fn host_values_display_like_debug() {
    let v = Value::Vec(vec![Value::Struct {
        name: "m.P".into(),
        fields: vec![
            ("x".into(), Value::Float(1.0)),
            ("s".into(), Value::Str("a".into())),
        ],
    }]);
    assert_eq!(v.to_string(), r#"[P { x: 1.0, s: "a" }]"#);
    let e = Value::Enum {
        name: "Option".into(),
        variant: "Some".into(),
        fields: vec![Value::Char('c')],
    };
    assert_eq!(e.to_string(), "Some('c')");
    assert_eq!(Value::Tuple(vec![Value::UInt(1)]).to_string(), "(1,)");
    assert_eq!(
        Value::Map(vec![(Value::Int(1), Value::Bool(true))]).to_string(),
        "{1: true}"
    );
}

#[test]
fn copies_are_independent_copy_on_write() {
    let mut fx = Fx::new();
    let (i64t, strt, unit) = (fx.i64t, fx.strt, fx.unit);
    let vi = fx.vec_of(i64t);
    let hi = fx.string("hi");
    let f = fx.format(vec![
        arg_style(vi, 0, 0, debug()),
        lit(" "),
        arg_style(vi, 0, 1, debug()),
        lit(" "),
        arg(strt, 0, 2),
        lit(" "),
        arg(strt, 0, 3),
    ]);
    fx.main(
        unit,
        (3, 5),
        vec![
            Inst::VecNew {
                dst: R(0),
                elem: i64t,
            },
            load_i(0, 1),
            Inst::VecPush {
                v: R(0),
                s: S(0),
                r: R(4),
            },
            load_i(0, 2),
            Inst::VecPush {
                v: R(0),
                s: S(0),
                r: R(4),
            },
            Inst::MovR {
                dst: R(1),
                src: R(0),
            },
            load_i(0, 99),
            load_i(1, 0),
            Inst::VecStoreW {
                v: R(1),
                idx: S(1),
                off: 0,
                src: S(0),
            },
            Inst::VecPush {
                v: R(1),
                s: S(0),
                r: R(4),
            },
            Inst::LoadStr { dst: R(2), k: hi },
            Inst::MovR {
                dst: R(3),
                src: R(2),
            },
            Inst::StrPush { a: R(3), b: R(2) },
            Inst::StrPush { a: R(3), b: R(3) },
            Inst::Format { dst: R(4), spec: f },
            println(4),
            ret(0, 0),
        ],
    );
    let _ = strt;
    assert_eq!(fx.output(), "[1, 2] [99, 2, 99] hi hihihihi\n");
}

#[test]
fn vectors_of_structs() {
    let mut fx = Fx::new();
    let (f64t, strt, unit) = (fx.f64t, fx.strt, fx.unit);
    let rec = fx.strukt("w.Rec", &[("x", f64t), ("name", strt), ("y", f64t)]);
    let vr = fx.vec_of(rec);
    let (k1, k2, k3) = (fx.f64k(1.0), fx.f64k(2.0), fx.f64k(0.5));
    let (a, b) = (fx.string("a"), fx.string("b"));
    let f = fx.format(vec![
        arg_style(vr, 0, 0, debug()),
        lit(" "),
        arg(f64t, 2, 0),
        lit(" "),
        arg(strt, 0, 1),
    ]);
    fx.main(
        unit,
        (4, 3),
        vec![
            Inst::VecNew {
                dst: R(0),
                elem: rec,
            },
            Inst::LoadK { dst: S(0), k: k1 },
            Inst::LoadStr { dst: R(1), k: a },
            Inst::LoadK { dst: S(1), k: k2 },
            Inst::VecPush {
                v: R(0),
                s: S(0),
                r: R(1),
            },
            Inst::LoadK { dst: S(0), k: k2 },
            Inst::LoadStr { dst: R(1), k: b },
            Inst::LoadK { dst: S(1), k: k3 },
            Inst::VecPush {
                v: R(0),
                s: S(0),
                r: R(1),
            },
            // v[0].y += v[1].y ; read v[1].name
            load_i(3, 1),
            Inst::VecLoadW {
                dst: S(2),
                v: R(0),
                idx: S(3),
                off: 1,
            },
            load_i(3, 0),
            Inst::VecLoadW {
                dst: S(1),
                v: R(0),
                idx: S(3),
                off: 1,
            },
            Inst::AddF64 {
                dst: S(2),
                a: S(2),
                b: S(1),
            },
            Inst::VecStoreW {
                v: R(0),
                idx: S(3),
                off: 1,
                src: S(2),
            },
            load_i(3, 1),
            Inst::VecLoadR {
                dst: R(1),
                v: R(0),
                idx: S(3),
                off: 0,
            },
            Inst::LoadStr { dst: R(2), k: a },
            load_i(3, 0),
            Inst::VecStoreR {
                v: R(0),
                idx: S(3),
                off: 0,
                src: R(1),
            },
            Inst::Format { dst: R(2), spec: f },
            println(2),
            ret(0, 0),
        ],
    );
    assert_eq!(
        fx.output(),
        "[Rec { x: 1.0, name: \"b\", y: 2.5 }, Rec { x: 2.0, name: \"b\", y: 0.5 }] 2.5 b\n"
    );
}

#[test]
fn vector_bounds_and_byte_storage() {
    let mut fx = Fx::new();
    let (boolt, i64t) = (fx.boolt, fx.i64t);
    fx.main(
        i64t,
        (3, 1),
        vec![
            load_i(0, 1),
            load_i(1, 3),
            Inst::Intrinsic {
                op: Intrinsic::VecRepeat,
                ty: boolt,
                s: S(0),
                r: R(0),
            },
            load_i(1, 2),
            load_i(2, 0),
            Inst::VecStoreB {
                v: R(0),
                idx: S(1),
                src: S(2),
            },
            Inst::VecLoadB {
                dst: S(0),
                v: R(0),
                idx: S(1),
            },
            Inst::VecLen { dst: S(0), v: R(0) },
            Inst::VecLoadB {
                dst: S(0),
                v: R(0),
                idx: S(0),
            },
            ret(0, 0),
        ],
    );
    let e = fx.panic();
    assert_eq!(
        e.message,
        "index out of bounds: the len is 3 but the index is 3"
    );
    assert_eq!(e.trace[0].line, 9);
}

#[test]
fn serialize_round_trip_with_added_field_and_widening() {
    let mut fx = Fx::new();
    let (i32t, i64t, strt, f32t, f64t, u8t, boolt) = (
        fx.i32t, fx.i64t, fx.strt, fx.f32t, fx.f64t, fx.u8t, fx.boolt,
    );
    let bytes = fx.vec_of(u8t);
    let vs = fx.vec_of(strt);
    let map = fx.ty(TypeDesc::Map(strt, i32t));
    let opt = fx.option_of(f32t);
    let v1 = fx.strukt(
        "game.State",
        &[
            ("score", i32t),
            ("name", strt),
            ("data", bytes),
            ("by", map),
            ("speed", opt),
            ("gone", boolt),
        ],
    );
    let map64 = fx.ty(TypeDesc::Map(strt, i64t));
    let opt64 = fx.option_of(f64t);
    let v2 = fx.strukt(
        "game.State",
        &[
            ("name", strt),
            ("score", i64t),
            ("data", bytes),
            ("by", map64),
            ("speed", opt64),
            ("added", vs),
        ],
    );
    // migrate(x: V1) -> V2 = deserialize(serialize(x))
    fx.b.function(
        "migrate",
        &[v1],
        v2,
        (4, 4),
        vec![
            intrinsic(Intrinsic::Serialize, v1, 0, 0),
            intrinsic(Intrinsic::Deserialize, v2, 0, 0),
            ret(0, 0),
        ],
    );
    fx.b.function(
        "ser",
        &[v1],
        bytes,
        (4, 4),
        vec![intrinsic(Intrinsic::Serialize, v1, 0, 0), ret(0, 0)],
    );
    fx.b.function(
        "back",
        &[bytes],
        v1,
        (4, 4),
        vec![intrinsic(Intrinsic::Deserialize, v1, 0, 0), ret(0, 0)],
    );
    fx.b.function(
        "as_str",
        &[bytes],
        strt,
        (0, 1),
        vec![intrinsic(Intrinsic::Deserialize, strt, 0, 0), ret(0, 0)],
    );
    let (mut p, _) = fx.link();
    let s = |x: &str| Value::Str(x.into());
    let state = Value::Struct {
        name: "game.State".into(),
        fields: vec![
            ("score".into(), Value::Int(-7)),
            ("name".into(), s("hero")),
            (
                "data".into(),
                Value::Vec(vec![Value::UInt(1), Value::UInt(255)]),
            ),
            ("by".into(), Value::Map(vec![(s("k"), Value::Int(3))])),
            (
                "speed".into(),
                Value::Enum {
                    name: "Option".into(),
                    variant: "Some".into(),
                    fields: vec![Value::Float(1.5)],
                },
            ),
            ("gone".into(), Value::Bool(true)),
        ],
    };
    let migrated = p.call("test", "migrate", &[state.clone()]).unwrap();
    assert_eq!(
        migrated,
        Value::Struct {
            name: "game.State".into(),
            fields: vec![
                ("name".into(), s("hero")),
                ("score".into(), Value::Int(-7)),
                (
                    "data".into(),
                    Value::Vec(vec![Value::UInt(1), Value::UInt(255)])
                ),
                ("by".into(), Value::Map(vec![(s("k"), Value::Int(3))])),
                (
                    "speed".into(),
                    Value::Enum {
                        name: "Option".into(),
                        variant: "Some".into(),
                        fields: vec![Value::Float(1.5)]
                    }
                ),
                ("added".into(), Value::Vec(vec![])),
            ],
        }
    );
    let bytes_v = p.call("test", "ser", &[state.clone()]).unwrap();
    assert_eq!(p.call("test", "back", &[bytes_v.clone()]).unwrap(), state);
    let e = p.call("test", "as_str", &[bytes_v.clone()]).unwrap_err();
    assert_eq!(e.message, "deserialize: expected String, found a struct");
    // Every truncation and garbage bytes are Dast panics, never crashes.
    let Value::Vec(raw) = bytes_v else { panic!() };
    for n in 0..raw.len() {
        assert!(p
            .call("test", "back", &[Value::Vec(raw[..n].to_vec())])
            .is_err());
    }
    for i in 4..raw.len() {
        let mut bad = raw.clone();
        bad[i] = Value::UInt(0xff);
        let _ = p.call("test", "back", &[Value::Vec(bad)]);
    }
}

#[test]
fn deserialize_refuses_narrowing() {
    let mut fx = Fx::new();
    let (i32t, i64t, u8t) = (fx.i32t, fx.i64t, fx.u8t);
    let bytes = fx.vec_of(u8t);
    fx.b.function(
        "ser",
        &[i64t],
        bytes,
        (1, 1),
        vec![intrinsic(Intrinsic::Serialize, i64t, 0, 0), ret(0, 0)],
    );
    fx.b.function(
        "back",
        &[bytes],
        i32t,
        (1, 1),
        vec![intrinsic(Intrinsic::Deserialize, i32t, 0, 0), ret(0, 0)],
    );
    let (mut p, _) = fx.link();
    let b = p.call("test", "ser", &[Value::Int(5)]).unwrap();
    let e = p.call("test", "back", &[b]).unwrap_err();
    assert_eq!(e.message, "deserialize: expected i32, found i64");
    let e = p.call("test", "back", &[Value::Vec(vec![])]).unwrap_err();
    assert_eq!(
        e.message,
        "deserialize: the bytes were not made by serialize"
    );
}
