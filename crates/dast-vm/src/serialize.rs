//! `serialize` / `deserialize`: a self-describing binary encoding (SERIALIZE.md).
//! Deserialization is type-directed and never trusts the bytes: every length is checked
//! against what is left, nesting is bounded, and any mismatch is a Dast panic message.

use dast_bytecode::{Layout, TypeDesc, TypeId};

use crate::heap::*;
use crate::typed::*;

pub(crate) const HEADER: [u8; 4] = *b"DSV\x01";

mod tag {
    pub const UNIT: u8 = 0x00;
    pub const FALSE: u8 = 0x01;
    pub const TRUE: u8 = 0x02;
    pub const I8: u8 = 0x03;
    pub const I16: u8 = 0x04;
    pub const I32: u8 = 0x05;
    pub const I64: u8 = 0x06;
    pub const U8: u8 = 0x07;
    pub const U16: u8 = 0x08;
    pub const U32: u8 = 0x09;
    pub const U64: u8 = 0x0a;
    pub const F32: u8 = 0x0b;
    pub const F64: u8 = 0x0c;
    pub const CHAR: u8 = 0x0d;
    pub const STR: u8 = 0x0e;
    pub const BYTES: u8 = 0x0f;
    pub const VEC: u8 = 0x10;
    pub const MAP: u8 = 0x11;
    pub const TUPLE: u8 = 0x12;
    pub const STRUCT: u8 = 0x13;
    pub const ENUM: u8 = 0x14;
}

/// What a tag announces, for error messages.
fn tag_name(t: u8) -> String {
    match t {
        tag::UNIT => "()".into(),
        tag::FALSE | tag::TRUE => "bool".into(),
        tag::I8 => "i8".into(),
        tag::I16 => "i16".into(),
        tag::I32 => "i32".into(),
        tag::I64 => "i64".into(),
        tag::U8 => "u8".into(),
        tag::U16 => "u16".into(),
        tag::U32 => "u32".into(),
        tag::U64 => "u64".into(),
        tag::F32 => "f32".into(),
        tag::F64 => "f64".into(),
        tag::CHAR => "char".into(),
        tag::STR => "a string".into(),
        tag::BYTES | tag::VEC => "a vector".into(),
        tag::MAP => "a map".into(),
        tag::TUPLE => "a tuple".into(),
        tag::STRUCT => "a struct".into(),
        tag::ENUM => "an enum".into(),
        other => format!("invalid tag {other:#04x}"),
    }
}

// ---- writing ----

