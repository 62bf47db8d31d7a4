//! `asyncio.Lock`, natively: CPython's `locks.Lock` step for step (a line of waiter futures,
//! the first of them woken by `release()`), with `acquire()`, `__aenter__()` and
//! `__aexit__()` returning native awaitables instead of coroutines.
//!
//! `async with` on a script's subclass runs lib.coro's `_ContextManagerMixin`, which calls
//! `acquire()` and `release()` through the instance, as CPython's does.

use super::future::{self, FutState};
use super::{new_waiter, remove_waiter};
use crate::intern::sym;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::runtime::args::check_args;
use crate::runtime::coroutine::{new_awaitable, AwaitCell, AwaitStep, Awaitable};
use crate::runtime::define::method;
use crate::runtime::exceptions::runtime_error;
use crate::runtime::protocol::repr::addr;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{get_attr, Exc, Flow, PyResult};
use std::any::Any;
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::Rc;

pub struct LockData {
    locked: bool,
    waiters: VecDeque<Value>,
    /// The instance is a Lock itself, not a subclass: no method can be overridden.
    plain: bool,
}

fn data(lock: &Instance) -> RefMut<'_, LockData> {
    lock.native::<LockData>().expect("lock")
}

/// What an awaitable of a lock does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LockOp {
    /// `acquire()`: takes the lock, returns True.
    Acquire,
    /// `__aenter__()`: takes the lock, returns None.
    Enter,
    /// `__aexit__()`: releases the lock, returns None.
    Exit,
}

/// `await lock.acquire()`, `async with lock` in progress.
struct LockWait {
    lock: Rc<Instance>,
    op: LockOp,
    state: RefCell<LockState>,
}

enum LockState {
    New,
    /// Waiting on this future (in the lock's waiters).
    Parked(Value),
    Finished,
}

fn new_wait(op: LockOp, lock: Rc<Instance>) -> Value {
    new_awaitable(LockWait { lock, op, state: RefCell::new(LockState::New) })
}

/// `_wake_up_first`: completes the first waiter unless it is done already.
fn wake_up_first(lock: &Instance) -> PyResult<()> {
    let first = data(lock).waiters.front().cloned();
    match first {
        Some(fut) if super::future_pending(&fut) => future::set_result(&fut, Value::Bool(true)),
        _ => Ok(()),
    }
}

fn release(lock: &Instance) -> PyResult {
    {
        let mut d = data(lock);
        if !d.locked {
            return Err(runtime_error("Lock is not acquired."));
        }
        d.locked = false;
    }
    wake_up_first(lock)?;
    Ok(Value::None)
}

impl LockWait {
    /// The lock is taken: what the awaitable returns.
    fn acquired(&self) -> AwaitStep {
        data(&self.lock).locked = true;
        *self.state.borrow_mut() = LockState::Finished;
        AwaitStep::Return(if self.op == LockOp::Acquire { Value::Bool(true) } else { Value::None })
    }
}

impl Awaitable for LockWait {
    fn step(&self, this: &AwaitCell, _sent: Value) -> AwaitStep {
        let mut state = self.state.borrow_mut();
        match &*state {
            LockState::New if self.op == LockOp::Exit => {
                *state = LockState::Finished;
                match release(&self.lock) {
                    Ok(v) => AwaitStep::Return(v),
                    Err(flow) => AwaitStep::Raise(flow),
                }
            }
            LockState::New => {
                let free = {
                    let d = data(&self.lock);
                    !d.locked
                        && d.waiters.iter().all(|f| future::data(f).is_some_and(|d| d.state == FutState::Cancelled))
                };
                if free {
                    drop(state);
                    return self.acquired();
                }
                match new_waiter() {
                    Ok(fut) => {
                        data(&self.lock).waiters.push_back(fut.clone());
                        *state = LockState::Parked(fut.clone());
                        AwaitStep::Yield(fut)
                    }
                    Err(flow) => {
                        *state = LockState::Finished;
                        AwaitStep::Raise(flow)
                    }
                }
            }
            LockState::Parked(fut) => {
                let fut = fut.clone();
                drop(state);
                if let Some(ended) = super::woken(&fut, |e| self.thrown(this, e)) {
                    return ended;
                }
                remove_waiter(&mut data(&self.lock).waiters, &fut);
                self.acquired()
            }
            LockState::Finished => AwaitStep::Raise(runtime_error("cannot reuse already awaited coroutine")),
        }
    }

