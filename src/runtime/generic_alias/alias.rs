//! `types.GenericAlias`: what subscripting a builtin generic class gives (`list[int]`,
//! `dict[str, tuple[int, ...]]`). It keeps `__origin__`, `__args__` and `__parameters__`,
//! shows as the source spells it, calls its origin, stands for the origin as a base class,
//! substitutes type variables (`dict[str, T][int]`), and refuses `isinstance` checks.

use super::{collect_parameters, field, items, subscript, type_repr};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol;
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

thread_local! {
    static CLASS: Rc<Class> = make_class();
}

pub fn class() -> Rc<Class> {
    CLASS.with(|c| c.clone())
}

/// The builtin classes that `cls[...]` makes a `GenericAlias` of, as in CPython.
pub fn is_generic_class(c: &Rc<Class>) -> bool {
    let t = types();
    [&t.list, &t.dict, &t.tuple, &t.set, &t.frozenset, &t.type_].into_iter().any(|g| Rc::ptr_eq(g, c))
}

/// `origin[args]`: a new alias (a tuple key gives several arguments).
pub fn generic_alias(origin: Value, args: &Value) -> Value {
    let args = match args {
        Value::Tuple(_) => args.clone(),
        other => Value::tuple(vec![other.clone()]),
    };
    let inst = Instance::new(class());
    let params = collect_parameters(&items(&args));
    {
        let mut attrs = inst.attrs.borrow_mut();
        attrs.insert(intern("__origin__"), origin);
        attrs.insert(intern("__args__"), args);
        attrs.insert(intern("__parameters__"), Value::tuple(params));
    }
    Value::Instance(Rc::new(inst))
}

/// The alias a method was called on.
fn this<'a>(a: &'a Args) -> PyResult<&'a Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if Rc::ptr_eq(&i.class, &class()) || i.class.is_subclass(&class()) => Ok(i),
        _ => Err(type_error("descriptor requires a 'types.GenericAlias' object")),
    }
}

fn make_class() -> Rc<Class> {
    let class = native_class("types", "GenericAlias", vec![types().object.clone()]);
    method(&class, "__new__", |a| {
        check_args(a, "GenericAlias", 3, 3)?;
        Ok(generic_alias(a.pos[1].clone(), &a.pos[2]))
    });
    method(&class, "__repr__", |a| {
        let me = this(a)?.clone();
        run_async(|ctx| async move {
            let mut s = type_repr(&ctx, &field(&me, "__origin__")).await?;
            let args = items(&field(&me, "__args__"));
            s.push('[');
            if args.is_empty() {
                s.push_str("()");
            }
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&type_repr(&ctx, arg).await?);
            }
            s.push(']');
            Ok(Value::str(s))
        })
    });
    method(&class, "__eq__", |a| {
        check_args(a, "__eq__", 2, 2)?;
        let me = this(a)?.clone();
        let Value::Instance(other) = &a.pos[1] else { return Ok(Value::NotImplemented) };
        if !Rc::ptr_eq(&other.class, &me.class) {
            return Ok(Value::NotImplemented);
        }
        let other = other.clone();
        run_async(|ctx| async move {
            let same = protocol::eq(&ctx, &field(&me, "__origin__"), &field(&other, "__origin__")).await?
                && protocol::eq(&ctx, &field(&me, "__args__"), &field(&other, "__args__")).await?;
            Ok(Value::Bool(same))
        })
    });
    method(&class, "__hash__", |a| {
        let me = this(a)?.clone();
        run_async(|ctx| async move {
            let h = protocol::hash(&ctx, &field(&me, "__origin__")).await?
                ^ protocol::hash(&ctx, &field(&me, "__args__")).await?;
            Ok(Value::Int(if h == -1 { -2 } else { h }))
        })
    });
    method(&class, "__call__", |a| {
        let me = this(a)?.clone();
        let (args, kw) = (a.pos[1..].to_vec(), a.kw.to_vec());
        run_async(|ctx| async move {
            let made = ctx.call_kw(field(&me, "__origin__"), args, kw).await?;
            // As CPython: the instance remembers its alias where it can take attributes.
            if let Value::Instance(i) = &made {
                let _ = crate::vm::set_attr(&Value::Instance(i.clone()), intern("__orig_class__"), Value::Instance(me));
            }
            Ok(made)
        })
    });
    method(&class, "__getitem__", |a| {
        subscript(a, this, |me, new_args| Ok(generic_alias(field(me, "__origin__"), &Value::tuple(new_args))))
    });
    method(&class, "__mro_entries__", |a| {
        check_args(a, "__mro_entries__", 2, 2)?;
        Ok(Value::tuple(vec![field(this(a)?, "__origin__")]))
    });
    method(&class, "__instancecheck__", |_| {
        Err(type_error("isinstance() argument 2 cannot be a parameterized generic"))
    });
    method(&class, "__subclasscheck__", |_| {
        Err(type_error("issubclass() argument 2 cannot be a parameterized generic"))
    });
    method(&class, "__or__", |a| {
        check_args(a, "__or__", 2, 2)?;
        super::union::union_of(&a.pos[0], &a.pos[1])
    });
    method(&class, "__ror__", |a| {
        check_args(a, "__ror__", 2, 2)?;
        super::union::union_of(&a.pos[1], &a.pos[0])
    });
    // Other attributes are the origin's (`list[int].__name__` is 'list').
    method(&class, "__getattr__", |a| {
        check_args(a, "__getattr__", 2, 2)?;
        let me = this(a)?;
        let name = a.pos[1].as_str().unwrap_or("");
        let special = name.starts_with("__") && name.ends_with("__");
        if special && !matches!(name, "__name__" | "__qualname__" | "__module__" | "__doc__") {
            return Err(crate::runtime::exceptions::attribute_error(format!(
                "'types.GenericAlias' object has no attribute '{}'",
                name
            )));
        }
        crate::vm::get_attr(&field(me, "__origin__"), intern(name))
    });
    // The methods are in: let attribute lookups see its hooks (`__getattr__`, ...).
    class.settle_attr_rules();
    class
}
