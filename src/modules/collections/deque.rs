//! `collections.deque`, natively: a `VecDeque` of values, so both ends are O(1) and the
//! common operations run no script code. Comparisons of items (`count`, `index`, `remove`,
//! `in`, `==`, `<`) go through the protocol, which may call a script `__eq__` or `__lt__`.
//!
//! Every change bumps `state`; iterators and searches compare it to raise CPython's
//! `RuntimeError: deque mutated during iteration`.

use crate::ast::CmpOp;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::args::{check_args, kwarg, ArgSpec};
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::{index_error, runtime_error, stop_iteration, type_error, value_error};
use crate::runtime::protocol::{compare, eq, iterate, repr, truthy};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Deque {
    items: VecDeque<Value>,
    maxlen: Option<usize>,
    state: u64,
}

impl Deque {
    fn push_back(&mut self, v: Value) {
        self.state += 1;
        if self.maxlen == Some(self.items.len()) {
            if self.maxlen == Some(0) {
                return;
            }
            self.items.pop_front();
        }
        self.items.push_back(v);
    }

    fn push_front(&mut self, v: Value) {
        self.state += 1;
        if self.maxlen == Some(self.items.len()) {
            if self.maxlen == Some(0) {
                return;
            }
            self.items.pop_back();
        }
        self.items.push_front(v);
    }
}

struct DequeIter {
    deque: Rc<Instance>,
    index: usize,
    state: u64,
    reverse: bool,
}

fn data(inst: &Instance) -> RefMut<'_, Deque> {
    inst.native::<Deque>().expect("checked by this()")
}

fn this(a: &Args) -> PyResult<Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if i.native::<Deque>().is_some() => Ok(i.clone()),
        _ => Err(type_error("descriptor requires a 'collections.deque' object")),
    }
}

/// The state of the deque a method was called on, borrowed from its arguments (the common
/// calls, `append` and `popleft`, need no reference count change).
fn this_data<'a>(a: &'a Args) -> PyResult<RefMut<'a, Deque>> {
    let wrong = || type_error("descriptor requires a 'collections.deque' object");
    match a.pos.first() {
        Some(Value::Instance(i)) => i.native::<Deque>().ok_or_else(wrong),
        _ => Err(wrong()),
    }
}

/// The deque `v` is, if it is one.
fn as_deque(v: &Value) -> Option<Rc<Instance>> {
    match v {
        Value::Instance(i) if i.native::<Deque>().is_some() => Some(i.clone()),
        _ => None,
    }
}

fn snapshot(inst: &Instance) -> (Vec<Value>, u64) {
    let d = data(inst);
    (d.items.iter().cloned().collect(), d.state)
}

fn mutated() -> Flow {
    runtime_error("deque mutated during iteration")
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v)))),
    }
}

/// `d[i]`'s position, with CPython's message for one out of range.
fn position(d: &Deque, i: &Value) -> PyResult<usize> {
    let i = match i {
        Value::Int(_) | Value::Bool(_) => int_arg(i)?,
        _ => return Err(type_error(format!("sequence index must be integer, not '{}'", type_name(i)))),
    };
    let n = d.items.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if (0..n).contains(&j) {
        Ok(j as usize)
    } else {
        Err(index_error("deque index out of range"))
    }
}

/// Adds every item of `iterable` at one end, running script iteration if it needs to.
fn extend(a: &Args, front: bool) -> PyResult {
    check_args(a, if front { "extendleft" } else { "extend" }, 2, 2)?;
    let d = this(a)?;
    let source = a.pos[1].clone();
    let fast = match &source {
        Value::List(l) => Some(l.items.borrow().clone()),
        Value::Tuple(t) => Some(t.items.to_vec()),
        Value::Range(_) | Value::Str(_) => None,
        v if as_deque(v).is_some_and(|o| Rc::ptr_eq(&o, &d)) => Some(snapshot(&d).0),
        _ => None,
    };
    let add = move |d: &Instance, items: Vec<Value>| {
        let mut data = data(d);
        for v in items {
            if front {
                data.push_front(v);
            } else {
                data.push_back(v);
            }
        }
        Ok(Value::None)
    };
    match fast {
        Some(items) => add(&d, items),
        None => run_async(move |ctx| async move {
            let items = iterate(&ctx, &source).await?;
            add(&d, items)
        }),
    }
}

