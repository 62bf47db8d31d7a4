//! Text encodings: `str.encode`, `bytes.decode`, `bytes(str, encoding)` and the `codecs`
//! module all come here. Each codec is told by its CPython name and aliases; failures are
//! CPython's `UnicodeDecodeError` / `UnicodeEncodeError`, handled by the `errors` policy
//! (`strict`, `ignore`, `replace`, `backslashreplace`, `xmlcharrefreplace`, `namereplace`,
//! `surrogateescape`, `surrogatepass`).

mod charmap;
mod utf;

use crate::runtime::exceptions::{new_exception, raise};
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};

/// A codec that this runtime implements.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codec {
    Utf8,
    /// UTF-8 with a byte order mark (`utf-8-sig`).
    Utf8Sig,
    Ascii,
    Latin1,
    /// Windows code page 1252.
    Cp1252,
    /// `None`: with a byte order mark (written little-endian, as on this machine).
    Utf16(Option<Endian>),
    Utf32(Option<Endian>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Endian {
    Little,
    Big,
}

impl Codec {
    /// The codec's name as `codecs.lookup(...).name` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Utf8Sig => "utf-8-sig",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "iso8859-1",
            Codec::Cp1252 => "cp1252",
            Codec::Utf16(None) => "utf-16",
            Codec::Utf16(Some(Endian::Little)) => "utf-16-le",
            Codec::Utf16(Some(Endian::Big)) => "utf-16-be",
            Codec::Utf32(None) => "utf-32",
            Codec::Utf32(Some(Endian::Little)) => "utf-32-le",
            Codec::Utf32(Some(Endian::Big)) => "utf-32-be",
        }
    }

    /// The name error messages use (`'latin-1' codec can't ...`, `'charmap' codec ...`).
    fn error_name(self) -> &'static str {
        match self {
            Codec::Latin1 => "latin-1",
            Codec::Cp1252 => "charmap",
            Codec::Utf8Sig => "utf-8",
            other => other.name(),
        }
    }
}

/// The codec an encoding name stands for, as CPython normalises and aliases it
/// (`UTF8`, `utf_8`, `latin1`, `ISO-8859-1`, ...).
pub fn lookup(encoding: &str) -> Option<Codec> {
    let norm: String =
        encoding.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c.to_ascii_lowercase() }).collect();
    use Endian::*;
    Some(match norm.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" | "utf8_ucs2" | "utf8_ucs4" => Codec::Utf8,
        "utf_8_sig" | "utf8_sig" => Codec::Utf8Sig,
        "ascii" | "us_ascii" | "646" | "us" | "ansi_x3.4_1968" | "ansi_x3_4_1968" | "ansi_x3.4_1986" | "cp367"
        | "csascii" | "ibm367" | "iso646_us" | "iso_646.irv_1991" | "iso_ir_6" => Codec::Ascii,
        "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "iso8859" | "8859" | "cp819"
        | "iso_ir_100" | "ibm819" | "csisolatin1" | "iso_8859_1:1987" => Codec::Latin1,
        "cp1252" | "windows_1252" | "1252" => Codec::Cp1252,
        "utf_16" | "utf16" | "u16" => Codec::Utf16(None),
        "utf_16_le" | "utf_16le" | "utf16le" | "unicodelittleunmarked" => Codec::Utf16(Some(Little)),
        "utf_16_be" | "utf_16be" | "utf16be" | "unicodebigunmarked" => Codec::Utf16(Some(Big)),
        "utf_32" | "utf32" | "u32" => Codec::Utf32(None),
        "utf_32_le" | "utf_32le" | "utf32le" => Codec::Utf32(Some(Little)),
        "utf_32_be" | "utf_32be" | "utf32be" => Codec::Utf32(Some(Big)),
        _ => return None,
    })
}

/// The codec for `encoding`, or CPython's `LookupError: unknown encoding: x`.
pub fn codec(encoding: &str) -> PyResult<Codec> {
    lookup(encoding).ok_or_else(|| raise(ExcType::LookupError, format!("unknown encoding: {}", encoding)))
}

/// What to do with text a codec cannot handle.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Handler {
    Strict,
    Ignore,
    Replace,
    BackslashReplace,
    XmlCharRefReplace,
    NameReplace,
    /// `surrogateescape` and `surrogatepass`: they act only on lone surrogates, which a
    /// str here never holds, so on encoding they leave the error standing.
    Surrogates,
}

