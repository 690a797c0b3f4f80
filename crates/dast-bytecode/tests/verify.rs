//! One test per verifier rule: a valid module, broken in one place, must be refused with
//! a message naming the problem.

mod common;

use common::sample_module;
use dast_bytecode::*;

fn refused(m: &Module, expected: &str) -> VerifyError {
    let e = verify(m).expect_err("the module should be refused");
    assert!(e.to_string().contains(expected), "got: {e}");
    e
}

fn fib_code(m: &mut Module) -> &mut Vec<Inst> {
    &mut m.functions[0].code
}

#[test]
fn bad_scalar_register() {
    let mut m = sample_module();
    fib_code(&mut m)[0] = Inst::LoadI { dst: S(4), imm: 2 };
    let e = refused(&m, "scalar register s4 is outside the frame");
    assert_eq!((e.function.as_str(), e.pc), ("fib", Some(0)));
}

#[test]
fn bad_reference_register() {
    let mut m = sample_module();
    fib_code(&mut m)[0] = Inst::ClearR { dst: R(0) };
    refused(&m, "reference register r0 is outside the frame");
}

#[test]
fn bad_jump_target() {
    let mut m = sample_module();
    fib_code(&mut m)[1] = Inst::JmpGeS {
        a: S(0),
        b: S(1),
        target: 9,
    };
    refused(&m, "jump target 9 is outside the function");
}

#[test]
fn call_window_must_hold_params_and_results() {
    let mut m = sample_module();
    fib_code(&mut m)[4] = Inst::Call {
        func: FuncId(0),
        s: S(4),
        r: R(0),
    };
    refused(&m, "window s4..s5");
}

#[test]
fn call_to_missing_function() {
    let mut m = sample_module();
    fib_code(&mut m)[4] = Inst::Call {
        func: FuncId(99),
        s: S(1),
        r: R(0),
    };
    refused(&m, "function f99 which does not exist");
}

#[test]
fn import_window_and_range() {
    let mut m = sample_module();
    fib_code(&mut m)[4] = Inst::CallImport {
        import: ImportId(0),
        s: S(3),
        r: R(0),
    };
    verify(&m).unwrap();
    fib_code(&mut m)[4] = Inst::CallImport {
        import: ImportId(0),
        s: S(4),
        r: R(0),
    };
    refused(&m, "does not fit");
    fib_code(&mut m)[4] = Inst::CallImport {
        import: ImportId(1),
        s: S(0),
        r: R(0),
    };
    refused(&m, "import i1 which does not exist");
}

#[test]
fn ret_window_must_hold_results() {
    let mut m = sample_module();
    fib_code(&mut m)[2] = Inst::Ret { s: S(4), r: R(0) };
    refused(&m, "window s4..s5");
}

#[test]
fn intrinsic_window_and_type_kind() {
    let mut m = sample_module();
    let map = TypeId(
        m.types
            .iter()
            .position(|t| matches!(t, TypeDesc::Map(..)))
            .unwrap() as u32,
    );
    let i64t = TypeId(1);
    let code = fib_code(&mut m);
    code[0] = Inst::Intrinsic {
        op: Intrinsic::MapLen,
        ty: i64t,
        s: S(0),
        r: R(0),
    };
    refused(&m, "MapLen needs a HashMap type operand");
    fib_code(&mut m)[0] = Inst::Intrinsic {
        op: Intrinsic::MapLen,
        ty: map,
        s: S(0),
        r: R(0),
    };
    // MapLen takes a reference and fib has no reference registers.
    refused(&m, "does not fit in the frame");
    fib_code(&mut m)[0] = Inst::Intrinsic {
        op: Intrinsic::Default,
        ty: TypeId(77),
        s: S(0),
        r: R(0),
    };
    refused(&m, "type operand t77 does not exist");
}

#[test]
fn constants_and_globals_in_range() {
    let mut m = sample_module();
    fib_code(&mut m)[0] = Inst::LoadK {
        dst: S(0),
        k: ConstId(5),
    };
    refused(&m, "scalar constant k5 does not exist");
    fib_code(&mut m)[0] = Inst::LoadG {
        dst: S(0),
        g: GlobalSlot(1),
    };
    refused(&m, "global scalar slot g1 does not exist");
    fib_code(&mut m)[0] = Inst::Format {
        dst: R(0),
        spec: ConstId(3),
    };
    refused(&m, "format constant k3 does not exist");
}

#[test]
fn format_arguments_fit_in_the_frame() {
    let mut m = sample_module();
    if let FormatPiece::Arg(a) = &mut m.formats[0].pieces[3] {
        a.s = 2;
    }
    refused(&m, "window s2..s3");
}

#[test]
fn code_must_end_with_a_terminator() {
    let mut m = sample_module();
    fib_code(&mut m).push(Inst::Mov {
        dst: S(0),
        src: S(1),
    });
    refused(&m, "the last instruction must be");
    fib_code(&mut m).clear();
    refused(&m, "function has no code");
}

#[test]
fn recursive_type_by_value() {
    let mut m = sample_module();
    let me = m.types.len() as u32;
    m.types.push(TypeDesc::Struct {
        name: "sample.Node".into(),
        fields: vec![Field {
            name: "next".into(),
            ty: TypeId(me + 1),
        }],
    });
    m.types.push(TypeDesc::Tuple(vec![TypeId(me)]));
    refused(&m, "contains itself by value");
}

