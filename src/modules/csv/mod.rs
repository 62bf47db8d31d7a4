//! The `csv` module. The record parser (`_Parser`, CPython's reader state machine, fed one
//! line at a time) and the row joiner (`_join_row`) are native; the reader and writer
//! objects, dialects, `DictReader`/`DictWriter` and `Sniffer` are coro (`lib.coro`) on top
//! of them, pulling lines from any iterator and writing through the file's `write`.

mod parser;
mod writer;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::module::Module;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{new_exception, type_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::cell::Cell;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

/// `QUOTE_MINIMAL` ... `QUOTE_NONE`, CPython's numbering.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    Minimal,
    All,
    NonNumeric,
    None,
}

/// The dialect settings the parser and joiner read, checked by `lib.coro` before they get here.
pub struct Dialect {
    pub delimiter: char,
    pub quotechar: Option<char>,
    pub escapechar: Option<char>,
    pub doublequote: bool,
    pub skipinitialspace: bool,
    pub lineterminator: String,
    pub quoting: Quoting,
    pub strict: bool,
    /// `csv.Error`, the class the native parts raise.
    pub error: Rc<Class>,
}

thread_local! {
    /// `field_size_limit()`: shared by every reader, as CPython's is.
    static FIELD_LIMIT: Cell<i64> = const { Cell::new(128 * 1024) };
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("csv")));
    m.set(intern("__name__"), Value::str("csv"));
    let parser = native_class("_csv", "_Parser", vec![types().object.clone()]);
    method(&parser, "__new__", parser::new);
    method(&parser, "feed", parser::feed);
    method(&parser, "finish", parser::finish);
    m.set(intern("_Parser"), Value::Class(parser));
    m.set(intern("_join_row"), native("_join_row", writer::join_row));
    m.set(intern("field_size_limit"), native("field_size_limit", field_size_limit));
    m
}

fn field_size_limit(a: &crate::object::function::Args) -> PyResult {
    crate::runtime::args::ArgSpec::new("field_size_limit").keywords(&["new_limit"]).check(a)?;
    let new = a.pos.first().cloned().or_else(|| crate::runtime::args::kwarg(a, "new_limit"));
    if a.pos.len() + a.kw.len() > 1 {
        return Err(type_error(format!(
            "field_size_limit expected at most 1 argument, got {}",
            a.pos.len() + a.kw.len()
        )));
    }
    let old = FIELD_LIMIT.with(Cell::get);
    if let Some(v) = new {
        let limit = match v {
            Value::Int(i) => i,
            Value::Bool(b) => b as i64,
            other => return Err(type_error(format!("limit must be an integer, not {}", type_name(&other)))),
        };
        FIELD_LIMIT.with(|c| c.set(limit));
    }
    Ok(Value::Int(old))
}

/// `csv.Error(msg)` for the dialect's error class.
fn csv_error(d: &Dialect, msg: impl Into<String>) -> Flow {
    Flow::Raise(new_exception(&d.error, vec![Value::str(msg.into())]))
}

/// A one-character setting, or `None` for an unset one.
fn char_setting(v: &Value) -> Option<char> {
    v.as_str().and_then(|s| s.chars().next())
}

/// A flag `lib.coro` has already made a bool.
fn flag(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Reads the dialect tuple `lib.coro` passes: (error, delimiter, quotechar, escapechar,
/// doublequote, skipinitialspace, lineterminator, quoting, strict).
fn dialect_from(items: &[Value]) -> PyResult<Dialect> {
    let [Value::Class(error), delimiter, quotechar, escapechar, doublequote, skip, lineterminator, Value::Int(quoting), strict] =
        items
    else {
        return Err(type_error("_csv: bad dialect settings"));
    };
    Ok(Dialect {
        delimiter: char_setting(delimiter).unwrap_or(','),
        quotechar: char_setting(quotechar),
        escapechar: char_setting(escapechar),
        doublequote: flag(doublequote),
        skipinitialspace: flag(skip),
        lineterminator: lineterminator.as_str().unwrap_or("\r\n").to_string(),
        quoting: match quoting {
            0 => Quoting::Minimal,
            1 => Quoting::All,
            2 => Quoting::NonNumeric,
            _ => Quoting::None,
        },
        strict: flag(strict),
        error: error.clone(),
    })
}
