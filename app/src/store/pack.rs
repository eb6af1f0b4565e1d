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

/// Reads fields back. A read that finds no such field gives an empty value and marks the
/// whole read failed: a struct's reader is then a straight list of reads, with no early
/// return (and no code to drop the fields read before it) after each.
pub struct Unpacker<'a> {
    rest: &'a [u8],
    failed: bool,
}

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
        Self {
            rest: bytes,
            failed: false,
        }
    }

    /// Every read found its field and nothing is left over (trailing bytes mean another
    /// layout).
    pub fn finished(&self) -> bool {
        !self.failed && self.rest.is_empty()
    }

    /// Marks the read failed and gives `empty` in place of the missing field.
    fn fail<T>(&mut self, empty: T) -> T {
        self.failed = true;
        empty
    }

    fn number(&mut self) -> u64 {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let Some((&byte, rest)) = self.rest.split_first() else {
                break;
            };
            self.rest = rest;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return n;
            }
        }
        self.fail(0)
    }

    fn bytes(&mut self) -> &'a [u8] {
        let len = self.number();
        match usize::try_from(len)
            .ok()
            .and_then(|len| self.rest.split_at_checked(len))
        {
            Some((bytes, rest)) => {
                self.rest = rest;
                bytes
            }
            None => self.fail(&[]),
        }
    }

    /// A number that must fit `T`.
    fn small<T: TryFrom<u64> + Default>(&mut self) -> T {
        let n = self.number();
        T::try_from(n).unwrap_or_else(|_| self.fail(T::default()))
    }
}

/// A field type that can be packed.
pub trait Field: Sized {
    fn put(&self, p: &mut Packer);
    fn take(u: &mut Unpacker<'_>) -> Self;
}

impl Field for u64 {
    fn put(&self, p: &mut Packer) {
        p.number(*self);
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        u.number()
    }
}

impl Field for usize {
    fn put(&self, p: &mut Packer) {
        p.number(*self as u64);
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        u.small()
    }
}

impl Field for u32 {
    fn put(&self, p: &mut Packer) {
        p.number(u64::from(*self));
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        u.small()
    }
}

impl Field for u8 {
    fn put(&self, p: &mut Packer) {
        p.number(u64::from(*self));
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        u.small()
    }
}

impl Field for i64 {
    /// Zigzag, so small negative numbers stay short.
    fn put(&self, p: &mut Packer) {
        p.number(((*self << 1) ^ (*self >> 63)) as u64);
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        let n = u.number();
        (n >> 1) as i64 ^ -((n & 1) as i64)
    }
}

impl Field for bool {
    fn put(&self, p: &mut Packer) {
        p.number(u64::from(*self));
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        match u.number() {
            0 => false,
            1 => true,
            _ => u.fail(false),
        }
    }
}

impl Field for String {
    fn put(&self, p: &mut Packer) {
        p.bytes(self.as_bytes());
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        let bytes = u.bytes();
        String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| u.fail(String::new()))
    }
}

impl Field for ByteBuf {
    fn put(&self, p: &mut Packer) {
        p.bytes(self);
    }
    fn take(u: &mut Unpacker<'_>) -> Self {
        ByteBuf::from(u.bytes().to_vec())
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
    fn take(u: &mut Unpacker<'_>) -> Self {
        match u.number() {
            0 => None,
            1 => Some(T::take(u)),
            _ => u.fail(None),
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
    fn take(u: &mut Unpacker<'_>) -> Self {
        let len: usize = u.small();
        // Each item takes at least a byte: a length beyond the bytes left is corrupt.
        if len > u.rest.len() {
            return u.fail(Vec::new());
        }
        (0..len).map(|_| T::take(u)).collect()
    }
}

/// A struct packed as its fields in order.
pub trait Packed: Sized {
    fn put_fields(&self, p: &mut Packer);
    fn take_fields(u: &mut Unpacker<'_>) -> Self;

    fn pack(&self) -> Vec<u8> {
        let mut p = Packer::default();
        self.put_fields(&mut p);
        p.into_bytes()
    }

    fn unpack(bytes: &[u8]) -> Option<Self> {
        let mut u = Unpacker::new(bytes);
        let value = Self::take_fields(&mut u);
        u.finished().then_some(value)
    }
}

/// One field's value alone (a list of village ids).
pub fn pack_field<T: Field>(value: &T) -> Vec<u8> {
    let mut p = Packer::default();
    value.put(&mut p);
    p.into_bytes()
}

/// What [`pack_field`] packed.
pub fn unpack_field<T: Field>(bytes: &[u8]) -> Option<T> {
    let mut u = Unpacker::new(bytes);
    let value = T::take(&mut u);
    u.finished().then_some(value)
}

/// `packed!(Type { field, … })`: packs the named fields in that order; the struct can then
/// be a field of another.
#[macro_export]
macro_rules! packed {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::store::pack::Packed for $ty {
            fn put_fields(&self, p: &mut $crate::store::pack::Packer) {
                $( $crate::store::pack::Field::put(&self.$field, p); )*
            }
            fn take_fields(u: &mut $crate::store::pack::Unpacker<'_>) -> Self {
                Self { $( $field: $crate::store::pack::Field::take(u), )* }
            }
        }

        impl $crate::store::pack::Field for $ty {
            fn put(&self, p: &mut $crate::store::pack::Packer) {
                $crate::store::pack::Packed::put_fields(self, p);
            }
            fn take(u: &mut $crate::store::pack::Unpacker<'_>) -> Self {
                <$ty as $crate::store::pack::Packed>::take_fields(u)
            }
        }
    };
}

// The kept login (`DeviceStore::session`).
crate::packed!(pingan_shared::session::VillageName { id, name });
crate::packed!(pingan_shared::session::Profile {
    username,
    display_name,
    role,
    villages
});
crate::packed!(pingan_shared::session::LoginResponse {
    token,
    expires_at_ms,
    user
});

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
