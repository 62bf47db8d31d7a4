//! `asyncio.Queue`, natively: CPython's `queues.Queue` step for step (the same waiter
//! futures, woken in the same order), with `get()`, `put()` and `join()` returning native
//! awaitables instead of coroutines.
//!
//! A plain Queue keeps its items in Rust and runs no script code. For a subclass
//! (LifoQueue, PriorityQueue, a script's own) the items live in `self._queue`, and every
//! method a subclass may override (`_init`, `_get`, `_put`, `qsize`, `empty`, `full`,
//! `get_nowait`, `put_nowait`) is called through the instance, as CPython calls it. Both
//! run the same async code below; only a subclass's needs a continuation (see `drive`).

use super::future::{self, FutState};
use super::{new_waiter, remove_waiter};
use crate::intern::{intern, Symbol};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::object::Wrapper;
use crate::runtime::args::{check_args, kwarg};
use crate::runtime::coroutine::{new_awaitable, with_awaitable_in, AwaitCell, AwaitStep, Awaitable};
use crate::runtime::define::method;
use crate::runtime::exceptions::{new_exception, runtime_error, type_error, value_error};
use crate::runtime::protocol::{iterate, len, repr, truthy};
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, run_now, Ctx};
use crate::vm::{get_attr, set_attr};
use crate::vm::{Exc, Flow, PyResult};
use std::any::Any;
use std::cell::{RefCell, RefMut};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;

pub struct QueueData {
    /// The items of a plain Queue (a subclass keeps them in `self._queue`).
    items: VecDeque<Value>,
    getters: VecDeque<Value>,
    putters: VecDeque<Value>,
    maxsize: i64,
    unfinished_tasks: i64,
    /// The futures of `join()` calls. They stand for CPython's `_finished` Event, which is
    /// set exactly when no task is unfinished, so only its waiters need keeping.
    joiners: Vec<Value>,
    /// The instance is a Queue itself, not a subclass: no method can be overridden.
    plain: bool,
}

/// The names of the methods a subclass may override, and of its item store.
struct Names {
    init: Symbol,
    get: Symbol,
    put: Symbol,
    qsize: Symbol,
    empty: Symbol,
    full: Symbol,
    get_nowait: Symbol,
    put_nowait: Symbol,
    queue: Symbol,
    append: Symbol,
    pop: Symbol,
}

thread_local! {
    static NAMES: Names = Names {
        init: intern("_init"),
        get: intern("_get"),
        put: intern("_put"),
        qsize: intern("qsize"),
        empty: intern("empty"),
        full: intern("full"),
        get_nowait: intern("get_nowait"),
        put_nowait: intern("put_nowait"),
        queue: intern("_queue"),
        append: intern("append"),
        pop: intern("pop"),
    };
}

fn name(which: fn(&Names) -> Symbol) -> Symbol {
    NAMES.with(which)
}

fn data(q: &Instance) -> RefMut<'_, QueueData> {
    q.native::<QueueData>().expect("queue")
}

fn is_plain(q: &Instance) -> bool {
    data(q).plain
}

/// Runs `f` for `q`: at once for a plain Queue, which never needs script code (and so
/// allocates nothing); as a native continuation for a subclass, whose methods are script.
fn drive<F, Fut>(q: &Instance, f: F) -> PyResult
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = PyResult> + 'static,
{
    if is_plain(q) {
        run_now(f)
    } else {
        run_async(f)
    }
}

fn queue_error(class: Rc<Class>) -> Flow {
    Flow::Raise(new_exception(&class, Vec::new()))
}

// ---- calls through the instance ----

/// `self.<method>(*args)`.
async fn call_method(ctx: &Ctx, q: &Rc<Instance>, method: Symbol, args: &[Value]) -> PyResult {
    let bound = ctx.resolve(get_attr(&Value::Instance(q.clone()), method)).await?;
    ctx.call(bound, args.to_vec()).await
}

/// `self.<method>(*args)`: Queue's own `base` for a plain queue, else the subclass's.
async fn dispatch(
    ctx: &Ctx,
    q: &Rc<Instance>,
    method: Symbol,
    args: &[Value],
    base: impl Future<Output = PyResult>,
) -> PyResult {
    if is_plain(q) {
        base.await
    } else {
        call_method(ctx, q, method, args).await
    }
}

