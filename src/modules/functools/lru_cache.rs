//! `functools._lru_cache_wrapper`, the callable `lru_cache` and `cache` return, natively as
//! in CPython: a hit is one table lookup with no script frame. A miss calls the wrapped
//! function through a continuation and stores what it returns. `lib.coro` copies the wrapped
//! function's name and docs onto the wrapper (`update_wrapper`).

use crate::intern::Symbol;
use crate::object::class::Class;
use crate::object::dict::{hash_value, HashKey, PyDict, Unhashable};
use crate::object::function::{Args, BoundMethod};
use crate::object::instance::{Instance, Payload};
use crate::object::key_eq::Undecided;
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::keys::settle;
use crate::runtime::protocol::{hash_key, unhashable};
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

struct LruCache {
    func: Value,
    /// `None` for an unbounded cache (`maxsize=None`); `Some(0)` caches nothing.
    maxsize: Option<usize>,
    typed: bool,
    /// The named tuple class `cache_info()` returns.
    info_type: Value,
    /// Results by key, least recently used first.
    table: Rc<PyDict>,
    /// Separates positional from keyword arguments in a key; equal only to itself.
    kwd_mark: Value,
    hits: i64,
    misses: i64,
}

fn state(a: &Args, name: &str) -> PyResult<Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if i.native::<LruCache>().is_some() => Ok(i.clone()),
        _ => Err(type_error(format!("descriptor '{}' requires a 'functools._lru_cache_wrapper' object", name))),
    }
}

fn cache(me: &Instance) -> std::cell::RefMut<'_, LruCache> {
    me.native::<LruCache>().expect("checked by state()")
}

pub fn make_class() -> Rc<Class> {
    let class = native_class("functools", "_lru_cache_wrapper", vec![types().object.clone()]);
    method(&class, "__new__", new);
    method(&class, "__call__", call);
    method(&class, "cache_info", |a| {
        check_args(a, "cache_info", 1, 1)?;
        let me = state(a, "cache_info")?;
        let (info_type, fields) = {
            let c = cache(&me);
            let maxsize = c.maxsize.map_or(Value::None, |n| Value::Int(n as i64));
            (
                c.info_type.clone(),
                vec![Value::Int(c.hits), Value::Int(c.misses), maxsize, Value::Int(c.table.len() as i64)],
            )
        };
        run_async(|ctx| async move { ctx.call(info_type, fields).await })
    });
    method(&class, "cache_clear", |a| {
        check_args(a, "cache_clear", 1, 1)?;
        let me = state(a, "cache_clear")?;
        // The old table is dropped after the borrow ends: its values' finalizers may run.
        let table = {
            let mut c = cache(&me);
            c.hits = 0;
            c.misses = 0;
            c.table.clone()
        };
        let old = std::mem::take(&mut *table.map.borrow_mut());
        drop(old); // after the borrow ends
        Ok(Value::None)
    });
    method(&class, "__get__", |a| {
        check_args(a, "__get__", 2, 3)?;
        state(a, "__get__")?;
        if a.pos[1].is_none() {
            return Ok(a.pos[0].clone());
        }
        Ok(Value::BoundMethod(Rc::new(BoundMethod { receiver: a.pos[1].clone(), func: a.pos[0].clone() })))
    });
    class
}

/// `_lru_cache_wrapper(user_function, maxsize, typed, cache_info_type)`.
fn new(a: &Args) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else {
        return Err(type_error("_lru_cache_wrapper.__new__(X): X is not a type object"));
    };
    if !a.kw.is_empty() {
        return Err(type_error("_lru_cache_wrapper() takes no keyword arguments"));
    }
    let [_, func, maxsize, typed, info_type] = a.pos else {
        return Err(type_error(format!("_lru_cache_wrapper expected 4 arguments, got {}", a.pos.len() - 1)));
    };
    if !crate::modules::builtins::is_callable(func) {
        return Err(type_error("the first argument must be callable"));
    }
    let maxsize = match maxsize {
        Value::None => None,
        Value::Int(n) => Some((*n).max(0) as usize),
        Value::Bool(b) => Some(*b as usize),
        _ => return Err(type_error("maxsize should be integer or None")),
    };
    let state = LruCache {
        func: func.clone(),
        maxsize,
        typed: crate::vm::ops::truthy(typed).unwrap_or(true),
        info_type: info_type.clone(),
        table: Rc::new(PyDict::default()),
        kwd_mark: Value::Instance(Rc::new(Instance::new(types().object.clone()))),
        hits: 0,
        misses: 0,
    };
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(state)));
    Ok(Value::Instance(Rc::new(inst)))
}

