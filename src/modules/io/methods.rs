//! The methods and attributes of file objects (`read`, `readline`, `write`, `seek`, ...),
//! shared by `_io`'s file classes, with CPython's checks and messages.

use super::errors::{closed_file, file_error, unsupported};
use super::file::{FileObj, Kind};
use super::stream::Stream;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::Instance;
use crate::object::Wrapper;
use crate::runtime::args::check_args;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{stop_iteration, type_error, value_error};
use crate::runtime::protocol::str_repr;
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefMut;
use std::io::SeekFrom;
use std::rc::Rc;

pub(super) fn this(a: &Args) -> PyResult<Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if i.native::<FileObj>().is_some() => Ok(i.clone()),
        _ => Err(type_error("descriptor requires a file object")),
    }
}

/// The file behind `self`, checked to be open.
pub(super) fn open_file(inst: &Instance) -> PyResult<RefMut<'_, FileObj>> {
    let f = file_of(inst)?;
    if f.detached {
        return Err(value_error("underlying buffer has been detached"));
    }
    if f.closed() {
        return Err(closed_file());
    }
    Ok(f)
}

/// The file behind `self`, open or not; CPython's RuntimeError when a call is already
/// using it (a layer over itself).
pub(super) fn file_of(inst: &Instance) -> PyResult<RefMut<'_, FileObj>> {
    inst.try_native::<FileObj>().ok_or_else(|| {
        crate::runtime::exceptions::raise(
            ExcType::RuntimeError,
            format!("reentrant call inside <_io.{}>", inst.class.name),
        )
    })
}

pub(super) fn readable_file(inst: &Instance) -> PyResult<RefMut<'_, FileObj>> {
    let f = open_file(inst)?;
    if !f.readable {
        return Err(unsupported(if f.kind == Kind::Text { "not readable" } else { "read" }));
    }
    Ok(f)
}

fn writable_file(inst: &Instance) -> PyResult<RefMut<'_, FileObj>> {
    let f = open_file(inst)?;
    if !f.writable {
        return Err(unsupported(if f.kind == Kind::Text { "not writable" } else { "write" }));
    }
    Ok(f)
}

/// A size argument: None or negative means everything.
pub(super) fn size_arg(a: &Args, name: &str, strict_int: bool) -> PyResult<Option<usize>> {
    if !a.kw.is_empty() {
        return Err(type_error(format!("{}() takes no keyword arguments", name)));
    }
    check_args(a, name, 1, 2)?;
    match a.pos.get(1) {
        None => Ok(None),
        Some(Value::None) if !strict_int => Ok(None),
        Some(Value::Int(n)) => Ok(usize::try_from(*n).ok()),
        Some(Value::Bool(b)) => Ok(Some(*b as usize)),
        Some(other) if strict_int => {
            Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other))))
        }
        Some(other) => Err(type_error(format!("argument should be integer or None, not '{}'", type_name(other)))),
    }
}

/// The bytes of a bytes-like argument (`bytes`, `bytearray`, `memoryview`).
pub(super) fn bytes_arg(v: &Value) -> PyResult<Vec<u8>> {
    crate::modules::bytes::buffer(v)
        .ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

fn read(a: &Args) -> PyResult {
    let inst = this(a)?;
    let n = size_arg(a, "read", false)?;
    let mut f = readable_file(&inst)?;
    if f.kind == Kind::Text {
        return f.read_text(n).map(Value::str).map_err(file_error);
    }
    f.read_bytes(n).map(Value::bytes).map_err(file_error)
}

fn read_line_value(f: &mut FileObj, limit: Option<usize>) -> PyResult {
    if f.kind == Kind::Text {
        return f.read_line(limit).map(Value::str).map_err(file_error);
    }
    f.read_line_bytes(limit).map(Value::bytes).map_err(file_error)
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Str(s) => s.s.is_empty(),
        Value::Bytes(b) => b.data.borrow().is_empty(),
        _ => false,
    }
}

fn readline(a: &Args) -> PyResult {
    let inst = this(a)?;
    let n = size_arg(a, "readline", true)?;
    let mut f = readable_file(&inst)?;
    read_line_value(&mut f, n)
}