/// `self._queue.<method>(*args)` of a subclass.
async fn call_store(ctx: &Ctx, q: &Rc<Instance>, method: Symbol, args: Vec<Value>) -> PyResult {
    let store = ctx.resolve(get_attr(&Value::Instance(q.clone()), name(|n| n.queue))).await?;
    let bound = ctx.resolve(get_attr(&store, method)).await?;
    ctx.call(bound, args).await
}

async fn store_value(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    ctx.resolve(get_attr(&Value::Instance(q.clone()), name(|n| n.queue))).await
}

// ---- Queue's methods (the bodies a subclass inherits) ----

async fn base_init(q: &Rc<Instance>) -> PyResult {
    if is_plain(q) {
        data(q).items.clear();
        return Ok(Value::None);
    }
    set_attr(&Value::Instance(q.clone()), name(|n| n.queue), Value::list(Vec::new()))?;
    Ok(Value::None)
}

async fn base_get(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    if is_plain(q) {
        return data(q)
            .items
            .pop_front()
            .ok_or_else(|| crate::runtime::exceptions::raise(ExcType::IndexError, "pop from an empty deque"));
    }
    call_store(ctx, q, name(|n| n.pop), vec![Value::Int(0)]).await
}

async fn base_put(ctx: &Ctx, q: &Rc<Instance>, item: Value) -> PyResult {
    if is_plain(q) {
        data(q).items.push_back(item);
        return Ok(Value::None);
    }
    call_store(ctx, q, name(|n| n.append), vec![item]).await
}

async fn base_qsize(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    if is_plain(q) {
        return Ok(Value::Int(data(q).items.len() as i64));
    }
    Ok(Value::Int(len(ctx, &store_value(ctx, q).await?).await?))
}

async fn base_empty(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    if is_plain(q) {
        return Ok(Value::Bool(data(q).items.is_empty()));
    }
    Ok(Value::Bool(!truthy(ctx, &store_value(ctx, q).await?).await?))
}

async fn base_full(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    let maxsize = data(q).maxsize;
    if maxsize <= 0 {
        return Ok(Value::Bool(false));
    }
    match qsize(ctx, q).await? {
        Value::Int(n) => Ok(Value::Bool(n >= maxsize)),
        other => Err(type_error(format!(
            "'>=' not supported between instances of '{}' and 'int'",
            crate::runtime::type_name(&other)
        ))),
    }
}

async fn base_get_nowait(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    if empty(ctx, q).await? {
        return Err(queue_error(super::errors::queue_empty_class()));
    }
    let item = dispatch(ctx, q, name(|n| n.get), &[], base_get(ctx, q)).await?;
    wakeup_next(q, WaitFor::Put)?;
    Ok(item)
}

async fn base_put_nowait(ctx: &Ctx, q: &Rc<Instance>, item: Value) -> PyResult {
    if full(ctx, q).await? {
        return Err(queue_error(super::errors::queue_full_class()));
    }
    let args = [item];
    dispatch(ctx, q, name(|n| n.put), &args, base_put(ctx, q, args[0].clone())).await?;
    // `_finished.clear()` is implied: the Event is set exactly when this count is 0.
    data(q).unfinished_tasks += 1;
    wakeup_next(q, WaitFor::Get)?;
    Ok(Value::None)
}

// ---- `self.<method>()` as get() and put() call them ----

async fn qsize(ctx: &Ctx, q: &Rc<Instance>) -> PyResult {
    dispatch(ctx, q, name(|n| n.qsize), &[], base_qsize(ctx, q)).await
}

async fn empty(ctx: &Ctx, q: &Rc<Instance>) -> PyResult<bool> {
    truthy(ctx, &dispatch(ctx, q, name(|n| n.empty), &[], base_empty(ctx, q)).await?).await
}

async fn full(ctx: &Ctx, q: &Rc<Instance>) -> PyResult<bool> {
    truthy(ctx, &dispatch(ctx, q, name(|n| n.full), &[], base_full(ctx, q)).await?).await
}

/// One pass of an await: the awaited result, or None when the task must wait (CPython's
/// `while self.empty(): await getter`, `while self.full(): await putter` and `join()`).
async fn try_now(ctx: &Ctx, op: WaitFor, q: &Rc<Instance>, item: Value) -> PyResult<Option<Value>> {
    match op {
        WaitFor::Get if empty(ctx, q).await? => Ok(None),
        WaitFor::Get => dispatch(ctx, q, name(|n| n.get_nowait), &[], base_get_nowait(ctx, q)).await.map(Some),
        WaitFor::Put if full(ctx, q).await? => Ok(None),
        WaitFor::Put => {
            let args = [item];
            dispatch(ctx, q, name(|n| n.put_nowait), &args, base_put_nowait(ctx, q, args[0].clone())).await.map(Some)
        }
        WaitFor::Join if data(q).unfinished_tasks > 0 => Ok(None),
        WaitFor::Join => Ok(Some(Value::None)),
    }
}