    /// `e` is thrown into a task waiting here (a cancellation): as CPython's `finally:` the
    /// waiter leaves the line, and as its `except CancelledError:` a lock left unlocked wakes
    /// the next waiter (which a release may have meant for this one).
    fn thrown(&self, _this: &AwaitCell, e: Exc) -> Flow {
        let LockState::Parked(waiter) = std::mem::replace(&mut *self.state.borrow_mut(), LockState::Finished) else {
            return Flow::Raise(e);
        };
        remove_waiter(&mut data(&self.lock).waiters, &waiter);
        let unlocked = !data(&self.lock).locked;
        if unlocked && super::errors::is_cancelled_error(&e) {
            if let Err(flow) = wake_up_first(&self.lock) {
                return flow;
            }
        }
        Flow::Raise(e)
    }

    /// What a task awaiting this waits on (`a Lock to acquire`), for the deadlock report.
    fn describe_wait(&self) -> Option<String> {
        Some(format!("a {} to acquire", self.lock.class.name))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---- the class ----

fn this(a: &Args) -> PyResult<Rc<Instance>> {
    super::this::<LockData>(a, "Lock")
}

/// `lock.__aenter__()` / `lock.__aexit__(...)`: native for a Lock itself; for a subclass,
/// lib.coro's `_ContextManagerMixin`'s (whose coroutine calls the subclass's methods).
fn context_manager(a: &Args, op: LockOp) -> PyResult {
    let lock = this(a)?;
    if data(&lock).plain {
        return Ok(new_wait(op, lock));
    }
    let mixin = super::lib_value("_ContextManagerMixin")?;
    let args = a.pos.to_vec();
    run_async(move |ctx| async move {
        let name = if op == LockOp::Enter { sym::AENTER } else { sym::AEXIT };
        let method = ctx.resolve(get_attr(&mixin, name)).await?;
        ctx.call(method, args).await
    })
}

pub fn install(class: &Rc<Class>) {
    method(class, "__new__", |a| {
        super::new_with_payload(
            a,
            |s| &s.lock_class,
            |plain| LockData { locked: false, waiters: VecDeque::new(), plain },
        )
    });
    method(class, "__init__", |a| {
        check_args(a, "Lock.__init__", 1, 1)?;
        let lock = this(a)?;
        let mut d = data(&lock);
        d.locked = false;
        d.waiters.clear();
        Ok(Value::None)
    });
    method(class, "locked", |a| {
        let lock = this(a)?;
        let locked = data(&lock).locked;
        Ok(Value::Bool(locked))
    });
    method(class, "acquire", |a| Ok(new_wait(LockOp::Acquire, this(a)?)));
    method(class, "release", |a| release(&*this(a)?));
    method(class, "__aenter__", |a| context_manager(a, LockOp::Enter));
    method(class, "__aexit__", |a| {
        check_args(a, "__aexit__", 4, 4)?;
        context_manager(a, LockOp::Exit)
    });
    method(class, "__repr__", |a| {
        let lock = this(a)?;
        let d = data(&lock);
        let mut extra = if d.locked { "locked".to_string() } else { "unlocked".to_string() };
        if !d.waiters.is_empty() {
            extra.push_str(&format!(", waiters:{}", d.waiters.len()));
        }
        let class = &lock.class;
        let at = addr(&a.pos[0]);
        Ok(Value::str(format!("<{}.{} object at {} [{}]>", class.module, class.qualname(), at, extra)))
    });
    class.settle_attr_rules();
}
