//! The VM's own growable buffers, for the heap objects generated code reads: laid out
//! as [`dast_abi::heap::RawBuf`] (data pointer, length, capacity, in that order,
//! asserted below) rather than as std's `Vec`/`String`, whose field order Rust does not
//! fix.
//!
//! The buffers keep std's allocation and growth: a `Buf<T>` is exactly the parts of a
//! `Vec<T>` (allocated by the global allocator with `Vec`'s layout), and every growing
//! operation turns it back into that `Vec` for the duration of the call
//! ([`Buf::with_vec`]), so no allocation code is written here.
//!
//! What a buffer holds is counted by the heap meter (`meter.rs`): growth is checked
//! against an armed heap limit before it is made ([`Buf::check_room`]) and charged
//! after, and a freed buffer is credited.

use std::fmt;
use std::mem::{offset_of, ManuallyDrop};
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

use dast_abi::heap::RawBuf;

use crate::meter::{self, bytes_of};

/// A `Vec<T>` as (pointer, length, capacity), `repr(C)` (see the module docs).
#[repr(C)]
pub(crate) struct Buf<T> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
}

const _: () = {
    assert!(offset_of!(Buf<u64>, ptr) == offset_of!(RawBuf, ptr));
    assert!(offset_of!(Buf<u64>, len) == offset_of!(RawBuf, len));
    assert!(offset_of!(Buf<u64>, cap) == offset_of!(RawBuf, cap));
    assert!(size_of::<Buf<u8>>() == size_of::<RawBuf>());
};

// SAFETY: a `Buf<T>` owns its elements as a `Vec<T>` does.
unsafe impl<T: Send> Send for Buf<T> {}
// SAFETY: as above; shared access only reads.
unsafe impl<T: Sync> Sync for Buf<T> {}

impl<T> Buf<T> {
    pub const fn new() -> Buf<T> {
        assert!(
            size_of::<T>() != 0,
            "buffers of zero-sized elements are not used"
        );
        Buf {
            ptr: NonNull::dangling(),
            len: 0,
            cap: 0,
        }
    }

    /// Adopts a `Vec`'s allocation (refused past an armed heap limit, see `meter.rs`).
    pub fn from_vec(v: Vec<T>) -> Buf<T> {
        meter::check(bytes_of::<T>(v.capacity()));
        meter::charge(bytes_of::<T>(v.capacity()));
        Buf::adopt(v)
    }

    /// The buffer as a `Vec` again (which the meter no longer counts).
    pub fn into_vec(self) -> Vec<T> {
        meter::credit(bytes_of::<T>(self.cap));
        self.release()
    }

    fn adopt(v: Vec<T>) -> Buf<T> {
        let mut v = ManuallyDrop::new(v);
        Buf {
            // A `Vec`'s pointer is never null (dangling when nothing is allocated).
            ptr: NonNull::new(v.as_mut_ptr()).expect("a Vec's pointer is not null"),
            len: v.len(),
            cap: v.capacity(),
        }
    }

    fn release(self) -> Vec<T> {
        let me = ManuallyDrop::new(self);
        // SAFETY: the parts came from a `Vec<T>` (`adopt`, or `new`'s empty one,
        // which `Vec` also represents as dangling with capacity zero), and `me` is not
        // used again.
        unsafe { Vec::from_raw_parts(me.ptr.as_ptr(), me.len, me.cap) }
    }

    /// Runs `f` on the buffer as a `Vec` (how every growing operation is done) and
    /// charges the meter with the change of capacity. If `f` panics, the buffer is
    /// left empty and the elements are dropped.
    #[inline]
    pub fn with_vec<R>(&mut self, f: impl FnOnce(&mut Vec<T>) -> R) -> R {
        meter::credit(bytes_of::<T>(self.cap));
        let mut v = std::mem::take(self).release();
        let out = f(&mut v);
        meter::charge(bytes_of::<T>(v.capacity()));
        *self = Buf::adopt(v);
        out
    }

    /// Refuses (past an armed heap limit) the growth that making room for `more`
    /// elements would cause: the capacity `Vec` would grow to, as std grows it.
    #[inline]
    pub fn check_room(&self, more: usize) {
        if self.cap - self.len < more {
            meter::check(self.growth_bytes(more));
        }
    }

