//! The event loop: a FIFO ready queue of handles, a timer heap ordered by (deadline,
//! insertion), and a monotonic clock. `run_until_complete` and `run_forever` are native
//! continuations that call each ready handle's callback through the VM.

use super::future::{self, data, Callback, FutKind, FutState};
use super::sleep::SleepState;
use super::{state, task};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::args::{check_args, kwarg};
use crate::runtime::completions;
use crate::runtime::coroutine::AwaitCell;
use crate::runtime::define::method;
use crate::runtime::exceptions::{is_instance_of, runtime_error, type_error};
use crate::runtime::output;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{Exc, Flow, PyResult};
use std::cell::{RefCell, RefMut};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::rc::Rc;
use std::time::Instant;

/// A scheduled callback (`asyncio.Handle` / `TimerHandle`).
pub struct HandleData {
    pub callback: Value,
    pub args: Vec<Value>,
    pub cancelled: bool,
    pub when: Option<f64>,
}

/// What the ready queue holds. Script-visible callbacks are Handles; what tasks schedule
/// for themselves needs no object (a Handle is made only to report an exception).
pub enum Ready {
    /// A Handle from `call_soon` / `call_at` (scripts may keep it and cancel it).
    Handle(Value),
    /// A future's done-callback: `callback(fut)`.
    Call(Value, Value),
    /// `task.__step(exc)`.
    Step(Value, Option<Exc>),
    /// `task.__wakeup(fut)`: steps the task with the outcome of the future it awaited.
    Wakeup(Value, Value),
    /// gather()'s done-callback for a child.
    Gather(Rc<super::gather::GatherState>, Value),
    /// The timer of a task's `asyncio.sleep` fired (the sleep's `set_result` callback).
    SleepDone(Value, AwaitCell),
}

impl Ready {
    /// The Handle CPython would have scheduled, for exception reports.
    fn handle(&self) -> Value {
        match self {
            Ready::Handle(h) => h.clone(),
            Ready::Call(cb, arg) => new_handle(cb.clone(), vec![arg.clone()], None),
            Ready::Step(task, exc) => {
                new_handle(task::step_method(task), exc.iter().map(|e| Value::Instance(e.clone())).collect(), None)
            }
            Ready::Wakeup(task, fut) => new_handle(task::wakeup_method(task), vec![fut.clone()], None),
            Ready::Gather(_, fut) => new_handle(super::gather::callback_value(), vec![fut.clone()], None),
            Ready::SleepDone(_, cell) => new_handle(Value::Iter(cell.clone()), Vec::new(), None),
        }
    }
}

enum TimerEntry {
    Handle(Value),
    /// A task sleeping in `asyncio.sleep`: no future, no handle.
    Sleep(Value, AwaitCell),
}

struct Timer {
    when: f64,
    seq: u64,
    entry: TimerEntry,
}

impl Timer {
    /// A cancelled handle, or a sleep whose task was cancelled: dropped without waiting.
    fn cancelled(&self) -> bool {
        match &self.entry {
            TimerEntry::Handle(h) => handle_data(h).is_some_and(|h| h.cancelled),
            TimerEntry::Sleep(_, cell) => !matches!(super::sleep::sleep_state_in(cell), Some(SleepState::Timer)),
        }
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Timer) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Timer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    /// Reversed, so the max-heap pops the earliest (deadline, insertion) first.
    fn cmp(&self, other: &Timer) -> Ordering {
        other.when.total_cmp(&self.when).then(other.seq.cmp(&self.seq))
    }
}

pub struct LoopData {
    ready: VecDeque<Ready>,
    timers: BinaryHeap<Timer>,
    seq: u64,
    pub running: bool,
    stopping: bool,
    pub closed: bool,
    start: Instant,
    pub exception_handler: Value,
    /// Every task created on this loop that is not done yet (for `all_tasks`).
    pub tasks: Vec<Value>,
    /// A task finished during this iteration: the registry drops the finished ones after it.
    pub task_finished: bool,
    pub current_task: Option<Value>,
    /// The async generators started while this loop ran (for `shutdown_asyncgens`).
    pub asyncgens: Vec<std::rc::Weak<crate::object::Generator>>,
    /// REPL input without `await` runs with the loop marked running but not iterating
    /// (`run_inside`); `run_until_complete` (and `asyncio.run`) then run the loop for it.
    hosting_input: bool,
}