/// The handler named by `errors`; an unknown name fails only once an error needs handling,
/// as in CPython.
fn handler(errors: &str) -> PyResult<Handler> {
    Ok(match errors {
        "strict" => Handler::Strict,
        "ignore" => Handler::Ignore,
        "replace" => Handler::Replace,
        "backslashreplace" => Handler::BackslashReplace,
        "xmlcharrefreplace" => Handler::XmlCharRefReplace,
        "namereplace" => Handler::NameReplace,
        "surrogateescape" | "surrogatepass" => Handler::Surrogates,
        other => return Err(raise(ExcType::LookupError, format!("unknown error handler name '{}'", other))),
    })
}

/// `s.encode(encoding, errors)`.
pub fn encode(s: &str, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let codec = codec(encoding)?;
    Ok(match codec {
        Codec::Utf8 => s.as_bytes().to_vec(),
        Codec::Utf8Sig => [&[0xef, 0xbb, 0xbf][..], s.as_bytes()].concat(),
        Codec::Utf16(e) => utf::encode_utf16(s, e),
        Codec::Utf32(e) => utf::encode_utf32(s, e),
        Codec::Ascii => encode_single(s, codec, errors, |c| (c < '\u{80}').then_some(c as u8))?,
        Codec::Latin1 => encode_single(s, codec, errors, |c| (c <= '\u{ff}').then_some(c as u8))?,
        Codec::Cp1252 => encode_single(s, codec, errors, charmap::cp1252_encode)?,
    })
}

