//! `types.UnionType`: what `X | Y` gives for types (`int | None`). Its `__args__` are the
//! members, flattened and without repeats (None stands as `NoneType`); it shows as
//! `int | None`, compares equal regardless of order, and `isinstance`/`issubclass` accept it.

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

fn is_union(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if Rc::ptr_eq(&i.class, &class()))
}

/// What `X | Y` may join: None, classes, generic aliases and unions.
fn is_unionable(v: &Value) -> bool {
    match v {
        Value::None | Value::Class(_) => true,
        Value::Instance(i) => Rc::ptr_eq(&i.class, &class()) || Rc::ptr_eq(&i.class, &super::alias::class()),
        _ => false,
    }
}

/// `a | b` for the VM when either operand is a class: a union, or None when the operands
/// cannot be joined (the caller reports the unsupported operand types).
pub fn type_or(a: &Value, b: &Value) -> Option<PyResult> {
    (is_unionable(a) && is_unionable(b)).then(|| union_of(a, b))
}

/// `a | b` as `type.__or__` computes it: NotImplemented for operands it cannot join.
pub fn union_of(a: &Value, b: &Value) -> PyResult {
    if !is_unionable(a) || !is_unionable(b) {
        return Ok(Value::NotImplemented);
    }
    let mut members: Vec<Value> = Vec::new();
    for v in [a, b] {
        let parts = if is_union(v) {
            let Value::Instance(i) = v else { unreachable!() };
            items(&field(i, "__args__"))
        } else {
            vec![v.clone()]
        };
        for p in parts {
            let p = if p.is_none() { Value::Class(types().none.clone()) } else { p };
            if !members.iter().any(|m| m.is(&p)) {
                members.push(p);
            }
        }
    }
    Ok(make_union(members))
}

/// The union of `members` (already flat and distinct); a single member is itself.
fn make_union(members: Vec<Value>) -> Value {
    if members.len() == 1 {
        return members.into_iter().next().expect("one member");
    }
    let inst = Instance::new(class());
    let params = collect_parameters(&members);
    {
        let mut attrs = inst.attrs.borrow_mut();
        attrs.insert(intern("__args__"), Value::tuple(members));
        attrs.insert(intern("__parameters__"), Value::tuple(params));
    }
    Value::Instance(Rc::new(inst))
}

fn this<'a>(a: &'a Args) -> PyResult<&'a Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if Rc::ptr_eq(&i.class, &class()) => Ok(i),
        _ => Err(type_error("descriptor requires a 'types.UnionType' object")),
    }
}

fn make_class() -> Rc<Class> {
    let class = native_class("types", "UnionType", vec![types().object.clone()]);
    method(&class, "__new__", |_| Err(type_error("cannot create 'types.UnionType' instances")));
    method(&class, "__repr__", |a| {
        let me = this(a)?.clone();
        run_async(|ctx| async move {
            let mut parts = Vec::new();
            for arg in items(&field(&me, "__args__")) {
                parts.push(type_repr(&ctx, &arg).await?);
            }
            Ok(Value::str(parts.join(" | ")))
        })
    });
    method(&class, "__eq__", |a| {
        check_args(a, "__eq__", 2, 2)?;
        let me = this(a)?;
        let Value::Instance(other) = &a.pos[1] else { return Ok(Value::NotImplemented) };
        if !Rc::ptr_eq(&other.class, &me.class) {
            return Ok(Value::NotImplemented);
        }
        let (mine, theirs) = (items(&field(me, "__args__")), items(&field(other, "__args__")));
        let covers = |x: &[Value], y: &[Value]| x.iter().all(|v| y.iter().any(|w| w.is(v)));
        Ok(Value::Bool(covers(&mine, &theirs) && covers(&theirs, &mine)))
    });
    // As hash(frozenset(args)), so it matches typing.Union's.
    method(&class, "__hash__", |a| {
        let args = items(&field(this(a)?, "__args__"));
        let set = protocol::make_set(args, true)?;
        run_async(|ctx| async move { Ok(Value::Int(protocol::hash(&ctx, &set).await?)) })
    });
    method(&class, "__or__", |a| {
        check_args(a, "__or__", 2, 2)?;
        union_of(&a.pos[0], &a.pos[1])
    });
    method(&class, "__ror__", |a| {
        check_args(a, "__ror__", 2, 2)?;
        union_of(&a.pos[1], &a.pos[0])
    });
    method(&class, "__instancecheck__", |a| member_check(a, "isinstance"));
    method(&class, "__subclasscheck__", |a| member_check(a, "issubclass"));
    method(&class, "__getitem__", |a| {
        subscript(a, this, |_, new_args| {
            let mut result = new_args[0].clone();
            for arg in &new_args[1..] {
                result = match union_of(&result, arg)? {
                    Value::NotImplemented => return Err(type_error("unsupported operand type(s) for |")),
                    joined => joined,
                };
            }
            Ok(result)
        })
    });
    // The methods are in: let attribute lookups see its hooks (`__getattr__`, ...).
    class.settle_attr_rules();
    class
}

/// `isinstance(obj, X | Y)`: `isinstance(obj, (X, Y))`, refusing parameterized generics.
fn member_check(a: &Args, check: &'static str) -> PyResult {
    check_args(a, check, 2, 2)?;
    let args = items(&field(this(a)?, "__args__"));
    if args.iter().any(|m| !matches!(m, Value::Class(_))) {
        return Err(type_error(format!("{}() argument 2 cannot be a parameterized generic", check)));
    }
    let pos = [a.pos[1].clone(), Value::tuple(args)];
    let inner = Args { pos: &pos, kw: &[] };
    if check == "isinstance" {
        crate::runtime::protocol::class_check::isinstance(&inner)
    } else {
        crate::runtime::protocol::class_check::issubclass(&inner)
    }
}