pub fn new_loop() -> Value {
    let ld = LoopData {
        ready: VecDeque::new(),
        timers: BinaryHeap::new(),
        seq: 0,
        running: false,
        stopping: false,
        closed: false,
        start: Instant::now(),
        exception_handler: Value::None,
        tasks: Vec::new(),
        task_finished: false,
        asyncgens: Vec::new(),
        current_task: None,
        hosting_input: false,
    };
    let class = state(|s| s.loop_class.clone());
    let mut inst = Instance::new(class);
    inst.payload = Payload::Native(RefCell::new(Box::new(ld)));
    Value::Instance(Rc::new(inst))
}

impl LoopData {
    /// Whether REPL input without `await` is running as if in a callback of this loop.
    pub fn hosting_input(&self) -> bool {
        self.hosting_input
    }
}

pub fn data_of(v: &Value) -> Option<RefMut<'_, LoopData>> {
    match v {
        Value::Instance(i) => i.native::<LoopData>(),
        _ => None,
    }
}

fn new_handle(callback: Value, args: Vec<Value>, when: Option<f64>) -> Value {
    let class = state(|s| if when.is_some() { s.timer_handle_class.clone() } else { s.handle_class.clone() });
    handle_of_class(class, callback, args, when)
}

fn handle_of_class(class: Rc<Class>, callback: Value, args: Vec<Value>, when: Option<f64>) -> Value {
    let mut inst = Instance::new(class);
    inst.payload = Payload::Native(RefCell::new(Box::new(HandleData { callback, args, cancelled: false, when })));
    Value::Instance(Rc::new(inst))
}

fn handle_data(v: &Value) -> Option<RefMut<'_, HandleData>> {
    match v {
        Value::Instance(i) => i.native::<HandleData>(),
        _ => None,
    }
}

/// Seconds on the loop's monotonic clock.
pub fn now(ld: &LoopData) -> f64 {
    match VIRTUAL_NOW.with(|v| v.get()) {
        Some(t) => t,
        None => ld.start.elapsed().as_secs_f64() + 1.0,
    }
}

thread_local! {
    /// With virtual time, the clock stands still while anything is ready and jumps to the
    /// next timer when nothing is: sleeps take no real time and runs are deterministic.
    static VIRTUAL_NOW: std::cell::Cell<Option<f64>> = const { std::cell::Cell::new(None) };
}

/// Switches this thread's event loops to virtual time (`coro --virtual-time`).
pub fn use_virtual_time() {
    VIRTUAL_NOW.with(|v| v.set(Some(1.0)));
}

pub fn call_soon(event_loop: &Value, callback: Value, args: Vec<Value>) -> Value {
    let h = new_handle(callback, args, None);
    schedule(event_loop, Ready::Handle(h.clone()));
    h
}

/// `call_soon` from code that may run while the loop is in use (a destructor): false if
/// the loop is busy or closed and nothing was scheduled.
pub fn try_call_soon(event_loop: &Value, callback: Value, args: Vec<Value>) -> bool {
    let Value::Instance(i) = event_loop else { return false };
    let Some(class) = super::try_state(|s| s.handle_class.clone()) else { return false };
    let Some(mut ld) = i.try_native::<LoopData>() else { return false };
    if ld.closed {
        return false;
    }
    ld.schedule(Ready::Handle(handle_of_class(class, callback, args, None)));
    true
}

/// Appends to the ready queue (what `call_soon` does, without a Handle for internal work).
pub fn schedule(event_loop: &Value, entry: Ready) {
    if let Some(mut ld) = data_of(event_loop) {
        ld.schedule(entry);
    }
}

pub fn call_at(event_loop: &Value, when: f64, callback: Value, args: Vec<Value>) -> Value {
    let h = new_handle(callback, args, Some(when));
    if let Some(mut ld) = data_of(event_loop) {
        ld.push_timer(when, TimerEntry::Handle(h.clone()));
    }
    h
}

impl LoopData {
    pub fn schedule(&mut self, entry: Ready) {
        self.ready.push_back(entry);
    }

    fn push_timer(&mut self, when: f64, entry: TimerEntry) {
        self.seq += 1;
        let seq = self.seq;
        self.timers.push(Timer { when, seq, entry });
    }

    /// Puts `task` on the timer heap until `delay` seconds from now, for its sleep `cell`.
    pub fn sleep_until(&mut self, delay: f64, task: Value, cell: AwaitCell) {
        let when = now(self) + delay;
        self.push_timer(when, TimerEntry::Sleep(task, cell));
    }
}

