//! Hand-assembled micro-benchmarks (a sanity check, not a timed test):
//! `cargo run --release -p dast-vm --example microbench`.

use std::time::Instant;

use dast_bytecode::build::ModuleBuilder;
use dast_bytecode::*;
use dast_vm::{link, Value};

fn fib_module() -> Module {
    let mut b = ModuleBuilder::new("bench");
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
    // s += (i * i) % 7 for i in 0..n
    b.function(
        "sum_loop",
        &[i64t],
        i64t,
        (5, 0),
        vec![
            Inst::LoadI { dst: S(1), imm: 0 },
            Inst::LoadI { dst: S(2), imm: 0 },
            Inst::LoadI { dst: S(4), imm: 7 },
            Inst::JmpGeS {
                a: S(2),
                b: S(0),
                target: 8,
            },
            Inst::Mul64 {
                dst: S(3),
                a: S(2),
                b: S(2),
            },
            Inst::RemS {
                dst: S(3),
                a: S(3),
                b: S(4),
            },
            Inst::Add64 {
                dst: S(1),
                a: S(1),
                b: S(3),
            },
            Inst::LoopLt {
                ctr: S(2),
                end: S(0),
                target: 4,
            },
            Inst::Ret { s: S(1), r: R(0) },
        ],
    );
    let boolt = b.ty(TypeDesc::Bool);
    let _vec_bool = b.ty(TypeDesc::Vec(boolt));
    // sieve(n): count primes below n with a Vec[bool]
    // s0 n, s1 count, s2 i, s3 j, s4 tmp, s5 one/true, s6 i*i, s7 zero ; r0 vec
    b.function(
        "sieve",
        &[i64t],
        i64t,
        (9, 2),
        vec![
            /* 0 */ Inst::LoadI { dst: S(5), imm: 1 },
            /* 1 */
            Inst::Mov {
                dst: S(6),
                src: S(0),
            },
            /* 2 */
            Inst::Intrinsic {
                op: Intrinsic::VecRepeat,
                ty: boolt,
                s: S(5),
                r: R(0),
            },
            /* 3 */ Inst::LoadI { dst: S(1), imm: 0 },
            /* 4 */ Inst::LoadI { dst: S(2), imm: 2 },
            /* 5 */ Inst::LoadI { dst: S(7), imm: 0 },
            /* 6 */
            Inst::JmpGeS {
                a: S(2),
                b: S(0),
                target: 17,
            },
            // loop i: if v[i] { count += 1; j = i*i; while j < n { v[j] = false; j += i } }
            /* 7 */
            Inst::VecLoadB {
                dst: S(4),
                v: R(0),
                idx: S(2),
            },
            /* 8 */
            Inst::JmpIfNot {
                cond: S(4),
                target: 16,
            },
            /* 9 */
            Inst::AddImm64 {
                dst: S(1),
                a: S(1),
                imm: 1,
            },
            /* 10 */
            Inst::Mul64 {
                dst: S(3),
                a: S(2),
                b: S(2),
            },
            /* 11 */
            Inst::JmpGeS {
                a: S(3),
                b: S(0),
                target: 16,
            },
            /* 12 */
            Inst::VecStoreB {
                v: R(0),
                idx: S(3),
                src: S(7),
            },
            /* 13 */
            Inst::Add64 {
                dst: S(3),
                a: S(3),
                b: S(2),
            },
            /* 14 */
            Inst::JmpLtS {
                a: S(3),
                b: S(0),
                target: 12,
            },
            /* 15 */ Inst::Jmp { target: 16 },
            /* 16 */
            Inst::LoopLt {
                ctr: S(2),
                end: S(0),
                target: 7,
            },
            /* 17 */ Inst::Ret { s: S(1), r: R(0) },
        ],
    );
    more_benchmarks(&mut b, i64t);
    b.finish()
}

