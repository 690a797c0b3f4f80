//! `.dbc` bytes -> Module. Never panics, never loops or allocates beyond what the input's
//! size allows: every count is checked against the bytes left before anything is read
//! (see `Reader::count`). Decoding checks only the encoding; [`crate::verify()`] checks that
//! the module makes sense.

use crate::codec::{DecodeError, Reader};
use crate::encode::{
    STYLE_ALTERNATE, STYLE_DEBUG, STYLE_FILL, STYLE_PLUS, STYLE_PRECISION, STYLE_WIDTH, STYLE_ZERO,
};
use crate::inst::{FuncId, TypeId};
use crate::module::*;
use crate::opcodes::decode_inst;

/// Smallest encoded sizes, used to bound counts (FORMAT.md).
const MIN_FIELD: usize = 8;
const MIN_VARIANT: usize = 9;
const MIN_SIGNATURE: usize = 12;
const MIN_FUNCTION: usize = 4 + MIN_SIGNATURE + 1 + 2 + 2 + 4 + 4;
const MIN_INST: usize = 3;
const MIN_LINE: usize = 12;
const MIN_IMPORT: usize = 4 + 4 + MIN_SIGNATURE;
const MIN_GLOBAL: usize = 17;
const MIN_SHARED: usize = 20;
const MIN_PIECE: usize = 5;
const MIN_IMPL: usize = 4 + 4 + 4 + 1;
const MIN_IMPL_METHOD: usize = 8;

/// Decodes a `.dbc` file: its header, then its checksum, then the module.
pub fn decode(bytes: &[u8]) -> Result<Module, DecodeError> {
    let mut r = Reader::new(bytes);
    header(&mut r)?;
    let bytes = checked_body(bytes)?;
    let mut r = Reader::new(bytes);
    // The header, read above.
    r.take(MAGIC.len() + 4)?;
    let name = r.str()?;
    let source = r.str()?;
    let hot_reload = flags(&mut r)?;
    let types = r.vec("type", 1, type_desc)?;
    let functions = r.vec("function", MIN_FUNCTION, function)?;
    let imports = r.vec("import", MIN_IMPORT, |r| {
        Ok(Import {
            module: r.str()?,
            name: r.str()?,
            sig: signature(r)?,
        })
    })?;
    let globals = r.vec("global", MIN_GLOBAL, |r| {
        Ok(Global {
            name: r.str()?,
            ty: TypeId(r.u32()?),
            word_slot: r.u32()?,
            ref_slot: r.u32()?,
            is_static: r.bool()?,
        })
    })?;
    let global_words = r.u32()?;
    let global_refs = r.u32()?;
    let shared = r.vec("shared static", MIN_SHARED, |r| {
        Ok(SharedStatic {
            name: r.str()?,
            ty: TypeId(r.u32()?),
            abi: r.u32()?,
            slot: r.u32()?,
            init: FuncId(r.u32()?),
        })
    })?;
    let shared_words = r.u32()?;
    let impls = r.vec("impl", MIN_IMPL, |r| {
        Ok(ImplDesc {
            ty: TypeId(r.u32()?),
            trait_name: r.str()?,
            methods: r.vec("impl method", MIN_IMPL_METHOD, |r| {
                Ok(ImplMethod {
                    name: r.str()?,
                    shim: FuncId(r.u32()?),
                })
            })?,
            make: optional_func(r)?,
        })
    })?;
    let dyn_methods = r.vec("dynamic call", 4 + 4 + 4 + MIN_SIGNATURE, |r| {
        Ok(DynMethod {
            trait_name: r.str()?,
            name: r.str()?,
            slot: r.u32()?,
            sig: signature(r)?,
        })
    })?;
    let init = optional_func(&mut r)?;
    let scalars = r.vec("scalar constant", 8, |r| r.u64())?;
    let strings = r.vec("string constant", 4, |r| r.str())?;
    let formats = r.vec("format", 4, format_spec)?;
    if r.remaining() != 0 {
        return r.error(format!(
            "{} unexpected bytes after the module",
            r.remaining()
        ));
    }
    Ok(Module {
        name,
        source,
        hot_reload,
        types,
        functions,
        imports,
        globals,
        global_words,
        global_refs,
        shared,
        shared_words,
        impls,
        dyn_methods,
        init,
        scalars,
        strings,
        formats,
    })
}

/// The file without its checksum, after checking it.
fn checked_body(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    let body_len = bytes
        .len()
        .checked_sub(CHECKSUM_BYTES)
        .filter(|&n| n >= MAGIC.len() + 4);
    let Some(body_len) = body_len else {
        return Err(DecodeError {
            offset: bytes.len(),
            message: "the file is cut short: it has no checksum".into(),
        });
    };
    let (body, sum) = bytes.split_at(body_len);
    let mut recorded = [0u8; CHECKSUM_BYTES];
    recorded.copy_from_slice(sum);
    if u64::from_le_bytes(recorded) != content_hash(body) {
        return Err(DecodeError {
            offset: body_len,
            message: "the file is corrupt: its checksum does not match its contents \
                      (rebuild it with `dast build`)"
                .into(),
        });
    }
    Ok(body)
}

/// What `encode`'s `optional_func` wrote.
fn optional_func(r: &mut Reader) -> Result<Option<FuncId>, DecodeError> {
    Ok(match r.bool()? {
        false => None,
        true => Some(FuncId(r.u32()?)),
    })
}

