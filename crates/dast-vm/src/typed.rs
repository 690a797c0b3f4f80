//! Type-directed operations on values held in registers (or in vector elements and map
//! entries, which use the same flattened layout): conversion to and from host
//! [`Value`]s, structural equality and ordering, defaults, key canonicalization.
//!
//! Registers are untyped, so every walk checks what it finds (object kinds, vector
//! shapes, enum tags) and reports an internal error instead of trusting it.

use std::cmp::Ordering;

use dast_bytecode::{type_name, Layout, TypeDesc, TypeId, Variant};

use crate::buf::StrBuf;
use crate::heap::*;
use crate::value::Value;

/// Deepest nesting of vectors and maps a walk follows (deeper values are refused
/// rather than overflowing the Rust stack).
pub(crate) const MAX_NESTING: u32 = 1000;

/// A module's type table with its precomputed layouts and vector shapes.
#[derive(Clone, Copy)]
pub(crate) struct Types<'a> {
    pub types: &'a [TypeDesc],
    pub layouts: &'a [Layout],
    pub shapes: &'a [VecShape],
}

impl<'a> Types<'a> {
    #[inline]
    pub fn desc(&self, ty: TypeId) -> &'a TypeDesc {
        &self.types[ty.0 as usize]
    }
    #[inline]
    pub fn layout(&self, ty: TypeId) -> Layout {
        self.layouts[ty.0 as usize]
    }
    #[inline]
    pub fn shape(&self, ty: TypeId) -> VecShape {
        self.shapes[ty.0 as usize]
    }
    pub fn name(&self, ty: TypeId) -> String {
        type_name(self.types, ty)
    }

    /// The variant a tag selects and where its fields start (relative to the enum's
    /// first word and first reference; the tag is word 0).
    pub fn variant(
        &self,
        variants: &'a [Variant],
        tag: u64,
    ) -> Result<(&'a Variant, Layout), String> {
        let Some(v) = variants.get(tag as usize) else {
            return Err(internal(format!("invalid enum tag {tag}")));
        };
        let before = variants[..tag as usize]
            .iter()
            .flat_map(|v| v.fields.iter())
            .fold(Layout::WORD, |acc, f| acc.plus(self.layout(f.ty)));
        Ok((v, before))
    }
}

/// The types of a composite's parts in register order (tuple elements, struct fields).
pub(crate) fn parts(desc: &TypeDesc) -> Option<Box<dyn Iterator<Item = TypeId> + '_>> {
    match desc {
        TypeDesc::Tuple(elems) => Some(Box::new(elems.iter().copied())),
        TypeDesc::Struct { fields, .. } => Some(Box::new(fields.iter().map(|f| f.ty))),
        _ => None,
    }
}

/// Words and references of one value.
pub(crate) type View<'a> = (&'a [u64], &'a [Option<Obj>]);

#[inline]
pub(crate) fn sub<'a>(v: View<'a>, off: Layout, len: Layout) -> View<'a> {
    let (w, r) = (off.words as usize, off.refs as usize);
    (
        &v.0[w..w + len.words as usize],
        &v.1[r..r + len.refs as usize],
    )
}

pub(crate) fn sub_mut<'a>(
    w: &'a mut [u64],
    r: &'a mut [Option<Obj>],
    off: Layout,
    len: Layout,
) -> (&'a mut [u64], &'a mut [Option<Obj>]) {
    let (ow, or) = (off.words as usize, off.refs as usize);
    (
        &mut w[ow..ow + len.words as usize],
        &mut r[or..or + len.refs as usize],
    )
}

// ---- errors ----

pub(crate) fn internal(msg: impl std::fmt::Display) -> String {
    format!("internal error: {msg}")
}

#[cold]
pub(crate) fn moved() -> String {
    "internal error: use of a moved value".to_string()
}

#[cold]
pub(crate) fn wrong_kind(expected: &str, found: &HeapObj) -> String {
    internal(format!("expected {expected}, found {}", found.kind_name()))
}

