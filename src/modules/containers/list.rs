//! Methods of `list` and `tuple`.

use super::{noargs, onearg, receiver, varargs};
use crate::modules::builtins::{index_arg, sort_values};
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{index_error, type_error, value_error};
use crate::runtime::protocol::{self, iterate};
use crate::runtime::types;
use crate::value::{PyList, Value};
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    method(&t.list, "append", |a| {
        let (me, x) = onearg(a, &types().list, "append")?;
        list_of(me).items.borrow_mut().push(x.clone());
        Ok(Value::None)
    });
    method(&t.list, "__init__", list_init);
    method(&t.list, "extend", list_extend);
    method(&t.list, "insert", list_insert);
    method(&t.list, "remove", list_remove);
    method(&t.list, "pop", list_pop);
    method(&t.list, "index", |a| {
        let (me, args) = varargs(a, &types().list, "index", 1, 3)?;
        seq_index(me.clone(), args, "list")
    });
    method(&t.list, "count", |a| {
        let (me, x) = onearg(a, &types().list, "count")?;
        seq_count(me.clone(), x.clone())
    });
    method(&t.list, "clear", |a| {
        let me = noargs(a, &types().list, "clear")?;
        // Dropping the items may run no script code here, but take them out first anyway.
        let old = std::mem::take(&mut *list_of(me).items.borrow_mut());
        drop(old);
        Ok(Value::None)
    });
    method(&t.list, "copy", |a| {
        let me = noargs(a, &types().list, "copy")?;
        Ok(Value::list(list_of(me).items.borrow().clone()))
    });
    method(&t.list, "reverse", |a| {
        let me = noargs(a, &types().list, "reverse")?;
        list_of(me).items.borrow_mut().reverse();
        Ok(Value::None)
    });
    method(&t.list, "sort", list_sort);
    method(&t.tuple, "index", |a| {
        let (me, args) = varargs(a, &types().tuple, "index", 1, 3)?;
        seq_index(me.clone(), args, "tuple")
    });
    method(&t.tuple, "count", |a| {
        let (me, x) = onearg(a, &types().tuple, "count")?;
        seq_count(me.clone(), x.clone())
    });
}

/// The list behind a receiver already checked by `receiver`.
fn list_of(v: &Value) -> &Rc<PyList> {
    match v {
        Value::List(l) => l,
        _ => unreachable!("receiver checked as a list"),
    }
}

/// Item `i` of a list or tuple as it is now (a script `__eq__` may have shrunk the list).
fn seq_get(seq: &Value, i: usize) -> Option<Value> {
    match seq {
        Value::List(l) => l.items.borrow().get(i).cloned(),
        Value::Tuple(t) => t.items.get(i).cloned(),
        _ => None,
    }
}

/// `item == x` as containers compare: identity first, then `==`.
async fn item_eq(ctx: &Ctx, item: &Value, x: &Value) -> PyResult<bool> {
    Ok(item.is(x) || protocol::eq(ctx, item, x).await?)
}

fn list_extend(a: &Args) -> PyResult {
    let (me, src) = onearg(a, &types().list, "extend")?;
    let l = list_of(me).clone();
    match src {
        Value::List(other) => {
            let items = other.items.borrow().clone();
            l.items.borrow_mut().extend(items);
            Ok(Value::None)
        }
        Value::Tuple(t) => {
            l.items.borrow_mut().extend(t.items.iter().cloned());
            Ok(Value::None)
        }
        _ => {
            let src = src.clone();
            run_async(|ctx| async move {
                let items = iterate(&ctx, &src).await?;
                l.items.borrow_mut().extend(items);
                Ok(Value::None)
            })
        }
    }
}

/// `list.__init__(self, iterable=())`: the list becomes the iterable's items.
fn list_init(a: &Args) -> PyResult {
    let (me, args) = varargs(a, &types().list, "list", 0, 1)?;
    let l = list_of(me).clone();
    let old = std::mem::take(&mut *l.items.borrow_mut());
    drop(old);
    let Some(src) = args.first().cloned() else { return Ok(Value::None) };
    run_async(|ctx| async move {
        let items = iterate(&ctx, &src).await?;
        l.items.borrow_mut().extend(items);
        Ok(Value::None)
    })
}

fn list_insert(a: &Args) -> PyResult {
    let (me, args) = varargs(a, &types().list, "insert", 2, 2)?;
    let i = index_arg(&args[0])?;
    let mut items = list_of(me).items.borrow_mut();
    let n = items.len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
    items.insert(at as usize, args[1].clone());
    Ok(Value::None)
}