/// `count`, `index`, `remove` and `in`: the first position from `start` where an item equals
/// `value`, comparing as the protocol does and checking for changes after each comparison.
/// A change seen makes `mutated()` (for `remove`, CPython's IndexError instead).
async fn find(
    ctx: &crate::vm::native::Ctx,
    d: &Rc<Instance>,
    value: &Value,
    (start, stop): (usize, usize),
    mutated: fn() -> Flow,
) -> PyResult<Option<usize>> {
    let (items, state) = snapshot(d);
    for (i, item) in items.iter().enumerate().take(stop).skip(start) {
        let same = matches!((item, value), (Value::Instance(a), Value::Instance(b)) if Rc::ptr_eq(a, b));
        if same || eq(ctx, item, value).await? {
            return Ok(Some(i));
        }
        if data(d).state != state {
            return Err(mutated());
        }
    }
    Ok(None)
}

pub fn make_class() -> Rc<Class> {
    let class = native_class("collections", "deque", vec![types().object.clone()]);
    method(&class, "__new__", |a| {
        let Some(Value::Class(cls)) = a.pos.first() else {
            return Err(type_error("deque.__new__(X): X is not a type object"));
        };
        let mut inst = Instance::new(cls.clone());
        let payload = Deque { items: VecDeque::new(), maxlen: None, state: 0 };
        inst.payload = Payload::Native(RefCell::new(Box::new(payload)));
        Ok(Value::Instance(Rc::new(inst)))
    });
    // `deque[int]`: a `types.GenericAlias`.
    let class_getitem = crate::runtime::define::native("__class_getitem__", |a| {
        check_args(a, "__class_getitem__", 2, 2)?;
        Ok(crate::runtime::generic_alias::generic_alias(a.pos[0].clone(), &a.pos[1]))
    });
    let class_getitem = Value::Wrapper(Rc::new(crate::object::Wrapper::ClassMethod(class_getitem)));
    class.attrs.borrow_mut().insert(intern("__class_getitem__"), class_getitem);
    method(&class, "__init__", |a| {
        ArgSpec::new("deque").keywords(&["iterable", "maxlen"]).check(a)?;
        check_args(a, "deque", 1, 3)?;
        let d = this(a)?;
        let maxlen = match a.pos.get(2).cloned().or_else(|| kwarg(a, "maxlen")) {
            None | Some(Value::None) => None,
            Some(v) => {
                let n = int_arg(&v)?;
                if n < 0 {
                    return Err(value_error("maxlen must be non-negative"));
                }
                Some(n as usize)
            }
        };
        {
            let mut data = data(&d);
            data.items.clear();
            data.state += 1;
            data.maxlen = maxlen;
        }
        match a.pos.get(1).cloned().or_else(|| kwarg(a, "iterable")) {
            Some(iterable) => extend(&Args { pos: &[Value::Instance(d), iterable], kw: &[] }, false),
            None => Ok(Value::None),
        }
    });
    method(&class, "append", |a| {
        check_args(a, "append", 2, 2)?;
        this_data(a)?.push_back(a.pos[1].clone());
        Ok(Value::None)
    });
    method(&class, "appendleft", |a| {
        check_args(a, "appendleft", 2, 2)?;
        this_data(a)?.push_front(a.pos[1].clone());
        Ok(Value::None)
    });
    method(&class, "pop", |a| {
        check_args(a, "pop", 1, 1)?;
        let mut d = this_data(a)?;
        d.state += 1;
        d.items.pop_back().ok_or_else(|| index_error("pop from an empty deque"))
    });
    method(&class, "popleft", |a| {
        check_args(a, "popleft", 1, 1)?;
        let mut d = this_data(a)?;
        d.state += 1;
        d.items.pop_front().ok_or_else(|| index_error("pop from an empty deque"))
    });
    method(&class, "extend", |a| extend(a, false));
    method(&class, "extendleft", |a| extend(a, true));
    method(&class, "clear", |a| {
        check_args(a, "clear", 1, 1)?;
        let mut d = this_data(a)?;
        d.state += 1;
        d.items.clear();
        Ok(Value::None)
    });
    method(&class, "copy", copy);
    method(&class, "__copy__", copy);
    method(&class, "rotate", |a| {
        check_args(a, "rotate", 1, 2)?;
        let d = this(a)?;
        let n = a.pos.get(1).map(int_arg).transpose()?.unwrap_or(1);
        let mut d = data(&d);
        let len = d.items.len() as i64;
        if len > 1 {
            d.state += 1;
            let k = n.rem_euclid(len) as usize;
            d.items.rotate_right(k);
        }
        Ok(Value::None)
    });
    method(&class, "reverse", |a| {
        check_args(a, "reverse", 1, 1)?;
        let mut d = this_data(a)?;
        d.state += 1;
        d.items.make_contiguous().reverse();
        Ok(Value::None)
    });
    method(&class, "insert", |a| {
        check_args(a, "insert", 3, 3)?;
        let d = this(a)?;
        let i = int_arg(&a.pos[1])?;
        let mut d = data(&d);
        if d.maxlen == Some(d.items.len()) {
            return Err(index_error("deque already at its maximum size"));
        }
        let n = d.items.len() as i64;
        let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
        d.state += 1;
        d.items.insert(at, a.pos[2].clone());
        Ok(Value::None)
    });
    method(&class, "count", |a| {
        check_args(a, "count", 2, 2)?;
        let d = this(a)?;
        let value = a.pos[1].clone();
        run_async(move |ctx| async move {
            let mut n = 0;
            let mut from = 0;
            while let Some(i) = find(&ctx, &d, &value, (from, usize::MAX), mutated).await? {
                n += 1;
                from = i + 1;
            }
            Ok(Value::Int(n))
        })
    });
    method(&class, "index", |a| {
        check_args(a, "index", 2, 4)?;
        let d = this(a)?;
        let value = a.pos[1].clone();
        let len = data(&d).items.len() as i64;
        let bound = |v: Option<&Value>, default: i64| -> PyResult<usize> {
            let i = v.map(int_arg).transpose()?.unwrap_or(default);
            Ok(if i < 0 { (i + len).max(0) } else { i.min(len) } as usize)
        };
        let (start, stop) = (bound(a.pos.get(2), 0)?, bound(a.pos.get(3), len)?);
        run_async(move |ctx| async move {
            match find(&ctx, &d, &value, (start, stop), mutated).await? {
                Some(i) => Ok(Value::Int(i as i64)),
                None => Err(value_error(format!("{} is not in deque", repr(&ctx, &value).await?))),
            }
        })
    });
    method(&class, "remove", |a| {
        check_args(a, "remove", 2, 2)?;
        let d = this(a)?;
        let value = a.pos[1].clone();
        run_async(move |ctx| async move {
            let changed = || index_error("deque mutated during remove().");
            match find(&ctx, &d, &value, (0, usize::MAX), changed).await? {
                Some(i) => {
                    let mut d = data(&d);
                    d.state += 1;
                    d.items.remove(i);
                    Ok(Value::None)
                }
                None => Err(value_error(format!("{} is not in deque", repr(&ctx, &value).await?))),
            }
        })
    });
    method(&class, "__contains__", |a| {
        check_args(a, "__contains__", 2, 2)?;
        let d = this(a)?;
        let value = a.pos[1].clone();
        run_async(move |ctx| async move {
            Ok(Value::Bool(find(&ctx, &d, &value, (0, usize::MAX), mutated).await?.is_some()))
        })
    });
    method(&class, "__len__", |a| Ok(Value::Int(this_data(a)?.items.len() as i64)));
    method(&class, "__bool__", |a| Ok(Value::Bool(!this_data(a)?.items.is_empty())));
    method(&class, "__getitem__", |a| {
        check_args(a, "__getitem__", 2, 2)?;
        let d = this(a)?;
        let d = data(&d);
        let i = position(&d, &a.pos[1])?;
        Ok(d.items[i].clone())
    });
    method(&class, "__setitem__", |a| {
        check_args(a, "__setitem__", 3, 3)?;
        let d = this(a)?;
        let mut d = data(&d);
        let i = position(&d, &a.pos[1])?;
        d.items[i] = a.pos[2].clone();
        Ok(Value::None)
    });
    method(&class, "__delitem__", |a| {
        check_args(a, "__delitem__", 2, 2)?;
        let d = this(a)?;
        let mut d = data(&d);
        let i = position(&d, &a.pos[1])?;
        d.state += 1;
        d.items.remove(i);
        Ok(Value::None)
    });
    method(&class, "__iter__", |a| new_iter(this(a)?, false));
    method(&class, "__reversed__", |a| new_iter(this(a)?, true));
    method(&class, "__repr__", |a| {
        let d = this(a)?;
        let (items, _) = snapshot(&d);
        let maxlen = data(&d).maxlen;
        let name = d.class.name;
        run_async(move |ctx| async move {
            let items = repr(&ctx, &Value::list(items)).await?;
            Ok(Value::str(match maxlen {
                None => format!("{}({})", name, items),
                Some(n) => format!("{}({}, maxlen={})", name, items, n),
            }))
        })
    });
    method(&class, "__iadd__", |a| {
        extend(a, false)?;
        Ok(a.pos[0].clone())
    });
    method(&class, "__add__", |a| {
        check_args(a, "__add__", 2, 2)?;
        let d = this(a)?;
        let Some(other) = as_deque(&a.pos[1]) else {
            return Err(type_error(format!("can only concatenate deque (not \"{}\") to deque", type_name(&a.pos[1]))));
        };
        let (mut items, _) = snapshot(&d);
        items.extend(snapshot(&other).0);
        let maxlen = data(&d).maxlen;
        Ok(new_deque(items, maxlen))
    });
    method(&class, "__mul__", mul);
    method(&class, "__rmul__", mul);
    method(&class, "__imul__", |a| {
        check_args(a, "__imul__", 2, 2)?;
        let d = this(a)?;
        let n = int_arg(&a.pos[1])?.max(0) as usize;
        let (items, _) = snapshot(&d);
        let mut data = data(&d);
        data.items.clear();
        for _ in 0..n {
            for v in &items {
                data.push_back(v.clone());
            }
        }
        Ok(a.pos[0].clone())
    });
    for (name, op) in [
        ("__eq__", CmpOp::Eq),
        ("__ne__", CmpOp::NotEq),
        ("__lt__", CmpOp::Lt),
        ("__le__", CmpOp::LtE),
        ("__gt__", CmpOp::Gt),
        ("__ge__", CmpOp::GtE),
    ] {
        let f: crate::object::function::NativeFn = match op {
            CmpOp::Eq => |a| rich_compare(a, CmpOp::Eq),
            CmpOp::NotEq => |a| rich_compare(a, CmpOp::NotEq),
            CmpOp::Lt => |a| rich_compare(a, CmpOp::Lt),
            CmpOp::LtE => |a| rich_compare(a, CmpOp::LtE),
            CmpOp::Gt => |a| rich_compare(a, CmpOp::Gt),
            _ => |a| rich_compare(a, CmpOp::GtE),
        };
        method(&class, name, f);
    }
    class.attrs.borrow_mut().insert(intern("__hash__"), Value::None);
    let maxlen = crate::runtime::define::native("maxlen", |a| {
        Ok(this_data(a)?.maxlen.map_or(Value::None, |n| Value::Int(n as i64)))
    });
    let property =
        crate::object::Wrapper::Property { fget: maxlen, fset: Value::None, fdel: Value::None, doc: Value::None };
    class.attrs.borrow_mut().insert(intern("maxlen"), Value::Wrapper(Rc::new(property)));
    class.attrs.borrow_mut().insert(intern("__module__"), Value::str("collections"));
    class.settle_attr_rules();
    class
}