/// Vec[struct] updates, a 1M-entry map, string building.
fn more_benchmarks(b: &mut ModuleBuilder, i64t: TypeId) {
    // records(n, rounds): v = [Rec { a: i, b: 0, c: 1.0 } for i in 0..n];
    // rounds x for each i { v[i].b += v[i].a; v[i].c *= 1.5 }; v[7].b
    let f64t = b.ty(TypeDesc::F64);
    let rec = b.ty(TypeDesc::Struct {
        name: "bench.Rec".into(),
        fields: vec![
            Field {
                name: "a".into(),
                ty: i64t,
            },
            Field {
                name: "b".into(),
                ty: i64t,
            },
            Field {
                name: "c".into(),
                ty: f64t,
            },
        ],
    });
    let k15 = b.scalar(1.5f64.to_bits());
    let k1 = b.scalar(1.0f64.to_bits());
    // s0 n, s1 rounds, s2 i, s3..s5 rec window, s6 tmp, s7 tmp2, s8 round ctr, s9 1.5; r0 v
    b.function(
        "records",
        &[i64t, i64t],
        i64t,
        (10, 2),
        vec![
            /* 0 */
            Inst::VecNew {
                dst: R(0),
                elem: rec,
            },
            /* 1 */ Inst::LoadI { dst: S(2), imm: 0 },
            /* 2 */
            Inst::Mov {
                dst: S(3),
                src: S(2),
            },
            /* 3 */ Inst::LoadI { dst: S(4), imm: 0 },
            /* 4 */ Inst::LoadK { dst: S(5), k: k1 },
            /* 5 */
            Inst::VecPush {
                v: R(0),
                s: S(3),
                r: R(1),
            },
            /* 6 */
            Inst::LoopLt {
                ctr: S(2),
                end: S(0),
                target: 2,
            },
            /* 7 */ Inst::LoadK { dst: S(9), k: k15 },
            /* 8 */ Inst::LoadI { dst: S(8), imm: 0 },
            /* 9 */ Inst::LoadI { dst: S(2), imm: 0 },
            /* 10 */
            Inst::VecLoadW {
                dst: S(6),
                v: R(0),
                idx: S(2),
                off: 0,
            },
            /* 11 */
            Inst::VecLoadW {
                dst: S(7),
                v: R(0),
                idx: S(2),
                off: 1,
            },
            /* 12 */
            Inst::Add64 {
                dst: S(7),
                a: S(7),
                b: S(6),
            },
            /* 13 */
            Inst::VecStoreW {
                v: R(0),
                idx: S(2),
                off: 1,
                src: S(7),
            },
            /* 14 */
            Inst::VecLoadW {
                dst: S(6),
                v: R(0),
                idx: S(2),
                off: 2,
            },
            /* 15 */
            Inst::MulF64 {
                dst: S(6),
                a: S(6),
                b: S(9),
            },
            /* 16 */
            Inst::VecStoreW {
                v: R(0),
                idx: S(2),
                off: 2,
                src: S(6),
            },
            /* 17 */
            Inst::LoopLt {
                ctr: S(2),
                end: S(0),
                target: 10,
            },
            /* 18 */
            Inst::LoopLt {
                ctr: S(8),
                end: S(1),
                target: 9,
            },
            /* 19 */ Inst::LoadI { dst: S(2), imm: 7 },
            /* 20 */
            Inst::VecLoadW {
                dst: S(0),
                v: R(0),
                idx: S(2),
                off: 1,
            },
            /* 21 */ Inst::Ret { s: S(0), r: R(0) },
        ],
    );
    // map(n): the bench/hashmap.dast program: keys (i * 2654435761) % 2^32 -> i, then the
    // sum of every key's value.
    let map = b.ty(TypeDesc::Map(i64t, i64t));
    let knuth = b.scalar(2654435761);
    let two32 = b.scalar(1 << 32);
    // s0 n, s1 i, s2 sum, s3.. window words, s6 knuth, s7 2^32; r0 map, r1 window
    b.function(
        "map",
        &[i64t],
        i64t,
        (8, 2),
        vec![
            /* 0 */ Inst::MapNew { dst: R(1), ty: map },
            /* 1 */ Inst::LoadI { dst: S(1), imm: 0 },
            /* 2 */
            Inst::LoadK {
                dst: S(6),
                k: knuth,
            },
            /* 3 */
            Inst::LoadK {
                dst: S(7),
                k: two32,
            },
            /* 4 */
            Inst::Mul64 {
                dst: S(3),
                a: S(1),
                b: S(6),
            },
            /* 5 */
            Inst::RemS {
                dst: S(3),
                a: S(3),
                b: S(7),
            },
            /* 6 */
            Inst::Mov {
                dst: S(4),
                src: S(1),
            },
            /* 7 */
            Inst::Intrinsic {
                op: Intrinsic::MapInsert,
                ty: map,
                s: S(3),
                r: R(1),
            },
            /* 8 */
            Inst::LoopLt {
                ctr: S(1),
                end: S(0),
                target: 4,
            },
            /* 9 */
            Inst::TakeR {
                dst: R(0),
                src: R(1),
            },
            /* 10 */ Inst::LoadI { dst: S(1), imm: 0 },
            /* 11 */ Inst::LoadI { dst: S(2), imm: 0 },
            /* 12 */
            Inst::Mul64 {
                dst: S(3),
                a: S(1),
                b: S(6),
            },
            /* 13 */
            Inst::RemS {
                dst: S(3),
                a: S(3),
                b: S(7),
            },
            /* 14 */
            Inst::MovR {
                dst: R(1),
                src: R(0),
            },
            /* 15 */
            Inst::Intrinsic {
                op: Intrinsic::MapGet,
                ty: map,
                s: S(3),
                r: R(1),
            },
            /* 16 */
            Inst::Add64 {
                dst: S(2),
                a: S(2),
                b: S(4),
            },
            /* 17 */
            Inst::LoopLt {
                ctr: S(1),
                end: S(0),
                target: 12,
            },
            /* 18 */ Inst::Ret { s: S(2), r: R(0) },
        ],
    );
    // strings(n): s = ""; for i in 0..n { s.push_str(format("{},", i)) }; s.len()
    let fmt = b.format(vec![
        FormatPiece::Arg(FormatArg {
            ty: i64t,
            style: FormatStyle::default(),
            s: 1,
            r: 0,
        }),
        FormatPiece::Lit(",".into()),
    ]);
    let empty = b.string("");
    b.function(
        "strings",
        &[i64t],
        i64t,
        (2, 2),
        vec![
            /* 0 */
            Inst::LoadStr {
                dst: R(0),
                k: empty,
            },
            /* 1 */ Inst::LoadI { dst: S(1), imm: 0 },
            /* 2 */
            Inst::Format {
                dst: R(1),
                spec: fmt,
            },
            /* 3 */ Inst::StrPush { a: R(0), b: R(1) },
            /* 4 */
            Inst::LoopLt {
                ctr: S(1),
                end: S(0),
                target: 2,
            },
            /* 5 */ Inst::StrLen { dst: S(0), a: R(0) },
            /* 6 */ Inst::Ret { s: S(0), r: R(0) },
        ],
    );
}

