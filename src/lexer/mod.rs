//! The lexer: logos tokens (`token.rs`) followed by the indentation pass here, which turns
//! physical lines into logical ones (NEWLINE, INDENT, DEDENT) and checks brackets.

mod strings;
mod token;

pub use strings::{decode_str, StrLit};
pub use token::{RawError, Tok, KEYWORDS};

use crate::parser::{SyntaxError, SyntaxErrorKind};
use crate::span::Span;
use logos::Logos;
use std::collections::VecDeque;

/// A token with its byte range, as lalrpop expects.
pub type Triple = (usize, Tok, usize);

/// CPython's limits on nested brackets and indentation levels; they also bound the depth of
/// the syntax tree (which is dropped, and compiled, recursively).
const MAX_BRACKET_DEPTH: usize = 200;
const MAX_INDENT_LEVELS: usize = 100;

/// An indentation level: the column with tabs to multiples of 8, and with tabs as 1 column.
/// Comparing both detects indentation whose meaning depends on the tab size (TabError).
#[derive(Clone, Copy, PartialEq)]
struct Level {
    col: usize,
    alt: usize,
}

/// Compound statements whose header line needs an indented block after it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Header {
    Keyword(&'static str),
    Function,
    Class,
    /// `async` seen; the next token decides.
    Async,
}

impl Header {
    fn of(tok: &Tok) -> Option<Header> {
        Some(match tok {
            Tok::If
            | Tok::Elif
            | Tok::Else
            | Tok::While
            | Tok::For
            | Tok::With
            | Tok::Try
            | Tok::Except
            | Tok::Finally
            | Tok::Case => Header::Keyword(tok.describe()),
            Tok::Def => Header::Function,
            Tok::Class => Header::Class,
            Tok::Async => Header::Async,
            _ => return None,
        })
    }

    fn describe(self) -> String {
        match self {
            Header::Keyword(k) => format!("'{k}' statement"),
            Header::Function | Header::Async => "function definition".into(),
            Header::Class => "class definition".into(),
        }
    }
}

/// Tracking of `with (`: whether the `(` starts parenthesized with-items depends on whether
/// its matching `)` is followed by `:`, so tokens are held back until that is known.
#[derive(Clone, Copy, PartialEq)]
enum WithParen {
    None,
    /// The `(` is at this queue index; its `)` has not been seen yet.
    Open(usize),
    /// The `)` was the last token; the next one decides.
    Closed(usize),
}

pub struct Lexer<'s> {
    src: &'s str,
    /// Added to every position: sub-lexers for f-string fields lex a slice of the source.
    base: usize,
    raw: logos::Lexer<'s, Tok>,
    queue: VecDeque<Triple>,
    levels: Vec<Level>,
    brackets: Vec<(Tok, Span)>,
    /// Lexing a lone expression (an f-string field): no layout tokens at all.
    expr_mode: bool,
    at_line_start: bool,
    /// The last thing seen was a backslash continuation (an error if input ends there).
    continued: bool,
    line_start: usize,
    line_tokens: usize,
    line_header: Option<Header>,
    line_ends_with_colon: bool,
    /// A header line ended with `:` at the end of the line; the next line must be indented.
    pending_block: Option<(Header, usize)>,
    prev_was_with: bool,
    /// Where the previous token ended, if it was a number: a name or number right after it
    /// makes a malformed literal (`1_`, `0b12`, `0x`).
    number_end: Option<usize>,
    with_paren: WithParen,
    /// The queue index of a `match` that starts the current line: it is a keyword if the
    /// line ends with `:`, so tokens are held back until the line ends.
    soft_match: Option<usize>,
    /// A `match` line was just retagged: the next indented block holds its cases.
    match_block_pending: bool,
    /// The indentation depths (`levels.len()`) of open match blocks: a line there starting
    /// with `case` starts a case.
    match_blocks: Vec<usize>,
    finished: bool,
}

