//! The `asyncio` module: event loops, futures and tasks in Rust, driving coroutines that
//! are ordinary VM frames. `await` delegates like `yield from` (see the compiler); a leaf
//! await yields a Future to the Task stepping the coroutine, as in CPython.

pub mod asyncgens;
mod errors;
mod event_loop;
mod future;
mod gather;
mod lock;
mod queue;
mod sleep;
mod task;
pub mod thread_future;

pub use event_loop::{call_soon, has_work, run_inside, task_reports, use_virtual_time, TaskReport};

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::runtime::args::{check_args, kwarg};
use crate::runtime::coroutine::{new_awaitable, AwaitStep};
use crate::runtime::define::native;
use crate::runtime::exceptions::{new_exception, runtime_error, type_error, value_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Exc, Flow, PyResult};
use event_loop::{data_of as loop_data, LoopData};
use future::FutKind;
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

/// Per-thread asyncio state: the classes, the current and running loops, task numbering.
pub struct State {
    pub future_class: Rc<Class>,
    pub task_class: Rc<Class>,
    pub gathering_future_class: Rc<Class>,
    pub queue_class: Rc<Class>,
    pub lock_class: Rc<Class>,
    pub loop_class: Rc<Class>,
    pub handle_class: Rc<Class>,
    pub timer_handle_class: Rc<Class>,
    pub current_loop: Option<Value>,
    pub running_loop: Option<Value>,
    /// `Task-N` names count across all loops, as in CPython.
    pub task_counter: u64,
    /// The module, whose coro part (lib.coro) some natives call into.
    pub module: Weak<Module>,
}

/// The parts of asyncio written in coro on top of the native Future, Task, gather, Queue,
/// Lock and loop: `wait`, `wait_for`, `shield`, `as_completed`, Event, Condition, the
/// semaphores, the Queue subclasses.
pub const SOURCE: &str = include_str!("lib.coro");

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn init_state() -> State {
    use crate::runtime::class_builder::native_class;
    use crate::runtime::coroutine::hooks::{set_asyncgen_hooks, AsyncGenHooks};
    set_asyncgen_hooks(AsyncGenHooks { first_iter: asyncgens::hook_to_running_loop, finalizer: asyncgens::finalize });
    let object = types().object.clone();
    let future_class = native_class("asyncio", "Future", vec![object.clone()]);
    let task_class = native_class("asyncio", "Task", vec![future_class.clone()]);
    let gathering_future_class = native_class("asyncio", "_GatheringFuture", vec![future_class.clone()]);
    let queue_class = native_class("asyncio", "Queue", vec![object.clone()]);
    let lock_class = native_class("asyncio.locks", "Lock", vec![object.clone()]);
    let loop_class = native_class("asyncio", "_UnixSelectorEventLoop", vec![object.clone()]);
    let handle_class = native_class("asyncio", "Handle", vec![object]);
    let timer_handle_class = native_class("asyncio", "TimerHandle", vec![handle_class.clone()]);
    future::install(&future_class);
    task::install(&task_class);
    queue::install(&queue_class);
    lock::install(&lock_class);
    event_loop::install(&loop_class);
    event_loop::install_handle(&handle_class);
    State {
        future_class,
        task_class,
        gathering_future_class,
        queue_class,
        lock_class,
        loop_class,
        handle_class,
        timer_handle_class,
        current_loop: None,
        running_loop: None,
        task_counter: 0,
        module: Weak::new(),
    }
}

/// Runs `f` on this thread's asyncio state (created on first use).
pub fn state<R>(f: impl FnOnce(&mut State) -> R) -> R {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        f(s.get_or_insert_with(init_state))
    })
}

/// Like `state`, for code that may run while the state is in use (a destructor): None then.
pub fn try_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.try_with(|s| s.try_borrow_mut().ok().map(|mut s| f(s.get_or_insert_with(init_state)))).ok().flatten()
}

/// `CancelledError(msg)` (no args when there is no message).
pub fn cancelled_error(msg: Value) -> Exc {
    let args = if msg.is_none() { Vec::new() } else { vec![msg] };
    new_exception(&errors::cancelled_error_class(), args)
}

