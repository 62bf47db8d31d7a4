//! The operators on bytes and bytearray values (`+`, `+=`, `*=`, `in`, subscripting, `%`)
//! and their repr; the methods are the builtins' (`modules/bytes`).

use crate::object::buffer::buffer;
use crate::runtime::args::index_arg;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{protocol, type_name};
use crate::value::{PyBytes, Value};
use crate::vm::native::{run_async, Ctx};
use crate::vm::ops::{assign_slice, norm_index, slice_indices, slice_positions};
use crate::vm::PyResult;
use std::rc::Rc;

/// A bytes-like argument: `a bytes-like object is required, not 'str'`.
pub fn bytes_arg(v: &Value) -> PyResult<Vec<u8>> {
    buffer(v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

/// A byte value from an int: `byte must be in range(0, 256)`.
pub fn byte_of(v: &Value) -> PyResult<u8> {
    let n = index_arg(v)?;
    u8::try_from(n).map_err(|_| ex::value_error("byte must be in range(0, 256)"))
}

/// `a + b` with `a` a bytes or bytearray.
pub fn concat(a: &PyBytes, b: &Value) -> PyResult {
    let Some(other) = buffer(b) else {
        return Err(type_error(format!("can't concat {} to {}", type_name(b), class_name(a))));
    };
    let mut data = a.data.borrow().clone();
    data.extend(other);
    Ok(like(a, data))
}

/// `ba += x` on a bytearray, in place.
pub fn extend_in_place(ba: &PyBytes, b: &Value) -> PyResult<()> {
    let Some(other) = buffer(b) else {
        return Err(type_error(format!("can't concat {} to bytearray", type_name(b))));
    };
    ba.data.borrow_mut().extend(other);
    Ok(())
}

/// `b % args`.
pub fn percent_format(b: &PyBytes, args: Value) -> PyResult {
    let fmt = b.data.borrow().clone();
    protocol::percent::percent_format_bytes(&fmt, args, b.mutable)
}

/// `x in b`: an int in range(256), or a bytes-like subsequence.
pub fn contains(b: &PyBytes, item: &Value) -> PyResult<bool> {
    let data = b.data.borrow();
    match item {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let x = byte_of(item)?;
            Ok(data.contains(&x))
        }
        _ => match buffer(item) {
            Some(sub) => Ok(memchr::memmem::find(&data, &sub).is_some()),
            None => Err(type_error(format!("a bytes-like object is required, not '{}'", type_name(item)))),
        },
    }
}

pub fn index_of(b: &PyBytes, key: &Value) -> PyResult<i64> {
    match key {
        Value::Int(_) | Value::Bool(_) => index_arg(key),
        Value::BigInt(_) => Err(ex::index_error("cannot fit 'int' into an index-sized integer")),
        _ => Err(type_error(format!(
            "{} indices must be integers or slices, not {}",
            if b.mutable { "bytearray" } else { "byte" },
            type_name(key)
        ))),
    }
}

pub fn out_of_range(b: &PyBytes) -> crate::vm::Flow {
    ex::index_error(if b.mutable { "bytearray index out of range" } else { "index out of range" })
}

/// `b[i]` (an int) and `b[i:j:k]`.
pub fn get_item(b: &PyBytes, key: &Value) -> PyResult {
    let data = b.data.borrow();
    if let Value::Slice(s) = key {
        let (start, stop, step) = slice_indices(s, data.len())?;
        if step == 1 {
            let part = data.get(start as usize..stop.max(start) as usize).unwrap_or(&[]).to_vec();
            return Ok(like(b, part));
        }
        return Ok(like(b, slice_positions(s, data.len())?.into_iter().map(|i| data[i]).collect()));
    }
    let i = index_of(b, key)?;
    norm_index(i, data.len()).map(|i| Value::Int(data[i] as i64)).ok_or_else(|| out_of_range(b))
}

/// `ba[i] = x` and `ba[i:j:k] = iterable` on a bytearray.
pub fn set_item(b: &Rc<PyBytes>, key: &Value, v: Value) -> PyResult<()> {
    let Value::Slice(s) = key else {
        let i = index_of(b, key)?;
        let x = byte_of(&v)?;
        let mut data = b.data.borrow_mut();
        let n = data.len();
        let i = norm_index(i, n).ok_or_else(|| out_of_range(b))?;
        data[i] = x;
        return Ok(());
    };
    let (b, s) = (b.clone(), s.clone());
    run_async(move |ctx| async move {
        let new = match &v {
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Str(_) => {
                return Err(type_error("can assign only bytes, buffers, or iterables of ints in range(0, 256)"))
            }
            _ => bytes_from_source(&ctx, &v, true).await?,
        };
        assign_slice(&mut b.data.borrow_mut(), &s, new, "bytes")?;
        Ok(Value::None)
    })
    .map(|_| ())
}

/// `del ba[i]` and `del ba[i:j:k]`.
pub fn del_item(b: &PyBytes, key: &Value) -> PyResult<()> {
    let mut data = b.data.borrow_mut();
    if let Value::Slice(s) = key {
        let mut pos = slice_positions(s, data.len())?;
        pos.sort_unstable();
        for p in pos.into_iter().rev() {
            data.remove(p);
        }
        return Ok(());
    }
    let i = index_of(b, key)?;
    let n = data.len();
    let i = norm_index(i, n).ok_or_else(|| out_of_range(b))?;
    data.remove(i);
    Ok(())
}

/// CPython's repr of bytes: `b'...'` (double quotes when the data has a single quote and
/// no double one), with `\t`, `\n`, `\r`, `\\` and `\xhh` escapes; `bytearray(b'...')`.
pub fn repr(b: &PyBytes) -> String {
    let data = b.data.borrow();
    if b.mutable {
        format!("bytearray({})", bytes_literal(&data, true))
    } else {
        bytes_literal(&data, false)
    }
}

/// `b'...'` for the given data; `escape_single` escapes `'` even inside double quotes, as
/// a bytearray's repr does.
pub fn bytes_literal(data: &[u8], escape_single: bool) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &c in data {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote || (c == b'\'' && escape_single) => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{:02x}", c)),
        }
    }
    out.push(quote as char);
    out
}

pub fn class_name(b: &PyBytes) -> &'static str {
    if b.mutable {
        "bytearray"
    } else {
        "bytes"
    }
}

/// A result of the receiver's type: bytes from a bytes, bytearray from a bytearray.
pub fn like(b: &PyBytes, data: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(PyBytes::new(data, b.mutable)))
}

/// The bytes of a buffer, or of an iterable of ints in range(256).
/// A bytearray's errors say `byte must be ...`, a bytes's `bytes must be ...`.
pub async fn bytes_from_source(ctx: &Ctx, v: &Value, mutable: bool) -> PyResult<Vec<u8>> {
    if let Some(data) = buffer(v) {
        return Ok(data);
    }
    let items = protocol::iterate(ctx, v).await?;
    let msg = if mutable { "byte must be in range(0, 256)" } else { "bytes must be in range(0, 256)" };
    items
        .iter()
        .map(|x| {
            let n = index_arg(x)?;
            u8::try_from(n).map_err(|_| ex::value_error(msg))
        })
        .collect()
}
