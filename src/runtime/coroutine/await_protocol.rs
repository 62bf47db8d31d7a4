//! The await protocol: what `await v` delegates to (`GetAwaitable`), and how the VM steps a
//! native awaitable or throws into it. Coroutines delegate like `yield from`; native
//! awaitables (see `awaitable`) and async generator steps are stepped here.

use super::async_generators;
use super::awaitable::{AwaitCell, AwaitStep};
use crate::intern::sym;
use crate::object::function::Args;
use crate::object::iter::NativeIter;
use crate::object::GenState;
use crate::runtime::exceptions::{runtime_error, type_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Exc, Flow, PyResult};

/// Whether `await v` is allowed: `get_awaitable` would not raise a TypeError.
pub fn can_await(v: &Value) -> bool {
    match v {
        Value::Generator(g) => g.is_coroutine(),
        Value::Iter(i) => i.borrow().is_awaitable(),
        Value::Instance(inst) => inst.class.lookup(sym::AWAIT).is_some(),
        _ => false,
    }
}

/// `GetAwaitable`: what `await v` delegates to.
pub fn get_awaitable(v: Value) -> PyResult {
    match &v {
        Value::Generator(g) if g.is_coroutine() => {
            if g.awaited.get() && g.state.get() != GenState::Created {
                return Err(runtime_error("cannot reuse already awaited coroutine"));
            }
            g.awaited.set(true);
            Ok(v)
        }
        Value::Iter(i) if i.borrow().is_awaitable() => Ok(v),
        Value::Instance(inst) => match inst.class.lookup(sym::AWAIT) {
            // A native `__await__` (a Future's) is called in place.
            Some(Value::Native(n)) => awaited_iterator((n.func)(&Args { pos: std::slice::from_ref(&v), kw: &[] })?),
            Some(m) => run_async(|ctx| async move { awaited_iterator(ctx.call(m, vec![v]).await?) }),
            None => Err(type_error(format!("object {} can't be used in 'await' expression", inst.class.name))),
        },
        _ => Err(type_error(format!("object {} can't be used in 'await' expression", type_name(&v)))),
    }
}

/// What `__await__()` returned, which must be an iterator.
fn awaited_iterator(it: Value) -> PyResult {
    match &it {
        Value::Generator(_) | Value::Iter(_) => Ok(it),
        _ => Err(type_error(format!("__await__() returned non-iterator of type '{}'", type_name(&it)))),
    }
}

/// Steps the awaitable in `cell` (a native awaitable or an async generator's step); `sent`
/// is what the awaiting coroutine's resumer sent in.
pub fn await_step(cell: &AwaitCell, sent: Value) -> AwaitStep {
    if let NativeIter::AsyncGen(step) = &mut *cell.borrow_mut() {
        return async_generators::step(step, sent);
    }
    match &*cell.borrow() {
        NativeIter::Awaitable(a) => a.step(cell, sent),
        _ => AwaitStep::Raise(type_error("not awaitable")),
    }
}

/// An exception is thrown into a coroutine awaiting `cell`: a native awaitable may clean up
/// before the exception goes on. Returns how to raise it.
pub fn await_thrown(cell: &AwaitCell, e: Exc) -> Flow {
    match &*cell.borrow() {
        NativeIter::Awaitable(a) => a.thrown(cell, e),
        _ => Flow::Raise(e),
    }
}

/// What a coroutine yielded, as a script that drives it by hand (`send`, `throw`) must see it.
pub fn shown_to_script(v: Value) -> Value {
    let Value::Iter(cell) = &v else { return v };
    let shown = match &*cell.borrow() {
        NativeIter::Awaitable(a) => a.shown_to_script(),
        _ => None,
    };
    shown.unwrap_or(v)
}

/// What a task awaiting `awaitable` waits on, if a native awaitable says (`a Queue to get
/// from`, `a Lock to acquire`), for a deadlock report.
pub fn describe_wait(awaitable: &Value) -> Option<String> {
    let Value::Iter(cell) = awaitable else { return None };
    match &*cell.borrow() {
        NativeIter::Awaitable(a) => a.describe_wait(),
        _ => None,
    }
}
