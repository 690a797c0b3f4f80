//! `Format`: renders a format spec's pieces with Rust's Display/Debug output.
//!
//! Scalars go through Rust's own formatting (so `10.0f64` is `10` with `{}` and `10.0`
//! with `{:?}`); padding with an arbitrary fill character is applied afterwards, exactly
//! as Rust pads (numbers right-aligned, everything else left-aligned by default; the `0`
//! flag pads numbers after the sign). Composite values print as Rust's derived `Debug`,
//! passing the style down to every leaf as Rust's formatter does (`{:5?}` of `[1, 2]` is
//! `[    1,     2]`); a composite under `{}` prints as with `{:?}`. Struct and enum names
//! print without their module qualifier. `{:#?}` prints as Rust's pretty Debug: one
//! element or field per line, each indented by 4 spaces per level and followed by `,`.
//! `{:x}`, `{:X}`, `{:b}`, `{:o}` (and `#` for `0x`/`0b`/`0o`) print an integer through
//! Rust's formatting of the value's own type (so `-1i8` is `ff`); `{:e}`, `{:E}` print
//! integers and floats through Rust's `LowerExp`/`UpperExp`.

use std::fmt::{Binary, Debug, Display, LowerExp, LowerHex, Octal, UpperExp, UpperHex, Write};

use dast_bytecode::{
    Align, FormatKind, FormatPiece, FormatSpec, FormatStyle, Layout, TypeDesc, TypeId,
};

use crate::heap::Obj;
use crate::typed::{
    char_of, str_of, sub, too_deep, typed_map, typed_vec, Types, View, MAX_NESTING,
};
use crate::value::short_name;

/// Rust limits widths and precisions to `u16`; so do we (a corrupt spec cannot make us
/// allocate gigabytes).
const MAX_WIDTH: u32 = u16::MAX as u32;

pub(crate) fn render(
    t: Types,
    spec: &FormatSpec,
    w: &[u64],
    r: &[Option<Obj>],
) -> Result<String, String> {
    let mut out = String::new();
    for piece in &spec.pieces {
        match piece {
            FormatPiece::Lit(s) => out.push_str(s),
            FormatPiece::Arg(a) => {
                let l = t.layout(a.ty);
                let at = Layout {
                    words: a.s as u32,
                    refs: a.r as u32,
                };
                let style = clamp(a.style);
                value(&mut out, t, a.ty, &style, sub((w, r), at, l), 0)?;
            }
        }
    }
    Ok(out)
}

fn clamp(mut s: FormatStyle) -> FormatStyle {
    s.width = s.width.map(|w| w.min(MAX_WIDTH));
    s.precision = s.precision.map(|p| p.min(MAX_WIDTH));
    s
}

