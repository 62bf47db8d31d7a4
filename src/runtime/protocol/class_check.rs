//! `isinstance` and `issubclass`, with the `__instancecheck__` / `__subclasscheck__` hooks
//! of metaclasses (abc.ABCMeta) and of objects standing for classes (unions, typing aliases).

use crate::intern::sym;
use crate::object::function::Args;
use crate::runtime::args::check_args;
use crate::runtime::exceptions::type_error;
use crate::runtime::{protocol, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;

/// Whether `v` is an instance of the class (or tuple of classes) `cls`.
pub fn is_instance(v: &Value, cls: &Value) -> PyResult<bool> {
    match cls {
        Value::Class(c) => Ok(types().class_of(v).is_subclass(c)),
        Value::Tuple(t) => {
            for c in t.items.iter() {
                if is_instance(v, c)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
    }
}

pub fn isinstance(a: &Args) -> PyResult {
    check_args(a, "isinstance", 2, 2)?;
    if let Some(r) = metaclass_check(&a.pos[0], &a.pos[1], sym::INSTANCECHECK) {
        return r;
    }
    Ok(Value::Bool(is_instance(&a.pos[0], &a.pos[1])?))
}

/// `isinstance`/`issubclass` against classes whose metaclass defines `__instancecheck__` /
/// `__subclasscheck__` (abc.ABCMeta does), or objects whose class does: the hook decides,
/// each item of a tuple in turn.
/// None when no class involved has the hook.
fn metaclass_check(v: &Value, cls: &Value, hook: crate::intern::Symbol) -> Option<PyResult> {
    // The hook is looked up on the type of the second argument: a class's metaclass, or
    // the class of an object such as typing's aliases.
    let hook_of = |c: &Value| match c {
        Value::Class(c) => c.metaclass.as_ref().and_then(|m| m.lookup(hook)),
        Value::Instance(i) => i.class.lookup(hook),
        _ => None,
    };
    // The common case (no hooks anywhere) must not allocate: `isinstance` is hot.
    let hooked = match cls {
        Value::Tuple(t) => t.items.iter().any(|c| hook_of(c).is_some()),
        other => hook_of(other).is_some(),
    };
    if !hooked {
        return None;
    }
    let classes = match cls {
        Value::Tuple(t) => t.items.to_vec(),
        other => vec![other.clone()],
    };
    let v = v.clone();
    let hooks: Vec<Option<Value>> = classes.iter().map(hook_of).collect();
    Some(run_async(move |ctx| async move {
        for (c, h) in classes.iter().zip(hooks) {
            let found = match h {
                Some(h) => {
                    let r = ctx.call(h, vec![c.clone(), v.clone()]).await?;
                    protocol::truthy(&ctx, &r).await?
                }
                None if hook == sym::INSTANCECHECK => is_instance(&v, c)?,
                None => {
                    let Value::Class(sub) = &v else { return Err(type_error("issubclass() arg 1 must be a class")) };
                    match c {
                        Value::Class(p) => sub.is_subclass(p),
                        _ => {
                            return Err(type_error(
                                "issubclass() arg 2 must be a class, a tuple of classes, or a union",
                            ))
                        }
                    }
                }
            };
            if found {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    }))
}

pub fn issubclass(a: &Args) -> PyResult {
    check_args(a, "issubclass", 2, 2)?;
    if let Some(r) = metaclass_check(&a.pos[0], &a.pos[1], sym::SUBCLASSCHECK) {
        return r;
    }
    let Value::Class(c) = &a.pos[0] else { return Err(type_error("issubclass() arg 1 must be a class")) };
    let check = |x: &Value| match x {
        Value::Class(p) => Ok(c.is_subclass(p)),
        _ => Err(type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union")),
    };
    match &a.pos[1] {
        Value::Tuple(t) => {
            for x in t.items.iter() {
                if check(x)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        other => Ok(Value::Bool(check(other)?)),
    }
}
