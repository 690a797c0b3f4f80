//! Intrinsics, called through one-instruction functions whose parameters are the
#![allow(clippy::cloned_ref_to_slice_refs)] // slices of cloned values read best in tests
//! intrinsic's arguments and whose return type is its results, so values go in and come
//! out as host `Value`s.

mod common;

use common::*;
use dast_bytecode::*;
use dast_vm::{Program, Value};

/// Adds `name(params) -> ret { Intrinsic op ty; Ret }`.
fn op(fx: &mut Fx, name: &str, op: Intrinsic, ty: TypeId, params: &[TypeId], ret: TypeId) {
    let (a, r) = intrinsic_window(op, ty, &fx.b.module.types).unwrap();
    let regs = (a.words.max(r.words) as u16, a.refs.max(r.refs) as u16);
    fx.b.function(
        name,
        params,
        ret,
        regs,
        vec![intrinsic(op, ty, 0, 0), ret_inst()],
    );
}

fn ret_inst() -> Inst {
    Inst::Ret { s: S(0), r: R(0) }
}

fn ints(v: &[i64]) -> Value {
    Value::Vec(v.iter().map(|x| Value::Int(*x)).collect())
}

fn strs(v: &[&str]) -> Value {
    Value::Vec(v.iter().map(|x| Value::Str(x.to_string())).collect())
}

fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}

fn some(v: Value) -> Value {
    Value::Enum {
        name: "Option".into(),
        variant: "Some".into(),
        fields: vec![v],
    }
}

fn none() -> Value {
    Value::Enum {
        name: "Option".into(),
        variant: "None".into(),
        fields: vec![],
    }
}

fn tuple(items: Vec<Value>) -> Value {
    Value::Tuple(items)
}

fn call(p: &mut Program, f: &str, args: &[Value]) -> Value {
    p.call("test", f, args)
        .unwrap_or_else(|e| panic!("{f}: {e}"))
}

fn call_err(p: &mut Program, f: &str, args: &[Value]) -> String {
    p.call("test", f, args).expect_err("should panic").message
}

