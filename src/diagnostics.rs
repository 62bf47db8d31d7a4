//! Error reports for people: syntax errors as ariadne reports against the source, uncaught
//! exceptions as a traceback. Every report ends with Python's last line, `TypeName: message`.

use crate::object::instance::TracebackEntry;
use crate::runtime::ExcType;
use crate::span::{SourceFile, Span};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};

/// Whether reports use colour (off when stderr is not a terminal, and in tests).
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Renders a syntax error at `span` of `source`.
pub fn syntax_error(source: &SourceFile, kind: &str, msg: &str, span: Span, colour: bool) -> String {
    let mut out = Vec::new();
    let name = source.name.as_str();
    let text = source.text.as_str();
    let end = span.end.max(span.start + 1).min(text.len().max(1) as u32) as usize;
    let start = (span.start as usize).min(end.saturating_sub(1));
    // Spans are byte offsets: widen them to whole characters.
    let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len()).max(start);
    let line = source.line_of(span.start);
    let report = Report::build(ReportKind::Error, (name, start..end))
        .with_config(Config::default().with_index_type(IndexType::Byte).with_color(colour))
        .with_message(format!("{}: {}", kind, msg))
        .with_label(Label::new((name, start..end)).with_message(msg).with_color(Color::Red))
        .finish();
    let _ = report.write((name, Source::from(source.text.as_str())), &mut out);
    let mut s = String::from_utf8_lossy(&out).into_owned();
    s.push_str(&format!("  File \"{}\", line {}\n{}: {}\n", name, line, kind, msg));
    s
}

/// `Traceback (most recent call last):` and the frames of `tb` (innermost last), or nothing
/// for an empty traceback.
pub fn traceback(tb: &[TracebackEntry]) -> String {
    if tb.is_empty() {
        return String::new();
    }
    let mut out = String::from("Traceback (most recent call last):\n");
    out.extend(traceback_frames(tb));
    out
}

/// The frames of a traceback, one text each, outermost first. Like CPython, runs of the same
/// line are shown three times, then counted.
pub fn traceback_frames(tb: &[TracebackEntry]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last: Option<String> = None;
    let mut repeats = 0;
    for entry in tb.iter().rev() {
        let frame = traceback_frame(entry);
        if last.as_ref() == Some(&frame) {
            repeats += 1;
            if repeats >= 3 {
                continue;
            }
        } else {
            push_repeats(&mut out, repeats);
            repeats = 0;
        }
        out.push(frame.clone());
        last = Some(frame);
    }
    push_repeats(&mut out, repeats);
    out
}

/// One traceback frame: `File "f.coro", line 3, in g`, the source line, and carets.
pub fn traceback_frame(entry: &TracebackEntry) -> String {
    let code = &entry.code;
    let span = code.spans.get(entry.ip as usize).copied().unwrap_or(code.def_span);
    let src = &code.source;
    let line = src.line_of(span.start);
    let text = src.line_text(line);
    let mut s = format!("  File \"{}\", line {}, in {}\n", src.name, line, code.name);
    let trimmed = text.trim_start();
    if !trimmed.is_empty() {
        s.push_str(&format!("    {}\n", trimmed.trim_end()));
        let indent = text.len() - trimmed.len();
        let line_start = src.line_start(line) as usize;
        let from = (span.start as usize).saturating_sub(line_start).saturating_sub(indent);
        let to = ((span.end as usize).min(line_start + text.len())).saturating_sub(line_start).saturating_sub(indent);
        let width = trimmed.trim_end().chars().count();
        let single_line = span.end as usize <= line_start + text.len();
        let segment = trimmed.get(from..to.max(from)).unwrap_or("");
        let anchors = if single_line { caret_anchors(segment) } else { None };
        let (from, to) = (char_col(trimmed, from), char_col(trimmed, to));
        let anchored = anchors.is_some_and(|(left, right)| right > left);
        if to > from && ((to - from) < width || anchored) {
            s.push_str("    ");
            s.push_str(&" ".repeat(from));
            match anchors {
                Some((left, right)) => {
                    let (left, right) = (char_col(segment, left), char_col(segment, right));
                    s.push_str(&"~".repeat(left));
                    s.push_str(&"^".repeat(right.saturating_sub(left)));
                    s.push_str(&"~".repeat((to - from).saturating_sub(right)));
                }
                None => s.push_str(&"^".repeat(to - from)),
            }
            s.push('\n');
        }
    }
    s
}