fn readlines(a: &Args) -> PyResult {
    let inst = this(a)?;
    let hint = size_arg(a, "readlines", false)?.filter(|&h| h > 0);
    let mut f = readable_file(&inst)?;
    let (mut lines, mut total) = (Vec::new(), 0);
    loop {
        let line = read_line_value(&mut f, None)?;
        if is_empty(&line) {
            break;
        }
        if let Value::Str(s) = &line {
            total += s.chars;
        }
        lines.push(line);
        if hint.is_some_and(|h| total >= h) {
            break;
        }
    }
    Ok(Value::list(lines))
}

fn next(a: &Args) -> PyResult {
    let inst = this(a)?;
    next_line(&inst)?.ok_or_else(|| stop_iteration(None))
}

/// The next line for iteration, or None at the end.
fn next_line(inst: &Instance) -> PyResult<Option<Value>> {
    let mut f = readable_file(inst)?;
    let line = read_line_value(&mut f, None)?;
    Ok(if is_empty(&line) { None } else { Some(line) })
}

fn iter(a: &Args) -> PyResult {
    let inst = this(a)?;
    open_file(&inst)?;
    Ok(a.pos[0].clone())
}

/// Writes one value: text to a text file, bytes to a binary one. Returns the count written.
fn write_value(f: &mut FileObj, v: &Value) -> PyResult<i64> {
    if f.kind == Kind::Text {
        let Value::Str(s) = v else {
            return Err(type_error(format!("write() argument must be str, not {}", type_name(v))));
        };
        f.write_text(&s.s).map_err(file_error)?;
        return Ok(s.chars as i64);
    }
    let b = bytes_arg(v)?;
    f.write_bytes(&b).map_err(file_error)?;
    Ok(b.len() as i64)
}

fn write(a: &Args) -> PyResult {
    check_args(a, "write", 2, 2)?;
    let inst = this(a)?;
    let mut f = writable_file(&inst)?;
    write_value(&mut f, &a.pos[1]).map(Value::Int)
}

fn writelines(a: &Args) -> PyResult {
    check_args(a, "writelines", 2, 2)?;
    let inst = this(a)?;
    writable_file(&inst)?;
    if let Some(items) = crate::runtime::protocol::unpack_fast(&a.pos[1], usize::MAX) {
        return write_items(&inst, &items?);
    }
    // A generator or other iterable: its items come through the VM.
    let iterable = a.pos[1].clone();
    crate::vm::native::run_async(move |ctx| async move {
        let items = crate::runtime::protocol::iterate(&ctx, &iterable).await?;
        write_items(&inst, &items)
    })
}

fn write_items(inst: &Instance, items: &[Value]) -> PyResult {
    let mut f = writable_file(inst)?;
    for item in items {
        write_value(&mut f, item)?;
    }
    Ok(Value::None)
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    }
}

fn seek(a: &Args) -> PyResult {
    check_args(a, "seek", 2, 3)?;
    let inst = this(a)?;
    let offset = int_arg(&a.pos[1])?;
    let whence = a.pos.get(2).map(int_arg).transpose()?.unwrap_or(0);
    let mut f = open_file(&inst)?;
    let text = f.kind == Kind::Text;
    // A BytesIO reports bad arguments as ValueErrors, as a text file does.
    let value_errors = text || f.kind == Kind::Bytes;
    let target = match whence {
        0 if offset < 0 && text => return Err(value_error(format!("negative seek position {}", offset))),
        0 if offset < 0 && value_errors => return Err(value_error(format!("negative seek value {}", offset))),
        0 if offset < 0 => return Err(crate::runtime::os_error::os_error(22, None, None)),
        0 => SeekFrom::Start(offset as u64),
        1 if text && offset != 0 => return Err(unsupported("can't do nonzero cur-relative seeks")),
        1 => SeekFrom::Current(offset),
        2 if text && offset != 0 => return Err(unsupported("can't do nonzero end-relative seeks")),
        2 => SeekFrom::End(offset),
        _ if value_errors => {
            return Err(value_error(format!("invalid whence ({}, should be 0, 1 or 2)", whence)));
        }
        _ => return Err(crate::runtime::os_error::os_error(22, None, None)),
    };
    f.seek(target).map(|p| Value::Int(p as i64)).map_err(file_error)
}

