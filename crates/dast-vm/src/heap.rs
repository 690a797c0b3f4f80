//! Heap objects: strings, vectors and maps, reference counted and copy-on-write.
//!
//! A reference register holds `Option<Obj>`: `None` is a moved-out (or not yet written)
//! register. Copying a reference shares the object; every mutation goes through
//! [`Obj::make_mut`], which copies the object first when it is shared, so values behave
//! as values.

use std::hash::{Hash, Hasher};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

use dast_bytecode::{Layout, TypeDesc, TypeId};

use crate::buf::{Buf, StrBuf};
use crate::dynobj::DynObj;
use crate::meter::{self, bytes_of, Charged};
use rustc_hash::FxHasher;

/// A counted pointer to a heap object (`Send + Sync`, so programs can move between
/// threads).
///
/// Like `Arc<HeapObj>` without weak counts: the uniqueness test of copy-on-write, done on
/// every mutation, is then a single atomic load instead of `Arc::make_mut`'s
/// compare-and-swap.
///
/// `repr(transparent)` over `NonNull`: `None::<Obj>` is a null pointer, which generated
/// code and [`crate::native::RefStack`]'s zeroed allocation rely on.
#[repr(transparent)]
pub(crate) struct Obj(NonNull<Inner>);

// `repr(C)`: generated code reads `count` and `obj` (see [`abi_layout`]).
#[repr(C)]
struct Inner {
    count: AtomicUsize,
    obj: HeapObj,
}

// SAFETY: `Obj` shares a `HeapObj` like `Arc` does: the object is only mutated through
// `make_mut`, which requires the count to be one (no other `Obj` can see it), and the
// count is atomic. `HeapObj` is `Send + Sync`.
unsafe impl Send for Obj {}
// SAFETY: as for the impl above.
unsafe impl Sync for Obj {}

impl Obj {
    pub fn new(h: HeapObj) -> Obj {
        crate::meter::check(size_of::<Inner>());
        crate::meter::charge(size_of::<Inner>());
        let inner = Box::new(Inner {
            count: AtomicUsize::new(1),
            obj: h,
        });
        Obj(NonNull::from(Box::leak(inner)))
    }

    pub fn string(s: String) -> Obj {
        Obj::new(HeapObj::Str(StrBuf::from(s)))
    }

    #[inline(always)]
    fn inner(&self) -> &Inner {
        // SAFETY: the pointer came from a live `Box` that is freed only when the last
        // `Obj` pointing to it is dropped, and `self` is one of them.
        unsafe { self.0.as_ref() }
    }

    #[inline(always)]
    pub fn get(&self) -> &HeapObj {
        &self.inner().obj
    }

    /// The object, made unique first (copied if shared): copy-on-write.
    #[inline(always)]
    pub fn make_mut(&mut self) -> &mut HeapObj {
        if self.inner().count.load(Ordering::Acquire) != 1 {
            self.unshare();
        }
        // SAFETY: the count is one and we hold `&mut self`, so no other reference to
        // the object exists or can be made while the returned borrow lives.
        unsafe { &mut (*self.0.as_ptr()).obj }
    }

    #[cold]
    #[inline(never)]
    fn unshare(&mut self) {
        *self = Obj::new(self.get().clone());
    }

    /// The pointer, owning this reference's count (for [`Obj::from_raw`]).
    pub fn into_raw(self) -> *mut () {
        let p = self.0.as_ptr().cast::<()>();
        std::mem::forget(self);
        p
    }

    /// # Safety
    /// `p` came from [`Obj::into_raw`], and its count is given back only once.
    pub unsafe fn from_raw(p: *mut ()) -> Obj {
        // SAFETY: per the contract, a non-null pointer to a live `Inner`.
        Obj(unsafe { NonNull::new_unchecked(p.cast::<Inner>()) })
    }

    pub fn ptr_eq(a: &Obj, b: &Obj) -> bool {
        a.0 == b.0
    }

    /// Whether this is the only reference (a racy answer if other threads hold some).
    pub fn is_unique(&self) -> bool {
        self.inner().count.load(Ordering::Acquire) == 1
    }

    /// The object itself if this was the only reference.
    pub fn try_unwrap(self) -> Result<HeapObj, Obj> {
        if self
            .inner()
            .count
            .compare_exchange(1, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Err(self);
        }
        let ptr = self.0.as_ptr();
        std::mem::forget(self);
        // SAFETY: the count was one and is now zero: we own the allocation.
        let inner = unsafe { Box::from_raw(ptr) };
        crate::meter::credit(size_of::<Inner>());
        Ok(inner.obj)
    }
}

impl Clone for Obj {
    #[inline(always)]
    fn clone(&self) -> Obj {
        let old = self.inner().count.fetch_add(1, Ordering::Relaxed);
        if old > isize::MAX as usize {
            std::process::abort(); // as Arc: a count this high means leaked references
        }
        Obj(self.0)
    }
}

impl Drop for Obj {
    #[inline]
    fn drop(&mut self) {
        if self.inner().count.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        self.free();
    }
}

