//! The `set` and `frozenset` constructors and methods. The table algorithms (and so the
//! iteration order of the results) are in `crate::object::set`.

use super::{noargs, onearg, varargs};
use crate::object::class::Class;
use crate::object::dict::HashKey;
use crate::object::function::Args;
use crate::object::key_eq::{needs_script_eq, Undecided};
use crate::object::set::{self as table, PySet, SetTable};
use crate::runtime::args::check_args;
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::key_error;
use crate::runtime::protocol::{self, iterate, keys};
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    constructor(&t.set, |a| set_new(a, false));
    constructor(&t.frozenset, |a| set_new(a, true));
    // Methods both types have: each gets its own native so messages name the right type.
    macro_rules! both {
        ($name:literal, $f:path) => {
            method(&t.set, $name, |a| $f(a, &types().set));
            method(&t.frozenset, $name, |a| $f(a, &types().frozenset));
        };
    }
    both!("copy", set_copy);
    both!("union", set_union);
    both!("intersection", set_intersection);
    both!("difference", set_difference);
    both!("symmetric_difference", set_symmetric_difference);
    both!("issubset", set_issubset);
    both!("issuperset", set_issuperset);
    both!("isdisjoint", set_isdisjoint);
    method(&t.set, "add", |a| {
        let (me, x) = onearg(a, &types().set, "add")?;
        let s = set_of(me).clone();
        keys::keyed(x.clone(), move |k| {
            s.insert(k.clone())?;
            Ok(Ok(Value::None))
        })
    });
    method(&t.set, "remove", |a| {
        let (me, x) = onearg(a, &types().set, "remove")?;
        let s = set_of(me).clone();
        let x = x.clone();
        keys::keyed(lookup_value(&x), move |k| {
            Ok(match s.items.borrow_mut().remove(k)? {
                Some(_) => Ok(Value::None),
                None => Err(key_error(x.clone())),
            })
        })
    });
    method(&t.set, "discard", |a| {
        let (me, x) = onearg(a, &types().set, "discard")?;
        let s = set_of(me).clone();
        keys::keyed(lookup_value(x), move |k| {
            s.items.borrow_mut().remove(k)?;
            Ok(Ok(Value::None))
        })
    });
    method(&t.set, "pop", |a| {
        let me = noargs(a, &types().set, "pop")?;
        let popped = set_of(me).items.borrow_mut().pop();
        popped.map(|k| k.value).ok_or_else(|| key_error(Value::str("pop from an empty set")))
    });
    method(&t.set, "clear", |a| {
        let me = noargs(a, &types().set, "clear")?;
        let old = std::mem::take(&mut *set_of(me).items.borrow_mut());
        drop(old);
        Ok(Value::None)
    });
    method(&t.set, "__init__", |a| {
        let (me, args) = varargs(a, &types().set, "set", 0, 1)?;
        let me = set_of(me).clone();
        me.items.borrow_mut().clear();
        update_all(me, args)
    });
    method(&t.set, "update", |a| {
        let (me, args) = varargs(a, &types().set, "update", 0, usize::MAX)?;
        update_all(set_of(me).clone(), args)
    });
    method(&t.set, "intersection_update", |a| {
        let (me, args) = varargs(a, &types().set, "intersection_update", 0, usize::MAX)?;
        let me = set_of(me).clone();
        with_sources(args, move |srcs| {
            let t = intersection_multi(&me, srcs)?;
            me.items.borrow_mut().replace_body(t);
            Ok(Ok(Value::None))
        })
    });
    method(&t.set, "difference_update", |a| {
        let (me, args) = varargs(a, &types().set, "difference_update", 0, usize::MAX)?;
        let me = set_of(me).clone();
        with_sources(args, move |srcs| {
            for src in srcs {
                match src {
                    Src::Set(o) if Rc::ptr_eq(o, &me) => me.items.borrow_mut().clear(),
                    Src::Set(o) => me.modify(src.may_ask(), |t| t.difference_update(&o.items.borrow()))?,
                    Src::Dict(keys) | Src::Keys(keys) => {
                        me.modify(src.may_ask(), |t| t.difference_update_keys(keys))?
                    }
                }
            }
            Ok(Ok(Value::None))
        })
    });
    method(&t.set, "symmetric_difference_update", |a| {
        let (me, x) = onearg(a, &types().set, "symmetric_difference_update")?;
        let me = set_of(me).clone();
        with_sources(std::slice::from_ref(x), move |srcs| {
            let src = &srcs[0];
            match src {
                Src::Set(o) if Rc::ptr_eq(o, &me) => me.items.borrow_mut().clear(),
                Src::Set(o) => me.modify(src.may_ask(), |t| t.symmetric_difference_update(&o.items.borrow()))?,
                Src::Dict(keys) => me.modify(src.may_ask(), |t| t.symmetric_difference_update_keys(keys))?,
                Src::Keys(keys) => {
                    let other = table::from_keys(keys)?;
                    me.modify(src.may_ask(), |t| t.symmetric_difference_update(&other))?;
                }
            }
            Ok(Ok(Value::None))
        })
    });
}

