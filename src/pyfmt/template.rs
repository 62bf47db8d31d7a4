//! `str.format` templates, ported from CPython's `MarkupIterator` and
//! `field_name_split`.
//!
//! CPython parses lazily while it formats, so an error late in a template
//! surfaces only after earlier fields were rendered (and their own errors
//! won). [`template_pieces`] and [`split_field_name`] keep that order by
//! yielding one piece at a time.

use crate::numeric::decimal_value;

/// A run of literal text (braces unescaped) or a replacement field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplatePiece {
    Literal(String),
    Field {
        /// Field name such as `0`, `name`, `p[0].x`; empty for auto-numbering.
        name: String,
        /// The character after `!`, unvalidated (see [`conversion_error`]).
        conversion: Option<char>,
        /// Format spec; may hold nested `{...}` fields the caller expands first.
        spec: String,
    },
}

/// Iterator over the pieces of a template; stops after the first error.
pub struct TemplatePieces<'a> {
    rest: &'a str,
    failed: bool,
}

/// The pieces of `template`, parsed one at a time as CPython does.
pub fn template_pieces(template: &str) -> TemplatePieces<'_> {
    TemplatePieces { rest: template, failed: false }
}

/// All pieces of `template`, or the first of CPython's `ValueError` messages.
pub fn parse_template(template: &str) -> Result<Vec<TemplatePiece>, String> {
    template_pieces(template).collect()
}

impl Iterator for TemplatePieces<'_> {
    type Item = Result<TemplatePiece, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.next_piece()?;
        self.failed = item.is_err();
        Some(item)
    }
}

impl TemplatePieces<'_> {
    fn next_piece(&mut self) -> Option<Result<TemplatePiece, String>> {
        let mut literal = String::new();
        loop {
            let Some(at) = self.rest.find(['{', '}']) else {
                literal.push_str(self.rest);
                self.rest = "";
                return (!literal.is_empty()).then_some(Ok(TemplatePiece::Literal(literal)));
            };
            let brace = self.rest.as_bytes()[at] as char;
            let after = &self.rest[at + 1..];
            if after.starts_with(brace) {
                literal.push_str(&self.rest[..at + 1]);
                self.rest = &after[1..];
                continue;
            }
            if brace == '}' {
                return Some(Err("Single '}' encountered in format string".into()));
            }
            if after.is_empty() {
                return Some(Err("Single '{' encountered in format string".into()));
            }
            if at > 0 || !literal.is_empty() {
                // Hand out the text first; the field is parsed on the next call.
                literal.push_str(&self.rest[..at]);
                self.rest = &self.rest[at..];
                return Some(Ok(TemplatePiece::Literal(literal)));
            }
            return Some(parse_field(after).map(|(piece, rest)| {
                self.rest = rest;
                piece
            }));
        }
    }
}

/// Parses `name[!conversion][:spec]}` (the text after `{`); returns the field
/// and the text after its closing brace.
fn parse_field(text: &str) -> Result<(TemplatePiece, &str), String> {
    let mut chars = text.char_indices();
    let mut name_end = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => return Err("unexpected '{' in field name".into()),
            // Brackets may hold any character, including ':' and '!'.
            '[' => {
                if !chars.clone().any(|(_, c)| c == ']') {
                    break;
                }
                chars.find(|&(_, c)| c == ']');
            }
            '}' | ':' | '!' => {
                name_end = Some((i, c));
                break;
            }
            _ => {}
        }
    }
    let Some((name_len, terminator)) = name_end else {
        return Err("expected '}' before end of string".into());
    };
    let name = text[..name_len].to_string();
    let mut conversion = None;
    if terminator == '}' {
        let piece = TemplatePiece::Field { name, conversion, spec: String::new() };
        return Ok((piece, &text[name_len + 1..]));
    }
    if terminator == '!' {
        let Some((_, c)) = chars.next() else {
            return Err("end of string while looking for conversion specifier".into());
        };
        conversion = Some(c);
        match chars.next() {
            Some((i, '}')) => {
                let piece = TemplatePiece::Field { name, conversion, spec: String::new() };
                return Ok((piece, &text[i + 1..]));
            }
            Some((_, ':')) | None => {}
            Some(_) => return Err("expected ':' after conversion specifier".into()),
        }
    }
    let spec_start = chars.offset();
    let mut depth = 1;
    for (i, c) in chars {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            let piece = TemplatePiece::Field { name, conversion, spec: text[spec_start..i].to_string() };
            return Ok((piece, &text[i + 1..]));
        }
    }
    Err("unmatched '{' in format spec".into())
}