/// Where CPython puts the `^` inside a failing expression drawn with `~`: the operator of a
/// binary operation (`a ~~^~~ b`), the `[...]` of a subscript. Byte offsets into `segment`,
/// which must parse as that one expression.
fn caret_anchors(segment: &str) -> Option<(usize, usize)> {
    use crate::ast::{ExprKind, StmtKind};
    let module = crate::parser::parse(segment).ok()?;
    let [stmt] = module.body.as_slice() else { return None };
    let StmtKind::Expr(expr) = &stmt.node else { return None };
    let bytes = segment.as_bytes();
    match &expr.node {
        ExprKind::BinOp { left, right, .. } => {
            let between = segment.get(left.span.end as usize..right.span.start as usize)?;
            let offset = between.len() - between.trim_start().len();
            let mut start = left.span.end as usize + offset;
            let mut end = start + 1;
            if between.as_bytes().get(offset + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                end += 1;
            }
            while bytes.get(start).is_some_and(|&b| b.is_ascii_whitespace() || b == b')' || b == b'#') {
                start += 1;
                end += 1;
            }
            Some((start, end.min(bytes.len())))
        }
        ExprKind::Subscript { value, index } => {
            let mut start = value.span.end as usize;
            let mut end = index.span.end as usize + 1;
            while bytes.get(start).is_some_and(|&b| b != b'[') {
                start += 1;
            }
            while bytes.get(end).is_some_and(|&b| b != b']') {
                end += 1;
            }
            if end < bytes.len() {
                end += 1;
            }
            Some((start.min(bytes.len()), end.min(bytes.len())))
        }
        _ => None,
    }
}

fn char_col(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|(i, _)| *i < byte).count()
}

pub fn eprint(s: &str) {
    crate::runtime::output::write_err(s);
}

/// CPython's note for a run of identical traceback lines beyond the three it shows.
fn push_repeats(out: &mut Vec<String>, repeats: usize) {
    if repeats >= 3 {
        let n = repeats - 2;
        out.push(format!("  [Previous line repeated {} more time{}]\n", n, if n == 1 { "" } else { "s" }));
    }
}

/// For a `SyntaxError` exception with a location (raised importing a module): the lines
/// naming the file and line, the source line and carets under the error, and the bare
/// message, as CPython prints them after the traceback.
pub fn syntax_error_location(e: &crate::vm::Exc) -> Option<(String, String)> {
    use crate::value::Value;
    if !crate::runtime::exceptions::is_instance_of(e, ExcType::SyntaxError) {
        return None;
    }
    let attrs = e.attrs.borrow();
    let field = |k: &str| attrs.get(&crate::intern::intern(k)).unwrap_or(Value::None);
    let (Value::Str(file), Value::Int(lineno)) = (field("filename"), field("lineno")) else { return None };
    let mut out = format!("  File \"{}\", line {}\n", file.s, lineno);
    if let Value::Str(text) = field("text") {
        let rtext = text.s.trim_end_matches('\n');
        let ltext = rtext.trim_start_matches([' ', '\n', '\x0c']);
        let spaces = (rtext.chars().count() - ltext.chars().count()) as i64;
        out.push_str(&format!("    {}\n", ltext));
        let indentation = crate::runtime::exceptions::is_instance_of(e, ExcType::IndentationError);
        if let (Value::Int(offset), false) = (field("offset"), indentation) {
            let end = match field("end_offset") {
                Value::Int(n) if n != 0 && n != -1 && n != offset => n,
                _ => offset + 1,
            };
            let (col, end_col) = (offset - 1 - spaces, end - 1 - spaces);
            if col >= 0 {
                let pad: String =
                    ltext.chars().take(col as usize).map(|c| if c.is_whitespace() { c } else { ' ' }).collect();
                out.push_str(&format!("    {}{}\n", pad, "^".repeat((end_col - col).max(1) as usize)));
            }
        }
    }
    let msg = match field("msg") {
        Value::Str(s) => s.s.to_string(),
        _ => "<no detail available>".to_string(),
    };
    Some((out, msg))
}
