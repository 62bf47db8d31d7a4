//! `memoryview`: a view of the bytes of a bytes or bytearray (format `'B'`, one dimension),
//! with indexing, slicing, `tobytes`, `tolist`, `release` and the context manager. A view of
//! a bytearray writes through to it.

use super::hex::hex_args;
use crate::modules::builtins::index_arg;
use crate::object::function::{Args, NativeFn};
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::repr::addr;
use crate::runtime::{type_name, types};
use crate::value::{PyBytes, Value};
use crate::vm::ops::{norm_index, slice_indices};
use crate::vm::PyResult;

pub use crate::object::buffer::{buffer, fill_from, writable_len, MemoryView};
use std::cell::RefMut;
use std::rc::Rc;

/// A view of all of `obj` (what `BytesIO.getbuffer()` gives).
pub fn view_of(obj: Rc<PyBytes>) -> Value {
    let len = obj.data.borrow().len();
    make(MemoryView { obj, start: 0, step: 1, len, released: false })
}

pub(super) fn install() {
    let class = &types().memoryview;
    constructor(class, new);
    let methods: &[(&'static str, NativeFn)] = &[
        ("tobytes", |a| Ok(Value::bytes(view(a)?.bytes()))),
        ("tolist", |a| Ok(Value::list(view(a)?.bytes().into_iter().map(|b| Value::Int(b as i64)).collect()))),
        ("hex", |a| {
            let data = view(a)?.bytes();
            let get = |i: usize, name: &str| a.pos.get(i).cloned().or_else(|| crate::runtime::args::kwarg(a, name));
            Ok(Value::str(hex_args(&data, &get(1, "sep"), &get(2, "bytes_per_sep"))?))
        }),
        ("release", |a| {
            released(a)?.released = true;
            Ok(Value::None)
        }),
        ("__enter__", |a| {
            view(a)?;
            Ok(a.pos[0].clone())
        }),
        ("__exit__", |a| {
            released(a)?.released = true;
            Ok(Value::None)
        }),
        ("__len__", |a| Ok(Value::Int(view(a)?.len as i64))),
        ("__getitem__", get_item),
        ("__setitem__", set_item),
        ("__eq__", eq),
        ("__hash__", |a| {
            let m = view(a)?;
            if m.obj.mutable {
                return Err(ex::value_error("cannot hash writable memoryview object"));
            }
            Ok(Value::Int(crate::object::hash::hash_bytes(&m.bytes())))
        }),
        ("__repr__", |a| {
            let m = released(a)?;
            let word = if m.released { "released memory" } else { "memory" };
            Ok(Value::str(format!("<{} at {}>", word, addr(&a.pos[0]))))
        }),
    ];
    for &(name, f) in methods {
        method(class, name, f);
    }
    let properties: &[(&'static str, NativeFn)] = &[
        ("nbytes", |a| Ok(Value::Int(view(a)?.len as i64))),
        ("readonly", |a| Ok(Value::Bool(!view(a)?.obj.mutable))),
        ("obj", |a| Ok(Value::Bytes(view(a)?.obj.clone()))),
        ("format", |a| view(a).map(|_| Value::str("B"))),
        ("itemsize", |a| view(a).map(|_| Value::Int(1))),
        ("ndim", |a| view(a).map(|_| Value::Int(1))),
        ("shape", |a| Ok(Value::tuple(vec![Value::Int(view(a)?.len as i64)]))),
        ("strides", |a| Ok(Value::tuple(vec![Value::Int(view(a)?.step as i64)]))),
        ("contiguous", |a| Ok(Value::Bool(view(a)?.step == 1))),
        ("c_contiguous", |a| Ok(Value::Bool(view(a)?.step == 1))),
        ("f_contiguous", |a| Ok(Value::Bool(view(a)?.step == 1))),
    ];
    crate::modules::classes::add_properties(class, properties);
}

fn make(m: MemoryView) -> Value {
    crate::modules::classes::native_instance(types().memoryview.clone(), m)
}

fn new(a: &Args) -> PyResult {
    // A native class's constructor is passed the class first.
    let pos = match a.pos {
        [Value::Class(_), rest @ ..] => rest,
        all => all,
    };
    let obj = match (pos, a.kw) {
        ([v], []) => v.clone(),
        ([], [(k, v)]) if k.as_str() == "object" => v.clone(),
        _ => return Err(type_error("memoryview() takes exactly one argument")),
    };
    match &obj {
        Value::Bytes(b) => {
            let len = b.data.borrow().len();
            Ok(make(MemoryView { obj: b.clone(), start: 0, step: 1, len, released: false }))
        }
        Value::Instance(inst) if inst.native::<MemoryView>().is_some() => {
            let m = live(inst.native::<MemoryView>().expect("a memoryview"))?;
            Ok(make(MemoryView { obj: m.obj.clone(), start: m.start, step: m.step, len: m.len, released: false }))
        }
        other => Err(type_error(format!("memoryview: a bytes-like object is required, not '{}'", type_name(other)))),
    }
}

/// The view a method was called on, released or not.
fn released<'a>(a: &'a Args) -> PyResult<RefMut<'a, MemoryView>> {
    match a.pos.first() {
        Some(Value::Instance(inst)) => inst.native::<MemoryView>(),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires a 'memoryview' object"))
}

fn live(m: RefMut<'_, MemoryView>) -> PyResult<RefMut<'_, MemoryView>> {
    if m.released {
        return Err(ex::value_error("operation forbidden on released memoryview object"));
    }
    Ok(m)
}

/// The view a method was called on, which must not be released.
fn view<'a>(a: &'a Args) -> PyResult<RefMut<'a, MemoryView>> {
    live(released(a)?)
}