/// Appends one value of type `ty`.
pub(crate) fn value(
    out: &mut String,
    t: Types,
    ty: TypeId,
    st: &FormatStyle,
    v: View,
    depth: u32,
) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let (w, r) = v;
    if st.debug && st.alternate {
        if let Some(res) = pretty(out, t, ty, st, v, depth) {
            return res;
        }
    }
    let radix = st.kind != FormatKind::Default;
    match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => pad_text(out, "()", st),
        TypeDesc::Bool => pad_text(out, if w[0] != 0 { "true" } else { "false" }, st),
        TypeDesc::I8 if radix => number(out, kind_text(w[0] as i8, st), st),
        TypeDesc::I16 if radix => number(out, kind_text(w[0] as i16, st), st),
        TypeDesc::I32 if radix => number(out, kind_text(w[0] as i32, st), st),
        TypeDesc::I64 | TypeDesc::Isize if radix => number(out, kind_text(w[0] as i64, st), st),
        TypeDesc::U8 if radix => number(out, kind_text(w[0] as u8, st), st),
        TypeDesc::U16 if radix => number(out, kind_text(w[0] as u16, st), st),
        TypeDesc::U32 if radix => number(out, kind_text(w[0] as u32, st), st),
        TypeDesc::U64 | TypeDesc::Usize if radix => number(out, kind_text(w[0], st), st),
        TypeDesc::F32 if exp_kind(st) => number(out, exp_text(f32::from_bits(w[0] as u32), st), st),
        TypeDesc::F64 if exp_kind(st) => number(out, exp_text(f64::from_bits(w[0]), st), st),
        TypeDesc::I8 | TypeDesc::I16 | TypeDesc::I32 | TypeDesc::I64 | TypeDesc::Isize => {
            number(out, int_text(w[0] as i64, st), st)
        }
        TypeDesc::U8 | TypeDesc::U16 | TypeDesc::U32 | TypeDesc::U64 | TypeDesc::Usize => {
            number(out, int_text(w[0], st), st)
        }
        TypeDesc::F32 => number(out, float_text(f32::from_bits(w[0] as u32), st), st),
        TypeDesc::F64 => number(out, float_text(f64::from_bits(w[0]), st), st),
        TypeDesc::Char => {
            let c = char_of(w[0])?;
            if st.debug {
                let _ = write!(out, "{c:?}");
            } else {
                pad_text(out, c.encode_utf8(&mut [0; 4]), st);
            }
        }
        TypeDesc::Str => {
            let s = str_of(&r[0])?;
            if st.debug {
                let _ = write!(out, "{s:?}");
            } else {
                pad_text(out, s, st);
            }
        }
        TypeDesc::Box(e) => {
            let (ew, er) = crate::typed::box_view(t, *e, &r[0])?;
            value(out, t, *e, st, (&ew, er), depth + 1)?;
        }
        TypeDesc::Dyn { trait_name } => {
            let d = crate::dynobj::dyn_of(&r[0])?;
            let _ = write!(
                out,
                "{} as dyn {}",
                d.vtable().key.ty,
                short_name(trait_name)
            );
        }
        TypeDesc::Vec(e) => {
            let vec = typed_vec(t, *e, &r[0])?;
            out.push('[');
            for i in 0..vec.len {
                if i > 0 {
                    out.push_str(", ");
                }
                let (ew, er) = vec.elem(i);
                value(out, t, *e, st, (&ew, er), depth + 1)?;
            }
            out.push(']');
        }
        TypeDesc::Map(k, vt) => {
            let m = typed_map(t, *k, *vt, &r[0])?;
            out.push('{');
            for i in 0..m.len() {
                if i > 0 {
                    out.push_str(", ");
                }
                let (kw, kr) = m.key_at(i);
                value(out, t, *k, st, (&kw, kr), depth + 1)?;
                out.push_str(": ");
                value(out, t, *vt, st, m.val_at(i), depth + 1)?;
            }
            out.push('}');
        }
        TypeDesc::Tuple(elems) => {
            out.push('(');
            let mut off = Layout::ZERO;
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let l = t.layout(*e);
                value(out, t, *e, st, sub(v, off, l), depth)?;
                off = off.plus(l);
            }
            if elems.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        TypeDesc::Struct { name, fields } => {
            out.push_str(short_name(name));
            let named = fields.iter().map(|f| (f.name.as_str(), f.ty));
            fields_text(out, t, st, v, Layout::ZERO, named, false, depth)?;
        }
        TypeDesc::Enum { variants, .. } => {
            let (var, off) = t.variant(variants, w[0])?;
            out.push_str(&var.name);
            let named = var.fields.iter().map(|f| (f.name.as_str(), f.ty));
            fields_text(out, t, st, v, off, named, var.is_tuple, depth)?;
        }
    }
    Ok(())
}