// ---- waiters ----

/// What an awaitable of a queue waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum WaitFor {
    Get,
    Put,
    Join,
}

/// `await q.get()`, `await q.put(item)`, `await q.join()` in progress.
struct QueueWait {
    queue: Rc<Instance>,
    op: WaitFor,
    inner: RefCell<WaitInner>,
}

struct WaitInner {
    /// The item to put; once decided, the result.
    value: Value,
    state: WaitState,
}

enum WaitState {
    /// Look at the queue (again).
    Idle,
    /// The queue said wait: make a waiter future and yield it.
    Park,
    /// Waiting on this future (in the queue's getters, putters or joiners).
    Parked(Value),
    /// `value` is the result.
    Ready,
    Finished,
}

fn new_wait(op: WaitFor, queue: Rc<Instance>, value: Value) -> Value {
    new_awaitable(QueueWait { queue, op, inner: RefCell::new(WaitInner { value, state: WaitState::Idle }) })
}

/// `_wakeup_next`: completes the first waiter that is not done (cancelled ones are dropped).
fn wakeup_next(q: &Instance, op: WaitFor) -> PyResult<()> {
    loop {
        let next = match op {
            WaitFor::Get => data(q).getters.pop_front(),
            WaitFor::Put => data(q).putters.pop_front(),
            WaitFor::Join => unreachable!("join() waiters are woken all at once"),
        };
        let Some(waiter) = next else { return Ok(()) };
        if super::future_pending(&waiter) {
            return future::set_result(&waiter, Value::None);
        }
    }
}

/// A new waiter future on the running loop, queued behind the others of its kind.
fn park(q: &Instance, op: WaitFor) -> PyResult {
    let fut = new_waiter()?;
    let mut d = data(q);
    match op {
        WaitFor::Get => d.getters.push_back(fut.clone()),
        WaitFor::Put => d.putters.push_back(fut.clone()),
        WaitFor::Join => d.joiners.push(fut.clone()),
    }
    Ok(fut)
}

/// Records what `try_now` decided for the wait in `cell`, for the next step to act on.
fn settle(cell: &AwaitCell, outcome: PyResult<Option<Value>>) -> PyResult {
    let settled = with_awaitable_in(cell, |w: &QueueWait| {
        let mut w = w.inner.borrow_mut();
        match outcome {
            Ok(Some(v)) => {
                w.value = v;
                w.state = WaitState::Ready;
                Ok(Value::None)
            }
            Ok(None) => {
                w.state = WaitState::Park;
                Ok(Value::None)
            }
            Err(e) => {
                w.state = WaitState::Finished;
                Err(e)
            }
        }
    });
    settled.expect("a queue wait")
}

impl Awaitable for QueueWait {
    fn step(&self, this: &AwaitCell, _sent: Value) -> AwaitStep {
        let op = self.op;
        loop {
            let mut w = self.inner.borrow_mut();
            match &w.state {
                WaitState::Idle => {
                    let (q, item) = (self.queue.clone(), w.value.clone());
                    drop(w);
                    let cell = this.clone();
                    let decided = drive(&q.clone(), move |ctx| async move {
                        let outcome = try_now(&ctx, op, &q, item).await;
                        settle(&cell, outcome)
                    });
                    match decided {
                        Ok(_) => continue,
                        Err(Flow::Async(nf)) => return AwaitStep::RunThenStep(nf),
                        Err(flow) => return AwaitStep::Raise(flow),
                    }
                }
                WaitState::Park => match park(&self.queue, op) {
                    Ok(fut) => {
                        w.state = WaitState::Parked(fut.clone());
                        return AwaitStep::Yield(fut);
                    }
                    Err(flow) => {
                        w.state = WaitState::Finished;
                        return AwaitStep::Raise(flow);
                    }
                },
                WaitState::Parked(fut) => {
                    let fut = fut.clone();
                    drop(w);
                    if let Some(ended) = super::woken(&fut, |e| self.thrown(this, e)) {
                        return ended;
                    }
                    let mut w = self.inner.borrow_mut();
                    // Woken: a getter or putter looks at the queue again; join() is done.
                    if op == WaitFor::Join {
                        w.state = WaitState::Finished;
                        return AwaitStep::Return(Value::None);
                    }
                    w.state = WaitState::Idle;
                }
                WaitState::Ready => {
                    w.state = WaitState::Finished;
                    return AwaitStep::Return(std::mem::replace(&mut w.value, Value::None));
                }
                WaitState::Finished => {
                    return AwaitStep::Raise(runtime_error("cannot reuse already awaited coroutine"))
                }
            }
        }
    }