#[test]
fn recursion_through_a_vec_is_fine() {
    let mut m = sample_module();
    let me = m.types.len() as u32;
    m.types.push(TypeDesc::Struct {
        name: "sample.Node".into(),
        fields: vec![Field {
            name: "kids".into(),
            ty: TypeId(me + 1),
        }],
    });
    m.types.push(TypeDesc::Vec(TypeId(me)));
    verify(&m).unwrap();
}

#[test]
fn type_ids_in_range() {
    let mut m = sample_module();
    m.types.push(TypeDesc::Vec(TypeId(1000)));
    refused(&m, "refers to type t1000");
}

#[test]
fn exponentially_large_types_are_refused() {
    let mut m = sample_module();
    let mut prev = TypeId(0); // unit: zero words, so only the node count grows
    for _ in 0..40 {
        m.types.push(TypeDesc::Tuple(vec![prev, prev]));
        prev = TypeId(m.types.len() as u32 - 1);
    }
    refused(&m, "is too large");
}

#[test]
fn deep_types_are_refused_without_deep_recursion() {
    let mut m = sample_module();
    let mut prev = TypeId(1);
    for _ in 0..100_000 {
        m.types.push(TypeDesc::Tuple(vec![prev]));
        prev = TypeId(m.types.len() as u32 - 1);
    }
    refused(&m, "nests more than 128 levels deep");
}

#[test]
fn init_takes_nothing_and_returns_unit() {
    let mut m = sample_module();
    m.init = Some(FuncId(0));
    refused(&m, "init function `fib` must take no parameters");
    m.init = Some(FuncId(9));
    refused(&m, "init function f9 does not exist");
}

#[test]
fn shared_statics_hold_plain_data_within_their_slots() {
    let mut m = sample_module();
    let i64_ty = m.types.iter().position(|t| *t == TypeDesc::I64).unwrap();
    let init = m.functions.len() as u32;
    let mut f = m.functions[0].clone();
    f.sig.params.clear();
    f.sig.ret = TypeId(m.types.iter().position(|t| *t == TypeDesc::Unit).unwrap() as u32);
    f.code = vec![Inst::Ret { s: S(0), r: R(0) }];
    f.exported = false;
    m.functions.push(f);
    m.shared = vec![SharedStatic {
        name: "TICKS".into(),
        ty: TypeId(i64_ty as u32),
        abi: 0,
        slot: 0,
        init: FuncId(init),
    }];
    m.shared_words = 1;
    assert_eq!(dast_bytecode::verify(&m), Ok(()));
    m.shared_words = 0;
    refused(&m, "shared static `TICKS` does not fit");
    m.shared_words = 1;
    m.shared[0].init = FuncId(0);
    refused(&m, "initializer of `TICKS` `fib` must take no parameters");
    m.shared[0].init = FuncId(init);
    m.types.push(TypeDesc::Str);
    m.shared[0].ty = TypeId(m.types.len() as u32 - 1);
    refused(&m, "shared static `TICKS` holds references");
}

#[test]
fn exported_names_are_unique() {
    let mut m = sample_module();
    let mut dup = m.functions[0].clone();
    dup.exported = true;
    m.functions.push(dup);
    refused(&m, "`fib` is exported twice");
}

#[test]
fn line_table_sorted() {
    let mut m = sample_module();
    m.functions[0].lines.swap(0, 1);
    refused(&m, "line table is not sorted");
}

#[test]
fn params_fit_in_the_frame() {
    let mut m = sample_module();
    m.functions[0].scalar_regs = 0;
    refused(&m, "parameters or results do not fit");
}

#[test]
fn globals_fit_their_slots() {
    let mut m = sample_module();
    m.global_words = 0;
    refused(&m, "global `counter` does not fit");
    m.global_words = u32::MAX;
    refused(&m, "global slots");
}

#[test]
fn mut_params_are_parameters() {
    let mut m = sample_module();
    m.functions[0].sig.mut_params = vec![1];
    refused(&m, "`&mut` parameter index 1 is not a parameter");
}

#[test]
fn map_new_needs_a_map_type() {
    let mut m = sample_module();
    m.functions[1].code[0] = Inst::MapNew {
        dst: R(0),
        ty: TypeId(1),
    };
    refused(&m, "MapNew needs a HashMap type");
}

#[test]
fn intrinsic_window_layouts() {
    let m = sample_module();
    let tuple = TypeId(
        m.types
            .iter()
            .position(|t| matches!(t, TypeDesc::Tuple(_)))
            .unwrap() as u32,
    );
    let (args, results) = intrinsic_window(Intrinsic::VecPop, tuple, &m.types).unwrap();
    assert_eq!(args, Layout::REF);
    assert_eq!(results, Layout { words: 2, refs: 2 });
}

#[test]
fn hostile_type_tables_still_disassemble_quickly() {
    let mut m = sample_module();
    let mut prev = TypeId(0);
    for _ in 0..2000 {
        m.types.push(TypeDesc::Tuple(vec![prev; 50]));
        prev = TypeId(m.types.len() as u32 - 1);
    }
    m.types.push(TypeDesc::Vec(TypeId(m.types.len() as u32))); // Vec of itself
    let text = disassemble(&m);
    assert!(text.len() < 2_000_000, "{}", text.len());
    assert!(verify(&m).is_err());
}