/// CPython's `ValueError` text for a conversion other than `r`, `s`, `a`.
pub fn conversion_error(conversion: char) -> String {
    let code = conversion as u32;
    if code > 32 && code < 127 {
        format!("Unknown conversion specifier {conversion}")
    } else {
        format!("Unknown conversion specifier \\x{code:x}")
    }
}

/// What a field name starts with: `{}`, `{0}` or `{name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldHead {
    Auto,
    Index(usize),
    Name(String),
}

/// One `.attr`, `[index]` or `[key]` step after the head of a field name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldAccessor {
    Attr(String),
    Index(usize),
    Key(String),
}

/// Iterator over the accessors of a field name; stops after the first error.
pub struct FieldAccessors<'a> {
    rest: &'a str,
    failed: bool,
}

/// Splits a field name into its head and a lazy iterator over its accessors.
pub fn split_field_name(name: &str) -> Result<(FieldHead, FieldAccessors<'_>), String> {
    let head_len = name.find(['.', '[']).unwrap_or(name.len());
    let head_text = &name[..head_len];
    let head = match parse_index(head_text)? {
        Some(index) => FieldHead::Index(index),
        None if head_text.is_empty() => FieldHead::Auto,
        None => FieldHead::Name(head_text.into()),
    };
    let accessors = FieldAccessors { rest: &name[head_len..], failed: false };
    Ok((head, accessors))
}

/// The head and all accessors of a field name: `"p[0].x"` → `Name("p")`, `[Index(0), Attr("x")]`.
pub fn parse_field_name(name: &str) -> Result<(FieldHead, Vec<FieldAccessor>), String> {
    let (head, accessors) = split_field_name(name)?;
    Ok((head, accessors.collect::<Result<_, _>>()?))
}

impl Iterator for FieldAccessors<'_> {
    type Item = Result<FieldAccessor, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let item = self.next_accessor();
        self.failed = item.is_err();
        Some(item)
    }
}

impl FieldAccessors<'_> {
    fn next_accessor(&mut self) -> Result<FieldAccessor, String> {
        let accessor = if let Some(rest) = self.rest.strip_prefix('.') {
            let len = rest.find(['.', '[']).unwrap_or(rest.len());
            self.rest = &rest[len..];
            non_empty(&rest[..len])?;
            FieldAccessor::Attr(rest[..len].into())
        } else if let Some(rest) = self.rest.strip_prefix('[') {
            let len = rest.find(']').ok_or("Missing ']' in format string")?;
            self.rest = &rest[len + 1..];
            let key = non_empty(&rest[..len])?;
            match parse_index(key)? {
                Some(index) => FieldAccessor::Index(index),
                None => FieldAccessor::Key(key.into()),
            }
        } else {
            return Err("Only '.' or '[' may follow ']' in format field specifier".into());
        };
        Ok(accessor)
    }
}

fn non_empty(text: &str) -> Result<&str, String> {
    if text.is_empty() {
        Err("Empty attribute in format string".into())
    } else {
        Ok(text)
    }
}

/// `Some(n)` when `text` is all decimal digits (of any script), like CPython's
/// `get_integer`, which reports overflow even before a later non-digit.
fn parse_index(text: &str) -> Result<Option<usize>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let mut value: usize = 0;
    for c in text.chars() {
        let Some(digit) = decimal_value(c) else {
            return Ok(None);
        };
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit as usize))
            .filter(|&v| v <= isize::MAX as usize)
            .ok_or("Too many decimal digits in format string")?;
    }
    Ok(Some(value))
}

/// Tracks `{}` versus `{0}` across a template, which may not mix.
#[derive(Debug, Default)]
pub struct AutoNumbering {
    manual: Option<bool>,
    next: usize,
}

impl AutoNumbering {
    /// Replaces `Auto` by the next index; errors when auto and manual numbering mix.
    pub fn resolve(&mut self, head: FieldHead) -> Result<FieldHead, String> {
        let manual = match head {
            FieldHead::Auto => false,
            FieldHead::Index(_) => true,
            FieldHead::Name(_) => return Ok(head),
        };
        match (*self.manual.get_or_insert(manual), manual) {
            (true, false) => Err("cannot switch from manual field specification to automatic field numbering".into()),
            (false, true) => Err("cannot switch from automatic field numbering to manual field specification".into()),
            (true, true) => Ok(head),
            (false, false) => {
                self.next += 1;
                Ok(FieldHead::Index(self.next - 1))
            }
        }
    }
}