fn tell(a: &Args) -> PyResult {
    check_args(a, "tell", 1, 1)?;
    let inst = this(a)?;
    let mut f = open_file(&inst)?;
    f.position().map(|p| Value::Int(p as i64)).map_err(file_error)
}

fn truncate(a: &Args) -> PyResult {
    check_args(a, "truncate", 1, 2)?;
    let inst = this(a)?;
    let size = match a.pos.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(int_arg(v)?),
    };
    let mut f = open_file(&inst)?;
    if !f.writable {
        return Err(unsupported(if f.kind == Kind::Text { "truncate" } else { "File not open for writing" }));
    }
    match size {
        Some(n) if n < 0 && f.kind == Kind::Bytes => return Err(value_error(format!("negative size value {}", n))),
        Some(n) if n < 0 => return Err(crate::runtime::os_error::os_error(22, None, None)),
        _ => {}
    }
    f.truncate(size.map(|n| n as u64)).map(|p| Value::Int(p as i64)).map_err(file_error)
}

fn flush(a: &Args) -> PyResult {
    let inst = this(a)?;
    let mut f = open_file(&inst)?;
    f.flush().map_err(file_error)?;
    Ok(Value::None)
}

fn close(a: &Args) -> PyResult {
    let inst = this(a)?;
    let mut f = file_of(&inst)?;
    if f.detached {
        return Err(value_error("underlying buffer has been detached"));
    }
    f.close().map_err(file_error)?;
    Ok(Value::None)
}

fn exit(a: &Args) -> PyResult {
    close(&Args { pos: &a.pos[..1], kw: &[] })
}

fn enter(a: &Args) -> PyResult {
    let inst = this(a)?;
    open_file(&inst)?;
    Ok(a.pos[0].clone())
}

/// For the queries CPython answers on a closed file with this message (no full stop).
fn open_for_query(inst: &Instance) -> PyResult<RefMut<'_, FileObj>> {
    let f = file_of(inst)?;
    if f.closed() && f.kind == Kind::Bytes {
        return Err(closed_file());
    }
    if f.closed() {
        return Err(value_error("I/O operation on closed file"));
    }
    Ok(f)
}

fn readable(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = open_for_query(&inst)?;
    Ok(Value::Bool(f.readable))
}

fn writable(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    Ok(Value::Bool(f.writable))
}

fn seekable(a: &Args) -> PyResult {
    let inst = this(a)?;
    let mut f = open_for_query(&inst)?;
    Ok(Value::Bool(f.stream.as_mut().is_some_and(Stream::seekable)))
}

fn fileno(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = open_for_query(&inst)?;
    match f.stream.as_ref().and_then(Stream::fd) {
        Some(fd) => Ok(Value::Int(fd as i64)),
        None => Err(unsupported("fileno")),
    }
}

fn isatty(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = open_for_query(&inst)?;
    Ok(Value::Bool(f.stream.as_ref().is_some_and(Stream::is_tty)))
}