#[cold]
pub(crate) fn too_deep() -> String {
    format!("value nested more than {MAX_NESTING} levels deep")
}

#[cold]
pub(crate) fn shape_mismatch() -> String {
    internal("vector element layout does not match its type")
}

// ---- typed access to heap objects ----

#[inline(always)]
pub(crate) fn obj(r: &Option<Obj>) -> Result<&HeapObj, String> {
    match r {
        Some(o) => Ok(o.get()),
        None => Err(moved()),
    }
}

#[inline(always)]
pub(crate) fn str_of(r: &Option<Obj>) -> Result<&str, String> {
    match obj(r)? {
        HeapObj::Str(s) => Ok(s),
        other => Err(wrong_kind("a string", other)),
    }
}

#[inline(always)]
pub(crate) fn vec_of(r: &Option<Obj>) -> Result<&VecObj, String> {
    match obj(r)? {
        HeapObj::Vec(v) => Ok(v),
        other => Err(wrong_kind("a vector", other)),
    }
}

#[inline(always)]
pub(crate) fn map_of(r: &Option<Obj>) -> Result<&MapObj, String> {
    match obj(r)? {
        HeapObj::Map(m) => Ok(m),
        other => Err(wrong_kind("a map", other)),
    }
}

#[inline(always)]
pub(crate) fn obj_mut(r: &mut Option<Obj>) -> Result<&mut HeapObj, String> {
    match r {
        Some(o) => Ok(o.make_mut()),
        None => Err(moved()),
    }
}

#[inline(always)]
pub(crate) fn str_mut(r: &mut Option<Obj>) -> Result<&mut StrBuf, String> {
    match obj_mut(r)? {
        HeapObj::Str(s) => Ok(s),
        other => Err(wrong_kind("a string", other)),
    }
}

#[inline(always)]
pub(crate) fn vec_mut(r: &mut Option<Obj>) -> Result<&mut VecObj, String> {
    match obj_mut(r)? {
        HeapObj::Vec(v) => Ok(v),
        other => Err(wrong_kind("a vector", other)),
    }
}

#[inline(always)]
pub(crate) fn map_mut(r: &mut Option<Obj>) -> Result<&mut MapObj, String> {
    match obj_mut(r)? {
        HeapObj::Map(m) => Ok(m),
        other => Err(wrong_kind("a map", other)),
    }
}

/// A vector whose element type is `elem`, checked against its storage.
pub(crate) fn typed_vec<'a>(
    t: Types,
    elem: TypeId,
    r: &'a Option<Obj>,
) -> Result<&'a VecObj, String> {
    let v = vec_of(r)?;
    if v.shape != t.shape(elem) {
        return Err(shape_mismatch());
    }
    Ok(v)
}

/// A map whose key and value types are `k`/`v`, checked against its storage.
pub(crate) fn typed_map<'a>(
    t: Types,
    k: TypeId,
    v: TypeId,
    r: &'a Option<Obj>,
) -> Result<&'a MapObj, String> {
    let m = map_of(r)?;
    check_map_layout(t, k, v, m)?;
    Ok(m)
}

pub(crate) fn check_map_layout(t: Types, k: TypeId, v: TypeId, m: &MapObj) -> Result<(), String> {
    if m.key != t.layout(k) || m.val != t.layout(v) {
        return Err(internal("map layout does not match its type"));
    }
    Ok(())
}

pub(crate) fn char_of(w: u64) -> Result<char, String> {
    u32::try_from(w)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| internal(format!("invalid char {w:#x}")))
}

// ---- registers -> Value ----

