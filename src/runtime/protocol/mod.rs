//! The object protocols shared by the VM and natives: equality and ordering, truth, hashing,
//! iteration, containment, and building collections. Each is written once, as async Rust
//! (so it can call script dunders); the `*_async` entry points start it as a native
//! continuation, which finishes on the spot when no script code is involved.

pub mod bytes;
pub mod class_check;
pub mod keys;
pub mod numeric;
pub mod percent;
pub mod repr;

use crate::ast::CmpOp;
use crate::intern::{sym, Symbol};
use crate::object::class::Class;
use crate::object::dict::{hash_value, HashKey, PyDict, Unhashable};
use crate::object::instance::builtin_value;
use crate::object::iter::{NativeIter, Step};
use crate::object::key_eq::needs_script_eq;
use crate::object::set::PySet;
use crate::object::{DictViewKind, Wrapper};
use crate::runtime::exceptions::{self as ex, is_instance_of, type_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{ops, Flow, PyResult};
use num_bigint::BigInt;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

/// A dunder method a class (or an ancestor) defines.
pub fn dunder(class: &Rc<Class>, name: Symbol) -> Option<Value> {
    class.lookup(name)
}

/// The special method `name` of `v`'s type when that is a script class: for instances of
/// script classes, and for classes whose metaclass is one.
pub fn instance_dunder(v: &Value, name: Symbol) -> Option<Value> {
    match v {
        Value::Instance(i) => dunder(&i.class, name),
        Value::Class(c) => dunder(c.metaclass.as_ref()?, name),
        _ => None,
    }
}

/// Whether `v`'s type is a script class (see `instance_dunder`), whose special methods
/// operations must look for.
#[inline]
pub fn has_script_type(v: &Value) -> bool {
    match v {
        Value::Instance(_) => true,
        Value::Class(c) => c.metaclass.is_some(),
        _ => false,
    }
}

/// Containers currently being printed, so `l.append(l)` prints `[[...]]`.
#[derive(Default)]
pub struct Recursion(RefCell<Vec<usize>>);

pub struct RecursionGuard<'a>(&'a Recursion);

impl Recursion {
    pub fn enter(&self, v: &Value) -> Option<RecursionGuard<'_>> {
        let p = v.heap_ptr()?;
        let mut seen = self.0.borrow_mut();
        if seen.contains(&p) {
            return None;
        }
        seen.push(p);
        Some(RecursionGuard(self))
    }
}

impl Drop for RecursionGuard<'_> {
    fn drop(&mut self) {
        self.0 .0.borrow_mut().pop();
    }
}

pub fn to_bigint(v: &Value) -> Option<BigInt> {
    match v {
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::BigInt(b) => Some((**b).clone()),
        Value::Instance(_) if !std::ptr::eq(builtin_value(v), v) => to_bigint(builtin_value(v)),
        _ => None,
    }
}

// ---- repr / str / format entry points ----

pub async fn repr(ctx: &Ctx, v: &Value) -> PyResult<String> {
    repr::repr(ctx, v, &Recursion::default()).await
}

pub use repr::{format, scalar_repr, str, str_repr};

pub fn repr_value(v: Value) -> PyResult {
    if let Some(s) = scalar_repr(&v) {
        return Ok(Value::str(s));
    }
    run_async(|ctx| async move { Ok(Value::str(repr(&ctx, &v).await?)) })
}

pub fn str_value(v: Value) -> PyResult {
    if let Value::Str(_) = v {
        return Ok(v);
    }
    if let Some(s) = scalar_repr(&v) {
        return Ok(Value::str(s));
    }
    run_async(|ctx| async move { Ok(Value::str(str(&ctx, &v).await?)) })
}

/// `FormatValue`: the conversion (`!r`, `!s`, `!a`) then `format(value, spec)`.
pub fn format_value(v: Value, conv: Option<char>, spec: Option<Value>) -> PyResult {
    if let (Value::Str(_), None, None) = (&v, conv, &spec) {
        return Ok(v);
    }
    // A scalar's str, repr, ascii and empty-spec format are all the same ASCII text.
    if let (Some(s), None) = (scalar_repr(&v), &spec) {
        return Ok(Value::str(s));
    }
    run_async(|ctx| async move {
        let v = match conv {
            Some('r') => Value::str(repr(&ctx, &v).await?),
            Some('a') => Value::str(crate::pyfmt::ascii_escape(&repr(&ctx, &v).await?)),
            Some('s') => Value::str(str(&ctx, &v).await?),
            _ => v,
        };
        let spec = spec.as_ref().and_then(|s| s.as_str().map(str::to_string)).unwrap_or_default();
        Ok(Value::str(format(&ctx, &v, &spec).await?))
    })
}

// ---- truth ----

pub async fn truthy(ctx: &Ctx, v: &Value) -> PyResult<bool> {
    if let Some(t) = ops::truthy(v) {
        return Ok(t);
    }
    if let Some(m) = instance_dunder(v, sym::BOOL) {
        return match ctx.call(m, vec![v.clone()]).await? {
            Value::Bool(b) => Ok(b),
            other => Err(type_error(format!("__bool__ should return bool, returned {}", type_name(&other)))),
        };
    }
    if let Some(m) = instance_dunder(v, sym::LEN) {
        let n = ctx.call(m, vec![v.clone()]).await?;
        return Ok(len_result(n)? != 0);
    }
    Ok(true)
}