impl Obj {
    /// Frees the object once its last reference is gone (out of line: dropping a
    /// reference that is not the last is the common case).
    #[inline(never)]
    fn free(&mut self) {
        std::sync::atomic::fence(Ordering::Acquire);
        // SAFETY: that was the last reference; the allocation came from `Box::new`.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
        crate::meter::credit(size_of::<Inner>());
    }
}

// `repr(u8)`: a one-byte tag first, then the variant's fields (RFC 2195), so generated
// code can test the tag and find a vector's fields (see [`abi_layout`]).
#[derive(Clone)]
#[repr(u8)]
pub(crate) enum HeapObj {
    Str(StrBuf) = 0,
    Vec(VecObj) = 1,
    // Boxed: a map's tables are much larger than a string or vector header, and every
    // object would otherwise be as large as a map (a short string cost ~240 bytes).
    Map(Box<MapObj>) = 2,
    Dyn(DynObj) = 3,
}

impl HeapObj {
    pub fn kind_name(&self) -> &'static str {
        match self {
            HeapObj::Str(_) => "a string",
            HeapObj::Vec(_) => "a vector",
            HeapObj::Map(_) => "a map",
            HeapObj::Dyn(_) => "a trait object",
        }
    }
}

/// How a vector stores its elements.
// `repr(u8)` with the ABI's values: generated code reads the kind (see [`abi_layout`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ElemKind {
    /// One byte per element, read back as 0/1.
    Bool = 0,
    /// One byte per element, zero-extended.
    U8 = 1,
    /// One byte per element, sign-extended.
    I8 = 2,
    /// `wpe` words and `rpe` references per element.
    Words = 3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct VecShape {
    pub kind: ElemKind,
    pub wpe: u32,
    pub rpe: u32,
}

impl VecShape {
    /// The storage of vectors whose elements have type `ty`.
    pub fn of(types: &[TypeDesc], layouts: &[Layout], ty: TypeId) -> VecShape {
        // Byte vectors have no words per element, so word instructions on them fail
        // their element-offset check.
        let byte = |kind| VecShape {
            kind,
            wpe: 0,
            rpe: 0,
        };
        match types[ty.0 as usize] {
            TypeDesc::Bool => byte(ElemKind::Bool),
            TypeDesc::U8 => byte(ElemKind::U8),
            TypeDesc::I8 => byte(ElemKind::I8),
            _ => {
                let l = layouts[ty.0 as usize];
                VecShape {
                    kind: ElemKind::Words,
                    wpe: l.words,
                    rpe: l.refs,
                }
            }
        }
    }

    pub fn is_bytes(self) -> bool {
        self.kind != ElemKind::Words
    }

    /// Registers one element occupies (a byte element is one word).
    pub fn elem_layout(self) -> Layout {
        if self.is_bytes() {
            Layout::WORD
        } else {
            Layout {
                words: self.wpe,
                refs: self.rpe,
            }
        }
    }
}

/// A vector: `len` elements stored in `bytes` (byte kinds) or in `words`/`refs`
/// (`wpe`/`rpe` per element, element `i` at `i * wpe` / `i * rpe`).
#[derive(Clone)]
#[repr(C)]
pub(crate) struct VecObj {
    pub shape: VecShape,
    pub len: usize,
    pub bytes: Buf<u8>,
    pub words: Buf<u64>,
    pub refs: Buf<Option<Obj>>,
}

impl VecObj {
    pub fn new(shape: VecShape) -> VecObj {
        VecObj {
            shape,
            len: 0,
            bytes: Buf::new(),
            words: Buf::new(),
            refs: Buf::new(),
        }
    }

    /// A byte as the canonical word of the element type.
    #[inline(always)]
    pub fn byte_word(&self, b: u8) -> u64 {
        match self.shape.kind {
            ElemKind::I8 => b as i8 as i64 as u64,
            _ => b as u64,
        }
    }

    /// Element `i`'s words and references (a byte element as one canonical word).
    pub fn elem(&self, i: usize) -> (ElemWords<'_>, &[Option<Obj>]) {
        if self.shape.is_bytes() {
            (ElemWords::One([self.byte_word(self.bytes[i])]), &[])
        } else {
            let (w, r) = (self.shape.wpe as usize, self.shape.rpe as usize);
            (
                ElemWords::Slice(&self.words[i * w..(i + 1) * w]),
                &self.refs[i * r..(i + 1) * r],
            )
        }
    }

    /// Appends an element: words copied, references cloned.
    pub fn push_cloned(&mut self, words: &[u64], refs: &[Option<Obj>]) {
        self.check_room(words.len(), refs.len());
        if self.shape.is_bytes() {
            self.bytes.push(words[0] as u8);
        } else {
            self.words.extend_from_slice(words);
            self.refs.extend_from_slice(refs);
        }
        self.len += 1;
    }

    /// Appends an element, moving its references out of `refs`.
    pub fn push_taken(&mut self, words: &[u64], refs: &mut [Option<Obj>]) {
        self.check_room(words.len(), refs.len());
        if self.shape.is_bytes() {
            self.bytes.push(words[0] as u8);
        } else {
            self.words.extend_from_slice(words);
            self.refs.extend(refs.iter_mut().map(Option::take));
        }
        self.len += 1;
    }

