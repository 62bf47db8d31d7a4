//! `GenericAlias` (`list[int]`) and `UnionType` (`int | None`): the types the interpreter
//! makes itself when a class is subscripted or two types are or-ed, and what they share.

pub mod alias;
pub mod union;

pub use alias::{generic_alias, is_generic_class};
pub use union::{type_or, union_of};

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::instance::Instance;
use crate::runtime::protocol;
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::PyResult;
use std::rc::Rc;

/// How a type shows inside `list[...]` or `X | Y`: a class by its qualified name (no module
/// for builtins), None as `None`, `...` as itself, anything else by its repr.
async fn type_repr(ctx: &Ctx, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::Class(c) if c.module == crate::intern::sym::BUILTINS => {
            if Rc::ptr_eq(c, &crate::runtime::types().none) {
                "None".to_string()
            } else {
                c.qualname().clone()
            }
        }
        Value::Class(c) => format!("{}.{}", c.module, c.qualname()),
        Value::None => "None".to_string(),
        Value::Ellipsis => "...".to_string(),
        other => protocol::repr(ctx, other).await?,
    })
}

/// An attribute kept in an alias's own table (`__origin__`, `__args__`, ...).
fn field(inst: &Instance, name: &str) -> Value {
    inst.attrs.borrow().get(&intern(name)).unwrap_or(Value::None)
}

/// The items of a tuple value (empty for anything else).
fn items(v: &Value) -> Vec<Value> {
    match v {
        Value::Tuple(t) => t.items.to_vec(),
        _ => Vec::new(),
    }
}

/// Whether `v` is a type variable of `typing` (`TypeVar`, `ParamSpec`, `TypeVarTuple`).
fn is_type_var(v: &Value) -> bool {
    let Value::Instance(i) = v else { return false };
    i.class.full_mro().iter().any(|c: &Rc<Class>| {
        c.module.as_str() == "typing" && matches!(c.name.as_str(), "TypeVar" | "ParamSpec" | "TypeVarTuple")
    })
}

/// The type variables `args` mention, each once, in order of first appearance: the
/// variables themselves and those of aliases among them (their `__parameters__`).
fn collect_parameters(args: &[Value]) -> Vec<Value> {
    let mut params: Vec<Value> = Vec::new();
    let mut add = |p: &Value| {
        if !params.iter().any(|q| q.is(p)) {
            params.push(p.clone());
        }
    };
    for a in args {
        if is_type_var(a) {
            add(a);
        } else if let Value::Instance(i) = a {
            if let Some(Value::Tuple(t)) = i.attrs.borrow().get(&intern("__parameters__")) {
                t.items.iter().for_each(&mut add);
            }
        }
    }
    params
}

/// `alias[items]` of a generic alias or union `alias`: its `__args__` with each of its
/// `__parameters__` replaced by the matching item (also in the aliases among them), with
/// CPython's errors for a wrong number of items.
async fn substitute(ctx: &Ctx, alias: &Rc<Instance>, key: &Value) -> PyResult<Vec<Value>> {
    use crate::runtime::exceptions::type_error;
    let (params, args) = (items(&field(alias, "__parameters__")), items(&field(alias, "__args__")));
    let me = &Value::Instance(alias.clone());
    if params.is_empty() {
        let shown = protocol::repr(ctx, me).await?;
        return Err(type_error(format!("{} is not a generic class", shown)));
    }
    let given = match key {
        Value::Tuple(t) => t.items.to_vec(),
        other => vec![other.clone()],
    };
    if given.len() != params.len() {
        let shown = protocol::repr(ctx, me).await?;
        let many = if given.len() > params.len() { "many" } else { "few" };
        return Err(type_error(format!(
            "Too {} arguments for {}; actual {}, expected {}",
            many,
            shown,
            given.len(),
            params.len()
        )));
    }
    let replace = |p: &Value| params.iter().position(|q| q.is(p)).map_or(p.clone(), |i| given[i].clone());
    let mut out = Vec::with_capacity(args.len());
    for a in &args {
        if params.iter().any(|p| p.is(a)) {
            out.push(replace(a));
            continue;
        }
        let inner = match a {
            Value::Instance(i) => match i.attrs.borrow().get(&intern("__parameters__")) {
                Some(Value::Tuple(t)) if !t.items.is_empty() => Some(t.items.to_vec()),
                _ => None,
            },
            _ => None,
        };
        match inner {
            Some(inner) => {
                let sub: Vec<Value> = inner.iter().map(replace).collect();
                let key = if sub.len() == 1 { sub[0].clone() } else { Value::tuple(sub) };
                out.push(ctx.resolve(crate::vm::ops::get_item(a, &key)).await?);
            }
            None => out.push(a.clone()),
        }
    }
    Ok(out)
}

/// `alias[key]` of a GenericAlias or UnionType (`this` checks the receiver): its arguments
/// with the type variables in them substituted by `key`, made into the result by `make`.
fn subscript(
    a: &crate::object::function::Args,
    this: for<'a> fn(&'a crate::object::function::Args) -> PyResult<&'a Rc<Instance>>,
    make: fn(&Rc<Instance>, Vec<Value>) -> PyResult,
) -> PyResult {
    crate::runtime::args::check_args(a, "__getitem__", 2, 2)?;
    let me = this(a)?.clone();
    let key = a.pos[1].clone();
    crate::vm::native::run_async(|ctx| async move {
        let new_args = substitute(&ctx, &me, &key).await?;
        make(&me, new_args)
    })
}