/// The cache key of a call, as CPython makes it: the positional arguments, then a marker and
/// the keyword pairs, then (if typed) every argument's type. A lone `int` or `str` argument
/// is its own key.
fn make_key(args: &[Value], kw: &[(Symbol, Value)], typed: bool, kwd_mark: &Value) -> Value {
    if kw.is_empty() && !typed {
        if let [only @ (Value::Int(_) | Value::BigInt(_) | Value::Str(_))] = args {
            return only.clone();
        }
    }
    let mut items = args.to_vec();
    if !kw.is_empty() {
        items.push(kwd_mark.clone());
        for (name, value) in kw {
            items.push(Value::str(name.as_str()));
            items.push(value.clone());
        }
    }
    if typed {
        let classes = types();
        items.extend(args.iter().chain(kw.iter().map(|(_, v)| v)).map(|v| Value::Class(classes.class_of(v))));
    }
    Value::tuple(items)
}

fn call(a: &Args) -> PyResult {
    let me = state(a, "__call__")?;
    let (args, kw) = (&a.pos[1..], a.kw);
    let (key, table, maxsize) = {
        let c = cache(&me);
        (make_key(args, kw, c.typed, &c.kwd_mark), c.table.clone(), c.maxsize)
    };
    if maxsize == Some(0) {
        cache(&me).misses += 1;
        return call_and_store(me, args, kw, None);
    }
    match hash_value(&key) {
        Ok(hash) => match lookup(&table, maxsize.is_some(), hash, &key) {
            Ok(Some(result)) => {
                cache(&me).hits += 1;
                Ok(result)
            }
            Ok(None) => {
                cache(&me).misses += 1;
                call_and_store(me, args, kw, Some(HashKey { hash, value: key }))
            }
            Err(_) => call_slowly(me, args, kw, key),
        },
        Err(Unhashable::Type) => Err(unhashable(&key)),
        Err(Unhashable::NeedsCall) => call_slowly(me, args, kw, key),
    }
}

/// A hit's result; a bounded cache also marks the entry as the most recently used.
fn lookup(table: &PyDict, bounded: bool, hash: i64, key: &Value) -> Result<Option<Value>, Undecided> {
    if bounded {
        table.touch_hashed(hash, key)
    } else {
        table.get_hashed(hash, key)
    }
}

fn owned(args: &[Value], kw: &[(Symbol, Value)]) -> (Vec<Value>, Vec<(Symbol, Value)>) {
    (args.to_vec(), kw.to_vec())
}

/// A miss: calls the wrapped function, then keeps its result under `key` (if given).
fn call_and_store(me: Rc<Instance>, args: &[Value], kw: &[(Symbol, Value)], key: Option<HashKey>) -> PyResult {
    let func = cache(&me).func.clone();
    let (args, kw) = owned(args, kw);
    run_async(|ctx| async move {
        let result = ctx.call_kw(func, args, kw).await?;
        if let Some(key) = key {
            store(&ctx, &me, key, &result).await?;
        }
        Ok(result)
    })
}

/// A call whose key needs script `__hash__` or `__eq__`: the lookup runs them too.
fn call_slowly(me: Rc<Instance>, args: &[Value], kw: &[(Symbol, Value)], key: Value) -> PyResult {
    let (args, kw) = owned(args, kw);
    run_async(|ctx| async move {
        let key = hash_key(&ctx, key).await?;
        let (table, bounded) = {
            let c = cache(&me);
            (c.table.clone(), c.maxsize.is_some())
        };
        let found = settle(&ctx, || lookup(&table, bounded, key.hash, &key.value)).await?;
        if let Some(result) = found {
            cache(&me).hits += 1;
            return Ok(result);
        }
        let func = {
            let mut c = cache(&me);
            c.misses += 1;
            c.func.clone()
        };
        let result = ctx.call_kw(func, args, kw).await?;
        store(&ctx, &me, key, &result).await?;
        Ok(result)
    })
}

/// Keeps a result, as CPython does: if the call itself already cached the key (recursion),
/// that entry stays; a full bounded cache first drops its least recently used entry.
async fn store(ctx: &Ctx, me: &Instance, key: HashKey, result: &Value) -> PyResult<()> {
    let (table, maxsize) = {
        let c = cache(me);
        (c.table.clone(), c.maxsize)
    };
    if let Some(limit) = maxsize {
        if settle(ctx, || table.get(&key)).await?.is_some() {
            return Ok(());
        }
        if table.len() >= limit {
            drop(table.pop_oldest());
        }
    }
    settle(ctx, || table.insert(&key, result)).await
}
