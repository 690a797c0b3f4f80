//! Heap objects as generated code reads them: the layouts the runtime's objects must
//! have (`dast-vm` asserts each offset at compile time), written as `repr(C)` mirror
//! structs whose `offset_of!`s are the constants below.
//!
//! A heap object is a counted block: the count (`usize`; one means unique, so
//! writable in place), then the object, which starts with a one-byte tag ([`TAG_STR`],
//! [`TAG_VEC`], [`TAG_MAP`]) followed by the variant's fields, laid out as a `repr(C)`
//! struct `(u8, fields)` (Rust's `repr(u8)` enums guarantee exactly this).
//!
//! Buffers are the runtime's own [`RawBuf`]: a data pointer, a length and a capacity
//! (in elements), in this order. No standard-library type appears here, so a Rust
//! upgrade cannot move a field generated code reads.
//!
//! Generated code only reads these fields, writes elements of a vector whose count it
//! found to be one (copy-on-write is the runtime's, on the slow path), and appends to a
//! unique string or word vector within its capacity (copying the bytes or words and
//! growing the length).

use std::mem::offset_of;

/// A growable buffer: `len` elements in use of `cap` allocated at `ptr` (dangling and
/// aligned when `cap` is zero).
#[repr(C)]
#[derive(Debug)]
pub struct RawBuf {
    pub ptr: *mut u8,
    pub len: usize,
    pub cap: usize,
}

/// How a vector stores its elements (its `kind`), fixed values.
pub const KIND_BOOL: u8 = 0;
/// One byte per element, zero-extended.
pub const KIND_U8: u8 = 1;
/// One byte per element, sign-extended.
pub const KIND_I8: u8 = 2;
/// `wpe` words and `rpe` references per element.
pub const KIND_WORDS: u8 = 3;

/// The tag of a string.
pub const TAG_STR: u8 = 0;
/// The tag of a vector.
pub const TAG_VEC: u8 = 1;
/// The tag of a map (whose fields generated code never reads: maps go through the
/// runtime table's `map_find_word`/`map_insert_word`).
pub const TAG_MAP: u8 = 2;

/// The tag of a trait object (a handle: a vtable, the instance whose layout its value
/// has, and the boxed value).
pub const TAG_DYN: u8 = 3;

/// A trait object's fields after its tag.
#[repr(C)]
pub struct DynObj {
    /// The vtable (`VTable`), shared by every object of the type and trait.
    pub vtable: *const VTable,
    /// The instance (module version) whose layout the boxed value has (`u32`).
    pub inst: u32,
    /// The boxed value (a reference slot; empty while a `&mut self` method runs).
    pub payload: usize,
}

/// The start of a vtable as generated code reads it.
#[repr(C)]
pub struct VTable {
    /// One body address per method (zero when the method's code is not machine code
    /// of this process: generated code then asks the runtime).
    pub native: *const usize,
    /// The instance whose code the entries are; an object whose `inst` differs has a
    /// value of an older layout, which the runtime migrates first.
    pub inst: u32,
}

/// The trait-object variant: tag, then the object.
#[repr(C)]
pub struct DynVariant {
    pub tag: u8,
    pub obj: DynObj,
}

const DYN: usize = offset_of!(Counted<DynVariant>, obj) + offset_of!(DynVariant, obj);
/// A trait object's vtable pointer.
pub const DYN_VTABLE: i32 = (DYN + offset_of!(DynObj, vtable)) as i32;
/// A trait object's instance (`u32`).
pub const DYN_INST: i32 = (DYN + offset_of!(DynObj, inst)) as i32;
/// A trait object's boxed value (a reference slot).
pub const DYN_PAYLOAD: i32 = (DYN + offset_of!(DynObj, payload)) as i32;
/// A vtable's method table pointer.
pub const VTABLE_NATIVE: i32 = offset_of!(VTable, native) as i32;
/// A vtable's instance (`u32`).
pub const VTABLE_INST: i32 = offset_of!(VTable, inst) as i32;

/// A vector's element shape.
#[repr(C)]
pub struct VecShape {
    pub kind: u8,
    /// Words per element (zero for byte vectors).
    pub wpe: u32,
    /// References per element.
    pub rpe: u32,
}

/// A vector: `len` elements in `bytes` (byte kinds) or in `words`/`refs` (`wpe`/`rpe`
/// per element, element `i` at `i * wpe` / `i * rpe`).
#[repr(C)]
pub struct VecObj {
    pub shape: VecShape,
    pub len: usize,
    pub bytes: RawBuf,
    pub words: RawBuf,
    /// Reference slots (`crate::RefSlot`, zero when empty).
    pub refs: RawBuf,
}

/// The string variant: tag, then the UTF-8 bytes.
#[repr(C)]
pub struct StrVariant {
    pub tag: u8,
    pub text: RawBuf,
}

