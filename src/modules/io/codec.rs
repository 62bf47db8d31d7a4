//! The text encodings files speak (`utf-8`, `utf-8-sig`, `latin-1`, `ascii`) and CPython's
//! error handlers, with its UnicodeDecodeError/UnicodeEncodeError reports.

use crate::runtime::exceptions::raise;
use crate::runtime::ExcType;
use crate::vm::{Flow, PyResult};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codec {
    Utf8,
    /// UTF-8 with a byte-order mark written first and skipped when read.
    Utf8Sig,
    Latin1,
    Ascii,
}

impl Codec {
    /// The codec an `encoding=` name means, or CPython's LookupError.
    pub fn lookup(name: &str) -> PyResult<Codec> {
        let norm: String = name.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match norm.as_str() {
            "utf-8" | "utf8" | "u8" | "utf" | "cp65001" => Codec::Utf8,
            "utf-8-sig" | "utf8-sig" => Codec::Utf8Sig,
            "latin-1" | "latin1" | "latin" | "iso-8859-1" | "iso8859-1" | "8859" | "cp819" | "l1" => Codec::Latin1,
            "ascii" | "us-ascii" | "646" => Codec::Ascii,
            _ => return Err(raise(ExcType::LookupError, format!("unknown encoding: {}", name))),
        })
    }

    /// The name CPython's error messages use.
    fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Utf8Sig => "utf-8-sig",
            Codec::Latin1 => "latin-1",
            Codec::Ascii => "ascii",
        }
    }

    /// The highest code point the codec encodes, for single-byte codecs.
    fn limit(self) -> Option<u32> {
        match self {
            Codec::Latin1 => Some(0x100),
            Codec::Ascii => Some(0x80),
            _ => None,
        }
    }

    /// How many bytes `text` takes in this codec (for positions in text files).
    pub fn encoded_len(self, text: &str) -> usize {
        match self {
            Codec::Utf8 | Codec::Utf8Sig => text.len(),
            Codec::Latin1 | Codec::Ascii => text.chars().count(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Errors {
    Strict,
    Ignore,
    Replace,
    BackslashReplace,
    XmlCharRefReplace,
    SurrogateEscape,
}

impl Errors {
    pub fn lookup(name: &str) -> PyResult<Errors> {
        Ok(match name {
            "strict" => Errors::Strict,
            "ignore" => Errors::Ignore,
            "replace" => Errors::Replace,
            "backslashreplace" => Errors::BackslashReplace,
            "xmlcharrefreplace" => Errors::XmlCharRefReplace,
            "surrogateescape" => Errors::SurrogateEscape,
            _ => return Err(raise(ExcType::LookupError, format!("unknown error handler name '{}'", name))),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Errors::Strict => "strict",
            Errors::Ignore => "ignore",
            Errors::Replace => "replace",
            Errors::BackslashReplace => "backslashreplace",
            Errors::XmlCharRefReplace => "xmlcharrefreplace",
            Errors::SurrogateEscape => "surrogateescape",
        }
    }
}

/// A decoding failure: what CPython's UnicodeDecodeError carries.
pub struct DecodeError {
    pub codec: &'static str,
    pub start: usize,
    pub end: usize,
    pub reason: &'static str,
    pub bytes: Vec<u8>,
}

impl DecodeError {
    pub fn message(&self) -> String {
        if self.end - self.start == 1 {
            format!(
                "'{}' codec can't decode byte 0x{:02x} in position {}: {}",
                self.codec, self.bytes[0], self.start, self.reason
            )
        } else {
            format!(
                "'{}' codec can't decode bytes in position {}-{}: {}",
                self.codec,
                self.start,
                self.end - 1,
                self.reason
            )
        }
    }
}

/// Decodes `bytes` onto `out`. With `last` false an incomplete sequence at the end is left
/// undecoded: the count of bytes used is returned. `base` is the position of `bytes[0]` in
/// the whole input, for error reports.
pub fn decode(
    codec: Codec,
    errors: Errors,
    bytes: &[u8],
    last: bool,
    base: usize,
    out: &mut String,
) -> Result<usize, DecodeError> {
    match codec {
        Codec::Utf8 | Codec::Utf8Sig => decode_utf8(codec, errors, bytes, last, base, out),
        Codec::Latin1 => {
            out.extend(bytes.iter().map(|&b| b as char));
            Ok(bytes.len())
        }
        Codec::Ascii => {
            let mut i = 0;
            while i < bytes.len() {
                let run = bytes[i..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - i);
                // SAFETY: the run holds ASCII bytes only, which are valid UTF-8.
                out.push_str(unsafe { std::str::from_utf8_unchecked(&bytes[i..i + run]) });
                i += run;
                if i < bytes.len() {
                    let reason = "ordinal not in range(128)";
                    bad_bytes(codec, errors, bytes, base, i, 1, reason, out)?;
                    i += 1;
                }
            }
            Ok(bytes.len())
        }
    }
}

fn decode_utf8(
    codec: Codec,
    errors: Errors,
    bytes: &[u8],
    last: bool,
    base: usize,
    out: &mut String,
) -> Result<usize, DecodeError> {
    let mut i = 0;
    loop {
        match std::str::from_utf8(&bytes[i..]) {
            Ok(s) => {
                out.push_str(s);
                return Ok(bytes.len());
            }
            Err(e) => {
                let good = i + e.valid_up_to();
                // SAFETY: `from_utf8` checked the bytes up to `valid_up_to`.
                out.push_str(unsafe { std::str::from_utf8_unchecked(&bytes[i..good]) });
                let (len, reason) = match e.error_len() {
                    Some(n) => (n, utf8_reason(bytes[good])),
                    None if !last => return Ok(good),
                    None => (bytes.len() - good, "unexpected end of data"),
                };
                bad_bytes(codec, errors, bytes, base, good, len, reason, out)?;
                i = good + len;
            }
        }
    }
}

/// CPython's reason for an invalid sequence starting with `first`.
fn utf8_reason(first: u8) -> &'static str {
    match first {
        0x80..=0xC1 | 0xF5..=0xFF => "invalid start byte",
        _ => "invalid continuation byte",
    }
}

#[allow(clippy::too_many_arguments)]
fn bad_bytes(
    codec: Codec,
    errors: Errors,
    bytes: &[u8],
    base: usize,
    at: usize,
    len: usize,
    reason: &'static str,
    out: &mut String,
) -> Result<(), DecodeError> {
    match errors {
        Errors::Ignore => {}
        Errors::Replace => out.push('\u{FFFD}'),
        Errors::BackslashReplace => {
            for b in &bytes[at..at + len] {
                out.push_str(&format!("\\x{:02x}", b));
            }
        }
        _ => {
            return Err(DecodeError {
                codec: codec.name(),
                start: base + at,
                end: base + at + len,
                reason,
                bytes: bytes[at..at + len].to_vec(),
            })
        }
    }
    Ok(())
}

/// Encodes `text` onto `out`, or fails with CPython's UnicodeEncodeError.
pub fn encode(codec: Codec, errors: Errors, text: &str, out: &mut Vec<u8>) -> PyResult<()> {
    let Some(limit) = codec.limit() else {
        out.extend_from_slice(text.as_bytes());
        return Ok(());
    };
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c as u32) < limit {
            out.push(c as u32 as u8);
            i += 1;
            continue;
        }
        let end = i + chars[i..].iter().take_while(|&&c| c as u32 >= limit).count();
        match errors {
            Errors::Ignore => {}
            Errors::Replace => out.extend(std::iter::repeat_n(b'?', end - i)),
            Errors::BackslashReplace => {
                for &c in &chars[i..end] {
                    out.extend_from_slice(char_escape(c).as_bytes());
                }
            }
            Errors::XmlCharRefReplace => {
                for &c in &chars[i..end] {
                    out.extend_from_slice(format!("&#{};", c as u32).as_bytes());
                }
            }
            _ => return Err(encode_error(codec, &chars, i, end, limit)),
        }
        i = end;
    }
    Ok(())
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN` for a character, as backslashreplace writes it.
fn char_escape(c: char) -> String {
    match c as u32 {
        n if n < 0x100 => format!("\\x{:02x}", n),
        n if n < 0x10000 => format!("\\u{:04x}", n),
        n => format!("\\U{:08x}", n),
    }
}

fn encode_error(codec: Codec, chars: &[char], start: usize, end: usize, limit: u32) -> Flow {
    let what = if end - start == 1 {
        format!("character '{}' in position {}", char_escape(chars[start]), start)
    } else {
        format!("characters in position {}-{}", start, end - 1)
    };
    let reason = format!("ordinal not in range({})", limit);
    let msg = format!("'{}' codec can't encode {}: {}", codec.name(), what, reason);
    let text: String = chars.iter().collect();
    super::errors::unicode_encode_error(codec.name(), &text, start, end, &reason, msg)
}