pub(crate) fn serialize(t: Types, ty: TypeId, v: View) -> Result<Vec<u8>, String> {
    let mut out = HEADER.to_vec();
    write_value(&mut out, t, ty, v, 0)?;
    Ok(out)
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn write_value(out: &mut Vec<u8>, t: Types, ty: TypeId, v: View, depth: u32) -> Result<(), String> {
    if depth > MAX_NESTING {
        return Err(too_deep());
    }
    let (w, r) = v;
    let x = || w[0];
    match t.desc(ty) {
        TypeDesc::Unit | TypeDesc::Never => out.push(tag::UNIT),
        TypeDesc::Bool => out.push(if x() != 0 { tag::TRUE } else { tag::FALSE }),
        TypeDesc::I8 => fixed(out, tag::I8, &(x() as i8).to_le_bytes()),
        TypeDesc::I16 => fixed(out, tag::I16, &(x() as i16).to_le_bytes()),
        TypeDesc::I32 => fixed(out, tag::I32, &(x() as i32).to_le_bytes()),
        TypeDesc::I64 | TypeDesc::Isize => fixed(out, tag::I64, &x().to_le_bytes()),
        TypeDesc::U8 => fixed(out, tag::U8, &[x() as u8]),
        TypeDesc::U16 => fixed(out, tag::U16, &(x() as u16).to_le_bytes()),
        TypeDesc::U32 => fixed(out, tag::U32, &(x() as u32).to_le_bytes()),
        TypeDesc::U64 | TypeDesc::Usize => fixed(out, tag::U64, &x().to_le_bytes()),
        TypeDesc::F32 => fixed(out, tag::F32, &(x() as u32).to_le_bytes()),
        TypeDesc::F64 => fixed(out, tag::F64, &x().to_le_bytes()),
        TypeDesc::Char => fixed(out, tag::CHAR, &(char_of(x())? as u32).to_le_bytes()),
        TypeDesc::Str => {
            out.push(tag::STR);
            text(out, str_of(&r[0])?);
        }
        // A box is its value: `Box[T]` and `T` read each other's bytes.
        TypeDesc::Box(e) => {
            let (ew, er) = box_view(t, *e, &r[0])?;
            write_value(out, t, *e, (&ew, er), depth + 1)?;
        }
        TypeDesc::Dyn { .. } => return Err(format!("serialize: {}", no_dyn("serialized"))),
        TypeDesc::Vec(e) => {
            let vec = typed_vec(t, *e, &r[0])?;
            if matches!(t.desc(*e), TypeDesc::U8) {
                out.push(tag::BYTES);
                varint(out, vec.len as u64);
                out.extend_from_slice(&vec.bytes);
            } else {
                out.push(tag::VEC);
                varint(out, vec.len as u64);
                for i in 0..vec.len {
                    let (ew, er) = vec.elem(i);
                    write_value(out, t, *e, (&ew, er), depth + 1)?;
                }
            }
        }
        TypeDesc::Map(k, vt) => {
            let m = typed_map(t, *k, *vt, &r[0])?;
            out.push(tag::MAP);
            varint(out, m.len() as u64);
            for i in 0..m.len() {
                let (kw, kr) = m.key_at(i);
                write_value(out, t, *k, (&kw, kr), depth + 1)?;
                write_value(out, t, *vt, m.val_at(i), depth + 1)?;
            }
        }
        TypeDesc::Tuple(elems) => {
            out.push(tag::TUPLE);
            varint(out, elems.len() as u64);
            let mut off = Layout::ZERO;
            for e in elems {
                let l = t.layout(*e);
                write_value(out, t, *e, sub(v, off, l), depth)?;
                off = off.plus(l);
            }
        }
        TypeDesc::Struct { name, fields } => {
            out.push(tag::STRUCT);
            text(out, name);
            varint(out, fields.len() as u64);
            let mut off = Layout::ZERO;
            for f in fields {
                text(out, &f.name);
                let l = t.layout(f.ty);
                write_value(out, t, f.ty, sub(v, off, l), depth)?;
                off = off.plus(l);
            }
        }
        TypeDesc::Enum { name, variants } => {
            let (var, mut off) = t.variant(variants, x())?;
            out.push(tag::ENUM);
            text(out, name);
            text(out, &var.name);
            varint(out, var.fields.len() as u64);
            for f in &var.fields {
                text(out, &f.name);
                let l = t.layout(f.ty);
                write_value(out, t, f.ty, sub(v, off, l), depth)?;
                off = off.plus(l);
            }
        }
    }
    Ok(())
}

fn fixed(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    out.extend_from_slice(bytes);
}

// ---- reading ----

/// Reads `bytes` as a `ty` into `w`/`r` (the type's layout, overwritten).
pub(crate) fn deserialize(
    t: Types,
    ty: TypeId,
    bytes: &[u8],
    w: &mut [u64],
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    let mut rd = Rd { bytes, pos: 0 };
    if rd.take(4).ok() != Some(&HEADER[..]) {
        return Err("deserialize: the bytes were not made by serialize".into());
    }
    rd.value(t, ty, w, r, 0)?;
    if rd.pos != bytes.len() {
        return Err(format!(
            "deserialize: {} unexpected bytes after the value",
            bytes.len() - rd.pos
        ));
    }
    Ok(())
}

struct Rd<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// A number read from the bytes, with the kind it was written as.
#[derive(Clone, Copy)]
enum Num {
    Int { v: i128, signed: bool, bits: u32 },
    Float { v: f64, bits: u32 },
}

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.bytes.len() - self.pos {
            return Err("deserialize: unexpected end of data".into());
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn arr<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            n |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err("deserialize: invalid length".into())
    }

    /// A count of items each at least one byte long.
    fn count(&mut self) -> Result<usize, String> {
        let n = self.varint()?;
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err("deserialize: unexpected end of data".into());
        }
        Ok(n as usize)
    }

    fn text(&mut self) -> Result<&'a str, String> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?)
            .map_err(|_| "deserialize: invalid UTF-8 in a string".into())
    }

    fn number(&mut self, tag: u8) -> Result<Option<Num>, String> {
        let int = |v: i128, signed, bits| Some(Num::Int { v, signed, bits });
        Ok(match tag {
            tag::I8 => int(i8::from_le_bytes(self.arr()?) as i128, true, 8),
            tag::I16 => int(i16::from_le_bytes(self.arr()?) as i128, true, 16),
            tag::I32 => int(i32::from_le_bytes(self.arr()?) as i128, true, 32),
            tag::I64 => int(i64::from_le_bytes(self.arr()?) as i128, true, 64),
            tag::U8 => int(self.u8()? as i128, false, 8),
            tag::U16 => int(u16::from_le_bytes(self.arr()?) as i128, false, 16),
            tag::U32 => int(u32::from_le_bytes(self.arr()?) as i128, false, 32),
            tag::U64 => int(u64::from_le_bytes(self.arr()?) as i128, false, 64),
            tag::F32 => Some(Num::Float {
                v: f32::from_le_bytes(self.arr()?) as f64,
                bits: 32,
            }),
            tag::F64 => Some(Num::Float {
                v: f64::from_le_bytes(self.arr()?),
                bits: 64,
            }),
            _ => None,
        })
    }

    fn value(
        &mut self,
        t: Types,
        ty: TypeId,
        w: &mut [u64],
        r: &mut [Option<Obj>],
        depth: u32,
    ) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(format!("deserialize: {}", too_deep()));
        }
        let tg = self.u8()?;
        let found = |tg: u8| {
            format!(
                "deserialize: expected {}, found {}",
                t.name(ty),
                tag_name(tg)
            )
        };
        match t.desc(ty) {
            TypeDesc::Unit | TypeDesc::Never => {
                if tg != tag::UNIT {
                    return Err(found(tg));
                }
            }
            TypeDesc::Bool => match tg {
                tag::FALSE => w[0] = 0,
                tag::TRUE => w[0] = 1,
                _ => return Err(found(tg)),
            },
            TypeDesc::Char => {
                if tg != tag::CHAR {
                    return Err(found(tg));
                }
                let c = u32::from_le_bytes(self.arr()?);
                if char::from_u32(c).is_none() {
                    return Err(format!("deserialize: invalid char {c:#x}"));
                }
                w[0] = c as u64;
            }
            TypeDesc::Str => {
                if tg != tag::STR {
                    return Err(found(tg));
                }
                r[0] = Some(Obj::string(self.text()?.to_string()));
            }
            TypeDesc::Box(e) => {
                self.pos -= 1;
                let (mut ew, mut er) = scratch(t.layout(*e));
                self.value(t, *e, &mut ew, &mut er, depth + 1)?;
                r[0] = Some(make_box(t, *e, &ew, &mut er));
            }
            TypeDesc::Dyn { .. } => return Err(format!("deserialize: {}", no_dyn("deserialized"))),
            TypeDesc::Vec(e) => self
                .vec(t, *e, tg, r, depth)
                .map_err(|e| e.unwrap_or_else(|| found(tg)))?,
            TypeDesc::Map(k, v) => {
                if tg != tag::MAP {
                    return Err(found(tg));
                }
                self.map(t, *k, *v, r, depth)?;
            }
            TypeDesc::Tuple(elems) => {
                if tg != tag::TUPLE {
                    return Err(found(tg));
                }
                let n = self.count()?;
                if n != elems.len() {
                    return Err(format!(
                        "deserialize: expected {}, found a tuple of {n} elements",
                        t.name(ty)
                    ));
                }
                let mut off = Layout::ZERO;
                for e in elems {
                    let l = t.layout(*e);
                    let (pw, pr) = sub_mut(w, r, off, l);
                    self.value(t, *e, pw, pr, depth)?;
                    off = off.plus(l);
                }
            }
            TypeDesc::Struct { fields, .. } => {
                if tg != tag::STRUCT {
                    return Err(found(tg));
                }
                self.text()?; // the struct's name: renaming a type keeps its data
                let named: Vec<(&str, TypeId)> =
                    fields.iter().map(|f| (f.name.as_str(), f.ty)).collect();
                default_into(t, ty, w, r);
                self.fields(t, &named, Layout::ZERO, w, r, depth)?;
            }
            TypeDesc::Enum { variants, .. } => {
                if tg != tag::ENUM {
                    return Err(found(tg));
                }
                self.text()?;
                let vname = self.text()?;
                let Some(idx) = variants.iter().position(|v| v.name == vname) else {
                    return Err(format!(
                        "deserialize: {} has no variant `{vname}`",
                        t.name(ty)
                    ));
                };
                w.fill(0);
                r.fill(None);
                w[0] = idx as u64;
                let (var, off) = t.variant(variants, idx as u64)?;
                let mut o = off;
                for f in &var.fields {
                    let l = t.layout(f.ty);
                    let (pw, pr) = sub_mut(w, r, o, l);
                    default_into(t, f.ty, pw, pr);
                    o = o.plus(l);
                }
                let named: Vec<(&str, TypeId)> =
                    var.fields.iter().map(|f| (f.name.as_str(), f.ty)).collect();
                self.fields(t, &named, off, w, r, depth)?;
            }
            _ => self.scalar(t, ty, tg, w)?,
        }
        Ok(())
    }

    /// Named fields in any order: known ones read into place, unknown ones skipped,
    /// missing ones keep the defaults already written.
    fn fields(
        &mut self,
        t: Types,
        named: &[(&str, TypeId)],
        start: Layout,
        w: &mut [u64],
        r: &mut [Option<Obj>],
        depth: u32,
    ) -> Result<(), String> {
        let n = self.count()?;
        for _ in 0..n {
            let name = self.text()?;
            let mut off = start;
            let mut target = None;
            for (fname, fty) in named {
                if *fname == name {
                    target = Some((*fty, off));
                    break;
                }
                off = off.plus(t.layout(*fty));
            }
            match target {
                Some((fty, off)) => {
                    let (pw, pr) = sub_mut(w, r, off, t.layout(fty));
                    self.value(t, fty, pw, pr, depth)?;
                }
                None => self.skip(depth)?,
            }
        }
        Ok(())
    }

    /// `Err(None)` means "not a vector at all" (the caller names the types).
    fn vec(
        &mut self,
        t: Types,
        e: TypeId,
        tg: u8,
        r: &mut [Option<Obj>],
        depth: u32,
    ) -> Result<(), Option<String>> {
        let mut vec = VecObj::new(t.shape(e));
        let (mut ew, mut er) = scratch(t.layout(e));
        match tg {
            tag::BYTES => {
                let n = self.count()?;
                for &b in self.take(n)? {
                    let num = Num::Int {
                        v: b as i128,
                        signed: false,
                        bits: 8,
                    };
                    ew[0] = convert(t, e, num)?;
                    vec.push_taken(&ew, &mut er);
                }
            }
            tag::VEC => {
                let n = self.count()?;
                for _ in 0..n {
                    self.value(t, e, &mut ew, &mut er, depth + 1)?;
                    vec.push_taken(&ew, &mut er);
                }
            }
            _ => return Err(None),
        }
        r[0] = Some(Obj::new(HeapObj::Vec(vec)));
        Ok(())
    }

    fn map(
        &mut self,
        t: Types,
        k: TypeId,
        v: TypeId,
        r: &mut [Option<Obj>],
        depth: u32,
    ) -> Result<(), String> {
        let mut map = MapObj::new(t.layout(k), t.layout(v));
        let (mut kw, mut kr) = scratch(t.layout(k));
        let (mut vw, mut vr) = scratch(t.layout(v));
        let n = self.count()?;
        for _ in 0..n {
            self.value(t, k, &mut kw, &mut kr, depth + 1)?;
            self.value(t, v, &mut vw, &mut vr, depth + 1)?;
            canonicalize(t, k, &mut kw, &mut kr);
            map_insert(&mut map, &kw, &kr, &vw, &mut vr);
        }
        r[0] = Some(Obj::new(HeapObj::Map(Box::new(map))));
        Ok(())
    }

    fn scalar(&mut self, t: Types, ty: TypeId, tg: u8, w: &mut [u64]) -> Result<(), String> {
        let Some(num) = self.number(tg)? else {
            return Err(format!(
                "deserialize: expected {}, found {}",
                t.name(ty),
                tag_name(tg)
            ));
        };
        w[0] = convert(t, ty, num)?;
        Ok(())
    }

    /// Skips one value of any type (an unknown struct field).
    fn skip(&mut self, depth: u32) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(format!("deserialize: {}", too_deep()));
        }
        let tg = self.u8()?;
        if self.number(tg)?.is_some() {
            return Ok(());
        }
        match tg {
            tag::UNIT | tag::FALSE | tag::TRUE => {}
            tag::CHAR => {
                self.take(4)?;
            }
            tag::STR | tag::BYTES => {
                let n = self.count()?;
                self.take(n)?;
            }
            tag::VEC | tag::TUPLE => {
                for _ in 0..self.count()? {
                    self.skip(depth + 1)?;
                }
            }
            tag::MAP => {
                for _ in 0..self.count()? {
                    self.skip(depth + 1)?;
                    self.skip(depth + 1)?;
                }
            }
            tag::STRUCT => {
                self.text()?;
                self.skip_fields(depth)?;
            }
            tag::ENUM => {
                self.text()?;
                self.text()?;
                self.skip_fields(depth)?;
            }
            other => return Err(format!("deserialize: {}", tag_name(other))),
        }
        Ok(())
    }

    fn skip_fields(&mut self, depth: u32) -> Result<(), String> {
        for _ in 0..self.count()? {
            self.text()?;
            self.skip(depth + 1)?;
        }
        Ok(())
    }
}

