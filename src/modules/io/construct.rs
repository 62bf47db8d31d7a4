//! Making file objects from scripts: `io.BytesIO(initial_bytes)`, `io.TextIOWrapper(buffer,
//! ...)`, `io.BufferedReader(raw)` (and `BufferedWriter`, `BufferedRandom`) and
//! `io.FileIO(file, mode)`. As in CPython, `__new__` makes an unopened object and `__init__`
//! opens it, so that script subclasses can call `super().__init__(...)`.

use super::errors::unsupported;
use super::file::{FileObj, Kind};
use super::methods::this;
use super::open::{bind, opt_str, TextSettings};
use super::stream::{Memory, Stream};
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::{Instance, Payload};
use crate::runtime::define::method;
use crate::runtime::exceptions::{raise, type_error, value_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::{PyBytes, Value};
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

/// `__new__(cls, *args, **kwargs)`: an unopened file object of `cls`.
fn new(a: &Args, kind: Kind) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else {
        return Err(type_error("__new__(X): X is not a type object"));
    };
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(FileObj::unopened(kind))));
    Ok(Value::Instance(super::remember(Rc::new(inst))))
}

/// Puts `opened` in place of the unopened file behind `self`.
fn fill(a: &Args, opened: FileObj) -> PyResult {
    let inst = this(a)?;
    let mut f = super::methods::file_of(&inst)?;
    let old = std::mem::replace(&mut *f, opened);
    drop(f);
    // Calling `__init__` again closes what the object had open.
    drop(old);
    Ok(Value::None)
}

/// `BytesIO(initial_bytes=b'')`.
fn bytes_io_init(a: &Args) -> PyResult {
    let rest = Args { pos: &a.pos[1..], kw: a.kw };
    if rest.pos.len() > 1 {
        return Err(type_error(format!("BytesIO() takes at most 1 argument ({} given)", rest.pos.len())));
    }
    let [initial] = bind(&rest, "BytesIO", ["initial_bytes"])?;
    let data = match &initial {
        None | Some(Value::None) => Vec::new(),
        Some(v) => super::methods::bytes_arg(v)?,
    };
    let memory = Memory { data: Rc::new(PyBytes::new(data, true)), pos: 0 };
    fill(a, FileObj::new(Stream::Memory(memory), Kind::Bytes, None, String::new(), true, true))
}

/// The native file a layer is made over: a script object will not do (yet).
fn native_file(v: &Value, what: &str) -> PyResult<Rc<Instance>> {
    match v {
        Value::Instance(inst) if inst.native::<FileObj>().is_some() => Ok(inst.clone()),
        Value::Instance(_) => {
            Err(raise(ExcType::NotImplementedError, format!("io.{} over a stream written in Python", what)))
        }
        other => Err(crate::runtime::exceptions::attribute_error(format!(
            "'{}' object has no attribute 'readable'",
            type_name(other)
        ))),
    }
}

/// `TextIOWrapper(buffer, encoding=None, errors=None, newline=None, line_buffering=False,
/// write_through=False)`.
fn text_init(a: &Args) -> PyResult {
    let rest = Args { pos: &a.pos[1..], kw: a.kw };
    let params = ["buffer", "encoding", "errors", "newline", "line_buffering", "write_through"];
    let [buffer, encoding, errors, newline, line_buffering, write_through] = bind(&rest, "TextIOWrapper", params)?;
    // Writes reach the layer below when the wrapper flushes; flushing per line or per write
    // is not built, so asking for it must not pass silently.
    for (flag, name) in [(line_buffering, "line_buffering"), (write_through, "write_through")] {
        if flag.is_some_and(|v| !matches!(v, Value::None | Value::Bool(false) | Value::Int(0))) {
            return Err(crate::runtime::exceptions::raise(
                ExcType::NotImplementedError,
                format!("TextIOWrapper({}=True) is not supported yet", name),
            ));
        }
    }
    let Some(buffer) = buffer else {
        return Err(type_error("TextIOWrapper() missing required argument 'buffer' (pos 1)"));
    };
    let encoding = opt_str(encoding.as_ref(), "TextIOWrapper", "encoding")?;
    let errors = opt_str(errors.as_ref(), "TextIOWrapper", "errors")?;
    let newline = opt_str(newline.as_ref(), "TextIOWrapper", "newline")?;
    let settings = TextSettings::parse(encoding, errors, newline)?;
    let under = native_file(&buffer, "TextIOWrapper")?;
    let (readable, writable) = {
        let f = under.native::<FileObj>().expect("a file");
        (f.readable, f.writable)
    };
    let mut f = FileObj::new(Stream::Buffer(under), Kind::Text, None, String::new(), readable, writable);
    settings.apply(&mut f);
    fill(a, f)
}