fn name_repr(name: &Value) -> String {
    match name {
        Value::Str(s) => str_repr(&s.s),
        other => crate::runtime::protocol::scalar_repr(other).map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// The file's name: its own, or for a layer without one, the name of the file under it.
fn name_of(f: &FileObj) -> Option<Value> {
    match (&f.name, &f.stream) {
        (Some(name), _) => Some(name.clone()),
        (None, Some(Stream::Buffer(under))) => under.try_native::<FileObj>().and_then(|u| name_of(&u)),
        _ => None,
    }
}

fn repr(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    let class = inst.class.name;
    let name = name_of(&f).map(|n| format!(" name={}", name_repr(&n))).unwrap_or_default();
    let mode = if f.mode.is_empty() { String::new() } else { format!(" mode='{}'", f.mode) };
    Ok(Value::str(match f.kind {
        Kind::Text => format!("<_io.{}{}{} encoding='{}'>", class, name, mode, f.encoding),
        Kind::Raw if f.closed() => format!("<_io.{} [closed]>", class),
        Kind::Raw => {
            let closefd = if f.closefd { "True" } else { "False" };
            format!("<_io.{}{}{} closefd={}>", class, name, mode, closefd)
        }
        Kind::Buffered => format!("<_io.{}{}>", class, name),
        Kind::Bytes => format!("<_io.{} object at {}>", class, crate::runtime::protocol::repr::addr(&a.pos[0])),
    }))
}

/// `f.name`: AttributeError as CPython's when there is none (over a `BytesIO`).
fn name(a: &Args) -> PyResult {
    let inst = this(a)?;
    let found = name_of(&*file_of(&inst)?);
    found.ok_or_else(|| {
        let class = innermost(&inst).class.name;
        crate::runtime::exceptions::attribute_error(format!("'_io.{}' object has no attribute 'name'", class))
    })
}

/// The file at the bottom of a stack of layers.
fn innermost(inst: &Rc<Instance>) -> Rc<Instance> {
    let under = match inst.try_native::<FileObj>().as_deref().and_then(|f| f.stream.as_ref()) {
        Some(Stream::Buffer(u)) => Some(u.clone()),
        _ => None,
    };
    under.map_or_else(|| inst.clone(), |u| innermost(&u))
}

/// A read-only attribute computed from the file.
pub(super) fn property(class: &Rc<Class>, name: &'static str, get: NativeFn) {
    let fget = native(name, get);
    let p = Wrapper::Property { fget, fset: Value::None, fdel: Value::None, doc: Value::None };
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(p)));
}

fn file_field(a: &Args, get: fn(&FileObj) -> Value) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    Ok(get(&f))
}

/// `detach()`: the buffer under a text file, which is left unusable.
fn detach(a: &Args) -> PyResult {
    let inst = this(a)?;
    let mut f = open_file(&inst)?;
    match f.detach().map_err(file_error)? {
        Some(Stream::Buffer(under)) => Ok(Value::Instance(under)),
        _ => Err(unsupported("detach")),
    }
}

/// `buffer`: the binary file under a text one.
fn buffer(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    match &f.stream {
        Some(Stream::Buffer(under)) => Ok(Value::Instance(under.clone())),
        _ if f.detached => Err(value_error("underlying buffer has been detached")),
        _ => Err(closed_file()),
    }
}

/// `mode`: AttributeError, as CPython's, for a file made without one (`TextIOWrapper(b)`).
fn mode(a: &Args) -> PyResult {
    let inst = this(a)?;
    let f = file_of(&inst)?;
    if f.mode.is_empty() {
        let msg = format!("'_io.{}' object has no attribute 'mode'", inst.class.name);
        return Err(crate::runtime::exceptions::attribute_error(msg));
    }
    Ok(Value::str(f.mode.as_str()))
}

/// Installs every file's methods on `class`, whose files are of `kind`.
pub fn install(class: &Rc<Class>, kind: Kind) {
    let methods: &[(&'static str, NativeFn)] = &[
        ("read", read),
        ("readline", readline),
        ("readlines", readlines),
        ("write", write),
        ("writelines", writelines),
        ("seek", seek),
        ("tell", tell),
        ("truncate", truncate),
        ("flush", flush),
        ("close", close),
        ("readable", readable),
        ("writable", writable),
        ("seekable", seekable),
        ("fileno", fileno),
        ("isatty", isatty),
        ("__iter__", iter),
        ("__next__", next),
        ("__enter__", enter),
        ("__exit__", exit),
        ("__repr__", repr),
    ];
    for &(name, f) in methods {
        method(class, name, f);
    }
    property(class, "closed", |a| file_field(a, |f| Value::Bool(f.closed())));
    if kind != Kind::Bytes {
        property(class, "name", name);
        property(class, "mode", mode);
    }
    if kind == Kind::Raw {
        property(class, "closefd", |a| file_field(a, |f| Value::Bool(f.closefd)));
    }
    if kind == Kind::Text {
        method(class, "detach", detach);
        property(class, "buffer", buffer);
        property(class, "line_buffering", |a| file_field(a, |_| Value::Bool(false)));
        property(class, "encoding", |a| file_field(a, |f| Value::str(f.encoding.as_str())));
        property(class, "errors", |a| file_field(a, |f| Value::str(f.errors.name())));
        property(class, "newlines", |a| file_field(a, |_| Value::None));
    }
}
