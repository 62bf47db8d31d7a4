//! `asyncio.Task`: a Future that drives a coroutine. Each step sends into the coroutine
//! until it yields a future to wait on; the future's completion schedules the next step.
//! This is CPython's protocol, so the order in which tasks run is CPython's.

use super::event_loop::{schedule, Ready};
use super::future::{self, data, Callback, FutKind, FutState};
use super::sleep::{self, SleepState, SleepWait};
use super::{cancelled_error, loop_data, state};
use crate::modules::http::HttpWait;
use crate::object::function::{Args, BoundMethod};
use crate::object::GenState;
use crate::runtime::coroutine::async_generators::{self, Thrown};
use crate::runtime::coroutine::{await_step, await_thrown, with_awaitable, with_awaitable_in, AwaitCell, AwaitStep};
use crate::runtime::define::method;
use crate::runtime::exceptions::{is_instance_of, runtime_error, type_error};
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx, GenStep};
use crate::vm::{Exc, Flow, PyResult};
use std::rc::Rc;

pub struct TaskData {
    pub coro: Value,
    /// The name set for the task, or its number (`Task-N` is made only when asked for).
    name: Value,
    /// The future this task waits on, if any.
    pub fut_waiter: Option<Value>,
    /// A cancel() arrived while no future was awaited: throw CancelledError at the next step.
    pub must_cancel: bool,
    pub cancel_requests: u32,
}

impl TaskData {
    pub fn name(&self) -> Value {
        match &self.name {
            Value::Int(n) => Value::str(format!("Task-{}", n)),
            name => name.clone(),
        }
    }
}

thread_local! {
    /// The natives tasks schedule, made once: tasks bind them to themselves.
    static STEP: Value = crate::runtime::define::native("__step", step_native);
    static WAKEUP: Value = crate::runtime::define::native("__wakeup", wakeup_native);
}

fn native_method(task: &Value, native: &'static std::thread::LocalKey<Value>) -> Value {
    Value::BoundMethod(Rc::new(BoundMethod { receiver: task.clone(), func: native.with(Value::clone) }))
}

/// `task.__step` as a callable (what a Handle for a step shows).
pub fn step_method(task: &Value) -> Value {
    native_method(task, &STEP)
}

/// `task.__wakeup` as a callable.
pub fn wakeup_method(task: &Value) -> Value {
    native_method(task, &WAKEUP)
}

/// Creates a task for `coro` on `event_loop` and schedules its first step.
pub fn create_task(event_loop: &Value, coro: Value, name: Option<Value>) -> PyResult {
    let is_coro = matches!(&coro, Value::Generator(g) if g.is_coroutine())
        || matches!(&coro, Value::Iter(i) if i.borrow().is_awaitable());
    if !is_coro {
        let shown = crate::runtime::protocol::repr_value(coro.clone())
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        return Err(type_error(format!("a coroutine was expected, got {}", shown)));
    }
    if let Value::Generator(g) = &coro {
        g.awaited.set(true);
    }
    // Every task uses up a number, named or not (as CPython's counter does).
    let n = state(|s| {
        s.task_counter += 1;
        s.task_counter
    });
    let name = match name {
        Some(n) if !n.is_none() => crate::runtime::protocol::str_value(n)?,
        _ => Value::Int(n as i64),
    };
    let class = state(|s| s.task_class.clone());
    let td = TaskData { coro, name, fut_waiter: None, must_cancel: false, cancel_requests: 0 };
    let task = future::new_future(&class, event_loop.clone(), FutKind::Task(td));
    loop_data(event_loop).expect("loop").tasks.push(task.clone());
    schedule(event_loop, Ready::Step(task.clone(), None));
    Ok(task)
}

fn step_native(a: &Args) -> PyResult {
    let task = a.pos[0].clone();
    let exc = match a.pos.get(1) {
        Some(Value::Instance(e)) => Some(e.clone()),
        _ => None,
    };
    run_async(|ctx| async move {
        step(&ctx, &task, exc).await?;
        Ok(Value::None)
    })
}

