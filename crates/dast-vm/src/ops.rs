//! The bodies of the interpreter's heap, string, vector, map, format, intrinsic and
//! global instructions, as functions over a frame's register pointers.
//!
//! The interpreter loop (`exec.rs`) calls them from its `match` (each is
//! `#[inline(always)]`, so the loop compiles as if the body were written in the arm),
//! and the native backend runs the same functions through [`crate::native`] on frames
//! that generated code keeps in memory: both backends execute one implementation.
//!
//! # Safety (every function)
//! `s`/`r` point at the running frame's scalar words and reference slots, and each
//! register operand of the instruction is within that frame (verified bytecode), as
//! are the global slots (`gw`/`gr`, the module's globals).

use std::io::Write;

use dast_bytecode::{intrinsic_window_with, Intrinsic, Layout, TypeDesc, TypeId, R, S};

use crate::dynobj::DynObj;
use crate::format;
use crate::heap::*;
use crate::intrinsics::{self, Cx};
use crate::link::{FuncInfo, Linked};
use crate::typed::*;

#[cold]
#[inline(never)]
fn index_error(len: usize, i: u64) -> String {
    format!("index out of bounds: the len is {len} but the index is {i}")
}

/// Element `i`'s word `off` (or the bounds / shape error).
#[inline(always)]
fn word_index(v: &VecObj, i: u64, off: u16) -> Result<usize, String> {
    let wpe = v.shape.wpe as usize;
    if i >= v.len as u64 {
        return Err(index_error(v.len, i));
    }
    if off as usize >= wpe {
        return Err(shape_mismatch());
    }
    Ok(i as usize * wpe + off as usize)
}

#[inline(always)]
fn ref_index(v: &VecObj, i: u64, off: u16) -> Result<usize, String> {
    let rpe = v.shape.rpe as usize;
    if i >= v.len as u64 {
        return Err(index_error(v.len, i));
    }
    if off as usize >= rpe {
        return Err(shape_mismatch());
    }
    Ok(i as usize * rpe + off as usize)
}

#[inline(always)]
fn byte_index(v: &VecObj, i: u64) -> Result<usize, String> {
    if i >= v.len as u64 {
        return Err(index_error(v.len, i));
    }
    if !v.shape.is_bytes() {
        return Err(shape_mismatch());
    }
    Ok(i as usize)
}

macro_rules! sreg {
    ($s:expr, $x:expr) => {
        *$s.add($x.0 as usize)
    };
}
macro_rules! rreg {
    ($r:expr, $x:expr) => {
        *$r.add($x.0 as usize)
    };
}

#[inline(always)]
pub(crate) unsafe fn mov_r(r: *mut Option<Obj>, dst: R, src: R) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        if dst != src {
            rreg!(r, dst) = rreg!(r, src).clone();
        }
    }
}

#[inline(always)]
pub(crate) unsafe fn take_r(r: *mut Option<Obj>, dst: R, src: R) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let v = rreg!(r, src).take();
        rreg!(r, dst) = v;
    }
}

#[inline(always)]
pub(crate) unsafe fn clear_r(r: *mut Option<Obj>, dst: R) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        rreg!(r, dst) = None;
    }
}

#[inline(always)]
pub(crate) unsafe fn load_str(lm: &Linked, r: *mut Option<Obj>, dst: R, k: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        rreg!(r, dst) = lm.strings.get_unchecked(k as usize).clone();
    }
}

/// `Panic { msg }`: always an error, the message being the string in `msg`.
#[inline(always)]
pub(crate) unsafe fn panic_text(r: *mut Option<Obj>, msg: R) -> String {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        match str_of(&rreg!(r, msg)) {
            Ok(text) => text.to_string(),
            Err(e) => e,
        }
    }
}

