//! Formatting exceptions as CPython's `traceback.TracebackException.format` does: chained
//! causes and contexts, notes, and exception groups in their boxed form. The one formatter
//! behind uncaught-exception reports and the `traceback` module.

use super::protocol;
use crate::diagnostics::traceback_frames;
use crate::intern::{intern, sym};
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::{group_members, is_group, Exc, PyResult};
use std::future::Future;
use std::pin::Pin;

const CAUSE_MESSAGE: &str = "\nThe above exception was the direct cause of the following exception:\n\n";
const CONTEXT_MESSAGE: &str = "\nDuring handling of the above exception, another exception occurred:\n\n";
const MAX_GROUP_WIDTH: usize = 15;
const MAX_GROUP_DEPTH: usize = 10;

/// The lines (each ending in a newline; a frame is one multi-line text) of a report of `e`.
pub async fn format_exception(ctx: &Ctx, e: &Exc, chain: bool) -> PyResult<Vec<String>> {
    let mut printer = Printer { ctx, group_depth: 0, need_close: false, seen: Vec::new(), out: Vec::new() };
    printer.exception(e, chain).await?;
    Ok(printer.out)
}

/// `Name: message` and the notes, as `traceback.format_exception_only` gives them.
pub async fn format_exception_only(ctx: &Ctx, e: &Value) -> PyResult<Vec<String>> {
    let class = super::types().class_of(e);
    let name = if class.module == sym::BUILTINS || class.module == sym::MAIN {
        class.qualname().clone()
    } else {
        format!("{}.{}", class.module, class.qualname())
    };
    // A syntax error (in an imported module) shows where it is, then its bare message.
    let location = match e {
        Value::Instance(inst) => crate::diagnostics::syntax_error_location(inst),
        _ => None,
    };
    let mut lines = Vec::new();
    let msg = match location {
        Some((location, msg)) => {
            lines.push(location);
            msg
        }
        None => match protocol::str(ctx, e).await {
            Ok(msg) => msg,
            Err(_) => "<exception str() failed>".into(),
        },
    };
    lines.push(if msg.is_empty() { format!("{name}\n") } else { format!("{name}: {msg}\n") });
    let notes = match e {
        Value::Instance(inst) => inst.attrs.borrow().get(&intern("__notes__")),
        _ => None,
    };
    match notes {
        None => {}
        Some(notes @ (Value::List(_) | Value::Tuple(_))) => {
            for note in protocol::iterate(ctx, &notes).await? {
                let text = match protocol::str(ctx, &note).await {
                    Ok(text) => text,
                    Err(_) => "<note str() failed>".into(),
                };
                lines.extend(text.split('\n').map(|l| format!("{l}\n")));
            }
        }
        Some(other) => lines.push(format!("{}\n", protocol::repr(ctx, &other).await?)),
    }
    Ok(lines)
}

struct Printer<'c> {
    ctx: &'c Ctx,
    group_depth: usize,
    need_close: bool,
    /// Exceptions already reported in this chain (a cycle of contexts stops there).
    seen: Vec<usize>,
    out: Vec<String>,
}

impl Printer<'_> {
    fn indent(&self) -> String {
        " ".repeat(2 * self.group_depth)
    }

    /// Adds `text` with every line prefixed by the group margin (`| `, or `+ `).
    fn emit(&mut self, text: &str, margin: char) {
        if self.group_depth == 0 {
            self.out.push(text.to_string());
            return;
        }
        let prefix = format!("{}{} ", self.indent(), margin);
        let mut indented = String::new();
        for line in text.split_inclusive('\n') {
            indented.push_str(&prefix);
            indented.push_str(line);
        }
        self.out.push(indented);
    }

    fn exception<'a>(&'a mut self, e: &'a Exc, chain: bool) -> Pin<Box<dyn Future<Output = PyResult<()>> + 'a>> {
        Box::pin(async move {
            let mut links: Vec<(Option<&str>, Exc)> = Vec::new();
            let mut current = Some(e.clone());
            while let Some(exc) = current.take() {
                self.seen.extend(Value::Instance(exc.clone()).heap_ptr());
                let data = exc.exc().map(|d| {
                    let d = d.borrow();
                    (d.cause.clone(), d.context.clone(), d.suppress_context)
                });
                let (cause, context, suppress) = data.unwrap_or((None, None, false));
                let unseen = |v: &Option<Value>| match v {
                    Some(Value::Instance(i)) if !self.seen.contains(&(std::rc::Rc::as_ptr(i) as usize)) => {
                        Some(i.clone())
                    }
                    _ => None,
                };
                let next = if !chain {
                    None
                } else if let Some(c) = unseen(&cause) {
                    Some((CAUSE_MESSAGE, c))
                } else if let (Some(c), false) = (unseen(&context), suppress) {
                    Some((CONTEXT_MESSAGE, c))
                } else {
                    None
                };
                links.push((next.as_ref().map(|(msg, _)| *msg), exc));
                current = next.map(|(_, c)| c);
            }
            // Each exception but the first is introduced by how it follows the one before.
            for (msg, exc) in links.into_iter().rev() {
                if let Some(m) = msg {
                    self.emit(m, '|');
                }
                self.one(&exc, chain).await?;
            }
            Ok(())
        })
    }

    /// One exception of a chain: its traceback and line, or a group's box.
    async fn one(&mut self, e: &Exc, chain: bool) -> PyResult<()> {
        let tb = e.exc().map(|d| d.borrow().traceback.clone()).unwrap_or_default();
        let v = Value::Instance(e.clone());
        if !is_group(e) {
            if !tb.is_empty() {
                self.emit("Traceback (most recent call last):\n", '|');
                for frame in traceback_frames(&tb) {
                    self.emit(&frame, '|');
                }
            }
            for line in format_exception_only(self.ctx, &v).await? {
                self.emit(&line, '|');
            }
            return Ok(());
        }
        if self.group_depth > MAX_GROUP_DEPTH {
            self.emit(&format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"), '|');
            return Ok(());
        }
        let top = self.group_depth == 0;
        if top {
            self.group_depth += 1;
        }
        if !tb.is_empty() {
            self.emit("Exception Group Traceback (most recent call last):\n", if top { '+' } else { '|' });
            for frame in traceback_frames(&tb) {
                self.emit(&frame, '|');
            }
        }
        for line in format_exception_only(self.ctx, &v).await? {
            self.emit(&line, '|');
        }
        let members = group_members(&e.exc().expect("exception").borrow().args);
        let n = members.len().min(MAX_GROUP_WIDTH + 1);
        self.need_close = false;
        for (i, member) in members.iter().take(n).enumerate() {
            let last = i + 1 == n;
            if last {
                self.need_close = true;
            }
            let truncated = i >= MAX_GROUP_WIDTH;
            let title = if truncated { "...".to_string() } else { (i + 1).to_string() };
            let corner = if i == 0 { "+-" } else { "  " };
            self.out.push(format!("{}{corner}+---------------- {title} ----------------\n", self.indent()));
            self.group_depth += 1;
            if truncated {
                let remaining = members.len() - MAX_GROUP_WIDTH;
                let plural = if remaining > 1 { "s" } else { "" };
                self.emit(&format!("and {remaining} more exception{plural}\n"), '|');
            } else if let Value::Instance(m) = member {
                self.exception(m, chain).await?;
            }
            if last && self.need_close {
                self.out.push(format!("{}+------------------------------------\n", self.indent()));
                self.need_close = false;
            }
            self.group_depth -= 1;
        }
        if top {
            self.group_depth = 0;
        }
        Ok(())
    }
}
