//! The `builtins` module: functions, constructors of the builtin types, and the exception
//! classes, all visible to scripts without an import.

use crate::intern::{intern, sym};
use crate::object::function::{Args, NativeFn};
use crate::object::iter::{NativeIter, Step};
use crate::object::module::Module;
use crate::object::Wrapper;
pub use crate::runtime::args::index_arg;
use crate::runtime::args::{arg, check_args, kwarg, ArgSpec};
use crate::runtime::define::{base_init, constructor, method, native};
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::class_check::{isinstance, issubclass};
use crate::runtime::protocol::numeric::abs;
use crate::runtime::protocol::{self, hash, iterate, less, next_item, truthy};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::{PyRange, Value};
use crate::vm::native::{run_async, Ctx};
use crate::vm::{ops, Flow, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(sym::BUILTINS));
    m.builtin.set(true);
    let t = types();
    let set = |name: &str, v: Value| m.set(intern(name), v);
    for (name, class) in [
        ("object", &t.object),
        ("type", &t.type_),
        ("int", &t.int),
        ("bool", &t.bool),
        ("float", &t.float),
        ("complex", &t.complex),
        ("str", &t.str),
        ("bytes", &t.bytes),
        ("bytearray", &t.bytearray),
        ("memoryview", &t.memoryview),
        ("list", &t.list),
        ("tuple", &t.tuple),
        ("dict", &t.dict),
        ("set", &t.set),
        ("frozenset", &t.frozenset),
        ("range", &t.range),
        ("slice", &t.slice),
        ("property", &t.property),
        ("staticmethod", &t.staticmethod),
        ("classmethod", &t.classmethod),
        ("super", &t.super_),
    ] {
        set(name, Value::Class(class.clone()));
    }
    for &exc in ExcType::ALL {
        set(exc.name(), Value::Class(t.exc(exc).clone()));
    }
    set("HTTPError", Value::Class(super::http::http_error_class()));
    for alias in ["IOError", "EnvironmentError"] {
        set(alias, Value::Class(t.exc(ExcType::OSError).clone()));
    }
    t.exc(ExcType::BaseException).attrs.borrow_mut().insert(sym::INIT, base_init());
    crate::runtime::os_error::install();
    super::io::errors::install();
    set("NotImplemented", Value::NotImplemented);
    set("Ellipsis", Value::Ellipsis);
    set("__name__", Value::str("builtins"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("print", super::io::streams::print),
        ("open", super::io::open),
        ("input", super::io::streams::input),
        ("len", len),
        ("repr", repr_fn),
        ("ascii", ascii),
        ("isinstance", isinstance),
        ("issubclass", issubclass),
        ("hasattr", hasattr),
        ("getattr", getattr),
        ("setattr", setattr),
        ("delattr", delattr),
        ("callable", callable),
        ("iter", iter),
        ("next", next),
        ("exec", super::exec::exec),
        ("aiter", crate::runtime::coroutine::async_generators::aiter),
        ("anext", crate::runtime::coroutine::async_generators::anext),
        ("sum", sum),
        ("min", min),
        ("max", max),
        ("sorted", sorted),
        ("reversed", reversed),
        ("enumerate", enumerate),
        ("zip", zip),
        ("map", map),
        ("filter", filter),
        ("any", any),
        ("all", all),
        ("abs", abs),
        ("hash", hash_fn),
        ("id", id),
        ("format", format_fn),
        ("vars", vars),
        ("locals", locals),
        ("globals", globals),
        ("__import__", dunder_import),
        ("dir", super::dir::dir),
        ("http_get", http_get),
    ];
    for &(name, f) in fns {
        set(name, native(name, f));
    }
    constructors();
    crate::runtime::descriptors::install();
    crate::runtime::type_object::install();
    super::numbers::install(&m);
    super::complex::install();
    crate::runtime::exception_groups::install();
    crate::runtime::traceback_objects::install();
    super::strings::install();
    super::bytes::install();
    super::containers::install();
    crate::runtime::coroutine::generators::install();
    crate::runtime::coroutine::async_generators::install();
    crate::import::install();
    crate::runtime::exception_fields::install();
    m
}