impl<'s> Lexer<'s> {
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer {
            src,
            base: 0,
            raw: Tok::lexer(src),
            queue: VecDeque::new(),
            levels: vec![Level { col: 0, alt: 0 }],
            brackets: Vec::new(),
            expr_mode: false,
            at_line_start: true,
            continued: false,
            line_start: 0,
            line_tokens: 0,
            line_header: None,
            line_ends_with_colon: false,
            pending_block: None,
            prev_was_with: false,
            number_end: None,
            with_paren: WithParen::None,
            soft_match: None,
            match_block_pending: false,
            match_blocks: Vec::new(),
            finished: false,
        }
    }

    /// A lexer for one expression found at byte offset `base` of the full source: newlines
    /// are insignificant and no NEWLINE/INDENT/DEDENT tokens are produced.
    pub fn for_expression(src: &'s str, base: usize) -> Lexer<'s> {
        Lexer { base, expr_mode: true, at_line_start: false, ..Lexer::new(src) }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(start + self.base, end + self.base)
    }

    fn error(&self, msg: impl Into<String>, start: usize, end: usize) -> SyntaxError {
        SyntaxError::new(SyntaxErrorKind::SyntaxError, msg, self.span(start, end))
    }

    fn indentation_error(&self, msg: impl Into<String>, start: usize, end: usize) -> SyntaxError {
        SyntaxError::new(SyntaxErrorKind::IndentationError, msg, self.span(start, end))
    }

    /// 1-based line number of a local offset.
    fn line_of(&self, offset: usize) -> usize {
        self.src[..offset].matches('\n').count() + 1
    }

    fn push(&mut self, start: usize, tok: Tok, end: usize) {
        self.queue.push_back((start + self.base, tok, end + self.base));
    }

    /// Reads one raw token and queues what it produces.
    fn advance(&mut self) -> Result<(), SyntaxError> {
        let Some(raw) = self.raw.next() else { return self.finish() };
        let r = self.raw.span();
        let tok = raw.map_err(|e| self.raw_error(e, r.start, r.end))?;
        match tok {
            Tok::Continuation => self.continued = true,
            Tok::Newline => {
                self.continued = false;
                if self.brackets.is_empty() && !self.at_line_start && !self.expr_mode {
                    self.end_line(r.start, r.end);
                }
            }
            Tok::Backslash => {
                return Err(self.error("unexpected character after line continuation character", r.start, r.end));
            }
            tok => self.token(tok, r.start, r.end)?,
        }
        Ok(())
    }

    fn token(&mut self, mut tok: Tok, start: usize, end: usize) -> Result<(), SyntaxError> {
        self.continued = false;
        if self.at_line_start {
            self.indent(start, end)?;
            self.at_line_start = false;
            self.line_start = start;
            self.line_tokens = 0;
        }
        self.line_tokens += 1;
        if self.line_tokens == 1 && !self.expr_mode {
            self.soft_keyword(&mut tok);
        }
        if self.line_tokens == 1 {
            self.line_header = Header::of(&tok);
        } else if self.line_tokens == 2 && self.line_header == Some(Header::Async) {
            self.line_header = match tok {
                Tok::Def => Some(Header::Function),
                Tok::For | Tok::With => Header::of(&tok),
                _ => None,
            };
        }
        if let Tok::Str(StrLit::FStr { offset, .. }) = &mut tok {
            *offset += self.base;
        }
        let is_number = matches!(tok, Tok::Int(_) | Tok::Float(_) | Tok::Imag(_));
        if self.number_end == Some(start) && (is_number || matches!(tok, Tok::Name(_))) {
            return Err(self.bad_number(start, end));
        }
        self.number_end = is_number.then_some(end);
        self.brackets(&tok, start, end)?;
        self.line_ends_with_colon = tok == Tok::Colon && self.brackets.is_empty();
        self.track_with_paren(&tok);
        self.push(start, tok, end);
        Ok(())
    }

    /// `match` and `case` starting a line: `case` is a keyword at the indentation of a match
    /// block; `match` is held back until the end of the line decides (see `end_line`).
    fn soft_keyword(&mut self, tok: &mut Tok) {
        let Tok::Name(name) = &*tok else { return };
        if name == "case" && self.match_blocks.last() == Some(&self.levels.len()) {
            *tok = Tok::Case;
        } else if name == "match" {
            self.soft_match = Some(self.queue.len());
        }
    }

    fn brackets(&mut self, tok: &Tok, start: usize, end: usize) -> Result<(), SyntaxError> {
        match tok {
            Tok::LParen | Tok::LSqb | Tok::LBrace => {
                if self.brackets.len() >= MAX_BRACKET_DEPTH {
                    return Err(self.error("too many nested parentheses", start, end));
                }
                self.brackets.push((tok.clone(), Span::new(start, end)));
            }
            Tok::RParen | Tok::RSqb | Tok::RBrace => {
                let close = tok.describe();
                let Some((open, open_span)) = self.brackets.pop() else {
                    return Err(self.error(format!("unmatched '{close}'"), start, end));
                };
                let matches = matches!(
                    (&open, tok),
                    (Tok::LParen, Tok::RParen) | (Tok::LSqb, Tok::RSqb) | (Tok::LBrace, Tok::RBrace)
                );
                if !matches {
                    let mut msg = format!(
                        "closing parenthesis '{close}' does not match opening parenthesis '{}'",
                        open.describe()
                    );
                    let open_line = self.line_of(open_span.start as usize);
                    if open_line != self.line_of(start) {
                        msg += &format!(" on line {open_line}");
                    }
                    return Err(self.error(msg, start, end));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Called for every token about to be queued, after bracket tracking.
    fn track_with_paren(&mut self, tok: &Tok) {
        match self.with_paren {
            WithParen::None if self.prev_was_with && *tok == Tok::LParen && self.brackets.len() == 1 => {
                self.with_paren = WithParen::Open(self.queue.len());
            }
            WithParen::Open(at) if self.brackets.is_empty() => self.with_paren = WithParen::Closed(at),
            WithParen::Closed(at) => {
                if *tok == Tok::Colon {
                    self.queue[at].1 = Tok::WithLParen;
                }
                self.with_paren = WithParen::None;
            }
            _ => {}
        }
        self.prev_was_with = *tok == Tok::With;
    }

    /// Measures the indentation of a line's first token and queues INDENT/DEDENTs.
    fn indent(&mut self, start: usize, end: usize) -> Result<(), SyntaxError> {
        let line_begin = self.src[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let mut level = Level { col: 0, alt: 0 };
        for c in self.src[line_begin..start].chars() {
            match c {
                '\t' => {
                    level.col = (level.col / 8 + 1) * 8;
                    level.alt += 1;
                }
                '\x0c' => level = Level { col: 0, alt: 0 },
                _ => {
                    level.col += 1;
                    level.alt += 1;
                }
            }
        }
        let span = self.span(start, end);
        let tab_error =
            || SyntaxError::new(SyntaxErrorKind::TabError, "inconsistent use of tabs and spaces in indentation", span);
        let top = *self.levels.last().expect("the level stack always holds column 0");
        let pending = self.pending_block.take();
        if level.col > top.col {
            if pending.is_none() {
                return Err(self.indentation_error("unexpected indent", start, end));
            }
            if level.alt <= top.alt {
                return Err(tab_error());
            }
            if self.levels.len() >= MAX_INDENT_LEVELS {
                return Err(self.indentation_error("too many levels of indentation", start, end));
            }
            self.levels.push(level);
            if std::mem::take(&mut self.match_block_pending) {
                self.match_blocks.push(self.levels.len());
            }
            self.push(start, Tok::Indent, start);
            return Ok(());
        }
        if let Some((header, header_start)) = pending {
            let msg = format!(
                "expected an indented block after {} on line {}",
                header.describe(),
                self.line_of(header_start)
            );
            return Err(self.indentation_error(msg, start, end));
        }
        self.match_block_pending = false;
        while level.col < self.levels.last().map_or(0, |l| l.col) {
            self.levels.pop();
            self.push(start, Tok::Dedent, start);
        }
        while self.match_blocks.last().is_some_and(|&depth| depth > self.levels.len()) {
            self.match_blocks.pop();
        }
        let top = *self.levels.last().expect("column 0 is never popped");
        if level.col != top.col {
            return Err(self.indentation_error("unindent does not match any outer indentation level", start, end));
        }
        if level.alt != top.alt {
            return Err(tab_error());
        }
        Ok(())
    }

    fn end_line(&mut self, start: usize, end: usize) {
        if let Some(at) = self.soft_match.take() {
            // `match subject:` (anything else starting with `match` that ends with `:` is
            // invalid anyway).
            if self.line_ends_with_colon && self.line_tokens > 2 {
                self.queue[at].1 = Tok::Match;
                self.line_header = Some(Header::Keyword("match"));
                self.match_block_pending = true;
            }
        }
        self.push(start, Tok::Newline, end);
        if self.line_ends_with_colon {
            if let Some(header) = self.line_header.filter(|h| *h != Header::Async) {
                self.pending_block = Some((header, self.line_start));
            }
        }
        self.at_line_start = true;
        self.line_ends_with_colon = false;
    }

    fn finish(&mut self) -> Result<(), SyntaxError> {
        self.finished = true;
        self.with_paren = WithParen::None;
        let end = self.src.len();
        if let Some((open, span)) = self.brackets.last() {
            let err =
                self.error(format!("'{}' was never closed", open.describe()), span.start as usize, span.end as usize);
            return Err(err.incomplete_if(!self.expr_mode));
        }
        if self.continued {
            return Err(self.error("unexpected EOF while parsing", end, end).incomplete_if(true));
        }
        if self.expr_mode {
            return Ok(());
        }
        if !self.at_line_start {
            self.end_line(end, end);
        }
        if let Some((header, header_start)) = self.pending_block {
            let msg = format!(
                "expected an indented block after {} on line {}",
                header.describe(),
                self.line_of(header_start)
            );
            return Err(self.indentation_error(msg, end, end).incomplete_if(true));
        }
        for _ in 1..self.levels.len() {
            self.push(end, Tok::Dedent, end);
        }
        self.levels.truncate(1);
        Ok(())
    }

    /// A number literal ending at `start` runs into the token `start..end`.
    fn bad_number(&self, start: usize, end: usize) -> SyntaxError {
        let number_start = self.src[..start]
            .char_indices()
            .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let number = &self.src[number_start..start];
        let mut rest = self.src[start..].chars();
        let mut next = rest.next().unwrap_or(' ');
        let base = match (number.get(..2), number, next) {
            (Some("0b" | "0B"), _, _) | (_, "0", 'b' | 'B') => "binary",
            (Some("0o" | "0O"), _, _) | (_, "0", 'o' | 'O') => "octal",
            (Some("0x" | "0X"), _, _) | (_, "0", 'x' | 'X') => "hexadecimal",
            _ if number.ends_with(['j', 'J']) => "imaginary",
            _ => "decimal",
        };
        if number == "0" && base != "decimal" {
            // The prefix letter itself was lexed as part of a name: `0o8` is `0`, `o8`.
            next = rest.next().unwrap_or(' ');
        }
        let msg = if next.is_ascii_digit() && base != "decimal" {
            format!("invalid digit '{next}' in {base} literal")
        } else {
            format!("invalid {base} literal")
        };
        self.error(msg, number_start, end)
    }

    fn raw_error(&self, err: RawError, start: usize, end: usize) -> SyntaxError {
        match err {
            RawError::InvalidChar => {
                let c = self.src[start..].chars().next().unwrap_or(' ');
                let msg = if c.is_ascii() && !c.is_ascii_control() {
                    "invalid syntax".to_string()
                } else if is_non_printable(c) {
                    format!("invalid non-printable character U+{:04X}", c as u32)
                } else {
                    format!("invalid character '{c}' (U+{:04X})", c as u32)
                };
                self.error(msg, start, start + c.len_utf8())
            }
            RawError::UnterminatedString => {
                let msg = format!("unterminated string literal (detected at line {})", self.line_of(end));
                self.error(msg, start, end)
            }
            RawError::UnterminatedTripleString => {
                // CPython counts the line the input ends on, ignoring one final newline.
                let text = self.src.strip_suffix('\n').unwrap_or(self.src);
                let msg = format!(
                    "unterminated triple-quoted string literal (detected at line {})",
                    self.line_of(text.len())
                );
                let opening = self.src[start..].find(['\'', '"']).map_or(0, |q| q + 3);
                self.error(msg, start, start + opening).incomplete_if(!self.expr_mode)
            }
            RawError::BadLiteral(msg) => self.error(msg, start, end),
        }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Result<Triple, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.with_paren == WithParen::None && self.soft_match.is_none() {
                if let Some(t) = self.queue.pop_front() {
                    return Some(Ok(t));
                }
            }
            if self.finished {
                return None;
            }
            if let Err(e) = self.advance() {
                self.finished = true;
                self.queue.clear();
                return Some(Err(e));
            }
        }
    }
}

#[cfg(test)]
mod tests;

/// Characters CPython names only by code point in "invalid non-printable character":
/// controls, separators other than the space, and the common format characters.
fn is_non_printable(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c as u32, 0xA0 | 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF)
}
