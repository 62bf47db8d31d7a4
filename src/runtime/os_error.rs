//! The OSError family as CPython's: `errno`, `strerror`, `filename`, `filename2`
//! attributes, `OSError(errno, ...)` making the subclass its errno means, the
//! `[Errno 2] No such file or directory: 'x'` text, and OSErrors made from Rust's I/O errors.

use super::exceptions::new_exception;
use super::types;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::runtime::define::method;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

/// The errno names of Linux with their numbers; where two names share a number, the one
/// `errno.errorcode` gives comes last.
pub const ERRNO_NAMES: &[(&str, i64)] = &[
    ("EPERM", 1),
    ("ENOENT", 2),
    ("ESRCH", 3),
    ("EINTR", 4),
    ("EIO", 5),
    ("ENXIO", 6),
    ("E2BIG", 7),
    ("ENOEXEC", 8),
    ("EBADF", 9),
    ("ECHILD", 10),
    ("EWOULDBLOCK", 11),
    ("EAGAIN", 11),
    ("ENOMEM", 12),
    ("EACCES", 13),
    ("EFAULT", 14),
    ("ENOTBLK", 15),
    ("EBUSY", 16),
    ("EEXIST", 17),
    ("EXDEV", 18),
    ("ENODEV", 19),
    ("ENOTDIR", 20),
    ("EISDIR", 21),
    ("EINVAL", 22),
    ("ENFILE", 23),
    ("EMFILE", 24),
    ("ENOTTY", 25),
    ("ETXTBSY", 26),
    ("EFBIG", 27),
    ("ENOSPC", 28),
    ("ESPIPE", 29),
    ("EROFS", 30),
    ("EMLINK", 31),
    ("EPIPE", 32),
    ("EDOM", 33),
    ("ERANGE", 34),
    ("EDEADLK", 35),
    ("EDEADLOCK", 35),
    ("ENAMETOOLONG", 36),
    ("ENOLCK", 37),
    ("ENOSYS", 38),
    ("ENOTEMPTY", 39),
    ("ELOOP", 40),
    ("ENOMSG", 42),
    ("EIDRM", 43),
    ("ECHRNG", 44),
    ("EL2NSYNC", 45),
    ("EL3HLT", 46),
    ("EL3RST", 47),
    ("ELNRNG", 48),
    ("EUNATCH", 49),
    ("ENOCSI", 50),
    ("EL2HLT", 51),
    ("EBADE", 52),
    ("EBADR", 53),
    ("EXFULL", 54),
    ("ENOANO", 55),
    ("EBADRQC", 56),
    ("EBADSLT", 57),
    ("EBFONT", 59),
    ("ENOSTR", 60),
    ("ENODATA", 61),
    ("ETIME", 62),
    ("ENOSR", 63),
    ("ENONET", 64),
    ("ENOPKG", 65),
    ("EREMOTE", 66),
    ("ENOLINK", 67),
    ("EADV", 68),
    ("ESRMNT", 69),
    ("ECOMM", 70),
    ("EPROTO", 71),
    ("EMULTIHOP", 72),
    ("EDOTDOT", 73),
    ("EBADMSG", 74),
    ("EOVERFLOW", 75),
    ("ENOTUNIQ", 76),
    ("EBADFD", 77),
    ("EREMCHG", 78),
    ("ELIBACC", 79),
    ("ELIBBAD", 80),
    ("ELIBSCN", 81),
    ("ELIBMAX", 82),
    ("ELIBEXEC", 83),
    ("EILSEQ", 84),
    ("ERESTART", 85),
    ("ESTRPIPE", 86),
    ("EUSERS", 87),
    ("ENOTSOCK", 88),
    ("EDESTADDRREQ", 89),
    ("EMSGSIZE", 90),
    ("EPROTOTYPE", 91),
    ("ENOPROTOOPT", 92),
    ("EPROTONOSUPPORT", 93),
    ("ESOCKTNOSUPPORT", 94),
    ("EOPNOTSUPP", 95),
    ("ENOTSUP", 95),
    ("EPFNOSUPPORT", 96),
    ("EAFNOSUPPORT", 97),
    ("EADDRINUSE", 98),
    ("EADDRNOTAVAIL", 99),
    ("ENETDOWN", 100),
    ("ENETUNREACH", 101),
    ("ENETRESET", 102),
    ("ECONNABORTED", 103),
    ("ECONNRESET", 104),
    ("ENOBUFS", 105),
    ("EISCONN", 106),
    ("ENOTCONN", 107),
    ("ESHUTDOWN", 108),
    ("ETOOMANYREFS", 109),
    ("ETIMEDOUT", 110),
    ("ECONNREFUSED", 111),
    ("EHOSTDOWN", 112),
    ("EHOSTUNREACH", 113),
    ("EALREADY", 114),
    ("EINPROGRESS", 115),
    ("ESTALE", 116),
    ("EUCLEAN", 117),
    ("ENOTNAM", 118),
    ("ENAVAIL", 119),
    ("EISNAM", 120),
    ("EREMOTEIO", 121),
    ("EDQUOT", 122),
    ("ENOMEDIUM", 123),
    ("EMEDIUMTYPE", 124),
    ("ECANCELED", 125),
    ("ENOKEY", 126),
    ("EKEYEXPIRED", 127),
    ("EKEYREVOKED", 128),
    ("EKEYREJECTED", 129),
    ("EOWNERDEAD", 130),
    ("ENOTRECOVERABLE", 131),
    ("ERFKILL", 132),
];