fn constructors() {
    let t = types();
    // Defined on `object` for scripts that call it from their own `__setattr__`; it does not
    // make classes override `__setattr__` (object's attribute rules are never settled).
    method(&t.object, "__setattr__", |a| {
        check_args(a, "__setattr__", 3, 3)?;
        let name = attr_name(&a.pos[1])?;
        match &a.pos[0] {
            Value::Class(c) => crate::vm::set_class_attr(c, name, a.pos[2].clone())?,
            Value::Instance(inst) => crate::vm::generic_set_attr(&a.pos[0], inst, name, a.pos[2].clone())?,
            other => crate::vm::set_attr(other, name, a.pos[2].clone())?,
        }
        Ok(Value::None)
    });
    method(&t.object, "__getattribute__", |a| {
        check_args(a, "__getattribute__", 2, 2)?;
        let name = attr_name(&a.pos[1])?;
        match &a.pos[0] {
            Value::Instance(inst) => crate::vm::generic_get_attr(&a.pos[0], inst, name),
            other => crate::vm::get_attr(other, name),
        }
    });
    method(&t.object, "__delattr__", |a| {
        check_args(a, "__delattr__", 2, 2)?;
        let name = attr_name(&a.pos[1])?;
        match &a.pos[0] {
            Value::Class(c) => crate::vm::del_class_attr(c, name)?,
            Value::Instance(inst) => crate::vm::generic_del_attr(&a.pos[0], inst, name)?,
            other => crate::vm::del_attr(other, name)?,
        }
        Ok(Value::None)
    });
    constructor(&t.range, range_new);
    constructor(&t.slice, |a| {
        check_args(a, "slice", 1, 3)?;
        if !a.kw.is_empty() {
            return Err(type_error("slice() takes no keyword arguments"));
        }
        let (start, stop, step) = match a.pos {
            [stop] => (Value::None, stop.clone(), Value::None),
            [start, stop] => (start.clone(), stop.clone(), Value::None),
            [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
            _ => unreachable!(),
        };
        Ok(Value::Slice(Rc::new(crate::value::PySlice { start, stop, step })))
    });
    method(&t.slice, "indices", |a| {
        let Some(Value::Slice(s)) = a.pos.first() else {
            return Err(type_error("descriptor 'indices' requires a 'slice' object"));
        };
        check_args(&Args { pos: &a.pos[1..], kw: a.kw }, "slice.indices", 1, 1)?;
        let len = index_arg(&a.pos[1])?;
        if len < 0 {
            return Err(ex::value_error("length should not be negative"));
        }
        let (start, stop, step) = ops::slice_indices(s, len as usize)?;
        Ok(Value::tuple(vec![Value::Int(start), Value::Int(stop), Value::Int(step)]))
    });
    constructor(&t.property, |a| {
        let get = |i: usize, name: &str| a.pos.get(i).cloned().or_else(|| kwarg(a, name)).unwrap_or(Value::None);
        Ok(Value::Wrapper(Rc::new(Wrapper::Property {
            fget: get(0, "fget"),
            fset: get(1, "fset"),
            fdel: get(2, "fdel"),
            doc: get(3, "doc"),
        })))
    });
    constructor(&t.staticmethod, |a| {
        Ok(Value::Wrapper(Rc::new(Wrapper::StaticMethod(arg(a, 0, "staticmethod")?.clone()))))
    });
    constructor(&t.classmethod, |a| {
        Ok(Value::Wrapper(Rc::new(Wrapper::ClassMethod(arg(a, 0, "classmethod")?.clone()))))
    });
    // `X | Y` of types makes a `types.UnionType`.
    method(&t.type_, "__or__", |a| {
        check_args(a, "__or__", 2, 2)?;
        crate::runtime::generic_alias::union_of(&a.pos[0], &a.pos[1])
    });
    method(&t.type_, "__ror__", |a| {
        check_args(a, "__ror__", 2, 2)?;
        crate::runtime::generic_alias::union_of(&a.pos[1], &a.pos[0])
    });
    // `types.MethodType(func, obj)`.
    constructor(&t.method, |a| {
        check_args(a, "method", 2, 2)?;
        if !a.kw.is_empty() {
            return Err(type_error("method() takes no keyword arguments"));
        }
        if !is_callable(&a.pos[0]) {
            return Err(type_error("first argument must be callable"));
        }
        if a.pos[1].is_none() {
            return Err(type_error("instance must not be None"));
        }
        let m = crate::object::function::BoundMethod { receiver: a.pos[1].clone(), func: a.pos[0].clone() };
        Ok(Value::BoundMethod(Rc::new(m)))
    });
    constructor(&t.super_, |a| match a.pos {
        [Value::Class(c), obj] => Ok(Value::Wrapper(Rc::new(Wrapper::Super { class: c.clone(), obj: obj.clone() }))),
        [] => Err(ex::runtime_error("super(): no arguments")),
        _ => Err(type_error("super() argument 1 must be a type")),
    });
    for (name, which) in [("setter", 1usize), ("getter", 0), ("deleter", 2)] {
        let f: NativeFn = match which {
            0 => |a| property_with(a, 0),
            1 => |a| property_with(a, 1),
            _ => |a| property_with(a, 2),
        };
        method(&t.property, name, f);
    }
}

/// `prop.getter(f)` / `.setter(f)` / `.deleter(f)`: a copy of the property with one function replaced.
fn property_with(a: &Args, which: usize) -> PyResult {
    let (Some(Value::Wrapper(w)), Some(f)) = (a.pos.first(), a.pos.get(1)) else {
        return Err(type_error("property method needs a function"));
    };
    let Wrapper::Property { fget, fset, fdel, doc } = &**w else { return Err(type_error("not a property")) };
    let mut parts = [fget.clone(), fset.clone(), fdel.clone()];
    parts[which] = f.clone();
    let [fget, fset, fdel] = parts;
    Ok(Value::Wrapper(Rc::new(Wrapper::Property { fget, fset, fdel, doc: doc.clone() })))
}

fn range_new(a: &Args) -> PyResult {
    check_args(a, "range", 1, 3)?;
    if let Some(r) = crate::runtime::args::with_indices(a, 0, range_new) {
        return r;
    }
    let ints: Vec<i64> = a.pos.iter().map(index_arg).collect::<PyResult<_>>()?;
    let (start, stop, step) = match ints[..] {
        [stop] => (0, stop, 1),
        [start, stop] => (start, stop, 1),
        [start, stop, step] => (start, stop, step),
        _ => unreachable!(),
    };
    if step == 0 {
        return Err(ex::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(PyRange { start, stop, step })))
}

fn len(a: &Args) -> PyResult {
    check_args(a, "len", 1, 1)?;
    if let Some(n) = ops::len_builtin(&a.pos[0]) {
        return Ok(Value::Int(n as i64));
    }
    let v = a.pos[0].clone();
    run_async(|ctx| async move { Ok(Value::Int(protocol::len(&ctx, &v).await?)) })
}

fn repr_fn(a: &Args) -> PyResult {
    check_args(a, "repr", 1, 1)?;
    protocol::repr_value(a.pos[0].clone())
}

fn ascii(a: &Args) -> PyResult {
    check_args(a, "ascii", 1, 1)?;
    protocol::format_value(a.pos[0].clone(), Some('a'), None)
}

fn format_fn(a: &Args) -> PyResult {
    check_args(a, "format", 1, 2)?;
    let spec = a.pos.get(1).cloned();
    protocol::format_value(a.pos[0].clone(), None, spec)
}

fn attr_name(v: &Value) -> PyResult<crate::intern::Symbol> {
    match v {
        Value::Str(s) => Ok(intern(&s.s)),
        other => Err(type_error(format!("attribute name must be string, not '{}'", type_name(other)))),
    }
}

fn getattr(a: &Args) -> PyResult {
    check_args(a, "getattr", 2, 3)?;
    let name = attr_name(&a.pos[1])?;
    match a.pos.get(2) {
        None => crate::vm::get_attr(&a.pos[0], name),
        Some(default) => attr_or_missing(&a.pos[0], name, |v| v, default.clone()),
    }
}

fn hasattr(a: &Args) -> PyResult {
    check_args(a, "hasattr", 2, 2)?;
    let name = attr_name(&a.pos[1])?;
    attr_or_missing(&a.pos[0], name, |_| Value::Bool(true), Value::Bool(false))
}

/// `found(obj.name)`, or `missing` where reading it raises AttributeError.
fn attr_or_missing(obj: &Value, name: crate::intern::Symbol, found: fn(Value) -> Value, missing: Value) -> PyResult {
    let is_attribute_error = |e: &crate::vm::Flow| match e {
        crate::vm::Flow::Raise(e) => ex::is_instance_of(e, ExcType::AttributeError),
        _ => false,
    };
    match crate::vm::get_attr_or_missing(obj, name) {
        None => Ok(missing),
        Some(Ok(v)) => Ok(found(v)),
        Some(Err(e)) if is_attribute_error(&e) => Ok(missing),
        Some(r @ Err(crate::vm::Flow::Async(_))) => run_async(|ctx| async move {
            match ctx.resolve(r).await {
                Ok(v) => Ok(found(v)),
                Err(e) if is_attribute_error(&e) => Ok(missing),
                Err(e) => Err(e),
            }
        }),
        Some(Err(e)) => Err(e),
    }
}

fn setattr(a: &Args) -> PyResult {
    check_args(a, "setattr", 3, 3)?;
    crate::vm::set_attr(&a.pos[0], attr_name(&a.pos[1])?, a.pos[2].clone())?;
    Ok(Value::None)
}

fn delattr(a: &Args) -> PyResult {
    check_args(a, "delattr", 2, 2)?;
    crate::vm::del_attr(&a.pos[0], attr_name(&a.pos[1])?)?;
    Ok(Value::None)
}

fn callable(a: &Args) -> PyResult {
    check_args(a, "callable", 1, 1)?;
    Ok(Value::Bool(is_callable(&a.pos[0])))
}

/// `callable(v)`.
pub fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Wrapper(w) => matches!(**w, Wrapper::Slot { .. } | Wrapper::BuiltinNew { .. }),
        Value::Instance(i) => i.class.lookup(sym::CALL).is_some(),
        _ => false,
    }
}