/// `bool(v)` as a value (a continuation when `__bool__`/`__len__` must run).
pub fn truth_value(v: Value) -> PyResult {
    run_async(|ctx| async move { Ok(Value::Bool(truthy(&ctx, &v).await?)) })
}

pub fn not_value(v: Value) -> PyResult {
    run_async(|ctx| async move { Ok(Value::Bool(!truthy(&ctx, &v).await?)) })
}

fn len_result(n: Value) -> PyResult<i64> {
    match builtin_value(&n) {
        Value::Int(i) if *i >= 0 => Ok(*i),
        Value::Int(_) => Err(ex::value_error("__len__() should return >= 0")),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) if num_traits::Signed::is_negative(&**b) => {
            Err(ex::value_error("__len__() should return >= 0"))
        }
        Value::BigInt(_) => Err(ex::overflow_error("cannot fit 'int' into an index-sized integer")),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    }
}

/// `len(v)`.
pub async fn len(ctx: &Ctx, v: &Value) -> PyResult<i64> {
    if let Some(n) = ops::len_builtin(v) {
        return Ok(n as i64);
    }
    match instance_dunder(v, sym::LEN) {
        Some(m) => len_result(ctx.call(m, vec![v.clone()]).await?),
        None => match ops::len_builtin(builtin_value(v)) {
            Some(n) => Ok(n as i64),
            None => Err(type_error(format!("object of type '{}' has no len()", type_name(v)))),
        },
    }
}

// ---- hashing ----

pub async fn hash(ctx: &Ctx, v: &Value) -> PyResult<i64> {
    match hash_value(v) {
        Ok(h) => Ok(h),
        Err(Unhashable::Type) => Err(unhashable(v)),
        Err(Unhashable::NeedsCall) => match v {
            // A tuple holding an instance with `__hash__`.
            Value::Tuple(t) => {
                let mut hashes = Vec::with_capacity(t.items.len());
                for x in t.items.iter() {
                    hashes.push(Box::pin(hash(ctx, x)).await?);
                }
                Ok(crate::object::hash::hash_tuple(&hashes))
            }
            _ => {
                let Some(m) = instance_dunder(v, sym::HASH) else { return Err(unhashable(v)) };
                match ctx.call(m, vec![v.clone()]).await? {
                    Value::Int(i) => Ok(if i == -1 { -2 } else { i }),
                    Value::Bool(b) => Ok(b as i64),
                    _ => Err(type_error("__hash__ method should return an integer")),
                }
            }
        },
    }
}

pub async fn hash_key(ctx: &Ctx, v: Value) -> PyResult<HashKey> {
    Ok(HashKey { hash: hash(ctx, &v).await?, value: v })
}

/// The key for a value when no script code is needed to hash it.
/// `TypeError: unhashable type: 'list'`. A tuple is unhashable because an item is, and
/// CPython names the item's type.
pub fn unhashable(v: &Value) -> Flow {
    if let Value::Tuple(t) = v {
        if let Some(item) = t.items.iter().find(|x| matches!(hash_value(x), Err(Unhashable::Type))) {
            return unhashable(item);
        }
    }
    type_error(format!("unhashable type: '{}'", type_name(v)))
}

pub fn hash_key_sync(v: Value) -> Option<PyResult<HashKey>> {
    match hash_value(&v) {
        Ok(h) => Some(Ok(HashKey { hash: h, value: v })),
        Err(Unhashable::Type) => Some(Err(unhashable(&v))),
        Err(Unhashable::NeedsCall) => None,
    }
}

// ---- comparison ----

/// `a op b` for any comparison operator.
pub async fn compare(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
    match op {
        CmpOp::Is => Ok(Value::Bool(a.is(b))),
        CmpOp::IsNot => Ok(Value::Bool(!a.is(b))),
        CmpOp::In => Ok(Value::Bool(contains(ctx, b, a).await?)),
        CmpOp::NotIn => Ok(Value::Bool(!contains(ctx, b, a).await?)),
        _ => rich_compare(ctx, op, a, b).await,
    }
}

/// The method of a rich comparison and its reflection (None for `is`, `in` and their
/// negations).
pub fn dunder_of(op: CmpOp) -> Option<(Symbol, Symbol)> {
    Some(match op {
        CmpOp::Eq => (sym::EQ, sym::EQ),
        CmpOp::NotEq => (sym::NE, sym::NE),
        CmpOp::Lt => (sym::LT, sym::GT),
        CmpOp::LtE => (sym::LE, sym::GE),
        CmpOp::Gt => (sym::GT, sym::LT),
        CmpOp::GtE => (sym::GE, sym::LE),
        _ => return None,
    })
}

pub fn op_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
    }
}

