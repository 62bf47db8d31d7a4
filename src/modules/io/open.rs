//! `open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None,
//! closefd=True, opener=None)`: CPython's mode rules and messages, then the file object.

use super::codec::{Codec, Errors};
use super::file::{FileObj, Kind, Newline};
use super::stream::Stream;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::runtime::exceptions::{raise, type_error, value_error};
use crate::runtime::os_error::{from_io, os_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::PyResult;
use std::io::{Seek, SeekFrom};
use std::rc::Rc;

const PARAMS: [&str; 8] = ["file", "mode", "buffering", "encoding", "errors", "newline", "closefd", "opener"];

/// The parsed mode string.
struct Mode {
    creating: bool,
    reading: bool,
    writing: bool,
    appending: bool,
    updating: bool,
    binary: bool,
}

fn parse_mode(mode: &str) -> PyResult<Mode> {
    let invalid = || value_error(format!("invalid mode: '{}'", mode));
    let mut seen = String::new();
    for c in mode.chars() {
        if !"rwxabt+".contains(c) || seen.contains(c) {
            return Err(invalid());
        }
        seen.push(c);
    }
    let has = |c| seen.contains(c);
    let m = Mode {
        creating: has('x'),
        reading: has('r'),
        writing: has('w'),
        appending: has('a'),
        updating: has('+'),
        binary: has('b'),
    };
    if has('t') && m.binary {
        return Err(value_error("can't have text and binary mode at once"));
    }
    let kinds = [m.creating, m.reading, m.writing, m.appending].iter().filter(|&&b| b).count();
    if kinds > 1 {
        return Err(value_error("must have exactly one of create/read/write/append mode"));
    }
    if kinds == 0 {
        return Err(value_error("Must have exactly one of create/read/write/append mode and at most one plus"));
    }
    Ok(m)
}

/// `FileIO`'s mode string: `rb`, `wb`, `xb`, `ab`, with `+` when both ways.
fn raw_mode(m: &Mode) -> String {
    let base = if m.creating {
        "xb"
    } else if m.appending {
        "ab"
    } else if m.reading || m.updating && m.writing {
        "rb"
    } else {
        "wb"
    };
    if m.updating {
        format!("{}+", base)
    } else {
        base.to_string()
    }
}

/// An optional string argument (`encoding=`, `errors=`, `newline=`).
pub(super) fn opt_str(v: Option<&Value>, func: &str, name: &str) -> PyResult<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.s.to_string())),
        Some(other) => {
            Err(type_error(format!("{}() argument '{}' must be str or None, not {}", func, name, type_name(other))))
        }
    }
}

fn parse_newline(v: Option<&str>) -> PyResult<Newline> {
    Ok(match v {
        None => Newline::Universal,
        Some("") => Newline::Untranslated,
        Some("\n") => Newline::Lf,
        Some("\r") => Newline::Cr,
        Some("\r\n") => Newline::CrLf,
        Some(other) => return Err(value_error(format!("illegal newline value: {}", other))),
    })
}

/// A path argument: a str, or an object with `__fspath__` returning one. Bytes paths wait on
/// the bytes type.
pub fn path_arg(v: &Value) -> PyResult<Option<String>> {
    match v {
        Value::Str(s) => Ok(Some(s.s.to_string())),
        Value::Int(_) | Value::Bool(_) => Ok(None),
        other => Err(type_error(format!("expected str, bytes or os.PathLike object, not {}", type_name(other)))),
    }
}

/// Binds a native's arguments to its parameters by position and by name, with CPython's
/// messages for too many, unknown and repeated ones.
pub(super) fn bind<const N: usize>(a: &Args, name: &str, params: [&str; N]) -> PyResult<[Option<Value>; N]> {
    let mut args: [Option<Value>; N] = std::array::from_fn(|_| None);
    if a.pos.len() > N {
        return Err(type_error(format!("{}() takes at most {} arguments ({} given)", name, N, a.pos.len())));
    }
    for (i, v) in a.pos.iter().enumerate() {
        args[i] = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = params.iter().position(|p| *p == k.as_str()) else {
            return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, name)));
        };
        if args[i].is_some() {
            return Err(type_error(format!(
                "argument for {}() given by name ('{}') and position ({})",
                name,
                k,
                i + 1
            )));
        }
        args[i] = Some(v.clone());
    }
    Ok(args)
}