/// An `Intrinsic` other than `Exit` and the host (`Registry*`) ones, which the caller
/// handles first.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn intrinsic(
    lm: &Linked,
    out: &mut dyn Write,
    s: *mut u64,
    r: *mut Option<Obj>,
    op: Intrinsic,
    ty: TypeId,
    ws: S,
    wr: R,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let t = lm.types();
        let (args, res) = intrinsic_window_with(op, ty, t.types, |x| t.layout(x))?;
        let nw = args.words.max(res.words) as usize;
        let nr = args.refs.max(res.refs) as usize;
        let w = std::slice::from_raw_parts_mut(s.add(ws.0 as usize), nw);
        let rw = std::slice::from_raw_parts_mut(r.add(wr.0 as usize), nr);
        let mut cx = Cx { t, out };
        intrinsics::run(&mut cx, op, ty, w, rw)?;
        for x in &mut rw[res.refs as usize..] {
            *x = None;
        }
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn load_gr(gr: *mut Option<Obj>, r: *mut Option<Obj>, dst: R, g: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        rreg!(r, dst) = (*gr.add(g as usize)).clone();
    }
}

#[inline(always)]
pub(crate) unsafe fn take_gr(gr: *mut Option<Obj>, r: *mut Option<Obj>, dst: R, g: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        rreg!(r, dst) = (*gr.add(g as usize)).take();
    }
}

#[inline(always)]
pub(crate) unsafe fn store_gr(gr: *mut Option<Obj>, r: *mut Option<Obj>, g: u32, src: R) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        *gr.add(g as usize) = rreg!(r, src).clone();
    }
}

#[inline(always)]
pub(crate) unsafe fn str_concat(r: *mut Option<Obj>, dst: R, a: R, b: R) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        #[cfg(feature = "fuzzing")]
        crate::exec::fuzz_limit(str_of(&rreg!(r, a))?.len() + str_of(&rreg!(r, b))?.len())?;
        if dst == a && a != b {
            let rhs: *const Option<Obj> = r.add(b.0 as usize);
            let tail = str_of(&*rhs)?;
            str_mut(&mut rreg!(r, a))?.push_str(tail);
        } else {
            let joined = {
                let (x, y) = (str_of(&rreg!(r, a))?, str_of(&rreg!(r, b))?);
                let mut joined = String::with_capacity(x.len() + y.len());
                joined.push_str(x);
                joined.push_str(y);
                joined
            };
            rreg!(r, dst) = Some(Obj::string(joined));
        }
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn str_push(r: *mut Option<Obj>, a: R, b: R) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        if a == b {
            #[cfg(feature = "fuzzing")]
            crate::exec::fuzz_limit(2 * str_of(&rreg!(r, a))?.len())?;
            let copy = str_of(&rreg!(r, b))?.to_string();
            str_mut(&mut rreg!(r, a))?.push_str(&copy);
        } else {
            // Distinct registers: a shared borrow of `b` and a unique one of `a`.
            str_push_from(r, a, r.add(b.0 as usize))?;
        }
        Ok(())
    }
}