pub(crate) fn to_value(t: Types, ty: TypeId, v: View, depth: u32) -> Result<Value, String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let (w, r) = v;
    Ok(match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => Value::Unit,
        TypeDesc::Bool => Value::Bool(w[0] != 0),
        TypeDesc::I8 | TypeDesc::I16 | TypeDesc::I32 | TypeDesc::I64 | TypeDesc::Isize => {
            Value::Int(w[0] as i64)
        }
        TypeDesc::U8 | TypeDesc::U16 | TypeDesc::U32 | TypeDesc::U64 | TypeDesc::Usize => {
            Value::UInt(w[0])
        }
        TypeDesc::F32 => Value::Float(f32::from_bits(w[0] as u32) as f64),
        TypeDesc::F64 => Value::Float(f64::from_bits(w[0])),
        TypeDesc::Char => Value::Char(char_of(w[0])?),
        TypeDesc::Str => Value::Str(str_of(&r[0])?.to_string()),
        TypeDesc::Vec(e) => {
            let vec = typed_vec(t, *e, &r[0])?;
            let mut items = Vec::with_capacity(vec.len);
            for i in 0..vec.len {
                let (ew, er) = vec.elem(i);
                items.push(to_value(t, *e, (&ew, er), depth + 1)?);
            }
            Value::Vec(items)
        }
        TypeDesc::Map(k, vt) => {
            let m = typed_map(t, *k, *vt, &r[0])?;
            let mut entries = Vec::with_capacity(m.len());
            for i in 0..m.len() {
                let (kw, kr) = m.key_at(i);
                let key = to_value(t, *k, (&kw, kr), depth + 1)?;
                let val = to_value(t, *vt, m.val_at(i), depth + 1)?;
                entries.push((key, val));
            }
            Value::Map(entries)
        }
        TypeDesc::Box(e) => {
            let (ew, er) = box_view(t, *e, &r[0])?;
            to_value(t, *e, (&ew, er), depth + 1)?
        }
        TypeDesc::Dyn { .. } => return Err(no_dyn("passed to the host as a value")),
        TypeDesc::Tuple(elems) => {
            let mut off = Layout::ZERO;
            let mut items = Vec::with_capacity(elems.len());
            for e in elems {
                let l = t.layout(*e);
                items.push(to_value(t, *e, sub(v, off, l), depth)?);
                off = off.plus(l);
            }
            Value::Tuple(items)
        }
        TypeDesc::Struct { name, fields } => {
            let mut off = Layout::ZERO;
            let mut out = Vec::with_capacity(fields.len());
            for f in fields {
                let l = t.layout(f.ty);
                out.push((f.name.clone(), to_value(t, f.ty, sub(v, off, l), depth)?));
                off = off.plus(l);
            }
            Value::Struct {
                name: name.clone(),
                fields: out,
            }
        }
        TypeDesc::Enum { name, variants } => {
            let (var, mut off) = t.variant(variants, w[0])?;
            let mut out = Vec::with_capacity(var.fields.len());
            for f in &var.fields {
                let l = t.layout(f.ty);
                out.push(to_value(t, f.ty, sub(v, off, l), depth)?);
                off = off.plus(l);
            }
            Value::Enum {
                name: name.clone(),
                variant: var.name.clone(),
                fields: out,
            }
        }
    })
}

// ---- Value -> registers ----

