//! Module -> `.dbc` bytes. The layout is written down byte by byte in FORMAT.md; the
//! decoder mirrors every function here.

use crate::codec::Writer;
use crate::inst::{FuncId, TypeId};
use crate::module::*;
use crate::opcodes::encode_inst;

/// Encodes a module as a `.dbc` file (ending with its checksum).
pub fn encode(m: &Module) -> Vec<u8> {
    let mut bytes = encode_body(m);
    bytes.extend_from_slice(&[0; CHECKSUM_BYTES]);
    seal(&mut bytes);
    bytes
}

fn encode_body(m: &Module) -> Vec<u8> {
    let mut w = Writer::default();
    w.bytes.extend_from_slice(&MAGIC);
    w.u32(FORMAT_VERSION);
    w.str(&m.name);
    w.str(&m.source);
    w.u8(m.hot_reload as u8);
    w.len(m.types.len());
    for t in &m.types {
        type_desc(&mut w, t);
    }
    w.len(m.functions.len());
    for f in &m.functions {
        function(&mut w, f);
    }
    w.len(m.imports.len());
    for i in &m.imports {
        w.str(&i.module);
        w.str(&i.name);
        signature(&mut w, &i.sig);
    }
    w.len(m.globals.len());
    for g in &m.globals {
        w.str(&g.name);
        w.u32(g.ty.0);
        w.u32(g.word_slot);
        w.u32(g.ref_slot);
        w.bool(g.is_static);
    }
    w.u32(m.global_words);
    w.u32(m.global_refs);
    w.len(m.shared.len());
    for g in &m.shared {
        w.str(&g.name);
        w.u32(g.ty.0);
        w.u32(g.abi);
        w.u32(g.slot);
        w.u32(g.init.0);
    }
    w.u32(m.shared_words);
    w.len(m.impls.len());
    for imp in &m.impls {
        w.u32(imp.ty.0);
        w.str(&imp.trait_name);
        w.len(imp.methods.len());
        for meth in &imp.methods {
            w.str(&meth.name);
            w.u32(meth.shim.0);
        }
        optional_func(&mut w, imp.make);
    }
    w.len(m.dyn_methods.len());
    for d in &m.dyn_methods {
        w.str(&d.trait_name);
        w.str(&d.name);
        w.u32(d.slot);
        signature(&mut w, &d.sig);
    }
    optional_func(&mut w, m.init);
    w.len(m.scalars.len());
    for k in &m.scalars {
        w.u64(*k);
    }
    w.len(m.strings.len());
    for s in &m.strings {
        w.str(s);
    }
    w.len(m.formats.len());
    for f in &m.formats {
        format_spec(&mut w, f);
    }
    w.bytes
}

fn type_ids(w: &mut Writer, ids: impl ExactSizeIterator<Item = TypeId>) {
    w.len(ids.len());
    for t in ids {
        w.u32(t.0);
    }
}

fn fields(w: &mut Writer, fields: &[Field]) {
    w.len(fields.len());
    for f in fields {
        w.str(&f.name);
        w.u32(f.ty.0);
    }
}

/// `u8 0`, or `u8 1` and the function's index.
fn optional_func(w: &mut Writer, f: Option<FuncId>) {
    match f {
        None => w.u8(0),
        Some(f) => {
            w.u8(1);
            w.u32(f.0);
        }
    }
}