fn iter(a: &Args) -> PyResult {
    check_args(a, "iter", 1, 2)?;
    match a.pos {
        [v] => protocol::get_iter(v),
        [func, sentinel] if is_callable(func) => {
            let it = NativeIter::Callable { func: func.clone(), sentinel: sentinel.clone() };
            Ok(Value::Iter(Rc::new(RefCell::new(it))))
        }
        _ => Err(type_error("iter(v, w): v must be callable")),
    }
}

fn next(a: &Args) -> PyResult {
    check_args(a, "next", 1, 2)?;
    let it = a.pos[0].clone();
    let default = a.pos.get(1).cloned();
    let is_iterator = match &it {
        Value::Iter(_) | Value::Instance(_) => true,
        Value::Generator(g) => g.is_plain_generator(),
        _ => false,
    };
    if !is_iterator {
        return Err(type_error(format!("'{}' object is not an iterator", type_name(&it))));
    }
    run_async(|ctx| async move {
        match it {
            Value::Generator(g) => match ctx.send(g, Value::None).await? {
                crate::vm::native::GenStep::Yielded(v) => Ok(v),
                crate::vm::native::GenStep::Returned(v) => match default {
                    Some(d) => Ok(d),
                    None => Err(ex::stop_iteration(if v.is_none() { None } else { Some(v) })),
                },
            },
            _ => match next_item(&ctx, &it).await? {
                Some(v) => Ok(v),
                None => default.ok_or_else(|| ex::stop_iteration(None)),
            },
        }
    })
}