    /// The bytes a growth for `more` elements adds (std's amortized growth: at least
    /// double, at least the need, at least a small first capacity).
    pub fn growth_bytes(&self, more: usize) -> usize {
        if self.cap - self.len >= more {
            return 0;
        }
        let need = self.len.saturating_add(more);
        let first = match size_of::<T>() {
            1 => 8,
            n if n <= 1024 => 4,
            _ => 1,
        };
        let cap = need.max(self.cap.saturating_mul(2)).max(first);
        bytes_of::<T>(cap - self.cap)
    }

    #[inline]
    pub fn push(&mut self, x: T) {
        if self.len < self.cap {
            // SAFETY: within the capacity; the slot is uninitialized and becomes the
            // last element.
            unsafe { self.ptr.as_ptr().add(self.len).write(x) };
            self.len += 1;
        } else {
            self.grow_and_push(x);
        }
    }

    // The growing paths stay out of line: the fast paths above them are inlined into
    // the interpreter's instructions.
    #[cold]
    #[inline(never)]
    fn grow_and_push(&mut self, x: T) {
        self.check_room(1);
        self.with_vec(|v| v.push(x));
    }

    /// The last element, moved out (no allocation change).
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: the element at the old `len - 1` is initialized; `len` now excludes
        // it, so it is read once and never dropped here again.
        Some(unsafe { self.ptr.as_ptr().add(self.len).read() })
    }

    pub fn clear(&mut self) {
        self.with_vec(Vec::clear)
    }

    #[cfg(test)]
    pub fn reserve(&mut self, more: usize) {
        if self.cap - self.len < more {
            self.with_vec(|v| v.reserve(more))
        }
    }

    pub fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        let items = items.into_iter();
        self.check_room(items.size_hint().0);
        self.with_vec(|v| v.extend(items))
    }

    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    pub fn try_reserve_exact(
        &mut self,
        more: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        if self.cap - self.len < more {
            meter::check(bytes_of::<T>(self.len.saturating_add(more) - self.cap));
        }
        self.with_vec(|v| v.try_reserve_exact(more))
    }

    pub fn insert(&mut self, at: usize, x: T) {
        self.check_room(1);
        self.with_vec(|v| v.insert(at, x))
    }

    pub fn remove(&mut self, at: usize) -> T {
        self.with_vec(|v| v.remove(at))
    }

    /// Removes `range`'s elements, moving them into `out` (in order; `out` is at
    /// least as long as the range). No allocation; the tail shifts down.
    pub fn drain_into(&mut self, range: std::ops::Range<usize>, out: &mut [T]) {
        if range.end == self.len {
            // The common case (a pop): the elements at the end move out, nothing shifts.
            let start = range.start;
            assert!(start <= self.len && out.len() >= self.len - start);
            for (k, slot) in out.iter_mut().take(self.len - start).enumerate() {
                // SAFETY: `start + k < len`: an initialized element, read once; `len`
                // is lowered below so it is never read or dropped again.
                *slot = unsafe { self.ptr.as_ptr().add(start + k).read() };
            }
            self.len = start;
            return;
        }
        self.with_vec(|v| {
            for (slot, x) in out.iter_mut().zip(v.drain(range)) {
                *slot = x;
            }
        })
    }
}

impl<T> IntoIterator for Buf<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Buf<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Buf<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: PartialEq> PartialEq for Buf<T> {
    fn eq(&self, other: &Buf<T>) -> bool {
        **self == **other
    }
}

impl<T: Clone> Buf<T> {
    #[inline]
    pub fn extend_from_slice(&mut self, items: &[T]) {
        if self.cap - self.len < items.len() {
            return self.grow_and_extend(items);
        }
        for (i, x) in items.iter().enumerate() {
            // SAFETY: within the capacity (checked above); the slots are uninitialized.
            // A panicking `clone` only leaks the clones made so far (`len` is set after).
            unsafe { self.ptr.as_ptr().add(self.len + i).write(x.clone()) };
        }
        self.len += items.len();
    }

    #[cold]
    #[inline(never)]
    fn grow_and_extend(&mut self, items: &[T]) {
        self.check_room(items.len());
        self.with_vec(|v| v.extend_from_slice(items));
    }

    pub fn resize(&mut self, len: usize, x: T) {
        self.check_room(len.saturating_sub(self.len));
        self.with_vec(|v| v.resize(len, x))
    }
}

impl<T> Default for Buf<T> {
    fn default() -> Buf<T> {
        Buf::new()
    }
}

