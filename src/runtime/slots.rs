//! `__slots__`: a class whose every class (but `object`) names its instance attributes in
//! `__slots__` gives its instances no `__dict__`, and setting any other name fails.

use crate::intern::{intern, Symbol};
use crate::object::class::{Attrs, Class, Layout};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

/// The names instances of a new class may have, or None when they have a `__dict__` (some
/// class in `mro` has no `__slots__`, or `__dict__` is one of them). `attrs` is the new
/// class's namespace; a slot that is also a class variable is CPython's ValueError.
pub fn fixed_attrs(attrs: &Attrs, mro: &[Rc<Class>]) -> PyResult<Option<Box<[Symbol]>>> {
    let Some(own) = attrs.get(&intern("__slots__")) else { return Ok(None) };
    let own = slot_list(own)?;
    for name in &own {
        if attrs.contains_key(name) {
            return Err(value_error(format!("'{}' in __slots__ conflicts with class variable", name)));
        }
    }
    let object = &types().object;
    let mut names = own;
    // Instances of `object` and of the builtin types (tuple, int, ...) have no `__dict__`.
    for c in mro.iter().filter(|c| !Rc::ptr_eq(c, object) && c.layout != Layout::Builtin) {
        match &c.fixed_attrs {
            Some(inherited) => names.extend(inherited.iter().copied()),
            None => return Ok(None),
        }
    }
    if names.iter().any(|n| n.as_str() == "__dict__") {
        return Ok(None);
    }
    Ok(Some(names.into_boxed_slice()))
}

/// The names a `__slots__` value gives: one string, or an iterable of strings.
fn slot_list(v: &Value) -> PyResult<Vec<Symbol>> {
    let items = match v {
        Value::Str(_) => vec![v.clone()],
        other => match crate::runtime::protocol::unpack_fast(other, usize::MAX) {
            Some(items) => items?,
            None => return Err(type_error(format!("'{}' object is not iterable", type_name(other)))),
        },
    };
    items
        .iter()
        .map(|item| match item {
            Value::Str(s) if is_identifier(&s.s) => Ok(intern(&s.s)),
            Value::Str(_) => Err(type_error("__slots__ must be identifiers")),
            other => Err(type_error(format!("__slots__ items must be strings, not '{}'", type_name(other)))),
        })
        .collect()
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
}