fn header(r: &mut Reader) -> Result<(), DecodeError> {
    if r.remaining() < MAGIC.len() || r.take(MAGIC.len())? != MAGIC {
        return Err(r.error_at(0, "not a .dbc file"));
    }
    let at = r.pos();
    let version = r.u32()?;
    if version != FORMAT_VERSION {
        return Err(r.error_at(
            at,
            format!(
                "unsupported .dbc format version {version} (this dast reads version {FORMAT_VERSION})"
            ),
        ));
    }
    Ok(())
}

fn flags(r: &mut Reader) -> Result<bool, DecodeError> {
    let at = r.pos();
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        f => Err(r.error_at(at, format!("unknown module flags {f:#04x}"))),
    }
}

fn type_ids(r: &mut Reader) -> Result<Vec<TypeId>, DecodeError> {
    r.vec("type id", 4, |r| Ok(TypeId(r.u32()?)))
}

fn fields(r: &mut Reader) -> Result<Vec<Field>, DecodeError> {
    r.vec("field", MIN_FIELD, |r| {
        Ok(Field {
            name: r.str()?,
            ty: TypeId(r.u32()?),
        })
    })
}

fn type_desc(r: &mut Reader) -> Result<TypeDesc, DecodeError> {
    let at = r.pos();
    Ok(match r.u8()? {
        0 => TypeDesc::Unit,
        1 => TypeDesc::Never,
        2 => TypeDesc::Bool,
        3 => TypeDesc::I8,
        4 => TypeDesc::I16,
        5 => TypeDesc::I32,
        6 => TypeDesc::I64,
        7 => TypeDesc::U8,
        8 => TypeDesc::U16,
        9 => TypeDesc::U32,
        10 => TypeDesc::U64,
        11 => TypeDesc::Isize,
        12 => TypeDesc::Usize,
        13 => TypeDesc::F32,
        14 => TypeDesc::F64,
        15 => TypeDesc::Char,
        16 => TypeDesc::Str,
        17 => TypeDesc::Vec(TypeId(r.u32()?)),
        18 => TypeDesc::Map(TypeId(r.u32()?), TypeId(r.u32()?)),
        19 => TypeDesc::Tuple(type_ids(r)?),
        22 => TypeDesc::Box(TypeId(r.u32()?)),
        23 => TypeDesc::Dyn {
            trait_name: r.str()?,
        },
        20 => TypeDesc::Struct {
            name: r.str()?,
            fields: fields(r)?,
        },
        21 => TypeDesc::Enum {
            name: r.str()?,
            variants: r.vec("variant", MIN_VARIANT, |r| {
                Ok(Variant {
                    name: r.str()?,
                    is_tuple: r.bool()?,
                    fields: fields(r)?,
                })
            })?,
        },
        tag => return Err(r.error_at(at, format!("unknown type tag {tag}"))),
    })
}

fn signature(r: &mut Reader) -> Result<Signature, DecodeError> {
    Ok(Signature {
        params: type_ids(r)?,
        ret: TypeId(r.u32()?),
        mut_params: r.vec("mut parameter", 4, |r| r.u32())?,
    })
}

fn function(r: &mut Reader) -> Result<Function, DecodeError> {
    Ok(Function {
        name: r.str()?,
        sig: signature(r)?,
        exported: r.bool()?,
        scalar_regs: r.u16()?,
        ref_regs: r.u16()?,
        code: r.vec("instruction", MIN_INST, decode_inst)?,
        lines: r.vec("line table entry", MIN_LINE, |r| {
            Ok(LineEntry {
                pc: r.u32()?,
                line: r.u32()?,
                col: r.u32()?,
            })
        })?,
    })
}

fn format_spec(r: &mut Reader) -> Result<FormatSpec, DecodeError> {
    let pieces = r.vec("format piece", MIN_PIECE, |r| {
        let at = r.pos();
        match r.u8()? {
            0 => Ok(FormatPiece::Lit(r.str()?)),
            1 => Ok(FormatPiece::Arg(FormatArg {
                ty: TypeId(r.u32()?),
                style: format_style(r)?,
                s: r.u16()?,
                r: r.u16()?,
            })),
            tag => Err(r.error_at(at, format!("unknown format piece tag {tag}"))),
        }
    })?;
    Ok(FormatSpec { pieces })
}

fn format_style(r: &mut Reader) -> Result<FormatStyle, DecodeError> {
    let at = r.pos();
    let flags = r.u8()?;
    if flags >= 128 {
        return Err(r.error_at(at, format!("unknown format style flags {flags:#04x}")));
    }
    let on = |bit: u8| flags & bit != 0;
    let precision = if on(STYLE_PRECISION) {
        Some(r.u32()?)
    } else {
        None
    };
    let width = if on(STYLE_WIDTH) {
        Some(r.u32()?)
    } else {
        None
    };
    let fill = if on(STYLE_FILL) {
        Some(r.char()?)
    } else {
        None
    };
    let at = r.pos();
    let align = match r.u8()? {
        0 => None,
        1 => Some(Align::Left),
        2 => Some(Align::Right),
        3 => Some(Align::Center),
        a => return Err(r.error_at(at, format!("unknown alignment {a}"))),
    };
    let at = r.pos();
    let kind = match r.u8()? {
        0 => FormatKind::Default,
        1 => FormatKind::LowerHex,
        2 => FormatKind::UpperHex,
        3 => FormatKind::Binary,
        4 => FormatKind::Octal,
        5 => FormatKind::LowerExp,
        6 => FormatKind::UpperExp,
        k => return Err(r.error_at(at, format!("unknown format kind {k}"))),
    };
    Ok(FormatStyle {
        debug: on(STYLE_DEBUG),
        precision,
        width,
        align,
        fill,
        zero: on(STYLE_ZERO),
        plus: on(STYLE_PLUS),
        alternate: on(STYLE_ALTERNATE),
        kind,
    })
}