#[test]
fn vector_intrinsics() {
    let mut fx = Fx::new();
    let (i64t, usz, boolt, strt) = (fx.i64t, fx.usize_t, fx.boolt, fx.strt);
    let v = fx.vec_of(i64t);
    let opt = fx.option_of(i64t);
    let pop_t = fx.ty(TypeDesc::Tuple(vec![v, opt]));
    let rem_t = fx.ty(TypeDesc::Tuple(vec![v, i64t]));
    let vs = fx.vec_of(strt);
    op(&mut fx, "pop", Intrinsic::VecPop, i64t, &[v], pop_t);
    op(&mut fx, "get", Intrinsic::VecGet, i64t, &[v, usz], opt);
    op(
        &mut fx,
        "insert",
        Intrinsic::VecInsert,
        i64t,
        &[v, usz, i64t],
        v,
    );
    op(
        &mut fx,
        "remove",
        Intrinsic::VecRemove,
        i64t,
        &[v, usz],
        rem_t,
    );
    op(
        &mut fx,
        "contains",
        Intrinsic::VecContains,
        i64t,
        &[v, i64t],
        boolt,
    );
    op(&mut fx, "sort", Intrinsic::VecSort, i64t, &[v], v);
    op(&mut fx, "reverse", Intrinsic::VecReverse, i64t, &[v], v);
    op(&mut fx, "clear", Intrinsic::VecClear, i64t, &[v], v);
    op(&mut fx, "extend", Intrinsic::VecExtend, i64t, &[v, v], v);
    op(
        &mut fx,
        "slice",
        Intrinsic::VecSlice,
        i64t,
        &[v, usz, usz],
        v,
    );
    op(
        &mut fx,
        "repeat",
        Intrinsic::VecRepeat,
        i64t,
        &[i64t, usz],
        v,
    );
    op(
        &mut fx,
        "join",
        Intrinsic::VecJoin,
        TypeId(0),
        &[vs, strt],
        strt,
    );
    op(&mut fx, "sort_strings", Intrinsic::VecSort, strt, &[vs], vs);
    op(
        &mut fx,
        "reverse_strings",
        Intrinsic::VecReverse,
        strt,
        &[vs],
        vs,
    );
    let (mut p, _) = fx.link();
    let u = Value::UInt;
    assert_eq!(
        call(&mut p, "pop", &[ints(&[1, 2])]),
        tuple(vec![ints(&[1]), some(Value::Int(2))])
    );
    assert_eq!(
        call(&mut p, "pop", &[ints(&[])]),
        tuple(vec![ints(&[]), none()])
    );
    assert_eq!(
        call(&mut p, "get", &[ints(&[5, 6]), u(1)]),
        some(Value::Int(6))
    );
    assert_eq!(call(&mut p, "get", &[ints(&[5, 6]), u(2)]), none());
    assert_eq!(
        call(&mut p, "insert", &[ints(&[1, 3]), u(1), Value::Int(2)]),
        ints(&[1, 2, 3])
    );
    assert_eq!(
        call_err(&mut p, "insert", &[ints(&[1]), u(3), Value::Int(2)]),
        "insertion index (is 3) should be <= len (is 1)"
    );
    assert_eq!(
        call(&mut p, "remove", &[ints(&[1, 2, 3]), u(0)]),
        tuple(vec![ints(&[2, 3]), Value::Int(1)])
    );
    assert_eq!(
        call_err(&mut p, "remove", &[ints(&[1]), u(1)]),
        "removal index (is 1) should be < len (is 1)"
    );
    assert_eq!(
        call(&mut p, "contains", &[ints(&[1, 2]), Value::Int(2)]),
        Value::Bool(true)
    );
    assert_eq!(
        call(&mut p, "contains", &[ints(&[1, 2]), Value::Int(3)]),
        Value::Bool(false)
    );
    assert_eq!(
        call(&mut p, "sort", &[ints(&[3, -1, 2])]),
        ints(&[-1, 2, 3])
    );
    assert_eq!(
        call(&mut p, "reverse", &[ints(&[1, 2, 3])]),
        ints(&[3, 2, 1])
    );
    assert_eq!(call(&mut p, "clear", &[ints(&[1, 2, 3])]), ints(&[]));
    assert_eq!(
        call(&mut p, "extend", &[ints(&[1]), ints(&[2, 3])]),
        ints(&[1, 2, 3])
    );
    assert_eq!(
        call(&mut p, "slice", &[ints(&[1, 2, 3, 4]), u(1), u(3)]),
        ints(&[2, 3])
    );
    assert_eq!(
        call_err(&mut p, "slice", &[ints(&[1]), u(0), u(3)]),
        "range end index 3 out of range for slice of length 1"
    );
    assert_eq!(
        call(&mut p, "repeat", &[Value::Int(7), u(3)]),
        ints(&[7, 7, 7])
    );
    assert!(call_err(&mut p, "repeat", &[Value::Int(7), u(u64::MAX)]).contains("capacity overflow"));
    assert_eq!(
        call(&mut p, "join", &[strs(&["a", "b", "c"]), s(", ")]),
        s("a, b, c")
    );
    assert_eq!(
        call(&mut p, "sort_strings", &[strs(&["b", "a", "c"])]),
        strs(&["a", "b", "c"])
    );
    assert_eq!(
        call(&mut p, "reverse_strings", &[strs(&["b", "a", "c"])]),
        strs(&["c", "a", "b"])
    );
}