/// Writes `value` as a `ty` into `w`/`r` (exactly the type's layout), or says why it
/// is not a `ty`.
pub(crate) fn from_value(
    t: Types,
    ty: TypeId,
    value: &Value,
    w: &mut [u64],
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    let mismatch = || format!("expected {}, found {value}", t.name(ty));
    let int_in = |min: i128, max: i128| -> Result<u64, String> {
        let x = match value {
            Value::Int(i) => *i as i128,
            Value::UInt(u) => *u as i128,
            _ => return Err(mismatch()),
        };
        if x < min || x > max {
            return Err(format!("{x} does not fit in {}", t.name(ty)));
        }
        Ok(x as i64 as u64)
    };
    match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => match value {
            Value::Unit => {}
            _ => return Err(mismatch()),
        },
        TypeDesc::Bool => match value {
            Value::Bool(b) => w[0] = *b as u64,
            _ => return Err(mismatch()),
        },
        TypeDesc::I8 => w[0] = int_in(i8::MIN as i128, i8::MAX as i128)?,
        TypeDesc::I16 => w[0] = int_in(i16::MIN as i128, i16::MAX as i128)?,
        TypeDesc::I32 => w[0] = int_in(i32::MIN as i128, i32::MAX as i128)?,
        TypeDesc::I64 | TypeDesc::Isize => w[0] = int_in(i64::MIN as i128, i64::MAX as i128)?,
        TypeDesc::U8 => w[0] = int_in(0, u8::MAX as i128)?,
        TypeDesc::U16 => w[0] = int_in(0, u16::MAX as i128)?,
        TypeDesc::U32 => w[0] = int_in(0, u32::MAX as i128)?,
        TypeDesc::U64 | TypeDesc::Usize => {
            w[0] = match value {
                Value::UInt(u) => *u,
                Value::Int(i) if *i >= 0 => *i as u64,
                Value::Int(i) => return Err(format!("{i} does not fit in {}", t.name(ty))),
                _ => return Err(mismatch()),
            }
        }
        TypeDesc::F32 => match value {
            Value::Float(x) => w[0] = (*x as f32).to_bits() as u64,
            _ => return Err(mismatch()),
        },
        TypeDesc::F64 => match value {
            Value::Float(x) => w[0] = x.to_bits(),
            _ => return Err(mismatch()),
        },
        TypeDesc::Char => match value {
            Value::Char(c) => w[0] = *c as u64,
            _ => return Err(mismatch()),
        },
        TypeDesc::Str => match value {
            Value::Str(s) => r[0] = Some(Obj::string(s.clone())),
            _ => return Err(mismatch()),
        },
        TypeDesc::Box(e) => {
            let (mut ew, mut er) = scratch(t.layout(*e));
            from_value(t, *e, value, &mut ew, &mut er)?;
            r[0] = Some(make_box(t, *e, &ew, &mut er));
        }
        TypeDesc::Dyn { .. } => return Err(no_dyn("made from a host value")),
        TypeDesc::Vec(e) => {
            let Value::Vec(items) = value else {
                return Err(mismatch());
            };
            let mut vec = VecObj::new(t.shape(*e));
            let l = t.layout(*e);
            let (mut ew, mut er) = scratch(l);
            for item in items {
                from_value(t, *e, item, &mut ew, &mut er)?;
                vec.push_taken(&ew, &mut er);
            }
            r[0] = Some(Obj::new(HeapObj::Vec(vec)));
        }
        TypeDesc::Map(k, v) => {
            let Value::Map(entries) = value else {
                return Err(mismatch());
            };
            let mut map = MapObj::new(t.layout(*k), t.layout(*v));
            let (mut kw, mut kr) = scratch(t.layout(*k));
            let (mut vw, mut vr) = scratch(t.layout(*v));
            for (key, val) in entries {
                from_value(t, *k, key, &mut kw, &mut kr)?;
                from_value(t, *v, val, &mut vw, &mut vr)?;
                canonicalize(t, *k, &mut kw, &mut kr);
                map_insert(&mut map, &kw, &kr, &vw, &mut vr);
            }
            r[0] = Some(Obj::new(HeapObj::Map(Box::new(map))));
        }
        TypeDesc::Tuple(elems) => {
            let Value::Tuple(items) = value else {
                return Err(mismatch());
            };
            if items.len() != elems.len() {
                return Err(mismatch());
            }
            let mut off = Layout::ZERO;
            for (e, item) in elems.iter().zip(items) {
                let l = t.layout(*e);
                let (pw, pr) = sub_mut(w, r, off, l);
                from_value(t, *e, item, pw, pr)?;
                off = off.plus(l);
            }
        }
        TypeDesc::Struct { fields, .. } => {
            let Value::Struct { fields: given, .. } = value else {
                return Err(mismatch());
            };
            let mut off = Layout::ZERO;
            for f in fields {
                let Some((_, item)) = given.iter().find(|(n, _)| *n == f.name) else {
                    return Err(format!("{}: missing field `{}`", mismatch(), f.name));
                };
                let l = t.layout(f.ty);
                let (pw, pr) = sub_mut(w, r, off, l);
                from_value(t, f.ty, item, pw, pr)?;
                off = off.plus(l);
            }
        }
        TypeDesc::Enum { variants, .. } => {
            let Value::Enum {
                variant, fields, ..
            } = value
            else {
                return Err(mismatch());
            };
            let Some(tag) = variants.iter().position(|v| v.name == *variant) else {
                return Err(mismatch());
            };
            default_into(t, ty, w, r);
            w[0] = tag as u64;
            let (var, mut off) = t.variant(variants, tag as u64)?;
            if var.fields.len() != fields.len() {
                return Err(mismatch());
            }
            for (f, item) in var.fields.iter().zip(fields) {
                let l = t.layout(f.ty);
                let (pw, pr) = sub_mut(w, r, off, l);
                from_value(t, f.ty, item, pw, pr)?;
                off = off.plus(l);
            }
        }
    }
    Ok(())
}