/// The loop code should use now: the running one, else the current one (created on demand).
pub fn get_event_loop() -> Value {
    if let Some(l) = state(|s| s.running_loop.clone().or_else(|| s.current_loop.clone())) {
        return l;
    }
    let l = event_loop::new_loop();
    state(|s| s.current_loop = Some(l.clone()));
    l
}

/// A new pending Future on the current loop (for results produced outside script code).
pub fn new_pending_future() -> Value {
    let class = state(|s| s.future_class.clone());
    future::new_future(&class, get_event_loop(), FutKind::Plain)
}

/// Whether `fut` is a Future that is not done yet.
pub fn future_pending(fut: &Value) -> bool {
    future::data(fut).is_some_and(|d| d.state == future::FutState::Pending)
}

/// How an await of the done future `fut` ends: with its result or its exception.
pub fn future_outcome(fut: &Value) -> AwaitStep {
    match future::result(fut) {
        Ok(v) => AwaitStep::Return(v),
        Err(e) => AwaitStep::Raise(e),
    }
}

/// Finishes a pending Future with a result or an exception.
pub fn resolve_future(fut: &Value, r: Result<Value, Exc>) {
    let _ = match r {
        Ok(v) => future::set_result(fut, v),
        Err(e) => future::set_exception(fut, e),
    };
}

/// A new event loop, made this thread's current one (the REPL's, as `python -m asyncio` has).
pub fn new_current_loop() -> Value {
    let l = event_loop::new_loop();
    state(|s| s.current_loop = Some(l.clone()));
    l
}

/// Runs `coro` as a task on `lp` until the task is done, and returns its result (a REPL input
/// with top-level `await`). A task left unfinished (Ctrl-C, an error in another callback) is
/// cancelled; the loop delivers the cancellation the next time it runs.
pub fn run_task(lp: &Value, coro: Value) -> PyResult {
    let task = task::create_task(lp, coro, None)?;
    let lp = lp.clone();
    run_async(|ctx| async move { event_loop::run_to_end(&ctx, &lp, task).await })
}

/// Runs one iteration of `lp` while the REPL waits for input (see `has_work`).
pub fn run_idle_step(lp: &Value) -> PyResult {
    let lp = lp.clone();
    run_async(|ctx| async move {
        event_loop::run_idle_step(&ctx, &lp).await?;
        Ok(Value::None)
    })
}

/// Wraps an awaitable in a Future: futures as they are, coroutines as new tasks.
pub fn ensure_future(lp: &Value, aw: Value) -> PyResult {
    if future::is_future(&aw) {
        return Ok(aw);
    }
    match &aw {
        Value::Generator(g) if g.is_coroutine() => task::create_task(lp, aw, None),
        Value::Iter(i) if i.borrow().is_awaitable() => task::create_task(lp, aw, None),
        _ => Err(type_error("An asyncio.Future, a coroutine or an awaitable is required")),
    }
}

// ---- what the native Queue and Lock share ----

/// `cls.__new__(cls)` of `native` (a class with a payload) or of a script's subclass of it:
/// an instance carrying `payload(plain)`, where `plain` says it is of `native` itself.
fn new_with_payload<T: 'static>(
    a: &Args,
    native: fn(&State) -> &Rc<Class>,
    payload: impl FnOnce(bool) -> T,
) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else {
        let name = state(|s| native(s).name);
        return Err(type_error(format!("{}.__new__(X): X is not a type object", name)));
    };
    let plain = state(|s| Rc::ptr_eq(cls, native(s)));
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(payload(plain))));
    Ok(Value::Instance(Rc::new(inst)))
}

/// The instance a method of a native class with payload `T` is called on (`self`).
fn this<T: 'static>(a: &Args, class: &str) -> PyResult<Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if i.native::<T>().is_some() => Ok(i.clone()),
        _ => Err(type_error(format!("descriptor requires a '{}' object", class))),
    }
}

/// The value of `name` in the module (defined by lib.coro).
fn lib_value(name: &str) -> PyResult {
    let module = state(|s| s.module.upgrade()).ok_or_else(|| runtime_error("asyncio is not imported"))?;
    module.get(intern(name)).ok_or_else(|| runtime_error(format!("asyncio has no '{}'", name)))
}

