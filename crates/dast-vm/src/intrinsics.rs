//! The built-in operations of `Inst::Intrinsic`. Each works on its window: the words and
//! references of its arguments, flattened in order, which it consumes and replaces with
//! its results (see `dast_bytecode::Intrinsic` for each signature). Reference registers
//! of the window past the results are cleared by the caller afterwards.

use std::cmp::Ordering;
use std::io::Write;

use dast_bytecode::{Intrinsic, Layout, TypeDesc, TypeId};

use crate::heap::*;
use crate::meter;
use crate::serialize;
use crate::typed::*;

/// What an intrinsic may touch besides its window.
pub(crate) struct Cx<'a> {
    pub t: Types<'a>,
    pub out: &'a mut dyn Write,
}

/// Runs `op` on its window `w`/`r` (sized for its arguments and results).
pub(crate) fn run(
    cx: &mut Cx,
    op: Intrinsic,
    ty: TypeId,
    w: &mut [u64],
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    use Intrinsic::*;
    let t = cx.t;
    match op {
        Print | Println | Eprintln => print(cx, op, &r[0])?,
        Sleep => {
            let _ = cx.out.flush();
            if !cfg!(feature = "fuzzing") {
                std::thread::sleep(std::time::Duration::from_millis(w[0]));
            }
        }
        NowMs => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            w[0] = now;
        }
        Exit => unreachable!("Exit is run by the interpreter loop"),
        RegistryLoad | RegistryHasUpdate | RegistryReload | RegistryCall | RegistryGetVersion
        | RegistryModules | Foreign | LoadBytecode | Instantiate | ReadDir | HostFn
        | RegistryPin | RegistryUnpin | RegistryCallVersion => {
            return Err(format!(
                "`ModuleRegistry` needs a host: run this program with `dast run` (operation {op:?})"
            ))
        }
        VecPop => vec_pop(t, ty, w, r)?,
        VecGet => vec_get(t, ty, w, r)?,
        VecInsert => vec_insert(t, ty, w, r)?,
        VecRemove => vec_remove(t, ty, w, r)?,
        VecContains => vec_contains(t, ty, w, r)?,
        VecBinarySearch => vec_binary_search(t, ty, w, r)?,
        VecSort => vec_sort(t, ty, r)?,
        VecReverse => vec_reverse(t, ty, r)?,
        VecDedup => vec_dedup(t, ty, r)?,
        VecClear => checked_vec_mut(t, ty, &mut r[0])?.clear(),
        VecExtend => vec_extend(t, ty, r)?,
        VecSlice => vec_slice(t, ty, w, r)?,
        VecRepeat => vec_repeat(t, ty, w, r)?,
        VecJoin => vec_join(r)?,
        MapInsert => map_insert_op(t, ty, w, r)?,
        MapGet => map_get(t, ty, w, r)?,
        MapRemove => map_remove(t, ty, w, r)?,
        MapContainsKey => {
            let (k, v) = map_types(t, ty);
            let map = r[0].take();
            canonical_key(t, k, w, &mut r[1..]);
            let m = typed_map(t, k, v, &map)?;
            let found = m.find(&m.key_ref(w, &r[1..])).is_some();
            w[0] = found as u64;
        }
        MapLen => {
            let (k, v) = map_types(t, ty);
            w[0] = typed_map(t, k, v, &r[0])?.len() as u64;
        }
        MapEntryAt => map_entry_at(t, ty, w, r)?,
        MapKeys | MapValues => map_keys_or_values(t, ty, op == MapKeys, r)?,
        MapClear => {
            let (k, v) = map_types(t, ty);
            typed_map(t, k, v, &r[0])?;
            map_mut(&mut r[0])?.clear();
        }
        StrContains | StrStartsWith | StrEndsWith => {
            let (s, pat) = (str_of(&r[0])?, str_of(&r[1])?);
            w[0] = match op {
                StrContains => s.contains(pat),
                StrStartsWith => s.starts_with(pat),
                _ => s.ends_with(pat),
            } as u64;
        }
        StrSplit => {
            let parts: Vec<&str> = str_of(&r[0])?.split(str_of(&r[1])?).collect();
            r[0] = Some(strings_vec(parts));
        }
        StrSplitWhitespace => {
            let parts: Vec<&str> = str_of(&r[0])?.split_whitespace().collect();
            r[0] = Some(strings_vec(parts));
        }
        StrTrim => string_op(r, |s| s.trim().to_string())?,
        StrTrimStart => string_op(r, |s| s.trim_start().to_string())?,
        StrTrimEnd => string_op(r, |s| s.trim_end().to_string())?,
        StrFind => {
            let found = str_of(&r[0])?.find(str_of(&r[1])?);
            option_word(w, found.map(|i| i as u64));
        }
        StrLines => {
            let parts: Vec<&str> = str_of(&r[0])?.lines().collect();
            r[0] = Some(strings_vec(parts));
        }
        StrToUpper => string_op(r, str::to_uppercase)?,
        StrToLower => string_op(r, str::to_lowercase)?,
        StrReplace => {
            #[cfg(feature = "fuzzing")]
            crate::exec::fuzz_limit(
                str_of(&r[0])?
                    .len()
                    .saturating_mul(str_of(&r[2])?.len() + 1),
            )?;
            let out = str_of(&r[0])?.replace(str_of(&r[1])?, str_of(&r[2])?);
            r[0] = Some(Obj::string(out));
        }
        StrParseI64 => {
            let parsed = str_of(&r[0])?.parse::<i64>().ok();
            option_word(w, parsed.map(|v| v as u64));
        }
        StrParseF64 => {
            let parsed = str_of(&r[0])?.parse::<f64>().ok();
            option_word(w, parsed.map(f64::to_bits));
        }
        StrChars => {
            let shape = VecShape {
                kind: ElemKind::Words,
                wpe: 1,
                rpe: 0,
            };
            let mut v = VecObj::new(shape);
            v.words = str_of(&r[0])?.chars().map(|c| c as u64).collect();
            v.len = v.words.len();
            r[0] = Some(Obj::new(HeapObj::Vec(v)));
        }
        StrSlice => str_slice(w, r)?,
        StrPushChar => {
            let c = char_of(w[0])?;
            str_mut(&mut r[0])?.push(c);
        }
        CharToString => r[0] = Some(Obj::string(char_of(w[0])?.to_string())),
        StrAsBytes => {
            let bytes = str_of(&r[0])?.as_bytes().to_vec();
            r[0] = Some(byte_vec(bytes));
        }
        Serialize => {
            let l = t.layout(ty);
            let bytes =
                serialize::serialize(t, ty, (&w[..l.words as usize], &r[..l.refs as usize]))?;
            r[0] = Some(byte_vec(bytes));
        }
        Deserialize => {
            let bytes_obj = r[0].take();
            let v = vec_of(&bytes_obj)?;
            if v.shape.kind != ElemKind::U8 {
                return Err(internal("deserialize needs a Vec[u8]"));
            }
            let l = t.layout(ty);
            let (dw, dr) = sub_mut(w, r, Layout::ZERO, l);
            serialize::deserialize(t, ty, &v.bytes, dw, dr)?;
        }
        Eq | Cmp => {
            let l = t.layout(ty);
            let a = sub((w, r), Layout::ZERO, l);
            let b = sub((w, r), l, l);
            let o = if op == Eq {
                if values_eq(t, ty, a, b, 0)? {
                    1
                } else {
                    0
                }
            } else {
                match values_cmp(t, ty, a, b, 0)? {
                    Ordering::Less => -1i64 as u64,
                    Ordering::Equal => 0,
                    Ordering::Greater => 1,
                }
            };
            w[0] = o;
        }
        Default => {
            let l = t.layout(ty);
            let (dw, dr) = sub_mut(w, r, Layout::ZERO, l);
            default_into(t, ty, dw, dr);
        }
    }
    Ok(())
}