/// Rust's pretty Debug (`{:#?}`) of a composite value; `None` for scalars, strings and
/// chars, which print as with `{:?}`.
fn pretty(
    out: &mut String,
    t: Types,
    ty: TypeId,
    st: &FormatStyle,
    v: View,
    depth: u32,
) -> Option<Result<(), String>> {
    let (w, r) = v;
    if !matches!(
        t.desc(ty),
        TypeDesc::Vec(_)
            | TypeDesc::Map(..)
            | TypeDesc::Tuple(_)
            | TypeDesc::Struct { .. }
            | TypeDesc::Enum { .. }
    ) {
        return None;
    }
    let res = (|| -> Result<(), String> {
        match t.desc(ty) {
            TypeDesc::Vec(e) => {
                let vec = typed_vec(t, *e, &r[0])?;
                out.push('[');
                if vec.len > 0 {
                    out.push('\n');
                }
                for i in 0..vec.len {
                    let (ew, er) = vec.elem(i);
                    pretty_item(out, |o| value(o, t, *e, st, (&ew, er), depth + 1))?;
                }
                out.push(']');
            }
            TypeDesc::Map(k, vt) => {
                let m = typed_map(t, *k, *vt, &r[0])?;
                out.push('{');
                if m.len() > 0 {
                    out.push('\n');
                }
                for i in 0..m.len() {
                    let (kw, kr) = m.key_at(i);
                    pretty_item(out, |o| {
                        value(o, t, *k, st, (&kw, kr), depth + 1)?;
                        o.push_str(": ");
                        value(o, t, *vt, st, m.val_at(i), depth + 1)
                    })?;
                }
                out.push('}');
            }
            TypeDesc::Tuple(elems) => {
                out.push('(');
                if !elems.is_empty() {
                    out.push('\n');
                }
                let mut off = Layout::ZERO;
                for e in elems.iter() {
                    let l = t.layout(*e);
                    pretty_item(out, |o| value(o, t, *e, st, sub(v, off, l), depth))?;
                    off = off.plus(l);
                }
                out.push(')');
            }
            TypeDesc::Struct { name, fields } => {
                out.push_str(short_name(name));
                let named = fields.iter().map(|f| (f.name.as_str(), f.ty));
                pretty_fields(out, t, st, v, Layout::ZERO, named, false, depth)?;
            }
            TypeDesc::Enum { variants, .. } => {
                let (var, off) = t.variant(variants, w[0])?;
                out.push_str(&var.name);
                let named = var.fields.iter().map(|f| (f.name.as_str(), f.ty));
                pretty_fields(out, t, st, v, off, named, var.is_tuple, depth)?;
            }
            _ => {}
        }
        Ok(())
    })();
    Some(res)
}

/// One element, field or map entry of a pretty Debug: written by `f`, indented by 4
/// spaces on every line (as Rust's `PadAdapter`), then `,` and a newline.
fn pretty_item(
    out: &mut String,
    f: impl FnOnce(&mut String) -> Result<(), String>,
) -> Result<(), String> {
    let mut item = String::new();
    f(&mut item)?;
    let mut on_newline = true;
    for line in item.split_inclusive('\n') {
        if on_newline {
            out.push_str("    ");
        }
        on_newline = line.ends_with('\n');
        out.push_str(line);
    }
    if on_newline {
        out.push_str("    ");
    }
    out.push_str(",\n");
    Ok(())
}

/// ` {\n    a: 1,\n}` or `(\n    1,\n)` (nothing for no fields).
#[allow(clippy::too_many_arguments)]
fn pretty_fields<'a>(
    out: &mut String,
    t: Types,
    st: &FormatStyle,
    v: View,
    mut off: Layout,
    fields: impl ExactSizeIterator<Item = (&'a str, TypeId)>,
    is_tuple: bool,
    depth: u32,
) -> Result<(), String> {
    if fields.len() == 0 {
        return Ok(());
    }
    out.push_str(if is_tuple { "(\n" } else { " {\n" });
    for (name, ty) in fields {
        let l = t.layout(ty);
        pretty_item(out, |o| {
            if !is_tuple {
                o.push_str(name);
                o.push_str(": ");
            }
            value(o, t, ty, st, sub(v, off, l), depth)
        })?;
        off = off.plus(l);
    }
    out.push_str(if is_tuple { ")" } else { "}" });
    Ok(())
}