pub fn open(a: &Args) -> PyResult {
    let args = bind(a, "open", PARAMS)?;
    let Some(file) = args[0].clone() else {
        return Err(type_error("open() missing required argument 'file' (pos 1)"));
    };
    if let Value::Instance(_) = &file {
        // A path-like object: its `__fspath__()` names the file.
        return open_path_like(file, args);
    }
    open_with(file, args)
}

fn open_path_like(file: Value, args: [Option<Value>; 8]) -> PyResult {
    crate::vm::native::run_async(move |ctx| async move {
        let method = crate::vm::get_attr(&file, crate::intern::intern("__fspath__"))
            .map_err(|_| type_error(format!("expected str, bytes or os.PathLike object, not {}", type_name(&file))))?;
        let path = ctx.call(method, Vec::new()).await?;
        if !matches!(path, Value::Str(_)) {
            return Err(type_error(format!(
                "expected {}.__fspath__() to return str or bytes, not {}",
                type_name(&file),
                type_name(&path)
            )));
        }
        let mut args = args;
        args[0] = Some(path.clone());
        open_with(path, args)
    })
}

fn open_with(file: Value, args: [Option<Value>; 8]) -> PyResult {
    let mode_text = match &args[1] {
        None => "r".to_string(),
        Some(Value::Str(s)) => s.s.to_string(),
        Some(other) => return Err(type_error(format!("open() argument 'mode' must be str, not {}", type_name(other)))),
    };
    let buffering = match &args[2] {
        None => -1,
        Some(Value::Int(n)) => *n,
        Some(Value::Bool(b)) => *b as i64,
        Some(other) => {
            return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other))))
        }
    };
    let encoding = opt_str(args[3].as_ref(), "open", "encoding")?;
    let errors = opt_str(args[4].as_ref(), "open", "errors")?;
    let newline = opt_str(args[5].as_ref(), "open", "newline")?;
    let closefd = match &args[6] {
        None => true,
        Some(v) => crate::vm::ops::truthy(v).unwrap_or(true),
    };
    if args[7].as_ref().is_some_and(|o| !o.is_none()) {
        return Err(raise(ExcType::NotImplementedError, "open() with an opener is not supported"));
    }
    let m = parse_mode(&mode_text)?;
    if m.binary && encoding.is_some() {
        return Err(value_error("binary mode doesn't take an encoding argument"));
    }
    if m.binary && errors.is_some() {
        return Err(value_error("binary mode doesn't take an errors argument"));
    }
    if m.binary && newline.is_some() {
        return Err(value_error("binary mode doesn't take a newline argument"));
    }
    let path = path_arg(&file)?;
    if path.is_some() && !closefd {
        return Err(value_error("Cannot use closefd=False with file name"));
    }
    let handle = match &path {
        Some(p) => {
            if m.reading || m.updating {
                crate::capabilities::check_read(p)?;
            }
            if m.writing || m.appending || m.creating || m.updating {
                crate::capabilities::check_write(p)?;
            }
            open_path(p, &m).map_err(|e| e.with_name(&file))?
        }
        None => from_fd(&file)?,
    };
    let readable = m.reading || m.updating;
    let writable = m.writing || m.appending || m.creating || m.updating;
    if !m.binary && buffering == 0 {
        return Err(value_error("can't have unbuffered text I/O"));
    }
    let text = if m.binary { None } else { Some(TextSettings::parse(encoding, errors, newline)?) };
    let raw = raw_file(handle, file.clone(), raw_mode(&m), readable, writable, closefd);
    if buffering == 0 {
        return Ok(Value::Instance(raw));
    }
    let buffered = layer(raw, Kind::Buffered, Some(file.clone()), raw_mode(&m));
    let Some(text) = text else { return Ok(Value::Instance(buffered)) };
    let text_file = layer(buffered, Kind::Text, Some(file), mode_text);
    text.apply(&mut text_file.native::<FileObj>().expect("a file"));
    Ok(Value::Instance(text_file))
}