/// Tags are listed in FORMAT.md ("Type table").
fn type_desc(w: &mut Writer, t: &TypeDesc) {
    let simple = |tag: u8, w: &mut Writer| w.u8(tag);
    match t {
        TypeDesc::Unit => simple(0, w),
        TypeDesc::Never => simple(1, w),
        TypeDesc::Bool => simple(2, w),
        TypeDesc::I8 => simple(3, w),
        TypeDesc::I16 => simple(4, w),
        TypeDesc::I32 => simple(5, w),
        TypeDesc::I64 => simple(6, w),
        TypeDesc::U8 => simple(7, w),
        TypeDesc::U16 => simple(8, w),
        TypeDesc::U32 => simple(9, w),
        TypeDesc::U64 => simple(10, w),
        TypeDesc::Isize => simple(11, w),
        TypeDesc::Usize => simple(12, w),
        TypeDesc::F32 => simple(13, w),
        TypeDesc::F64 => simple(14, w),
        TypeDesc::Char => simple(15, w),
        TypeDesc::Str => simple(16, w),
        TypeDesc::Vec(e) => {
            w.u8(17);
            w.u32(e.0);
        }
        TypeDesc::Map(k, v) => {
            w.u8(18);
            w.u32(k.0);
            w.u32(v.0);
        }
        TypeDesc::Tuple(elems) => {
            w.u8(19);
            type_ids(w, elems.iter().copied());
        }
        TypeDesc::Struct { name, fields: fs } => {
            w.u8(20);
            w.str(name);
            fields(w, fs);
        }
        TypeDesc::Box(e) => {
            w.u8(22);
            w.u32(e.0);
        }
        TypeDesc::Dyn { trait_name } => {
            w.u8(23);
            w.str(trait_name);
        }
        TypeDesc::Enum { name, variants } => {
            w.u8(21);
            w.str(name);
            w.len(variants.len());
            for v in variants {
                w.str(&v.name);
                w.bool(v.is_tuple);
                fields(w, &v.fields);
            }
        }
    }
}

fn signature(w: &mut Writer, sig: &Signature) {
    type_ids(w, sig.params.iter().copied());
    w.u32(sig.ret.0);
    w.len(sig.mut_params.len());
    for p in &sig.mut_params {
        w.u32(*p);
    }
}

fn function(w: &mut Writer, f: &Function) {
    w.str(&f.name);
    signature(w, &f.sig);
    w.bool(f.exported);
    w.u16(f.scalar_regs);
    w.u16(f.ref_regs);
    w.len(f.code.len());
    for inst in &f.code {
        encode_inst(inst, w);
    }
    w.len(f.lines.len());
    for l in &f.lines {
        w.u32(l.pc);
        w.u32(l.line);
        w.u32(l.col);
    }
}

fn format_spec(w: &mut Writer, spec: &FormatSpec) {
    w.len(spec.pieces.len());
    for p in &spec.pieces {
        match p {
            FormatPiece::Lit(s) => {
                w.u8(0);
                w.str(s);
            }
            FormatPiece::Arg(a) => {
                w.u8(1);
                w.u32(a.ty.0);
                format_style(w, &a.style);
                w.u16(a.s);
                w.u16(a.r);
            }
        }
    }
}

/// Style flag bits (FORMAT.md, "Format specs").
pub(crate) const STYLE_DEBUG: u8 = 1;
pub(crate) const STYLE_ZERO: u8 = 2;
pub(crate) const STYLE_PLUS: u8 = 4;
pub(crate) const STYLE_PRECISION: u8 = 8;
pub(crate) const STYLE_WIDTH: u8 = 16;
pub(crate) const STYLE_FILL: u8 = 32;
pub(crate) const STYLE_ALTERNATE: u8 = 64;

fn format_kind_byte(k: FormatKind) -> u8 {
    match k {
        FormatKind::Default => 0,
        FormatKind::LowerHex => 1,
        FormatKind::UpperHex => 2,
        FormatKind::Binary => 3,
        FormatKind::Octal => 4,
        FormatKind::LowerExp => 5,
        FormatKind::UpperExp => 6,
    }
}

fn format_style(w: &mut Writer, s: &FormatStyle) {
    let mut flags = 0;
    let mut set = |on: bool, bit: u8| {
        if on {
            flags |= bit
        }
    };
    set(s.debug, STYLE_DEBUG);
    set(s.zero, STYLE_ZERO);
    set(s.plus, STYLE_PLUS);
    set(s.precision.is_some(), STYLE_PRECISION);
    set(s.width.is_some(), STYLE_WIDTH);
    set(s.fill.is_some(), STYLE_FILL);
    set(s.alternate, STYLE_ALTERNATE);
    w.u8(flags);
    if let Some(p) = s.precision {
        w.u32(p);
    }
    if let Some(width) = s.width {
        w.u32(width);
    }
    if let Some(fill) = s.fill {
        w.u32(fill as u32);
    }
    w.u8(match s.align {
        None => 0,
        Some(Align::Left) => 1,
        Some(Align::Right) => 2,
        Some(Align::Center) => 3,
    });
    w.u8(format_kind_byte(s.kind));
}
