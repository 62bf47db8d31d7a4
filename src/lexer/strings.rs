//! String literals: finding the closing quote, and decoding escape sequences.

use super::token::{RawError, Tok};

#[derive(Clone, Debug, PartialEq)]
pub enum StrLit {
    Str(String),
    Bytes(Vec<u8>),
    /// An f-string, kept as written: the parser splits it into literal text and fields.
    /// `offset` is the byte offset of `body` in the source.
    FStr {
        body: String,
        offset: usize,
        raw: bool,
    },
}

/// logos callback: the match so far is the prefix and the opening quote.
pub(super) fn lex_string(lex: &mut logos::Lexer<'_, Tok>) -> Result<StrLit, RawError> {
    let opening = lex.slice();
    let quote = opening.as_bytes()[opening.len() - 1];
    let triple = opening.len() >= 3 && opening.as_bytes()[opening.len() - 3..].iter().all(|&b| b == quote);
    let prefix = opening[..opening.len() - if triple { 3 } else { 1 }].to_ascii_lowercase();
    let body_offset = lex.span().end;
    let rest = lex.remainder();
    let Some(len) = body_len(rest.as_bytes(), quote, triple) else {
        // Consume what belongs to the literal so the error span covers it.
        let consumed = if triple { rest.len() } else { rest.find(['\n', '\r']).unwrap_or(rest.len()) };
        lex.bump(consumed);
        return Err(if triple { RawError::UnterminatedTripleString } else { RawError::UnterminatedString });
    };
    let body = &rest[..len];
    lex.bump(len + if triple { 3 } else { 1 });
    let raw = prefix.contains('r');
    if prefix.contains('f') {
        Ok(StrLit::FStr { body: body.to_string(), offset: body_offset, raw })
    } else if prefix.contains('b') {
        decode_bytes(body, raw).map(StrLit::Bytes).map_err(RawError::BadLiteral)
    } else {
        decode_str(body, raw).map(StrLit::Str).map_err(RawError::BadLiteral)
    }
}

/// Length of a string body up to (not including) its closing quote, or `None` if unterminated.
fn body_len(bytes: &[u8], quote: u8, triple: bool) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // An escaped character never closes the string, even in raw strings.
            b'\\' => i += if bytes[i + 1..].starts_with(b"\r\n") { 3 } else { 2 },
            b'\n' | b'\r' if !triple => return None,
            b if b == quote && (!triple || bytes[i..].starts_with(&[quote; 3])) => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Decodes the escape sequences of a `str` literal body (or only normalises newlines if raw).
pub fn decode_str(body: &str, raw: bool) -> Result<String, String> {
    let body = body.replace("\r\n", "\n");
    if raw || !body.contains('\\') {
        return Ok(body);
    }
    let mut out = String::with_capacity(body.len());
    let total = body.chars().count();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'x' => out.push(hex_escape(&mut chars, 2, "\\xXX")?),
            'u' => out.push(hex_escape(&mut chars, 4, "\\uXXXX")?),
            'U' => out.push(hex_escape(&mut chars, 8, "\\UXXXXXXXX")?),
            'N' => {
                // The escape began two characters before what is left.
                let start = total - chars.clone().count() - 2;
                out.push(named_escape(&mut chars, start)?);
            }
            '0'..='7' => {
                let code = octal_escape(e, &mut chars);
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            _ => match simple_escape(e) {
                Some(Some(b)) => out.push(b as char),
                Some(None) => {}
                None => {
                    out.push('\\');
                    out.push(e);
                }
            },
        }
    }
    Ok(out)
}

/// Decodes a `bytes` literal body; only ASCII characters may appear literally.
pub fn decode_bytes(body: &str, raw: bool) -> Result<Vec<u8>, String> {
    if !body.is_ascii() {
        return Err("bytes can only contain ASCII literal characters".into());
    }
    let body = body.replace("\r\n", "\n");
    if raw {
        return Ok(body.into_bytes());
    }
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c as u8);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push(b'\\');
            break;
        };
        match e {
            'x' => out.push(hex_escape(&mut chars, 2, "\\xXX")? as u8),
            '0'..='7' => out.push(octal_escape(e, &mut chars) as u8),
            _ => match simple_escape(e) {
                Some(Some(b)) => out.push(b),
                Some(None) => {}
                None => out.extend([b'\\', e as u8]),
            },
        }
    }
    Ok(out)
}

/// `Some(Some(byte))` for a one-character escape, `Some(None)` for an escaped newline (which
/// vanishes), `None` for an unknown escape (kept literally, backslash included).
fn simple_escape(e: char) -> Option<Option<u8>> {
    Some(Some(match e {
        'n' => b'\n',
        't' => b'\t',
        'r' => b'\r',
        '\\' => b'\\',
        '\'' => b'\'',
        '"' => b'"',
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0c,
        'v' => 0x0b,
        '\n' => return Some(None),
        _ => return None,
    }))
}

