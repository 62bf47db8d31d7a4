//! The `bisect` module, natively: binary search and insertion with CPython's `lo`, `hi` and
//! `key` arguments and its messages. Numbers and strings compare without script code.

use crate::intern::intern;
use crate::modules::sort_keys::less_now;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::{len, less};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::ops::get_item;
use crate::vm::{get_attr, PyResult};
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("bisect")));
    m.set(intern("__name__"), Value::str("bisect"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("bisect_left", |a| search(a, "bisect_left", Side::Left, false)),
        ("bisect_right", |a| search(a, "bisect_right", Side::Right, false)),
        ("insort_left", |a| search(a, "insort_left", Side::Left, true)),
        ("insort_right", |a| search(a, "insort_right", Side::Right, true)),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    // The short names are the same functions, as in CPython.
    for (alias, name) in [("bisect", "bisect_right"), ("insort", "insort_right")] {
        m.set(intern(alias), m.get(intern(name)).unwrap_or(Value::None));
    }
    m
}

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}

struct Call {
    a: Value,
    x: Value,
    lo: i64,
    /// `None`: the length of `a`.
    hi: Option<i64>,
    key: Option<Value>,
}

fn index_arg(v: &Value, none_ok: bool) -> PyResult<Option<i64>> {
    match v {
        Value::Int(i) => Ok(Some(*i)),
        Value::Bool(b) => Ok(Some(*b as i64)),
        Value::None if none_ok => Ok(None),
        _ if none_ok => Err(type_error(format!("argument should be integer or None, not '{}'", type_name(v)))),
        _ => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v)))),
    }
}

fn parse(a: &Args, name: &str) -> PyResult<Call> {
    let names = ["a", "x", "lo", "hi"];
    let mut slots: [Option<Value>; 4] = Default::default();
    if a.pos.len() > 4 {
        return Err(type_error(format!("{}() takes at most 4 arguments ({} given)", name, a.pos.len())));
    }
    for (slot, v) in slots.iter_mut().zip(a.pos) {
        *slot = Some(v.clone());
    }
    let mut key = None;
    for (k, v) in a.kw {
        match names.iter().position(|n| *n == k.as_str()) {
            Some(i) if slots[i].is_none() => slots[i] = Some(v.clone()),
            Some(i) => {
                return Err(type_error(format!(
                    "argument for {}() given by name ('{}') and position ({})",
                    name,
                    k,
                    i + 1
                )))
            }
            None if k.as_str() == "key" => key = Some(v.clone()).filter(|k| !k.is_none()),
            None => return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, name))),
        }
    }
    let [a_, x, lo, hi] = slots;
    let missing = |i: usize| type_error(format!("{}() missing required argument '{}' (pos {})", name, names[i], i + 1));
    let a_ = a_.ok_or_else(|| missing(0))?;
    let x = x.ok_or_else(|| missing(1))?;
    let lo = match lo {
        Some(v) => index_arg(&v, false)?.unwrap_or(0),
        None => 0,
    };
    if lo < 0 {
        return Err(value_error("lo must be non-negative"));
    }
    let hi = match hi {
        Some(v) => index_arg(&v, true)?.filter(|&h| h != -1),
        None => None,
    };
    Ok(Call { a: a_, x, lo, hi, key })
}

/// The search, in place when `a` is a list and every comparison is between numbers or
/// strings; otherwise through the protocol (a key function, `__lt__`, `__getitem__`).
fn search(args: &Args, name: &str, side: Side, insert: bool) -> PyResult {
    let call = parse(args, name)?;
    if call.key.is_none() {
        if let Value::List(l) = &call.a {
            let found = {
                let items = l.items.borrow();
                let hi = call.hi.unwrap_or(items.len() as i64);
                search_now(&items, &call.x, call.lo, hi, side)
            };
            if let Some(at) = found {
                return finish(&call, at, insert);
            }
        }
    }
    run_async(move |ctx| async move {
        let at = search_async(&ctx, &call, side, insert).await?;
        finish(&call, at, insert)
    })
}

fn search_now(items: &[Value], x: &Value, mut lo: i64, mut hi: i64, side: Side) -> Option<i64> {
    while lo < hi {
        let mid = ((lo as u64 + hi as u64) / 2) as i64;
        let item = items.get(mid as usize)?;
        let go_right = match side {
            Side::Left => less_now(item, x)?,
            Side::Right => !less_now(x, item)?,
        };
        if go_right {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// With a key, `insort` searches for the key of `x`; `bisect` is given a key already.
async fn search_async(ctx: &Ctx, call: &Call, side: Side, insert: bool) -> PyResult<i64> {
    let x = match &call.key {
        Some(key) if insert => ctx.call(key.clone(), vec![call.x.clone()]).await?,
        _ => call.x.clone(),
    };
    let (mut lo, mut hi) = (
        call.lo,
        match call.hi {
            Some(h) => h,
            None => len(ctx, &call.a).await?,
        },
    );
    while lo < hi {
        let mid = ((lo as u64 + hi as u64) / 2) as i64;
        let mut item = ctx.resolve(get_item(&call.a, &Value::Int(mid))).await?;
        if let Some(key) = &call.key {
            item = ctx.call(key.clone(), vec![item]).await?;
        }
        let go_right = match side {
            Side::Left => less(ctx, &item, &x).await?,
            Side::Right => !less(ctx, &x, &item).await?,
        };
        if go_right {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// The index found, or for `insort` the item inserted there (by `a.insert`, so a list
/// subclass's own `insert` runs).
fn finish(call: &Call, at: i64, insert: bool) -> PyResult {
    if !insert {
        return Ok(Value::Int(at));
    }
    if let Value::List(l) = &call.a {
        let mut items = l.items.borrow_mut();
        let at = (at.max(0) as usize).min(items.len());
        items.insert(at, call.x.clone());
        return Ok(Value::None);
    }
    let insert = get_attr(&call.a, intern("insert"))?;
    let (at, x) = (Value::Int(at), call.x.clone());
    run_async(move |ctx| async move {
        ctx.call(insert, vec![at, x]).await?;
        Ok(Value::None)
    })
}
