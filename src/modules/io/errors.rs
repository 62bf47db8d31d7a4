//! The exceptions file objects raise: `io.UnsupportedOperation`, the closed-file
//! ValueError, OSErrors from the system, and the Unicode errors of codecs.

use super::file::FileError;
use crate::intern::intern;
use crate::object::class::{Class, Layout};
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{new_exception, value_error};
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

thread_local! {
    static UNSUPPORTED: Rc<Class> = make_unsupported();
}

/// `io.UnsupportedOperation`, an OSError and a ValueError.
fn make_unsupported() -> Rc<Class> {
    let bases = vec![types().exc(ExcType::OSError).clone(), types().exc(ExcType::ValueError).clone()];
    let mro = crate::object::class::c3_mro(&bases).unwrap_or_default();
    Rc::new(Class::new(
        intern("UnsupportedOperation"),
        "UnsupportedOperation".to_string(),
        intern("io"),
        bases,
        mro,
        Layout::Exception,
    ))
}

pub fn unsupported_class() -> Rc<Class> {
    UNSUPPORTED.with(|c| c.clone())
}

/// `io.UnsupportedOperation(msg)`.
pub fn unsupported(msg: &str) -> Flow {
    Flow::Raise(new_exception(&unsupported_class(), vec![Value::str(msg)]))
}

pub fn closed_file() -> Flow {
    value_error("I/O operation on closed file.")
}

/// The exception for a failed operation on the file named `name`.
pub fn file_error(e: FileError) -> Flow {
    match e {
        FileError::Io(e) => crate::runtime::os_error::from_io(&e, None),
        FileError::Decode(d) => {
            let msg = d.message();
            // The undecodable bytes stand in for the input the error names.
            let object = Value::list(d.bytes.iter().map(|&b| Value::Int(b as i64)).collect());
            let reason = Value::str(d.reason);
            let encoding = Value::str(d.codec);
            unicode_error(ExcType::UnicodeDecodeError, encoding, object, d.start, d.end, reason, msg)
        }
        FileError::Raised(flow) => flow,
    }
}

/// A UnicodeEncodeError for `text[start..end]`.
pub fn unicode_encode_error(codec: &str, text: &str, start: usize, end: usize, reason: &str, msg: String) -> Flow {
    let (encoding, object, reason) = (Value::str(codec), Value::str(text), Value::str(reason));
    unicode_error(ExcType::UnicodeEncodeError, encoding, object, start, end, reason, msg)
}

fn unicode_error(
    class: ExcType,
    encoding: Value,
    object: Value,
    start: usize,
    end: usize,
    reason: Value,
    msg: String,
) -> Flow {
    let (start, end) = (Value::Int(start as i64), Value::Int(end as i64));
    let args = vec![encoding.clone(), object.clone(), start.clone(), end.clone(), reason.clone()];
    let exc = new_exception(types().exc(class), args);
    {
        let mut attrs = exc.attrs.borrow_mut();
        for (name, v) in
            [("encoding", encoding), ("object", object), ("start", start), ("end", end), ("reason", reason)]
        {
            attrs.insert(intern(name), v);
        }
        attrs.insert(intern("__message__"), Value::str(msg));
    }
    Flow::Raise(exc)
}

/// `str()` of a codec's Unicode error: the message it was made with.
fn unicode_error_str(a: &Args) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else { return Ok(Value::str("")) };
    if let Some(msg) = inst.attrs.borrow().get(&intern("__message__")) {
        return Ok(msg.clone());
    }
    let args = inst.exc().map(|e| e.borrow().args.clone()).unwrap_or_default();
    let decode = inst.class.is_subclass(types().exc(ExcType::UnicodeDecodeError));
    if let Some(msg) = crate::runtime::codecs::unicode_error_message(decode, &args) {
        return Ok(Value::str(msg));
    }
    crate::vm::native::run_async(move |ctx| async move {
        Ok(Value::str(match args.len() {
            0 => String::new(),
            1 => crate::runtime::protocol::str(&ctx, &args[0]).await?,
            _ => crate::runtime::protocol::repr(&ctx, &Value::tuple(args)).await?,
        }))
    })
}

pub fn install() {
    for class in [ExcType::UnicodeDecodeError, ExcType::UnicodeEncodeError] {
        method(types().exc(class), "__str__", unicode_error_str);
    }
}
