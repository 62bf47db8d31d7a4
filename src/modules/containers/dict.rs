//! The `dict` constructor and methods.

use super::{noargs, receiver, varargs};
use crate::intern::{intern, Symbol};
use crate::object::dict::PyDict;
use crate::object::function::{Args, NativeFn, NativeFunction};
use crate::object::{DictViewKind, Wrapper};
use crate::runtime::args::check_args;
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::{key_error, type_error, value_error};
use crate::runtime::protocol::{self, iterate, keys};
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{ops, Flow, PyResult};
use std::rc::Rc;

pub fn install() {
    let t = types();
    constructor(&t.dict, |a| {
        check_args(a, "dict", 0, 1)?;
        let d = Rc::new(PyDict::default());
        let done = Value::Dict(d.clone());
        update_with(d, a.pos.first().cloned(), a.kw, done)
    });
    method(&t.dict, "__init__", |a| {
        let (me, args) = varargs_kw(a, "dict")?;
        update_with(dict_of(me).clone(), args.first().cloned(), a.kw, Value::None)
    });
    for (name, kind) in [("keys", DictViewKind::Keys), ("values", DictViewKind::Values), ("items", DictViewKind::Items)]
    {
        let f: NativeFn = match kind {
            DictViewKind::Keys => |a| dict_view(a, "keys", DictViewKind::Keys),
            DictViewKind::Values => |a| dict_view(a, "values", DictViewKind::Values),
            DictViewKind::Items => |a| dict_view(a, "items", DictViewKind::Items),
        };
        method(&t.dict, name, f);
    }
    method(&t.dict, "get", |a| {
        let (me, args) = varargs(a, &types().dict, "get", 1, 2)?;
        let d = dict_of(me).clone();
        let default = args.get(1).cloned().unwrap_or(Value::None);
        keys::keyed(args[0].clone(), move |k| Ok(Ok(d.get(k)?.unwrap_or_else(|| default.clone()))))
    });
    method(&t.dict, "setdefault", |a| {
        let (me, args) = varargs(a, &types().dict, "setdefault", 1, 2)?;
        let d = dict_of(me).clone();
        let default = args.get(1).cloned().unwrap_or(Value::None);
        keys::keyed(args[0].clone(), move |k| {
            if let Some(v) = d.get(k)? {
                return Ok(Ok(v));
            }
            d.insert(k, &default)?;
            Ok(Ok(default.clone()))
        })
    });
    method(&t.dict, "pop", |a| {
        let (me, args) = varargs(a, &types().dict, "pop", 1, 2)?;
        let d = dict_of(me).clone();
        let default = args.get(1).cloned();
        keys::keyed(args[0].clone(), move |k| {
            Ok(match d.remove(k)? {
                Some(v) => Ok(v),
                None => default.clone().ok_or_else(|| key_error(k.value.clone())),
            })
        })
    });
    method(&t.dict, "popitem", |a| {
        let me = noargs(a, &types().dict, "popitem")?;
        let popped = dict_of(me).map.borrow_mut().pop();
        match popped {
            Some((k, v)) => Ok(Value::tuple(vec![k.value, v])),
            None => Err(key_error(Value::str("popitem(): dictionary is empty"))),
        }
    });
    method(&t.dict, "update", |a| {
        let (me, args) = varargs_kw(a, "update")?;
        update_with(dict_of(me).clone(), args.first().cloned(), a.kw, Value::None)
    });
    method(&t.dict, "copy", |a| {
        let me = noargs(a, &types().dict, "copy")?;
        let d = PyDict { map: std::cell::RefCell::new(dict_of(me).map.borrow().clone()) };
        Ok(Value::Dict(Rc::new(d)))
    });
    method(&t.dict, "clear", |a| {
        let me = noargs(a, &types().dict, "clear")?;
        let old = std::mem::take(&mut *dict_of(me).map.borrow_mut());
        drop(old);
        Ok(Value::None)
    });
    // `dict.fromkeys` is a classmethod: through the class or an instance, it gets the class.
    let fromkeys =
        Value::Native(Rc::new(NativeFunction { name: "fromkeys", owner: Some("dict"), func: dict_fromkeys }));
    t.dict.attrs.borrow_mut().insert(intern("fromkeys"), Value::Wrapper(Rc::new(Wrapper::ClassMethod(fromkeys))));
}

fn dict_of(v: &Value) -> &Rc<PyDict> {
    match v {
        Value::Dict(d) => d,
        _ => unreachable!("receiver checked as a dict"),
    }
}

fn dict_view(a: &Args, name: &str, kind: DictViewKind) -> PyResult {
    let me = noargs(a, &types().dict, name)?;
    Ok(Value::Wrapper(Rc::new(Wrapper::DictView { kind, dict: dict_of(me).clone() })))
}