impl<T> Drop for Buf<T> {
    fn drop(&mut self) {
        drop(std::mem::take(self).into_vec());
    }
}

impl<T> Deref for Buf<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: `len` initialized elements at `ptr` (aligned, dangling when empty).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for Buf<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Clone> Clone for Buf<T> {
    fn clone(&self) -> Buf<T> {
        // Checked before the copy is made.
        meter::check(bytes_of::<T>(self.len));
        meter::charge(bytes_of::<T>(self.len));
        Buf::adopt(self.to_vec())
    }
}

impl<T> From<Vec<T>> for Buf<T> {
    fn from(v: Vec<T>) -> Buf<T> {
        Buf::from_vec(v)
    }
}

impl<T> FromIterator<T> for Buf<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Buf<T> {
        Buf::from_vec(iter.into_iter().collect())
    }
}

impl<T: fmt::Debug> fmt::Debug for Buf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A `String` as a [`Buf<u8>`] holding UTF-8 (every way in keeps it valid).
#[derive(Clone, Default)]
#[repr(transparent)]
pub(crate) struct StrBuf(Buf<u8>);

impl StrBuf {
    #[cfg(test)]
    pub fn into_string(self) -> String {
        // SAFETY: the bytes are UTF-8 (the type's invariant).
        unsafe { String::from_utf8_unchecked(self.0.into_vec()) }
    }

    pub fn as_str(&self) -> &str {
        self
    }

    pub fn push_str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes())
    }

    pub fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]))
    }
}

impl From<String> for StrBuf {
    fn from(s: String) -> StrBuf {
        StrBuf(Buf::from_vec(s.into_bytes()))
    }
}

impl From<&str> for StrBuf {
    fn from(s: &str) -> StrBuf {
        StrBuf::from(s.to_string())
    }
}

impl Deref for StrBuf {
    type Target = str;

    #[inline(always)]
    fn deref(&self) -> &str {
        // SAFETY: the bytes are UTF-8 (the type's invariant).
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl PartialEq for StrBuf {
    fn eq(&self, other: &StrBuf) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for StrBuf {}

impl fmt::Debug for StrBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for StrBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_behaves_as_the_vec_it_holds() {
        let mut b: Buf<u64> = Buf::new();
        for i in 0..100 {
            b.push(i);
        }
        b.extend_from_slice(&[7, 8]);
        assert_eq!(b.len(), 102);
        assert_eq!(b[99], 99);
        assert_eq!(b.remove(101), 8);
        let mut out = vec![0; 98];
        b.drain_into(3..101, &mut out);
        assert_eq!(out, (3..100).chain([7]).collect::<Vec<_>>());
        assert_eq!(&*b, &[0, 1, 2]);
        // From the end (a pop): nothing shifts.
        let mut last = [0];
        b.drain_into(2..3, &mut last);
        assert_eq!((last, &*b), ([2], &[0, 1][..]));
        assert_eq!(b.pop(), Some(1));
        b.push(1);
        b.push(2);
        let c = b.clone();
        b.clear();
        assert!(b.is_empty() && b.capacity() > 0);
        assert_eq!(c.into_vec(), vec![0, 1, 2]);
        let mut refs: Buf<Option<Box<u8>>> = (0..5).map(|i| Some(Box::new(i))).collect();
        assert_eq!(refs.len(), 5);
        // Owned elements move out exactly once, from the end and from the middle, and
        // what the slots held before is dropped (Miri checks both).
        let mut out = [Some(Box::new(9)), None];
        refs.drain_into(3..5, &mut out);
        assert_eq!(out, [Some(Box::new(3)), Some(Box::new(4))]);
        refs.drain_into(0..1, &mut out[..1]);
        assert_eq!(out[0], Some(Box::new(0)));
        assert_eq!(&*refs, &[Some(Box::new(1)), Some(Box::new(2))]);
        assert_eq!(refs.pop(), Some(Some(Box::new(2))));
        assert_eq!(refs.len(), 1);
    }

    #[test]
    fn a_string_buffer_stays_text() {
        let mut s = StrBuf::from("dast");
        s.push('é');
        s.push_str(" ok");
        assert_eq!(&*s, "dasté ok");
        assert_eq!(s.clone().into_string(), "dasté ok");
        assert_eq!(format!("{s:?} {s}"), "\"dasté ok\" dasté ok");
    }
}
