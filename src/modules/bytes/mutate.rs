//! The methods only a bytearray has: the ones that change it in place, and `copy`.

use super::{byte_of, params, Entry};
use crate::modules::builtins::index_arg;
use crate::object::function::Args;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{protocol, type_name};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;

pub(super) const METHODS: &[Entry] = &[
    ("append", append),
    ("extend", extend),
    ("insert", insert),
    ("pop", pop),
    ("remove", remove),
    ("clear", clear),
    ("reverse", reverse),
    ("copy", copy),
];

fn append(a: &Args) -> PyResult {
    let (b, p) = params(a, "append", &[""], 1)?;
    let x = byte_of(p[0].as_ref().expect("required"))?;
    b.data.borrow_mut().push(x);
    Ok(Value::None)
}

fn extend(a: &Args) -> PyResult {
    let (b, p) = params(a, "extend", &[""], 1)?;
    let (b, source) = (b.clone(), p[0].clone().expect("required"));
    if !matches!(source, Value::Str(_)) && protocol::get_iter(&source).is_err() {
        return Err(type_error(format!("can't extend bytearray with {}", type_name(&source))));
    }
    run_async(move |ctx| async move {
        let data = super::bytes_from_source(&ctx, &source, true).await?;
        b.data.borrow_mut().extend(data);
        Ok(Value::None)
    })
}

fn insert(a: &Args) -> PyResult {
    let (b, p) = params(a, "insert", &["", ""], 2)?;
    let i = index_arg(p[0].as_ref().expect("required"))?;
    let x = byte_of(p[1].as_ref().expect("required"))?;
    let mut data = b.data.borrow_mut();
    let n = data.len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
    data.insert(at as usize, x);
    Ok(Value::None)
}

fn pop(a: &Args) -> PyResult {
    let (b, p) = params(a, "pop", &[""], 0)?;
    let mut data = b.data.borrow_mut();
    if data.is_empty() {
        return Err(ex::index_error("pop from empty bytearray"));
    }
    let i = match &p[0] {
        None => -1,
        Some(v) => index_arg(v)?,
    };
    let n = data.len();
    let i = crate::vm::ops::norm_index(i, n).ok_or_else(|| ex::index_error("pop index out of range"))?;
    Ok(Value::Int(data.remove(i) as i64))
}

fn remove(a: &Args) -> PyResult {
    let (b, p) = params(a, "remove", &[""], 1)?;
    let x = byte_of(p[0].as_ref().expect("required"))?;
    let mut data = b.data.borrow_mut();
    let i = data.iter().position(|&c| c == x).ok_or_else(|| ex::value_error("value not found in bytearray"))?;
    data.remove(i);
    Ok(Value::None)
}

fn clear(a: &Args) -> PyResult {
    let (b, _) = params(a, "clear", &[], 0)?;
    b.data.borrow_mut().clear();
    Ok(Value::None)
}

fn reverse(a: &Args) -> PyResult {
    let (b, _) = params(a, "reverse", &[], 0)?;
    b.data.borrow_mut().reverse();
    Ok(Value::None)
}

fn copy(a: &Args) -> PyResult {
    let (b, _) = params(a, "copy", &[], 0)?;
    Ok(Value::bytearray(b.data.borrow().clone()))
}