/// Zeroed buffers for one value of layout `l`.
/// A new `Box[e]` holding the value in `w`/`r` (references moved out).
pub(crate) fn make_box(t: Types, e: TypeId, w: &[u64], r: &mut [Option<Obj>]) -> Obj {
    let mut vec = VecObj::new(t.shape(e));
    vec.push_taken(w, r);
    Obj::new(HeapObj::Vec(vec))
}

/// The value a `Box[e]` holds (element 0 of its vector).
pub(crate) fn box_view<'a>(
    t: Types,
    e: TypeId,
    r: &'a Option<Obj>,
) -> Result<(crate::heap::ElemWords<'a>, &'a [Option<Obj>]), String> {
    let vec = typed_vec(t, e, r)?;
    if vec.len != 1 {
        return Err(internal(format!("a box holds {} values", vec.len)));
    }
    Ok(vec.elem(0))
}

/// What a trait object cannot do at the host boundary or in `serialize`.
pub(crate) fn no_dyn(what: &str) -> String {
    format!("a trait object cannot be {what}")
}

pub(crate) fn scratch(l: Layout) -> (Vec<u64>, Vec<Option<Obj>>) {
    (vec![0; l.words as usize], vec![None; l.refs as usize])
}

/// Inserts or replaces an entry, moving the value's references out of `vr`. The key
/// must be canonical. Returns the old value's index if there was one (its storage now
/// holds the new value).
pub(crate) fn map_insert(
    map: &mut MapObj,
    kw: &[u64],
    kr: &[Option<Obj>],
    vw: &[u64],
    vr: &mut [Option<Obj>],
) -> bool {
    let key = map.key_ref(kw, kr);
    let (i, new) = map.insert_key(&key);
    let (nw, nr) = (map.val.words as usize, map.val.refs as usize);
    if new {
        map.vwords.extend_from_slice(vw);
        map.vrefs.extend(vr.iter_mut().map(Option::take));
    } else {
        map.vwords[i * nw..(i + 1) * nw].copy_from_slice(vw);
        for (dst, src) in map.vrefs[i * nr..(i + 1) * nr].iter_mut().zip(vr) {
            *dst = src.take();
        }
    }
    !new
}

// ---- defaults and canonical keys ----