/// A new plain deque holding `items`.
fn new_deque(items: Vec<Value>, maxlen: Option<usize>) -> Value {
    let class = super::deque_class();
    let mut inst = Instance::new(class);
    let mut d = Deque { items: VecDeque::new(), maxlen, state: 0 };
    for v in items {
        d.push_back(v);
    }
    inst.payload = Payload::Native(RefCell::new(Box::new(d)));
    Value::Instance(Rc::new(inst))
}

fn copy(a: &Args) -> PyResult {
    check_args(a, "copy", 1, 1)?;
    let d = this(a)?;
    let (items, _) = snapshot(&d);
    let maxlen = data(&d).maxlen;
    Ok(new_deque(items, maxlen))
}

fn mul(a: &Args) -> PyResult {
    check_args(a, "__mul__", 2, 2)?;
    let d = this(a)?;
    let n = int_arg(&a.pos[1])?.max(0) as usize;
    let (items, _) = snapshot(&d);
    let items: Vec<Value> = (0..n).flat_map(|_| items.iter().cloned()).collect();
    let maxlen = data(&d).maxlen;
    Ok(new_deque(items, maxlen))
}

/// Deques compare as sequences, item by item, like lists.
fn rich_compare(a: &Args, op: CmpOp) -> PyResult {
    check_args(a, "comparison", 2, 2)?;
    let d = this(a)?;
    let Some(other) = as_deque(&a.pos[1]) else { return Ok(Value::NotImplemented) };
    let (x, y) = (Value::list(snapshot(&d).0), Value::list(snapshot(&other).0));
    run_async(move |ctx| async move {
        let r = compare(&ctx, op, &x, &y).await?;
        Ok(Value::Bool(truthy(&ctx, &r).await?))
    })
}