/// `sum`: natively while the items come from a native iterator and adding them needs no
/// script code, then the rest as a continuation.
fn sum(a: &Args) -> PyResult {
    check_args(a, "sum", 1, 2)?;
    let start = a.pos.get(1).cloned().or_else(|| kwarg(a, "start")).unwrap_or(Value::Int(0));
    if let Value::Str(_) = start {
        return Err(type_error("sum() can't sum strings [use ''.join(seq) instead]"));
    }
    let it = match protocol::get_iter(&a.pos[0]) {
        Ok(it) => it,
        r @ Err(Flow::Async(_)) => return sum_async(r, Ok(start)),
        Err(e) => return Err(e),
    };
    let mut acc = start;
    loop {
        match protocol::step_native(&it)? {
            Step::Item(x) => {
                acc = match add_for_sum(&acc, &x) {
                    r @ Err(Flow::Async(_)) => return sum_async(Ok(it), r),
                    r => r?,
                }
            }
            Step::Done => return Ok(acc),
            Step::NeedsVm => return sum_async(Ok(it), Ok(acc)),
        }
    }
}

/// `acc + x`, ints without the generic operator.
#[inline]
fn add_for_sum(acc: &Value, x: &Value) -> PyResult {
    if let (Value::Int(a), Value::Int(b)) = (acc, x) {
        if let Some(n) = a.checked_add(*b) {
            return Ok(Value::Int(n));
        }
    }
    ops::binary(crate::ast::BinOp::Add, acc, x)
}

