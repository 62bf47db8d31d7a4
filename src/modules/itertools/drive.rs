//! How the itertools iterators run: each is a state machine (`Step`) whose `step` either
//! finishes (`Yield`, `Stop`) or names what it needs before it can go on: the next item of
//! another iterator, a call, or the value of an operation that may run script code. The
//! driver gets that without script code when it can (a list, a range, another native
//! iterator, a native function), so the common case is a loop in Rust with nothing
//! allocated; otherwise it continues as a native continuation that the VM runs, and
//! exceptions and tracebacks go the usual way.
//!
//! The state is borrowed only while `step` runs. What a machine is waiting for travels in
//! the `Tag` it gives with its request and gets back with the answer, so an exception in
//! the middle leaves the machine where it was (and `failed` sees the tag, for the machines
//! CPython ends at an error).

use crate::intern::sym;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::{Instance, Payload};
use crate::object::iter::Step as IterStep;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::{is_instance_of, runtime_error, stop_iteration, type_error};
use crate::runtime::protocol::{self, dunder, get_iter};
use crate::runtime::{type_name, types, ExcType};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx, NativeFrame};
use crate::vm::{ops, Flow, PyResult};
use std::cell::RefMut;
use std::rc::Rc;

/// What a machine's `step` is given: nothing (a new `__next__`), or the answer to its
/// last request with the tag it gave.
pub enum Got<T> {
    Start,
    /// The next item of the iterator asked for; None when it is exhausted.
    Item(T, Option<Value>),
    /// The value of a call or an operation.
    Value(T, Value),
}

pub enum Out<T> {
    Yield(Value),
    Stop,
    /// The value of an operation that may be a continuation (`ops::binary`, `truth`, ...).
    Wait(PyResult, T),
    /// The result of calling a function with positional arguments.
    Call(Value, Vec<Value>, T),
    /// A pull that `pull!` began and could not finish: a continuation, or an exception.
    Pulled(Flow, T),
}

pub trait Step: Sized + 'static {
    type Tag: 'static;
    /// The type's name, for messages.
    const NAME: &'static str;
    fn step(&mut self, got: Got<Self::Tag>) -> PyResult<Out<Self::Tag>>;
    /// A request raised an exception (other than an iterator's end).
    fn failed(&mut self, _tag: Self::Tag) {}
}

/// The machine's state, with CPython's answer to a `__next__` that re-enters it.
pub fn state<S: Step>(inst: &Instance) -> PyResult<RefMut<'_, S>> {
    let Payload::Native(b) = &inst.payload else { return Err(wrong_receiver::<S>(inst.class.name.as_str())) };
    let b = b.try_borrow_mut().map_err(|_| runtime_error(format!("cannot re-enter the {} iterator", S::NAME)))?;
    RefMut::filter_map(b, |b| b.downcast_mut::<S>()).map_err(|_| wrong_receiver::<S>(inst.class.name.as_str()))
}

/// The instance a method of `S` was called on (whether it runs `S` is checked by
/// `state`).
pub fn receiver<'a, S: Step>(a: &'a Args, name: &str) -> PyResult<&'a Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) => Ok(i),
        other => Err(type_error(format!(
            "descriptor '{}' requires a 'itertools.{}' object but received a '{}'",
            name,
            S::NAME,
            other.map_or("NoneType".to_string(), |v| type_name(v).to_string())
        ))),
    }
}

fn wrong_receiver<S: Step>(class: &str) -> Flow {
    type_error(format!("descriptor requires a 'itertools.{}' object but received a '{}'", S::NAME, class))
}

/// A new instance of `cls` (an itertools type or a subclass) running `s`.
pub fn new_instance<S: Step>(cls: &Rc<Class>, s: S) -> Value {
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(std::cell::RefCell::new(Box::new(s)));
    Value::Instance(Rc::new(inst))
}

/// The class of an itertools iterator: `__new__` as given, `__iter__`, and `__next__`
/// driving `S`.
pub fn iterator_class<S: Step>(new: Option<NativeFn>) -> Rc<Class> {
    let class = native_class("itertools", S::NAME, vec![types().object.clone()]);
    if let Some(new) = new {
        method(&class, "__new__", new);
        method(&class, "__init__", |_| Ok(Value::None));
    }
    method(&class, "__iter__", |a| Ok(a.pos.first().cloned().unwrap_or(Value::None)));
    method(&class, "__next__", next::<S>);
    class.attrs.borrow_mut().insert(crate::intern::intern("__module__"), Value::str("itertools"));
    class
}

/// Finishes a class once all its methods are in.
pub fn finish(class: Rc<Class>) -> Rc<Class> {
    class.settle_attr_rules();
    class
}

/// The class `__new__` was called for.
pub fn cls_arg(a: &Args, name: &str) -> PyResult<Rc<Class>> {
    match a.pos.first() {
        Some(Value::Class(c)) => Ok(c.clone()),
        _ => Err(type_error(format!("{}.__new__(X): X is not a type object", name))),
    }
}

enum Attempt<T> {
    Got(Got<T>),
    Done(PyResult),
    /// Needs script code: the continuation, whether it is a pull, and the tag.
    Later(Box<NativeFrame>, bool, T),
    Failed(Flow, T),
}

