//! Splitting an f-string body into literal text and `{expr!c:spec}` fields (Python 3.11
//! rules). Field expressions are parsed with the expression grammar, at their real offsets.

use crate::ast::{FStringField, FStringPart};
use crate::lexer::decode_str;
use crate::parser::{parse_field_expression, SyntaxError};
use crate::span::Span;

/// CPython allows a field inside a format spec, but no deeper.
const MAX_SPEC_NESTING: usize = 2;

pub fn parse(body: &str, offset: usize, raw: bool) -> Result<Vec<FStringPart>, SyntaxError> {
    let mut scanner = Scanner { body, bytes: body.as_bytes(), offset, raw, pos: 0 };
    scanner.parts(0)
}

struct Scanner<'a> {
    body: &'a str,
    bytes: &'a [u8],
    /// Where `body` starts in the source.
    offset: usize,
    raw: bool,
    pos: usize,
}

impl Scanner<'_> {
    fn error(&self, at: usize, msg: &str) -> SyntaxError {
        SyntaxError::at(Span::new(self.offset + at, self.offset + at + 1), format!("f-string: {msg}"))
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Literal text and fields up to the end of the body, or (inside a format spec, when
    /// `depth > 0`) up to the `}` closing the field, which is left unconsumed.
    fn parts(&mut self, depth: usize) -> Result<Vec<FStringPart>, SyntaxError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut literal_start = self.pos;
        loop {
            let (c, next) = (self.peek(self.pos), self.peek(self.pos + 1));
            let doubled = depth == 0 && c == next;
            if matches!(c, Some(b'{' | b'}')) && doubled {
                literal.push_str(&self.body[literal_start..=self.pos]);
                self.pos += 2;
                literal_start = self.pos;
                continue;
            }
            if c == Some(b'\\') && !self.raw {
                // An escaped backslash, or `\N{NAME}`, whose braces are not a field's.
                self.pos += match next {
                    Some(b'N') if self.peek(self.pos + 2) == Some(b'{') => {
                        self.body[self.pos..].find('}').map_or(self.body.len() - self.pos, |end| end + 1)
                    }
                    Some(b'\\') => 2,
                    _ => 1,
                };
                continue;
            }
            if !matches!(c, None | Some(b'{' | b'}')) {
                self.pos += 1;
                continue;
            }
            literal.push_str(&self.body[literal_start..self.pos]);
            if !literal.is_empty() {
                let text = decode_str(&literal, self.raw).map_err(|m| self.error(literal_start, &m))?;
                parts.push(FStringPart::Literal(text));
                literal.clear();
            }
            match c {
                None if depth > 0 => return Err(self.error(self.pos, "expecting '}'")),
                None => return Ok(parts),
                Some(b'}') if depth > 0 => return Ok(parts),
                Some(b'}') => return Err(self.error(self.pos, "single '}' is not allowed")),
                _ => {
                    parts.push(FStringPart::Field(Box::new(self.field(depth)?)));
                    literal_start = self.pos;
                }
            }
        }
    }

    /// A field starting at `{`; leaves `pos` after its closing `}`.
    fn field(&mut self, depth: usize) -> Result<FStringField, SyntaxError> {
        if depth >= MAX_SPEC_NESTING {
            return Err(self.error(self.pos, "expressions nested too deeply"));
        }
        let open = self.pos;
        let start = open + 1;
        let end = self.expression_end(start)?;
        let text = &self.body[start..end];
        if text.trim().is_empty() {
            return Err(self.error(end, "empty expression not allowed"));
        }
        let expr = parse_field_expression(text, self.offset + start)?;
        self.pos = end;
        let mut debug_text = None;
        if self.peek(self.pos) == Some(b'=') {
            self.pos += 1;
            while self.peek(self.pos).is_some_and(|b| b.is_ascii_whitespace()) {
                self.pos += 1;
            }
            debug_text = Some(self.body[start..self.pos].to_string());
        }
        let mut conversion = None;
        if self.peek(self.pos) == Some(b'!') {
            match self.peek(self.pos + 1) {
                Some(c @ (b's' | b'r' | b'a')) => conversion = Some(c as char),
                _ => return Err(self.error(self.pos + 1, "invalid conversion character: expected 's', 'r', or 'a'")),
            }
            self.pos += 2;
        }
        let mut spec = None;
        if self.peek(self.pos) == Some(b':') {
            self.pos += 1;
            spec = Some(self.parts(depth + 1)?);
        }
        if self.peek(self.pos) != Some(b'}') {
            return Err(self.error(open, "expecting '}'"));
        }
        self.pos += 1;
        // `{x=}` shows the repr unless a conversion or format spec says otherwise.
        if debug_text.is_some() && conversion.is_none() && spec.is_none() {
            conversion = Some('r');
        }
        Ok(FStringField { expr, conversion, spec, debug_text })
    }

    /// The end of the expression part of a field: the `=`, `!`, `:` or `}` that follows it
    /// outside any brackets or nested strings.
    fn expression_end(&self, start: usize) -> Result<usize, SyntaxError> {
        let mut depth = 0usize;
        let mut i = start;
        while let Some(c) = self.peek(i) {
            match c {
                b'\\' => return Err(self.error(i, "expression part cannot include a backslash")),
                b'#' => return Err(self.error(i, "expression part cannot include '#'")),
                b'\'' | b'"' => {
                    i = self.string_end(i)?;
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b'}' => return Ok(i),
                b')' | b']' => return Err(self.error(i, &format!("unmatched '{}'", c as char))),
                b'!' | b'=' if self.peek(i + 1) == Some(b'=') => i += 1,
                b'=' if depth == 0 && i > start && matches!(self.bytes[i - 1], b'<' | b'>') => {}
                b'!' | b'=' | b':' if depth == 0 => return Ok(i),
                _ => {}
            }
            i += 1;
        }
        Err(self.error(start - 1, "expecting '}'"))
    }

    /// Skips a string literal nested in a field expression, returning the offset after it.
    fn string_end(&self, at: usize) -> Result<usize, SyntaxError> {
        let quote = self.bytes[at];
        let triple = self.bytes[at..].starts_with(&[quote; 3]);
        let delimiter: &[u8] = if triple { &self.bytes[at..at + 3] } else { &self.bytes[at..at + 1] };
        let mut i = at + delimiter.len();
        while i < self.bytes.len() {
            if self.bytes[i..].starts_with(delimiter) {
                return Ok(i + delimiter.len());
            }
            if self.bytes[i] == b'\\' {
                return Err(self.error(i, "expression part cannot include a backslash"));
            }
            i += 1;
        }
        Err(self.error(at, "unterminated string"))
    }
}