fn this(a: &Args) -> PyResult<Value> {
    match a.pos.first() {
        Some(v) if data_of(v).is_some() => Ok(v.clone()),
        _ => Err(type_error("descriptor requires an event loop")),
    }
}

fn number(v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        _ => Err(type_error(format!("'{}' object cannot be interpreted as a number", crate::runtime::type_name(v)))),
    }
}

pub fn install(class: &Rc<crate::object::class::Class>) {
    method(class, "run_until_complete", |a| {
        check_args(a, "run_until_complete", 2, 2)?;
        let (lp, fut) = (this(a)?, a.pos[1].clone());
        run_async(|ctx| async move { run_until_complete(&ctx, &lp, fut).await })
    });
    method(class, "shutdown_asyncgens", |a| {
        check_args(a, "shutdown_asyncgens", 1, 1)?;
        let (close_all, lp) = (super::lib_value("_shutdown_asyncgens")?, this(a)?);
        run_async(|ctx| async move { ctx.call(close_all, vec![lp]).await })
    });
    method(class, "run_in_executor", |a| {
        crate::runtime::args::ArgSpec::new("run_in_executor").check(a)?;
        check_args(a, "run_in_executor", 3, usize::MAX)?;
        let (run, args) = (super::lib_value("_run_in_executor")?, a.pos.to_vec());
        run_async(|ctx| async move { ctx.call(run, args).await })
    });
    method(class, "run_forever", |a| {
        let lp = this(a)?;
        run_async(|ctx| async move {
            run_forever(&ctx, &lp).await?;
            Ok(Value::None)
        })
    });
    method(class, "stop", |a| {
        data_of(&this(a)?).expect("loop").stopping = true;
        Ok(Value::None)
    });
    method(class, "close", |a| {
        let lp = this(a)?;
        let mut ld = data_of(&lp).expect("loop");
        if ld.running {
            return Err(runtime_error("Cannot close a running event loop"));
        }
        ld.closed = true;
        ld.ready.clear();
        ld.timers.clear();
        Ok(Value::None)
    });
    method(class, "is_running", |a| Ok(Value::Bool(data_of(&this(a)?).expect("loop").running)));
    method(class, "is_closed", |a| Ok(Value::Bool(data_of(&this(a)?).expect("loop").closed)));
    method(class, "time", |a| Ok(Value::Float(now(&data_of(&this(a)?).expect("loop")))));
    method(class, "create_future", |a| {
        let lp = this(a)?;
        let class = state(|s| s.future_class.clone());
        Ok(future::new_future(&class, lp, FutKind::Plain))
    });
    method(class, "create_task", |a| {
        check_args(a, "create_task", 2, 2)?;
        let lp = this(a)?;
        check_open(&lp)?;
        task::create_task(&lp, a.pos[1].clone(), kwarg(a, "name"))
    });
    method(class, "call_soon", |a| {
        if a.pos.len() < 2 {
            return Err(type_error("call_soon() missing 1 required positional argument: 'callback'"));
        }
        let lp = this(a)?;
        check_open(&lp)?;
        Ok(call_soon(&lp, a.pos[1].clone(), a.pos[2..].to_vec()))
    });
    method(class, "call_later", |a| {
        if a.pos.len() < 3 {
            return Err(type_error("call_later() missing required arguments: 'delay' and 'callback'"));
        }
        let lp = this(a)?;
        check_open(&lp)?;
        let when = now(&data_of(&lp).expect("loop")) + number(&a.pos[1])?;
        Ok(call_at(&lp, when, a.pos[2].clone(), a.pos[3..].to_vec()))
    });
    method(class, "call_at", |a| {
        if a.pos.len() < 3 {
            return Err(type_error("call_at() missing required arguments: 'when' and 'callback'"));
        }
        let lp = this(a)?;
        check_open(&lp)?;
        Ok(call_at(&lp, number(&a.pos[1])?, a.pos[2].clone(), a.pos[3..].to_vec()))
    });
    method(class, "set_exception_handler", |a| {
        check_args(a, "set_exception_handler", 2, 2)?;
        data_of(&this(a)?).expect("loop").exception_handler = a.pos[1].clone();
        Ok(Value::None)
    });
    method(class, "get_exception_handler", |a| Ok(data_of(&this(a)?).expect("loop").exception_handler.clone()));
    method(class, "default_exception_handler", |a| {
        check_args(a, "default_exception_handler", 2, 2)?;
        let context = a.pos[1].clone();
        run_async(|ctx| async move {
            default_exception_handler(&ctx, &context).await?;
            Ok(Value::None)
        })
    });
    method(class, "call_exception_handler", |a| {
        check_args(a, "call_exception_handler", 2, 2)?;
        let (lp, context) = (this(a)?, a.pos[1].clone());
        run_async(|ctx| async move {
            call_exception_handler(&ctx, &lp, context).await?;
            Ok(Value::None)
        })
    });
    method(class, "__repr__", |a| {
        let lp = this(a)?;
        let ld = data_of(&lp).expect("loop");
        let running = if ld.running { "True" } else { "False" };
        let closed = if ld.closed { "True" } else { "False" };
        Ok(Value::str(format!("<_UnixSelectorEventLoop running={} closed={} debug=False>", running, closed)))
    });
}