/// The done-callback a task puts on the future it awaits.
fn wakeup_native(a: &Args) -> PyResult {
    let task = a.pos[0].clone();
    let fut = a.pos[1].clone();
    run_async(|ctx| async move {
        wakeup(&ctx, &task, &fut).await?;
        Ok(Value::None)
    })
}

/// `task.__wakeup(fut)`: the awaited future is done; step with its outcome.
pub async fn wakeup(ctx: &Ctx, task: &Value, fut: &Value) -> PyResult<()> {
    let exc = match future::result(fut) {
        Ok(_) => None,
        Err(Flow::Raise(e)) => Some(e),
        Err(other) => return Err(other),
    };
    step(ctx, task, exc).await
}

/// The timer of a task's sleep fired: complete the sleep (unless the task was cancelled
/// meanwhile) and wake the task on the next iteration, as the sleep future's callback would.
pub fn sleep_done(task: &Value, cell: &AwaitCell) {
    if !sleep::advance(cell, |s| matches!(s, SleepState::Timer), SleepState::Done) {
        return;
    }
    let event_loop = data(task).expect("task").event_loop.clone();
    schedule(&event_loop, Ready::Step(task.clone(), None));
}

/// Cancels the sleep a task waits on (as cancelling its timer future would): the task is
/// woken with CancelledError. False if the sleep is already over.
fn cancel_sleep(task: &Value, cell: &AwaitCell, msg: Value) -> bool {
    if !sleep::advance(cell, |s| matches!(s, SleepState::Timer), SleepState::Cancelled) {
        return false;
    }
    let event_loop = data(task).expect("task").event_loop.clone();
    schedule(&event_loop, Ready::Step(task.clone(), Some(cancelled_error(msg))));
    true
}

/// Whether `v` is a sleep asking the task that steps it for a timer.
fn sleep_request(v: &Value) -> Option<AwaitCell> {
    match v {
        Value::Iter(cell) if matches!(sleep::sleep_state(v), Some(SleepState::Requested)) => Some(cell.clone()),
        _ => None,
    }
}

