//! `BaseExceptionGroup` and `ExceptionGroup`: construction with CPython's checks, `split`,
//! `subgroup` and `derive`, `add_note`, and the two steps of `except*` (matching one clause,
//! and combining what the clauses raised with what none of them handled).

use super::exceptions::{new_exception, type_error, value_error};
use super::protocol::{self, exception_matches, unpack_fast};
use super::{type_name, types};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::runtime::define::method;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{group_members, is_group, Exc, PyResult};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

pub fn install() {
    let base = types().exc(ExcType::BaseException);
    method(base, "add_note", add_note);
    let group = types().exc(ExcType::BaseExceptionGroup);
    method(group, "split", |a| with_condition(a, "split", true));
    method(group, "subgroup", |a| with_condition(a, "subgroup", false));
    method(group, "derive", |a| match (a.pos.first(), a.pos.get(1)) {
        (Some(Value::Instance(g)), Some(excs)) if a.pos.len() == 2 => {
            let message = g.exc().and_then(|d| d.borrow().args.first().cloned()).unwrap_or(Value::None);
            make_group(types().exc(ExcType::BaseExceptionGroup), vec![message, excs.clone()]).map(Value::Instance)
        }
        _ => Err(type_error(format!(
            "BaseExceptionGroup.derive() takes exactly one argument ({} given)",
            a.pos.len().saturating_sub(1)
        ))),
    });
}

/// The class an exception group made by calling `class` with `args` belongs to, once the
/// arguments pass CPython's checks: `BaseExceptionGroup` of plain exceptions is an
/// `ExceptionGroup`.
pub fn group_class(class: &Rc<Class>, args: &[Value]) -> PyResult<Rc<Class>> {
    if args.len() != 2 {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() takes exactly 2 arguments ({} given)",
            args.len()
        )));
    }
    if args[0].as_str().is_none() {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() argument 1 must be str, not {}",
            type_name(&args[0])
        )));
    }
    let items = match &args[1] {
        Value::List(_) | Value::Tuple(_) => unpack_fast(&args[1], usize::MAX).and_then(Result::ok).unwrap_or_default(),
        _ => return Err(type_error("second argument (exceptions) must be a sequence")),
    };
    if items.is_empty() {
        return Err(value_error("second argument (exceptions) must be a non-empty sequence"));
    }
    let (base, exception) = (types().exc(ExcType::BaseException), types().exc(ExcType::Exception));
    let mut all_exceptions = true;
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Instance(inst) if inst.class.is_subclass(base) => {
                all_exceptions &= inst.class.is_subclass(exception);
            }
            _ => return Err(value_error(format!("Item {i} of second argument (exceptions) is not an exception"))),
        }
    }
    let base_group = types().exc(ExcType::BaseExceptionGroup);
    if Rc::ptr_eq(class, base_group) {
        return Ok(if all_exceptions { types().exc(ExcType::ExceptionGroup).clone() } else { class.clone() });
    }
    if !all_exceptions && class.is_subclass(exception) {
        let msg = if Rc::ptr_eq(class, types().exc(ExcType::ExceptionGroup)) {
            "Cannot nest BaseExceptions in an ExceptionGroup".to_string()
        } else {
            format!("Cannot nest BaseExceptions in '{}'", class.name)
        };
        return Err(type_error(msg));
    }
    Ok(class.clone())
}

/// A new group of `class` (or the class its members call for) with args `(message, excs)`.
pub fn make_group(class: &Rc<Class>, args: Vec<Value>) -> PyResult<Exc> {
    let class = group_class(class, &args)?;
    Ok(new_exception(&class, args))
}

fn add_note(a: &Args) -> PyResult {
    let (Some(Value::Instance(inst)), Some(note), 2) = (a.pos.first(), a.pos.get(1), a.pos.len()) else {
        return Err(type_error(format!(
            "BaseException.add_note() takes exactly one argument ({} given)",
            a.pos.len().saturating_sub(1)
        )));
    };
    if note.as_str().is_none() {
        return Err(type_error(format!("note must be a str, not '{}'", type_name(note))));
    }
    let notes_name = intern("__notes__");
    let notes = inst.attrs.borrow().get(&notes_name);
    match notes {
        None => {
            inst.attrs.borrow_mut().insert(notes_name, Value::list(vec![note.clone()]));
        }
        Some(Value::List(l)) => l.items.borrow_mut().push(note.clone()),
        Some(_) => return Err(type_error("Cannot add note: __notes__ is not a list")),
    }
    Ok(Value::None)
}

/// What `split` and `subgroup` test the leaves (and groups) with.
#[derive(Clone)]
enum Condition {
    Types(Value),
    Predicate(Value),
}

