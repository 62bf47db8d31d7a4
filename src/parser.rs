//! The parser: `parse` runs the lexer and the LR(1) grammar in `grammar/coro.lalrpop`.
//! The grammar's actions call the helpers in `parser/` for anything beyond building a node.

mod depth;
mod fstring;
mod nodes;
mod params;
mod patterns;
mod strings;
mod targets;

use crate::ast;
use crate::lexer::{Lexer, Tok};
use crate::span::Span;
use lalrpop_util::ParseError;
use std::fmt;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused)]
    grammar,
    "/coro.rs"
);

/// The Python exception type a syntax error is reported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
    /// A tree too deep to compile: reported as CPython reports it, a `RecursionError`.
    RecursionError,
}

impl SyntaxErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
            SyntaxErrorKind::RecursionError => "RecursionError",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    pub span: Span,
    /// The input ended early (open bracket or triple-quoted string, block header without a
    /// body, trailing backslash): more lines could make it valid.
    pub incomplete: bool,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError { kind, msg: msg.into(), span, incomplete: false }
    }

    /// A plain `SyntaxError`.
    pub(crate) fn at(span: Span, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::new(SyntaxErrorKind::SyntaxError, msg, span)
    }

    pub(crate) fn incomplete_if(mut self, incomplete: bool) -> SyntaxError {
        self.incomplete = incomplete;
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.msg)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a whole source file.
pub fn parse(source: &str) -> Result<ast::Module, SyntaxError> {
    if let Some(at) = source.find('\0') {
        return Err(SyntaxError::at(Span::new(at, at + 1), "source code cannot contain null bytes"));
    }
    depth::begin();
    let module = grammar::ModuleParser::new().parse(Lexer::new(source)).map_err(convert_error);
    match depth::finish() {
        Some(too_deep) => Err(too_deep),
        None => module,
    }
}

/// Parses one f-string field expression found at byte offset `base` of the source.
fn parse_field_expression(text: &str, base: usize) -> Result<ast::Expr, SyntaxError> {
    grammar::ExpressionParser::new().parse(Lexer::for_expression(text, base)).map_err(|e| {
        let mut e = convert_error(e);
        if !e.msg.starts_with("f-string") {
            e.msg = format!("f-string: {}", e.msg);
        }
        // The string literal is complete, so the expression in it is too.
        e.incomplete = false;
        e
    })
}

fn convert_error(err: ParseError<usize, Tok, SyntaxError>) -> SyntaxError {
    match err {
        ParseError::User { error } => error,
        ParseError::UnrecognizedToken { token: (l, tok, r), expected } => {
            unexpected_token(&tok, Span::new(l, r), &expected)
        }
        ParseError::UnrecognizedEof { location, .. } => {
            SyntaxError::at(Span::new(location, location), "invalid syntax").incomplete_if(true)
        }
        ParseError::ExtraToken { token: (l, _, r) } => SyntaxError::at(Span::new(l, r), "invalid syntax"),
        ParseError::InvalidToken { location } => SyntaxError::at(Span::new(location, location), "invalid syntax"),
    }
}

fn unexpected_token(tok: &Tok, span: Span, expected: &[String]) -> SyntaxError {
    // lalrpop names expected terminals as they are written in the grammar, quotes included.
    let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
    match tok {
        Tok::Indent => SyntaxError::new(SyntaxErrorKind::IndentationError, "unexpected indent", span),
        Tok::Newline if expects(":") => SyntaxError::at(span, "expected ':'"),
        Tok::Comma | Tok::RBrace if expects(":") => SyntaxError::at(span, "':' expected after dictionary key"),
        // Only a conditional expression can be missing an `else` where no statement may start.
        _ if expects("else") && !expects("NAME") => SyntaxError::at(span, "expected 'else' after 'if' expression"),
        _ if expects("except") && expects("finally") => SyntaxError::at(span, "expected 'except' or 'finally' block"),
        _ => SyntaxError::at(span, "invalid syntax"),
    }
}

#[cfg(test)]
mod tests;