pub fn install_handle(class: &Rc<crate::object::class::Class>) {
    method(class, "cancel", |a| {
        if let Some(mut h) = a.pos.first().and_then(handle_data) {
            h.cancelled = true;
        }
        Ok(Value::None)
    });
    method(class, "cancelled", |a| Ok(Value::Bool(a.pos.first().and_then(handle_data).is_some_and(|h| h.cancelled))));
    method(class, "when", |a| match a.pos.first().and_then(handle_data).and_then(|h| h.when) {
        Some(w) => Ok(Value::Float(w)),
        None => Err(crate::runtime::exceptions::attribute_error("'Handle' object has no attribute 'when'")),
    });
}

fn check_open(lp: &Value) -> PyResult<()> {
    if data_of(lp).expect("loop").closed {
        return Err(runtime_error("Event loop is closed"));
    }
    Ok(())
}

/// `loop.run_until_complete(aw)`: runs the loop until the future (or a task for the
/// coroutine) is done, and returns its result.
pub async fn run_until_complete(ctx: &Ctx, lp: &Value, aw: Value) -> PyResult {
    check_open(lp)?;
    if data_of(lp).expect("loop").hosting_input {
        return Box::pin(run_for_input(ctx, lp, aw)).await;
    }
    if data_of(lp).expect("loop").running {
        return Err(runtime_error("This event loop is already running"));
    }
    if state(|s| s.running_loop.is_some()) {
        return Err(runtime_error("Cannot run the event loop while another loop is running"));
    }
    let fut = super::ensure_future(lp, aw)?;
    let stopper = crate::runtime::define::native("_run_until_complete_cb", |a| {
        if let Some(lp) = a.pos.first().and_then(data).map(|d| d.event_loop.clone()) {
            if let Some(mut ld) = data_of(&lp) {
                ld.stopping = true;
            }
        }
        Ok(Value::None)
    });
    let done = data(&fut).expect("future").state != FutState::Pending;
    if done {
        call_soon(lp, stopper.clone(), vec![fut.clone()]);
    } else {
        data(&fut).expect("future").add_callback(Callback::Func(stopper.clone()));
    }
    let r = run_forever(ctx, lp).await;
    if let Some(mut d) = data(&fut) {
        d.callbacks.retain(|c| !matches!(c, Callback::Func(f) if f.is(&stopper)));
    }
    r?;
    if data(&fut).expect("future").state == FutState::Pending {
        return Err(runtime_error("Event loop stopped before Future completed."));
    }
    future::result(&fut)
}

/// `run_until_complete` called by REPL input the loop hosts: the loop stops hosting, runs
/// until `aw` is done (its other tasks with it), and goes back to hosting the input.
async fn run_for_input(ctx: &Ctx, lp: &Value, aw: Value) -> PyResult {
    let previous = state(|s| s.running_loop.take());
    let host = |hosting: bool| {
        let mut ld = data_of(lp).expect("loop");
        ld.running = hosting;
        ld.hosting_input = hosting;
    };
    host(false);
    let r = match super::ensure_future(lp, aw) {
        Ok(fut) => run_to_end(ctx, lp, fut).await,
        Err(e) => Err(e),
    };
    state(|s| s.running_loop = previous);
    host(true);
    r
}