impl Condition {
    fn new(v: &Value) -> PyResult<Condition> {
        let is_exc_class =
            |v: &Value| matches!(v, Value::Class(c) if c.is_subclass(types().exc(ExcType::BaseException)));
        match v {
            _ if is_exc_class(v) => Ok(Condition::Types(v.clone())),
            Value::Tuple(t) if t.items.iter().all(is_exc_class) => Ok(Condition::Types(v.clone())),
            Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) => Ok(Condition::Predicate(v.clone())),
            _ => Err(type_error("expected a function, exception type or tuple of exception types")),
        }
    }

    async fn test(&self, ctx: &Ctx, e: &Value) -> PyResult<bool> {
        match self {
            Condition::Types(t) => exception_matches(e, t),
            Condition::Predicate(f) => {
                let r = ctx.call(f.clone(), vec![e.clone()]).await?;
                protocol::truthy(ctx, &r).await
            }
        }
    }
}

fn with_condition(a: &Args, name: &str, split: bool) -> PyResult {
    let (Some(Value::Instance(g)), Some(cond), 2) = (a.pos.first(), a.pos.get(1), a.pos.len()) else {
        return Err(type_error(format!(
            "BaseExceptionGroup.{name}() takes exactly one argument ({} given)",
            a.pos.len().saturating_sub(1)
        )));
    };
    let (g, cond) = (g.clone(), Condition::new(cond)?);
    run_async(move |ctx| async move {
        let (matched, rest) = split_group(&ctx, &g, &cond, split).await?;
        let or_none = |e: Option<Exc>| e.map_or(Value::None, Value::Instance);
        Ok(if split { Value::tuple(vec![or_none(matched), or_none(rest)]) } else { or_none(matched) })
    })
}

type Split = (Option<Exc>, Option<Exc>);

/// CPython's `exceptiongroup_split_recursive`: the part of `e` that matches and (if
/// `want_rest`) the part that does not, each keeping the nesting of groups.
fn split_group<'a>(
    ctx: &'a Ctx,
    e: &'a Exc,
    cond: &'a Condition,
    want_rest: bool,
) -> Pin<Box<dyn Future<Output = PyResult<Split>> + 'a>> {
    Box::pin(async move {
        let v = Value::Instance(e.clone());
        if cond.test(ctx, &v).await? {
            return Ok((Some(e.clone()), None));
        }
        if !is_group(e) {
            return Ok((None, want_rest.then(|| e.clone())));
        }
        let members = group_members(&e.exc().expect("exception").borrow().args);
        let (mut matched, mut rest) = (Vec::new(), Vec::new());
        for m in members {
            let Value::Instance(m) = m else { continue };
            let (a, b) = split_group(ctx, &m, cond, want_rest).await?;
            matched.extend(a.map(Value::Instance));
            rest.extend(b.map(Value::Instance));
        }
        Ok((derive(ctx, e, matched).await?, derive(ctx, e, rest).await?))
    })
}

/// `e.derive(excs)` with `e`'s traceback, cause, context and notes copied; None if empty.
async fn derive(ctx: &Ctx, e: &Exc, excs: Vec<Value>) -> PyResult<Option<Exc>> {
    if excs.is_empty() {
        return Ok(None);
    }
    let this = Value::Instance(e.clone());
    let m = ctx.resolve(crate::vm::get_attr(&this, intern("derive"))).await?;
    let Value::Instance(derived) = ctx.call(m, vec![Value::list(excs)]).await? else {
        return Err(type_error("derive must return an instance of BaseExceptionGroup"));
    };
    copy_metadata(e, &derived);
    Ok(Some(derived))
}

fn copy_metadata(from: &Instance, to: &Instance) {
    let (Some(src), Some(dst)) = (from.exc(), to.exc()) else { return };
    if std::ptr::eq(src, dst) {
        return;
    }
    let src = src.borrow();
    let mut d = dst.borrow_mut();
    d.traceback = src.traceback.clone();
    d.cause = src.cause.clone();
    d.context = src.context.clone();
    d.suppress_context = src.suppress_context;
    let notes = intern("__notes__");
    if let Some(n) = from.attrs.borrow().get(&notes) {
        to.attrs.borrow_mut().insert(notes, n);
    }
}