/// The OSError subclass CPython raises for an errno.
fn errno_subclass(errno: i64) -> Option<ExcType> {
    Some(match errno {
        11 | 114 | 115 => ExcType::BlockingIOError,
        10 => ExcType::ChildProcessError,
        32 | 108 => ExcType::BrokenPipeError,
        103 => ExcType::ConnectionAbortedError,
        111 => ExcType::ConnectionRefusedError,
        104 => ExcType::ConnectionResetError,
        17 => ExcType::FileExistsError,
        2 => ExcType::FileNotFoundError,
        21 => ExcType::IsADirectoryError,
        20 => ExcType::NotADirectoryError,
        4 => ExcType::InterruptedError,
        1 | 13 => ExcType::PermissionError,
        3 => ExcType::ProcessLookupError,
        110 => ExcType::TimeoutError,
        _ => return None,
    })
}

/// The class `OSError(*args)` really makes: for OSError itself with an errno first, the
/// subclass for that errno.
pub fn constructed_class(class: &Rc<Class>, args: &[Value]) -> Rc<Class> {
    let os_error = types().exc(ExcType::OSError);
    if !Rc::ptr_eq(class, os_error) || !(2..=5).contains(&args.len()) {
        return class.clone();
    }
    match args[0] {
        Value::Int(n) => errno_subclass(n).map(|t| types().exc(t).clone()).unwrap_or_else(|| class.clone()),
        _ => class.clone(),
    }
}

/// The system's text for an errno (`No such file or directory`).
pub fn strerror(errno: i64) -> String {
    let text = std::io::Error::from_raw_os_error(errno as i32).to_string();
    match text.rfind(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Sets the attributes `OSError.__init__` sets from its arguments, returning the args the
/// exception keeps (only errno and strerror once a filename is given).
fn init_attrs(inst: &Instance, args: &[Value]) -> Vec<Value> {
    let get = |i: usize| if (2..=5).contains(&args.len()) { args.get(i).cloned() } else { None };
    let mut attrs = inst.attrs.borrow_mut();
    attrs.insert(intern("errno"), get(0).unwrap_or(Value::None));
    attrs.insert(intern("strerror"), get(1).unwrap_or(Value::None));
    attrs.insert(intern("filename"), get(2).unwrap_or(Value::None));
    attrs.insert(intern("filename2"), get(4).unwrap_or(Value::None));
    if (3..=5).contains(&args.len()) {
        args[..2].to_vec()
    } else {
        args.to_vec()
    }
}

/// An OSError of the errno's subclass, as the system reports a failure on `filename`.
pub fn os_error(errno: i64, filename: Option<Value>, filename2: Option<Value>) -> Flow {
    let class = errno_subclass(errno).map(|t| types().exc(t)).unwrap_or_else(|| types().exc(ExcType::OSError));
    let mut args = vec![Value::Int(errno), Value::str(strerror(errno))];
    args.extend(filename.clone());
    if let Some(f2) = filename2 {
        if filename.is_none() {
            args.push(Value::None);
        }
        args.push(Value::None);
        args.push(f2);
    }
    let exc = new_exception(class, Vec::new());
    let kept = init_attrs(&exc, &args);
    if let Some(e) = exc.exc() {
        e.borrow_mut().args = kept;
    }
    Flow::Raise(exc)
}

/// The OSError for a Rust I/O error on `filename`.
pub fn from_io(err: &std::io::Error, filename: Option<Value>) -> Flow {
    match err.raw_os_error() {
        Some(n) => os_error(n as i64, filename, None),
        None => super::exceptions::raise(ExcType::OSError, err.to_string()),
    }
}

/// Like `from_io`, naming two files (`rename`, `replace`).
pub fn from_io2(err: &std::io::Error, filename: Value, filename2: Value) -> Flow {
    match err.raw_os_error() {
        Some(n) => os_error(n as i64, Some(filename), Some(filename2)),
        None => super::exceptions::raise(ExcType::OSError, err.to_string()),
    }
}

fn init(a: &Args) -> PyResult {
    if let Some(Value::Instance(inst)) = a.pos.first() {
        let kept = init_attrs(inst, &a.pos[1..]);
        if let Some(e) = inst.exc() {
            e.borrow_mut().args = kept;
        }
    }
    Ok(Value::None)
}

fn str(a: &Args) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else { return Ok(Value::str("")) };
    let attr = |name: &str| inst.attrs.borrow().get(&intern(name)).unwrap_or(Value::None);
    let (errno, strerror, filename, filename2) = (attr("errno"), attr("strerror"), attr("filename"), attr("filename2"));
    let args = inst.exc().map(|e| e.borrow().args.clone()).unwrap_or_default();
    crate::vm::native::run_async(move |ctx| async move {
        use crate::runtime::protocol::{repr, str};
        let head = format!("[Errno {}] {}", str(&ctx, &errno).await?, str(&ctx, &strerror).await?);
        let text = if !filename.is_none() && !filename2.is_none() {
            format!("{}: {} -> {}", head, repr(&ctx, &filename).await?, repr(&ctx, &filename2).await?)
        } else if !filename.is_none() {
            format!("{}: {}", head, repr(&ctx, &filename).await?)
        } else if !errno.is_none() && !strerror.is_none() {
            head
        } else {
            match args.len() {
                0 => String::new(),
                1 => str(&ctx, &args[0]).await?,
                _ => repr(&ctx, &Value::tuple(args)).await?,
            }
        };
        Ok(Value::str(text))
    })
}

/// Gives OSError its `__init__` and `__str__`.
pub fn install() {
    let class = types().exc(ExcType::OSError);
    method(class, "__init__", init);
    method(class, "__str__", str);
}