fn set_of(v: &Value) -> &Rc<PySet> {
    match v {
        Value::Set(s) => s,
        _ => unreachable!("receiver checked as a set"),
    }
}

fn new_set(t: SetTable, frozen: bool) -> Value {
    Value::Set(Rc::new(PySet::new(t, frozen)))
}

/// A mutable set used as a key to look up (`x in s`, `s.remove(x)`) is looked up as the
/// equal frozenset, as in CPython.
fn lookup_value(v: &Value) -> Value {
    match v {
        Value::Set(s) if !s.frozen => new_set(s.items.borrow().copy(), true),
        _ => v.clone(),
    }
}

/// An argument of the set algebra, as CPython's algorithms distinguish them.
enum Src {
    Set(Rc<PySet>),
    /// A dict's keys, in order.
    Dict(Vec<HashKey>),
    /// The items of any other iterable, hashed, in order.
    Keys(Vec<HashKey>),
}

impl Src {
    /// Whether comparing one of its keys may need a script `__eq__`.
    fn may_ask(&self) -> bool {
        match self {
            Src::Set(o) => o.items.borrow().may_need_script_eq(),
            Src::Dict(keys) | Src::Keys(keys) => keys.iter().any(|k| needs_script_eq(&k.value)),
        }
    }
}

/// The source for `v` when no script code is needed to iterate or hash it.
fn source_sync(v: &Value) -> Option<PyResult<Src>> {
    let items: Vec<Value> = match v {
        Value::Set(s) => return Some(Ok(Src::Set(s.clone()))),
        Value::Dict(d) => return Some(Ok(Src::Dict(d.map.borrow().keys().cloned().collect()))),
        Value::List(l) => l.items.borrow().clone(),
        Value::Tuple(t) => t.items.to_vec(),
        Value::Range(r) if r.len() <= 1 << 20 => (0..r.len()).map(|i| Value::Int(r.get(i))).collect(),
        _ => return None,
    };
    let mut keys = Vec::with_capacity(items.len());
    for x in items {
        match protocol::hash_key_sync(x)? {
            Ok(k) => keys.push(k),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok(Src::Keys(keys)))
}

async fn source(ctx: &Ctx, v: &Value) -> PyResult<Src> {
    if let Some(r) = source_sync(v) {
        return r;
    }
    let mut keys = Vec::new();
    for x in iterate(ctx, v).await? {
        keys.push(protocol::hash_key(ctx, x).await?);
    }
    Ok(Src::Keys(keys))
}

/// Runs the set operation `f` on the sources for `args`, iterating and hashing them first,
/// and running `f` again as its comparisons need script code (`keys::settle`).
fn with_sources(args: &[Value], mut f: impl FnMut(&[Src]) -> Result<PyResult, Undecided> + 'static) -> PyResult {
    let sync: Option<PyResult<Vec<Src>>> = args.iter().map(source_sync).collect();
    match sync {
        Some(srcs) => {
            let srcs = srcs?;
            keys::settled(move || f(&srcs))
        }
        None => {
            let args = args.to_vec();
            run_async(|ctx| async move {
                let mut srcs = Vec::with_capacity(args.len());
                for a in &args {
                    srcs.push(source(&ctx, a).await?);
                }
                keys::settle(&ctx, || f(&srcs)).await?
            })
        }
    }
}

/// Adds the keys of `src` to `me` (`set_update_internal`).
/// Adds the items of every source to `me` (`update`, `__init__`).
fn update_all(me: Rc<PySet>, args: &[Value]) -> PyResult {
    with_sources(args, move |srcs| {
        for src in srcs {
            update_internal(&me, src)?;
        }
        Ok(Ok(Value::None))
    })
}

fn update_internal(me: &Rc<PySet>, src: &Src) -> Result<(), Undecided> {
    match src {
        Src::Set(o) if Rc::ptr_eq(o, me) => Ok(()),
        Src::Set(o) => me.modify(src.may_ask(), |t| t.merge(&o.items.borrow())),
        Src::Dict(keys) => me.modify(src.may_ask(), |t| t.merge_dict_keys(keys)),
        Src::Keys(keys) => me.modify(src.may_ask(), |t| {
            for k in keys {
                t.insert(k.clone())?;
            }
            Ok(())
        }),
    }
}

/// A new set from a source (`make_new_set`).
fn make_table(src: &Src) -> Result<SetTable, Undecided> {
    match src {
        Src::Set(o) => Ok(o.items.borrow().copy()),
        Src::Dict(keys) => {
            let mut t = SetTable::default();
            t.merge_dict_keys(keys)?;
            Ok(t)
        }
        Src::Keys(keys) => table::from_keys(keys),
    }
}

fn set_new(a: &Args, frozen: bool) -> PyResult {
    let name = if frozen { "frozenset" } else { "set" };
    if !a.kw.is_empty() {
        return Err(crate::runtime::exceptions::type_error(format!("{}() takes no keyword arguments", name)));
    }
    check_args(a, name, 0, 1)?;
    match a.pos.first() {
        None => Ok(new_set(SetTable::default(), frozen)),
        Some(v @ Value::Set(s)) if frozen && s.frozen => Ok(v.clone()),
        Some(v) => with_sources(std::slice::from_ref(v), move |srcs| Ok(Ok(new_set(make_table(&srcs[0])?, frozen)))),
    }
}

fn set_copy(a: &Args, class: &Rc<Class>) -> PyResult {
    let me = noargs(a, class, "copy")?;
    let s = set_of(me);
    if s.frozen {
        return Ok(me.clone());
    }
    Ok(new_set(s.items.borrow().copy(), false))
}

fn set_union(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, args) = varargs(a, class, "union", 0, usize::MAX)?;
    let me = set_of(me).clone();
    with_sources(args, move |srcs| {
        let result = Rc::new(PySet::new(me.items.borrow().copy(), me.frozen));
        for src in srcs {
            if let Src::Set(o) = src {
                if Rc::ptr_eq(o, &me) {
                    continue;
                }
            }
            update_internal(&result, src)?;
        }
        Ok(Ok(Value::Set(result)))
    })
}