#[test]
fn sorting_structs_and_floats_and_bytes() {
    let mut fx = Fx::new();
    let (i64t, strt, f64t, boolt, i8t) = (fx.i64t, fx.strt, fx.f64t, fx.boolt, fx.i8t);
    let pair = fx.strukt("test.Pair", &[("name", strt), ("n", i64t)]);
    let vp = fx.vec_of(pair);
    let vf = fx.vec_of(f64t);
    let vb = fx.vec_of(boolt);
    let vi8 = fx.vec_of(i8t);
    op(&mut fx, "sort_pairs", Intrinsic::VecSort, pair, &[vp], vp);
    op(&mut fx, "sort_floats", Intrinsic::VecSort, f64t, &[vf], vf);
    op(&mut fx, "sort_bools", Intrinsic::VecSort, boolt, &[vb], vb);
    op(&mut fx, "sort_i8", Intrinsic::VecSort, i8t, &[vi8], vi8);
    op(
        &mut fx,
        "reverse_pairs",
        Intrinsic::VecReverse,
        pair,
        &[vp],
        vp,
    );
    op(
        &mut fx,
        "contains_pair",
        Intrinsic::VecContains,
        pair,
        &[vp, pair],
        boolt,
    );
    let (mut p, _) = fx.link();
    let pr = |name: &str, n: i64| Value::Struct {
        name: "test.Pair".into(),
        fields: vec![("name".into(), s(name)), ("n".into(), Value::Int(n))],
    };
    let input = Value::Vec(vec![pr("b", 2), pr("a", 9), pr("b", 1), pr("a", 3)]);
    let sorted = Value::Vec(vec![pr("a", 3), pr("a", 9), pr("b", 1), pr("b", 2)]);
    assert_eq!(call(&mut p, "sort_pairs", &[input.clone()]), sorted);
    let reversed = Value::Vec(vec![pr("a", 3), pr("b", 1), pr("a", 9), pr("b", 2)]);
    assert_eq!(call(&mut p, "reverse_pairs", &[input.clone()]), reversed);
    assert_eq!(
        call(&mut p, "contains_pair", &[input.clone(), pr("a", 9)]),
        Value::Bool(true)
    );
    assert_eq!(
        call(&mut p, "contains_pair", &[input, pr("a", 8)]),
        Value::Bool(false)
    );
    let fl = |v: &[f64]| Value::Vec(v.iter().map(|x| Value::Float(*x)).collect());
    assert_eq!(
        call(&mut p, "sort_floats", &[fl(&[2.5, -1.0, 0.0])]),
        fl(&[-1.0, 0.0, 2.5])
    );
    let bl = |v: &[bool]| Value::Vec(v.iter().map(|x| Value::Bool(*x)).collect());
    assert_eq!(
        call(&mut p, "sort_bools", &[bl(&[true, false, true])]),
        bl(&[false, true, true])
    );
    assert_eq!(
        call(&mut p, "sort_i8", &[ints(&[3, -128, 127, 0])]),
        ints(&[-128, 0, 3, 127])
    );
}

#[test]
fn map_intrinsics() {
    let mut fx = Fx::new();
    let (i64t, strt, usz, boolt) = (fx.i64t, fx.strt, fx.usize_t, fx.boolt);
    let map = fx.ty(TypeDesc::Map(strt, i64t));
    let opt = fx.option_of(i64t);
    let ins_t = fx.ty(TypeDesc::Tuple(vec![map, opt]));
    let entry_t = fx.ty(TypeDesc::Tuple(vec![strt, i64t]));
    let (vs, vi) = (fx.vec_of(strt), fx.vec_of(i64t));
    op(
        &mut fx,
        "insert",
        Intrinsic::MapInsert,
        map,
        &[map, strt, i64t],
        ins_t,
    );
    op(&mut fx, "get", Intrinsic::MapGet, map, &[map, strt], opt);
    op(
        &mut fx,
        "remove",
        Intrinsic::MapRemove,
        map,
        &[map, strt],
        ins_t,
    );
    op(
        &mut fx,
        "has",
        Intrinsic::MapContainsKey,
        map,
        &[map, strt],
        boolt,
    );
    op(&mut fx, "len", Intrinsic::MapLen, map, &[map], usz);
    op(
        &mut fx,
        "entry",
        Intrinsic::MapEntryAt,
        map,
        &[map, usz],
        entry_t,
    );
    op(&mut fx, "keys", Intrinsic::MapKeys, map, &[map], vs);
    op(&mut fx, "values", Intrinsic::MapValues, map, &[map], vi);
    op(&mut fx, "clear", Intrinsic::MapClear, map, &[map], map);
    let (mut p, _) = fx.link();
    let m = |entries: &[(&str, i64)]| {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| (s(k), Value::Int(*v)))
                .collect(),
        )
    };
    let abc = m(&[("a", 1), ("b", 2), ("c", 3)]);
    assert_eq!(
        call(&mut p, "insert", &[m(&[]), s("a"), Value::Int(1)]),
        tuple(vec![m(&[("a", 1)]), none()])
    );
    assert_eq!(
        call(&mut p, "insert", &[abc.clone(), s("b"), Value::Int(20)]),
        tuple(vec![
            m(&[("a", 1), ("b", 20), ("c", 3)]),
            some(Value::Int(2))
        ])
    );
    assert_eq!(
        call(&mut p, "get", &[abc.clone(), s("c")]),
        some(Value::Int(3))
    );
    assert_eq!(call(&mut p, "get", &[abc.clone(), s("z")]), none());
    // remove is a swap-remove: the last entry takes the removed one's place.
    assert_eq!(
        call(&mut p, "remove", &[abc.clone(), s("a")]),
        tuple(vec![m(&[("c", 3), ("b", 2)]), some(Value::Int(1))])
    );
    assert_eq!(
        call(&mut p, "remove", &[abc.clone(), s("z")]),
        tuple(vec![abc.clone(), none()])
    );
    assert_eq!(
        call(&mut p, "has", &[abc.clone(), s("b")]),
        Value::Bool(true)
    );
    assert_eq!(call(&mut p, "len", &[abc.clone()]), Value::UInt(3));
    assert_eq!(
        call(&mut p, "entry", &[abc.clone(), Value::UInt(1)]),
        tuple(vec![s("b"), Value::Int(2)])
    );
    assert_eq!(
        call_err(&mut p, "entry", &[abc.clone(), Value::UInt(3)]),
        "index out of bounds: the len is 3 but the index is 3"
    );
    assert_eq!(call(&mut p, "keys", &[abc.clone()]), strs(&["a", "b", "c"]));
    assert_eq!(call(&mut p, "values", &[abc.clone()]), ints(&[1, 2, 3]));
    assert_eq!(call(&mut p, "clear", &[abc]), m(&[]));
}