fn attempt<T>(out: Out<T>) -> Attempt<T> {
    let (r, pull, tag) = match out {
        Out::Yield(v) => return Attempt::Done(Ok(v)),
        Out::Stop => return Attempt::Done(Err(stop_iteration(None))),
        Out::Wait(r, tag) => (r, false, tag),
        Out::Call(func, args, tag) => (call_now(func, args), false, tag),
        Out::Pulled(e, tag) => (Err(e), true, tag),
    };
    match r {
        Ok(v) => Attempt::Got(Got::Value(tag, v)),
        Err(Flow::Async(frame)) => Attempt::Later(frame, pull, tag),
        Err(e) => Attempt::Failed(e, tag),
    }
}

/// `__next__`: steps the machine until it yields, stops or needs script code.
pub fn next<S: Step>(a: &Args) -> PyResult {
    let inst = receiver::<S>(a, "__next__")?;
    let mut got = Got::Start;
    loop {
        let out = state::<S>(inst)?.step(got)?;
        got = match attempt(out) {
            Attempt::Got(g) => g,
            Attempt::Done(r) => return r,
            Attempt::Failed(e, tag) => {
                state::<S>(inst)?.failed(tag);
                return Err(e);
            }
            Attempt::Later(frame, pull, tag) => return resume::<S>(inst.clone(), frame, pull, tag),
        };
    }
}

/// The rest of a `__next__` that needs script code, as a continuation.
fn resume<S: Step>(inst: Rc<Instance>, frame: Box<NativeFrame>, pull: bool, tag: S::Tag) -> PyResult {
    run_async(move |ctx| async move {
        let (mut frame, mut pull, mut tag) = (frame, pull, tag);
        loop {
            let r = ctx.resolve(Err(Flow::Async(frame))).await;
            let got = match (r, pull) {
                (Ok(v), true) => Got::Item(tag, Some(v)),
                (Ok(v), false) => Got::Value(tag, v),
                (Err(Flow::Raise(e)), true) if is_instance_of(&e, ExcType::StopIteration) => Got::Item(tag, None),
                (Err(e), _) => {
                    state::<S>(&inst)?.failed(tag);
                    return Err(e);
                }
            };
            let mut got = got;
            loop {
                let out = state::<S>(&inst)?.step(got)?;
                got = match attempt(out) {
                    Attempt::Got(g) => g,
                    Attempt::Done(r) => return r,
                    Attempt::Failed(e, tag) => {
                        state::<S>(&inst)?.failed(tag);
                        return Err(e);
                    }
                    Attempt::Later(f, p, t) => {
                        (frame, pull, tag) = (f, p, t);
                        break;
                    }
                };
            }
        }
    })
}

/// The next item of an iterator when no script code is needed for it: None when it needs
/// the VM (nothing has been taken from it then).
#[inline]
pub fn fast_next(it: &Value) -> Option<Option<Value>> {
    match it {
        Value::Iter(cell) => match cell.try_borrow_mut().ok()?.next_simple() {
            IterStep::Item(v) => Some(Some(v)),
            IterStep::Done => Some(None),
            IterStep::NeedsVm => None,
        },
        _ => None,
    }
}

/// The next item of any iterator, None when it is exhausted; `Flow::Async` when script
/// code must run for it. A native `__next__` (another itertools iterator) runs in place.
#[inline]
pub fn next_now(it: &Value) -> PyResult<Option<Value>> {
    if let Some(item) = fast_next(it) {
        return Ok(item);
    }
    let r = match it {
        Value::Instance(inst) => match dunder(&inst.class, sym::NEXT) {
            Some(Value::Native(f)) => (f.func)(&Args { pos: std::slice::from_ref(it), kw: &[] }),
            _ => protocol::next_async(it.clone()),
        },
        _ => protocol::next_async(it.clone()),
    };
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Calls `func`: a native function at once, anything else through the VM.
pub fn call_now(func: Value, args: Vec<Value>) -> PyResult {
    match &func {
        Value::Native(f) => (f.func)(&Args { pos: &args, kw: &[] }),
        _ => run_async(move |ctx| async move { ctx.call(func, args).await }),
    }
}

/// `bool(v)`, as a value.
pub fn truth(v: Value) -> PyResult {
    match ops::truthy(&v) {
        Some(b) => Ok(Value::Bool(b)),
        None => protocol::truth_value(v),
    }
}

/// `a == b` as CPython's `PyObject_RichCompareBool` gives it (identity first), as a value.
pub fn equal(a: &Value, b: &Value) -> PyResult {
    if let (Value::Instance(x), Value::Instance(y)) = (a, b) {
        if Rc::ptr_eq(x, y) {
            return Ok(Value::Bool(true));
        }
    }
    if let Some(r) = ops::eq_simple(a, b) {
        return Ok(Value::Bool(r));
    }
    let (a, b) = (a.clone(), b.clone());
    run_async(move |ctx| async move { Ok(Value::Bool(protocol::eq(&ctx, &a, &b).await?)) })
}

/// `iter(v)`, running a script `__iter__` if it has one.
pub async fn iter_of(ctx: &Ctx, v: &Value) -> PyResult {
    ctx.resolve(get_iter(v)).await
}

/// The next item of an iterator (None when it is exhausted) if no script code is needed
/// for it; otherwise returns from the `step` it is in with what it needs (the answer comes
/// back with `$tag`).
macro_rules! pull {
    ($it:expr, $tag:expr) => {
        match $crate::modules::itertools::drive::next_now($it) {
            Ok(item) => item,
            Err(e) => return Ok($crate::modules::itertools::drive::Out::Pulled(e, $tag)),
        }
    };
}
pub(crate) use pull;