/// `StrPush` of the string in slot `tail` (another register, or a borrowed vector
/// element) onto register `a`. If `a` holds the same object, its count is at least two
/// (the slot holds it too), so it is copied before the push and `tail` stays valid.
#[inline(always)]
pub(crate) unsafe fn str_push_from(
    r: *mut Option<Obj>,
    a: R,
    tail: *const Option<Obj>,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        #[cfg(feature = "fuzzing")]
        crate::exec::fuzz_limit(str_of(&rreg!(r, a))?.len() + str_of(&*tail)?.len())?;
        let tail = str_of(&*tail)?;
        str_mut(&mut rreg!(r, a))?.push_str(tail);
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn str_eq(
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: S,
    a: R,
    b: R,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let eq = str_of(&rreg!(r, a))? == str_of(&rreg!(r, b))?;
        sreg!(s, dst) = eq as u64;
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn str_cmp(
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: S,
    a: R,
    b: R,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let o = str_of(&rreg!(r, a))?.cmp(str_of(&rreg!(r, b))?);
        sreg!(s, dst) = o as i64 as u64;
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn str_len(s: *mut u64, r: *mut Option<Obj>, dst: S, a: R) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        sreg!(s, dst) = str_of(&rreg!(r, a))?.len() as u64;
        Ok(())
    }
}

#[inline(never)]
pub(crate) unsafe fn format(
    lm: &Linked,
    info: &FuncInfo,
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: R,
    spec: u32,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let spec = lm.m.formats.get_unchecked(spec as usize);
        let text = {
            let w = std::slice::from_raw_parts(s, info.scalar_regs as usize);
            let rr = std::slice::from_raw_parts(r, info.ref_regs as usize);
            format::render(lm.types(), spec, w, rr)?
        };
        rreg!(r, dst) = Some(Obj::string(text));
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_new(lm: &Linked, r: *mut Option<Obj>, dst: R, elem: TypeId) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let shape = *lm.shapes.get_unchecked(elem.0 as usize);
        rreg!(r, dst) = Some(Obj::new(HeapObj::Vec(VecObj::new(shape))));
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_len(s: *mut u64, r: *mut Option<Obj>, dst: S, v: R) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        sreg!(s, dst) = vec_of(&rreg!(r, v))?.len as u64;
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_load_w(
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: S,
    v: R,
    idx: S,
    off: u16,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let vec = vec_of(&rreg!(r, v))?;
        let at = word_index(vec, sreg!(s, idx), off)?;
        sreg!(s, dst) = vec.words[at];
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_store_w(
    s: *mut u64,
    r: *mut Option<Obj>,
    v: R,
    idx: S,
    off: u16,
    src: S,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let x = sreg!(s, src);
        let i = sreg!(s, idx);
        let vec = vec_mut(&mut rreg!(r, v))?;
        let at = word_index(vec, i, off)?;
        vec.words[at] = x;
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_load_r(
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: R,
    v: R,
    idx: S,
    off: u16,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let elem = (*vec_elem_r(s, r, v, idx, off)?).clone();
        rreg!(r, dst) = elem;
        Ok(())
    }
}

/// The slot of `VecLoadR`'s element, borrowed from the vector (or `VecLoadR`'s error).
/// It stays valid while register `v` holds the vector and nothing changes it.
#[inline(always)]
pub(crate) unsafe fn vec_elem_r(
    s: *mut u64,
    r: *mut Option<Obj>,
    v: R,
    idx: S,
    off: u16,
) -> Result<*const Option<Obj>, String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let vec = vec_of(&rreg!(r, v))?;
        let at = ref_index(vec, sreg!(s, idx), off)?;
        Ok(&vec.refs[at])
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_store_r(
    s: *mut u64,
    r: *mut Option<Obj>,
    v: R,
    idx: S,
    off: u16,
    src: R,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let x = rreg!(r, src).clone();
        let i = sreg!(s, idx);
        let vec = vec_mut(&mut rreg!(r, v))?;
        let at = ref_index(vec, i, off)?;
        vec.refs[at] = x;
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_load_b(
    s: *mut u64,
    r: *mut Option<Obj>,
    dst: S,
    v: R,
    idx: S,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let vec = vec_of(&rreg!(r, v))?;
        let at = byte_index(vec, sreg!(s, idx))?;
        sreg!(s, dst) = vec.byte_word(vec.bytes[at]);
        Ok(())
    }
}

#[inline(always)]
pub(crate) unsafe fn vec_store_b(
    s: *mut u64,
    r: *mut Option<Obj>,
    v: R,
    idx: S,
    src: S,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let x = sreg!(s, src) as u8;
        let i = sreg!(s, idx);
        let vec = vec_mut(&mut rreg!(r, v))?;
        let at = byte_index(vec, i)?;
        vec.bytes[at] = x;
        Ok(())
    }
}

#[inline(never)]
pub(crate) unsafe fn vec_push(
    info: &FuncInfo,
    s: *mut u64,
    r: *mut Option<Obj>,
    v: R,
    ws: S,
    wr: R,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let l: Layout = vec_of(&rreg!(r, v))?.shape.elem_layout();
        let (w0, r0) = (ws.0 as u32, wr.0 as u32);
        if w0 + l.words > info.scalar_regs
            || r0 + l.refs > info.ref_regs
            || (v.0 as u32 >= r0 && (v.0 as u32) < r0 + l.refs)
        {
            return Err(internal("VecPush window does not fit the frame"));
        }
        let words = std::slice::from_raw_parts(s.add(ws.0 as usize), l.words as usize);
        let refs = std::slice::from_raw_parts_mut(r.add(wr.0 as usize), l.refs as usize);
        vec_mut(&mut rreg!(r, v))?.push_taken(words, refs);
        Ok(())
    }
}

/// `Intrinsic VecPop` when the vector in `r[wr]` is unique and holds one word per
/// element: the `Option` tag at `s[ws]`, the word at `s[ws + 1]` (left as it was when
/// empty, as the generic path does). `false` (nothing done) otherwise.
///
/// # Safety
/// As for [`intrinsic`]: the verified window of `VecPop` (at least two words at `ws`,
/// one reference at `wr`) is in the frame.
#[inline(always)]
pub(crate) unsafe fn vec_pop_word(s: *mut u64, r: *mut Option<Obj>, ws: S, wr: R) -> bool {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        let Some(obj) = &mut rreg!(r, wr) else {
            return false;
        };
        if !obj.is_unique() {
            return false;
        }
        let HeapObj::Vec(v) = obj.make_mut() else {
            return false;
        };
        let shape = v.shape;
        if shape.kind != ElemKind::Words || shape.wpe != 1 || shape.rpe != 0 {
            return false;
        }
        match v.words.pop() {
            Some(word) => {
                v.len -= 1;
                *s.add(ws.0 as usize + 1) = word;
                *s.add(ws.0 as usize) = 1;
            }
            None => *s.add(ws.0 as usize) = 0,
        }
        true
    }
}

