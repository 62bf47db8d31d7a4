//! The runtime side of match statements: the tests behind `MatchSequence`, `MatchMapping`,
//! `GetLen`, `MatchKeys`, `CopyDictWithoutKeys` and `MatchClass` (PEP 634's rules, with
//! CPython's messages).

use super::native::run_async;
use super::{get_attr, Flow, PyResult};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::dict::PyDict;
use crate::object::instance::{builtin_value, Instance};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::{self, keys as key_ops};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use std::rc::Rc;

/// Whether a class derives from one of collections.abc's classes of the given names.
fn registers_as(class: &Rc<Class>, names: &[&str]) -> bool {
    class.full_mro().iter().any(|c| c.module.as_str() == "collections.abc" && names.contains(&c.name.as_str()))
}

/// What sequence patterns accept: lists, tuples, ranges and their kind; never str or dicts.
pub fn is_sequence(v: &Value) -> bool {
    match builtin_value(v) {
        Value::List(_) | Value::Tuple(_) | Value::Range(_) => true,
        Value::Instance(inst) => registers_as(&inst.class, &["Sequence", "MutableSequence"]),
        _ => false,
    }
}

/// What mapping patterns accept: dicts and their kind.
pub fn is_mapping(v: &Value) -> bool {
    match builtin_value(v) {
        Value::Dict(_) => true,
        Value::Instance(inst) => registers_as(&inst.class, &["Mapping", "MutableMapping"]),
        _ => false,
    }
}

/// `len(v)`.
pub fn len(v: Value) -> PyResult {
    run_async(|ctx| async move { protocol::len(&ctx, &v).await.map(Value::Int) })
}

fn key_items(keys: &Value) -> Vec<Value> {
    match keys {
        Value::Tuple(t) => t.items.to_vec(),
        _ => Vec::new(),
    }
}

/// The values of `keys` in the mapping `subject` as a tuple, or None if one is missing.
/// Plain dicts are looked up directly; other mappings through their `get`, as CPython does.
pub fn match_keys(subject: Value, keys: Value) -> PyResult {
    run_async(|ctx| async move {
        let keys = key_items(&keys);
        let mut values = Vec::with_capacity(keys.len());
        let mut seen: Vec<Value> = Vec::new();
        let sentinel = Value::Instance(Rc::new(Instance::new(types().object.clone())));
        for key in keys {
            for earlier in &seen {
                if protocol::eq(&ctx, earlier, &key).await? {
                    let r = protocol::repr(&ctx, &key).await?;
                    return Err(value_error(format!("mapping pattern checks duplicate key ({r})")));
                }
            }
            let found = match &subject {
                Value::Dict(d) => {
                    let k = protocol::hash_key(&ctx, key.clone()).await?;
                    key_ops::settle(&ctx, || d.get(&k)).await?
                }
                _ => {
                    let get = ctx.resolve(get_attr(&subject, intern("get"))).await?;
                    let v = ctx.call(get, vec![key.clone(), sentinel.clone()]).await?;
                    (!v.is(&sentinel)).then_some(v)
                }
            };
            let Some(v) = found else { return Ok(Value::None) };
            values.push(v);
            seen.push(key);
        }
        Ok(Value::tuple(values))
    })
}

/// `**rest` of a mapping pattern: a new dict of the subject's items without `keys`.
pub fn dict_without_keys(subject: Value, keys: Value) -> PyResult {
    run_async(|ctx| async move {
        let copy = match builtin_value(&subject) {
            Value::Dict(d) => PyDict { map: std::cell::RefCell::new(d.map.borrow().clone()) },
            _ => match ctx.call(Value::Class(types().dict.clone()), vec![subject.clone()]).await? {
                Value::Dict(d) => PyDict { map: std::cell::RefCell::new(d.map.borrow().clone()) },
                _ => PyDict::default(),
            },
        };
        for key in key_items(&keys) {
            let k = protocol::hash_key(&ctx, key).await?;
            key_ops::settle(&ctx, || copy.remove(&k)).await?;
        }
        Ok(Value::Dict(Rc::new(copy)))
    })
}

/// The builtin types whose single positional sub-pattern matches the subject itself.
fn matches_self(class: &Rc<Class>) -> bool {
    let t = types();
    [&t.bool, &t.int, &t.float, &t.str, &t.list, &t.tuple, &t.dict, &t.set, &t.frozenset]
        .into_iter()
        .any(|b| class.is_subclass(b))
}

/// A class pattern `cls(p0, .., name=q, ..)` with `npos` positional sub-patterns and the
/// keyword names in the tuple `names`: the tuple of the attributes to match the sub-patterns
/// against, or None when the subject is not an instance or lacks an attribute.
pub fn match_class(subject: Value, cls: Value, names: Value, npos: usize) -> PyResult {
    let Value::Class(class) = cls else { return Err(type_error("called match pattern must be a type")) };
    if !types().class_of(&subject).is_subclass(&class) {
        return Ok(Value::None);
    }
    let mut attr_names = Vec::new();
    let mut take_self = false;
    if npos > 0 {
        let allowed = match class.lookup(intern("__match_args__")) {
            Some(Value::Tuple(t)) => {
                attr_names.extend(t.items.iter().take(npos).cloned());
                t.items.len()
            }
            Some(other) => {
                let msg = format!("{}.__match_args__ must be a tuple (got {})", class.name, type_name(&other));
                return Err(type_error(msg));
            }
            None if matches_self(&class) => {
                take_self = true;
                1
            }
            None => 0,
        };
        if allowed < npos {
            let plural = if allowed == 1 { "" } else { "s" };
            let msg = format!("{}() accepts {allowed} positional sub-pattern{plural} ({npos} given)", class.name);
            return Err(type_error(msg));
        }
        if let Some(bad) = attr_names.iter().find(|n| n.as_str().is_none()) {
            return Err(type_error(format!("__match_args__ elements must be strings (got {})", type_name(bad))));
        }
    }
    attr_names.extend(key_items(&names));
    let class_name = class.name;
    run_async(move |ctx| async move {
        let mut attrs = Vec::with_capacity(attr_names.len() + take_self as usize);
        if take_self {
            attrs.push(subject.clone());
        }
        for (i, name) in attr_names.iter().enumerate() {
            let name_str = name.as_str().unwrap_or_default();
            if attr_names[..i].iter().any(|n| n.as_str() == Some(name_str)) {
                let msg = format!("{class_name}() got multiple sub-patterns for attribute '{name_str}'");
                return Err(type_error(msg));
            }
            match ctx.resolve(get_attr(&subject, intern(name_str))).await {
                Ok(v) => attrs.push(v),
                Err(Flow::Raise(e)) if crate::runtime::exceptions::is_instance_of(&e, ExcType::AttributeError) => {
                    return Ok(Value::None)
                }
                Err(flow) => return Err(flow),
            }
        }
        Ok(Value::tuple(attrs))
    })
}