fn print(cx: &mut Cx, op: Intrinsic, msg: &Option<Obj>) -> Result<(), String> {
    let s = str_of(msg)?;
    // Output errors (a closed pipe) are ignored: printing never panics a program.
    match op {
        Intrinsic::Print => {
            let _ = cx.out.write_all(s.as_bytes());
        }
        Intrinsic::Println => {
            let _ = cx.out.write_all(s.as_bytes());
            let _ = cx.out.write_all(b"\n");
        }
        _ if cfg!(feature = "fuzzing") => {}
        _ => {
            let _ = cx.out.flush();
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(s.as_bytes());
            let _ = err.write_all(b"\n");
        }
    }
    Ok(())
}

/// A `Vec[u8]` of these bytes.
fn byte_vec(bytes: Vec<u8>) -> Obj {
    let mut v = VecObj::new(VecShape {
        kind: ElemKind::U8,
        wpe: 0,
        rpe: 0,
    });
    v.len = bytes.len();
    v.bytes = bytes.into();
    Obj::new(HeapObj::Vec(v))
}

fn option_word(w: &mut [u64], v: Option<u64>) {
    match v {
        Some(x) => {
            w[0] = 1;
            w[1] = x;
        }
        None => {
            w[0] = 0;
            w[1] = 0;
        }
    }
}