/// `sum` from the iterator `it` on, both it and the total so far still to be resolved.
fn sum_async(it: PyResult, acc: PyResult) -> PyResult {
    run_async(|ctx| async move {
        let it = ctx.resolve(it).await?;
        let mut acc = ctx.resolve(acc).await?;
        while let Some(x) = next_item(&ctx, &it).await? {
            acc = ctx.resolve(add_for_sum(&acc, &x)).await?;
        }
        Ok(acc)
    })
}

fn min(a: &Args) -> PyResult {
    min_max(a, "min", false)
}

fn max(a: &Args) -> PyResult {
    min_max(a, "max", true)
}

fn min_max(a: &Args, name: &'static str, want_max: bool) -> PyResult {
    let spec = ArgSpec::new(name).keywords(&["key", "default"]);
    spec.check(a)?;
    if a.pos.is_empty() {
        return Err(type_error(format!("{} expected at least 1 argument, got 0", name)));
    }
    let key = kwarg(a, "key").filter(|k| !k.is_none());
    let default = kwarg(a, "default");
    if key.is_none() {
        if let Some(best) = min_max_now(a.pos, want_max) {
            return Ok(best);
        }
    }
    let source = if a.pos.len() == 1 { a.pos[0].clone() } else { Value::tuple(a.pos.to_vec()) };
    run_async(|ctx| async move {
        let items = iterate(&ctx, &source).await?;
        let mut best: Option<(Value, Value)> = None;
        for x in items {
            let k = match &key {
                Some(f) => ctx.call(f.clone(), vec![x.clone()]).await?,
                None => x.clone(),
            };
            best = Some(match best {
                None => (x, k),
                Some((bx, bk)) => {
                    // `max` asks `item > best` (CPython's order of operands and operator,
                    // which shows in error messages and in which dunder runs).
                    let better = match (want_max, super::sort_keys::less_now(&bk, &k)) {
                        (true, Some(b)) => b,
                        (true, None) => {
                            let r = protocol::compare(&ctx, crate::ast::CmpOp::Gt, &k, &bk).await?;
                            truthy(&ctx, &r).await?
                        }
                        (false, _) => less(&ctx, &k, &bk).await?,
                    };
                    if better {
                        (x, k)
                    } else {
                        (bx, bk)
                    }
                }
            });
        }
        match (best, default) {
            (Some((x, _)), _) => Ok(x),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(ex::value_error(format!("{}() arg is an empty sequence", name))),
        }
    })
}

/// `min(a, b, ...)` / `max(...)` of several arguments, or of one list or tuple, without a key,
/// when every comparison is of numbers or strings: computed at once, without the
/// continuation. None (nothing observable done) when some comparison needs the general path.
fn min_max_now(pos: &[Value], want_max: bool) -> Option<Value> {
    match pos {
        // The comparisons run no script code, so the list cannot change while borrowed.
        [Value::List(l)] => best_now(&l.items.borrow(), want_max),
        [Value::Tuple(t)] => best_now(&t.items, want_max),
        [_] => None,
        items => best_now(items, want_max),
    }
}

/// The first least (or greatest) of `items` if numbers or strings decide every comparison.
fn best_now(items: &[Value], want_max: bool) -> Option<Value> {
    let (first, rest) = items.split_first()?;
    let mut best = first;
    for x in rest {
        let better = if want_max { super::sort_keys::less_now(best, x)? } else { super::sort_keys::less_now(x, best)? };
        if better {
            best = x;
        }
    }
    Some(best.clone())
}