fn data_task(d: std::cell::RefMut<'_, future::FutureData>) -> std::cell::RefMut<'_, TaskData> {
    std::cell::RefMut::map(d, |d| d.task_mut().expect("task"))
}

/// One step: run the coroutine until it yields a future, returns or raises.
pub async fn step(ctx: &Ctx, task: &Value, mut exc: Option<Exc>) -> PyResult<()> {
    let (coro, event_loop) = {
        let d = data(task).expect("task");
        if d.state != FutState::Pending {
            return Ok(());
        }
        (d.task().expect("task").coro.clone(), d.event_loop.clone())
    };
    {
        let mut d = data(task).expect("task");
        let msg = d.cancel_msg.clone();
        let t = d.task_mut().expect("task");
        t.fut_waiter = None;
        if t.must_cancel {
            t.must_cancel = false;
            if exc.as_ref().is_none_or(|e| !super::errors::is_cancelled_error(e)) {
                exc = Some(cancelled_error(msg));
            }
        }
    }
    let previous = loop_data(&event_loop).expect("loop").current_task.replace(task.clone());
    let outcome = match &coro {
        Value::Generator(g) => match exc {
            None => ctx.send(g.clone(), Value::None).await,
            Some(e) => ctx.throw(g.clone(), e).await,
        },
        // A task for `asyncio.sleep(...)`, `queue.get()`, ... itself: step it directly.
        Value::Iter(cell) => step_awaitable(ctx, cell, exc).await,
        _ => Err(type_error("task coroutine is not a coroutine")),
    };
    loop_data(&event_loop).expect("loop").current_task = previous;
    match outcome {
        Ok(GenStep::Returned(v)) => {
            let must_cancel = data_task(data(task).expect("task")).must_cancel;
            if must_cancel {
                let msg = data(task).expect("task").cancel_msg.clone();
                future::cancel_future(task, msg);
            } else {
                future::set_result(task, v)?;
            }
        }
        Ok(GenStep::Yielded(v)) => {
            if let Some(cell) = sleep_request(&v) {
                // asyncio.sleep(delay): the task itself waits on the timer heap.
                let delay = with_awaitable_in(&cell, |s: &SleepWait| {
                    *s.state.borrow_mut() = SleepState::Timer;
                    s.delay
                })
                .expect("a sleep request is a sleep");
                loop_data(&event_loop).expect("loop").sleep_until(delay, task.clone(), cell.clone());
                wait_on(task, v)?;
            } else if future::is_future(&v) {
                if v.is(task) {
                    let e = crate::vm::exc_of(runtime_error(format!("Task cannot await on itself: {}", "task")));
                    schedule(&event_loop, Ready::Step(task.clone(), Some(e)));
                    return Ok(());
                }
                let Value::Instance(me) = task else { unreachable!("a task is an instance") };
                future::add_done_callback(&v, Callback::Wakeup(me.clone()));
                wait_on(task, v)?;
            } else if v.is_none() {
                // A bare `yield` (asyncio.sleep(0)): run again on the next loop iteration.
                schedule(&event_loop, Ready::Step(task.clone(), None));
            } else {
                let shown = crate::runtime::protocol::repr(ctx, &v).await?;
                let e = crate::vm::exc_of(runtime_error(format!("Task got bad yield: {}", shown)));
                schedule(&event_loop, Ready::Step(task.clone(), Some(e)));
            }
        }
        Err(Flow::Raise(e)) if super::errors::is_cancelled_error(&e) => {
            let msg = e.exc().and_then(|d| d.borrow().args.first().cloned()).unwrap_or(Value::None);
            future::cancel_future(task, msg);
        }
        Err(Flow::Raise(e))
            if is_instance_of(&e, ExcType::KeyboardInterrupt) || is_instance_of(&e, ExcType::SystemExit) =>
        {
            future::set_exception(task, e.clone())?;
            return Err(Flow::Raise(e));
        }
        Err(Flow::Raise(e)) => future::set_exception(task, e)?,
        Err(other) => return Err(other),
    }
    Ok(())
}

/// One step of a task whose coroutine is a native awaitable.
async fn step_awaitable(ctx: &Ctx, cell: &AwaitCell, exc: Option<Exc>) -> PyResult<GenStep> {
    let aw = Value::Iter(cell.clone());
    let exc = match exc.map(|e| async_generators::thrown(cell, e)) {
        None => None,
        Some(Thrown::NotAStep(e)) => Some(e),
        Some(Thrown::Into(gen, e)) => return async_generators::drive(ctx, &aw, gen, Err(e)).await,
        Some(Thrown::Raise(flow)) => return Err(flow),
    };
    if let Some(e) = exc {
        // The task's own sleep or request is cancelled with it.
        let own_future = match sleep::sleep_state(&aw) {
            Some(SleepState::Future(f)) => Some(f),
            _ => with_awaitable(&aw, |h: &HttpWait| h.fut.borrow().clone()).flatten(),
        };
        match own_future {
            Some(f) if future::is_future(&f) => {
                future::cancel_future(&f, Value::None);
            }
            _ => {
                sleep::advance(cell, |s| matches!(s, SleepState::Timer), SleepState::Cancelled);
            }
        }
        return ctx.resolve(Err(await_thrown(cell, e))).await.map(GenStep::Returned);
    }
    loop {
        return match await_step(cell, Value::None) {
            AwaitStep::Yield(v) => Ok(GenStep::Yielded(v)),
            AwaitStep::Return(v) => Ok(GenStep::Returned(v)),
            AwaitStep::Raise(f) => ctx.resolve(Err(f)).await.map(GenStep::Returned),
            AwaitStep::RunThenStep(nf) => {
                ctx.resolve(Err(Flow::Async(nf))).await?;
                continue;
            }
            AwaitStep::Resume { gen, send } => async_generators::drive(ctx, &aw, gen, send).await,
        };
    }
}

/// The task now waits on `waiter` (a future, or its own sleep); a cancel() that came while
/// it ran goes to the waiter.
fn wait_on(task: &Value, waiter: Value) -> PyResult<()> {
    let must_cancel = {
        let mut t = data_task(data(task).expect("task"));
        t.fut_waiter = Some(waiter.clone());
        t.must_cancel
    };
    if must_cancel {
        let msg = data(task).expect("task").cancel_msg.clone();
        if cancel_waiter(task, &waiter, msg)? {
            data_task(data(task).expect("task")).must_cancel = false;
        }
    }
    Ok(())
}

/// Cancels what the task waits on; false if it is already done.
fn cancel_waiter(task: &Value, waiter: &Value, msg: Value) -> PyResult<bool> {
    match waiter {
        Value::Iter(cell) => Ok(cancel_sleep(task, cell, msg)),
        _ => future::cancel(waiter, msg),
    }
}

/// `task.cancel(msg)`: cancels the awaited future, or arranges a CancelledError.
pub fn cancel(task: &Value, msg: Value) -> PyResult<bool> {
    let waiter = {
        let mut d = data(task).expect("task");
        if d.state != FutState::Pending {
            return Ok(false);
        }
        d.cancel_msg = msg.clone();
        let t = d.task_mut().expect("task");
        t.cancel_requests += 1;
        t.fut_waiter.clone()
    };
    if let Some(w) = waiter {
        if cancel_waiter(task, &w, msg)? {
            return Ok(true);
        }
    }
    data_task(data(task).expect("task")).must_cancel = true;
    Ok(true)
}

fn this(a: &Args) -> PyResult<Value> {
    match a.pos.first() {
        Some(v) if data(v).is_some_and(|d| d.is_task()) => Ok(v.clone()),
        _ => Err(type_error("descriptor requires a 'Task' object")),
    }
}

pub fn install(class: &Rc<crate::object::class::Class>) {
    method(class, "get_name", |a| Ok(data_task(data(&this(a)?).expect("task")).name()));
    method(class, "set_name", |a| {
        let t = this(a)?;
        let v = a.pos.get(1).cloned().unwrap_or(Value::None);
        let name = crate::runtime::protocol::str_value(v)?;
        data_task(data(&t).expect("task")).name = name;
        Ok(Value::None)
    });
    method(class, "get_coro", |a| Ok(data_task(data(&this(a)?).expect("task")).coro.clone()));
    method(class, "cancelling", |a| Ok(Value::Int(data_task(data(&this(a)?).expect("task")).cancel_requests as i64)));
    method(class, "uncancel", |a| {
        let t = this(a)?;
        let mut td = data_task(data(&t).expect("task"));
        td.cancel_requests = td.cancel_requests.saturating_sub(1);
        Ok(Value::Int(td.cancel_requests as i64))
    });
}

/// The Task-specific parts of a repr: `name='Task-1' coro=<f() running at file:line>`.
pub async fn repr_parts(ctx: &Ctx, task: &Value) -> PyResult<Vec<String>> {
    let (name, coro) = {
        let t = data_task(data(task).expect("task"));
        (t.name(), t.coro.clone())
    };
    let mut parts = vec![format!("name={}", crate::runtime::protocol::repr(ctx, &name).await?)];
    if let Value::Generator(g) = &coro {
        let code = &g.code;
        let file = &code.source.name;
        let where_ = match g.state.get() {
            GenState::Finished => format!("done, defined at {}:{}", file, code.first_line()),
            GenState::Created => format!("running at {}:{}", file, code.first_line()),
            _ => {
                let line = g
                    .fiber
                    .borrow()
                    .as_ref()
                    .and_then(|f| f.frames.first().map(|fr| fr.code.line_of(fr.ip.saturating_sub(1))))
                    .unwrap_or(code.first_line());
                format!("running at {}:{}", file, line)
            }
        };
        parts.push(format!("coro=<{}() {}>", g.qualname(), where_));
    } else if let Some(name) = async_generators::step_type_name(&coro) {
        // CPython shows an awaitable without `__name__` so.
        parts.push(format!("coro=<<{} without __name__>()>", name));
    } else {
        parts.push(format!("coro={}", crate::runtime::protocol::repr(ctx, &coro).await?));
    }
    Ok(parts)
}