    /// Refuses (past an armed heap limit) the growth of an element of `words` and
    /// `refs` more, for both buffers at once: a push never leaves one grown and the
    /// other not.
    pub fn check_room(&self, words: usize, refs: usize) {
        if self.shape.is_bytes() {
            self.bytes.check_room(1);
        } else {
            meter::check(self.words.growth_bytes(words) + self.refs.growth_bytes(refs));
        }
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.words.clear();
        self.refs.clear();
        self.len = 0;
    }
}

/// Dropping a deeply nested value (a list built as `Node { next: Vec[Node] }`) must not
/// recurse once per level on the Rust stack: unique children holding references are
/// taken apart iteratively instead.
impl Drop for VecObj {
    fn drop(&mut self) {
        drop_refs(std::mem::take(&mut self.refs).into_vec());
    }
}

impl Drop for MapObj {
    fn drop(&mut self) {
        drop_refs(std::mem::take(&mut self.vrefs));
    }
}

fn drop_refs(refs: Vec<Option<Obj>>) {
    let mut deep: Vec<Obj> = Vec::new();
    let keep_deep = |o: Obj, deep: &mut Vec<Obj>| {
        // Strings and shared objects drop without recursion; keep the rest for later.
        if has_refs(o.get()) && o.is_unique() {
            deep.push(o);
        }
    };
    for o in refs.into_iter().flatten() {
        keep_deep(o, &mut deep);
    }
    while let Some(o) = deep.pop() {
        if let Ok(mut inner) = o.try_unwrap() {
            let children = match &mut inner {
                HeapObj::Vec(v) => std::mem::take(&mut v.refs).into_vec(),
                HeapObj::Map(m) => std::mem::take(&mut m.vrefs),
                HeapObj::Str(_) => Vec::new(),
                HeapObj::Dyn(d) => vec![d.take()],
            };
            for c in children.into_iter().flatten() {
                keep_deep(c, &mut deep);
            }
        }
    }
}

fn has_refs(h: &HeapObj) -> bool {
    match h {
        HeapObj::Str(_) => false,
        HeapObj::Vec(v) => !v.refs.is_empty(),
        HeapObj::Map(m) => !m.vrefs.is_empty(),
        HeapObj::Dyn(_) => true,
    }
}

/// Element words: borrowed from word storage, or made from a byte.
pub(crate) enum ElemWords<'a> {
    Slice(&'a [u64]),
    One([u64; 1]),
}

impl std::ops::Deref for ElemWords<'_> {
    type Target = [u64];
    fn deref(&self) -> &[u64] {
        match self {
            ElemWords::Slice(s) => s,
            ElemWords::One(a) => a,
        }
    }
}

/// A hash map in insertion order: keys in a vector (entry `i`'s key at `i`), values in
/// parallel arrays (entry `i`'s value at `i * val.words` / `i * val.refs`), and an
/// chained hash [`Table`] of entry indices. `remove` is a swap-remove: the last entry
/// takes the removed one's place, as `IndexMap::swap_remove`.
#[derive(Clone)]
pub(crate) struct MapObj {
    /// What the map's tables were last counted as holding (first: a clone is checked
    /// against the heap limit before its tables are copied).
    charged: Charged,
    pub key: Layout,
    pub val: Layout,
    pub keys: Keys,
    /// Each entry's key hash (`Ref` and `General` keys only; a `Word` key is its own
    /// hash).
    hashes: Vec<u64>,
    table: Table,
    pub vwords: Vec<u64>,
    pub vrefs: Vec<Option<Obj>>,
}

/// Key storage, specialised for the common one-word and one-reference keys.
#[derive(Clone)]
pub(crate) enum Keys {
    /// One-word keys (integers, bool, char, field-less enums).
    Word(Vec<u64>),
    /// One-reference keys (usually `String`), compared by content.
    Ref(Vec<Option<Obj>>),
    /// Keys of several registers (tuples, structs, enums with fields). Inactive enum
    /// fields are zeroed/null before a key is built, so comparing all registers is
    /// structural equality.
    General(Vec<GenKey>),
}

#[derive(Clone)]
pub(crate) struct GenKey {
    pub words: Box<[u64]>,
    pub refs: Box<[Option<Obj>]>,
}

/// A key being looked up, borrowed from registers.
pub(crate) enum KeyRef<'a> {
    Word(u64),
    Ref(&'a Option<Obj>),
    General(&'a [u64], &'a [Option<Obj>]),
}

impl KeyRef<'_> {
    /// The key itself for one-word keys, a content hash for the others.
    fn hash(&self) -> u64 {
        match self {
            KeyRef::Word(w) => *w,
            KeyRef::Ref(r) => {
                let mut h = FxHasher::default();
                hash_ref(r, &mut h);
                h.finish()
            }
            KeyRef::General(w, r) => {
                let mut h = FxHasher::default();
                hash_general(w, r, &mut h);
                h.finish()
            }
        }
    }
}