/// A number as the canonical word of `ty`, when that loses nothing: same kind, an
/// integer of the same signedness and at least as many bits, an unsigned integer into a
/// strictly wider signed one, `f32` into `f64`, or an integer a float holds exactly
/// (up to 16 bits into `f32`, 32 bits into `f64`).
fn convert(t: Types, ty: TypeId, num: Num) -> Result<u64, String> {
    let target = match t.desc(ty) {
        TypeDesc::I8 => Some((true, 8)),
        TypeDesc::I16 => Some((true, 16)),
        TypeDesc::I32 => Some((true, 32)),
        TypeDesc::I64 | TypeDesc::Isize => Some((true, 64)),
        TypeDesc::U8 => Some((false, 8)),
        TypeDesc::U16 => Some((false, 16)),
        TypeDesc::U32 => Some((false, 32)),
        TypeDesc::U64 | TypeDesc::Usize => Some((false, 64)),
        _ => None,
    };
    let fail = || {
        let found = match num {
            Num::Int { signed, bits, .. } => format!("{}{bits}", if signed { "i" } else { "u" }),
            Num::Float { bits, .. } => format!("f{bits}"),
        };
        format!("deserialize: expected {}, found {found}", t.name(ty))
    };
    match (num, target, t.desc(ty)) {
        (Num::Int { v, signed, bits }, Some((tsigned, tbits)), _) => {
            let ok = if signed == tsigned {
                tbits >= bits
            } else {
                !signed && tsigned && tbits > bits
            };
            if ok {
                Ok(v as i64 as u64)
            } else {
                Err(fail())
            }
        }
        (Num::Int { v, bits, .. }, None, TypeDesc::F64) if bits <= 32 => Ok((v as f64).to_bits()),
        (Num::Int { v, bits, .. }, None, TypeDesc::F32) if bits <= 16 => {
            Ok((v as f32).to_bits() as u64)
        }
        (Num::Float { v, .. }, None, TypeDesc::F64) => Ok(v.to_bits()),
        (Num::Float { v, bits: 32 }, None, TypeDesc::F32) => Ok((v as f32).to_bits() as u64),
        _ => Err(fail()),
    }
}