/// `BufferedReader(raw, buffer_size=8192)` and its writing and two-way kin.
fn buffered_init(a: &Args, reads: bool, writes: bool) -> PyResult {
    let class = this(a)?.class.name;
    let rest = Args { pos: &a.pos[1..], kw: a.kw };
    let [raw, size] = bind(&rest, class.as_str(), ["raw", "buffer_size"])?;
    let Some(raw) = raw else {
        return Err(type_error(format!("{}() missing required argument 'raw' (pos 1)", class)));
    };
    if let Some(size) = &size {
        match size {
            Value::Int(n) if *n > 0 => {}
            Value::Int(_) => return Err(value_error("buffer size must be strictly positive")),
            other => {
                return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other))))
            }
        }
    }
    let under = native_file(&raw, class.as_str())?;
    let (readable, writable) = {
        let f = under.native::<FileObj>().expect("a file");
        (f.readable, f.writable)
    };
    if reads && !readable {
        return Err(unsupported("File or stream is not readable."));
    }
    if writes && !writable {
        return Err(unsupported("File or stream is not writable."));
    }
    fill(a, FileObj::new(Stream::Buffer(under), Kind::Buffered, None, String::new(), reads, writes))
}

/// `FileIO(file, mode='r', closefd=True, opener=None)`: `open()` unbuffered.
fn file_io_init(a: &Args) -> PyResult {
    let rest = Args { pos: &a.pos[1..], kw: a.kw };
    let [file, mode, closefd, opener] = bind(&rest, "FileIO", ["file", "mode", "closefd", "opener"])?;
    let Some(file) = file else {
        return Err(type_error("FileIO() missing required argument 'file' (pos 1)"));
    };
    let mode = match &mode {
        None => "r".to_string(),
        Some(Value::Str(s)) if !s.s.contains('t') => s.s.replace('b', ""),
        Some(Value::Str(s)) => return Err(value_error(format!("invalid mode: {}", s.s))),
        Some(other) => {
            return Err(type_error(format!("FileIO() argument 'mode' must be str, not {}", type_name(other))))
        }
    };
    if !matches!(file, Value::Str(_) | Value::Int(_) | Value::Bool(_)) {
        return Err(raise(ExcType::NotImplementedError, "io.FileIO of a path-like object; pass a str"));
    }
    let args = [file.clone(), Value::str(format!("{}b", mode)), Value::Int(0)];
    let opened = super::open(&Args {
        pos: &args,
        kw: &[
            (crate::intern::intern("closefd"), closefd.unwrap_or(Value::Bool(true))),
            (crate::intern::intern("opener"), opener.unwrap_or(Value::None)),
        ],
    })?;
    let Value::Instance(opened) = opened else { return Err(type_error("FileIO: open() gave no file")) };
    let taken = std::mem::replace(&mut *super::methods::file_of(&opened)?, FileObj::unopened(Kind::Raw));
    fill(a, taken)
}

pub fn install(class: &Rc<Class>, kind: Kind) {
    let (new_fn, init): (NativeFn, NativeFn) = match (kind, class.name.as_str()) {
        (Kind::Bytes, _) => (|a| new(a, Kind::Bytes), bytes_io_init),
        (Kind::Text, _) => (|a| new(a, Kind::Text), text_init),
        (Kind::Raw, _) => (|a| new(a, Kind::Raw), file_io_init),
        (_, "BufferedReader") => (|a| new(a, Kind::Buffered), |a| buffered_init(a, true, false)),
        (_, "BufferedWriter") => (|a| new(a, Kind::Buffered), |a| buffered_init(a, false, true)),
        _ => (|a| new(a, Kind::Buffered), |a| buffered_init(a, true, true)),
    };
    method(class, "__new__", new_fn);
    method(class, "__init__", init);
}