impl MapObj {
    pub fn new(key: Layout, val: Layout) -> MapObj {
        let keys = if key == Layout::WORD {
            Keys::Word(Vec::new())
        } else if key == Layout::REF {
            Keys::Ref(Vec::new())
        } else {
            Keys::General(Vec::new())
        };
        let mut map = MapObj {
            charged: Charged::default(),
            key,
            val,
            keys,
            hashes: Vec::new(),
            table: Table::default(),
            vwords: Vec::new(),
            vrefs: Vec::new(),
        };
        map.settle();
        map
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.table.next.len()
    }

    /// Whether inserting a new entry may grow a table (allocate).
    pub fn insert_may_grow(&self) -> bool {
        let next = &self.table.next;
        next.len() == next.capacity()
            || next.len() + 1 > self.table.heads.len()
            || self.vwords.len() + self.val.words as usize > self.vwords.capacity()
            || self.vrefs.len() + self.val.refs as usize > self.vrefs.capacity()
    }

    /// A borrowed key from the registers holding it (at the start of `words`/`refs`).
    pub fn key_ref<'a>(&self, words: &'a [u64], refs: &'a [Option<Obj>]) -> KeyRef<'a> {
        match self.keys {
            Keys::Word(_) => KeyRef::Word(words[0]),
            Keys::Ref(_) => KeyRef::Ref(&refs[0]),
            Keys::General(_) => KeyRef::General(
                &words[..self.key.words as usize],
                &refs[..self.key.refs as usize],
            ),
        }
    }

    /// Whether entry `i`'s key equals `k`.
    #[inline]
    fn key_is(&self, i: u32, k: &KeyRef) -> bool {
        let i = i as usize;
        match (&self.keys, k) {
            (Keys::Word(keys), KeyRef::Word(w)) => keys[i] == *w,
            (Keys::Ref(keys), KeyRef::Ref(r)) => eq_ref(&keys[i], r),
            (Keys::General(keys), KeyRef::General(w, r)) => {
                eq_general(&keys[i].words, &keys[i].refs, w, r)
            }
            _ => false,
        }
    }

    /// Entry `i`'s key hash.
    #[inline]
    fn hash_at(&self, i: u32) -> u64 {
        entry_hash(&self.keys, &self.hashes, i)
    }

    pub fn find(&self, k: &KeyRef) -> Option<usize> {
        self.table
            .find(k.hash(), |i| self.key_is(i, k))
            .map(|i| i as usize)
    }

    /// Inserts the key if new (cloning its references); returns its index and whether
    /// it was new. Values are the caller's business.
    pub fn insert_key(&mut self, k: &KeyRef) -> (usize, bool) {
        let h = k.hash();
        if let Some(i) = self.table.find(h, |i| self.key_is(i, k)) {
            return (i as usize, false);
        }
        let i = self.len();
        if self.table.next.len() == self.table.next.capacity() {
            // The tables are about to grow, roughly doubling.
            meter::check(self.charged.bytes().max(64));
        }
        match (&mut self.keys, k) {
            (Keys::Word(keys), KeyRef::Word(w)) => keys.push(*w),
            (Keys::Ref(keys), KeyRef::Ref(r)) => keys.push((*r).clone()),
            (Keys::General(keys), KeyRef::General(w, r)) => keys.push(GenKey {
                words: (*w).into(),
                refs: (*r).into(),
            }),
            _ => unreachable!("key kinds follow the map's key layout"),
        }
        if !matches!(self.keys, Keys::Word(_)) {
            self.hashes.push(h);
        }
        let Self {
            keys,
            hashes,
            table,
            ..
        } = self;
        table.insert(h, i as u32, |e| entry_hash(keys, hashes, e));
        self.settle();
        (i, true)
    }

    /// Brings the meter's count of this map up to date (after tables grew or shrank;
    /// growth of the value vectors is counted at the next settle).
    fn settle(&mut self) {
        let bytes = self.heap_bytes();
        self.charged.settle(bytes);
    }

    /// The bytes the map holds: itself (it is boxed, see [`HeapObj`]) and its tables.
    fn heap_bytes(&self) -> usize {
        let keys = match &self.keys {
            Keys::Word(ks) => bytes_of::<u64>(ks.capacity()),
            Keys::Ref(ks) => bytes_of::<Option<Obj>>(ks.capacity()),
            Keys::General(ks) => {
                let per_key = (self.key.words as usize + self.key.refs as usize) * 8;
                bytes_of::<GenKey>(ks.capacity()) + ks.len() * per_key
            }
        };
        size_of::<MapObj>()
            + keys
            + bytes_of::<u64>(self.hashes.capacity())
            + bytes_of::<u32>(self.table.heads.capacity())
            + bytes_of::<u32>(self.table.next.capacity())
            + bytes_of::<u64>(self.vwords.capacity())
            + bytes_of::<Option<Obj>>(self.vrefs.capacity())
    }