    /// `e` is thrown into a task waiting here (a cancellation): CPython's `except:` clause
    /// drops the waiter and, if it had been woken already, passes the wake-up on to the next
    /// waiter. Returns how to raise `e` (after script code, for a subclass's `empty()`/`full()`).
    fn thrown(&self, _this: &AwaitCell, e: Exc) -> Flow {
        let (op, q) = (self.op, self.queue.clone());
        let waiter = {
            let mut w = self.inner.borrow_mut();
            let WaitState::Parked(waiter) = std::mem::replace(&mut w.state, WaitState::Finished) else {
                return Flow::Raise(e);
            };
            waiter
        };
        if op == WaitFor::Join {
            // `_finished.wait()` only forgets its future.
            data(&q).joiners.retain(|f| !f.is(&waiter));
            return Flow::Raise(e);
        }
        future::cancel_future(&waiter, Value::None);
        {
            let mut d = data(&q);
            remove_waiter(if op == WaitFor::Get { &mut d.getters } else { &mut d.putters }, &waiter);
        }
        let reraise = e.clone();
        let pass_on = drive(&q.clone(), move |ctx| async move {
            let room = match op {
                WaitFor::Get => !empty(&ctx, &q).await?,
                _ => !full(&ctx, &q).await?,
            };
            let cancelled = future::data(&waiter).is_some_and(|d| d.state == FutState::Cancelled);
            if room && !cancelled {
                wakeup_next(&q, op)?;
            }
            Err(Flow::Raise(e))
        });
        pass_on.map_or_else(|flow| flow, |_| Flow::Raise(reraise))
    }

    /// What a task awaiting this waits on (`a Queue to get from`), for the deadlock report.
    fn describe_wait(&self) -> Option<String> {
        let what = match self.op {
            WaitFor::Get => "to get from",
            WaitFor::Put => "to put into",
            WaitFor::Join => "to be joined",
        };
        Some(format!("a {} {}", self.queue.class.name, what))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---- the class ----

fn this(a: &Args) -> PyResult<Rc<Instance>> {
    super::this::<QueueData>(a, "Queue")
}

fn maxsize_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => Err(type_error("maxsize must be an integer")),
    }
}

