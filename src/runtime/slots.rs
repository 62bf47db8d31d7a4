//! `__slots__`: a class whose every class (but `object`) names its instance attributes in
//! `__slots__` gives its instances no `__dict__`, and setting any other name fails. Each
//! name is a member descriptor on its class (`Wrapper::Member`), keeping the value in the
//! instance's members, apart from its `__dict__` (which a subclass without `__slots__` has).

use crate::intern::{intern, Symbol};
use crate::object::class::{Attrs, Class, Layout};
use crate::object::Wrapper;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

/// Puts a member descriptor for each of a new class's own `__slots__` names (but `__dict__`
/// and `__weakref__`) in its namespace, numbered after the members its bases' instances have.
pub fn install_members(class: &Rc<Class>) -> PyResult<()> {
    let mut laid_out = class.bases.iter().map(member_count).filter(|&n| n > 0);
    let first = laid_out.next().unwrap_or(0);
    if laid_out.next().is_some() {
        return Err(type_error("multiple bases have instance lay-out conflict"));
    }
    let names = own_slots(&class.attrs.borrow(), class.name.as_str())?;
    let Some(names) = names else { return Ok(()) };
    let mut attrs = class.attrs.borrow_mut();
    let own_members = names.iter().filter(|n| !matches!(n.as_str(), "__dict__" | "__weakref__"));
    for (i, &name) in own_members.enumerate() {
        let member = Wrapper::Member { class: Rc::downgrade(class), name, index: first + i };
        attrs.insert(name, Value::Wrapper(Rc::new(member)));
    }
    Ok(())
}

/// How many members instances of `class` have.
fn member_count(class: &Rc<Class>) -> usize {
    let mut count = 0;
    for c in class.full_mro() {
        for v in c.attrs.borrow().values() {
            if let Value::Wrapper(w) = v {
                if let Wrapper::Member { index, .. } = &**w {
                    count = count.max(index + 1);
                }
            }
        }
    }
    count
}

/// The member `member` of `obj`: its value, or `set` stores one (`Value::Null` deletes it).
/// None when `member` is not a member descriptor.
pub fn member_access(member: &Wrapper, obj: &Value, set: Option<Value>) -> Option<PyResult> {
    let Wrapper::Member { class, name, index } = member else { return None };
    let owner = class.upgrade();
    let inst = match obj {
        Value::Instance(inst) if owner.as_ref().is_some_and(|c| inst.class.is_subclass(c)) => inst,
        _ => {
            let owner = owner.map_or("?", |c| c.name.as_str());
            return Some(Err(type_error(format!(
                "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
                name,
                owner,
                type_name(obj)
            ))));
        }
    };
    let mut attrs = inst.attrs.borrow_mut();
    Some(match set {
        None => {
            let found = attrs.member(*index);
            drop(attrs);
            found.ok_or_else(|| crate::vm::no_attr(obj, *name))
        }
        Some(v) => {
            let deleting = matches!(v, Value::Null);
            let old = attrs.set_member(*index, v);
            drop(attrs);
            match old {
                // Deleting an unset member names just the member, as CPython does.
                None if deleting => Err(crate::runtime::exceptions::attribute_error(name.as_str())),
                _ => Ok(Value::None),
            }
        }
    })
}

/// The names instances of a new class may have, or None when they have a `__dict__` (some
/// class in `mro` has no `__slots__`, or `__dict__` is one of them). `attrs` is the new
/// class's namespace; a slot that is also a class variable is CPython's ValueError.
pub fn fixed_attrs(attrs: &Attrs, class_name: &str, mro: &[Rc<Class>]) -> PyResult<Option<Box<[Symbol]>>> {
    let Some(own) = own_slots(attrs, class_name)? else { return Ok(None) };
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

/// The names the `__slots__` of the namespace `attrs` of the class `class_name` gives, private
/// names mangled as the compiler mangles them (`__x` is `_Class__x`); None without `__slots__`.
fn own_slots(attrs: &Attrs, class_name: &str) -> PyResult<Option<Vec<Symbol>>> {
    let Some(own) = attrs.get(&intern("__slots__")) else { return Ok(None) };
    let names = slot_list(own)?;
    let mangle = |n: Symbol| intern(&crate::compiler::symtable::mangle(Some(class_name), n.as_str()));
    Ok(Some(names.into_iter().map(mangle).collect()))
}

/// The names a `__slots__` value gives: one string, or an iterable of strings.
pub fn slot_list(v: &Value) -> PyResult<Vec<Symbol>> {
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
