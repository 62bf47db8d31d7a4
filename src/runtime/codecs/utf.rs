//! UTF-8, UTF-16 and UTF-32, with CPython's reasons for undecodable input.

use super::{Decoder, Endian};
use crate::vm::PyResult;

/// Decodes UTF-8 from byte `from` on (after a `utf-8-sig` mark).
pub(super) fn decode_utf8(d: &mut Decoder, from: usize) -> PyResult<()> {
    let input = d.input;
    let mut pos = from;
    loop {
        match std::str::from_utf8(&input[pos..]) {
            Ok(s) => {
                d.out.push_str(s);
                return Ok(());
            }
            Err(e) => {
                let good = pos + e.valid_up_to();
                // SAFETY: `from_utf8` checked the bytes up to `valid_up_to` are UTF-8.
                d.out.push_str(unsafe { std::str::from_utf8_unchecked(&input[pos..good]) });
                let (end, reason) = match e.error_len() {
                    Some(n) if is_invalid_start(input[good]) => (good + n, "invalid start byte"),
                    Some(n) => (good + n, "invalid continuation byte"),
                    None => (input.len(), "unexpected end of data"),
                };
                d.error(good, end, reason)?;
                pos = end;
            }
        }
    }
}

/// A byte that can never begin a UTF-8 sequence.
fn is_invalid_start(b: u8) -> bool {
    matches!(b, 0x80..=0xc1 | 0xf5..=0xff)
}

/// The byte order a BOM at the start of `input` announces, and its length.
fn bom(input: &[u8], little: &[u8], big: &[u8]) -> Option<(Endian, usize)> {
    if input.starts_with(little) {
        Some((Endian::Little, little.len()))
    } else if input.starts_with(big) {
        Some((Endian::Big, big.len()))
    } else {
        None
    }
}

pub(super) fn encode_utf16(s: &str, endian: Option<Endian>) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 2 + 2);
    let e = endian.unwrap_or(Endian::Little);
    if endian.is_none() {
        out.extend([0xff, 0xfe]);
    }
    for unit in s.encode_utf16() {
        out.extend(match e {
            Endian::Little => unit.to_le_bytes(),
            Endian::Big => unit.to_be_bytes(),
        });
    }
    out
}

pub(super) fn encode_utf32(s: &str, endian: Option<Endian>) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 4 + 4);
    let e = endian.unwrap_or(Endian::Little);
    if endian.is_none() {
        out.extend([0xff, 0xfe, 0, 0]);
    }
    for c in s.chars() {
        out.extend(match e {
            Endian::Little => (c as u32).to_le_bytes(),
            Endian::Big => (c as u32).to_be_bytes(),
        });
    }
    out
}

pub(super) fn decode_utf16(d: &mut Decoder, endian: Option<Endian>) -> PyResult<()> {
    let input = d.input;
    let (e, mut pos) = match endian {
        Some(e) => (e, 0),
        None => bom(input, &[0xff, 0xfe], &[0xfe, 0xff]).unwrap_or((Endian::Little, 0)),
    };
    // Errors name the byte order found (`'utf-16-le' codec can't decode ...`).
    d.codec = super::Codec::Utf16(Some(e));
    let unit = |i: usize| {
        let pair = [input[i], input[i + 1]];
        match e {
            Endian::Little => u16::from_le_bytes(pair),
            Endian::Big => u16::from_be_bytes(pair),
        }
    };
    while pos < input.len() {
        if pos + 1 >= input.len() {
            return d.error(pos, input.len(), "truncated data");
        }
        let u = unit(pos);
        match u {
            0xd800..=0xdbff => {
                if pos + 3 >= input.len() {
                    return d.error(pos, input.len(), "unexpected end of data");
                }
                let low = unit(pos + 2);
                if (0xdc00..=0xdfff).contains(&low) {
                    let c = 0x10000 + (((u as u32) - 0xd800) << 10) + (low as u32 - 0xdc00);
                    d.out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                    pos += 4;
                } else {
                    d.error(pos, pos + 2, "illegal UTF-16 surrogate")?;
                    pos += 2;
                }
            }
            0xdc00..=0xdfff => {
                d.error(pos, pos + 2, "illegal encoding")?;
                pos += 2;
            }
            _ => {
                d.out.push(char::from_u32(u as u32).unwrap_or('\u{fffd}'));
                pos += 2;
            }
        }
    }
    Ok(())
}

pub(super) fn decode_utf32(d: &mut Decoder, endian: Option<Endian>) -> PyResult<()> {
    let input = d.input;
    let (e, mut pos) = match endian {
        Some(e) => (e, 0),
        None => bom(input, &[0xff, 0xfe, 0, 0], &[0, 0, 0xfe, 0xff]).unwrap_or((Endian::Little, 0)),
    };
    d.codec = super::Codec::Utf32(Some(e));
    while pos < input.len() {
        if pos + 3 >= input.len() {
            return d.error(pos, input.len(), "truncated data");
        }
        let quad = [input[pos], input[pos + 1], input[pos + 2], input[pos + 3]];
        let n = match e {
            Endian::Little => u32::from_le_bytes(quad),
            Endian::Big => u32::from_be_bytes(quad),
        };
        match char::from_u32(n) {
            Some(c) => d.out.push(c),
            None if (0xd800..0xe000).contains(&n) => {
                d.error(pos, pos + 4, "code point in surrogate code point range(0xd800, 0xe000)")?
            }
            None => d.error(pos, pos + 4, "code point not in range(0x110000)")?,
        }
        pos += 4;
    }
    Ok(())
}
