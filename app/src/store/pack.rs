//! The bytes inside a sealed row: each field in declaration order, with no names.
//!
//! Why not CBOR through serde, which sync already links: serde's derived readers are compiled
//! per type and per format, and for the five summaries and the document row they cost the
//! field app about 35 KB of wasm (decision 31, decision 18's budget). Here each struct is a
//! list of field calls over eleven small field codecs.
//!
//! Positional, so a change of a summary's fields bumps `index::INDEX_VERSION` (the summaries
//! are then rebuilt from the documents, as for any summary change), and a change of the
//! document row's fields needs a migration. Pure; tested natively below.

use serde_bytes::ByteBuf;

/// Writes fields.
#[derive(Default)]
pub struct Packer(Vec<u8>);

/// Reads fields back; `None` from any read means the bytes are not what was packed.
pub struct Unpacker<'a>(&'a [u8]);

impl Packer {
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    fn number(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.number(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }
}

impl<'a> Unpacker<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }

    /// Everything read: trailing bytes mean another layout.
    pub fn finished(&self) -> bool {
        self.0.is_empty()
    }

    fn number(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.number()?).ok()?;
        let (bytes, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(bytes)
    }
}

/// A field type that can be packed.
pub trait Field: Sized {
    fn put(&self, p: &mut Packer);
    fn take(u: &mut Unpacker<'_>) -> Option<Self>;
}

impl Field for u64 {
    fn put(&self, p: &mut Packer) {
        p.number(*self);
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        u.number()
    }
}

impl Field for usize {
    fn put(&self, p: &mut Packer) {
        p.number(*self as u64);
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        usize::try_from(u.number()?).ok()
    }
}

impl Field for i64 {
    /// Zigzag, so small negative numbers stay short.
    fn put(&self, p: &mut Packer) {
        p.number(((*self << 1) ^ (*self >> 63)) as u64);
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        let n = u.number()?;
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }
}

impl Field for bool {
    fn put(&self, p: &mut Packer) {
        p.number(u64::from(*self));
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        match u.number()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Field for String {
    fn put(&self, p: &mut Packer) {
        p.bytes(self.as_bytes());
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        String::from_utf8(u.bytes()?.to_vec()).ok()
    }
}

impl Field for ByteBuf {
    fn put(&self, p: &mut Packer) {
        p.bytes(self);
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        Some(ByteBuf::from(u.bytes()?.to_vec()))
    }
}

impl Field for u8 {
    fn put(&self, p: &mut Packer) {
        p.number(u64::from(*self));
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        u8::try_from(u.number()?).ok()
    }
}

impl<T: Field> Field for Option<T> {
    fn put(&self, p: &mut Packer) {
        match self {
            None => p.number(0),
            Some(value) => {
                p.number(1);
                value.put(p);
            }
        }
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        match u.number()? {
            0 => Some(None),
            1 => Some(Some(T::take(u)?)),
            _ => None,
        }
    }
}

impl<T: Field> Field for Vec<T> {
    fn put(&self, p: &mut Packer) {
        p.number(self.len() as u64);
        for item in self {
            item.put(p);
        }
    }
    fn take(u: &mut Unpacker<'_>) -> Option<Self> {
        let len = usize::try_from(u.number()?).ok()?;
        // Each item takes at least a byte: a length beyond the bytes left is corrupt.
        if len > u.0.len() {
            return None;
        }
        (0..len).map(|_| T::take(u)).collect()
    }
}

/// A struct packed as its fields in order.
pub trait Packed: Sized {
    fn put_fields(&self, p: &mut Packer);
    fn take_fields(u: &mut Unpacker<'_>) -> Option<Self>;

    fn pack(&self) -> Vec<u8> {
        let mut p = Packer::default();
        self.put_fields(&mut p);
        p.into_bytes()
    }

    fn unpack(bytes: &[u8]) -> Option<Self> {
        let mut u = Unpacker::new(bytes);
        let value = Self::take_fields(&mut u)?;
        u.finished().then_some(value)
    }
}

/// `packed!(Type { field, … })`: packs the named fields in that order.
#[macro_export]
macro_rules! packed {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::store::pack::Packed for $ty {
            fn put_fields(&self, p: &mut $crate::store::pack::Packer) {
                $( $crate::store::pack::Field::put(&self.$field, p); )*
            }
            fn take_fields(u: &mut $crate::store::pack::Unpacker<'_>) -> Option<Self> {
                Some(Self { $( $field: $crate::store::pack::Field::take(u)?, )* })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        phone: Option<String>,
        members: Vec<String>,
        created_at_ms: i64,
        rooms: u64,
        floating: bool,
        heads: Vec<ByteBuf>,
        refused_at: Option<Vec<ByteBuf>>,
    }
    crate::packed!(Sample {
        name,
        phone,
        members,
        created_at_ms,
        rooms,
        floating,
        heads,
        refused_at
    });

    fn sample() -> Sample {
        Sample {
            name: "王建国".into(),
            phone: Some("13800138000".into()),
            members: vec!["李秀英".into(), String::new()],
            created_at_ms: -1_700_000_000_123,
            rooms: 300,
            floating: true,
            heads: vec![ByteBuf::from(vec![7; 32])],
            refused_at: None,
        }
    }

    #[test]
    fn every_field_reads_back_as_packed() {
        assert_eq!(Sample::unpack(&sample().pack()), Some(sample()));
    }

    #[test]
    fn cut_or_lengthened_bytes_are_refused_not_misread() {
        let bytes = sample().pack();
        for cut in 0..bytes.len() {
            assert_eq!(Sample::unpack(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Sample::unpack(&longer), None);
    }
}