/// `so.intersection(*others)` as a table (`set_intersection_multi`).
fn intersection_multi(me: &Rc<PySet>, srcs: &[Src]) -> Result<SetTable, Undecided> {
    let mut cur: Option<SetTable> = None;
    for src in srcs {
        let next = {
            let mine = me.items.borrow();
            let a = cur.as_ref().unwrap_or(&*mine);
            match src {
                Src::Set(o) if cur.is_none() && Rc::ptr_eq(o, me) => a.copy(),
                Src::Set(o) => table::intersection(a, &o.items.borrow())?,
                Src::Dict(keys) | Src::Keys(keys) => table::intersection_keys(a, keys)?,
            }
        };
        cur = Some(next);
    }
    Ok(cur.unwrap_or_else(|| me.items.borrow().copy()))
}

fn set_intersection(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, args) = varargs(a, class, "intersection", 0, usize::MAX)?;
    let me = set_of(me).clone();
    with_sources(args, move |srcs| Ok(Ok(new_set(intersection_multi(&me, srcs)?, me.frozen))))
}

fn set_difference(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, args) = varargs(a, class, "difference", 0, usize::MAX)?;
    let me = set_of(me).clone();
    with_sources(args, move |srcs| {
        let mine = me.items.borrow();
        let mut result = match srcs.first() {
            None => mine.copy(),
            Some(Src::Set(o)) => table::difference(&mine, &o.items.borrow())?,
            Some(Src::Dict(keys)) => table::difference_dict_keys(&mine, keys)?,
            Some(Src::Keys(keys)) => {
                let mut t = mine.copy();
                t.difference_update_keys(keys)?;
                t
            }
        };
        for src in srcs.iter().skip(1) {
            match src {
                Src::Set(o) => result.difference_update(&o.items.borrow())?,
                Src::Dict(keys) | Src::Keys(keys) => result.difference_update_keys(keys)?,
            }
        }
        Ok(Ok(new_set(result, me.frozen)))
    })
}