async fn rich_compare(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
    if has_script_type(a) || has_script_type(b) {
        let (name, reflected) = dunder_of(op).expect("a rich comparison");
        // A subclass's reflected method goes first, as in CPython.
        let b_first = match (a, b) {
            (Value::Instance(x), Value::Instance(y)) => {
                !Rc::ptr_eq(&x.class, &y.class) && y.class.is_subclass(&x.class)
            }
            _ => false,
        };
        let mut attempts: Vec<(Value, Value, Value)> = Vec::new();
        if let Some(m) = instance_dunder(a, name) {
            attempts.push((m, a.clone(), b.clone()));
        }
        if let Some(m) = instance_dunder(b, reflected) {
            if b_first {
                attempts.insert(0, (m, b.clone(), a.clone()));
            } else {
                attempts.push((m, b.clone(), a.clone()));
            }
        }
        for (m, x, y) in attempts {
            let r = ctx.call(m, vec![x, y]).await?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(r);
            }
        }
        if op == CmpOp::NotEq {
            if let Some(m) = instance_dunder(a, sym::EQ) {
                let r = ctx.call(m, vec![a.clone(), b.clone()]).await?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(Value::Bool(!truthy(ctx, &r).await?));
                }
            }
        }
        if let Some((x, y)) = ops::carried_values(a, b) {
            return Box::pin(rich_compare(ctx, op, x, y)).await;
        }
        return match op {
            CmpOp::Eq => Ok(Value::Bool(a.is(b))),
            CmpOp::NotEq => Ok(Value::Bool(!a.is(b))),
            _ => Err(not_supported(op, a, b)),
        };
    }
    let r = match op {
        CmpOp::Eq => eq(ctx, a, b).await?,
        CmpOp::NotEq => !eq(ctx, a, b).await?,
        _ => Box::pin(order(ctx, op, a, b)).await?,
    };
    Ok(Value::Bool(r))
}

pub fn not_supported(op: CmpOp, a: &Value, b: &Value) -> Flow {
    type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        op_symbol(op),
        type_name(a),
        type_name(b)
    ))
}

/// `a == b` as a bool.
pub async fn eq(ctx: &Ctx, a: &Value, b: &Value) -> PyResult<bool> {
    if let Some(r) = ops::eq_simple(a, b) {
        return Ok(r);
    }
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.items.borrow().clone(), y.items.borrow().clone());
            seq_eq(ctx, &x, &y).await
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(ctx, &x.items, &y.items).await,
        // Slices compare as their (start, stop, step).
        (Value::Slice(x), Value::Slice(y)) => {
            let parts = |s: &crate::value::PySlice| [s.start.clone(), s.stop.clone(), s.step.clone()];
            seq_eq(ctx, &parts(x), &parts(y)).await
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, v) in x.items() {
                let key = hash_key(ctx, k).await?;
                match keys::settle(ctx, || y.get(&key)).await? {
                    Some(w) => {
                        if !Box::pin(eq(ctx, &v, &w)).await? {
                            return Ok(false);
                        }
                    }
                    None => return Ok(false),
                }
            }
            Ok(true)
        }
        (Value::Set(x), Value::Set(y)) => keys::settle(ctx, || x.set_eq(y)).await,
        _ if has_script_type(a) || has_script_type(b) => {
            let r = Box::pin(rich_compare(ctx, CmpOp::Eq, a, b)).await?;
            truthy(ctx, &r).await
        }
        _ => Ok(a.is(b)),
    }
}