/// A new waiter future on the running loop, for a task to park on.
fn new_waiter() -> PyResult {
    let lp = running_loop_or_error()?;
    Ok(future::new_future(&state(|s| s.future_class.clone()), lp, FutKind::Plain))
}

/// A native awaitable parked on `waiter` is stepped again: None once the waiter has its
/// result; else how the await ends (the waiter's exception, which `thrown` handles as if it
/// were thrown in, as CPython's `await fut` raises it in place).
fn woken(waiter: &Value, thrown: impl FnOnce(Exc) -> Flow) -> Option<AwaitStep> {
    if future_pending(waiter) {
        return Some(AwaitStep::Raise(runtime_error("await wasn't used with future")));
    }
    match future::result(waiter) {
        Err(Flow::Raise(e)) => Some(AwaitStep::Raise(thrown(e))),
        _ => None,
    }
}

/// Takes `waiter` out of a line of waiter futures.
fn remove_waiter(waiters: &mut VecDeque<Value>, waiter: &Value) {
    if let Some(i) = waiters.iter().position(|f| f.is(waiter)) {
        waiters.remove(i);
    }
}

fn number(v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        _ => Err(type_error(format!("'<=' not supported between instances of '{}' and 'int'", type_name(v)))),
    }
}

/// Whether a loop has tasks that are not done.
pub fn has_pending_tasks(lp: &Value) -> bool {
    !pending_tasks(lp).is_empty()
}

/// The tasks of a loop that are not done.
fn pending_tasks(lp: &Value) -> Vec<Value> {
    let ld = loop_data(lp).expect("loop");
    ld.tasks.iter().filter(|t| future::data(t).is_some_and(|d| d.state == future::FutState::Pending)).cloned().collect()
}