/// Runs `f` unless benchmark names were given on the command line and `name` starts
/// with none of them.
fn time(name: &str, f: impl FnOnce() -> Value) {
    let only: Vec<String> = std::env::args().skip(1).collect();
    if !only.is_empty() && !only.iter().any(|o| name.starts_with(o.as_str())) {
        return;
    }
    let start = Instant::now();
    let v = f();
    println!("{name}: {v} in {:.3} s", start.elapsed().as_secs_f64());
}

fn main() {
    let mut p = link(vec![fib_module()]).expect("links");
    time("fib(32)", || {
        p.call("bench", "fib", &[Value::Int(32)]).unwrap()
    });
    time("loop 50M", || {
        p.call("bench", "sum_loop", &[Value::Int(50_000_000)])
            .unwrap()
    });
    time("sieve 10M", || {
        p.call("bench", "sieve", &[Value::Int(10_000_000)]).unwrap()
    });
    time("records 1M x 10", || {
        p.call("bench", "records", &[Value::Int(1_000_000), Value::Int(10)])
            .unwrap()
    });
    time("map 1M", || {
        p.call("bench", "map", &[Value::Int(1_000_000)]).unwrap()
    });
    time("strings 1M", || {
        p.call("bench", "strings", &[Value::Int(1_000_000)])
            .unwrap()
    });
}
