//! `str`: the constructor, its methods, printf-style `%` formatting and `str.format`.

mod format;
mod methods;

use super::builtins::index_arg;
use crate::intern::intern;
use crate::object::function::{Args, NativeFn, NativeFunction};
use crate::object::Wrapper;
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol;
use crate::runtime::{type_name, types};
use crate::value::{PyStr, Value};
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    constructor(&t.str, str_new);
    method(&t.str, "join", join);
    method(&t.str, "format", format::format);
    method(&t.str, "format_map", format::format_map);
    method(&t.str, "encode", encode);
    for &(name, f) in methods::METHODS {
        method(&t.str, name, f);
    }
    let maketrans =
        Value::Native(Rc::new(NativeFunction { name: "maketrans", owner: Some("str"), func: methods::maketrans }));
    t.str.attrs.borrow_mut().insert(intern("maketrans"), Value::Wrapper(Rc::new(Wrapper::StaticMethod(maketrans))));
}

/// `str(object='')`, and the errors of `str(object, encoding, errors)` (no bytes here).
fn str_new(a: &Args) -> PyResult {
    // The common call, `str(x)`, skips the keyword handling.
    if let ([], [v]) = (a.kw, a.pos) {
        return protocol::str_value(v.clone());
    }
    let params = ["object", "encoding", "errors"];
    if a.pos.len() > 3 {
        return Err(type_error(format!("str() takes at most 3 arguments ({} given)", a.pos.len())));
    }
    let mut args: Vec<Option<Value>> = vec![None; 3];
    for (slot, v) in args.iter_mut().zip(a.pos) {
        *slot = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = params.iter().position(|p| *p == k.as_str()) else {
            return Err(type_error(format!("'{}' is an invalid keyword argument for str()", k)));
        };
        if args[i].is_some() {
            return Err(type_error(format!("argument for str() given by name ('{}') and position ({})", k, i + 1)));
        }
        args[i] = Some(v.clone());
    }
    let [object, encoding, errors] = [args[0].take(), args[1].take(), args[2].take()];
    if encoding.is_none() && errors.is_none() {
        return match object {
            None => Ok(Value::str("")),
            Some(v) => protocol::str_value(v),
        };
    }
    for (name, v) in [("encoding", &encoding), ("errors", &errors)] {
        if let Some(v) = v.as_ref().filter(|v| !matches!(v, Value::Str(_))) {
            return Err(type_error(format!("str() argument '{}' must be str, not {}", name, type_name(v))));
        }
    }
    let text =
        |v: Option<Value>, default: &str| v.and_then(|v| v.as_str().map(str::to_string)).unwrap_or(default.into());
    if let Some(data) = object.as_ref().and_then(crate::modules::bytes::buffer) {
        return Ok(Value::str(crate::runtime::codecs::decode(
            &data,
            &text(encoding, "utf-8"),
            &text(errors, "strict"),
        )?));
    }
    Err(type_error(match object {
        Some(Value::Str(_)) => "decoding str is not supported".to_string(),
        Some(v) => format!("decoding to str: need a bytes-like object, {} found", type_name(&v)),
        None => "decoding to str: need a bytes-like object, NoneType found".to_string(),
    }))
}

/// `s.encode(encoding='utf-8', errors='strict')`.
fn encode(a: &Args) -> PyResult {
    let (s, args) = with_keywords(a, "encode", &["encoding", "errors"])?;
    let text = |v: &Option<Value>, name: &str, default: &str| match v {
        None => Ok(default.to_string()),
        Some(Value::Str(t)) => Ok(t.s.to_string()),
        Some(other) => Err(type_error(format!("encode() argument '{}' must be str, not {}", name, type_name(other)))),
    };
    let encoding = text(&args[0], "encoding", "utf-8")?;
    let errors = text(&args[1], "errors", "strict")?;
    if encoding == "utf-8" {
        return Ok(Value::bytes(s.s.as_bytes().to_vec()));
    }
    Ok(Value::bytes(crate::runtime::codecs::encode(&s.s, &encoding, &errors)?))
}

/// The `str` receiver of a method, with CPython's errors for an unbound call.
fn this<'a>(a: &'a Args, name: &str) -> PyResult<&'a Rc<PyStr>> {
    match a.pos.first().map(crate::object::instance::builtin_value) {
        Some(Value::Str(s)) => Ok(s),
        Some(other) => Err(type_error(format!(
            "descriptor '{}' for 'str' objects doesn't apply to a '{}' object",
            name,
            type_name(other)
        ))),
        None => Err(type_error(format!("unbound method str.{}() needs an argument", name))),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Receiver and positional arguments of a positional-only method, checked as Argument
/// Clinic does (`str.upper() takes no arguments (1 given)`, `strip expected at most 1
/// argument, got 2`).
fn clinic<'a>(a: &'a Args, name: &str, min: usize, max: usize) -> PyResult<(&'a Rc<PyStr>, &'a [Value])> {
    let s = this(a, name)?;
    if !a.kw.is_empty() {
        return Err(type_error(format!("str.{}() takes no keyword arguments", name)));
    }
    let args = &a.pos[1..];
    let n = args.len();
    if n >= min && n <= max {
        return Ok((s, args));
    }
    Err(type_error(if max == 0 {
        format!("str.{}() takes no arguments ({} given)", name, n)
    } else if min == 1 && max == 1 {
        format!("str.{}() takes exactly one argument ({} given)", name, n)
    } else if n < min {
        format!("{} expected at least {} argument{}, got {}", name, min, plural(min), n)
    } else {
        format!("{} expected at most {} argument{}, got {}", name, max, plural(max), n)
    }))
}