fn string_op(r: &mut [Option<Obj>], f: impl FnOnce(&str) -> String) -> Result<(), String> {
    let out = f(str_of(&r[0])?);
    r[0] = Some(Obj::string(out));
    Ok(())
}

fn strings_vec(parts: Vec<&str>) -> Obj {
    let mut v = VecObj::new(VecShape {
        kind: ElemKind::Words,
        wpe: 0,
        rpe: 1,
    });
    v.len = parts.len();
    v.refs = parts
        .into_iter()
        .map(|p| Some(Obj::string(p.to_string())))
        .collect();
    Obj::new(HeapObj::Vec(v))
}

fn str_slice(w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let s = str_of(&r[0])?;
    let (start, end) = (w[0], w[1]);
    if start > end || end > s.len() as u64 {
        return Err(format!(
            "byte range {start}..{end} is out of bounds of a string of length {}",
            s.len()
        ));
    }
    let (a, b) = (start as usize, end as usize);
    if !s.is_char_boundary(a) || !s.is_char_boundary(b) {
        return Err(format!(
            "byte range {a}..{b} does not lie on char boundaries"
        ));
    }
    let out = s[a..b].to_string();
    r[0] = Some(Obj::string(out));
    Ok(())
}

// ---- vectors ----

fn checked_vec_mut<'a>(
    t: Types,
    elem: TypeId,
    r: &'a mut Option<Obj>,
) -> Result<&'a mut VecObj, String> {
    let v = vec_mut(r)?;
    if v.shape != t.shape(elem) {
        return Err(shape_mismatch());
    }
    Ok(v)
}

#[cold]
fn index_error(len: usize, i: u64) -> String {
    format!("index out of bounds: the len is {len} but the index is {i}")
}

/// Removes element `i`, moving it into `w`/`r` (one canonical word for byte vectors).
fn take_elem(v: &mut VecObj, i: usize, w: &mut [u64], r: &mut [Option<Obj>]) {
    if v.shape.is_bytes() {
        let b = v.bytes.remove(i);
        w[0] = v.byte_word(b);
    } else {
        let (wpe, rpe) = (v.shape.wpe as usize, v.shape.rpe as usize);
        v.words.drain_into(i * wpe..(i + 1) * wpe, &mut w[..wpe]);
        v.refs.drain_into(i * rpe..(i + 1) * rpe, &mut r[..rpe]);
    }
    v.len -= 1;
}

/// Copies element `i` into `w`/`r` (references shared).
fn copy_elem(v: &VecObj, i: usize, w: &mut [u64], r: &mut [Option<Obj>]) {
    let (ew, er) = v.elem(i);
    w[..ew.len()].copy_from_slice(&ew);
    r[..er.len()].clone_from_slice(er);
}

fn vec_pop(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let (vr, rest) = r.split_at_mut(1);
    let v = checked_vec_mut(t, ty, &mut vr[0])?;
    let (tag, ew) = w.split_at_mut(1);
    let (ew, er) = sub_mut(ew, rest, Layout::ZERO, l);
    if v.len == 0 {
        tag[0] = 0;
        er.fill(None);
    } else {
        take_elem(v, v.len - 1, ew, er);
        tag[0] = 1;
    }
    Ok(())
}

fn vec_get(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let vobj = r[0].take();
    let v = typed_vec(t, ty, &vobj)?;
    let i = w[0];
    let (tag, ew) = w.split_at_mut(1);
    let (ew, er) = sub_mut(ew, r, Layout::ZERO, l);
    if i < v.len as u64 {
        copy_elem(v, i as usize, ew, er);
        tag[0] = 1;
    } else {
        tag[0] = 0;
        er.fill(None);
    }
    Ok(())
}