/// ` { a: 1, b: 2 }` or `(1, 2)` (nothing for no fields).
#[allow(clippy::too_many_arguments)]
fn fields_text<'a>(
    out: &mut String,
    t: Types,
    st: &FormatStyle,
    v: View,
    mut off: Layout,
    fields: impl ExactSizeIterator<Item = (&'a str, TypeId)>,
    is_tuple: bool,
    depth: u32,
) -> Result<(), String> {
    if fields.len() == 0 {
        return Ok(());
    }
    out.push_str(if is_tuple { "(" } else { " { " });
    for (i, (name, ty)) in fields.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if !is_tuple {
            out.push_str(name);
            out.push_str(": ");
        }
        let l = t.layout(ty);
        value(out, t, ty, st, sub(v, off, l), depth)?;
        off = off.plus(l);
    }
    out.push_str(if is_tuple { ")" } else { " }" });
    Ok(())
}

/// An integer with sign and zero padding done by Rust (precision has no effect on
/// integers, as in Rust).
fn int_text<T: Display>(x: T, st: &FormatStyle) -> String {
    match (st.plus, zero_width(st)) {
        (false, None) => format!("{x}"),
        (true, None) => format!("{x:+}"),
        (false, Some(w)) => format!("{x:0w$}"),
        (true, Some(w)) => format!("{x:+0w$}"),
    }
}

fn float_text<T: Display + Debug>(x: T, st: &FormatStyle) -> String {
    let p = st.precision.map(|p| p as usize);
    match (st.plus, zero_width(st), p, st.debug) {
        (false, None, None, false) => format!("{x}"),
        (false, None, None, true) => format!("{x:?}"),
        (false, None, Some(p), _) => format!("{x:.p$}"),
        (true, None, None, false) => format!("{x:+}"),
        (true, None, None, true) => format!("{x:+?}"),
        (true, None, Some(p), _) => format!("{x:+.p$}"),
        (false, Some(w), None, false) => format!("{x:0w$}"),
        (false, Some(w), None, true) => format!("{x:0w$?}"),
        (false, Some(w), Some(p), _) => format!("{x:0w$.p$}"),
        (true, Some(w), None, false) => format!("{x:+0w$}"),
        (true, Some(w), None, true) => format!("{x:+0w$?}"),
        (true, Some(w), Some(p), _) => format!("{x:+0w$.p$}"),
    }
}

fn exp_kind(st: &FormatStyle) -> bool {
    matches!(st.kind, FormatKind::LowerExp | FormatKind::UpperExp)
}