#[test]
fn maps_with_composite_and_enum_keys() {
    let mut fx = Fx::new();
    let (i64t, strt) = (fx.i64t, fx.strt);
    let key = fx.ty(TypeDesc::Tuple(vec![i64t, strt]));
    let opt_key = fx.option_of(strt);
    let map = fx.ty(TypeDesc::Map(key, i64t));
    let map2 = fx.ty(TypeDesc::Map(opt_key, i64t));
    let opt = fx.option_of(i64t);
    let ins_t = fx.ty(TypeDesc::Tuple(vec![map, opt]));
    let ins2_t = fx.ty(TypeDesc::Tuple(vec![map2, opt]));
    op(
        &mut fx,
        "insert",
        Intrinsic::MapInsert,
        map,
        &[map, key, i64t],
        ins_t,
    );
    op(&mut fx, "get", Intrinsic::MapGet, map, &[map, key], opt);
    op(
        &mut fx,
        "insert2",
        Intrinsic::MapInsert,
        map2,
        &[map2, opt_key, i64t],
        ins2_t,
    );
    let (mut p, _) = fx.link();
    let k = |n: i64, t: &str| tuple(vec![Value::Int(n), s(t)]);
    let m = Value::Map(vec![
        (k(1, "a"), Value::Int(10)),
        (k(2, "a"), Value::Int(20)),
    ]);
    assert_eq!(
        call(&mut p, "get", &[m.clone(), k(2, "a")]),
        some(Value::Int(20))
    );
    assert_eq!(call(&mut p, "get", &[m.clone(), k(2, "b")]), none());
    let out = call(&mut p, "insert", &[m, k(1, "a"), Value::Int(11)]);
    assert_eq!(
        out,
        tuple(vec![
            Value::Map(vec![
                (k(1, "a"), Value::Int(11)),
                (k(2, "a"), Value::Int(20))
            ]),
            some(Value::Int(10))
        ])
    );
    let m2 = Value::Map(vec![(none(), Value::Int(0)), (some(s("x")), Value::Int(1))]);
    let out = call(&mut p, "insert2", &[m2, none(), Value::Int(5)]);
    assert_eq!(
        out,
        tuple(vec![
            Value::Map(vec![(none(), Value::Int(5)), (some(s("x")), Value::Int(1))]),
            some(Value::Int(0))
        ])
    );
}