fn vec_insert(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let (vr, rest) = r.split_at_mut(1);
    let v = checked_vec_mut(t, ty, &mut vr[0])?;
    let i = w[0];
    if i > v.len as u64 {
        return Err(format!(
            "insertion index (is {i}) should be <= len (is {})",
            v.len
        ));
    }
    let i = i as usize;
    let (xw, xr) = sub_mut(&mut w[1..], rest, Layout::ZERO, l);
    v.check_room(xw.len(), xr.len());
    if v.shape.is_bytes() {
        v.bytes.insert(i, xw[0] as u8);
    } else {
        let (wpe, rpe) = (v.shape.wpe as usize, v.shape.rpe as usize);
        v.words
            .with_vec(|words| drop(words.splice(i * wpe..i * wpe, xw.iter().copied())));
        v.refs.with_vec(|refs| {
            drop(refs.splice(i * rpe..i * rpe, xr.iter_mut().map(Option::take)));
        });
    }
    v.len += 1;
    Ok(())
}

fn vec_remove(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let (vr, rest) = r.split_at_mut(1);
    let v = checked_vec_mut(t, ty, &mut vr[0])?;
    let i = w[0];
    if i >= v.len as u64 {
        return Err(format!(
            "removal index (is {i}) should be < len (is {})",
            v.len
        ));
    }
    let (ew, er) = sub_mut(w, rest, Layout::ZERO, l);
    take_elem(v, i as usize, ew, er);
    Ok(())
}

fn vec_contains(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let vobj = r[0].take();
    let v = typed_vec(t, ty, &vobj)?;
    let x = sub((w, &r[1..]), Layout::ZERO, l);
    let found = if v.shape.is_bytes() {
        let b = x.0[0] as u8;
        v.bytes.contains(&b)
    } else if l == Layout::WORD && !matches!(t.desc(ty), TypeDesc::F32 | TypeDesc::F64) {
        v.words.contains(&x.0[0])
    } else {
        let mut found = false;
        for i in 0..v.len {
            let (ew, er) = v.elem(i);
            if values_eq(t, ty, (&ew, er), x, 1)? {
                found = true;
                break;
            }
        }
        found
    };
    w[0] = found as u64;
    Ok(())
}

/// Rust's `binary_search`: the result is `Result[usize, usize]`'s three words (tag,
/// `Ok`'s index, `Err`'s index; the other variant's word zero).
fn vec_binary_search(
    t: Types,
    ty: TypeId,
    w: &mut [u64],
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    let l = t.layout(ty);
    let vobj = r[0].take();
    let v = typed_vec(t, ty, &vobj)?;
    let x = sub((w, &r[1..]), Layout::ZERO, l);
    let (mut lo, mut hi) = (0, v.len);
    let mut found = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (ew, er) = v.elem(mid);
        match values_cmp(t, ty, (&ew, er), x, 1)? {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => {
                found = Some(mid);
                break;
            }
        }
    }
    let (tag, ok, err) = match found {
        Some(i) => (0, i as u64, 0),
        None => (1, 0, lo as u64),
    };
    w[0] = tag;
    w[1] = ok;
    w[2] = err;
    Ok(())
}

fn vec_sort(t: Types, ty: TypeId, r: &mut [Option<Obj>]) -> Result<(), String> {
    let v = checked_vec_mut(t, ty, &mut r[0])?;
    match (v.shape.kind, t.desc(ty)) {
        (ElemKind::I8, _) => v.bytes.sort_unstable_by_key(|b| *b as i8),
        (ElemKind::Bool | ElemKind::U8, _) => v.bytes.sort_unstable(),
        (_, TypeDesc::I16 | TypeDesc::I32 | TypeDesc::I64 | TypeDesc::Isize) => {
            v.words.sort_unstable_by_key(|w| *w as i64)
        }
        (_, TypeDesc::U16 | TypeDesc::U32 | TypeDesc::U64 | TypeDesc::Usize | TypeDesc::Char) => {
            v.words.sort_unstable()
        }
        (_, TypeDesc::F64) => v
            .words
            .sort_by(|a, b| f64::from_bits(*a).total_cmp(&f64::from_bits(*b))),
        (_, TypeDesc::F32) => v
            .words
            .sort_by(|a, b| f32::from_bits(*a as u32).total_cmp(&f32::from_bits(*b as u32))),
        _ => sort_general(t, ty, v)?,
    }
    Ok(())
}