/// `maxsize=0 _queue=[1, 2] _getters[1] tasks=2`, as CPython's `_format`.
async fn format(ctx: &Ctx, q: &Rc<Instance>) -> PyResult<String> {
    let items = if is_plain(q) {
        data(q).items.iter().cloned().collect()
    } else {
        match get_attr(&Value::Instance(q.clone()), name(|n| n.queue)) {
            Ok(store) if truthy(ctx, &store).await? => iterate(ctx, &store).await?,
            Err(Flow::Async(nf)) => {
                let store = ctx.resolve(Err(Flow::Async(nf))).await?;
                if truthy(ctx, &store).await? {
                    iterate(ctx, &store).await?
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    };
    let (maxsize, getters, putters, tasks) = {
        let d = data(q);
        (d.maxsize, d.getters.len(), d.putters.len(), d.unfinished_tasks)
    };
    let mut s = format!("maxsize={}", maxsize);
    if !items.is_empty() {
        s.push_str(&format!(" _queue={}", repr(ctx, &Value::list(items)).await?));
    }
    if getters > 0 {
        s.push_str(&format!(" _getters[{}]", getters));
    }
    if putters > 0 {
        s.push_str(&format!(" _putters[{}]", putters));
    }
    if tasks != 0 {
        s.push_str(&format!(" tasks={}", tasks));
    }
    Ok(s)
}

// Queue's methods that have an async body above, by number: (name, arguments after self).
const INIT: usize = 0;
const GET: usize = 1;
const PUT: usize = 2;
const QSIZE: usize = 3;
const EMPTY: usize = 4;
const FULL: usize = 5;
const GET_NOWAIT: usize = 6;
const PUT_NOWAIT: usize = 7;
const BASE_METHODS: [(&str, usize); 8] = [
    ("_init", 1),
    ("_get", 0),
    ("_put", 1),
    ("qsize", 0),
    ("empty", 0),
    ("full", 0),
    ("get_nowait", 0),
    ("put_nowait", 1),
];

/// Queue's method number `M` as a native.
fn base_method<const M: usize>(a: &Args) -> PyResult {
    let (name, argc) = BASE_METHODS[M];
    check_args(a, name, argc + 1, argc + 1)?;
    let q = this(a)?;
    let arg = a.pos.get(1).cloned().unwrap_or(Value::None);
    drive(&q.clone(), move |ctx| async move {
        match M {
            INIT => base_init(&q).await,
            GET => base_get(&ctx, &q).await,
            PUT => base_put(&ctx, &q, arg).await,
            QSIZE => base_qsize(&ctx, &q).await,
            EMPTY => base_empty(&ctx, &q).await,
            FULL => base_full(&ctx, &q).await,
            GET_NOWAIT => base_get_nowait(&ctx, &q).await,
            _ => base_put_nowait(&ctx, &q, arg).await,
        }
    })
}

pub fn install(class: &Rc<Class>) {
    method(class, "__new__", |a| {
        super::new_with_payload(
            a,
            |s| &s.queue_class,
            |plain| QueueData {
                items: VecDeque::new(),
                getters: VecDeque::new(),
                putters: VecDeque::new(),
                maxsize: 0,
                unfinished_tasks: 0,
                joiners: Vec::new(),
                plain,
            },
        )
    });
    method(class, "__init__", |a| {
        check_args(a, "Queue.__init__", 1, 2)?;
        let q = this(a)?;
        let maxsize = a.pos.get(1).cloned().or_else(|| kwarg(a, "maxsize")).unwrap_or(Value::Int(0));
        data(&q).maxsize = maxsize_arg(&maxsize)?;
        drive(&q.clone(), move |ctx| async move {
            let args = [maxsize];
            dispatch(&ctx, &q, name(|n| n.init), &args, base_init(&q)).await?;
            Ok(Value::None)
        })
    });
    method(class, "_init", base_method::<INIT>);
    method(class, "_get", base_method::<GET>);
    method(class, "_put", base_method::<PUT>);
    method(class, "qsize", base_method::<QSIZE>);
    method(class, "empty", base_method::<EMPTY>);
    method(class, "full", base_method::<FULL>);
    method(class, "get_nowait", base_method::<GET_NOWAIT>);
    method(class, "put_nowait", base_method::<PUT_NOWAIT>);
    method(class, "get", |a| Ok(new_wait(WaitFor::Get, this(a)?, Value::None)));
    method(class, "put", |a| {
        check_args(a, "put", 2, 2)?;
        Ok(new_wait(WaitFor::Put, this(a)?, a.pos[1].clone()))
    });
    method(class, "join", |a| Ok(new_wait(WaitFor::Join, this(a)?, Value::None)));
    method(class, "task_done", |a| {
        let q = this(a)?;
        let joiners = {
            let mut d = data(&q);
            if d.unfinished_tasks <= 0 {
                return Err(value_error("task_done() called too many times"));
            }
            d.unfinished_tasks -= 1;
            if d.unfinished_tasks > 0 {
                return Ok(Value::None);
            }
            std::mem::take(&mut d.joiners)
        };
        // `_finished.set()`
        for fut in joiners.iter().filter(|f| super::future_pending(f)) {
            future::set_result(fut, Value::Bool(true))?;
        }
        Ok(Value::None)
    });
    method(class, "__repr__", |a| {
        let q = this(a)?;
        run_async(move |ctx| async move {
            let id = Rc::as_ptr(&q) as usize;
            Ok(Value::str(format!("<{} at {:#x} {}>", q.class.name, id, format(&ctx, &q).await?)))
        })
    });
    method(class, "__str__", |a| {
        let q = this(a)?;
        run_async(move |ctx| async move { Ok(Value::str(format!("<{} {}>", q.class.name, format(&ctx, &q).await?))) })
    });
    let maxsize = crate::runtime::define::native("maxsize", |a| {
        let q = this(a)?;
        let maxsize = data(&q).maxsize;
        Ok(Value::Int(maxsize))
    });
    let property = Wrapper::Property { fget: maxsize, fset: Value::None, fdel: Value::None, doc: Value::None };
    class.attrs.borrow_mut().insert(intern("maxsize"), Value::Wrapper(Rc::new(property)));
    class.settle_attr_rules();
}
