//! Encode/decode round trips and decoding of corrupt files.

mod common;

use common::{every_instruction, sample_module};
use dast_bytecode::*;

#[test]
fn sample_module_verifies() {
    verify(&sample_module()).unwrap();
}

#[test]
fn round_trip_sample_module() {
    let m = sample_module();
    let bytes = encode(&m);
    assert_eq!(&bytes[..4], b"DBC\0");
    assert_eq!(decode(&bytes).unwrap(), m);
}

#[test]
fn round_trip_every_instruction() {
    let mut m = sample_module();
    m.functions[0].code = every_instruction();
    let decoded = decode(&encode(&m)).unwrap();
    assert_eq!(decoded.functions[0].code, m.functions[0].code);
}

#[test]
fn opcodes_are_distinct() {
    let insts = every_instruction();
    let mut ops: Vec<u8> = insts.iter().map(|i| i.opcode()).collect();
    ops.sort_unstable();
    ops.dedup();
    assert_eq!(ops.len(), insts.len());
}

#[test]
fn round_trip_every_intrinsic_and_sub_op() {
    let mut m = sample_module();
    let mut code = Vec::new();
    for &op in Intrinsic::ALL {
        code.push(Inst::Intrinsic {
            op,
            ty: TypeId(1),
            s: S(0),
            r: R(0),
        });
    }
    for &op in Cvt::ALL {
        code.push(Inst::Cvt {
            dst: S(0),
            src: S(1),
            op,
        });
    }
    for &op in FUnary::ALL {
        code.push(Inst::FUnary {
            dst: S(0),
            a: S(1),
            op,
        });
    }
    for &op in FBinary::ALL {
        code.push(Inst::FBinary {
            dst: S(0),
            a: S(1),
            b: S(2),
            op,
        });
    }
    for &kind in IntKind::ALL {
        code.push(Inst::Norm {
            dst: S(0),
            src: S(1),
            kind,
        });
    }
    m.functions[0].code = code.clone();
    assert_eq!(decode(&encode(&m)).unwrap().functions[0].code, code);
}

#[test]
fn empty_module_round_trips() {
    let m = Module::default();
    assert_eq!(decode(&encode(&m)).unwrap(), m);
}

#[test]
fn wrong_magic_is_not_a_dbc_file() {
    let mut bytes = encode(&sample_module());
    bytes[0] = b'X';
    let e = decode(&bytes).unwrap_err();
    assert_eq!(e.offset, 0);
    assert_eq!(e.message, "not a .dbc file");
    assert_eq!(decode(b"DB").unwrap_err().message, "not a .dbc file");
    assert_eq!(decode(b"").unwrap_err().message, "not a .dbc file");
}

#[test]
fn wrong_version_is_named() {
    let mut bytes = encode(&sample_module());
    bytes[4..8].copy_from_slice(&7u32.to_le_bytes());
    let e = decode(&bytes).unwrap_err();
    assert_eq!(e.offset, 4);
    assert_eq!(
        e.message,
        "unsupported .dbc format version 7 (this dast reads version 4)"
    );
    assert_eq!(
        e.to_string(),
        "invalid .dbc file at byte 4: unsupported .dbc format version 7 (this dast reads version 4)"
    );
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = encode(&sample_module());
    let body = bytes.len() - CHECKSUM_BYTES;
    bytes.insert(body, 0);
    seal(&mut bytes);
    let e = decode(&bytes).unwrap_err();
    assert!(e.message.contains("unexpected bytes"), "{e}");
}

#[test]
fn unknown_opcode_is_refused() {
    let mut m = Module::default();
    m.functions.push(Function {
        name: "f".into(),
        sig: Signature {
            params: vec![],
            ret: TypeId(0),
            mut_params: vec![],
        },
        exported: false,
        scalar_regs: 0,
        ref_regs: 0,
        code: vec![Inst::Jmp { target: 0x11111111 }],
        lines: vec![],
    });
    let bytes = encode(&m);
    let at = bytes.windows(4).position(|w| w == [0x11; 4]).unwrap() - 1;
    let mut bad = bytes.clone();
    bad[at] = 0xee;
    seal(&mut bad);
    let e = decode(&bad).unwrap_err();
    assert_eq!(e.offset, at);
    assert_eq!(e.message, "unknown opcode 0xee");
}

#[test]
fn huge_count_is_refused_without_allocating() {
    let m = Module::default();
    let mut bytes = encode(&m);
    // The type count follows magic, version, two empty strings and the flags byte.
    let at = 4 + 4 + 4 + 4 + 1;
    bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    seal(&mut bytes);
    let e = decode(&bytes).unwrap_err();
    assert_eq!(e.offset, at);
    assert!(e.message.contains("type count"), "{e}");
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&sample_module());
    for len in 0..bytes.len() {
        assert!(
            decode(&bytes[..len]).is_err(),
            "truncated to {len} bytes decoded"
        );
    }
}

