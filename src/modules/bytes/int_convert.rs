//! `int.to_bytes(length=1, byteorder='big', *, signed=False)` and
//! `int.from_bytes(bytes, byteorder='big', *, signed=False)`, with 3.11's defaults.

use super::bytes_from_source;
use crate::modules::builtins::index_arg;
use crate::object::function::{Args, NativeFunction};
use crate::object::Wrapper;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::to_bigint;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use num_bigint::{BigInt, Sign};
use std::rc::Rc;

pub(super) fn install() {
    let int = &types().int;
    crate::runtime::define::method(int, "to_bytes", to_bytes);
    let from = Value::Native(Rc::new(NativeFunction { name: "from_bytes", owner: Some("int"), func: from_bytes }));
    int.attrs
        .borrow_mut()
        .insert(crate::intern::intern("from_bytes"), Value::Wrapper(Rc::new(Wrapper::ClassMethod(from))));
}

/// Positional-or-keyword `params` (at most `positional` of them by position), then the
/// keyword-only `signed`.
fn parse(a: &Args, name: &str, params: &[&str], first: usize) -> PyResult<(Vec<Option<Value>>, bool)> {
    let pos = &a.pos[first..];
    if pos.len() > params.len() {
        return Err(type_error(format!(
            "{}() takes at most {} positional arguments ({} given)",
            name,
            params.len(),
            pos.len()
        )));
    }
    let mut out: Vec<Option<Value>> = pos.iter().cloned().map(Some).collect();
    out.resize(params.len(), None);
    let mut signed = false;
    for (k, v) in a.kw {
        if k.as_str() == "signed" {
            signed = crate::vm::ops::truthy(v).unwrap_or(true);
            continue;
        }
        let Some(i) = params.iter().position(|p| *p == k.as_str()) else {
            return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, name)));
        };
        if out[i].is_some() {
            return Err(type_error(format!(
                "argument for {}() given by name ('{}') and position ({})",
                name,
                k,
                i + 1
            )));
        }
        out[i] = Some(v.clone());
    }
    Ok((out, signed))
}

/// `'big'` (the default) or `'little'`.
fn little_endian(v: &Option<Value>, name: &str) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(Value::Str(s)) if &*s.s == "big" => Ok(false),
        Some(Value::Str(s)) if &*s.s == "little" => Ok(true),
        Some(Value::Str(_)) => Err(ex::value_error("byteorder must be either 'little' or 'big'")),
        Some(other) => {
            Err(type_error(format!("{}() argument 'byteorder' must be str, not {}", name, type_name(other))))
        }
    }
}

fn to_bytes(a: &Args) -> PyResult {
    let Some(n) = a.pos.first().and_then(to_bigint) else {
        return Err(type_error("descriptor 'to_bytes' requires an 'int' object"));
    };
    let (p, signed) = parse(a, "to_bytes", &["length", "byteorder"], 1)?;
    let length = match &p[0] {
        None => 1,
        Some(v) => index_arg(v)?,
    };
    if length < 0 {
        return Err(ex::value_error("length argument must be non-negative"));
    }
    let little = little_endian(&p[1], "to_bytes")?;
    if !signed && n.sign() == Sign::Minus {
        return Err(ex::overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = n.to_signed_bytes_le();
    if !signed && bytes.len() > 1 && bytes.last() == Some(&0) {
        // An unsigned value needs no sign byte.
        bytes.pop();
    }
    if n.sign() == Sign::NoSign {
        bytes.clear();
    }
    let length = length as usize;
    if bytes.len() > length {
        return Err(ex::overflow_error("int too big to convert"));
    }
    let fill = if n.sign() == Sign::Minus { 0xff } else { 0 };
    bytes.resize(length, fill);
    if !little {
        bytes.reverse();
    }
    Ok(Value::bytes(bytes))
}

fn from_bytes(a: &Args) -> PyResult {
    let (p, signed) = parse(a, "from_bytes", &["bytes", "byteorder"], 1)?;
    let Some(source) = p[0].clone() else {
        return Err(type_error("from_bytes() missing required argument 'bytes' (pos 1)"));
    };
    let little = little_endian(&p[1], "from_bytes")?;
    if matches!(source, Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::None) {
        return Err(type_error(format!("cannot convert '{}' object to bytes", type_name(&source))));
    }
    let as_bool = matches!(a.pos.first(), Some(Value::Class(c)) if Rc::ptr_eq(c, &types().bool));
    run_async(move |ctx| async move {
        let mut data = bytes_from_source(&ctx, &source, false).await?;
        if !little {
            data.reverse();
        }
        let n = if signed { BigInt::from_signed_bytes_le(&data) } else { BigInt::from_bytes_le(Sign::Plus, &data) };
        Ok(if as_bool { Value::Bool(n != BigInt::from(0)) } else { Value::from_bigint(n) })
    })
}