/// Writes the default value of `ty`: zero, false, empty string/vector/map, and for
/// enums tag 0 with its fields defaulted (other variants' words zero, references null).
pub(crate) fn default_into(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) {
    match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => {}
        TypeDesc::Str => r[0] = Some(Obj::string(String::new())),
        TypeDesc::Vec(e) => r[0] = Some(Obj::new(HeapObj::Vec(VecObj::new(t.shape(*e))))),
        TypeDesc::Box(e) => {
            let (mut ew, mut er) = scratch(t.layout(*e));
            default_into(t, *e, &mut ew, &mut er);
            r[0] = Some(make_box(t, *e, &ew, &mut er));
        }
        // The checker gives trait objects no default; an empty slot panics when used.
        TypeDesc::Dyn { .. } => r[0] = None,
        TypeDesc::Map(k, v) => {
            r[0] = Some(Obj::new(HeapObj::Map(Box::new(MapObj::new(
                t.layout(*k),
                t.layout(*v),
            )))))
        }
        TypeDesc::Tuple(_) | TypeDesc::Struct { .. } => {
            let mut off = Layout::ZERO;
            for p in parts(t.desc(ty)).into_iter().flatten() {
                let l = t.layout(p);
                let (pw, pr) = sub_mut(w, r, off, l);
                default_into(t, p, pw, pr);
                off = off.plus(l);
            }
        }
        TypeDesc::Enum { variants, .. } => {
            w.fill(0);
            r.fill(None);
            let mut off = Layout::WORD;
            for f in variants.first().map_or(&[][..], |v| &v.fields[..]) {
                let l = t.layout(f.ty);
                let (pw, pr) = sub_mut(w, r, off, l);
                default_into(t, f.ty, pw, pr);
                off = off.plus(l);
            }
        }
        _ => w[0] = 0,
    }
}

/// Zeroes the words and nulls the references of inactive enum variants, so a value
/// can be compared register by register (map keys).
pub(crate) fn canonicalize(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) {
    match t.desc(ty) {
        TypeDesc::Tuple(_) | TypeDesc::Struct { .. } => {
            let mut off = Layout::ZERO;
            for p in parts(t.desc(ty)).into_iter().flatten() {
                let l = t.layout(p);
                let (pw, pr) = sub_mut(w, r, off, l);
                canonicalize(t, p, pw, pr);
                off = off.plus(l);
            }
        }
        TypeDesc::Enum { variants, .. } => {
            let tag = w[0] as usize;
            let mut off = Layout::WORD;
            for (i, v) in variants.iter().enumerate() {
                for f in &v.fields {
                    let l = t.layout(f.ty);
                    let (pw, pr) = sub_mut(w, r, off, l);
                    if i == tag {
                        canonicalize(t, f.ty, pw, pr);
                    } else {
                        pw.fill(0);
                        pr.fill(None);
                    }
                    off = off.plus(l);
                }
            }
        }
        _ => {}
    }
}

// ---- structural equality and ordering ----

pub(crate) fn values_eq(
    t: Types,
    ty: TypeId,
    a: View,
    b: View,
    depth: u32,
) -> Result<bool, String> {
    Ok(compare(t, ty, a, b, depth, Mode::Eq)? == Ordering::Equal)
}

pub(crate) fn values_cmp(
    t: Types,
    ty: TypeId,
    a: View,
    b: View,
    depth: u32,
) -> Result<Ordering, String> {
    compare(t, ty, a, b, depth, Mode::Order)
}

/// Equality (floats by `==`, so NaN differs from itself, maps in any order) or
/// ordering (floats by `total_cmp`, maps by length then entries in iteration order).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Eq,
    Order,
}

