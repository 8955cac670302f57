//! Primitive reads and writes shared by every frame: big-endian integers and the
//! length-prefixed strings ("UTF" in the SDK's code).
//!
//! Strings carry a 2-byte big-endian byte length. The SDK encodes them as Java-style
//! modified UTF-8 (every UTF-16 surrogate becomes its own 3-byte sequence); its decoder
//! also takes standard 4-byte UTF-8. We encode like the SDK and decode both.

use crate::error::{DecodeError, DecodeResult, EncodeError};

/// A cursor over one frame's bytes. Every read is bounds-checked.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn take(&mut self, n: usize, field: &'static str) -> DecodeResult<&'a [u8]> {
        let start = self.pos;
        let end = start.checked_add(n).filter(|&end| end <= self.buf.len());
        match end.and_then(|end| self.buf.get(start..end)) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(DecodeError::Truncated {
                field,
                needed: n - self.remaining(),
                offset: start,
            }),
        }
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> DecodeResult<u8> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> DecodeResult<u16> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> DecodeResult<u32> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> DecodeResult<u64> {
        Ok(u64::from_be_bytes(self.array(field)?))
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> DecodeResult<[u8; N]> {
        let bytes = self.take(N, field)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// A length-prefixed string.
    pub(crate) fn string(&mut self, field: &'static str) -> DecodeResult<String> {
        let len = usize::from(self.u16(field)?);
        let offset = self.pos;
        let bytes = self.take(len, field)?;
        decode_utf(bytes).ok_or(DecodeError::InvalidString { offset })
    }

    /// Everything left in the frame.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        self.pos = self.buf.len();
        rest
    }

    /// Fails when bytes are left over in a frame with a fixed layout.
    pub(crate) fn finish(self) -> DecodeResult<()> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::TrailingBytes(n)),
        }
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Writes a length-prefixed string in the SDK's modified UTF-8.
pub(crate) fn put_string(
    out: &mut Vec<u8>,
    s: &str,
    field: &'static str,
) -> Result<(), EncodeError> {
    let encoded = encode_utf(s);
    let len = u16::try_from(encoded.len()).map_err(|_| EncodeError::StringTooLong {
        field,
        len: encoded.len(),
    })?;
    put_u16(out, len);
    out.extend_from_slice(&encoded);
    Ok(())
}

/// How PUBLISH and QUERY address what they carry: topic UTF, targetId UTF, msgId u16, then
/// the protobuf payload to the end of the frame.
pub(crate) struct Addressed {
    pub topic: String,
    pub target_id: String,
    pub msg_id: u16,
    pub payload: Vec<u8>,
}

/// Field names for errors: topic, targetId, msgId.
pub(crate) type AddressNames = [&'static str; 3];

impl Addressed {
    pub(crate) fn read(r: &mut Reader<'_>, names: AddressNames) -> DecodeResult<Self> {
        Ok(Self {
            topic: r.string(names[0])?,
            target_id: r.string(names[1])?,
            msg_id: r.u16(names[2])?,
            payload: r.rest().to_vec(),
        })
    }
}

/// Writes the fields [`Addressed::read`] reads.
pub(crate) fn put_addressed(
    out: &mut Vec<u8>,
    names: AddressNames,
    topic: &str,
    target_id: &str,
    msg_id: u16,
    payload: &[u8],
) -> Result<(), EncodeError> {
    put_string(out, topic, names[0])?;
    put_string(out, target_id, names[1])?;
    put_u16(out, msg_id);
    out.extend_from_slice(payload);
    Ok(())
}

/// Modified UTF-8: characters outside the BMP are written as two 3-byte surrogate sequences.
pub fn encode_utf(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 2);
    for ch in s.chars() {
        if (ch as u32) <= 0xFFFF {
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        } else {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units).iter() {
                let u = u32::from(*unit);
                out.extend_from_slice(&[
                    0xE0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
            }
        }
    }
    out
}

/// Decodes standard UTF-8 and modified UTF-8 (paired surrogates as 3-byte sequences).
/// Returns `None` for anything else, including unpaired surrogates and overlong forms.
pub fn decode_utf(bytes: &[u8]) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let (cp, used) = next_code_point(bytes.get(i..)?)?;
        i += used;
        if (0xD800..0xDC00).contains(&cp) {
            let (low, used) = next_code_point(bytes.get(i..)?)?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            i += used;
            out.push(char::from_u32(
                0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00),
            )?);
        } else {
            // Lone low surrogates fail here: char::from_u32 rejects them.
            out.push(char::from_u32(cp)?);
        }
    }
    Some(out)
}

/// One UTF-8 sequence, surrogates allowed. Returns the code point and the bytes used.
fn next_code_point(bytes: &[u8]) -> Option<(u32, usize)> {
    let b0 = u32::from(*bytes.first()?);
    let (len, init, min) = match b0 {
        0x00..=0x7F => return Some((b0, 1)),
        0xC2..=0xDF => (2, b0 & 0x1F, 0x80),
        0xE0..=0xEF => (3, b0 & 0x0F, 0x800),
        0xF0..=0xF4 => (4, b0 & 0x07, 0x10000),
        _ => return None,
    };
    let mut cp = init;
    for k in 1..len {
        let b = u32::from(*bytes.get(k)?);
        if b & 0xC0 != 0x80 {
            return None;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    (cp >= min && cp <= 0x10FFFF).then_some((cp, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astral_characters_become_surrogate_triplets() {
        // U+1F600 -> D83D DE00 -> ED A0 BD, ED B8 80
        assert_eq!(encode_utf("😀"), vec![0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]);
        assert_eq!(
            decode_utf(&[0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]).as_deref(),
            Some("😀")
        );
    }

    #[test]
    fn standard_four_byte_utf8_is_accepted() {
        assert_eq!(decode_utf("a😀b".as_bytes()).as_deref(), Some("a😀b"));
    }

    #[test]
    fn bmp_text_is_plain_utf8() {
        assert_eq!(encode_utf("融云 hi"), "融云 hi".as_bytes());
    }

    #[test]
    fn unpaired_and_overlong_sequences_are_rejected() {
        assert_eq!(decode_utf(&[0xED, 0xA0, 0xBD]), None); // high surrogate alone
        assert_eq!(decode_utf(&[0xED, 0xB8, 0x80]), None); // low surrogate alone
        assert_eq!(decode_utf(&[0xC0, 0x80]), None); // overlong NUL
        assert_eq!(decode_utf(&[0xFF]), None);
        assert_eq!(decode_utf(&[0xE4, 0xB8]), None); // truncated
    }

    #[test]
    fn string_length_prefix_cannot_overrun() {
        let mut r = Reader::new(&[0xFF, 0xFF, b'a']);
        assert!(matches!(
            r.string("topic"),
            Err(DecodeError::Truncated { .. })
        ));
    }
}