/// Renders `x` with Rust's formatting for one literal type letter (`x`, `X`, `b`, `o`,
/// `e`, `E`), choosing the `+`, `#`, `0`+width and precision flags at run time (the flags
/// of `format!` are static). Fill and alignment are applied afterwards by `number`.
macro_rules! with_flags {
    ($x:expr, $st:expr, $t:literal) => {{
        let x = $x;
        let st = $st;
        match (
            st.plus,
            st.alternate,
            zero_width(st),
            st.precision.map(|p| p as usize),
        ) {
            (false, false, None, None) => format!(concat!("{:", $t, "}"), x),
            (false, false, None, Some(p)) => format!(concat!("{:.p$", $t, "}"), x, p = p),
            (false, false, Some(w), None) => format!(concat!("{:0w$", $t, "}"), x, w = w),
            (false, false, Some(w), Some(p)) => {
                format!(concat!("{:0w$.p$", $t, "}"), x, w = w, p = p)
            }
            (false, true, None, None) => format!(concat!("{:#", $t, "}"), x),
            (false, true, None, Some(p)) => format!(concat!("{:#.p$", $t, "}"), x, p = p),
            (false, true, Some(w), None) => format!(concat!("{:#0w$", $t, "}"), x, w = w),
            (false, true, Some(w), Some(p)) => {
                format!(concat!("{:#0w$.p$", $t, "}"), x, w = w, p = p)
            }
            (true, false, None, None) => format!(concat!("{:+", $t, "}"), x),
            (true, false, None, Some(p)) => format!(concat!("{:+.p$", $t, "}"), x, p = p),
            (true, false, Some(w), None) => format!(concat!("{:+0w$", $t, "}"), x, w = w),
            (true, false, Some(w), Some(p)) => {
                format!(concat!("{:+0w$.p$", $t, "}"), x, w = w, p = p)
            }
            (true, true, None, None) => format!(concat!("{:+#", $t, "}"), x),
            (true, true, None, Some(p)) => format!(concat!("{:+#.p$", $t, "}"), x, p = p),
            (true, true, Some(w), None) => format!(concat!("{:+#0w$", $t, "}"), x, w = w),
            (true, true, Some(w), Some(p)) => {
                format!(concat!("{:+#0w$.p$", $t, "}"), x, w = w, p = p)
            }
        }
    }};
}

/// An integer under `{:x}`, `{:X}`, `{:b}`, `{:o}`, `{:e}` or `{:E}`, of its own Rust type.
fn kind_text<T>(x: T, st: &FormatStyle) -> String
where
    T: Display + LowerHex + UpperHex + Binary + Octal + LowerExp + UpperExp,
{
    match st.kind {
        FormatKind::Default => int_text(x, st),
        FormatKind::LowerHex => with_flags!(x, st, "x"),
        FormatKind::UpperHex => with_flags!(x, st, "X"),
        FormatKind::Binary => with_flags!(x, st, "b"),
        FormatKind::Octal => with_flags!(x, st, "o"),
        FormatKind::LowerExp | FormatKind::UpperExp => exp_text(x, st),
    }
}

/// A float or integer under `{:e}` or `{:E}`.
fn exp_text<T: LowerExp + UpperExp>(x: T, st: &FormatStyle) -> String {
    if st.kind == FormatKind::UpperExp {
        with_flags!(x, st, "E")
    } else {
        with_flags!(x, st, "e")
    }
}

/// The width when the `0` flag makes Rust pad with zeros itself.
fn zero_width(st: &FormatStyle) -> Option<usize> {
    if st.zero {
        st.width.map(|w| w as usize)
    } else {
        None
    }
}

/// Numbers: already zero-padded when the `0` flag is set, else padded with the fill,
/// right-aligned by default.
fn number(out: &mut String, text: String, st: &FormatStyle) {
    if st.zero {
        out.push_str(&text);
    } else {
        pad(out, &text, st, Align::Right);
    }
}

/// Text (strings, chars, bools, `()`): precision truncates to that many chars, then
/// padding, left-aligned by default.
fn pad_text(out: &mut String, s: &str, st: &FormatStyle) {
    match st.precision {
        Some(p) => {
            let end = s.char_indices().nth(p as usize).map_or(s.len(), |(i, _)| i);
            pad(out, &s[..end], st, Align::Left);
        }
        None => pad(out, s, st, Align::Left),
    }
}

fn pad(out: &mut String, s: &str, st: &FormatStyle, default: Align) {
    let width = st.width.unwrap_or(0) as usize;
    let len = s.chars().count();
    if len >= width {
        out.push_str(s);
        return;
    }
    let fill = st.fill.unwrap_or(' ');
    let padding = width - len;
    let (before, after) = match st.align.unwrap_or(default) {
        Align::Left => (0, padding),
        Align::Right => (padding, 0),
        Align::Center => (padding / 2, padding.div_ceil(2)),
    };
    out.extend(std::iter::repeat_n(fill, before));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, after));
}