async fn seq_eq(ctx: &Ctx, x: &[Value], y: &[Value]) -> PyResult<bool> {
    if x.len() != y.len() {
        return Ok(false);
    }
    for (p, q) in x.iter().zip(y) {
        if !p.is(q) && !Box::pin(eq(ctx, p, q)).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a < b` and friends for builtin values (instances go through `rich_compare`).
async fn order(ctx: &Ctx, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
    let from_ord = |o: Ordering| match op {
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::LtE => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    };
    if let Some(r) = ops::num_compare(a, b) {
        return Ok(match r {
            Some(o) => from_ord(o),
            None => false, // NaN
        });
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(from_ord(x.s.cmp(&y.s))),
        (Value::Bytes(x), Value::Bytes(y)) => Ok(from_ord(x.data.borrow().as_slice().cmp(y.data.borrow().as_slice()))),
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.items.borrow().clone(), y.items.borrow().clone());
            seq_order(ctx, op, &x, &y).await
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_order(ctx, op, &x.items, &y.items).await,
        (Value::Set(x), Value::Set(y)) => {
            let (small, big) = if matches!(op, CmpOp::Lt | CmpOp::LtE) { (x, y) } else { (y, x) };
            let subset = keys::settle(ctx, || small.items.borrow().is_subset(&big.items.borrow())).await?;
            Ok(subset && (matches!(op, CmpOp::LtE | CmpOp::GtE) || small.len() < big.len()))
        }
        _ => Err(not_supported(op, a, b)),
    }
}

async fn seq_order(ctx: &Ctx, op: CmpOp, x: &[Value], y: &[Value]) -> PyResult<bool> {
    for (p, q) in x.iter().zip(y) {
        if p.is(q) || Box::pin(eq(ctx, p, q)).await? {
            continue;
        }
        let r = Box::pin(compare(ctx, op, p, q)).await?;
        return truthy(ctx, &r).await;
    }
    let o = x.len().cmp(&y.len());
    Ok(match op {
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::LtE => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    })
}

/// `a < b` as a bool (sorting, `min`, `max`).
pub async fn less(ctx: &Ctx, a: &Value, b: &Value) -> PyResult<bool> {
    if let Some(Some(o)) = ops::num_compare(a, b) {
        return Ok(o == Ordering::Less);
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        return Ok(x.s < y.s);
    }
    let r = compare(ctx, CmpOp::Lt, a, b).await?;
    truthy(ctx, &r).await
}

/// `item in container`.
pub async fn contains(ctx: &Ctx, container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.s.contains(&*sub.s)),
            _ => Err(type_error(format!("'in <string>' requires string as left operand, not {}", type_name(item)))),
        },
        Value::Bytes(b) => bytes::contains(b, item),
        Value::Dict(d) => dict_contains(ctx, d, item).await,
        Value::Set(s) => {
            let key = hash_key(ctx, item.clone()).await?;
            keys::settle(ctx, || s.contains(&key)).await
        }
        Value::Range(r) => Ok(match item {
            Value::Int(i) => {
                let n = r.len();
                n > 0 && {
                    let off = i - r.start;
                    off % r.step == 0 && (0..n).contains(&(off / r.step))
                }
            }
            _ => false,
        }),
        Value::List(_) | Value::Tuple(_) => {
            let items = match container {
                Value::List(l) => l.items.borrow().clone(),
                Value::Tuple(t) => t.items.to_vec(),
                _ => unreachable!(),
            };
            for x in &items {
                if x.is(item) || eq(ctx, x, item).await? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Wrapper(w) => match &**w {
            Wrapper::DictView { kind: DictViewKind::Keys, dict } => dict_contains(ctx, dict, item).await,
            _ => iter_contains(ctx, container, item).await,
        },
        Value::Instance(_) | Value::Class(_) => match instance_dunder(container, sym::CONTAINS) {
            Some(m) => {
                let r = ctx.call(m, vec![container.clone(), item.clone()]).await?;
                truthy(ctx, &r).await
            }
            None if !std::ptr::eq(builtin_value(container), container) => {
                Box::pin(contains(ctx, builtin_value(container), item)).await
            }
            None => iter_contains(ctx, container, item).await,
        },
        _ => iter_contains(ctx, container, item).await,
    }
}

async fn dict_contains(ctx: &Ctx, d: &PyDict, item: &Value) -> PyResult<bool> {
    let key = hash_key(ctx, item.clone()).await?;
    Ok(keys::settle(ctx, || d.get(&key)).await?.is_some())
}

async fn iter_contains(ctx: &Ctx, container: &Value, item: &Value) -> PyResult<bool> {
    let it = match get_iter(container) {
        Ok(it) => it,
        Err(Flow::Raise(_)) => {
            return Err(type_error(format!("argument of type '{}' is not iterable", type_name(container))))
        }
        Err(f) => ctx.resolve(Err(f)).await?,
    };
    while let Some(x) = next_item(ctx, &it).await? {
        if x.is(item) || eq(ctx, &x, item).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

// ---- iteration ----

/// `iter(v)`.
pub fn get_iter(v: &Value) -> PyResult {
    let it = match v {
        Value::List(l) => NativeIter::List { list: l.clone(), index: 0 },
        Value::Tuple(t) => NativeIter::Tuple { tuple: t.clone(), index: 0 },
        Value::Str(s) => NativeIter::Str { s: s.clone(), byte: 0 },
        Value::Bytes(b) => NativeIter::Bytes { bytes: b.clone(), index: 0 },
        Value::Range(r) => NativeIter::Range { next: r.start, remaining: r.len(), step: r.step },
        Value::Dict(d) => NativeIter::Dict { dict: d.clone(), kind: DictViewKind::Keys, index: 0, len: d.len() },
        Value::Set(s) => NativeIter::Set { set: s.clone(), pos: 0, len: s.len() },
        Value::Iter(_) => return Ok(v.clone()),
        Value::Generator(g) if g.is_plain_generator() => return Ok(v.clone()),
        Value::Wrapper(w) => match &**w {
            Wrapper::DictView { kind, dict } => {
                NativeIter::Dict { dict: dict.clone(), kind: *kind, index: 0, len: dict.len() }
            }
            _ => return Err(not_iterable(v)),
        },
        Value::Instance(_) | Value::Class(_) => {
            if let Some(m) = instance_dunder(v, sym::ITER) {
                let v = v.clone();
                return run_async(|ctx| async move {
                    let it = ctx.call(m, vec![v]).await?;
                    if !is_iterator(&it) {
                        return Err(type_error(format!("iter() returned non-iterator of type '{}'", type_name(&it))));
                    }
                    Ok(it)
                });
            }
            if instance_dunder(v, sym::GETITEM).is_some() {
                NativeIter::GetItem { obj: v.clone(), index: 0 }
            } else if !std::ptr::eq(builtin_value(v), v) {
                return get_iter(builtin_value(v));
            } else {
                return Err(not_iterable(v));
            }
        }
        _ => return Err(not_iterable(v)),
    };
    Ok(Value::Iter(Rc::new(RefCell::new(it))))
}

fn is_iterator(v: &Value) -> bool {
    match v {
        Value::Iter(_) => true,
        Value::Generator(g) => g.is_plain_generator(),
        Value::Instance(i) => dunder(&i.class, sym::NEXT).is_some(),
        _ => false,
    }
}

pub fn not_iterable(v: &Value) -> Flow {
    type_error(format!("'{}' object is not iterable", type_name(v)))
}

/// The next item of an iterator, or None when exhausted.
/// Every item of `v` when no script code can be involved in getting them: a builtin
/// container or its iterator. None for anything else, before anything is asked of it.
pub fn items_native(v: &Value) -> Option<PyResult<Vec<Value>>> {
    match v {
        Value::List(l) => return Some(Ok(l.items.borrow().clone())),
        Value::Tuple(t) => return Some(Ok(t.items.to_vec())),
        Value::Str(_) | Value::Bytes(_) | Value::Range(_) | Value::Dict(_) | Value::Set(_) => {}
        Value::Iter(_) if crate::object::iter::is_container_iter(v) => {}
        _ => return None,
    }
    let it = match get_iter(v) {
        Ok(it) => it,
        Err(e) => return Some(Err(e)),
    };
    let Value::Iter(cell) = &it else { return None };
    // A range's length is known: reserve it all, so a huge one fails at once with
    // MemoryError (CPython's length hint) instead of growing until memory runs out.
    let mut out = match &*cell.borrow() {
        NativeIter::Range { remaining, .. } => {
            match crate::runtime::alloc::vec_with_capacity((*remaining).max(0) as usize) {
                Ok(out) => out,
                Err(e) => return Some(Err(e)),
            }
        }
        _ => Vec::new(),
    };
    loop {
        match step_native(&it) {
            Ok(Step::Item(x)) => out.push(x),
            Ok(Step::Done) => return Some(Ok(out)),
            Ok(Step::NeedsVm) => return Some(Err(changed_size(cell))),
            Err(e) => return Some(Err(e)),
        }
    }
}

/// The next item of `it` when no script code is needed to get it, for natives that loop
/// without the VM until an item needs it (then they go on with `next_item`).
#[inline]
pub fn step_native(it: &Value) -> PyResult<Step> {
    crate::limits::poll()?;
    Ok(match it {
        Value::Iter(cell) => cell.borrow_mut().next_simple(),
        _ => Step::NeedsVm,
    })
}

pub async fn next_item(ctx: &Ctx, it: &Value) -> PyResult<Option<Value>> {
    // Natives loop over iterators without returning to the VM: `sum(range(10**12))`.
    crate::limits::poll()?;
    match it {
        Value::Iter(cell) => {
            let step = cell.borrow_mut().next_simple();
            match step {
                Step::Item(v) => Ok(Some(v)),
                Step::Done => Ok(None),
                Step::NeedsVm => Box::pin(next_composite(ctx, cell)).await,
            }
        }
        Value::Generator(_) => ctx.next(it).await,
        Value::Instance(inst) => match dunder(&inst.class, sym::NEXT) {
            // A native `__next__` (a library iterator) runs in place, not through the VM.
            Some(Value::Native(f)) => {
                let r = match (f.func)(&crate::object::function::Args { pos: std::slice::from_ref(it), kw: &[] }) {
                    r @ Err(Flow::Async(_)) => ctx.resolve(r).await,
                    r => r,
                };
                match r {
                    Ok(v) => Ok(Some(v)),
                    Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Some(m) => match ctx.call(m, vec![it.clone()]).await {
                Ok(v) => Ok(Some(v)),
                Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => Ok(None),
                Err(e) => Err(e),
            },
            None => Err(type_error(format!("'{}' object is not an iterator", type_name(it)))),
        },
        _ => Err(type_error(format!("'{}' object is not an iterator", type_name(it)))),
    }
}

/// The RuntimeError of a dict or set iterator whose container changed size, the one case
/// where a container's iterator does not step natively.
fn changed_size(cell: &RefCell<NativeIter>) -> Flow {
    match &*cell.borrow() {
        NativeIter::Set { .. } => ex::runtime_error("Set changed size during iteration"),
        _ => ex::runtime_error("dictionary changed size during iteration"),
    }
}

/// Steps of the lazy iterators whose items need script code.
async fn next_composite(ctx: &Ctx, cell: &RefCell<NativeIter>) -> PyResult<Option<Value>> {
    enum Kind {
        Enumerate(Value),
        Zip(Vec<Value>),
        Map(Value, Vec<Value>),
        Filter(Value, Value),
        GetItem(Value, i64),
        Callable(Value, Value),
    }
    let kind = match &*cell.borrow() {
        NativeIter::Enumerate { inner, .. } => Kind::Enumerate(inner.clone()),
        NativeIter::Zip { inners } => Kind::Zip(inners.clone()),
        NativeIter::Map { func, inners } => Kind::Map(func.clone(), inners.clone()),
        NativeIter::Filter { func, inner } => Kind::Filter(func.clone(), inner.clone()),
        NativeIter::GetItem { obj, index } => Kind::GetItem(obj.clone(), *index),
        NativeIter::Callable { func, sentinel } => Kind::Callable(func.clone(), sentinel.clone()),
        NativeIter::Dict { .. } | NativeIter::Set { .. } => return Err(changed_size(cell)),
        _ => return Ok(None),
    };
    let result = match kind {
        Kind::Enumerate(inner) => match next_item(ctx, &inner).await? {
            Some(v) => {
                let mut it = cell.borrow_mut();
                let NativeIter::Enumerate { count, .. } = &mut *it else { unreachable!() };
                let c = *count;
                *count += 1;
                Some(Value::tuple(vec![Value::Int(c), v]))
            }
            None => None,
        },
        Kind::Zip(inners) if inners.is_empty() => None,
        Kind::Zip(inners) => next_of_each(ctx, &inners).await?.map(Value::tuple),
        Kind::Map(func, inners) => match next_of_each(ctx, &inners).await? {
            Some(args) => Some(ctx.call(func, args).await?),
            None => None,
        },
        Kind::Filter(func, inner) => loop {
            match next_item(ctx, &inner).await? {
                Some(v) => {
                    let keep = if func.is_none() { v.clone() } else { ctx.call(func.clone(), vec![v.clone()]).await? };
                    if truthy(ctx, &keep).await? {
                        break Some(v);
                    }
                }
                None => break None,
            }
        },
        Kind::Callable(func, sentinel) => {
            let v = ctx.call(func, Vec::new()).await?;
            if eq(ctx, &v, &sentinel).await? {
                None
            } else {
                Some(v)
            }
        }
        Kind::GetItem(obj, index) => {
            let m = instance_dunder(&obj, sym::GETITEM).expect("__getitem__");
            match ctx.call(m, vec![obj, Value::Int(index)]).await {
                Ok(v) => {
                    if let NativeIter::GetItem { index, .. } = &mut *cell.borrow_mut() {
                        *index += 1;
                    }
                    Some(v)
                }
                Err(Flow::Raise(e))
                    if is_instance_of(&e, ExcType::IndexError) || is_instance_of(&e, ExcType::StopIteration) =>
                {
                    None
                }
                Err(e) => return Err(e),
            }
        }
    };
    if result.is_none() {
        *cell.borrow_mut() = NativeIter::Exhausted;
    }
    Ok(result)
}

/// The next item of every iterator, or None as soon as one is exhausted (zip and map).
async fn next_of_each(ctx: &Ctx, iters: &[Value]) -> PyResult<Option<Vec<Value>>> {
    let mut items = Vec::with_capacity(iters.len());
    for i in iters {
        match next_item(ctx, i).await? {
            Some(v) => items.push(v),
            None => return Ok(None),
        }
    }
    Ok(Some(items))
}

/// A native iterator's next item for the VM; `Ok(None)` when exhausted.
pub fn next_native(it: &Value) -> PyResult<Option<Value>> {
    let it = it.clone();
    let r = run_async(|ctx| async move {
        match next_item(&ctx, &it).await? {
            Some(v) => Ok(v),
            None => Err(ex::stop_iteration(None)),
        }
    });
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => Ok(None),
        Err(e) => Err(e),
    }
}

/// For `ForIter` on iterators that need script code: the item, or StopIteration.
pub fn next_async(it: Value) -> PyResult {
    run_async(|ctx| async move {
        match next_item(&ctx, &it).await? {
            Some(v) => Ok(v),
            None => Err(ex::stop_iteration(None)),
        }
    })
}

/// All items of an iterable.
pub async fn iterate(ctx: &Ctx, v: &Value) -> PyResult<Vec<Value>> {
    if let Some(items) = items_native(v) {
        return items;
    }
    let it = ctx.resolve(get_iter(v)).await?;
    // Iterators that need script code for each item are run to their end by the VM.
    if crate::object::iter::steps_script_code(&it) {
        return ctx.collect(it).await;
    }
    // An `__iter__` that returned a builtin container's iterator.
    if let Some(items) = items_native(&it) {
        return items;
    }
    let mut out = Vec::new();
    while let Some(x) = next_item(ctx, &it).await? {
        out.push(x);
    }
    Ok(out)
}

/// Items for unpacking when no script code is needed: `None` means use `collect_async`.
pub fn unpack_fast(v: &Value, n: usize) -> Option<PyResult<Vec<Value>>> {
    let items: Vec<Value> = match v {
        Value::List(l) => l.items.borrow().clone(),
        Value::Tuple(t) => t.items.to_vec(),
        Value::Str(s) => s.s.chars().map(|c| Value::str(c.to_string())).collect(),
        Value::Bytes(b) => b.data.borrow().iter().map(|&x| Value::Int(x as i64)).collect(),
        // Only as many items as the targets need are taken from a range of the wrong length.
        Value::Range(r) if n != usize::MAX && r.len() != n as i64 => {
            let got = r.len().max(0) as usize;
            (0..got.min(n)).map(|i| Value::Int(r.start + i as i64 * r.step)).collect()
        }
        Value::Range(r) => match crate::runtime::alloc::vec_with_capacity(r.len().max(0) as usize) {
            Ok(mut out) => {
                out.extend((0..r.len()).map(|i| Value::Int(r.start + i * r.step)));
                out
            }
            Err(e) => return Some(Err(e)),
        },
        Value::Dict(_) | Value::Set(_) => collect_simple(v)?,
        Value::Iter(_) | Value::Generator(_) | Value::Instance(_) | Value::Wrapper(_) => return None,
        _ => return Some(Err(type_error(format!("cannot unpack non-iterable {} object", type_name(v))))),
    };
    let too_many = matches!(v, Value::Range(r) if n != usize::MAX && r.len() > n as i64);
    if n != usize::MAX && (items.len() != n || too_many) {
        let msg = if too_many || items.len() > n {
            format!("too many values to unpack (expected {})", n)
        } else {
            format!("not enough values to unpack (expected {}, got {})", n, items.len())
        };
        return Some(Err(ex::value_error(msg)));
    }
    Some(Ok(items))
}

fn collect_simple(v: &Value) -> Option<Vec<Value>> {
    let it = get_iter(v).ok()?;
    let Value::Iter(cell) = &it else { return None };
    let mut out = Vec::new();
    loop {
        match cell.borrow_mut().next_simple() {
            Step::Item(x) => out.push(x),
            Step::Done => return Some(out),
            Step::NeedsVm => return None,
        }
    }
}

/// Collects any iterable into a list, for unpacking.
pub fn collect_value(v: Value) -> PyResult {
    run_async(|ctx| async move {
        if !matches!(v, Value::Iter(_) | Value::Generator(_) | Value::Instance(_) | Value::Wrapper(_)) {
            return Err(type_error(format!("cannot unpack non-iterable {} object", type_name(&v))));
        }
        Ok(Value::list(iterate(&ctx, &v).await?))
    })
}

// ---- building collections ----

/// `{a, b, ...}`: natively while every item hashes and compares without script code, then
/// the rest as a continuation.
pub fn make_set(items: Vec<Value>, frozen: bool) -> PyResult {
    let set = PySet::new(Default::default(), frozen);
    let mut items = items.into_iter();
    while let Some(v) = items.next() {
        match native_key(v)? {
            Ok(k) => match set.insert(k) {
                Ok(_) => {}
                Err(question) => return finish_set(set, question.probe, items),
            },
            Err(v) => return finish_set(set, v, items),
        }
    }
    Ok(Value::Set(Rc::new(set)))
}

fn finish_set(set: PySet, first: Value, rest: std::vec::IntoIter<Value>) -> PyResult {
    run_async(|ctx| async move {
        for v in std::iter::once(first).chain(rest) {
            keys::set_add(&ctx, &set, v).await?;
        }
        Ok(Value::Set(Rc::new(set)))
    })
}

/// A dict from alternating keys and values: natively while every key hashes and compares
/// without script code, then the rest as a continuation.
pub fn make_dict(items: Vec<Value>) -> PyResult {
    let d = PyDict::with_capacity(items.len() / 2);
    let mut items = items.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        match native_key(k)? {
            Ok(key) => {
                if d.insert(&key, &v).is_err() {
                    return finish_dict(d, (key.value, v), items);
                }
            }
            Err(k) => return finish_dict(d, (k, v), items),
        }
    }
    Ok(Value::Dict(Rc::new(d)))
}

fn finish_dict(d: PyDict, first: (Value, Value), rest: std::vec::IntoIter<Value>) -> PyResult {
    run_async(|ctx| async move {
        keys::dict_set(&ctx, &d, first.0, first.1).await?;
        let mut rest = rest;
        while let (Some(k), Some(v)) = (rest.next(), rest.next()) {
            keys::dict_set(&ctx, &d, k, v).await?;
        }
        Ok(Value::Dict(Rc::new(d)))
    })
}

/// The key for `v` when no script code is needed to hash it, `Err(v)` when `__hash__`
/// must run, or the TypeError of an unhashable value.
fn native_key(v: Value) -> PyResult<Result<HashKey, Value>> {
    match hash_value(&v) {
        Ok(hash) => Ok(Ok(HashKey { hash, value: v })),
        Err(Unhashable::Type) => Err(unhashable(&v)),
        Err(Unhashable::NeedsCall) => Ok(Err(v)),
    }
}

pub fn set_add(set: &Value, v: Value) -> PyResult<()> {
    let Value::Set(s) = set else { return Err(type_error("set expected")) };
    let s = s.clone();
    keys::keyed(v, move |k| {
        s.insert(k.clone())?;
        Ok(Ok(Value::None))
    })
    .map(|_| ())
}

/// `[*x]`, `{*x}`, `{**x}`: adds every item of `v` to the collection `target`.
/// `f(**m)`: adds the mapping `m` to the keyword arguments `target`, refusing a keyword
/// given twice as CPython words it for the callee `f`.
pub fn merge_kwargs(target: &Value, m: Value, f: &Value) -> PyResult<()> {
    if let (Value::Dict(t), Value::Dict(d)) = (target, builtin_value(&m)) {
        for (k, _) in d.items() {
            if let Some(name) = k.as_str().filter(|name| t.get_str(name).is_some()) {
                return Err(type_error(format!(
                    "{}() got multiple values for keyword argument '{}'",
                    function_str(f),
                    name
                )));
            }
        }
    }
    extend_collection(target, m)
}

/// How CPython names a callable in call errors: `module.qualname` for functions and classes.
pub fn function_str(f: &Value) -> String {
    match f {
        Value::Function(func) if func.globals.name != sym::BUILTINS => {
            format!("{}.{}", func.globals.name, func.qualname.borrow())
        }
        Value::Function(func) => func.qualname.borrow().clone(),
        Value::BoundMethod(m) => function_str(&m.func),
        Value::Class(c) if c.module != sym::BUILTINS => format!("{}.{}", c.module, c.qualname()),
        Value::Class(c) => c.qualname().clone(),
        Value::Native(n) => n.name.to_string(),
        other => format!("{} object", type_name(other)),
    }
}

pub fn extend_collection(target: &Value, v: Value) -> PyResult<()> {
    // A list or tuple into a list (`[*a]`, `f(*args)`) and a dict into a dict (`f(**kw)`,
    // `{**d}`) are copied on the spot, without a continuation.
    match (target, &v) {
        (Value::List(l), Value::List(src)) => {
            let items = src.items.borrow().clone();
            l.items.borrow_mut().extend(items);
            return Ok(());
        }
        (Value::List(l), Value::Tuple(src)) => {
            l.items.borrow_mut().extend(src.items.iter().cloned());
            return Ok(());
        }
        (Value::Dict(d), Value::Dict(src)) => {
            let pairs = src.map.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return keys::dict_extend(d, pairs, Value::None).map(|_| ());
        }
        _ => {}
    }
    let target = target.clone();
    run_async(|ctx| async move {
        match &target {
            Value::List(l) => {
                let items = iterate(&ctx, &v)
                    .await
                    .map_err(|e| retype_not_iterable(e, &v, "Value after * must be an iterable, not"))?;
                l.items.borrow_mut().extend(items);
            }
            Value::Set(s) => {
                // `{*x}` adds like `set.update`: whole tables merge, dicts after one resize.
                match &v {
                    Value::Set(src) if Rc::ptr_eq(src, s) => return Ok(Value::None),
                    Value::Set(src) => {
                        let merge = || {
                            let src = src.items.borrow();
                            s.modify(src.may_need_script_eq(), |t| t.merge(&src))
                        };
                        keys::settle(&ctx, merge).await?;
                        return Ok(Value::None);
                    }
                    Value::Dict(d) => {
                        let ks: Vec<HashKey> = d.map.borrow().keys().cloned().collect();
                        let may_ask = ks.iter().any(|k| needs_script_eq(&k.value));
                        keys::settle(&ctx, || s.modify(may_ask, |t| t.merge_dict_keys(&ks))).await?;
                        return Ok(Value::None);
                    }
                    _ => {}
                }
                for x in iterate(&ctx, &v).await? {
                    keys::set_add(&ctx, s, x).await?;
                }
            }
            Value::Dict(d) => match builtin_value(&v) {
                Value::Dict(src) => {
                    let pairs = src.map.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    ctx.resolve(keys::dict_extend(d, pairs, Value::None)).await?;
                }
                _ => return Err(type_error(format!("'{}' object is not a mapping", type_name(&v)))),
            },
            _ => return Err(type_error("cannot extend this collection")),
        }
        Ok(Value::None)
    })
    .map(|_| ())
}

fn retype_not_iterable(e: Flow, v: &Value, prefix: &str) -> Flow {
    match &e {
        Flow::Raise(x)
            if is_instance_of(x, ExcType::TypeError)
                && !matches!(v, Value::Instance(_) | Value::Generator(_) | Value::Iter(_)) =>
        {
            type_error(format!("{} {}", prefix, type_name(v)))
        }
        _ => e,
    }
}

// ---- exceptions ----

/// `raise e [from cause]` while `context` is being handled: the exception to raise.
pub fn make_exception(e: Value, cause: Option<Value>, context: Option<Value>) -> Flow {
    let r = run_async(|ctx| async move {
        let exc = instantiate_exception(&ctx, e).await?;
        let data = exc.exc().expect("exception instance");
        if let Some(c) = cause {
            let c = match c {
                Value::None => None,
                other => Some(Value::Instance(
                    instantiate_exception(&ctx, other)
                        .await
                        .map_err(|_| type_error("exception causes must derive from BaseException"))?,
                )),
            };
            data.borrow_mut().cause = c;
            data.borrow_mut().suppress_context = true;
        }
        if let Some(Value::Instance(c)) = context {
            if !Rc::ptr_eq(&c, &exc) {
                data.borrow_mut().context = Some(Value::Instance(c));
            }
        }
        Err(Flow::Raise(exc))
    });
    match r {
        Err(f) => f,
        Ok(_) => ex::raise(ExcType::SystemError, "raise produced no exception"),
    }
}

async fn instantiate_exception(ctx: &Ctx, e: Value) -> PyResult<crate::vm::Exc> {
    match e {
        Value::Instance(i) if i.exc().is_some() => Ok(i),
        Value::Class(c) if c.is_subclass(types().exc(ExcType::BaseException)) => {
            match ctx.call(Value::Class(c), vec![]).await? {
                Value::Instance(i) if i.exc().is_some() => Ok(i),
                _ => Err(type_error("calling the exception class did not return an exception")),
            }
        }
        _ => Err(type_error("exceptions must derive from BaseException")),
    }
}

/// `except T:` matching; `typ` is a class or a tuple of classes.
pub fn exception_matches(e: &Value, typ: &Value) -> PyResult<bool> {
    let Value::Instance(inst) = e else { return Ok(false) };
    match typ {
        Value::Class(c) if c.is_subclass(types().exc(ExcType::BaseException)) => Ok(inst.class.is_subclass(c)),
        Value::Tuple(t) => {
            for x in t.items.iter() {
                if exception_matches(e, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(type_error("catching classes that do not inherit from BaseException is not allowed")),
    }
}