/// Stable sort by key, as `sorted()` and `list.sort()` do it.
pub async fn sort_values(ctx: &Ctx, items: Vec<Value>, key: Option<Value>, reverse: bool) -> PyResult<Vec<Value>> {
    let computed;
    let keys: &[Value] = match &key {
        Some(f) => {
            computed = sort_keys_of(ctx, f, &items).await?;
            &computed
        }
        None => &items,
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    if reverse {
        order.reverse();
    }
    // Numbers, strings and tuples of them sort natively (small ints most simply, as CPython
    // does), in runs with the run's limits checked between them (a huge sort notices a
    // deadline); anything else compares through `<`.
    let ints: Option<Vec<i64>> = keys.iter().map(|k| if let Value::Int(i) = k { Some(*i) } else { None }).collect();
    let native = ints.is_some() || super::sort_keys::natively_ordered(keys);
    let mut width = 1;
    if native {
        width = NATIVE_RUN;
        for run in order.chunks_mut(NATIVE_RUN) {
            match &ints {
                Some(ints) => run.sort_by_key(|&i| ints[i]),
                None => run.sort_by(|&i, &j| super::sort_keys::native_cmp(&keys[i], &keys[j])),
            }
            crate::limits::charge(run.len() as u64)?;
        }
    }
    order = merge_sort(ctx, order, keys, width, native).await?;
    if reverse {
        order.reverse();
    }
    Ok(order.into_iter().map(|i| items[i].clone()).collect())
}

/// `key(x)` for every item, all before any comparison, as CPython computes them. A native
/// key function (`operator.itemgetter`, `len`, `str.lower`) is called here; a script one by
/// the VM, item after item, in a hidden frame over `map(key, items)`.
async fn sort_keys_of(ctx: &Ctx, key: &Value, items: &[Value]) -> PyResult<Vec<Value>> {
    let Some((func, receiver)) = native_callable(key) else {
        let items = protocol::get_iter(&Value::list(items.to_vec()))?;
        return ctx.collect(new_iter(NativeIter::Map { func: key.clone(), inners: vec![items] })).await;
    };
    let mut keys = Vec::with_capacity(items.len());
    let mut args = Vec::with_capacity(2);
    for x in items {
        args.clear();
        args.extend(receiver.iter().cloned());
        args.push(x.clone());
        keys.push(match func(&Args { pos: &args, kw: &[] }) {
            k @ Err(Flow::Async(_)) => ctx.resolve(k).await?,
            k => k?,
        });
    }
    Ok(keys)
}

/// The native function a call of `f` comes down to, with the receiver it takes first: for
/// a native function, a bound native method, or an object whose class's `__call__` is native.
fn native_callable(f: &Value) -> Option<(NativeFn, Option<Value>)> {
    match f {
        Value::Native(n) => Some((n.func, None)),
        Value::BoundMethod(m) => match &m.func {
            Value::Native(n) => Some((n.func, Some(m.receiver.clone()))),
            _ => None,
        },
        Value::Instance(inst) => match inst.class.lookup(sym::CALL)? {
            Value::Native(n) => Some((n.func, Some(f.clone()))),
            _ => None,
        },
        _ => None,
    }
}

/// How many items a native sort sorts at once before it checks the run's limits.
const NATIVE_RUN: usize = 1 << 16;

/// Bottom-up merge sort of indices by `keys`, from sorted runs of `width`, comparing
/// `right < left` like CPython (`native`: the keys are `natively_ordered`).
async fn merge_sort(
    ctx: &Ctx,
    mut v: Vec<usize>,
    keys: &[Value],
    mut width: usize,
    native: bool,
) -> PyResult<Vec<usize>> {
    let n = v.len();
    // Each pass merges from `v` into `out`, then they trade places.
    let mut out = Vec::new();
    while width < n {
        out.clear();
        out.reserve(n);
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                crate::limits::poll()?;
                let (right, left) = (&keys[v[j]], &keys[v[i]]);
                let right_first = match native {
                    true => super::sort_keys::native_cmp(right, left).is_lt(),
                    false => less(ctx, right, left).await?,
                };
                if right_first {
                    out.push(v[j]);
                    j += 1;
                } else {
                    out.push(v[i]);
                    i += 1;
                }
            }
            out.extend_from_slice(&v[i..mid]);
            out.extend_from_slice(&v[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut v, &mut out);
        width *= 2;
    }
    Ok(v)
}

fn sorted(a: &Args) -> PyResult {
    ArgSpec::new("sorted").keywords(&["key", "reverse"]).check(a)?;
    check_args(a, "sorted", 1, 1)?;
    let source = a.pos[0].clone();
    let key = kwarg(a, "key").filter(|k| !k.is_none());
    let reverse = kwarg(a, "reverse").map(|r| ops::truthy(&r).unwrap_or(true)).unwrap_or(false);
    run_async(|ctx| async move {
        let items = iterate(&ctx, &source).await?;
        Ok(Value::list(sort_values(&ctx, items, key, reverse).await?))
    })
}

fn new_iter(it: NativeIter) -> Value {
    Value::Iter(Rc::new(RefCell::new(it)))
}

fn reversed(a: &Args) -> PyResult {
    check_args(a, "reversed", 1, 1)?;
    reversed_value(a.pos[0].clone())
}

/// `reversed(v)`.
pub fn reversed_value(v: Value) -> PyResult {
    let items: Vec<Value> = match &v {
        Value::List(l) => l.items.borrow().iter().rev().cloned().collect(),
        Value::Tuple(t) => t.items.iter().rev().cloned().collect(),
        Value::Str(s) => s.s.chars().rev().map(|c| Value::str(c.to_string())).collect(),
        Value::Range(r) => (0..r.len()).rev().map(|i| Value::Int(r.get(i))).collect(),
        Value::Dict(d) => d.keys().into_iter().rev().collect(),
        Value::Instance(inst) => {
            if let Some(m) = inst.class.lookup(sym::REVERSED) {
                return run_async(|ctx| async move { ctx.call(m, vec![v]).await });
            }
            // A subclass of a builtin sequence reverses the value it carries.
            if let crate::object::instance::Payload::Value(base) = &inst.payload {
                return reversed_value(base.clone());
            }
            return Err(type_error(format!("'{}' object is not reversible", type_name(&v))));
        }
        _ => return Err(type_error(format!("'{}' object is not reversible", type_name(&v)))),
    };
    Ok(new_iter(NativeIter::Values { items, index: 0 }))
}

fn enumerate(a: &Args) -> PyResult {
    check_args(a, "enumerate", 1, 2)?;
    let count = match a.pos.get(1).cloned().or_else(|| kwarg(a, "start")) {
        Some(v) => index_arg(&v)?,
        None => 0,
    };
    lazy_iter(vec![a.pos[0].clone()], move |mut inners| NativeIter::Enumerate { inner: inners.remove(0), count })
}

fn zip(a: &Args) -> PyResult {
    lazy_iter(a.pos.to_vec(), |inners| NativeIter::Zip { inners })
}

fn map(a: &Args) -> PyResult {
    if a.pos.len() < 2 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let func = a.pos[0].clone();
    lazy_iter(a.pos[1..].to_vec(), move |inners| NativeIter::Map { func, inners })
}

fn filter(a: &Args) -> PyResult {
    check_args(a, "filter", 2, 2)?;
    let func = a.pos[0].clone();
    lazy_iter(vec![a.pos[1].clone()], move |mut inners| NativeIter::Filter { func, inner: inners.remove(0) })
}

/// A lazy iterator over iterators of `sources` (whose `__iter__` may be script code).
fn lazy_iter(sources: Vec<Value>, build: impl FnOnce(Vec<Value>) -> NativeIter + 'static) -> PyResult {
    let mut inners = Vec::with_capacity(sources.len());
    for (i, s) in sources.iter().enumerate() {
        match protocol::get_iter(s) {
            Ok(it) => inners.push(it),
            // An `__iter__` in script: that source's iterator and the rest come from the VM.
            pending @ Err(Flow::Async(_)) => {
                let rest = sources[i + 1..].to_vec();
                return run_async(|ctx| async move {
                    inners.push(ctx.resolve(pending).await?);
                    for s in &rest {
                        inners.push(ctx.resolve(protocol::get_iter(s)).await?);
                    }
                    Ok(new_iter(build(inners)))
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(new_iter(build(inners)))
}

fn any(a: &Args) -> PyResult {
    any_all(a, "any", true)
}

fn all(a: &Args) -> PyResult {
    any_all(a, "all", false)
}

/// `any`/`all`: natively while the items come from a native iterator and their truth
/// needs no script code, then the rest as a continuation.
fn any_all(a: &Args, name: &str, stop_on: bool) -> PyResult {
    check_args(a, name, 1, 1)?;
    let it = match protocol::get_iter(&a.pos[0]) {
        Ok(it) => it,
        r @ Err(Flow::Async(_)) => return any_all_async(r, None, stop_on),
        Err(e) => return Err(e),
    };
    loop {
        match protocol::step_native(&it)? {
            Step::Item(x) => match ops::truthy(&x) {
                Some(t) if t == stop_on => return Ok(Value::Bool(stop_on)),
                Some(_) => {}
                None => return any_all_async(Ok(it), Some(x), stop_on),
            },
            Step::Done => return Ok(Value::Bool(!stop_on)),
            Step::NeedsVm => return any_all_async(Ok(it), None, stop_on),
        }
    }
}

/// `any_all` from the iterator `it` (still to be resolved) on, `first` its item in hand.
fn any_all_async(it: PyResult, first: Option<Value>, stop_on: bool) -> PyResult {
    run_async(|ctx| async move {
        let it = ctx.resolve(it).await?;
        // A generator (or an iterator calling script code) is stepped by the VM.
        if first.is_none() && crate::object::iter::steps_script_code(&it) {
            return ctx.any_all(it, stop_on).await;
        }
        if let Some(x) = first {
            if truthy(&ctx, &x).await? == stop_on {
                return Ok(Value::Bool(stop_on));
            }
        }
        while let Some(x) = next_item(&ctx, &it).await? {
            if truthy(&ctx, &x).await? == stop_on {
                return Ok(Value::Bool(stop_on));
            }
        }
        Ok(Value::Bool(!stop_on))
    })
}

fn hash_fn(a: &Args) -> PyResult {
    check_args(a, "hash", 1, 1)?;
    let v = a.pos[0].clone();
    run_async(|ctx| async move { Ok(Value::Int(hash(&ctx, &v).await?)) })
}

fn id(a: &Args) -> PyResult {
    check_args(a, "id", 1, 1)?;
    let v = &a.pos[0];
    Ok(Value::Int(match v.heap_ptr() {
        Some(p) => p as i64,
        None => match v {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64 + 1,
            _ => 0,
        },
    }))
}

/// `vars(obj)`: its `__dict__`; `vars()`: the caller's namespace, as `locals()`.
fn vars(a: &Args) -> PyResult {
    check_args(a, "vars", 0, 1)?;
    match a.pos.first() {
        None => locals(a),
        Some(obj) => crate::vm::get_attr(obj, sym::DICT).map_err(|e| match e {
            crate::vm::Flow::Raise(e) if ex::is_instance_of(&e, ExcType::AttributeError) => {
                type_error("vars() argument must have __dict__ attribute")
            }
            other => other,
        }),
    }
}

/// `locals()`: the calling scope's names and values (the module's globals at module level).
fn locals(a: &Args) -> PyResult {
    check_args(a, "locals", 0, 0)?;
    run_async(|ctx| async move { ctx.caller_locals().await })
}

/// `globals()`: the calling module's globals, as the live dict they are from then on.
fn globals(a: &Args) -> PyResult {
    check_args(a, "globals", 0, 0)?;
    run_async(|ctx| async move { Ok(Value::Dict(ctx.caller_globals().await?.dict())) })
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`.
fn dunder_import(a: &Args) -> PyResult {
    let spec = ArgSpec::new("__import__").keywords(&["name", "globals", "locals", "fromlist", "level"]);
    spec.check(a)?;
    check_args(a, "__import__", 0, 5)?;
    let get = |i: usize, k: &str| a.pos.get(i).cloned().or_else(|| kwarg(a, k));
    let name = match get(0, "name") {
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(type_error(format!("__import__() argument 1 must be str, not {}", type_name(&other))))
        }
        None => return Err(type_error("__import__() missing required argument 'name' (pos 1)")),
    };
    let level = match get(4, "level") {
        None => 0,
        Some(Value::Int(n)) if n >= 0 => n as usize,
        Some(Value::Int(_)) => return Err(ex::value_error("level must be >= 0")),
        Some(other) => {
            return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(&other))))
        }
    };
    let globals = match get(1, "globals") {
        Some(Value::Dict(d)) => Some(crate::import::package_context(&d)),
        _ => None,
    };
    let fromlist = match get(3, "fromlist") {
        Some(Value::Tuple(t)) if t.items.is_empty() => Value::None,
        Some(Value::List(l)) if l.items.borrow().is_empty() => Value::None,
        Some(v) => v,
        None => Value::None,
    };
    crate::import::import_name(globals.as_deref(), &name.s, fromlist, level)
}

/// `http_get(url, timeout=None, headers=None)`: a coroutine performing a GET on the worker
/// pool while the event loop runs other tasks.
fn http_get(a: &Args) -> PyResult {
    let req = super::http::parse_request(a, "http_get")?;
    Ok(super::http::new_wait(req))
}