fn compare(
    t: Types,
    ty: TypeId,
    a: View,
    b: View,
    depth: u32,
    mode: Mode,
) -> Result<Ordering, String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let ne = |eq: bool| if eq { Ordering::Equal } else { Ordering::Less };
    Ok(match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => Ordering::Equal,
        TypeDesc::I8 | TypeDesc::I16 | TypeDesc::I32 | TypeDesc::I64 | TypeDesc::Isize => {
            (a.0[0] as i64).cmp(&(b.0[0] as i64))
        }
        TypeDesc::F32 => {
            let (x, y) = (f32::from_bits(a.0[0] as u32), f32::from_bits(b.0[0] as u32));
            match mode {
                Mode::Eq => ne(x == y),
                Mode::Order => x.total_cmp(&y),
            }
        }
        TypeDesc::F64 => {
            let (x, y) = (f64::from_bits(a.0[0]), f64::from_bits(b.0[0]));
            match mode {
                Mode::Eq => ne(x == y),
                Mode::Order => x.total_cmp(&y),
            }
        }
        TypeDesc::Bool
        | TypeDesc::U8
        | TypeDesc::U16
        | TypeDesc::U32
        | TypeDesc::U64
        | TypeDesc::Usize
        | TypeDesc::Char => a.0[0].cmp(&b.0[0]),
        TypeDesc::Str => str_of(&a.1[0])?.cmp(str_of(&b.1[0])?),
        TypeDesc::Box(e) => {
            let ((xw, xr), (yw, yr)) = (box_view(t, *e, &a.1[0])?, box_view(t, *e, &b.1[0])?);
            compare(t, *e, (&xw, xr), (&yw, yr), depth + 1, mode)?
        }
        // Handles: equal when they are the same object; ordered by address.
        TypeDesc::Dyn { .. } => {
            let addr = |r: &Option<Obj>| r.as_ref().map_or(0, |o| o.get() as *const _ as usize);
            addr(&a.1[0]).cmp(&addr(&b.1[0]))
        }
        TypeDesc::Vec(e) => {
            let (x, y) = (typed_vec(t, *e, &a.1[0])?, typed_vec(t, *e, &b.1[0])?);
            if mode == Mode::Eq && x.len != y.len {
                return Ok(Ordering::Less);
            }
            for i in 0..x.len.min(y.len) {
                let ((xw, xr), (yw, yr)) = (x.elem(i), y.elem(i));
                let o = compare(t, *e, (&xw, xr), (&yw, yr), depth + 1, mode)?;
                if o != Ordering::Equal {
                    return Ok(o);
                }
            }
            x.len.cmp(&y.len)
        }
        TypeDesc::Map(k, v) => {
            let (x, y) = (
                typed_map(t, *k, *v, &a.1[0])?,
                typed_map(t, *k, *v, &b.1[0])?,
            );
            if x.len() != y.len() {
                return Ok(x.len().cmp(&y.len()));
            }
            for i in 0..x.len() {
                let (kw, kr) = x.key_at(i);
                let j = match mode {
                    Mode::Eq => match y.find(&y.key_ref(&kw, kr)) {
                        Some(j) => j,
                        None => return Ok(Ordering::Less),
                    },
                    Mode::Order => {
                        let (yw, yr) = y.key_at(i);
                        let o = compare(t, *k, (&kw, kr), (&yw, yr), depth + 1, mode)?;
                        if o != Ordering::Equal {
                            return Ok(o);
                        }
                        i
                    }
                };
                let o = compare(t, *v, x.val_at(i), y.val_at(j), depth + 1, mode)?;
                if o != Ordering::Equal {
                    return Ok(o);
                }
            }
            Ordering::Equal
        }
        TypeDesc::Tuple(_) | TypeDesc::Struct { .. } => {
            let mut off = Layout::ZERO;
            for p in parts(t.desc(ty)).into_iter().flatten() {
                let l = t.layout(p);
                let o = compare(t, p, sub(a, off, l), sub(b, off, l), depth, mode)?;
                if o != Ordering::Equal {
                    return Ok(o);
                }
                off = off.plus(l);
            }
            Ordering::Equal
        }
        TypeDesc::Enum { variants, .. } => {
            let (ta, tb) = (a.0[0], b.0[0]);
            if ta != tb {
                return Ok(ta.cmp(&tb));
            }
            let (var, mut off) = t.variant(variants, ta)?;
            for f in &var.fields {
                let l = t.layout(f.ty);
                let o = compare(t, f.ty, sub(a, off, l), sub(b, off, l), depth, mode)?;
                if o != Ordering::Equal {
                    return Ok(o);
                }
                off = off.plus(l);
            }
            Ordering::Equal
        }
    })
}
