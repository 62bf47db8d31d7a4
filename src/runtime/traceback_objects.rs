//! Traceback and frame objects: what `exc.__traceback__` gives. A chain of `traceback`
//! objects (outermost frame first, `tb_next` leading inwards), each with `tb_frame`,
//! `tb_lineno` and `tb_lasti`; a frame has `f_code` (the code object), `f_lineno` and
//! `f_lasti`. They are made from the exception's entries when asked for; each keeps its
//! entry so the `traceback` module can show its source line as uncaught reports do.

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::instance::{Instance, Payload, TracebackEntry};
use crate::runtime::class_builder::native_class;
use crate::runtime::types;
use crate::value::Value;
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

/// The entry a traceback object was made from.
pub fn entry_of(v: &Value) -> Option<TracebackEntry> {
    match v {
        Value::Instance(i) => i.native::<TracebackEntry>().map(|e| e.clone()),
        _ => None,
    }
}