fn hex_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize, form: &str) -> Result<char, String> {
    let mut code = 0u32;
    for _ in 0..n {
        match chars.next_if(char::is_ascii_hexdigit) {
            Some(d) => code = code * 16 + d.to_digit(16).unwrap_or(0),
            None => {
                return Err(format!(
                    "(unicode error) 'unicodeescape' codec can't decode bytes: truncated {form} escape"
                ))
            }
        }
    }
    char::from_u32(code)
        .ok_or_else(|| "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character".into())
}

/// `\N{NAME}` (the `\N` consumed, `start` its position): the character of that Unicode
/// name or alias, with CPython's errors for a malformed escape or an unknown name.
fn named_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, start: usize) -> Result<char, String> {
    let error = |end: usize, what: &str| {
        format!("(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {}", start, end, what)
    };
    if chars.next_if_eq(&'{').is_none() {
        return Err(error(start + 1, "malformed \\N character escape"));
    }
    let mut name = String::new();
    loop {
        match chars.next() {
            Some('}') => break,
            Some(c) => name.push(c),
            None => return Err(error(start + 2 + name.chars().count(), "malformed \\N character escape")),
        }
    }
    let end = start + 3 + name.chars().count();
    if name.is_empty() {
        return Err(error(end, "malformed \\N character escape"));
    }
    unicode_names2::character(&name).ok_or_else(|| error(end, "unknown Unicode character name"))
}

/// Up to three octal digits, the first already consumed.
fn octal_escape(first: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> u32 {
    let mut code = first.to_digit(8).unwrap_or(0);
    for _ in 0..2 {
        match chars.next_if(|c| c.is_digit(8)) {
            Some(d) => code = code * 8 + d.to_digit(8).unwrap_or(0),
            None => break,
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use logos::Logos;

    fn lit(src: &str) -> StrLit {
        match Tok::lexer(src).next() {
            Some(Ok(Tok::Str(s))) => s,
            other => panic!("{src}: {other:?}"),
        }
    }

    fn s(src: &str) -> String {
        match lit(src) {
            StrLit::Str(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn quotes_and_triple_quotes() {
        assert_eq!(s("'a\"b'"), "a\"b");
        assert_eq!(s("\"it's\""), "it's");
        assert_eq!(s("''"), "");
        assert_eq!(s("'''a\n'b'\nc'''"), "a\n'b'\nc");
        assert_eq!(s("\"\"\"x\"\"\""), "x");
        assert_eq!(s("'中文'"), "中文");
    }

    #[test]
    fn escapes() {
        assert_eq!(s(r#"'\n\t\\\'\"\r\0\a\b\f\v'"#), "\n\t\\'\"\r\0\x07\x08\x0c\x0b");
        assert_eq!(s(r"'\x41\101\u00e9\U0001F600'"), "AAé😀");
        assert_eq!(s(r"'\d\w'"), "\\d\\w");
        assert_eq!(s("'a\\\nb'"), "ab");
    }

    #[test]
    fn prefixes() {
        assert_eq!(s(r"r'\n'"), "\\n");
        assert_eq!(s(r"R'\''"), "\\'");
        assert_eq!(s("u'x'"), "x");
        assert_eq!(lit(r"b'a\x00\n'"), StrLit::Bytes(vec![b'a', 0, b'\n']));
        assert_eq!(lit(r"Rb'\n'"), StrLit::Bytes(b"\\n".to_vec()));
        assert_eq!(lit(r"bR'\n'"), StrLit::Bytes(b"\\n".to_vec()));
        assert_eq!(lit("f'{x}'"), StrLit::FStr { body: "{x}".into(), offset: 2, raw: false });
        assert_eq!(lit("rF'{x}'"), StrLit::FStr { body: "{x}".into(), offset: 3, raw: true });
        assert_eq!(lit("Fr'''a'''"), StrLit::FStr { body: "a".into(), offset: 5, raw: true });
    }

    #[test]
    fn errors() {
        let first = |src: &str| Tok::lexer(src).next().unwrap();
        assert_eq!(first("'abc\nx'"), Err(RawError::UnterminatedString));
        assert_eq!(first("'''abc\n"), Err(RawError::UnterminatedTripleString));
        assert!(matches!(first(r"'\x4'"), Err(RawError::BadLiteral(m)) if m.contains("truncated \\xXX")));
        assert!(matches!(first("b'é'"), Err(RawError::BadLiteral(m)) if m.contains("ASCII")));
    }
}