fn key_arg<'a>(a: &'a Args) -> PyResult<&'a Value> {
    a.pos.get(1).ok_or_else(|| type_error("expected at least 1 argument"))
}

fn get_item(a: &Args) -> PyResult {
    let m = view(a)?;
    match key_arg(a)? {
        Value::Slice(s) => {
            let (start, stop, step) = slice_indices(s, m.len)?;
            let len = if step > 0 {
                (stop - start).max(0).div_euclid(step) + ((stop - start).max(0) % step != 0) as i64
            } else {
                (start - stop).max(0).div_euclid(-step) + ((start - stop).max(0) % -step != 0) as i64
            };
            let first = if len > 0 { m.position(start as usize) } else { m.start };
            Ok(make(MemoryView {
                obj: m.obj.clone(),
                start: first,
                step: m.step * step as isize,
                len: len as usize,
                released: false,
            }))
        }
        key @ (Value::Int(_) | Value::Bool(_)) => {
            let i = norm_index(index_arg(key)?, m.len)
                .ok_or_else(|| ex::index_error("index out of bounds on dimension 1"))?;
            let data = m.obj.data.borrow();
            data.get(m.position(i))
                .map(|&b| Value::Int(b as i64))
                .ok_or_else(|| ex::index_error("index out of bounds on dimension 1"))
        }
        _ => Err(type_error("memoryview: invalid slice key")),
    }
}

fn set_item(a: &Args) -> PyResult {
    let m = view(a)?;
    if !m.obj.mutable {
        return Err(type_error("cannot modify read-only memory"));
    }
    let value = a.pos.get(2).ok_or_else(|| type_error("expected 2 arguments"))?;
    let positions: Vec<usize> = match key_arg(a)? {
        Value::Slice(s) => {
            let (start, stop, step) = slice_indices(s, m.len)?;
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i < stop) || (step < 0 && i > stop) {
                out.push(m.position(i as usize));
                i += step;
            }
            let Some(new) = buffer(value) else {
                return Err(type_error(format!("a bytes-like object is required, not '{}'", type_name(value))));
            };
            if new.len() != out.len() {
                return Err(ex::value_error("memoryview assignment: lvalue and rvalue have different structures"));
            }
            let mut data = m.obj.data.borrow_mut();
            for (p, b) in out.into_iter().zip(new) {
                if let Some(slot) = data.get_mut(p) {
                    *slot = b;
                }
            }
            return Ok(Value::None);
        }
        key @ (Value::Int(_) | Value::Bool(_)) => {
            let i = norm_index(index_arg(key)?, m.len)
                .ok_or_else(|| ex::index_error("index out of bounds on dimension 1"))?;
            vec![m.position(i)]
        }
        _ => return Err(type_error("memoryview: invalid slice key")),
    };
    let byte = match value {
        Value::Int(_) | Value::Bool(_) => u8::try_from(index_arg(value)?).ok(),
        _ => None,
    }
    .ok_or_else(|| ex::value_error("memoryview: invalid value for format 'B'"))?;
    if let Some(slot) = m.obj.data.borrow_mut().get_mut(positions[0]) {
        *slot = byte;
    }
    Ok(Value::None)
}

fn eq(a: &Args) -> PyResult {
    let m = released(a)?;
    let other = a.pos.get(1).ok_or_else(|| type_error("expected 1 argument"))?;
    if m.released {
        return Ok(Value::Bool(a.pos[0].is(other)));
    }
    let mine = m.bytes();
    drop(m);
    Ok(match buffer(other) {
        Some(theirs) => Value::Bool(mine == theirs),
        None => Value::NotImplemented,
    })
}
