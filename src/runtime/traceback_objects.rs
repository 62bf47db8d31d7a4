//! Traceback and frame objects: what `exc.__traceback__` gives. A chain of `traceback`
//! objects (outermost frame first, `tb_next` leading inwards), each with `tb_frame`,
//! `tb_lineno` and `tb_lasti`; a frame has `f_code` (the code object), `f_lineno` and
//! `f_lasti`. They are made from the exception's entries when asked for; each keeps its
//! entry so the `traceback` module can show its source line as uncaught reports do.

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::instance::{Instance, Payload, TracebackEntry};
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::{types, ExcType};
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

struct Classes {
    traceback: Rc<Class>,
    frame: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = Classes {
        traceback: native_class("builtins", "traceback", vec![types().object.clone()]),
        frame: native_class("builtins", "frame", vec![types().object.clone()]),
    };
}

/// The traceback object chain of an exception's entries (innermost stored first); None
/// for an exception never raised.
pub fn traceback_object(entries: &[TracebackEntry]) -> Value {
    let mut next = Value::None;
    for entry in entries {
        next = link(entry, next);
    }
    next
}

fn link(entry: &TracebackEntry, next: Value) -> Value {
    let (tb_class, frame_class) = CLASSES.with(|c| (c.traceback.clone(), c.frame.clone()));
    let line = Value::Int(entry.code.line_of(entry.ip as usize) as i64);
    let lasti = Value::Int(2 * entry.ip as i64);
    let frame = Instance::new(frame_class);
    for (k, v) in
        [("f_code", crate::vm::code_object(&entry.code)), ("f_lineno", line.clone()), ("f_lasti", lasti.clone())]
    {
        frame.attrs.borrow_mut().insert(intern(k), v);
    }
    let mut tb = Instance::new(tb_class);
    for (k, v) in
        [("tb_frame", Value::Instance(Rc::new(frame))), ("tb_lineno", line), ("tb_lasti", lasti), ("tb_next", next)]
    {
        tb.attrs.borrow_mut().insert(intern(k), v);
    }
    tb.payload = Payload::Native(RefCell::new(Box::new(entry.clone())));
    Value::Instance(Rc::new(tb))
}

/// The entries (innermost first) of a chain of traceback objects, following each one's
/// `tb_next` as it is now (a script may cut a chain short): what assigning
/// `exc.__traceback__` or `exc.with_traceback(tb)` stores.
pub fn chain_entries(tb: &Value) -> PyResult<Vec<TracebackEntry>> {
    let mut entries = Vec::new();
    let mut next = tb.clone();
    while !next.is_none() {
        let Some(entry) = entry_of(&next) else {
            return Err(type_error("__traceback__ must be a traceback or None"));
        };
        entries.push(entry);
        next = match &next {
            Value::Instance(i) => i.attrs.borrow().get(&intern("tb_next")).unwrap_or(Value::None),
            _ => Value::None,
        };
    }
    entries.reverse();
    Ok(entries)
}

/// `BaseException.with_traceback(tb)`: sets the traceback and returns the exception.
pub fn install() {
    method(types().exc(ExcType::BaseException), "with_traceback", |a| {
        check_args(a, "with_traceback", 2, 2)?;
        let Some(Value::Instance(inst)) = a.pos.first() else {
            return Err(type_error("with_traceback() needs an exception"));
        };
        let Some(e) = inst.exc() else { return Err(type_error("with_traceback() needs an exception")) };
        e.borrow_mut().traceback = chain_entries(&a.pos[1])?;
        Ok(a.pos[0].clone())
    });
}

/// The entry a traceback object was made from.
pub fn entry_of(v: &Value) -> Option<TracebackEntry> {
    match v {
        Value::Instance(i) => i.native::<TracebackEntry>().map(|e| e.clone()),
        _ => None,
    }
}
