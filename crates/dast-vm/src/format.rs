//! `Format`: renders a format spec's pieces with Rust's Display/Debug output.
//!
//! Scalars go through Rust's own formatting (so `10.0f64` is `10` with `{}` and `10.0`
//! with `{:?}`); padding with an arbitrary fill character is applied afterwards, exactly
//! as Rust pads (numbers right-aligned, everything else left-aligned by default; the `0`
//! flag pads numbers after the sign). Composite values print as Rust's derived `Debug`,
//! passing the style down to every leaf as Rust's formatter does (`{:5?}` of `[1, 2]` is
//! `[    1,     2]`); a composite under `{}` prints as with `{:?}`. Struct and enum names
//! print without their module qualifier.

use std::fmt::{Debug, Display, Write};

use dast_bytecode::{Align, FormatPiece, FormatSpec, FormatStyle, Layout, TypeDesc, TypeId};

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
    match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => pad_text(out, "()", st),
        TypeDesc::Bool => pad_text(out, if w[0] != 0 { "true" } else { "false" }, st),
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