/// A `FileIO` over an open stream.
pub(super) fn raw_file(
    stream: Stream,
    name: Value,
    mode: String,
    readable: bool,
    writable: bool,
    closefd: bool,
) -> Rc<Instance> {
    let mut raw = FileObj::new(stream, Kind::Raw, Some(name), mode, readable, writable);
    raw.closefd = closefd;
    super::file_instance(raw)
}

/// A file object of `kind` layered over the file `under` (a buffered file over a `FileIO`,
/// a text file over a buffered one), reading and writing as it does.
pub(super) fn layer(under: Rc<Instance>, kind: Kind, name: Option<Value>, mode: String) -> Rc<Instance> {
    let (readable, writable) = {
        let f = under.native::<FileObj>().expect("a file");
        (f.readable, f.writable)
    };
    super::file_instance(FileObj::new(Stream::Buffer(under), kind, name, mode, readable, writable))
}

/// A text file's `encoding=`, `errors=` and `newline=`.
pub(super) struct TextSettings {
    codec: Codec,
    errors: Errors,
    encoding: String,
    newline: Newline,
}

impl TextSettings {
    pub(super) fn parse(encoding: Option<String>, errors: Option<String>, newline: Option<String>) -> PyResult<Self> {
        let (codec, encoding) = match encoding {
            Some(e) if e != "locale" => (Codec::lookup(&e)?, e),
            _ => (Codec::Utf8, "UTF-8".to_string()),
        };
        let errors = match &errors {
            Some(e) => Errors::lookup(e)?,
            None => Errors::Strict,
        };
        Ok(TextSettings { codec, errors, encoding, newline: parse_newline(newline.as_deref())? })
    }

    pub(super) fn apply(self, f: &mut FileObj) {
        f.set_text(self.codec, self.errors, self.encoding, self.newline);
    }
}

/// A failure to open, before the file name is known to the error.
enum OpenError {
    Io(std::io::Error),
    IsDir,
}

impl OpenError {
    fn with_name(self, name: &Value) -> crate::vm::Flow {
        match self {
            OpenError::Io(e) => from_io(&e, Some(name.clone())),
            OpenError::IsDir => os_error(21, Some(name.clone()), None),
        }
    }
}

fn open_path(path: &str, m: &Mode) -> Result<Stream, OpenError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(m.reading || m.updating);
    if m.writing {
        opts.write(true).create(true).truncate(true);
    }
    if m.appending {
        opts.append(true).create(true);
    }
    if m.creating {
        opts.write(true).create_new(true);
    }
    if m.updating && m.reading {
        opts.write(true);
    }
    let mut f = opts.open(path).map_err(OpenError::Io)?;
    if f.metadata().is_ok_and(|md| md.is_dir()) {
        return Err(OpenError::IsDir);
    }
    if m.appending {
        f.seek(SeekFrom::End(0)).map_err(OpenError::Io)?;
    }
    Ok(Stream::File(f))
}

/// A file object over an open descriptor (`open(fd)`).
fn from_fd(file: &Value) -> PyResult<Stream> {
    let Value::Int(fd) = file else { return Err(type_error("an integer is required")) };
    if *fd < 0 {
        return Err(value_error("negative file descriptor"));
    }
    // An invalid descriptor fails here as CPython's does, before a File owns it.
    let fd = *fd as i32;
    if !fd_is_open(fd) {
        return Err(os_error(9, None, None));
    }
    use std::os::fd::FromRawFd;
    // SAFETY: the descriptor was checked to be open; the script passed it to be owned by
    // the file object (with closefd=False it is released, not closed, on close).
    Ok(Stream::File(unsafe { std::fs::File::from_raw_fd(fd) }))
}

fn fd_is_open(fd: i32) -> bool {
    use std::os::fd::BorrowedFd;
    // SAFETY: the borrowed descriptor is used only for this query, within the call.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    borrowed.try_clone_to_owned().is_ok()
}