#[test]
fn string_intrinsics() {
    let mut fx = Fx::new();
    let (strt, boolt, chart, usz, i64t, f64t) =
        (fx.strt, fx.boolt, fx.chart, fx.usize_t, fx.i64t, fx.f64t);
    let vs = fx.vec_of(strt);
    let vc = fx.vec_of(chart);
    let oi = fx.option_of(i64t);
    let of = fx.option_of(f64t);
    let z = TypeId(0);
    op(
        &mut fx,
        "contains",
        Intrinsic::StrContains,
        z,
        &[strt, strt],
        boolt,
    );
    op(
        &mut fx,
        "starts",
        Intrinsic::StrStartsWith,
        z,
        &[strt, strt],
        boolt,
    );
    op(
        &mut fx,
        "ends",
        Intrinsic::StrEndsWith,
        z,
        &[strt, strt],
        boolt,
    );
    op(&mut fx, "split", Intrinsic::StrSplit, z, &[strt, strt], vs);
    op(
        &mut fx,
        "words",
        Intrinsic::StrSplitWhitespace,
        z,
        &[strt],
        vs,
    );
    op(&mut fx, "trim", Intrinsic::StrTrim, z, &[strt], strt);
    op(&mut fx, "upper", Intrinsic::StrToUpper, z, &[strt], strt);
    op(&mut fx, "lower", Intrinsic::StrToLower, z, &[strt], strt);
    op(
        &mut fx,
        "replace",
        Intrinsic::StrReplace,
        z,
        &[strt, strt, strt],
        strt,
    );
    op(&mut fx, "parse_i64", Intrinsic::StrParseI64, z, &[strt], oi);
    op(&mut fx, "parse_f64", Intrinsic::StrParseF64, z, &[strt], of);
    op(&mut fx, "chars", Intrinsic::StrChars, z, &[strt], vc);
    op(
        &mut fx,
        "slice",
        Intrinsic::StrSlice,
        z,
        &[strt, usz, usz],
        strt,
    );
    op(
        &mut fx,
        "push_char",
        Intrinsic::StrPushChar,
        z,
        &[strt, chart],
        strt,
    );
    op(
        &mut fx,
        "char_str",
        Intrinsic::CharToString,
        z,
        &[chart],
        strt,
    );
    let (mut p, _) = fx.link();
    assert_eq!(
        call(&mut p, "contains", &[s("hello"), s("ell")]),
        Value::Bool(true)
    );
    assert_eq!(
        call(&mut p, "starts", &[s("hello"), s("he")]),
        Value::Bool(true)
    );
    assert_eq!(
        call(&mut p, "ends", &[s("hello"), s("he")]),
        Value::Bool(false)
    );
    assert_eq!(
        call(&mut p, "split", &[s("a,b,,c"), s(",")]),
        strs(&["a", "b", "", "c"])
    );
    assert_eq!(
        call(&mut p, "words", &[s("  a b\t c ")]),
        strs(&["a", "b", "c"])
    );
    assert_eq!(call(&mut p, "trim", &[s("  a b ")]), s("a b"));
    assert_eq!(call(&mut p, "upper", &[s("straße")]), s("STRASSE"));
    assert_eq!(call(&mut p, "lower", &[s("ABC")]), s("abc"));
    assert_eq!(
        call(&mut p, "replace", &[s("a-b-c"), s("-"), s("+")]),
        s("a+b+c")
    );
    assert_eq!(
        call(&mut p, "parse_i64", &[s("-42")]),
        some(Value::Int(-42))
    );
    assert_eq!(call(&mut p, "parse_i64", &[s(" 42")]), none());
    assert_eq!(
        call(&mut p, "parse_f64", &[s("2.5")]),
        some(Value::Float(2.5))
    );
    assert_eq!(call(&mut p, "parse_f64", &[s("x")]), none());
    assert_eq!(
        call(&mut p, "chars", &[s("hé")]),
        Value::Vec(vec![Value::Char('h'), Value::Char('é')])
    );
    assert_eq!(
        call(
            &mut p,
            "slice",
            &[s("hello"), Value::UInt(1), Value::UInt(3)]
        ),
        s("el")
    );
    assert!(
        call_err(&mut p, "slice", &[s("hé"), Value::UInt(0), Value::UInt(2)])
            .contains("char boundar")
    );
    assert!(
        call_err(&mut p, "slice", &[s("h"), Value::UInt(0), Value::UInt(2)])
            .contains("out of bounds")
    );
    assert_eq!(
        call(&mut p, "push_char", &[s("a"), Value::Char('ß')]),
        s("aß")
    );
    assert_eq!(call(&mut p, "char_str", &[Value::Char('x')]), s("x"));
}