fn set_symmetric_difference(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, x) = onearg(a, class, "symmetric_difference")?;
    let me = set_of(me).clone();
    with_sources(std::slice::from_ref(x), move |srcs| {
        let mut other = make_table(&srcs[0])?;
        other.symmetric_difference_update(&me.items.borrow())?;
        Ok(Ok(new_set(other, me.frozen)))
    })
}

fn set_issubset(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, x) = onearg(a, class, "issubset")?;
    let me = set_of(me).clone();
    with_sources(std::slice::from_ref(x), move |srcs| {
        let mine = me.items.borrow();
        Ok(Ok(Value::Bool(match &srcs[0] {
            Src::Set(o) => Rc::ptr_eq(o, &me) || mine.is_subset(&o.items.borrow())?,
            Src::Dict(keys) | Src::Keys(keys) => table::intersection_keys(&mine, keys)?.len() == mine.len(),
        })))
    })
}

fn set_issuperset(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, x) = onearg(a, class, "issuperset")?;
    let me = set_of(me).clone();
    with_sources(std::slice::from_ref(x), move |srcs| {
        let mine = me.items.borrow();
        Ok(Ok(Value::Bool(match &srcs[0] {
            Src::Set(o) => Rc::ptr_eq(o, &me) || o.items.borrow().is_subset(&mine)?,
            Src::Dict(keys) | Src::Keys(keys) => all_in(keys, &mine)?,
        })))
    })
}

fn all_in(keys: &[HashKey], t: &SetTable) -> Result<bool, Undecided> {
    for k in keys {
        if !t.contains(k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn any_in(keys: impl IntoIterator<Item = impl std::borrow::Borrow<HashKey>>, t: &SetTable) -> Result<bool, Undecided> {
    for k in keys {
        if t.contains(k.borrow())? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn set_isdisjoint(a: &Args, class: &Rc<Class>) -> PyResult {
    let (me, x) = onearg(a, class, "isdisjoint")?;
    let me = set_of(me).clone();
    with_sources(std::slice::from_ref(x), move |srcs| {
        let mine = me.items.borrow();
        Ok(Ok(Value::Bool(match &srcs[0] {
            Src::Set(o) if Rc::ptr_eq(o, &me) => mine.is_empty(),
            Src::Set(o) => {
                let theirs = o.items.borrow();
                let (small, big) = if theirs.len() > mine.len() { (&*mine, &*theirs) } else { (&*theirs, &*mine) };
                !any_in(small.iter(), big)?
            }
            Src::Dict(keys) | Src::Keys(keys) => !any_in(keys, &mine)?,
        })))
    })
}