    /// Removes a key by moving the last entry's key into its place; returns its old
    /// index (the caller moves the values the same way).
    pub fn swap_remove_key(&mut self, k: &KeyRef) -> Option<usize> {
        let h = k.hash();
        let i = self.table.find(h, |i| self.key_is(i, k))?;
        let last = (self.len() - 1) as u32;
        let hash_last = self.hash_at(last);
        let Self {
            keys,
            hashes,
            table,
            ..
        } = self;
        table.remove(h, i, hash_last, last);
        match keys {
            Keys::Word(ks) => {
                ks.swap_remove(i as usize);
            }
            Keys::Ref(ks) => {
                ks.swap_remove(i as usize);
            }
            Keys::General(ks) => {
                ks.swap_remove(i as usize);
            }
        }
        if !hashes.is_empty() {
            hashes.swap_remove(i as usize);
        }
        Some(i as usize)
    }

    /// Entry `i`'s key as words and references (for reading it out).
    pub fn key_at(&self, i: usize) -> (ElemWords<'_>, &[Option<Obj>]) {
        match &self.keys {
            Keys::Word(keys) => (ElemWords::One([keys[i]]), &[]),
            Keys::Ref(keys) => (ElemWords::Slice(&[]), std::slice::from_ref(&keys[i])),
            Keys::General(keys) => (ElemWords::Slice(&keys[i].words), &keys[i].refs),
        }
    }

    pub fn val_at(&self, i: usize) -> (&[u64], &[Option<Obj>]) {
        let (w, r) = (self.val.words as usize, self.val.refs as usize);
        (
            &self.vwords[i * w..(i + 1) * w],
            &self.vrefs[i * r..(i + 1) * r],
        )
    }

    pub fn clear(&mut self) {
        match &mut self.keys {
            Keys::Word(keys) => keys.clear(),
            Keys::Ref(keys) => keys.clear(),
            Keys::General(keys) => keys.clear(),
        }
        self.hashes.clear();
        self.table = Table::default();
        self.vwords.clear();
        self.vrefs.clear();
        self.settle();
    }
}

/// A one-word key is its own hash; other keys' hashes are kept beside them.
#[inline]
fn entry_hash(keys: &Keys, hashes: &[u64], i: u32) -> u64 {
    match keys {
        Keys::Word(ks) => ks[i as usize],
        _ => hashes[i as usize],
    }
}

/// A chained hash table of entry indices, laid out as Lua lays out its tables' hash
/// part: a bucket array (power-of-two length, at least one bucket per entry) whose
/// bucket `hash % (len - 1 | 1)` heads a chain linked through `next` (one link per
/// entry). The odd modulus keeps keys that follow a pattern (sequential, strided)
/// close together in memory, which matters more for big maps than anything else;
/// chaining keeps absent keys cheap to look up whatever the pattern.
#[derive(Clone, Default)]
struct Table {
    heads: Vec<u32>,
    /// Entry `i`'s successor in its bucket's chain; its length is the map's length.
    next: Vec<u32>,
    modulus: u64,
}

const NONE: u32 = u32::MAX;

impl Table {
    #[inline(always)]
    fn bucket(&self, hash: u64) -> usize {
        (hash % self.modulus) as usize
    }

    #[inline]
    fn find(&self, hash: u64, mut is_key: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.next.is_empty() {
            return None;
        }
        let mut i = self.heads[self.bucket(hash)];
        while i != NONE {
            if is_key(i) {
                return Some(i);
            }
            i = self.next[i as usize];
        }
        None
    }

    /// Adds entry `idx` (the next index), growing the buckets when every one is used.
    fn insert(&mut self, hash: u64, idx: u32, hash_of: impl Fn(u32) -> u64) {
        if self.next.len() + 1 > self.heads.len() {
            self.rebuild((self.heads.len() * 2).max(8), hash_of);
        }
        let b = self.bucket(hash);
        self.next.push(self.heads[b]);
        self.heads[b] = idx;
    }

    fn rebuild(&mut self, buckets: usize, hash_of: impl Fn(u32) -> u64) {
        self.heads = vec![NONE; buckets];
        self.modulus = (buckets as u64 - 1) | 1;
        for i in 0..self.next.len() as u32 {
            let b = self.bucket(hash_of(i));
            self.next[i as usize] = self.heads[b];
            self.heads[b] = i;
        }
    }

    /// Points whatever links to entry `from` in its chain at `to` instead.
    fn relink(&mut self, hash: u64, from: u32, to: u32) {
        let b = self.bucket(hash);
        if self.heads[b] == from {
            self.heads[b] = to;
            return;
        }
        let mut p = self.heads[b];
        while self.next[p as usize] != from {
            p = self.next[p as usize];
        }
        self.next[p as usize] = to;
    }

    /// Removes entry `i`, then renumbers the last entry as `i` (a swap-remove).
    fn remove(&mut self, hash: u64, i: u32, hash_last: u64, last: u32) {
        let after = self.next[i as usize];
        self.relink(hash, i, after);
        if i != last {
            self.relink(hash_last, last, i);
            self.next[i as usize] = self.next[last as usize];
        }
        self.next.pop();
    }
}

