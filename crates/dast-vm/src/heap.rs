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
use rustc_hash::FxHasher;

/// A counted pointer to a heap object (`Send + Sync`, so programs can move between
/// threads).
///
/// Like `Arc<HeapObj>` without weak counts: the uniqueness test of copy-on-write, done on
/// every mutation, is then a single atomic load instead of `Arc::make_mut`'s
/// compare-and-swap.
pub(crate) struct Obj(NonNull<Inner>);

struct Inner {
    count: AtomicUsize,
    obj: HeapObj,
}

// SAFETY: `Obj` shares a `HeapObj` like `Arc` does: the object is only mutated through
// `make_mut`, which requires the count to be one (no other `Obj` can see it), and the
// count is atomic. `HeapObj` is `Send + Sync`.
unsafe impl Send for Obj {}
unsafe impl Sync for Obj {}

impl Obj {
    pub fn new(h: HeapObj) -> Obj {
        let inner = Box::new(Inner {
            count: AtomicUsize::new(1),
            obj: h,
        });
        Obj(NonNull::from(Box::leak(inner)))
    }

    pub fn string(s: String) -> Obj {
        Obj::new(HeapObj::Str(s))
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
        std::sync::atomic::fence(Ordering::Acquire);
        // SAFETY: that was the last reference; the allocation came from `Box::new`.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

#[derive(Clone)]
pub(crate) enum HeapObj {
    Str(String),
    Vec(VecObj),
    Map(MapObj),
}

impl HeapObj {
    pub fn kind_name(&self) -> &'static str {
        match self {
            HeapObj::Str(_) => "a string",
            HeapObj::Vec(_) => "a vector",
            HeapObj::Map(_) => "a map",
        }
    }
}

/// How a vector stores its elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ElemKind {
    /// One byte per element, read back as 0/1.
    Bool,
    /// One byte per element, zero-extended.
    U8,
    /// One byte per element, sign-extended.
    I8,
    /// `wpe` words and `rpe` references per element.
    Words,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
pub(crate) struct VecObj {
    pub shape: VecShape,
    pub len: usize,
    pub bytes: Vec<u8>,
    pub words: Vec<u64>,
    pub refs: Vec<Option<Obj>>,
}

impl VecObj {
    pub fn new(shape: VecShape) -> VecObj {
        VecObj {
            shape,
            len: 0,
            bytes: Vec::new(),
            words: Vec::new(),
            refs: Vec::new(),
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
        if self.shape.is_bytes() {
            self.bytes.push(words[0] as u8);
        } else {
            self.words.extend_from_slice(words);
            self.refs.extend(refs.iter_mut().map(Option::take));
        }
        self.len += 1;
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
        drop_refs(&mut self.refs);
    }
}

impl Drop for MapObj {
    fn drop(&mut self) {
        drop_refs(&mut self.vrefs);
    }
}

fn drop_refs(refs: &mut Vec<Option<Obj>>) {
    let mut deep: Vec<Obj> = Vec::new();
    let keep_deep = |o: Obj, deep: &mut Vec<Obj>| {
        // Strings and shared objects drop without recursion; keep the rest for later.
        if has_refs(o.get()) && o.is_unique() {
            deep.push(o);
        }
    };
    for o in refs.drain(..).flatten() {
        keep_deep(o, &mut deep);
    }
    while let Some(o) = deep.pop() {
        if let Ok(mut inner) = o.try_unwrap() {
            let children = match &mut inner {
                HeapObj::Vec(v) => std::mem::take(&mut v.refs),
                HeapObj::Map(m) => std::mem::take(&mut m.vrefs),
                HeapObj::Str(_) => Vec::new(),
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
/// open-addressing [`Table`] of entry indices. `remove` is a swap-remove: the last entry
/// takes the removed one's place, as `IndexMap::swap_remove`.
#[derive(Clone)]
pub(crate) struct MapObj {
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
        MapObj {
            key,
            val,
            keys,
            hashes: Vec::new(),
            table: Table::default(),
            vwords: Vec::new(),
            vrefs: Vec::new(),
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.table.len
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
        match &self.keys {
            Keys::Word(keys) => keys[i as usize],
            _ => self.hashes[i as usize],
        }
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
        if self.table.needs_growth() {
            let cap = self.table.slots.len() * 2;
            let mut bigger = Table::with_capacity(cap);
            for e in 0..i as u32 {
                bigger.place(self.hash_at(e), e);
            }
            bigger.len = i;
            self.table = bigger;
        }
        self.table.place(h, i as u32);
        self.table.len += 1;
        (i, true)
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
        let hash_of = |e: u32| match &*keys {
            Keys::Word(ks) => ks[e as usize],
            _ => hashes[e as usize],
        };
        table.remove(h, i, hash_of);
        if i != last {
            table.renumber(hash_last, last, i);
        }
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
    }
}

/// An open-addressing hash table of entry indices (linear probing, at most half full).
/// A slot is one word: 32 bits of the key's mixed hash (a tag that rules out most
/// non-matching entries without reading them) and the 32-bit entry index. Small slots
/// keep a big table in cache; the hashes themselves live with the keys.
#[derive(Clone, Default)]
struct Table {
    slots: Vec<u64>,
    len: usize,
}

const EMPTY: u64 = u64::MAX;

/// Asks Linux to back a big table with huge pages: lookups in a multi-megabyte table
/// land on random pages, and with 4 KiB pages nearly every one is a TLB miss (this
/// halves the cost of a lookup in a 1M-entry map). Only a hint; errors are ignored.
fn advise_huge_pages(slots: &[u64]) {
    #[cfg(target_os = "linux")]
    {
        const MADV_HUGEPAGE: i32 = 14;
        const HUGE_PAGE: usize = 2 << 20;
        extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
        }
        let bytes = std::mem::size_of_val(slots);
        if bytes < 2 * HUGE_PAGE {
            return;
        }
        // The advice applies to whole pages inside the buffer.
        let start = (slots.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
        let end = (slots.as_ptr() as usize + bytes) & !(HUGE_PAGE - 1);
        if end > start {
            // SAFETY: the range lies inside `slots`' allocation; madvise only changes how
            // the kernel backs those pages, never their contents.
            unsafe {
                madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = slots;
}

/// Fibonacci hashing: a multiplication spreads any key pattern over the top bits.
#[inline(always)]
fn mix(hash: u64) -> u64 {
    hash.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Table {
    fn with_capacity(cap: usize) -> Table {
        let slots = vec![EMPTY; cap.max(8)];
        advise_huge_pages(&slots);
        Table { slots, len: 0 }
    }

    fn needs_growth(&self) -> bool {
        (self.len + 1) * 2 > self.slots.len()
    }

    #[inline(always)]
    fn home(&self, mixed: u64) -> usize {
        (mixed >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    #[inline(always)]
    fn tag(mixed: u64) -> u64 {
        (mixed >> 8) << 32
    }

    #[inline]
    fn find(&self, hash: u64, mut is_key: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mixed = mix(hash);
        let tag = Self::tag(mixed);
        let mut at = self.home(mixed);
        loop {
            let slot = self.slots[at];
            if slot == EMPTY {
                return None;
            }
            if slot & !0xFFFF_FFFF == tag && is_key(slot as u32) {
                return Some(slot as u32);
            }
            at = (at + 1) & mask;
        }
    }

    /// Puts entry `idx` in the first free slot of its probe run (the caller keeps `len`
    /// and the load factor).
    fn place(&mut self, hash: u64, idx: u32) {
        if self.slots.is_empty() {
            *self = Table::with_capacity(8);
        }
        let mask = self.slots.len() - 1;
        let mixed = mix(hash);
        let mut at = self.home(mixed);
        while self.slots[at] != EMPTY {
            at = (at + 1) & mask;
        }
        self.slots[at] = Self::tag(mixed) | idx as u64;
    }

    fn slot_of(&self, hash: u64, idx: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = self.home(mix(hash));
        while self.slots[at] as u32 != idx || self.slots[at] == EMPTY {
            at = (at + 1) & mask;
        }
        at
    }

    /// Removes entry `idx` (present), shifting later slots of its probe run back so
    /// lookups need no tombstones.
    fn remove(&mut self, hash: u64, idx: u32, hash_of: impl Fn(u32) -> u64) {
        let mask = self.slots.len() - 1;
        let mut hole = self.slot_of(hash, idx);
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let s = self.slots[at];
            if s == EMPTY {
                break;
            }
            // A slot may move into the hole unless its home is cyclically in (hole, at].
            let home = self.home(mix(hash_of(s as u32)));
            let stays = if hole <= at {
                hole < home && home <= at
            } else {
                hole < home || home <= at
            };
            if !stays {
                self.slots[hole] = s;
                hole = at;
            }
        }
        self.slots[hole] = EMPTY;
        self.len -= 1;
    }

    /// Entry `from` is now entry `to`.
    fn renumber(&mut self, hash: u64, from: u32, to: u32) {
        let at = self.slot_of(hash, from);
        self.slots[at] = (self.slots[at] & !0xFFFF_FFFF) | to as u64;
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