/// The receiver and the positional arguments (at most one) of `update` and `__init__`,
/// which take keyword arguments too.
fn varargs_kw<'a>(a: &'a Args, name: &str) -> PyResult<(&'a Value, &'a [Value])> {
    let me = receiver(a, &types().dict, name)?;
    check_args(&Args { pos: &a.pos[1..], kw: &[] }, name, 0, 1)?;
    Ok((me, &a.pos[1..]))
}

/// Adds the items of `src` (see `update_from`) and then the keyword arguments to `d`;
/// produces `done` once finished.
fn update_with(d: Rc<PyDict>, src: Option<Value>, kw: &[(Symbol, Value)], done: Value) -> PyResult {
    if kw.is_empty() {
        match &src {
            None => return Ok(done),
            Some(Value::Dict(other)) => return copy_into(&d, other, done),
            _ => {}
        }
    }
    let kw = kw.to_vec();
    run_async(|ctx| async move {
        if let Some(src) = src {
            update_from(&ctx, &d, src).await?;
        }
        update_kwargs(&ctx, &d, kw).await?;
        Ok(done)
    })
}

/// Inserts the items of `src` into `d`, then evaluates to `result`.
fn copy_into(d: &Rc<PyDict>, src: &PyDict, result: Value) -> PyResult {
    let pairs = src.map.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    keys::dict_extend(d, pairs, result)
}

/// `d.update(src)` for one positional argument: a dict, a mapping with `keys()`, or an
/// iterable of key/value pairs.
pub async fn update_from(ctx: &Ctx, d: &Rc<PyDict>, src: Value) -> PyResult<()> {
    if let Value::Dict(other) = &src {
        return ctx.resolve(copy_into(d, other, Value::None)).await.map(|_| ());
    }
    if let Value::Instance(_) = &src {
        let keys = match crate::vm::get_attr(&src, intern("keys")) {
            Err(Flow::Raise(e)) if crate::runtime::exceptions::is_instance_of(&e, ExcType::AttributeError) => None,
            r => Some(ctx.resolve(r).await?),
        };
        if let Some(keys) = keys {
            let keys = ctx.call(keys, Vec::new()).await?;
            for k in iterate(ctx, &keys).await? {
                let v = ctx.resolve(ops::get_item(&src, &k)).await?;
                keys::dict_set(ctx, d, k, v).await?;
            }
            return Ok(());
        }
    }
    let it = ctx.resolve(protocol::get_iter(&src)).await?;
    let mut i = 0;
    while let Some(item) = protocol::next_item(ctx, &it).await? {
        let pair = match &item {
            Value::Tuple(t) => t.items.to_vec(),
            Value::List(l) => l.items.borrow().clone(),
            _ => match protocol::get_iter(&item) {
                Err(Flow::Raise(_)) => {
                    return Err(type_error(format!(
                        "cannot convert dictionary update sequence element #{} to a sequence",
                        i
                    )))
                }
                r => {
                    let it = ctx.resolve(r).await?;
                    let mut out = Vec::new();
                    while let Some(x) = protocol::next_item(ctx, &it).await? {
                        out.push(x);
                    }
                    out
                }
            },
        };
        if pair.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{} has length {}; 2 is required",
                i,
                pair.len()
            )));
        }
        let mut pair = pair.into_iter();
        let (k, v) = (pair.next().expect("key"), pair.next().expect("value"));
        keys::dict_set(ctx, d, k, v).await?;
        i += 1;
    }
    Ok(())
}

async fn update_kwargs(ctx: &Ctx, d: &PyDict, kw: Vec<(Symbol, Value)>) -> PyResult<()> {
    for (k, v) in kw {
        keys::dict_set(ctx, d, Value::str(k.as_str()), v).await?;
    }
    Ok(())
}

/// `dict.fromkeys(iterable, value=None)`; `pos[0]` is the class it was looked up on.
fn dict_fromkeys(a: &Args) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else { return Err(type_error("dict.fromkeys() needs a class")) };
    if !a.kw.is_empty() {
        return Err(type_error("dict.fromkeys() takes no keyword arguments"));
    }
    let rest = &a.pos[1..];
    check_args(&Args { pos: rest, kw: &[] }, "fromkeys", 1, 2)?;
    let (cls, src) = (cls.clone(), rest[0].clone());
    let value = rest.get(1).cloned().unwrap_or(Value::None);
    run_async(|ctx| async move {
        let keys = iterate(&ctx, &src).await?;
        if Rc::ptr_eq(&cls, &types().dict) {
            let d = PyDict::default();
            for k in keys {
                keys::dict_set(&ctx, &d, k, value.clone()).await?;
            }
            return Ok(Value::Dict(Rc::new(d)));
        }
        let obj = ctx.call(Value::Class(cls), Vec::new()).await?;
        for k in keys {
            ctx.resolve(ops::set_item(&obj, k, value.clone()).map(|_| Value::None)).await?;
        }
        Ok(obj)
    })
}
