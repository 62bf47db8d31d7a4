//! The interface of native awaitables: what `await` steps when a coroutine awaits something
//! written in Rust (a future's wait, `asyncio.sleep`, a queue's `get()`, an HTTP request).
//! The VM knows only this trait; each awaitable lives with the library that makes it.

use crate::object::iter::NativeIter;
use crate::object::Generator;
use crate::value::Value;
use crate::vm::native::NativeFrame;
use crate::vm::{Exc, Flow};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// The value cell an awaitable lives in (a `Value::Iter`): what it yields when it yields
/// itself, and what a continuation it returns holds on to.
pub type AwaitCell = Rc<RefCell<NativeIter>>;

/// What one step of an awaitable does.
pub enum AwaitStep {
    /// Suspend the awaiting coroutine, handing this to whoever steps it (its task).
    Yield(Value),
    /// The await is over with this result.
    Return(Value),
    Raise(Flow),
    /// Script code must run first (a Queue subclass's methods): run this continuation,
    /// then step again.
    RunThenStep(Box<NativeFrame>),
    /// An async generator's step: resume its fiber, sending or throwing this.
    Resume {
        gen: Rc<Generator>,
        send: Result<Value, Exc>,
    },
}

/// A native awaitable. Its methods take `&self`: state that changes lives in cells, since
/// a step may run code that looks at the awaitable again (a repr, a deadlock report).
pub trait Awaitable: Any {
    /// The type name Python shows for it.
    fn type_name(&self) -> &'static str {
        "coroutine"
    }

    /// Whether it stands for the coroutine object of a native `async def` (`asyncio.sleep`,
    /// `Queue.get`, ...), which `asyncio.iscoroutine` accepts.
    fn is_coroutine(&self) -> bool {
        true
    }

    /// One step; `sent` is what the awaiting coroutine's resumer sent in.
    fn step(&self, this: &AwaitCell, sent: Value) -> AwaitStep;

    /// `e` is thrown into the coroutine awaiting this: the awaitable may clean up (a queue
    /// or a lock drops its waiter) before `e` goes on. Returns how to raise it.
    fn thrown(&self, _this: &AwaitCell, e: Exc) -> Flow {
        Flow::Raise(e)
    }

    /// What a task awaiting this waits on (`a Queue to get from`), for a deadlock report.
    fn describe_wait(&self) -> Option<String> {
        None
    }

    /// What a script driving the awaiting coroutine by hand (`send`, `throw`) sees when this
    /// yielded itself, if not itself: a sleep's request for a timer becomes the timer future
    /// CPython's sleep yields.
    fn shown_to_script(&self) -> Option<Value> {
        None
    }

    fn as_any(&self) -> &dyn Any;
}

/// A new awaitable value.
pub fn new_awaitable(a: impl Awaitable) -> Value {
    Value::Iter(Rc::new(RefCell::new(NativeIter::Awaitable(Box::new(a)))))
}

/// Runs `f` on the awaitable of type `T` that `v` is, if it is one.
pub fn with_awaitable<T: Awaitable, R>(v: &Value, f: impl FnOnce(&T) -> R) -> Option<R> {
    let Value::Iter(cell) = v else { return None };
    with_awaitable_in(cell, f)
}

/// Runs `f` on the awaitable of type `T` in `cell`, if it holds one.
pub fn with_awaitable_in<T: Awaitable, R>(cell: &AwaitCell, f: impl FnOnce(&T) -> R) -> Option<R> {
    match &*cell.borrow() {
        NativeIter::Awaitable(a) => a.as_any().downcast_ref::<T>().map(f),
        _ => None,
    }
}
