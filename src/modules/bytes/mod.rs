//! `bytes` and `bytearray`: constructors, operators, subscripting and their reprs; the
//! methods are in `methods` (searching and splitting), `transform` (case, padding,
//! stripping), `hex`, `mutate` (bytearray's own) and `percent` (`b'%d' % x`), and
//! `memoryview` is in `memoryview`.

mod construct;
mod hex;
mod int_convert;
pub mod memoryview;
mod methods;
mod mutate;
mod transform;

use super::builtins::index_arg;
use crate::ast::BinOp;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn, NativeFunction};
use crate::object::Wrapper;
use crate::runtime::define::method;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{type_name, types};
use crate::value::{PyBytes, Value};
use crate::vm::native::run_async;
use crate::vm::ops::{assign_slice, norm_index, slice_indices, slice_positions};
use crate::vm::PyResult;
use std::rc::Rc;

pub use hex::{hex_args, hex_with_sep};
pub use memoryview::buffer;

type Entry = (&'static str, NativeFn);

pub fn install() {
    let t = types();
    for class in [&t.bytes, &t.bytearray] {
        for &(name, f) in methods::METHODS.iter().chain(transform::METHODS).chain(hex::METHODS) {
            method(class, name, f);
        }
        for &(name, f) in DUNDERS {
            method(class, name, f);
        }
        static_method(class, "maketrans", transform::maketrans);
        class_method(class, "fromhex", hex::fromhex);
    }
    method(&t.bytearray, "__setitem__", |a| {
        let (b, p) = params(a, "__setitem__", &["", ""], 2)?;
        set_item(b, p[0].as_ref().expect("required"), p[1].clone().expect("required"))?;
        Ok(Value::None)
    });
    method(&t.bytearray, "__delitem__", |a| {
        let (b, p) = params(a, "__delitem__", &[""], 1)?;
        del_item(b, p[0].as_ref().expect("required"))?;
        Ok(Value::None)
    });
    for &(name, f) in mutate::METHODS {
        method(&t.bytearray, name, f);
    }
    construct::install();
    int_convert::install();
    memoryview::install();
}

/// The special methods explicit calls reach (`b.__getitem__(0)`); operators on bytes
/// values do not go through them.
const DUNDERS: &[Entry] = &[
    ("__len__", |a| Ok(Value::Int(params(a, "__len__", &[], 0)?.0.data.borrow().len() as i64))),
    ("__getitem__", |a| {
        let (b, p) = params(a, "__getitem__", &[""], 1)?;
        get_item(b, p[0].as_ref().expect("required"))
    }),
    ("__contains__", |a| {
        let (b, p) = params(a, "__contains__", &[""], 1)?;
        Ok(Value::Bool(contains(b, p[0].as_ref().expect("required"))?))
    }),
    ("__iter__", |a| crate::runtime::protocol::get_iter(&Value::Bytes(params(a, "__iter__", &[], 0)?.0.clone()))),
];

fn static_method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    let f = Value::Native(Rc::new(NativeFunction { name, owner: Some(class.name.as_str()), func }));
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(Wrapper::StaticMethod(f))));
}

fn class_method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    let f = Value::Native(Rc::new(NativeFunction { name, owner: Some(class.name.as_str()), func }));
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(Wrapper::ClassMethod(f))));
}

/// The `bytes` or `bytearray` receiver of a method.
fn this<'a>(a: &'a Args, name: &str) -> PyResult<&'a Rc<PyBytes>> {
    match a.pos.first().map(crate::object::instance::builtin_value) {
        Some(Value::Bytes(b)) => Ok(b),
        Some(other) => Err(type_error(format!(
            "descriptor '{}' for 'bytes' objects doesn't apply to a '{}' object",
            name,
            type_name(other)
        ))),
        None => Err(type_error(format!("unbound method bytes.{}() needs an argument", name))),
    }
}

fn class_name(b: &PyBytes) -> &'static str {
    if b.mutable {
        "bytearray"
    } else {
        "bytes"
    }
}

/// A result of the receiver's type: bytes from a bytes, bytearray from a bytearray.
fn like(b: &PyBytes, data: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(PyBytes::new(data, b.mutable)))
}

/// The receiver and the arguments of a method, by position or by the keyword names in
/// `params` (an empty name: positional only), each `None` when not given.
fn params<'a>(a: &'a Args, name: &str, params: &[&str], min: usize) -> PyResult<(&'a Rc<PyBytes>, Vec<Option<Value>>)> {
    let b = this(a, name)?;
    let args = &a.pos[1..];
    let max = params.len();
    if args.len() > max || args.len() < min && a.kw.is_empty() {
        let n = args.len();
        return Err(type_error(if max == 0 {
            format!("{}.{}() takes no arguments ({} given)", class_name(b), name, n)
        } else if min == max && max == 1 {
            format!("{}.{}() takes exactly one argument ({} given)", class_name(b), name, n)
        } else if n < min {
            format!("{} expected at least {} argument{}, got {}", name, min, if min == 1 { "" } else { "s" }, n)
        } else {
            format!("{} expected at most {} argument{}, got {}", name, max, if max == 1 { "" } else { "s" }, n)
        }));
    }
    let mut out: Vec<Option<Value>> = vec![None; max];
    for (slot, v) in out.iter_mut().zip(args) {
        *slot = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = params.iter().position(|p| !p.is_empty() && *p == k.as_str()) else {
            return Err(type_error(if params.iter().all(|p| p.is_empty()) {
                format!("{}.{}() takes no keyword arguments", class_name(b), name)
            } else {
                format!("{}() got an unexpected keyword argument '{}'", name, k)
            }));
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
    if out.iter().take(min).any(Option::is_none) {
        let missing = params[out.iter().position(Option::is_none).unwrap_or(0)];
        return Err(type_error(format!("{}() missing required argument '{}' (pos {})", name, missing, 1)));
    }
    Ok((b, out))
}

/// A bytes-like argument: `a bytes-like object is required, not 'str'`.
fn bytes_arg(v: &Value) -> PyResult<Vec<u8>> {
    buffer(v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

/// A byte value from an int: `byte must be in range(0, 256)`.
fn byte_of(v: &Value) -> PyResult<u8> {
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

/// `ba += x`, `ba *= n` on a bytearray, in place.
pub fn inplace(op: BinOp, ba: &PyBytes, b: &Value) -> PyResult<()> {
    match op {
        BinOp::Add => {
            let Some(other) = buffer(b) else {
                return Err(type_error(format!("can't concat {} to bytearray", type_name(b))));
            };
            ba.data.borrow_mut().extend(other);
        }
        _ => {
            let n = match b {
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => index_arg(b)?.max(0) as usize,
                _ => return Err(type_error(format!("can't multiply sequence by non-int of type '{}'", type_name(b)))),
            };
            let repeated = ba.data.borrow().repeat(n);
            *ba.data.borrow_mut() = repeated;
        }
    }
    Ok(())
}

/// `b % args`.
pub fn percent_format(b: &PyBytes, args: Value) -> PyResult {
    let fmt = b.data.borrow().clone();
    crate::runtime::protocol::percent::percent_format_bytes(&fmt, args, b.mutable)
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
            Some(sub) => Ok(methods::find_sub(&data, &sub, 0, data.len()).is_some()),
            None => Err(type_error(format!("a bytes-like object is required, not '{}'", type_name(item)))),
        },
    }
}

fn index_of(b: &PyBytes, key: &Value) -> PyResult<i64> {
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

fn out_of_range(b: &PyBytes) -> crate::vm::Flow {
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
            _ => construct::bytes_from_source(&ctx, &v, true).await?,
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
