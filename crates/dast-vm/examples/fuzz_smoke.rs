//! A quick structured fuzzer for the VM (no cargo-fuzz needed): random modules made of
//! random instructions with operands mostly in range, verified, linked and run with a
//! small budget. A Rust panic inside the VM comes back as a Dast panic starting with
//! "internal error: the VM panicked", which this reports and counts as a failure.
//!
//! `cargo run --release -p dast-vm --features fuzzing --example fuzz_smoke -- [ITERATIONS] [SEED]`

use dast_bytecode::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    /// Usually in range, sometimes not (the verifier must catch those).
    fn idx(&mut self, n: u64) -> u64 {
        if self.below(50) == 0 {
            self.below(n + 3)
        } else {
            self.below(n)
        }
    }
}

fn types() -> Vec<TypeDesc> {
    let f = |name: &str, ty: u32| Field {
        name: name.into(),
        ty: TypeId(ty),
    };
    vec![
        TypeDesc::Unit,                              // 0
        TypeDesc::I64,                               // 1
        TypeDesc::Str,                               // 2
        TypeDesc::Bool,                              // 3
        TypeDesc::Vec(TypeId(1)),                    // 4
        TypeDesc::Map(TypeId(2), TypeId(1)),         // 5
        TypeDesc::Tuple(vec![TypeId(1), TypeId(2)]), // 6
        TypeDesc::Struct {
            name: "f.P".into(),
            fields: vec![f("x", 1), f("s", 2), f("v", 4)],
        }, // 7
        TypeDesc::Enum {
            name: "Option".into(),
            variants: vec![
                Variant {
                    name: "None".into(),
                    fields: vec![],
                    is_tuple: false,
                },
                Variant {
                    name: "Some".into(),
                    fields: vec![f("0", 7)],
                    is_tuple: true,
                },
            ],
        }, // 8
        TypeDesc::Vec(TypeId(7)),                    // 9
        TypeDesc::Map(TypeId(6), TypeId(8)),         // 10
        TypeDesc::F64,                               // 11
        TypeDesc::Vec(TypeId(3)),                    // 12
        TypeDesc::U8,                                // 13
        TypeDesc::Vec(TypeId(13)),                   // 14
        TypeDesc::Char,                              // 15
        TypeDesc::Map(TypeId(1), TypeId(2)),         // 16
        TypeDesc::Vec(TypeId(2)),                    // 17
        TypeDesc::Box(TypeId(7)),                    // 18
        TypeDesc::Dyn {
            trait_name: "f.T".into(),
        }, // 19
    ]
}