// ---- content hashing and equality of heap objects (for map keys) ----

pub(crate) fn hash_ref<H: Hasher>(r: &Option<Obj>, h: &mut H) {
    match r {
        None => 0u8.hash(h),
        Some(o) => match o.get() {
            HeapObj::Str(s) => s.as_bytes().hash(h),
            HeapObj::Vec(v) => {
                v.len.hash(h);
                v.bytes.hash(h);
                v.words.hash(h);
                for r in &v.refs {
                    hash_ref(r, h);
                }
            }
            // Equal maps may list their entries in different orders: hash the length.
            HeapObj::Map(m) => m.len().hash(h),
            // Trait objects are equal only to themselves.
            HeapObj::Dyn(d) => (d as *const DynObj as usize).hash(h),
        },
    }
}

pub(crate) fn eq_ref(a: &Option<Obj>, b: &Option<Obj>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            if Obj::ptr_eq(a, b) {
                return true;
            }
            match (a.get(), b.get()) {
                (HeapObj::Str(x), HeapObj::Str(y)) => x == y,
                (HeapObj::Vec(x), HeapObj::Vec(y)) => {
                    x.len == y.len
                        && x.shape == y.shape
                        && x.bytes == y.bytes
                        && x.words == y.words
                        && x.refs.iter().zip(&y.refs).all(|(p, q)| eq_ref(p, q))
                }
                (HeapObj::Map(x), HeapObj::Map(y)) => maps_equal_untyped(x, y),
                _ => false,
            }
        }
        _ => false,
    }
}

fn maps_equal_untyped(x: &MapObj, y: &MapObj) -> bool {
    if x.len() != y.len() || x.key != y.key || x.val != y.val {
        return false;
    }
    (0..x.len()).all(|i| {
        let (kw, kr) = x.key_at(i);
        let Some(j) = y.find(&y.key_ref(&kw, kr)) else {
            return false;
        };
        let ((aw, ar), (bw, br)) = (x.val_at(i), y.val_at(j));
        aw == bw && ar.iter().zip(br).all(|(p, q)| eq_ref(p, q))
    })
}

fn hash_general<H: Hasher>(words: &[u64], refs: &[Option<Obj>], h: &mut H) {
    words.hash(h);
    for r in refs {
        hash_ref(r, h);
    }
}

fn eq_general(w1: &[u64], r1: &[Option<Obj>], w2: &[u64], r2: &[Option<Obj>]) -> bool {
    w1 == w2 && r1.len() == r2.len() && r1.iter().zip(r2).all(|(a, b)| eq_ref(a, b))
}

/// The heap layout generated code reads is [`dast_abi::heap`]'s: these assertions tie
/// the objects above to it, so a change to either fails to compile. What they rely on:
/// `Inner` is `repr(C)` (the count, then the object); `HeapObj` is `repr(u8)`, so a
/// variant is laid out as the `repr(C)` struct `(u8, fields)` mirrored here; `VecObj`,
/// `VecShape` and the buffers are `repr(C)`; a reference slot is one pointer, null when
/// empty.
mod abi_layout {
    use std::mem::offset_of;

    use dast_abi::heap as abi;

    use super::{ElemKind, Inner, VecObj, VecShape};
    use crate::buf::StrBuf;
    use crate::dynobj::{DynObj, VTable};

    #[repr(C)]
    struct VecVariant(u8, VecObj);

    #[repr(C)]
    struct StrVariant(u8, StrBuf);

    #[repr(C)]
    struct DynVariant(u8, DynObj);

    const OBJ: usize = offset_of!(Inner, obj);
    const VEC: usize = OBJ + offset_of!(VecVariant, 1);
    const SHAPE: usize = VEC + offset_of!(VecObj, shape);
    const STR: usize = OBJ + offset_of!(StrVariant, 1);
    const DYN: usize = OBJ + offset_of!(DynVariant, 1);

    const fn at(offset: usize) -> i32 {
        offset as i32
    }