/// Runs `lp` until `fut` is done and returns its outcome. If the loop stops first (Ctrl-C,
/// an error in a callback), `fut` is cancelled: the loop delivers that when it next runs.
pub async fn run_to_end(ctx: &Ctx, lp: &Value, fut: Value) -> PyResult {
    let r = run_until_complete(ctx, lp, fut.clone()).await;
    if data(&fut).is_some_and(|d| d.state == FutState::Pending) {
        if data(&fut).is_some_and(|d| d.task().is_some()) {
            task::cancel(&fut, Value::None)?;
        } else {
            future::cancel_future(&fut, Value::None);
        }
    } else {
        // Its outcome is `r`: an exception in it must not be reported as never retrieved.
        let _ = future::result(&fut);
    }
    r
}

pub async fn run_forever(ctx: &Ctx, lp: &Value) -> PyResult<()> {
    let previous = enter(lp)?;
    let mut result = Ok(());
    loop {
        if let Err(e) = run_once(ctx, lp, false).await {
            result = Err(e);
            break;
        }
        if data_of(lp).expect("loop").stopping {
            break;
        }
    }
    leave(lp, previous);
    result
}

/// Marks `lp` running (the running loop of this thread); returns the loop that was running.
fn enter(lp: &Value) -> PyResult<Option<Value>> {
    check_open(lp)?;
    {
        let mut ld = data_of(lp).expect("loop");
        if ld.running {
            return Err(runtime_error("This event loop is already running"));
        }
        ld.running = true;
    }
    Ok(state(|s| s.running_loop.replace(lp.clone())))
}

fn leave(lp: &Value, previous: Option<Value>) {
    state(|s| s.running_loop = previous);
    let mut ld = data_of(lp).expect("loop");
    ld.running = false;
    ld.stopping = false;
}

/// Runs `f` (REPL input without `await`) as a callback of `lp` would run: `lp` is the running
/// loop, so `create_task` schedules on it, and the tasks it makes run when the loop next runs.
/// Unlike in a callback, `run_until_complete` and `asyncio.run` may run the loop meanwhile.
pub fn run_inside<R>(lp: &Value, f: impl FnOnce() -> R) -> PyResult<R> {
    let previous = enter(lp)?;
    data_of(lp).expect("loop").hosting_input = true;
    let r = f();
    data_of(lp).expect("loop").hosting_input = false;
    leave(lp, previous);
    Ok(r)
}

/// One iteration of `lp` while the REPL waits for input: as in `run_forever`, but with
/// nothing to run it sleeps until woken instead of reporting a deadlock.
pub async fn run_idle_step(ctx: &Ctx, lp: &Value) -> PyResult<()> {
    let previous = enter(lp)?;
    let r = run_once(ctx, lp, true).await;
    leave(lp, previous);
    r
}

/// Whether `lp` has callbacks to run, timers to wait for or requests in flight.
pub fn has_work(lp: &Value) -> bool {
    let busy = data_of(lp).is_some_and(|ld| !ld.closed && (!ld.ready.is_empty() || !ld.timers.is_empty()));
    busy || completions::pending()
}

/// How long one wait for completions from other threads may last, so that Ctrl-C is
/// noticed meanwhile.
const WAIT_SLICE: std::time::Duration = std::time::Duration::from_millis(100);