/// Stable sort of any element type: sorts a permutation, then rebuilds the storage.
fn sort_general(t: Types, ty: TypeId, v: &mut VecObj) -> Result<(), String> {
    let mut order: Vec<usize> = (0..v.len).collect();
    let mut failure = None;
    order.sort_by(|&a, &b| {
        let ((aw, ar), (bw, br)) = (v.elem(a), v.elem(b));
        match values_cmp(t, ty, (&aw, ar), (&bw, br), 1) {
            Ok(o) => o,
            Err(e) => {
                failure.get_or_insert(e);
                Ordering::Equal
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    permute(v, &order);
    Ok(())
}

/// Rearranges elements so that new element `i` is old element `order[i]`.
fn permute(v: &mut VecObj, order: &[usize]) {
    let (wpe, rpe) = (v.shape.wpe as usize, v.shape.rpe as usize);
    let words: Vec<u64> = order
        .iter()
        .flat_map(|&i| v.words[i * wpe..(i + 1) * wpe].iter().copied())
        .collect();
    let mut old_refs = std::mem::take(&mut v.refs);
    let refs: Vec<Option<Obj>> = order
        .iter()
        .flat_map(|&i| (i * rpe..(i + 1) * rpe).collect::<Vec<_>>())
        .map(|j| old_refs[j].take())
        .collect();
    v.words = words.into();
    v.refs = refs.into();
}

/// Rust's `dedup`: keeps the first of each run of equal elements.
fn vec_dedup(t: Types, ty: TypeId, r: &mut [Option<Obj>]) -> Result<(), String> {
    let v = checked_vec_mut(t, ty, &mut r[0])?;
    if v.shape.is_bytes() {
        v.bytes.with_vec(Vec::dedup);
        v.len = v.bytes.len();
        return Ok(());
    }
    let mut keep: Vec<usize> = Vec::with_capacity(v.len);
    for i in 0..v.len {
        let duplicate = match keep.last() {
            Some(&last) => {
                let ((aw, ar), (bw, br)) = (v.elem(last), v.elem(i));
                values_eq(t, ty, (&aw, ar), (&bw, br), 1)?
            }
            None => false,
        };
        if !duplicate {
            keep.push(i);
        }
    }
    if keep.len() != v.len {
        permute(v, &keep);
        v.len = keep.len();
    }
    Ok(())
}

fn vec_reverse(t: Types, ty: TypeId, r: &mut [Option<Obj>]) -> Result<(), String> {
    let v = checked_vec_mut(t, ty, &mut r[0])?;
    if v.shape.is_bytes() {
        v.bytes.reverse();
    } else if v.shape.wpe <= 1 && v.shape.rpe <= 1 {
        v.words.reverse();
        v.refs.reverse();
    } else {
        let order: Vec<usize> = (0..v.len).rev().collect();
        permute(v, &order);
    }
    Ok(())
}

fn vec_extend(t: Types, ty: TypeId, r: &mut [Option<Obj>]) -> Result<(), String> {
    let other = r[1].take();
    let src = typed_vec(t, ty, &other)?;
    let v = checked_vec_mut(t, ty, &mut r[0])?;
    #[cfg(feature = "fuzzing")]
    crate::exec::fuzz_limit(v.len + src.len)?;
    meter::check(
        v.bytes.growth_bytes(src.bytes.len())
            + v.words.growth_bytes(src.words.len())
            + v.refs.growth_bytes(src.refs.len()),
    );
    v.bytes.extend_from_slice(&src.bytes);
    v.words.extend_from_slice(&src.words);
    v.refs.extend_from_slice(&src.refs);
    v.len += src.len;
    Ok(())
}

fn vec_slice(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let v = typed_vec(t, ty, &r[0])?;
    let (start, end) = (w[0], w[1]);
    if start > end {
        return Err(format!("slice index starts at {start} but ends at {end}"));
    }
    if end > v.len as u64 {
        return Err(format!(
            "range end index {end} out of range for slice of length {}",
            v.len
        ));
    }
    let (a, b) = (start as usize, end as usize);
    let (wpe, rpe) = (v.shape.wpe as usize, v.shape.rpe as usize);
    let mut out = VecObj::new(v.shape);
    if v.shape.is_bytes() {
        out.bytes = v.bytes[a..b].to_vec().into();
    } else {
        out.words = v.words[a * wpe..b * wpe].to_vec().into();
        out.refs = v.refs[a * rpe..b * rpe].to_vec().into();
    }
    out.len = b - a;
    r[0] = Some(Obj::new(HeapObj::Vec(out)));
    Ok(())
}

fn vec_repeat(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let l = t.layout(ty);
    let n = w[l.words as usize];
    let shape = t.shape(ty);
    let mut v = VecObj::new(shape);
    let too_big = || format!("capacity overflow: cannot make a vector of {n} elements");
    let n = usize::try_from(n).map_err(|_| too_big())?;
    #[cfg(feature = "fuzzing")]
    crate::exec::fuzz_limit(n)?;
    if shape.is_bytes() {
        v.bytes.try_reserve_exact(n).map_err(|_| too_big())?;
        v.bytes.resize(n, w[0] as u8);
    } else {
        let (wpe, rpe) = (l.words as usize, l.refs as usize);
        let nw = n.checked_mul(wpe).ok_or_else(too_big)?;
        let nr = n.checked_mul(rpe).ok_or_else(too_big)?;
        v.words.try_reserve_exact(nw).map_err(|_| too_big())?;
        v.refs.try_reserve_exact(nr).map_err(|_| too_big())?;
        if wpe == 1 {
            v.words.resize(n, w[0]);
        } else {
            for _ in 0..n {
                v.words.extend_from_slice(&w[..wpe]);
            }
        }
        for _ in 0..n {
            v.refs.extend_from_slice(&r[..rpe]);
        }
    }
    v.len = n;
    r[0] = Some(Obj::new(HeapObj::Vec(v)));
    Ok(())
}

fn vec_join(r: &mut [Option<Obj>]) -> Result<(), String> {
    let v = vec_of(&r[0])?;
    if v.shape.is_bytes() || v.shape.wpe != 0 || v.shape.rpe != 1 {
        return Err(shape_mismatch());
    }
    let sep = str_of(&r[1])?;
    let mut out = String::new();
    for (i, s) in v.refs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(str_of(s)?);
    }
    r[0] = Some(Obj::string(out));
    Ok(())
}

// ---- maps ----

/// Key and value types of a (verified) map type.
fn map_types(t: Types, ty: TypeId) -> (TypeId, TypeId) {
    match t.desc(ty) {
        TypeDesc::Map(k, v) => (*k, *v),
        _ => unreachable!("the verifier checks map intrinsics' type operand"),
    }
}

/// Makes a multi-register key canonical in place (see `typed::canonicalize`).
fn canonical_key(t: Types, k: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) {
    let l = t.layout(k);
    if l != Layout::WORD && l != Layout::REF {
        let (kw, kr) = sub_mut(w, r, Layout::ZERO, l);
        canonicalize(t, k, kw, kr);
    }
}

fn map_insert_op(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let (k, vt) = map_types(t, ty);
    let (kl, vl) = (t.layout(k), t.layout(vt));
    let (mr, rest) = r.split_at_mut(1);
    canonical_key(t, k, w, rest);
    let m = map_mut(&mut mr[0])?;
    check_map_layout(t, k, vt, m)?;
    let (kw, vw) = w.split_at_mut(kl.words as usize);
    let (kr, vr) = rest.split_at_mut(kl.refs as usize);
    let (vw, vr) = (&mut vw[..vl.words as usize], &mut vr[..vl.refs as usize]);
    let key = m.key_ref(kw, kr);
    let (i, new) = m.insert_key(&key);
    let (nw, nr) = (vl.words as usize, vl.refs as usize);
    if new {
        m.vwords.extend_from_slice(vw);
        m.vrefs.extend(vr.iter_mut().map(Option::take));
    } else {
        // The window's value and the stored one trade places: the old one is returned.
        m.vwords[i * nw..(i + 1) * nw].swap_with_slice(vw);
        m.vrefs[i * nr..(i + 1) * nr].swap_with_slice(vr);
    }
    // Result: (map, Option[V]): tag word then V's words from w[1]; V's refs from r[1].
    w.copy_within(kl.words as usize..(kl.words + vl.words) as usize, 1);
    w[0] = !new as u64;
    for j in 0..nr {
        let v = r[1 + kl.refs as usize + j].take();
        r[1 + j] = if new { None } else { v };
    }
    Ok(())
}

fn map_get(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let map = r[0].take();
    map_get_from(t, ty, &map, w, r)
}

/// `MapGet` on `map` (not taken from the window: the native backend passes a borrowed
/// map); the key is in the window after the map's slot, the result goes to its start.
pub(crate) fn map_get_from(
    t: Types,
    ty: TypeId,
    map: &Option<Obj>,
    w: &mut [u64],
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    let (k, vt) = map_types(t, ty);
    let vl = t.layout(vt);
    canonical_key(t, k, w, &mut r[1..]);
    let m = typed_map(t, k, vt, map)?;
    let found = m.find(&m.key_ref(w, &r[1..]));
    let (ow, or) = sub_mut(&mut w[1..], r, Layout::ZERO, vl);
    match found {
        Some(i) => {
            let (vw, vr) = m.val_at(i);
            ow.copy_from_slice(vw);
            or.clone_from_slice(vr);
            w[0] = 1;
        }
        None => {
            or.fill(None);
            w[0] = 0;
        }
    }
    Ok(())
}

fn map_remove(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let (k, vt) = map_types(t, ty);
    let vl = t.layout(vt);
    let (mr, rest) = r.split_at_mut(1);
    canonical_key(t, k, w, rest);
    let m = map_mut(&mut mr[0])?;
    check_map_layout(t, k, vt, m)?;
    let key = m.key_ref(w, rest);
    let removed = m.swap_remove_key(&key);
    let (nw, nr) = (vl.words as usize, vl.refs as usize);
    let (ow, or) = sub_mut(&mut w[1..], rest, Layout::ZERO, vl);
    match removed {
        Some(i) => {
            let last = m.len();
            // Value i goes out; the last entry's value moves into its place.
            ow.copy_from_slice(&m.vwords[i * nw..(i + 1) * nw]);
            for (dst, src) in or.iter_mut().zip(&mut m.vrefs[i * nr..(i + 1) * nr]) {
                *dst = src.take();
            }
            if i != last {
                m.vwords.copy_within(last * nw..(last + 1) * nw, i * nw);
                for j in 0..nr {
                    m.vrefs.swap(i * nr + j, last * nr + j);
                }
            }
            m.vwords.truncate(last * nw);
            m.vrefs.truncate(last * nr);
            w[0] = 1;
        }
        None => {
            or.fill(None);
            w[0] = 0;
        }
    }
    Ok(())
}

fn map_entry_at(t: Types, ty: TypeId, w: &mut [u64], r: &mut [Option<Obj>]) -> Result<(), String> {
    let (k, vt) = map_types(t, ty);
    let (kl, vl) = (t.layout(k), t.layout(vt));
    let map = r[0].take();
    let m = typed_map(t, k, vt, &map)?;
    let i = w[0];
    if i >= m.len() as u64 {
        return Err(index_error(m.len(), i));
    }
    let i = i as usize;
    let (kw, kr) = m.key_at(i);
    w[..kl.words as usize].copy_from_slice(&kw);
    r[..kl.refs as usize].clone_from_slice(kr);
    let (vw, vr) = m.val_at(i);
    let (ow, or) = sub_mut(w, r, kl, vl);
    ow.copy_from_slice(vw);
    or.clone_from_slice(vr);
    Ok(())
}

fn map_keys_or_values(
    t: Types,
    ty: TypeId,
    keys: bool,
    r: &mut [Option<Obj>],
) -> Result<(), String> {
    let (k, vt) = map_types(t, ty);
    let m = typed_map(t, k, vt, &r[0])?;
    let elem = if keys { k } else { vt };
    let mut v = VecObj::new(t.shape(elem));
    for i in 0..m.len() {
        if keys {
            let (kw, kr) = m.key_at(i);
            v.push_cloned(&kw, kr);
        } else {
            let (vw, vr) = m.val_at(i);
            v.push_cloned(vw, vr);
        }
    }
    r[0] = Some(Obj::new(HeapObj::Vec(v)));
    Ok(())
}