/// Any flipped bit of a file is refused by its checksum, naming the corruption (a flip
/// inside a string constant included: it would otherwise decode and run).
#[test]
fn a_flipped_bit_anywhere_is_refused_by_the_checksum() {
    let bytes = encode(&sample_module());
    for at in 8..bytes.len() {
        for bit in 0..8 {
            let mut bad = bytes.clone();
            bad[at] ^= 1 << bit;
            let e = decode(&bad).unwrap_err();
            assert!(
                e.message.contains("corrupt") || e.message.contains("checksum"),
                "flip at {at}: {e}"
            );
        }
    }
}

/// Every single-byte change, with the checksum made to match (as a fuzzer or a crafted
/// file would), must decode to an error or to a module the verifier can judge, and
/// neither may panic (a panic fails the test).
#[test]
fn byte_flips_never_panic() {
    let bytes = encode(&sample_module());
    let mut outcomes = [0usize; 3];
    for at in 0..bytes.len() - CHECKSUM_BYTES {
        for mask in [0xffu8, 0x01, 0x80, 0x10] {
            let mut bad = bytes.clone();
            bad[at] ^= mask;
            seal(&mut bad);
            match decode(&bad) {
                Err(_) => outcomes[0] += 1,
                Ok(m) => {
                    let _ = disassemble(&m);
                    match verify(&m) {
                        Ok(()) => outcomes[1] += 1,
                        Err(e) => {
                            let _ = e.to_string();
                            outcomes[2] += 1
                        }
                    }
                }
            }
        }
    }
    // All three outcomes occur, so the test exercises the verifier too.
    assert!(outcomes.iter().all(|&n| n > 0), "{outcomes:?}");
}

#[test]
fn format_kind_and_alternate_round_trip_and_unknown_kind_is_refused() {
    let mut m = Module::default();
    let kinds = [
        FormatKind::Default,
        FormatKind::LowerHex,
        FormatKind::UpperHex,
        FormatKind::Binary,
        FormatKind::Octal,
        FormatKind::LowerExp,
        FormatKind::UpperExp,
    ];
    for (i, kind) in kinds.into_iter().enumerate() {
        m.formats.push(FormatSpec {
            pieces: vec![FormatPiece::Arg(FormatArg {
                ty: TypeId(0),
                style: FormatStyle {
                    alternate: i % 2 == 0,
                    kind,
                    width: Some(0x2222_2222),
                    ..Default::default()
                },
                s: 0,
                r: 0,
            })],
        });
    }
    let bytes = encode(&m);
    assert_eq!(decode(&bytes).unwrap(), m);
    // The width is followed by the alignment byte, then the kind byte.
    let at = bytes.windows(4).position(|w| w == [0x22; 4]).unwrap() + 5;
    assert_eq!(bytes[at], 0);
    let mut bad = bytes.clone();
    bad[at] = 9;
    seal(&mut bad);
    let e = decode(&bad).unwrap_err();
    assert_eq!(e.offset, at);
    assert_eq!(e.message, "unknown format kind 9");
}

/// An intrinsic is encoded as its discriminant: those of format 4 as released must never
/// change (a file written then would decode as other operations), so new intrinsics
/// are appended. This pins the released order.
#[test]
fn intrinsic_encodings_of_format_4_never_change() {
    use dast_bytecode::Intrinsic;
    let released = "Print Println Eprintln Sleep NowMs VecPop VecGet VecInsert VecRemove \
        VecContains VecSort VecReverse VecClear VecExtend VecSlice VecRepeat VecJoin MapInsert \
        MapGet MapRemove MapContainsKey MapLen MapEntryAt MapKeys MapValues MapClear \
        StrContains StrStartsWith StrEndsWith StrSplit StrSplitWhitespace StrTrim StrToUpper \
        StrToLower StrReplace StrParseI64 StrParseF64 StrChars StrSlice StrPushChar \
        CharToString Serialize Deserialize Eq Cmp Default RegistryLoad RegistryHasUpdate \
        RegistryReload RegistryCall RegistryGetVersion RegistryModules Exit LoadBytecode \
        Instantiate ReadDir Foreign";
    for (i, name) in released.split_whitespace().enumerate() {
        let op = Intrinsic::ALL
            .iter()
            .find(|op| op.name() == name)
            .unwrap_or_else(|| panic!("intrinsic {name} is gone"));
        assert_eq!(*op as u16 as usize, i, "{name} changed its encoding");
    }
}