/// Like [`clinic`] with the older `find() takes at least 1 argument (0 given)` wording.
fn old_style<'a>(a: &'a Args, name: &str, min: usize, max: usize) -> PyResult<(&'a Rc<PyStr>, &'a [Value])> {
    let s = this(a, name)?;
    if !a.kw.is_empty() {
        return Err(type_error(format!("str.{}() takes no keyword arguments", name)));
    }
    let args = &a.pos[1..];
    let n = args.len();
    if n < min {
        return Err(type_error(format!("{}() takes at least {} argument{} ({} given)", name, min, plural(min), n)));
    }
    if n > max {
        return Err(type_error(format!("{}() takes at most {} argument{} ({} given)", name, max, plural(max), n)));
    }
    Ok((s, args))
}

/// Receiver and arguments of a method taking keywords (`split(sep=None, maxsplit=-1)`),
/// each parameter `None` when not given.
fn with_keywords<'a>(a: &'a Args, name: &str, params: &[&str]) -> PyResult<(&'a Rc<PyStr>, Vec<Option<Value>>)> {
    let s = this(a, name)?;
    let args = &a.pos[1..];
    if args.len() > params.len() {
        return Err(type_error(format!(
            "{}() takes at most {} argument{} ({} given)",
            name,
            params.len(),
            plural(params.len()),
            args.len()
        )));
    }
    let mut out: Vec<Option<Value>> = vec![None; params.len()];
    for (slot, v) in out.iter_mut().zip(args) {
        *slot = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = params.iter().position(|p| *p == k.as_str()) else {
            return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, name)));
        };
        if i < args.len() {
            return Err(type_error(format!(
                "argument for {}() given by name ('{}') and position ({})",
                name,
                params[i],
                i + 1
            )));
        }
        out[i] = Some(v.clone());
    }
    Ok((s, out))
}

/// An integer argument such as a width or a count.
fn int_arg(v: &Value) -> PyResult<i64> {
    index_arg(v)
}

/// A `str` argument, with CPython's `must be str, not int` message.
fn str_arg(v: &Value) -> PyResult<&Rc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(type_error(format!("must be str, not {}", type_name(other)))),
    }
}

/// A `str` argument of a clinic method: `replace() argument 1 must be str, not int`.
fn str_param<'a>(v: &'a Value, name: &str, pos: Option<usize>) -> PyResult<&'a Rc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(type_error(match pos {
            Some(p) => format!("{}() argument {} must be str, not {}", name, p, type_name(other)),
            None => format!("{}() argument must be str, not {}", name, type_name(other)),
        })),
    }
}

fn join(a: &Args) -> PyResult {
    let (sep, args) = clinic(a, "join", 1, 1)?;
    let sep = sep.clone();
    let source = args[0].clone();
    match &source {
        Value::List(l) => return join_strs(&sep, &l.items.borrow()),
        Value::Tuple(t) => return join_strs(&sep, &t.items),
        _ => {}
    }
    let it = match protocol::get_iter(&source) {
        Err(crate::vm::Flow::Raise(_)) => return Err(type_error("can only join an iterable")),
        other => other,
    };
    run_async(|ctx| async move {
        let it = ctx.resolve(it).await?;
        let mut items = Vec::new();
        while let Some(x) = protocol::next_item(&ctx, &it).await? {
            items.push(x);
        }
        join_strs(&sep, &items)
    })
}

/// Joins when every item is a str; the error names the first item that is not. The result
/// is sized first, so its text is built in one allocation.
fn join_strs(sep: &PyStr, items: &[Value]) -> PyResult {
    let gaps = items.len().saturating_sub(1);
    let (mut len, mut chars) = (sep.s.len() * gaps, sep.chars * gaps);
    for (i, x) in items.iter().enumerate() {
        match crate::object::instance::builtin_value(x) {
            Value::Str(s) => {
                len += s.s.len();
                chars += s.chars;
            }
            other => {
                return Err(type_error(format!(
                    "sequence item {}: expected str instance, {} found",
                    i,
                    type_name(other)
                )))
            }
        }
    }
    let mut out = String::with_capacity(len);
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep.s);
        }
        if let Value::Str(s) = crate::object::instance::builtin_value(x) {
            out.push_str(&s.s);
        }
    }
    Ok(Value::Str(Rc::new(PyStr::with_chars(out.into(), chars))))
}

/// Helper for registering: a `NativeFn` table entry.
type Entry = (&'static str, NativeFn);
