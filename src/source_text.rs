//! A source file's bytes as text, decoded as CPython decodes source (PEP 3120 and PEP 263):
//! UTF-8 unless a `coding:` declaration on one of the first two lines names another
//! encoding; a UTF-8 byte-order mark is skipped.

/// Why a file's bytes are not source text: CPython's `SyntaxError` message, and the byte
/// offset (into the lossily decoded text) it points at, if it points anywhere.
#[derive(Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub msg: String,
    pub at: Option<usize>,
}

/// The encodings a declaration may name that coro decodes itself.
enum Encoding {
    Utf8,
    Latin1,
    Ascii,
}

/// Decodes `bytes`, read from the file shown as `path` in messages.
pub fn decode(bytes: &[u8], path: &str) -> Result<String, DecodeError> {
    let (bom, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let declared = declared_encoding(body);
    let encoding = match &declared {
        None => Encoding::Utf8,
        Some(name) => match normalize(name).as_str() {
            "utf-8" => Encoding::Utf8,
            "iso-8859-1" if !bom => Encoding::Latin1,
            "ascii" if !bom => Encoding::Ascii,
            other if bom => return Err(DecodeError { msg: format!("encoding problem: {} with BOM", other), at: None }),
            _ => return Err(DecodeError { msg: format!("encoding problem: {}", name), at: None }),
        },
    };
    match encoding {
        Encoding::Latin1 => Ok(body.iter().map(|&b| b as char).collect()),
        Encoding::Utf8 | Encoding::Ascii => match std::str::from_utf8(body) {
            Ok(text) if matches!(encoding, Encoding::Ascii) && !text.is_ascii() => {
                let at = text.find(|c: char| !c.is_ascii()).unwrap_or(0);
                Err(codec_error(body, at, "ascii", "ordinal not in range(128)"))
            }
            Ok(text) => Ok(text.to_string()),
            Err(e) if declared.is_none() => {
                let at = e.valid_up_to();
                let line = 1 + body[..at].iter().filter(|&&b| b == b'\n').count();
                Err(DecodeError {
                    msg: format!(
                        "Non-UTF-8 code starting with '\\x{:02x}' in file {} on line {}, but no encoding declared; \
                         see https://peps.python.org/pep-0263/ for details",
                        body[at], path, line
                    ),
                    at: None,
                })
            }
            Err(e) => {
                let reason = if e.error_len().is_none() || body.len() - e.valid_up_to() == 1 {
                    "unexpected end of data"
                } else if (0x80..0xc2).contains(&body[e.valid_up_to()]) || body[e.valid_up_to()] > 0xf4 {
                    "invalid start byte"
                } else {
                    "invalid continuation byte"
                };
                Err(codec_error(body, e.valid_up_to(), "utf-8", reason))
            }
        },
    }
}

/// `(unicode error) 'utf-8' codec can't decode byte 0xc3 in position 0: ...`. CPython
/// decodes string literals one at a time, so the position counts from the start of the
/// literal's text (after its opening quote), or from the start of the line outside one.
fn codec_error(body: &[u8], at: usize, codec: &str, reason: &str) -> DecodeError {
    let line_start = body[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line_start =
        body[line_start..at].iter().rposition(|&b| b == b'\'' || b == b'"').map_or(line_start, |i| line_start + i + 1);
    let lossy = String::from_utf8_lossy(&body[..at]);
    DecodeError {
        msg: format!(
            "(unicode error) '{}' codec can't decode byte 0x{:02x} in position {}: {}",
            codec,
            body[at],
            at - line_start,
            reason
        ),
        at: Some(lossy.len()),
    }
}

/// The encoding named by a `coding[:=]` comment on line 1 or 2 (line 2 only if line 1 is
/// blank or a comment), as PEP 263's regular expression finds it.
fn declared_encoding(body: &[u8]) -> Option<String> {
    let mut lines = body.split(|&b| b == b'\n');
    for i in 0..2 {
        let line = lines.next()?;
        let text = String::from_utf8_lossy(line);
        let trimmed = text.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            if i == 0 && trimmed.trim().is_empty() {
                continue;
            }
            return None;
        }
        if let Some(name) = coding_name(trimmed) {
            return Some(name);
        }
    }
    None
}

fn coding_name(comment: &str) -> Option<String> {
    let at = comment.find("coding")?;
    let rest = &comment[at + "coding".len()..];
    let rest = rest.strip_prefix([':', '='])?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    (!name.is_empty()).then_some(name)
}

/// CPython's tokenizer's normalisation of an encoding name (`get_normal_name`).
fn normalize(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    let is = |prefix: &str| lower == prefix || lower.starts_with(&format!("{}-", prefix));
    if is("utf-8") || lower == "utf8" {
        "utf-8".into()
    } else if is("latin-1") || is("iso-8859-1") || is("iso-latin-1") || lower == "latin1" {
        "iso-8859-1".into()
    } else if lower == "ascii" || lower == "us-ascii" {
        "ascii".into()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"x = 1\n", "f.py").unwrap(), "x = 1\n");
        assert_eq!(decode(b"\xef\xbb\xbfx = 1\n", "f.py").unwrap(), "x = 1\n");
    }

    #[test]
    fn undeclared_non_utf8_names_file_and_line() {
        let e = decode(b"print(1)\nx = '\xc3\x28'\n", "/t/f.py").unwrap_err();
        assert_eq!(
            e.msg,
            "Non-UTF-8 code starting with '\\xc3' in file /t/f.py on line 2, but no encoding declared; \
             see https://peps.python.org/pep-0263/ for details"
        );
    }

    #[test]
    fn declarations() {
        assert_eq!(
            decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "f").unwrap(),
            "# -*- coding: latin-1 -*-\nx = 'é'\n"
        );
        assert_eq!(decode(b"# coding: foo\n", "f").unwrap_err().msg, "encoding problem: foo");
        assert_eq!(
            decode(b"\xef\xbb\xbf# coding: latin-1\n", "f").unwrap_err().msg,
            "encoding problem: iso-8859-1 with BOM"
        );
        let e = decode(b"# coding: utf-8\nx = '\xc3\x28'\n", "f").unwrap_err();
        assert_eq!(
            e.msg,
            "(unicode error) 'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte"
        );
        assert_eq!(e.at, Some(21));
    }
}