#[test]
fn equality_ordering_and_defaults() {
    let mut fx = Fx::new();
    let (i64t, strt, f64t, boolt) = (fx.i64t, fx.strt, fx.f64t, fx.boolt);
    let vi = fx.vec_of(i64t);
    let map = fx.ty(TypeDesc::Map(strt, i64t));
    let rec = fx.strukt(
        "test.Rec",
        &[
            ("id", i64t),
            ("tags", vi),
            ("score", f64t),
            ("by_name", map),
        ],
    );
    let opt = fx.option_of(rec);
    op(&mut fx, "eq", Intrinsic::Eq, rec, &[rec, rec], boolt);
    op(&mut fx, "cmp", Intrinsic::Cmp, rec, &[rec, rec], i64t);
    op(&mut fx, "default", Intrinsic::Default, rec, &[], rec);
    op(&mut fx, "default_opt", Intrinsic::Default, opt, &[], opt);
    op(&mut fx, "eq_f", Intrinsic::Eq, f64t, &[f64t, f64t], boolt);
    let (mut p, _) = fx.link();
    let r = |id: i64, tags: &[i64], score: f64, m: Vec<(&str, i64)>| Value::Struct {
        name: "test.Rec".into(),
        fields: vec![
            ("id".into(), Value::Int(id)),
            ("tags".into(), ints(tags)),
            ("score".into(), Value::Float(score)),
            (
                "by_name".into(),
                Value::Map(m.into_iter().map(|(k, v)| (s(k), Value::Int(v))).collect()),
            ),
        ],
    };
    let a = r(1, &[1, 2], 0.5, vec![("x", 1), ("y", 2)]);
    let a_reordered = r(1, &[1, 2], 0.5, vec![("y", 2), ("x", 1)]);
    let b = r(1, &[1, 3], 0.5, vec![]);
    assert_eq!(
        call(&mut p, "eq", &[a.clone(), a_reordered]),
        Value::Bool(true)
    );
    assert_eq!(
        call(&mut p, "eq", &[a.clone(), b.clone()]),
        Value::Bool(false)
    );
    assert_eq!(call(&mut p, "cmp", &[a.clone(), b.clone()]), Value::Int(-1));
    assert_eq!(call(&mut p, "cmp", &[b, a.clone()]), Value::Int(1));
    assert_eq!(call(&mut p, "cmp", &[a.clone(), a]), Value::Int(0));
    assert_eq!(call(&mut p, "default", &[]), r(0, &[], 0.0, vec![]));
    assert_eq!(call(&mut p, "default_opt", &[]), none());
    assert_eq!(
        call(
            &mut p,
            "eq_f",
            &[Value::Float(f64::NAN), Value::Float(f64::NAN)]
        ),
        Value::Bool(false)
    );
}

#[test]
fn print_and_time() {
    let mut fx = Fx::new();
    let (strt, unit, u64t) = (fx.strt, fx.unit, fx.u64t);
    let z = TypeId(0);
    op(&mut fx, "print", Intrinsic::Print, z, &[strt], unit);
    op(&mut fx, "println", Intrinsic::Println, z, &[strt], unit);
    op(&mut fx, "sleep", Intrinsic::Sleep, z, &[u64t], unit);
    op(&mut fx, "now", Intrinsic::NowMs, z, &[], u64t);
    let (mut p, out) = fx.link();
    call(&mut p, "print", &[s("a")]);
    call(&mut p, "println", &[s("b")]);
    call(&mut p, "sleep", &[Value::UInt(1)]);
    assert_eq!(out.text(), "ab\n");
    match call(&mut p, "now", &[]) {
        Value::UInt(ms) => assert!(ms > 1_600_000_000_000),
        other => panic!("{other:?}"),
    }
}

#[test]
fn vectors_of_bytes_and_words_share_one_layout_rule() {
    // Vec[bool], Vec[u8] and Vec[i8] store bytes; loads canonicalize.
    let mut fx = Fx::new();
    let (i8t, u8t, usz) = (fx.i8t, fx.u8t, fx.usize_t);
    let vi8 = fx.vec_of(i8t);
    let vu8 = fx.vec_of(u8t);
    let oi8 = fx.option_of(i8t);
    op(&mut fx, "get_i8", Intrinsic::VecGet, i8t, &[vi8, usz], oi8);
    op(
        &mut fx,
        "repeat_u8",
        Intrinsic::VecRepeat,
        u8t,
        &[u8t, usz],
        vu8,
    );
    let (mut p, _) = fx.link();
    assert_eq!(
        call(&mut p, "get_i8", &[ints(&[5, -3]), Value::UInt(1)]),
        some(Value::Int(-3))
    );
    assert_eq!(
        call(&mut p, "repeat_u8", &[Value::UInt(255), Value::UInt(2)]),
        Value::Vec(vec![Value::UInt(255), Value::UInt(255)])
    );
}
