//! A syntax error found compiling source: where (file and span) and what. It is reported
//! against the source (the main script's), or raised as a `SyntaxError` exception (a
//! module's, at its import) carrying CPython's attributes.

use crate::intern::intern;
use crate::runtime::exceptions::new_exception;
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::span::{SourceFile, Span};
use crate::value::Value;
use crate::vm::Exc;
use std::rc::Rc;

#[derive(Debug)]
pub struct SyntaxError {
    pub source: Rc<SourceFile>,
    pub span: Span,
    /// `SyntaxError`, `IndentationError` or `TabError`.
    pub kind: &'static str,
    pub msg: String,
}

impl SyntaxError {
    pub fn new(source: &Rc<SourceFile>, kind: &'static str, msg: String, span: Span) -> SyntaxError {
        SyntaxError { source: source.clone(), span, kind, msg }
    }

    /// The parser's or compiler's error, placed in its source file.
    pub fn located(source: &Rc<SourceFile>, e: crate::parser::SyntaxError) -> SyntaxError {
        SyntaxError::new(source, e.kind.name(), e.msg, e.span)
    }

    /// The report for a person: the source with the span marked, and Python's last lines.
    pub fn report(&self, colour: bool) -> String {
        crate::diagnostics::syntax_error(&self.source, self.kind, &self.msg, self.span, colour)
    }

    /// The exception CPython raises for it, with `msg`, `filename`, `lineno`, `offset`,
    /// `text`, `end_lineno` and `end_offset` (columns 1-based, in characters).
    pub fn to_exception(&self) -> Exc {
        let src = &self.source;
        let column = |offset: u32| {
            let line = src.line_of(offset);
            let start = src.line_start(line) as usize;
            let end = (offset as usize).clamp(start, src.text.len());
            (line, src.text.get(start..end).map_or(0, |t| t.chars().count()) + 1)
        };
        let (lineno, offset) = column(self.span.start);
        let (end_lineno, end_offset) = column(self.span.end.max(self.span.start + 1));
        let line = src.line_text(lineno);
        let text = if src.text.is_empty() { Value::None } else { Value::str(format!("{}\n", line)) };
        let info = [
            ("filename", Value::str(src.name.as_str())),
            ("lineno", Value::Int(lineno as i64)),
            ("offset", Value::Int(offset as i64)),
            ("text", text),
            ("end_lineno", Value::Int(end_lineno as i64)),
            ("end_offset", Value::Int(end_offset as i64)),
        ];
        let msg = Value::str(self.msg.as_str());
        let details = Value::tuple(info.iter().map(|(_, v)| v.clone()).collect());
        let e = new_exception(
            types().exc(ExcType::from_name(self.kind).unwrap_or(ExcType::SyntaxError)),
            vec![msg.clone(), details],
        );
        let mut attrs = e.attrs.borrow_mut();
        attrs.insert(intern("msg"), msg);
        for (name, v) in info {
            attrs.insert(intern(name), v);
        }
        drop(attrs);
        e
    }
}