fn new_iter(deque: Rc<Instance>, reverse: bool) -> PyResult {
    let state = data(&deque).state;
    let mut inst = Instance::new(super::deque_iter_class(reverse));
    inst.payload = Payload::Native(RefCell::new(Box::new(DequeIter { deque, index: 0, state, reverse })));
    Ok(Value::Instance(Rc::new(inst)))
}

/// The classes of deque iterators (`_collections._deque_iterator` and its reverse).
pub fn make_iter_class(name: &str) -> Rc<Class> {
    let class = native_class("_collections", name, vec![types().object.clone()]);
    method(&class, "__iter__", |a| Ok(a.pos[0].clone()));
    method(&class, "__next__", |a| {
        let Some(Value::Instance(it)) = a.pos.first() else { return Err(type_error("expected a deque iterator")) };
        let Some(mut it) = it.native::<DequeIter>() else { return Err(type_error("expected a deque iterator")) };
        let d = data(&it.deque);
        if d.state != it.state {
            return Err(mutated());
        }
        let n = d.items.len();
        if it.index >= n {
            return Err(stop_iteration(None));
        }
        let i = if it.reverse { n - 1 - it.index } else { it.index };
        let v = d.items[i].clone();
        drop(d);
        it.index += 1;
        Ok(v)
    });
    method(&class, "__length_hint__", |a| {
        let Some(Value::Instance(it)) = a.pos.first() else { return Err(type_error("expected a deque iterator")) };
        let Some(it) = it.native::<DequeIter>() else { return Err(type_error("expected a deque iterator")) };
        let n = data(&it.deque).items.len();
        Ok(Value::Int(n.saturating_sub(it.index) as i64))
    });
    class
}