fn running_loop_or_error() -> PyResult<Value> {
    state(|s| s.running_loop.clone()).ok_or_else(|| runtime_error("no running event loop"))
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("asyncio")));
    state(|s| s.module = Rc::downgrade(&m));
    let (future_class, task_class, queue_class, lock_class) =
        state(|s| (s.future_class.clone(), s.task_class.clone(), s.queue_class.clone(), s.lock_class.clone()));
    m.set(intern("Future"), Value::Class(future_class));
    m.set(intern("Task"), Value::Class(task_class));
    m.set(intern("Queue"), Value::Class(queue_class));
    m.set(intern("Lock"), Value::Class(lock_class));
    m.set(intern("CancelledError"), Value::Class(errors::cancelled_error_class()));
    m.set(intern("InvalidStateError"), Value::Class(errors::invalid_state_error_class()));
    m.set(intern("QueueEmpty"), Value::Class(errors::queue_empty_class()));
    m.set(intern("QueueFull"), Value::Class(errors::queue_full_class()));
    m.set(intern("TimeoutError"), Value::Class(types().exc(ExcType::TimeoutError).clone()));
    let fns: &[(&'static str, crate::object::function::NativeFn)] = &[
        ("get_event_loop", |_| Ok(get_event_loop())),
        ("new_event_loop", |_| Ok(event_loop::new_loop())),
        ("set_event_loop", |a| {
            check_args(a, "set_event_loop", 1, 1)?;
            let l = a.pos[0].clone();
            state(|s| s.current_loop = if l.is_none() { None } else { Some(l) });
            Ok(Value::None)
        }),
        ("get_running_loop", |_| running_loop_or_error()),
        ("sleep", |a| {
            check_args(a, "sleep", 1, 2)?;
            let delay = number(&a.pos[0])?;
            let result = a.pos.get(1).cloned().or_else(|| kwarg(a, "result")).unwrap_or(Value::None);
            Ok(new_awaitable(sleep::SleepWait::new(delay, result)))
        }),
        ("create_task", |a| {
            check_args(a, "create_task", 1, 1)?;
            let lp = running_loop_or_error()?;
            task::create_task(&lp, a.pos[0].clone(), kwarg(a, "name"))
        }),
        ("ensure_future", |a| {
            check_args(a, "ensure_future", 1, 1)?;
            let lp = kwarg(a, "loop").filter(|l| !l.is_none()).unwrap_or_else(get_event_loop);
            ensure_future(&lp, a.pos[0].clone())
        }),
        ("current_task", |_| {
            let lp = running_loop_or_error()?;
            let current = loop_data(&lp).and_then(|d| d.current_task.clone());
            Ok(current.unwrap_or(Value::None))
        }),
        ("all_tasks", |_| {
            let lp = running_loop_or_error()?;
            crate::runtime::protocol::make_set(pending_tasks(&lp), false)
        }),
        ("iscoroutine", |a| {
            Ok(Value::Bool(match a.pos.first() {
                Some(Value::Generator(g)) => g.is_coroutine(),
                Some(Value::Iter(i)) => i.borrow().is_native_coroutine(),
                _ => false,
            }))
        }),
        ("iscoroutinefunction", |a| {
            Ok(Value::Bool(matches!(a.pos.first(), Some(Value::Function(f)) if f.code.flags.is_coroutine)))
        }),
        ("isfuture", |a| Ok(Value::Bool(a.pos.first().is_some_and(future::is_future)))),
        ("run", run),
        ("gather", gather::gather),
        ("_all_cancelled", all_cancelled),
        ("_take_asyncgens", asyncgens::take_asyncgens),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// `all(w.cancelled() for w in waiters)` for the waiter lists of the semaphores (lists of futures).
fn all_cancelled(a: &crate::object::function::Args) -> PyResult {
    check_args(a, "_all_cancelled", 1, 1)?;
    let Value::List(l) = &a.pos[0] else { return Err(type_error("_all_cancelled() expects a list")) };
    let items = l.items.borrow();
    let mut all = true;
    for w in items.iter() {
        match future::data(w) {
            Some(d) => all &= d.state == future::FutState::Cancelled,
            None => return Err(type_error("_all_cancelled() expects futures")),
        }
        if !all {
            break;
        }
    }
    Ok(Value::Bool(all))
}

/// `asyncio.run(main)`: a new loop runs `main` to completion, then cancels what is left.
fn run(a: &crate::object::function::Args) -> PyResult {
    check_args(a, "run", 1, 1)?;
    let running = state(|s| s.running_loop.clone());
    // At the REPL's prompt, the REPL's loop runs `main` (and goes on running its tasks after).
    let at_prompt = running.as_ref().is_some_and(|lp| loop_data(lp).is_some_and(|ld| ld.hosting_input()));
    if running.is_some() && !at_prompt {
        return Err(runtime_error("asyncio.run() cannot be called from a running event loop"));
    }
    let main = a.pos[0].clone();
    if !matches!(&main, Value::Generator(g) if g.is_coroutine()) {
        let shown = crate::runtime::protocol::repr_value(main.clone())
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        return Err(value_error(format!("a coroutine was expected, got {}", shown)));
    }
    if let (Some(lp), true) = (running, at_prompt) {
        return run_async(|ctx| async move { event_loop::run_until_complete(&ctx, &lp, main).await });
    }
    let lp = event_loop::new_loop();
    state(|s| s.current_loop = Some(lp.clone()));
    run_async(|ctx| async move {
        let task = task::create_task(&lp, main, None)?;
        let result = event_loop::run_until_complete(&ctx, &lp, task).await;
        // Shutdown: cancel the tasks still pending and let them finish.
        let pending = pending_tasks(&lp);
        for t in &pending {
            task::cancel(t, Value::None)?;
        }
        for t in pending {
            let _ = event_loop::run_until_complete(&ctx, &lp, t).await;
        }
        // CPython runs two shutdown coroutines as tasks: the first closes the async
        // generators left unfinished, the second (which has no work here) only uses up a
        // task number.
        let shutdown = ctx.call(lib_value("_shutdown_asyncgens")?, vec![lp.clone()]).await?;
        event_loop::run_until_complete(&ctx, &lp, shutdown).await?;
        state(|s| s.task_counter += 1);
        {
            let mut ld: RefMut<'_, LoopData> = loop_data(&lp).expect("loop");
            ld.closed = true;
        }
        state(|s| s.current_loop = None);
        result
    })
}