    const _: () = {
        assert!(at(offset_of!(Inner, count)) == abi::COUNT);
        assert!(at(OBJ) == abi::TAG);
        assert!(at(VEC + offset_of!(VecObj, len)) == abi::VEC_LEN);
        assert!(at(SHAPE + offset_of!(VecShape, kind)) == abi::VEC_KIND);
        assert!(at(SHAPE + offset_of!(VecShape, wpe)) == abi::VEC_WPE);
        assert!(at(SHAPE + offset_of!(VecShape, rpe)) == abi::VEC_RPE);
        // Buffers are `RawBuf`-shaped (asserted in `buf.rs`): their starts suffice.
        assert!(at(VEC + offset_of!(VecObj, bytes)) == abi::VEC_BYTES.ptr);
        assert!(at(VEC + offset_of!(VecObj, words)) == abi::VEC_WORDS.ptr);
        assert!(at(VEC + offset_of!(VecObj, refs)) == abi::VEC_REFS.ptr);
        assert!(at(STR) == abi::STR_TEXT.ptr);
        assert!(at(DYN + offset_of!(DynObj, vtable)) == abi::DYN_VTABLE);
        assert!(at(DYN + offset_of!(DynObj, inst)) == abi::DYN_INST);
        assert!(at(DYN + offset_of!(DynObj, payload)) == abi::DYN_PAYLOAD);
        assert!(at(offset_of!(VTable, native)) == abi::VTABLE_NATIVE);
        assert!(at(offset_of!(VTable, inst)) == abi::VTABLE_INST);
        assert!(ElemKind::Bool as u8 == abi::KIND_BOOL);
        assert!(ElemKind::U8 as u8 == abi::KIND_U8);
        assert!(ElemKind::I8 as u8 == abi::KIND_I8);
        assert!(ElemKind::Words as u8 == abi::KIND_WORDS);
        assert!(size_of::<Option<super::Obj>>() as i64 == dast_abi::REF_SLOT_BYTES);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map against a plain vector of entries with the same swap-remove order.
    #[test]
    fn map_matches_a_simple_model() {
        for key_range in [8u64, 64, 5000, u64::MAX] {
            let mut map = MapObj::new(Layout::WORD, Layout::WORD);
            let mut model: Vec<(u64, u64)> = Vec::new();
            let mut x = 0x2545_F491_4F6C_DD1Du64;
            // Miri interprets every step: a shorter run still grows and shrinks tables.
            let steps = if cfg!(miri) { 400 } else { 20_000u64 };
            for step in 0..steps {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let k = if key_range == u64::MAX {
                    x
                } else {
                    x % key_range
                };
                let key = KeyRef::Word(k);
                match x % 3 {
                    0 | 1 => {
                        let (i, new) = map.insert_key(&key);
                        match model.iter().position(|e| e.0 == k) {
                            Some(j) => {
                                assert!(!new);
                                assert_eq!(i, j);
                                model[j].1 = step;
                                map.vwords[i] = step;
                            }
                            None => {
                                assert!(new);
                                assert_eq!(i, model.len());
                                model.push((k, step));
                                map.vwords.push(step);
                            }
                        }
                    }
                    _ => {
                        let removed = map.swap_remove_key(&key);
                        let j = model.iter().position(|e| e.0 == k);
                        assert_eq!(removed, j);
                        if let Some(j) = j {
                            model.swap_remove(j);
                            map.vwords.swap_remove(j);
                        }
                    }
                }
                assert_eq!(map.len(), model.len());
            }
            for (i, (k, v)) in model.iter().enumerate() {
                assert_eq!(map.find(&KeyRef::Word(*k)), Some(i));
                assert_eq!(map.vwords[i], *v);
                let (kw, _) = map.key_at(i);
                assert_eq!(kw[0], *k);
            }
            assert_eq!(map.find(&KeyRef::Word(u64::MAX - 1)), None);
        }
    }

    #[test]
    fn string_keys_compare_by_content() {
        let mut map = MapObj::new(Layout::REF, Layout::ZERO);
        let a1 = Some(Obj::string("a".into()));
        let a2 = Some(Obj::string("a".into()));
        let b = Some(Obj::string("b".into()));
        assert_eq!(map.insert_key(&KeyRef::Ref(&a1)), (0, true));
        assert_eq!(map.insert_key(&KeyRef::Ref(&b)), (1, true));
        assert_eq!(map.insert_key(&KeyRef::Ref(&a2)), (0, false));
        assert_eq!(map.swap_remove_key(&KeyRef::Ref(&a2)), Some(0));
        assert_eq!(map.find(&KeyRef::Ref(&b)), Some(0));
        assert_eq!(map.find(&KeyRef::Ref(&a1)), None);
    }

    /// Reads a field of the object `o` points at, as generated code does.
    unsafe fn field<T: Copy>(o: &Obj, offset: i32) -> T {
        // SAFETY: the caller keeps this function's contract (its `# Safety` section);
        // each step below relies only on it.
        unsafe { std::ptr::read((o.0.as_ptr() as *const u8).offset(offset as isize) as *const T) }
    }

    #[test]
    fn an_object_header_is_as_large_as_a_vector_not_a_map() {
        // One allocation per string or vector header: the largest inline variant is the
        // vector's (a map lives behind a box).
        assert!(size_of::<HeapObj>() <= size_of::<VecObj>() + 8);
        assert!(size_of::<Inner>() <= 112, "{}", size_of::<Inner>());
    }

    #[test]
    fn the_abi_layout_matches_objects() {
        use dast_abi::heap::{
            BufFields, COUNT, KIND_I8, KIND_WORDS, STR_TEXT, TAG, TAG_STR, TAG_VEC, VEC_BYTES,
            VEC_KIND, VEC_LEN, VEC_REFS, VEC_RPE, VEC_WORDS, VEC_WPE,
        };
        let _: BufFields = VEC_REFS;
        const VEC_WORDS_PTR: i32 = VEC_WORDS.ptr;
        const VEC_BYTES_PTR: i32 = VEC_BYTES.ptr;
        const VEC_REFS_PTR: i32 = VEC_REFS.ptr;
        let words = VecShape {
            kind: ElemKind::Words,
            wpe: 3,
            rpe: 0,
        };
        let mut v = VecObj::new(words);
        for i in 0..5u64 {
            v.push_cloned(&[i, 10 * i, 100 * i], &[]);
        }
        let o = Obj::new(HeapObj::Vec(v));
        let copy = o.clone();
        let HeapObj::Vec(v) = o.get() else {
            unreachable!()
        };
        // SAFETY: the objects are alive, and the offsets are the ABI's, which
        // `abi_layout` ties to their types.
        unsafe {
            assert_eq!(field::<usize>(&o, COUNT), 2);
            assert_eq!(field::<u8>(&o, TAG), TAG_VEC);
            assert_eq!(field::<usize>(&o, VEC_LEN), 5);
            assert_eq!(field::<u32>(&o, VEC_WPE), 3);
            assert_eq!(field::<u8>(&o, VEC_KIND), KIND_WORDS);
            assert_eq!(field::<*const u64>(&o, VEC_WORDS_PTR), v.words.as_ptr());
        }
        drop(copy);
        for kind in [ElemKind::Bool, ElemKind::U8, ElemKind::I8] {
            let shape = VecShape {
                kind,
                wpe: 0,
                rpe: 0,
            };
            let mut v = VecObj::new(shape);
            v.push_cloned(&[1], &[]);
            let o = Obj::new(HeapObj::Vec(v));
            let HeapObj::Vec(v) = o.get() else {
                unreachable!()
            };
            // SAFETY: the objects are alive, and the offsets are the ABI's, which
            // `abi_layout` ties to their types.
            unsafe {
                assert_eq!(field::<usize>(&o, COUNT), 1);
                assert_eq!(field::<u8>(&o, VEC_KIND), kind as u8);
                assert_eq!(field::<u32>(&o, VEC_WPE), 0);
                assert_eq!(field::<*const u8>(&o, VEC_BYTES_PTR), v.bytes.as_ptr());
            }
        }
        assert_eq!(KIND_I8, ElemKind::I8 as u8);
        let with_refs = VecShape {
            kind: ElemKind::Words,
            wpe: 1,
            rpe: 2,
        };
        let mut v = VecObj::new(with_refs);
        v.push_cloned(&[7], &[Some(Obj::string("a".into())), None]);
        let o = Obj::new(HeapObj::Vec(v));
        let HeapObj::Vec(v) = o.get() else {
            unreachable!()
        };
        // SAFETY: the objects are alive, and the offsets are the ABI's, which
        // `abi_layout` ties to their types.
        unsafe {
            assert_eq!(field::<u32>(&o, VEC_RPE), 2);
            assert_eq!(
                field::<*const Option<Obj>>(&o, VEC_REFS_PTR),
                v.refs.as_ptr()
            );
        }
        let mut v = VecObj::new(words);
        v.words.reserve(50);
        v.push_cloned(&[1, 2, 3], &[]);
        let o = Obj::new(HeapObj::Vec(v));
        let f = VEC_WORDS;
        // SAFETY: the objects are alive, and the offsets are the ABI's, which
        // `abi_layout` ties to their types.
        unsafe {
            assert_eq!(field::<usize>(&o, f.len), 3);
            assert!(field::<usize>(&o, f.cap) >= 50);
            assert_eq!(f.ptr, VEC_WORDS_PTR);
        }
        let mut v = VecObj::new(VecShape {
            kind: ElemKind::U8,
            wpe: 0,
            rpe: 0,
        });
        v.bytes.reserve(70);
        v.push_cloned(&[9], &[]);
        let o = Obj::new(HeapObj::Vec(v));
        let f = VEC_BYTES;
        // SAFETY: the objects are alive, and the offsets are the ABI's, which
        // `abi_layout` ties to their types.
        unsafe {
            assert_eq!(field::<usize>(&o, f.len), 1);
            assert!(field::<usize>(&o, f.cap) >= 70);
            assert_eq!(f.ptr, VEC_BYTES_PTR);
        }
        let mut text = String::with_capacity(100);
        text.push_str("hello");
        let s = Obj::string(text);
        let HeapObj::Str(text) = s.get() else {
            unreachable!()
        };
        let f = STR_TEXT;
        // SAFETY: the objects are alive, and the offsets are the ABI's, which
        // `abi_layout` ties to their types.
        unsafe {
            assert_eq!(field::<u8>(&s, TAG), TAG_STR);
            assert_eq!(field::<*const u8>(&s, f.ptr), text.as_ptr());
            assert_eq!(field::<usize>(&s, f.len), 5);
            assert_eq!(field::<usize>(&s, f.cap), 100);
        }
        for other in [
            Obj::string("x".into()),
            Obj::new(HeapObj::Map(Box::new(MapObj::new(
                Layout::WORD,
                Layout::WORD,
            )))),
        ] {
            // SAFETY: the objects are alive, and the offsets are the ABI's, which
            // `abi_layout` ties to their types.
            assert_ne!(unsafe { field::<u8>(&other, TAG) }, TAG_VEC);
        }
    }
}