fn list_pop(a: &Args) -> PyResult {
    let (me, args) = varargs(a, &types().list, "pop", 0, 1)?;
    let i = match args.first() {
        Some(v) => index_arg(v)?,
        None => -1,
    };
    let mut items = list_of(me).items.borrow_mut();
    if items.is_empty() {
        return Err(index_error("pop from empty list"));
    }
    let n = items.len() as i64;
    let at = if i < 0 { i + n } else { i };
    if !(0..n).contains(&at) {
        return Err(index_error("pop index out of range"));
    }
    Ok(items.remove(at as usize))
}

fn list_remove(a: &Args) -> PyResult {
    let (me, x) = onearg(a, &types().list, "remove")?;
    let (seq, x) = (me.clone(), x.clone());
    run_async(|ctx| async move {
        let mut i = 0;
        while let Some(item) = seq_get(&seq, i) {
            if item_eq(&ctx, &item, &x).await? {
                let Value::List(l) = &seq else { unreachable!() };
                let mut items = l.items.borrow_mut();
                if i < items.len() {
                    items.remove(i);
                }
                return Ok(Value::None);
            }
            i += 1;
        }
        Err(value_error("list.remove(x): x not in list"))
    })
}

/// A `start`/`stop` argument of `index`: an int, clamped like a slice bound.
fn slice_bound(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) => Ok(if num_traits::Signed::is_negative(&**b) { i64::MIN } else { i64::MAX }),
        _ => Err(type_error("slice indices must be integers or have an __index__ method")),
    }
}

/// `seq.index(x[, start[, stop]])` for lists and tuples.
fn seq_index(seq: Value, args: &[Value], kind: &'static str) -> PyResult {
    let x = args[0].clone();
    let len = match &seq {
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        _ => 0,
    } as i64;
    let norm = |v: i64| if v < 0 { (v.saturating_add(len)).max(0) } else { v };
    let start = match args.get(1) {
        Some(v) => norm(slice_bound(v)?),
        None => 0,
    };
    let stop = match args.get(2) {
        Some(v) => norm(slice_bound(v)?),
        None => i64::MAX,
    };
    run_async(move |ctx| async move {
        let mut i = start;
        while i < stop {
            let Some(item) = seq_get(&seq, i as usize) else { break };
            if item_eq(&ctx, &item, &x).await? {
                return Ok(Value::Int(i));
            }
            i += 1;
        }
        if kind == "list" {
            Err(value_error(format!("{} is not in list", protocol::repr(&ctx, &x).await?)))
        } else {
            Err(value_error("tuple.index(x): x not in tuple"))
        }
    })
}

fn seq_count(seq: Value, x: Value) -> PyResult {
    run_async(|ctx| async move {
        let (mut i, mut n) = (0, 0);
        while let Some(item) = seq_get(&seq, i) {
            if item_eq(&ctx, &item, &x).await? {
                n += 1;
            }
            i += 1;
        }
        Ok(Value::Int(n))
    })
}

fn list_sort(a: &Args) -> PyResult {
    let me = receiver(a, &types().list, "sort")?;
    if a.pos.len() > 1 {
        return Err(type_error("sort() takes no positional arguments"));
    }
    let (mut key, mut reverse) = (None, false);
    for (k, v) in a.kw {
        match k.as_str() {
            "key" => key = Some(v.clone()).filter(|f| !f.is_none()),
            "reverse" => {
                reverse = match v {
                    Value::Bool(b) => *b,
                    Value::Int(i) => *i != 0,
                    Value::BigInt(_) => true,
                    Value::Float(_) => return Err(type_error("'float' object cannot be interpreted as an integer")),
                    other => index_arg(other)? != 0,
                }
            }
            other => return Err(type_error(format!("'{}' is an invalid keyword argument for sort()", other))),
        }
    }
    let l = list_of(me).clone();
    // While sorting, the list is empty, as in CPython; a key function that changes it is an error.
    let items = std::mem::take(&mut *l.items.borrow_mut());
    run_async(|ctx| async move {
        let sorted = sort_values(&ctx, items.clone(), key, reverse).await;
        let modified = !l.items.borrow().is_empty();
        match sorted {
            Ok(v) => {
                *l.items.borrow_mut() = v;
                if modified {
                    return Err(value_error("list modified during sort"));
                }
                Ok(Value::None)
            }
            Err(e) => {
                *l.items.borrow_mut() = items;
                Err(e)
            }
        }
    })
}