/// One iteration: wait for the next timer if nothing is ready, then run what is ready now.
/// With nothing to wait for, an `idle` loop sleeps until woken; another reports a deadlock.
async fn run_once(ctx: &Ctx, lp: &Value, idle: bool) -> PyResult<()> {
    // Work that finished on other threads (HTTP requests, a host's calls) resolves its
    // futures, scheduling their callbacks.
    completions::drain();
    let wait = {
        let mut ld = data_of(lp).expect("loop");
        while ld.timers.peek().is_some_and(Timer::cancelled) {
            ld.timers.pop();
        }
        if !ld.ready.is_empty() || ld.stopping {
            Some(0.0)
        } else {
            ld.timers.peek().map(|t| (t.when - now(&ld)).max(0.0))
        }
    };
    // Work in flight elsewhere is pending I/O: wait on its completions, up to the next timer.
    // Sleeps end early on Ctrl-C (and, between REPL inputs, when a line arrives).
    match wait {
        None if completions::pending() => {
            output::flush();
            completions::wait(Some(WAIT_SLICE));
        }
        None if idle => crate::interrupt::sleep(None),
        None => return Err(deadlock(lp)),
        Some(t) if t > 0.0 => match VIRTUAL_NOW.with(|v| v.get()) {
            // Virtual time jumps to the next timer; requests in flight finish in real time.
            Some(virtual_now) => VIRTUAL_NOW.with(|v| v.set(Some(virtual_now + t))),
            None => {
                output::flush();
                let d = std::time::Duration::try_from_secs_f64(t).unwrap_or(std::time::Duration::MAX);
                if completions::pending() {
                    completions::wait(Some(d.min(WAIT_SLICE)));
                } else {
                    crate::interrupt::sleep(Some(d));
                }
            }
        },
        Some(_) => {}
    }
    crate::interrupt::check()?;
    {
        let mut ld = data_of(lp).expect("loop");
        let now = now(&ld);
        while ld.timers.peek().is_some_and(|t| t.when <= now) {
            let t = ld.timers.pop().expect("timer");
            let entry = match t.entry {
                TimerEntry::Handle(h) => Ready::Handle(h),
                TimerEntry::Sleep(task, cell) => Ready::SleepDone(task, cell),
            };
            ld.ready.push_back(entry);
        }
    }
    let n = data_of(lp).expect("loop").ready.len();
    for _ in 0..n {
        let Some(entry) = data_of(lp).expect("loop").ready.pop_front() else { break };
        let outcome = match &entry {
            Ready::Handle(h) => {
                let (callback, args, cancelled) = {
                    let hd = handle_data(h).expect("handle");
                    (hd.callback.clone(), hd.args.clone(), hd.cancelled)
                };
                if cancelled {
                    continue;
                }
                ctx.call(callback, args).await.map(drop)
            }
            Ready::Call(callback, fut) => ctx.call(callback.clone(), vec![fut.clone()]).await.map(drop),
            Ready::Step(t, exc) => task::step(ctx, t, exc.clone()).await,
            Ready::Wakeup(t, fut) => task::wakeup(ctx, t, fut).await,
            Ready::Gather(g, fut) => super::gather::child_done(g, fut),
            Ready::SleepDone(t, cell) => {
                task::sleep_done(t, cell);
                Ok(())
            }
        };
        match outcome {
            Ok(()) => {}
            Err(Flow::Raise(e))
                if is_instance_of(&e, ExcType::SystemExit) || is_instance_of(&e, ExcType::KeyboardInterrupt) =>
            {
                return Err(Flow::Raise(e))
            }
            Err(Flow::Raise(e)) => {
                let h = entry.handle();
                let context = crate::runtime::protocol::make_dict(vec![
                    Value::str("message"),
                    Value::str(format!("Exception in callback {}", handle_repr(ctx, &h).await?)),
                    Value::str("exception"),
                    Value::Instance(e),
                    Value::str("handle"),
                    h.clone(),
                ]);
                let context = ctx.resolve(context).await?;
                call_exception_handler(ctx, lp, context).await?;
            }
            Err(other) => return Err(other),
        }
    }
    // Finished tasks leave the registry.
    let mut ld = data_of(lp).expect("loop");
    if std::mem::take(&mut ld.task_finished) {
        ld.tasks.retain(|t| data(t).is_some_and(|d| d.state == FutState::Pending));
    }
    Ok(())
}

async fn handle_repr(ctx: &Ctx, h: &Value) -> PyResult<String> {
    let cb = handle_data(h).expect("handle").callback.clone();
    Ok(format!(
        "<Handle {}>",
        super::future::format_callback(ctx, &cb).await?.replace(" at ", "() at ").replacen("()()", "()", 1)
    ))
}

/// Nothing is ready, no timer is pending, and the loop is asked to go on: report what each
/// pending task waits on instead of hanging as CPython does.
fn deadlock(lp: &Value) -> Flow {
    let mut report =
        String::from("coro: deadlock: the event loop has nothing to run and no timers, but tasks are still waiting:\n");
    for t in task_reports(lp) {
        report.push_str(&format!("  {} waits on {}", t.name, t.waits_on));
        if let Some(site) = &t.site {
            report.push_str(&format!(" at {}", site));
        }
        report.push('\n');
    }
    crate::diagnostics::eprint(&report);
    runtime_error("event loop deadlocked: no task can make progress")
}