/// The vector variant: tag, then the vector.
#[repr(C)]
pub struct VecVariant {
    pub tag: u8,
    pub vec: VecObj,
}

/// A counted heap object holding variant `V`.
#[repr(C)]
pub struct Counted<V> {
    pub count: usize,
    pub obj: V,
}

const VEC: usize = offset_of!(Counted<VecVariant>, obj) + offset_of!(VecVariant, vec);
const SHAPE: usize = VEC + offset_of!(VecObj, shape);
const STR: usize = offset_of!(Counted<StrVariant>, obj) + offset_of!(StrVariant, text);

/// The reference count (`usize`).
pub const COUNT: i32 = offset_of!(Counted<VecVariant>, count) as i32;
/// The object's tag (`u8`).
pub const TAG: i32 = offset_of!(Counted<VecVariant>, obj) as i32;
/// A vector's length in elements (`usize`).
pub const VEC_LEN: i32 = (VEC + offset_of!(VecObj, len)) as i32;
/// A vector's element kind (`u8`).
pub const VEC_KIND: i32 = (SHAPE + offset_of!(VecShape, kind)) as i32;
/// A word vector's words per element (`u32`; zero for byte vectors).
pub const VEC_WPE: i32 = (SHAPE + offset_of!(VecShape, wpe)) as i32;
/// A word vector's references per element (`u32`).
pub const VEC_RPE: i32 = (SHAPE + offset_of!(VecShape, rpe)) as i32;

/// Where a buffer's parts are: offsets (from the object) of its data pointer, length
/// and capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufFields {
    pub ptr: i32,
    pub len: i32,
    pub cap: i32,
}

const fn buf_at(base: usize) -> BufFields {
    BufFields {
        ptr: (base + offset_of!(RawBuf, ptr)) as i32,
        len: (base + offset_of!(RawBuf, len)) as i32,
        cap: (base + offset_of!(RawBuf, cap)) as i32,
    }
}

/// A string's bytes (length and capacity in bytes).
pub const STR_TEXT: BufFields = buf_at(STR);
/// A word vector's words (length and capacity in words).
pub const VEC_WORDS: BufFields = buf_at(VEC + offset_of!(VecObj, words));
/// A byte vector's bytes.
pub const VEC_BYTES: BufFields = buf_at(VEC + offset_of!(VecObj, bytes));
/// A word vector's reference slots.
pub const VEC_REFS: BufFields = buf_at(VEC + offset_of!(VecObj, refs));

/// A digest of every constant above: a library records the one it was compiled
/// against, and the loader refuses one made for another heap layout.
pub const FINGERPRINT: u64 = {
    let parts = [
        COUNT as u64,
        TAG as u64,
        TAG_STR as u64,
        TAG_VEC as u64,
        TAG_MAP as u64,
        TAG_DYN as u64,
        DYN_VTABLE as u64,
        DYN_INST as u64,
        DYN_PAYLOAD as u64,
        VTABLE_NATIVE as u64,
        VTABLE_INST as u64,
        VEC_LEN as u64,
        VEC_KIND as u64,
        VEC_WPE as u64,
        VEC_RPE as u64,
        KIND_BOOL as u64,
        KIND_U8 as u64,
        KIND_I8 as u64,
        KIND_WORDS as u64,
        STR_TEXT.ptr as u64,
        STR_TEXT.len as u64,
        STR_TEXT.cap as u64,
        VEC_WORDS.ptr as u64,
        VEC_WORDS.len as u64,
        VEC_WORDS.cap as u64,
        VEC_BYTES.ptr as u64,
        VEC_BYTES.len as u64,
        VEC_BYTES.cap as u64,
        VEC_REFS.ptr as u64,
        VEC_REFS.len as u64,
        VEC_REFS.cap as u64,
    ];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < parts.len() {
        h ^= parts[i];
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_the_documented_one_on_64_bit_targets() {
        // What generated code was written against: count, tag, then the variant's
        // fields at the next 8-byte boundary; buffers as (ptr, len, cap).
        assert_eq!((COUNT, TAG), (0, 8));
        assert_eq!((VEC_KIND, VEC_WPE, VEC_RPE, VEC_LEN), (16, 20, 24, 32));
        assert_eq!(
            VEC_BYTES,
            BufFields {
                ptr: 40,
                len: 48,
                cap: 56
            }
        );
        assert_eq!(
            VEC_WORDS,
            BufFields {
                ptr: 64,
                len: 72,
                cap: 80
            }
        );
        assert_eq!(
            VEC_REFS,
            BufFields {
                ptr: 88,
                len: 96,
                cap: 104
            }
        );
        assert_eq!(
            STR_TEXT,
            BufFields {
                ptr: 16,
                len: 24,
                cap: 32
            }
        );
    }
}
