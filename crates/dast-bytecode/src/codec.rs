//! Little-endian primitives shared by the encoder and the decoder (see FORMAT.md).

use std::fmt;

/// Why a `.dbc` file could not be decoded: the byte offset where decoding stopped and what
/// was wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid .dbc file at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// Appends little-endian values to a byte buffer.
#[derive(Default)]
pub(crate) struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn bool(&mut self, v: bool) {
        self.u8(v as u8);
    }
    /// A count or length: u32. Panics only on a module with more than 4G items, which
    /// cannot exist in memory in practice.
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("more than u32::MAX items in a module table"));
    }
    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }
}

/// Reads little-endian values from a byte slice, never past its end.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub fn error<T>(&self, message: impl Into<String>) -> Result<T, DecodeError> {
        Err(self.error_at(self.pos, message))
    }

    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            message: message.into(),
        }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return self.error(format!(
                "unexpected end of file (needed {n} more bytes, {} left)",
                self.remaining()
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>()?[0])
    }
    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        let at = self.pos;
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.error_at(at, format!("invalid boolean byte {b}"))),
        }
    }

    pub fn char(&mut self) -> Result<char, DecodeError> {
        let at = self.pos;
        let v = self.u32()?;
        char::from_u32(v).ok_or_else(|| self.error_at(at, format!("invalid char {v:#x}")))
    }

    /// A count of items each taking at least `min_item_bytes` bytes: refused when the
    /// rest of the file could not hold that many, so a corrupt count never makes us
    /// allocate or loop beyond the file's size.
    pub fn count(&mut self, what: &str, min_item_bytes: usize) -> Result<usize, DecodeError> {
        let at = self.pos;
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item_bytes.max(1)) > self.remaining() {
            return Err(self.error_at(
                at,
                format!(
                    "{what} count {n} is larger than the rest of the file ({} bytes) allows",
                    self.remaining()
                ),
            ));
        }
        Ok(n)
    }

    pub fn str(&mut self) -> Result<String, DecodeError> {
        let at = self.pos;
        let n = self.count("string byte", 1)?;
        let bytes = self.take(n)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(self.error_at(at, "string is not valid UTF-8")),
        }
    }

    /// `count` items read by `item`, the capacity bounded so a large (but plausible)
    /// count cannot reserve much more memory than the items actually decoded.
    pub fn vec<T>(
        &mut self,
        what: &str,
        min_item_bytes: usize,
        mut item: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.count(what, min_item_bytes)?;
        let mut v = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            v.push(item(self)?);
        }
        Ok(v)
    }
}