fn random_inst(g: &mut Rng, sregs: u64, rregs: u64, len: u64, m: &Module) -> Inst {
    let s = |g: &mut Rng| S(g.idx(sregs) as u16);
    let r = |g: &mut Rng| R(g.idx(rregs) as u16);
    let t = |g: &mut Rng| g.idx(len) as u32;
    let ty = |g: &mut Rng| TypeId(g.idx(m.types.len() as u64) as u32);
    let k = |g: &mut Rng, n: usize| ConstId(g.idx(n as u64) as u32);
    let gs = |g: &mut Rng| GlobalSlot(g.idx(4) as u32);
    let kind = |g: &mut Rng| IntKind::ALL[g.below(IntKind::ALL.len() as u64) as usize];
    let imm = |g: &mut Rng| (g.next() as i32) >> g.below(31);
    let off = |g: &mut Rng| g.idx(3) as u16;
    match g.below(62) {
        0 => Inst::Mov {
            dst: s(g),
            src: s(g),
        },
        1 => Inst::MovR {
            dst: r(g),
            src: r(g),
        },
        2 => Inst::TakeR {
            dst: r(g),
            src: r(g),
        },
        3 => Inst::ClearR { dst: r(g) },
        4 => Inst::LoadI {
            dst: s(g),
            imm: imm(g),
        },
        5 => Inst::LoadK {
            dst: s(g),
            k: k(g, m.scalars.len()),
        },
        6 => Inst::LoadStr {
            dst: r(g),
            k: k(g, m.strings.len()),
        },
        7 => Inst::Add64 {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        8 => Inst::Mul32 {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        9 => Inst::DivS {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        10 => Inst::RemU {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        11 => Inst::Shl {
            dst: s(g),
            a: s(g),
            b: s(g),
            kind: kind(g),
        },
        12 => Inst::Shr {
            dst: s(g),
            a: s(g),
            b: s(g),
            kind: kind(g),
        },
        13 => Inst::Norm {
            dst: s(g),
            src: s(g),
            kind: kind(g),
        },
        14 => Inst::LtS {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        15 => Inst::AddF64 {
            dst: s(g),
            a: s(g),
            b: s(g),
        },
        16 => Inst::Cvt {
            dst: s(g),
            src: s(g),
            op: Cvt::ALL[g.below(Cvt::ALL.len() as u64) as usize],
        },
        17 => Inst::FUnary {
            dst: s(g),
            a: s(g),
            op: FUnary::ALL[g.below(FUnary::ALL.len() as u64) as usize],
        },
        18 => Inst::Jmp { target: t(g) },
        19 => Inst::JmpIf {
            cond: s(g),
            target: t(g),
        },
        20 => Inst::JmpLtS {
            a: s(g),
            b: s(g),
            target: t(g),
        },
        21 => Inst::LoopLt {
            ctr: s(g),
            end: s(g),
            target: t(g),
        },
        22 => Inst::LoopLe {
            ctr: s(g),
            end: s(g),
            target: t(g),
        },
        23 => Inst::Call {
            func: FuncId(g.idx(m.functions.len() as u64) as u32),
            s: s(g),
            r: r(g),
        },
        24 => Inst::Ret { s: s(g), r: r(g) },
        25 => Inst::Panic { msg: r(g) },
        26..=33 => {
            let op = Intrinsic::ALL[g.below(Intrinsic::ALL.len() as u64) as usize];
            Inst::Intrinsic {
                op,
                ty: ty(g),
                s: s(g),
                r: r(g),
            }
        }
        34 => Inst::LoadG {
            dst: s(g),
            g: gs(g),
        },
        35 => Inst::StoreG {
            g: gs(g),
            src: s(g),
        },
        36 => Inst::LoadGR {
            dst: r(g),
            g: gs(g),
        },
        37 => Inst::TakeGR {
            dst: r(g),
            g: gs(g),
        },
        38 => Inst::StoreGR {
            g: gs(g),
            src: r(g),
        },
        39 => Inst::StrConcat {
            dst: r(g),
            a: r(g),
            b: r(g),
        },
        40 => Inst::StrPush { a: r(g), b: r(g) },
        41 => Inst::StrEq {
            dst: s(g),
            a: r(g),
            b: r(g),
        },
        42 => Inst::StrCmp {
            dst: s(g),
            a: r(g),
            b: r(g),
        },
        43 => Inst::StrLen { dst: s(g), a: r(g) },
        44 => Inst::Format {
            dst: r(g),
            spec: k(g, m.formats.len()),
        },
        45 => Inst::VecNew {
            dst: r(g),
            elem: ty(g),
        },
        46 => Inst::VecLen { dst: s(g), v: r(g) },
        47 => Inst::VecLoadW {
            dst: s(g),
            v: r(g),
            idx: s(g),
            off: off(g),
        },
        48 => Inst::VecStoreW {
            v: r(g),
            idx: s(g),
            off: off(g),
            src: s(g),
        },
        49 => Inst::VecLoadR {
            dst: r(g),
            v: r(g),
            idx: s(g),
            off: off(g),
        },
        50 => Inst::VecStoreR {
            v: r(g),
            idx: s(g),
            off: off(g),
            src: r(g),
        },
        51 => Inst::VecLoadB {
            dst: s(g),
            v: r(g),
            idx: s(g),
        },
        52 => Inst::VecStoreB {
            v: r(g),
            idx: s(g),
            src: s(g),
        },
        53 | 54 => Inst::VecPush {
            v: r(g),
            s: s(g),
            r: r(g),
        },
        55 => Inst::MapNew {
            dst: r(g),
            ty: ty(g),
        },
        56 => Inst::FBinary {
            dst: s(g),
            a: s(g),
            b: s(g),
            op: FBinary::ALL[g.below(FBinary::ALL.len() as u64) as usize],
        },
        57 => Inst::LoadI {
            dst: s(g),
            imm: g.below(4) as i32,
        },
        // Trait objects: made of whatever the register holds, called, opened.
        58 => match g.below(5) {
            0 => Inst::DynNew {
                dst: r(g),
                src: r(g),
                imp: ImplId(g.idx(m.impls.len() as u64) as u32),
            },
            1 => Inst::CallDyn {
                m: DynMethodId(g.idx(m.dyn_methods.len() as u64) as u32),
                s: s(g),
                r: r(g),
            },
            2 => Inst::DynLoad {
                dst: r(g),
                obj: r(g),
            },
            3 => Inst::DynTake {
                dst: r(g),
                obj: r(g),
            },
            _ => Inst::DynPut {
                obj: r(g),
                src: r(g),
            },
        },
        _ => Inst::AddImm64 {
            dst: s(g),
            a: s(g),
            imm: g.below(3) as i32 - 1,
        },
    }
}

fn random_module(g: &mut Rng) -> Module {
    let mut m = Module {
        name: "f".into(),
        source: "f.dast".into(),
        types: types(),
        global_words: 4,
        global_refs: 4,
        scalars: vec![0, 1, u64::MAX, 2.5f64.to_bits()],
        strings: vec!["".into(), "a,b".into(), "héllo".into()],
        ..Module::default()
    };
    m.formats = vec![FormatSpec {
        pieces: vec![
            FormatPiece::Lit("x=".into()),
            FormatPiece::Arg(FormatArg {
                ty: TypeId(7),
                style: FormatStyle {
                    debug: true,
                    ..Default::default()
                },
                s: 0,
                r: 0,
            }),
            FormatPiece::Arg(FormatArg {
                ty: TypeId(10),
                style: FormatStyle::default(),
                s: 1,
                r: 3,
            }),
        ],
    }];
    let nfuncs = 1 + g.below(3);
    for i in 0..nfuncs {
        // The last one is also the shim of the module's one impl: `(dyn f.T) -> ()`.
        let shim = i == nfuncs - 1;
        m.functions.push(Function {
            name: format!("f{i}"),
            sig: Signature {
                params: if shim { vec![TypeId(19)] } else { vec![] },
                ret: TypeId(0),
                mut_params: vec![],
            },
            exported: true,
            scalar_regs: 8,
            ref_regs: 8,
            code: vec![],
            lines: vec![LineEntry {
                pc: 0,
                line: 1,
                col: 1,
            }],
        });
    }
    let shim = FuncId(nfuncs as u32 - 1);
    m.impls.push(ImplDesc {
        ty: TypeId(7),
        trait_name: "f.T".into(),
        methods: vec![ImplMethod {
            name: "m".into(),
            shim,
        }],
        make: None,
    });
    m.dyn_methods.push(DynMethod {
        trait_name: "f.T".into(),
        name: "m".into(),
        slot: 0,
        sig: m.functions[shim.0 as usize].sig.clone(),
    });
    for i in 0..nfuncs as usize {
        let len = 2 + g.below(30);
        // A prologue fills the reference registers so the random part gets further.
        let mut code = vec![
            Inst::LoadStr {
                dst: R(0),
                k: ConstId(1),
            },
            Inst::LoadStr {
                dst: R(1),
                k: ConstId(2),
            },
            Inst::LoadStr {
                dst: R(2),
                k: ConstId(0),
            },
            Inst::VecNew {
                dst: R(3),
                elem: TypeId(1),
            },
            Inst::MapNew {
                dst: R(4),
                ty: TypeId(5),
            },
            Inst::VecNew {
                dst: R(5),
                elem: TypeId(7),
            },
            Inst::MapNew {
                dst: R(6),
                ty: TypeId(10),
            },
            Inst::VecNew {
                dst: R(7),
                elem: TypeId(3),
            },
        ];
        let len = len + code.len() as u64;
        while (code.len() as u64) < len - 1 {
            code.push(random_inst(g, 8, 8, len, &m));
        }
        code.push(Inst::Ret { s: S(0), r: R(0) });
        m.functions[i].code = code;
    }
    m
}

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x2545F4914F6CDD1D);
    let mut g = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (mut verified, mut failures) = (0, 0);
    let mut outcomes: std::collections::BTreeMap<String, u32> = Default::default();
    std::panic::set_hook(Box::new(|_| {})); // reported below, through the Dast panic
    for i in 0..iterations {
        let m = random_module(&mut g);
        if verify(&m).is_err() {
            continue;
        }
        verified += 1;
        assert_eq!(decode(&encode(&m)).unwrap(), m);
        let names: Vec<String> = m
            .functions
            .iter()
            .filter(|f| f.sig.params.is_empty())
            .map(|f| f.name.clone())
            .collect();
        let mut p = dast_vm::link(vec![m.clone()]).expect("verified modules link");
        p.set_output(Box::new(std::io::sink()));
        for f in names {
            p.set_fuel(2_000);
            let result = p.call("f", &f, &[]);
            let key = match &result {
                Ok(_) => "ok".to_string(),
                Err(e) => e.message.chars().take(40).collect(),
            };
            *outcomes.entry(key).or_default() += 1;
            if let Err(e) = result {
                if e.message.contains("the VM panicked") {
                    failures += 1;
                    if failures <= 5 {
                        println!("iteration {i}: {}\n{}", e.message, disassemble(&m));
                    }
                }
            }
        }
    }
    let mut by_count: Vec<_> = outcomes.into_iter().collect();
    by_count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (what, n) in by_count.iter().take(25) {
        println!("{n:8}  {what}");
    }
    println!("{iterations} modules, {verified} verified and run, {failures} VM panics");
    if failures > 0 {
        std::process::exit(1);
    }
}