/// `except* T`: the tuple `(match, rest)` of the exception being handled, `(None, exc)` when
/// nothing matches. A plain exception that matches is wrapped in a group of its own.
pub fn check_eg_match(exc: Value, typ: Value) -> PyResult {
    let pair = |matched: Value, rest: Value| Ok(Value::tuple(vec![matched, rest]));
    let classes: Vec<&Value> = match &typ {
        Value::Tuple(t) => t.items.iter().collect(),
        one => vec![one],
    };
    let group = types().exc(ExcType::BaseExceptionGroup);
    if classes.iter().any(
        |c| matches!(c, Value::Class(c) if c.is_subclass(group) || c.is_subclass(types().exc(ExcType::ExceptionGroup))),
    ) {
        return Err(type_error("catching ExceptionGroup with except* is not allowed. Use except instead."));
    }
    let Value::Instance(e) = &exc else { return pair(Value::None, Value::None) };
    if !is_group(e) {
        if !exception_matches(&exc, &typ)? {
            return pair(Value::None, exc);
        }
        let wrapped = make_group(group, vec![Value::str(""), Value::tuple(vec![exc.clone()])])?;
        return pair(Value::Instance(wrapped), Value::None);
    }
    let cond = Condition::Types(typ);
    let e = e.clone();
    run_async(move |ctx| async move {
        let (matched, rest) = split_group(&ctx, &e, &cond, true).await?;
        let or_none = |e: Option<Exc>| e.map_or(Value::None, Value::Instance);
        Ok(Value::tuple(vec![or_none(matched), or_none(rest)]))
    })
}

/// The leaves of an exception (itself, or a group's members, recursively), by identity.
fn leaf_ids(e: &Value, out: &mut Vec<usize>) {
    match e {
        Value::Instance(inst) if is_group(inst) => {
            for m in group_members(&inst.exc().expect("exception").borrow().args) {
                leaf_ids(&m, out);
            }
        }
        _ => out.extend(e.heap_ptr()),
    }
}

/// The end of an `except*` statement: what to raise, from the original exception and the
/// list of what each clause raised plus the unhandled rest (Nones skipped). Exceptions that
/// are parts of the original are re-raised as the original's projection onto them; new ones
/// are raised together with it in a new group.
pub fn prep_reraise_star(orig: Value, list: Value) -> PyResult {
    let items: Vec<Value> = match &list {
        Value::List(l) => l.items.borrow().iter().filter(|v| !v.is_none()).cloned().collect(),
        _ => Vec::new(),
    };
    let Value::Instance(orig_exc) = &orig else { return Ok(Value::None) };
    if !is_group(orig_exc) {
        return Ok(items.into_iter().next().unwrap_or(Value::None));
    }
    let mut orig_leaves = Vec::new();
    leaf_ids(&orig, &mut orig_leaves);
    let (mut raised, mut reraised_leaves) = (Vec::new(), Vec::new());
    for item in items {
        let mut leaves = Vec::new();
        leaf_ids(&item, &mut leaves);
        let is_part = matches!(&item, Value::Instance(i) if same_metadata(i, orig_exc));
        if is_part && leaves.iter().all(|l| orig_leaves.contains(l)) {
            reraised_leaves.extend(leaves);
        } else {
            raised.push(item);
        }
    }
    let orig_exc = orig_exc.clone();
    run_async(move |ctx| async move {
        let projection =
            if reraised_leaves.is_empty() { None } else { project(&ctx, &orig_exc, &reraised_leaves).await? };
        if raised.is_empty() {
            return Ok(projection.map_or(Value::None, Value::Instance));
        }
        if raised.len() == 1 && projection.is_none() {
            return Ok(raised.pop().expect("one raised"));
        }
        raised.extend(projection.map(Value::Instance));
        let group = make_group(types().exc(ExcType::BaseExceptionGroup), vec![Value::str(""), Value::list(raised)])?;
        Ok(Value::Instance(group))
    })
}

/// Whether `e` carries the same traceback, cause, context and notes as `orig` (so it is a
/// part of it that a clause re-raised, not a new exception).
fn same_metadata(e: &Instance, orig: &Instance) -> bool {
    let (Some(a), Some(b)) = (e.exc(), orig.exc()) else { return false };
    if std::ptr::eq(a, b) {
        return true;
    }
    let (a, b) = (a.borrow(), b.borrow());
    let same = |x: &Option<Value>, y: &Option<Value>| match (x, y) {
        (Some(x), Some(y)) => x.is(y),
        (None, None) => true,
        _ => false,
    };
    a.traceback.len() == b.traceback.len() && same(&a.cause, &b.cause) && same(&a.context, &b.context)
}

/// `orig` cut down to the leaves in `keep`, keeping its nesting.
fn project<'a>(
    ctx: &'a Ctx,
    orig: &'a Exc,
    keep: &'a [usize],
) -> Pin<Box<dyn Future<Output = PyResult<Option<Exc>>> + 'a>> {
    Box::pin(async move {
        if !is_group(orig) {
            let v = Value::Instance(orig.clone());
            return Ok(v.heap_ptr().filter(|p| keep.contains(p)).map(|_| orig.clone()));
        }
        let mut parts = Vec::new();
        let members = group_members(&orig.exc().expect("exception").borrow().args);
        for m in members {
            if let Value::Instance(m) = m {
                parts.extend(project(ctx, &m, keep).await?.map(Value::Instance));
            }
        }
        derive(ctx, orig, parts).await
    })
}
