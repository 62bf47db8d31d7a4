//! `bytes(...)` and `bytearray(...)`: from nothing, a count, a str with an encoding, a
//! buffer, an object's `__bytes__`, or an iterable of ints.

use super::{buffer, bytes_from_source};
use crate::intern::intern;
use crate::modules::builtins::index_arg;
use crate::object::function::{Args, NativeFn};
use crate::runtime::define::constructor;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::{self, dunder};
use crate::runtime::{codecs, type_name, types};
use crate::value::{PyBytes, Value};
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub(super) fn install() {
    let t = types();
    constructor(&t.bytes, |a| new(a, false));
    constructor(&t.bytearray, |a| new(a, true));
}

fn new(a: &Args, mutable: bool) -> PyResult {
    let name = if mutable { "bytearray" } else { "bytes" };
    // A length given as an object with `__index__` (and no `__bytes__`).
    let sized = |v: &Value| matches!(v, Value::Instance(i) if i.class.lookup(intern("__bytes__")).is_none());
    if a.pos.first().is_some_and(sized) {
        let retry: NativeFn = if mutable { |a| new(a, true) } else { |a| new(a, false) };
        if let Some(r) = crate::runtime::args::with_indices(a, 0, retry) {
            return r;
        }
    }
    if a.pos.len() > 3 {
        return Err(type_error(format!("{}() takes at most 3 arguments ({} given)", name, a.pos.len())));
    }
    let names = ["source", "encoding", "errors"];
    let mut args: Vec<Option<Value>> = vec![None; 3];
    for (slot, v) in args.iter_mut().zip(a.pos) {
        *slot = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = names.iter().position(|n| *n == k.as_str()) else {
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
    let [source, encoding, errors] = [args[0].take(), args[1].take(), args[2].take()];
    let text_arg = |v: &Option<Value>, what: &str| -> PyResult<Option<String>> {
        match v {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s.s.to_string())),
            Some(other) => {
                Err(type_error(format!("{}() argument '{}' must be str, not {}", name, what, type_name(other))))
            }
        }
    };
    let (encoding, errors) = (text_arg(&encoding, "encoding")?, text_arg(&errors, "errors")?);
    let make = move |data: Vec<u8>| Value::Bytes(Rc::new(PyBytes::new(data, mutable)));
    let Some(source) = source else {
        if encoding.is_some() || errors.is_some() {
            return Err(type_error(format!(
                "{} without a string argument",
                if encoding.is_some() { "encoding" } else { "errors" }
            )));
        }
        return Ok(make(Vec::new()));
    };
    if let Value::Str(s) = &source {
        let Some(encoding) = encoding else { return Err(type_error("string argument without an encoding")) };
        return Ok(make(codecs::encode(&s.s, &encoding, errors.as_deref().unwrap_or("strict"))?));
    }
    if encoding.is_some() {
        return Err(type_error("encoding without a string argument"));
    }
    if errors.is_some() {
        return Err(type_error("errors without a string argument"));
    }
    if let Some(data) = buffer(&source) {
        return Ok(make(data));
    }
    match &source {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = index_arg(&source)?;
            if n < 0 {
                return Err(ex::value_error("negative count"));
            }
            let mut zeros = crate::runtime::alloc::vec_with_capacity(n as usize)?;
            zeros.resize(n as usize, 0);
            return Ok(make(zeros));
        }
        Value::Float(_) | Value::None => {
            return Err(type_error(format!("cannot convert '{}' object to {}", type_name(&source), name)));
        }
        _ => {}
    }
    run_async(move |ctx| async move {
        if let Value::Instance(inst) = &source {
            if let Some(m) = dunder(&inst.class, intern("__bytes__")) {
                let r = ctx.call(m, vec![source.clone()]).await?;
                return match &r {
                    Value::Bytes(b) if !b.mutable => Ok(make(b.data.borrow().clone())),
                    other => Err(type_error(format!("__bytes__ returned non-bytes (type {})", type_name(other)))),
                };
            }
        }
        if protocol::get_iter(&source).is_err() {
            return Err(type_error(format!("cannot convert '{}' object to {}", type_name(&source), name)));
        }
        Ok(make(bytes_from_source(&ctx, &source, mutable).await?))
    })
}