/// A pending task as the deadlock report and the REPL's `:tasks` describe it.
pub struct TaskReport {
    pub name: String,
    /// `waiting`, `scheduled` (ready to run its next step) or `cancelling`.
    pub state: &'static str,
    /// What it waits on: `a Future`, `a Task`, ... or `nothing (scheduled)`.
    pub waits_on: String,
    /// Where in the user's code it waits: `file:line (in f): source`.
    pub site: Option<String>,
}

/// The tasks of `lp` that are not done, in creation order.
pub fn task_reports(lp: &Value) -> Vec<TaskReport> {
    let mut reports = Vec::new();
    for t in &super::pending_tasks(lp) {
        let Some(d) = data(t).filter(|d| d.state == FutState::Pending) else { continue };
        let Some(td) = d.task() else { continue };
        let name = td.name().as_str().unwrap_or("?").to_string();
        let (site, awaited) = wait_site(&td.coro);
        let waits_on = match (&td.fut_waiter, awaited.as_ref().and_then(crate::runtime::coroutine::describe_wait)) {
            (Some(_), Some(native_wait)) => native_wait,
            (Some(Value::Instance(i)), None) => format!("a {}", i.class.name),
            (Some(_), None) => "a Future".into(),
            (None, _) => "nothing (scheduled)".into(),
        };
        let state = match (&td.fut_waiter, td.cancel_requests) {
            (_, n) if n > 0 => "cancelling",
            (Some(_), _) => "waiting",
            (None, _) => "scheduled",
        };
        reports.push(TaskReport { name, state, waits_on, site });
    }
    reports
}

/// Whether a source file is the coro part of a native module (`<asyncio>`), not user code.
fn is_library(source_name: &str) -> bool {
    let inner = source_name.strip_prefix('<').and_then(|n| n.strip_suffix('>'));
    inner.is_some_and(|n| crate::modules::module_source(n).is_some())
}

/// Where a suspended coroutine waits: the innermost frame of its await chain that belongs
/// to the user's script (library frames are skipped), as `file:line (in f): source`; and
/// the native awaitable at the end of the chain, if any.
fn wait_site(coro: &Value) -> (Option<String>, Option<Value>) {
    if let Value::Iter(_) = coro {
        return (None, Some(coro.clone()));
    }
    let mut site = None;
    let mut current = coro.clone();
    for _ in 0..1000 {
        let Value::Generator(g) = current.clone() else { break };
        let next = {
            let fiber = g.fiber.borrow();
            let Some(fiber) = fiber.as_ref() else { return (None, None) };
            let Some(frame) = fiber.frames.last() else { return (None, None) };
            let code = &frame.code;
            if !is_library(&code.source.name) {
                let line = code.line_of(frame.ip);
                site = Some(format!(
                    "{}:{} (in {}): {}",
                    code.source.name,
                    line,
                    code.name,
                    code.source.line_text(line).trim()
                ));
            }
            fiber.stack.last().cloned()
        };
        match next {
            Some(v @ Value::Generator(_)) => current = v,
            Some(v @ Value::Iter(_)) => return (site, Some(v)),
            _ => break,
        }
    }
    (site, None)
}

pub async fn call_exception_handler(ctx: &Ctx, lp: &Value, context: Value) -> PyResult<()> {
    let handler = data_of(lp).expect("loop").exception_handler.clone();
    if handler.is_none() {
        return default_exception_handler(ctx, &context).await;
    }
    if let Err(Flow::Raise(e)) = ctx.call(handler, vec![lp.clone(), context.clone()]).await {
        if is_instance_of(&e, ExcType::SystemExit) || is_instance_of(&e, ExcType::KeyboardInterrupt) {
            return Err(Flow::Raise(e));
        }
        default_exception_handler(ctx, &context).await?;
    }
    Ok(())
}

/// Prints the context's message (and exception) to stderr, as CPython logs it.
async fn default_exception_handler(ctx: &Ctx, context: &Value) -> PyResult<()> {
    let get = |k: &str| crate::vm::ops::get_item(context, &Value::str(k)).ok();
    let message = match get("message") {
        Some(m) => crate::runtime::protocol::str(ctx, &m).await?,
        None => "Unhandled exception in event loop".into(),
    };
    let mut text = format!("{}\n", message);
    if let Some(Value::Instance(e)) = get("exception") {
        text.push_str(&format!(
            "{}: {}\n",
            e.class.name,
            crate::runtime::protocol::str(ctx, &Value::Instance(e.clone())).await?
        ));
    }
    crate::diagnostics::eprint(&text);
    Ok(())
}