/// Encodes with a one-byte-per-character table, handling the runs of characters it lacks.
fn encode_single(s: &str, codec: Codec, errors: &str, table: fn(char) -> Option<u8>) -> PyResult<Vec<u8>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(b) = table(chars[i]) {
            out.push(b);
            i += 1;
            continue;
        }
        let end = i + chars[i..].iter().take_while(|&&c| table(c).is_none()).count();
        let bad = &chars[i..end];
        match handler(errors)? {
            Handler::Strict | Handler::Surrogates => {
                let reason = match codec {
                    Codec::Ascii => "ordinal not in range(128)",
                    Codec::Latin1 => "ordinal not in range(256)",
                    _ => "character maps to <undefined>",
                };
                return Err(encode_error(codec, s, i, end, reason));
            }
            Handler::Ignore => {}
            Handler::Replace => out.extend(bad.iter().map(|_| b'?')),
            Handler::BackslashReplace => {
                for &c in bad {
                    out.extend(backslash_escape(c as u32).bytes());
                }
            }
            Handler::XmlCharRefReplace => {
                for &c in bad {
                    out.extend(format!("&#{};", c as u32).bytes());
                }
            }
            Handler::NameReplace => {
                for &c in bad {
                    match unicode_names2::name(c) {
                        Some(name) => out.extend(format!("\\N{{{}}}", name).bytes()),
                        None => out.extend(backslash_escape(c as u32).bytes()),
                    }
                }
            }
        }
        i = end;
    }
    Ok(out)
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN` for a code point.
fn backslash_escape(n: u32) -> String {
    if n <= 0xff {
        format!("\\x{:02x}", n)
    } else if n <= 0xffff {
        format!("\\u{:04x}", n)
    } else {
        format!("\\U{:08x}", n)
    }
}

/// `b.decode(encoding, errors)`.
pub fn decode(b: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    let codec = codec(encoding)?;
    let mut d = Decoder { codec, input: b, errors, out: String::with_capacity(b.len()) };
    match codec {
        Codec::Utf8 => utf::decode_utf8(&mut d, 0)?,
        Codec::Utf8Sig => utf::decode_utf8(&mut d, if b.starts_with(&[0xef, 0xbb, 0xbf]) { 3 } else { 0 })?,
        Codec::Utf16(e) => utf::decode_utf16(&mut d, e)?,
        Codec::Utf32(e) => utf::decode_utf32(&mut d, e)?,
        Codec::Latin1 => d.out.extend(b.iter().map(|&x| x as char)),
        Codec::Ascii => {
            for (i, &x) in b.iter().enumerate() {
                if x < 0x80 {
                    d.out.push(x as char);
                } else {
                    d.error(i, i + 1, "ordinal not in range(128)")?;
                }
            }
        }
        Codec::Cp1252 => {
            for (i, &x) in b.iter().enumerate() {
                match charmap::cp1252_decode(x) {
                    Some(c) => d.out.push(c),
                    None => d.error(i, i + 1, "character maps to <undefined>")?,
                }
            }
        }
    }
    Ok(d.out)
}

/// A decoding in progress: the text so far, and the error policy for bad input.
pub(crate) struct Decoder<'a> {
    codec: Codec,
    input: &'a [u8],
    errors: &'a str,
    out: String,
}

impl Decoder<'_> {
    /// Handles the undecodable bytes `start..end`.
    fn error(&mut self, start: usize, end: usize, reason: &str) -> PyResult<()> {
        match handler(self.errors)? {
            Handler::Strict => Err(decode_error(self.codec, self.input, start, end, reason)),
            Handler::Ignore => Ok(()),
            Handler::Replace => {
                self.out.push('\u{fffd}');
                Ok(())
            }
            Handler::BackslashReplace => {
                for &b in &self.input[start..end] {
                    self.out.push_str(&format!("\\x{:02x}", b));
                }
                Ok(())
            }
            Handler::Surrogates if self.errors == "surrogateescape" => Err(raise(
                ExcType::NotImplementedError,
                "the 'surrogateescape' error handler is not supported for decoding",
            )),
            _ => {
                let name = self.errors;
                Err(raise(
                    ExcType::TypeError,
                    format!("don't know how to handle UnicodeDecodeError in error callback ({})", name),
                ))
            }
        }
    }
}

fn unicode_error(class: ExcType, args: Vec<Value>) -> Flow {
    let exc = new_exception(types().exc(class), args.clone());
    {
        let mut attrs = exc.attrs.borrow_mut();
        for (name, v) in ["encoding", "object", "start", "end", "reason"].iter().zip(args) {
            attrs.insert(crate::intern::intern(name), v);
        }
    }
    Flow::Raise(exc)
}

fn decode_error(codec: Codec, input: &[u8], start: usize, end: usize, reason: &str) -> Flow {
    unicode_error(
        ExcType::UnicodeDecodeError,
        vec![
            Value::str(codec.error_name()),
            Value::bytes(input.to_vec()),
            Value::Int(start as i64),
            Value::Int(end as i64),
            Value::str(reason),
        ],
    )
}

/// `UnicodeEncodeError`; `start` and `end` count code points.
fn encode_error(codec: Codec, s: &str, start: usize, end: usize, reason: &str) -> Flow {
    unicode_error(
        ExcType::UnicodeEncodeError,
        vec![
            Value::str(codec.error_name()),
            Value::str(s),
            Value::Int(start as i64),
            Value::Int(end as i64),
            Value::str(reason),
        ],
    )
}

/// The message `str()` gives a UnicodeDecodeError or UnicodeEncodeError made with the five
/// standard arguments (`'utf-8' codec can't decode byte 0xff in position 0: invalid start byte`).
pub fn unicode_error_message(decode: bool, args: &[Value]) -> Option<String> {
    let [Value::Str(enc), object, Value::Int(start), Value::Int(end), Value::Str(reason)] = args else {
        return None;
    };
    let (start, end) = (*start as usize, *end as usize);
    if decode {
        let Value::Bytes(b) = object else { return None };
        let data = b.data.borrow();
        if end == start + 1 && start < data.len() {
            return Some(format!(
                "'{}' codec can't decode byte 0x{:02x} in position {}: {}",
                enc.s, data[start], start, reason.s
            ));
        }
        return Some(format!("'{}' codec can't decode bytes in position {}-{}: {}", enc.s, start, end - 1, reason.s));
    }
    let Value::Str(s) = object else { return None };
    if end == start + 1 {
        let c = s.s.chars().nth(start)?;
        let shown = backslash_escape(c as u32);
        return Some(format!(
            "'{}' codec can't encode character '{}' in position {}: {}",
            enc.s, shown, start, reason.s
        ));
    }
    Some(format!("'{}' codec can't encode characters in position {}-{}: {}", enc.s, start, end - 1, reason.s))
}
