//! The descriptor methods of functions, `staticmethod`, `classmethod`, `property` and
//! `__slots__` members, for
//! scripts that call them (`f.__get__(obj, cls)`, `prop.__set__(obj, v)`): attribute lookup
//! itself binds these natively (see `vm::attr`), as CPython's slots do.

use crate::object::function::{Args, BoundMethod};
use crate::object::Wrapper;
use crate::runtime::args::check_args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{attribute_error, type_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    method(&t.function, "__get__", |a| {
        let (f, obj, _) = get_args(a)?;
        Ok(if obj.is_none() { f.clone() } else { bind(obj.clone(), f.clone()) })
    });
    method(&t.staticmethod, "__get__", |a| {
        get_args(a)?;
        wrapped(&a.pos[0], "staticmethod")
    });
    method(&t.classmethod, "__get__", |a| {
        let (_, obj, cls) = get_args(a)?;
        let cls = if cls.is_none() { Value::Class(types().class_of(obj)) } else { cls.clone() };
        Ok(bind(cls, wrapped(&a.pos[0], "classmethod")?))
    });
    method(&t.member_descriptor, "__get__", |a| {
        let (member, obj, _) = get_args(a)?;
        if obj.is_none() {
            return Ok(member.clone());
        }
        member_access(member, obj, None)
    });
    method(&t.member_descriptor, "__set__", |a| {
        check_args(a, "__set__", 3, 3)?;
        member_access(&a.pos[0], &a.pos[1], Some(a.pos[2].clone()))
    });
    method(&t.member_descriptor, "__delete__", |a| {
        check_args(a, "__delete__", 2, 2)?;
        member_access(&a.pos[0], &a.pos[1], Some(Value::Null))
    });
    method(&t.property, "__get__", |a| {
        let (prop, obj, _) = get_args(a)?;
        if obj.is_none() {
            return Ok(prop.clone());
        }
        let [fget, ..] = property_functions(prop, "__get__")?;
        call(fget, vec![obj.clone()], || property_error(prop, obj, "getter"))
    });
    method(&t.property, "__set__", |a| {
        check_args(a, "__set__", 3, 3)?;
        let (prop, obj) = (&a.pos[0], &a.pos[1]);
        let [_, fset, _] = property_functions(prop, "__set__")?;
        call(fset, vec![obj.clone(), a.pos[2].clone()], || property_error(prop, obj, "setter"))
    });
    method(&t.property, "__delete__", |a| {
        check_args(a, "__delete__", 2, 2)?;
        let (prop, obj) = (&a.pos[0], &a.pos[1]);
        let [_, _, fdel] = property_functions(prop, "__delete__")?;
        call(fdel, vec![obj.clone()], || property_error(prop, obj, "deleter"))
    });
}

/// A member descriptor's value of `obj`, or `set` stores one (see `slots::member_access`).
fn member_access(member: &Value, obj: &Value, set: Option<Value>) -> PyResult {
    let Value::Wrapper(w) = member else { return Err(descriptor_mismatch("__get__", "member_descriptor", member)) };
    crate::runtime::slots::member_access(w, obj, set)
        .unwrap_or_else(|| Err(descriptor_mismatch("__get__", "member_descriptor", member)))
}

/// `descriptor.__get__(obj, type=None)`: the descriptor, the object and the type.
fn get_args<'a>(a: &'a Args) -> PyResult<(&'a Value, &'a Value, &'a Value)> {
    check_args(a, "__get__", 2, 3)?;
    let cls = a.pos.get(2).unwrap_or(&Value::None);
    if a.pos[1].is_none() && cls.is_none() {
        return Err(type_error("__get__(None, None) is invalid"));
    }
    Ok((&a.pos[0], &a.pos[1], cls))
}

fn bind(receiver: Value, func: Value) -> Value {
    Value::BoundMethod(Rc::new(BoundMethod { receiver, func }))
}

/// The function a `staticmethod` or `classmethod` wraps.
fn wrapped(v: &Value, kind: &str) -> PyResult {
    match v {
        Value::Wrapper(w) => match &**w {
            Wrapper::StaticMethod(f) | Wrapper::ClassMethod(f) => Ok(f.clone()),
            _ => Err(descriptor_mismatch("__get__", kind, v)),
        },
        _ => Err(descriptor_mismatch("__get__", kind, v)),
    }
}

/// A property's getter, setter and deleter.
fn property_functions(prop: &Value, name: &str) -> PyResult<[Value; 3]> {
    match prop {
        Value::Wrapper(w) => match &**w {
            Wrapper::Property { fget, fset, fdel, .. } => Ok([fget.clone(), fset.clone(), fdel.clone()]),
            _ => Err(descriptor_mismatch(name, "property", prop)),
        },
        _ => Err(descriptor_mismatch(name, "property", prop)),
    }
}

fn descriptor_mismatch(name: &str, kind: &str, v: &Value) -> crate::vm::Flow {
    type_error(format!("descriptor '{}' for '{}' objects doesn't apply to a '{}' object", name, kind, type_name(v)))
}

/// Calls a property's function, or gives `missing()` when it has none.
fn call(f: Value, args: Vec<Value>, missing: impl FnOnce() -> crate::vm::Flow) -> PyResult {
    if f.is_none() {
        return Err(missing());
    }
    run_async(|ctx| async move { ctx.call(f, args).await })
}

/// `property 'x' of 'C' object has no setter`, the property named by its functions'.
fn property_error(prop: &Value, obj: &Value, what: &str) -> crate::vm::Flow {
    let name = property_functions(prop, what)
        .ok()
        .and_then(|fs| fs.iter().find_map(|f| crate::vm::get_attr(f, crate::intern::sym::NAME).ok()))
        .and_then(|n| n.as_str().map(str::to_string));
    missing_accessor(name.as_deref().unwrap_or("?"), obj, what)
}

/// CPython's error for a property without the accessor `what` (getter, setter, deleter).
pub fn missing_accessor(name: &str, obj: &Value, what: &str) -> crate::vm::Flow {
    attribute_error(format!("property '{}' of '{}' object has no {}", name, type_name(obj), what))
}