#[inline(always)]
pub(crate) unsafe fn map_new(lm: &Linked, r: *mut Option<Obj>, dst: R, ty: TypeId) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section);
    // each step below relies only on it.
    unsafe {
        let (k, v) = match lm.m.types.get_unchecked(ty.0 as usize) {
            TypeDesc::Map(k, v) => (*k, *v),
            _ => unreachable!("verified: MapNew names a map type"),
        };
        let map = MapObj::new(lm.layouts[k.0 as usize], lm.layouts[v.0 as usize]);
        rreg!(r, dst) = Some(Obj::new(HeapObj::Map(Box::new(map))));
    }
}

// ---- trait objects ----

/// `DynNew`: a trait object of impl `imp` holding the box in `src`.
#[inline(always)]
pub(crate) unsafe fn dyn_new(lm: &Linked, r: *mut Option<Obj>, dst: R, src: R, imp: u32) {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section); `imp`
    // is a verified impl index.
    unsafe {
        let vt = lm.vtables.get_unchecked(imp as usize).clone();
        let payload = rreg!(r, src).clone();
        rreg!(r, dst) = Some(Obj::new(HeapObj::Dyn(DynObj::new(vt, lm.inst, payload))));
    }
}

/// `DynLoad` (`take == false`) and `DynTake`.
#[inline(always)]
pub(crate) unsafe fn dyn_payload(
    r: *mut Option<Obj>,
    dst: R,
    obj: R,
    take: bool,
) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        let d = crate::dynobj::dyn_of(&rreg!(r, obj))?;
        let value = if take { d.take() } else { d.load() };
        let Some(value) = value else {
            return Err(dyn_in_use(d));
        };
        rreg!(r, dst) = Some(value);
        Ok(())
    }
}

#[cold]
fn dyn_in_use(d: &DynObj) -> String {
    format!(
        "already borrowed: a `&mut self` method of this `{}` (dyn {}) is still running",
        d.vtable().key.ty,
        d.vtable().key.trait_name
    )
}

/// `DynPut`.
#[inline(always)]
pub(crate) unsafe fn dyn_put(r: *mut Option<Obj>, obj: R, src: R) -> Result<(), String> {
    // SAFETY: the caller keeps this function's contract (its `# Safety` section).
    unsafe {
        let value = rreg!(r, src).take();
        crate::dynobj::dyn_of(&rreg!(r, obj))?.put(value);
        Ok(())
    }
}
