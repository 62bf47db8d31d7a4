//! The methods only binary files have: `read1`, `readinto`, `peek`, `readall`, `raw`, and
//! `BytesIO`'s `getvalue` and `getbuffer`.

use super::errors::{file_error, unsupported};
use super::file::Kind;
use super::methods::{file_of, open_file, property, readable_file, size_arg, this};
use super::stream::Stream;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::runtime::args::check_args;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

/// `read1(size=-1)`: at most one read of the stream (all that is left, for a `BytesIO`).
fn read1(a: &Args) -> PyResult {
    let inst = this(a)?;
    let n = size_arg(a, "read1", false)?;
    let mut f = readable_file(&inst)?;
    let r = match n {
        None if f.kind == Kind::Bytes => f.read_bytes(None),
        n => f.read1(n.unwrap_or(super::DEFAULT_BUFFER_SIZE as usize)),
    };
    r.map(Value::bytes).map_err(file_error)
}

/// `readinto(b)` (and `readinto1(b)`, one read at most): fills a writable bytes-like object,
/// returning how many bytes it got.
fn readinto_with(a: &Args, name: &str, once: bool) -> PyResult {
    check_args(a, name, 2, 2)?;
    let inst = this(a)?;
    let target = &a.pos[1];
    let Some(len) = crate::modules::bytes::memoryview::writable_len(target) else {
        let msg = match target {
            Value::Bytes(_) => format!("{}() argument must be read-write bytes-like object, not bytes", name),
            other => format!("{}() argument must be read-write bytes-like object, not {}", name, type_name(other)),
        };
        return Err(type_error(msg));
    };
    let mut f = readable_file(&inst)?;
    let got = if once { f.read1(len) } else { f.read_bytes(Some(len)) }.map_err(file_error)?;
    let n = crate::modules::bytes::memoryview::fill_from(target, &got).unwrap_or(0);
    Ok(Value::Int(n as i64))
}

/// `peek(size=0)`: what can be read next without moving.
fn peek(a: &Args) -> PyResult {
    let inst = this(a)?;
    size_arg(a, "peek", true)?;
    let mut f = readable_file(&inst)?;
    f.peek().map(Value::bytes).map_err(file_error)
}

/// `FileIO.readall()`.
fn readall(a: &Args) -> PyResult {
    check_args(a, "readall", 1, 1)?;
    let inst = this(a)?;
    let mut f = readable_file(&inst)?;
    f.read_bytes(None).map(Value::bytes).map_err(file_error)
}

/// A `BytesIO`'s memory, checked to be open.
fn memory<R>(a: &Args, name: &str, get: impl FnOnce(&super::stream::Memory) -> R) -> PyResult<R> {
    check_args(a, name, 1, 1)?;
    let inst = this(a)?;
    let f = open_file(&inst)?;
    match &f.stream {
        Some(Stream::Memory(m)) => Ok(get(m)),
        _ => Err(type_error(format!("descriptor '{}' requires a '_io.BytesIO' object", name))),
    }
}

/// The file under a buffered one (`raw`).
fn raw(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    match &f.stream {
        Some(Stream::Buffer(under)) => Ok(Value::Instance(under.clone())),
        _ => Err(unsupported("raw stream has been detached")),
    }
}

/// Installs what the binary class `class` has beyond every file's methods.
pub fn install(class: &Rc<Class>, kind: Kind, readable: bool) {
    let mut methods: Vec<(&'static str, NativeFn)> = Vec::new();
    match kind {
        Kind::Raw => {
            methods.extend([("readall", readall as NativeFn), ("readinto", |a| readinto_with(a, "readinto", true))])
        }
        Kind::Buffered | Kind::Bytes => {
            methods.extend([
                ("read1", read1 as NativeFn),
                ("readinto", |a| readinto_with(a, "readinto", false)),
                ("readinto1", |a| readinto_with(a, "readinto1", true)),
            ]);
        }
        Kind::Text => {}
    }
    if kind == Kind::Buffered && readable {
        methods.push(("peek", peek));
    }
    if kind == Kind::Bytes {
        methods.push(("getvalue", |a| memory(a, "getvalue", |m| Value::bytes(m.data.data.borrow().clone()))));
        methods.push(("getbuffer", |a| {
            memory(a, "getbuffer", |m| crate::modules::bytes::memoryview::view_of(m.data.clone()))
        }));
    }
    for (name, f) in methods {
        method(class, name, f);
    }
    if kind == Kind::Buffered {
        property(class, "raw", raw);
    }
}
