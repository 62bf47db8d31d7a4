//! `asyncio.Future`: a result that will exist later, with done-callbacks scheduled on the
//! loop when it completes. `Task` extends it (see `task.rs`).

use super::cancelled_error;
use super::errors::invalid_state;
use super::event_loop::{schedule, Ready};
use super::gather::{self, GatherState};
use super::task::TaskData;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::args::check_args;
use crate::runtime::coroutine::{new_awaitable, AwaitCell, AwaitStep, Awaitable};
use crate::runtime::define::method;
use crate::runtime::exceptions::runtime_error;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::repr;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{Exc, Flow, PyResult};
use std::any::Any;
use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FutState {
    Pending,
    Cancelled,
    Finished,
}

/// A done-callback. A task waiting on a future is woken without a bound-method object.
pub enum Callback {
    Func(Value),
    /// `task.__wakeup`.
    Wakeup(Rc<Instance>),
    /// The done-callback gather() puts on each child.
    Gather(Rc<GatherState>),
}

impl Callback {
    /// The callable a script would see.
    pub fn value(&self) -> Value {
        match self {
            Callback::Func(f) => f.clone(),
            Callback::Wakeup(t) => super::task::wakeup_method(&Value::Instance(t.clone())),
            Callback::Gather(_) => gather::callback_value(),
        }
    }

    /// Scheduled when `fut` is done.
    fn ready(self, fut: &Value) -> Ready {
        match self {
            Callback::Func(f) => Ready::Call(f, fut.clone()),
            Callback::Wakeup(t) => Ready::Wakeup(Value::Instance(t), fut.clone()),
            Callback::Gather(g) => Ready::Gather(g, fut.clone()),
        }
    }
}

/// What a future is, beyond its result: a plain Future, a Task, or the future gather() returns.
pub enum FutKind {
    Plain,
    Task(TaskData),
    Gather(Rc<GatherState>),
}

/// The state of a Future (and of a Task, which adds `task`).
pub struct FutureData {
    pub state: FutState,
    pub result: Value,
    pub exception: Option<Exc>,
    pub callbacks: Vec<Callback>,
    pub cancel_msg: Value,
    pub event_loop: Value,
    pub kind: FutKind,
    /// Finished with an exception that nobody has looked at yet (`result()`, `exception()`,
    /// or an `await`); reported if the task is dropped like that.
    pub unretrieved: bool,
}

impl FutureData {
    pub fn task(&self) -> Option<&TaskData> {
        match &self.kind {
            FutKind::Task(t) => Some(t),
            _ => None,
        }
    }

    pub fn task_mut(&mut self) -> Option<&mut TaskData> {
        match &mut self.kind {
            FutKind::Task(t) => Some(t),
            _ => None,
        }
    }

    pub fn is_task(&self) -> bool {
        matches!(self.kind, FutKind::Task(_))
    }

    /// Adds a done-callback; most futures get exactly one, so the first takes no spare room.
    pub fn add_callback(&mut self, cb: Callback) {
        if self.callbacks.capacity() == 0 {
            self.callbacks.reserve_exact(1);
        }
        self.callbacks.push(cb);
    }
}

impl Drop for FutureData {
    /// CPython reports a task whose exception was never retrieved when the collector gets to
    /// it; here it happens exactly when the last reference goes.
    fn drop(&mut self) {
        let (Some(task), Some(e), true) = (self.task(), &self.exception, self.unretrieved) else { return };
        let name = task.name();
        let name = name.as_str().unwrap_or("?");
        let (coro, created) = match &task.coro {
            Value::Generator(g) => (
                format!(" coro=<{}() done, defined at {}:{}>", g.qualname(), g.code.source.name, g.code.first_line()),
                g.created_site(),
            ),
            _ => (String::new(), None),
        };
        // CPython names where the task was made only in debug mode; coro always does. The
        // coroutine's creation is the script line of `create_task(work())`, also when the
        // task is made inside the library (gather, TaskGroup).
        let (created_at, source_traceback) = match created {
            Some((code, line)) => (
                format!(" created at {}:{}", code.source.name, line),
                format!(
                    "source_traceback: Object created at (most recent call last):\n  File \"{}\", line {}, in {}\n    {}\n",
                    code.source.name,
                    line,
                    code.name,
                    code.source.line_text(line).trim()
                ),
            ),
            None => Default::default(),
        };
        let (args, tb) = e.exc().map(|d| (d.borrow().args.clone(), d.borrow().traceback.clone())).unwrap_or_default();
        let shown: Vec<String> = args
            .iter()
            .map(|a| match a {
                Value::Str(s) => crate::runtime::protocol::str_repr(&s.s),
                Value::Int(i) => i.to_string(),
                _ => "...".into(),
            })
            .collect();
        // As CPython logs it, with the exception's traceback. The last line is `str(e)` as
        // far as it can be known here, where no script code may run.
        let message = match &args[..] {
            [] => String::new(),
            [Value::Str(s)] => format!(": {}", s.s),
            [_] => format!(": {}", shown[0]),
            _ => format!(": ({})", shown.join(", ")),
        };
        crate::runtime::output::try_write_err(&format!(
            "Task exception was never retrieved\nfuture: <Task finished name='{}'{} exception={}({}){}>\n{}{}{}{}\n",
            name,
            coro,
            e.class.name,
            shown.join(", "),
            created_at,
            source_traceback,
            crate::diagnostics::traceback(&tb),
            e.class.name,
            message
        ));
    }
}

/// The future state of a value, if it is a Future or Task.
pub fn data(v: &Value) -> Option<RefMut<'_, FutureData>> {
    match v {
        Value::Instance(i) => i.native::<FutureData>(),
        _ => None,
    }
}

pub fn is_future(v: &Value) -> bool {
    data(v).is_some()
}

/// A new pending Future (or Task, with `task` set) of `class` on `event_loop`.
pub fn new_future(class: &Rc<crate::object::class::Class>, event_loop: Value, kind: FutKind) -> Value {
    let fd = FutureData {
        state: FutState::Pending,
        result: Value::None,
        exception: None,
        callbacks: Vec::new(),
        cancel_msg: Value::None,
        event_loop,
        kind,
        unretrieved: false,
    };
    let mut inst = Instance::new(class.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(fd)));
    Value::Instance(Rc::new(inst))
}

/// `fut.add_done_callback(cb)`: scheduled at once if the future is already done.
pub fn add_done_callback(fut: &Value, cb: Callback) {
    let mut d = data(fut).expect("future");
    if d.state == FutState::Pending {
        d.add_callback(cb);
    } else {
        let event_loop = d.event_loop.clone();
        drop(d);
        schedule(&event_loop, cb.ready(fut));
    }
}

/// Marks the future done and schedules its callbacks (in order, each with the future).
fn finish(fut: &Value, state: FutState, result: Value, exception: Option<Exc>) {
    let (callbacks, event_loop, is_task) = {
        let mut d = data(fut).expect("future");
        d.state = state;
        d.result = result;
        d.unretrieved = exception.is_some();
        d.exception = exception;
        if let FutKind::Gather(g) = &d.kind {
            g.finished();
        }
        (std::mem::take(&mut d.callbacks), d.event_loop.clone(), d.is_task())
    };
    if let Some(mut ld) = super::loop_data(&event_loop) {
        ld.task_finished |= is_task;
        for cb in callbacks {
            ld.schedule(cb.ready(fut));
        }
    };
}

pub fn set_result(fut: &Value, v: Value) -> PyResult<()> {
    if data(fut).expect("future").state != FutState::Pending {
        return Err(invalid_state("invalid state"));
    }
    finish(fut, FutState::Finished, v, None);
    Ok(())
}

pub fn set_exception(fut: &Value, e: Exc) -> PyResult<()> {
    if data(fut).expect("future").state != FutState::Pending {
        return Err(invalid_state("invalid state"));
    }
    if crate::runtime::exceptions::is_instance_of(&e, ExcType::StopIteration) {
        return Err(type_error("StopIteration interacts badly with generators and cannot be raised into a Future"));
    }
    finish(fut, FutState::Finished, Value::None, Some(e));
    Ok(())
}

/// Cancels a pending future; false if it is already done.
pub fn cancel_future(fut: &Value, msg: Value) -> bool {
    {
        let mut d = data(fut).expect("future");
        if d.state != FutState::Pending {
            return false;
        }
        d.cancel_msg = msg;
    }
    finish(fut, FutState::Cancelled, Value::None, None);
    true
}

/// `fut.cancel(msg)` for any kind of future.
pub fn cancel(fut: &Value, msg: Value) -> PyResult<bool> {
    let (is_task, gather) = {
        let d = data(fut).expect("future");
        match &d.kind {
            FutKind::Plain => (false, None),
            FutKind::Task(_) => (true, None),
            FutKind::Gather(g) => (false, Some(g.clone())),
        }
    };
    match gather {
        _ if is_task => super::task::cancel(fut, msg),
        Some(g) => gather::cancel(fut, &g, msg),
        None => Ok(cancel_future(fut, msg)),
    }
}

/// `fut.result()`: the value, or the exception it finished with.
pub fn result(fut: &Value) -> PyResult {
    let mut d = data(fut).expect("future");
    d.unretrieved = false;
    match d.state {
        FutState::Cancelled => Err(Flow::Raise(cancelled_error(d.cancel_msg.clone()))),
        FutState::Pending => Err(invalid_state("Result is not set.")),
        FutState::Finished => match &d.exception {
            Some(e) => Err(Flow::Raise(e.clone())),
            None => Ok(d.result.clone()),
        },
    }
}

fn this(a: &Args) -> PyResult<Value> {
    match a.pos.first() {
        Some(v) if is_future(v) => Ok(v.clone()),
        _ => Err(type_error("descriptor requires a 'Future' object")),
    }
}

pub fn install(class: &Rc<crate::object::class::Class>) {
    method(class, "__new__", |a| {
        let Some(Value::Class(cls)) = a.pos.first() else {
            return Err(type_error("Future.__new__(X): X is not a type object"));
        };
        let lp = crate::runtime::args::kwarg(a, "loop").filter(|l| !l.is_none()).unwrap_or_else(super::get_event_loop);
        Ok(new_future(cls, lp, FutKind::Plain))
    });
    method(class, "__init__", |_| Ok(Value::None));
    method(class, "result", |a| result(&this(a)?));
    method(class, "exception", |a| {
        let fut = this(a)?;
        let mut d = data(&fut).expect("future");
        d.unretrieved = false;
        match d.state {
            FutState::Cancelled => Err(Flow::Raise(cancelled_error(d.cancel_msg.clone()))),
            FutState::Pending => Err(invalid_state("Exception is not set.")),
            FutState::Finished => Ok(d.exception.clone().map(Value::Instance).unwrap_or(Value::None)),
        }
    });
    method(class, "done", |a| Ok(Value::Bool(data(&this(a)?).expect("future").state != FutState::Pending)));
    method(class, "cancelled", |a| Ok(Value::Bool(data(&this(a)?).expect("future").state == FutState::Cancelled)));
    method(class, "set_result", |a| {
        check_args(a, "set_result", 2, 2)?;
        if data(&this(a)?).is_some_and(|d| d.is_task()) {
            return Err(crate::runtime::exceptions::runtime_error("Task does not support set_result operation"));
        }
        set_result(&this(a)?, a.pos[1].clone())?;
        Ok(Value::None)
    });
    method(class, "set_exception", |a| {
        check_args(a, "set_exception", 2, 2)?;
        if data(&this(a)?).is_some_and(|d| d.is_task()) {
            return Err(crate::runtime::exceptions::runtime_error("Task does not support set_exception operation"));
        }
        let e = match &a.pos[1] {
            Value::Instance(i) if i.exc().is_some() => i.clone(),
            Value::Class(c) => crate::runtime::exceptions::new_exception(c, Vec::new()),
            _ => return Err(type_error("exception must be an exception instance")),
        };
        set_exception(&this(a)?, e)?;
        Ok(Value::None)
    });
    method(class, "cancel", |a| {
        let fut = this(a)?;
        let msg = a.pos.get(1).cloned().or_else(|| crate::runtime::args::kwarg(a, "msg")).unwrap_or(Value::None);
        cancel(&fut, msg).map(Value::Bool)
    });
    method(class, "add_done_callback", |a| {
        check_args(a, "add_done_callback", 2, 2)?;
        add_done_callback(&this(a)?, Callback::Func(a.pos[1].clone()));
        Ok(Value::None)
    });
    method(class, "remove_done_callback", |a| {
        check_args(a, "remove_done_callback", 2, 2)?;
        let fut = this(a)?;
        let target = a.pos[1].clone();
        let callbacks = std::mem::take(&mut data(&fut).expect("future").callbacks);
        run_async(|ctx| async move {
            let mut kept = Vec::new();
            let mut removed = 0;
            for cb in callbacks {
                if crate::runtime::protocol::eq(&ctx, &cb.value(), &target).await? {
                    removed += 1;
                } else {
                    kept.push(cb);
                }
            }
            data(&fut).expect("future").callbacks = kept;
            Ok(Value::Int(removed))
        })
    });
    method(class, "get_loop", |a| Ok(data(&this(a)?).expect("future").event_loop.clone()));
    method(class, "__await__", |a| Ok(new_awaitable(FutureWait { fut: this(a)?, yielded: Cell::new(false) })));
    method(class, "__iter__", |a| Ok(new_awaitable(FutureWait { fut: this(a)?, yielded: Cell::new(false) })));
    method(class, "__repr__", |a| {
        let fut = this(a)?;
        run_async(|ctx| async move { Ok(Value::str(future_repr(&ctx, &fut).await?)) })
    });
}

/// `<Future pending cb=[...]>`, `<Future finished result=1>`, and the Task forms.
pub async fn future_repr(ctx: &Ctx, fut: &Value) -> PyResult<String> {
    let (state, result, exception, callbacks, is_task) = {
        let d = data(fut).expect("future");
        let callbacks: Vec<Value> = d.callbacks.iter().map(Callback::value).collect();
        (d.state, d.result.clone(), d.exception.clone(), callbacks, d.is_task())
    };
    let class_name = match fut {
        Value::Instance(i) => i.class.name.to_string(),
        _ => "Future".into(),
    };
    let cancelling = is_task
        && state == FutState::Pending
        && data(fut).is_some_and(|d| d.task().is_some_and(|t| t.cancel_requests > 0));
    let mut parts = vec![match state {
        FutState::Pending if cancelling => "cancelling".to_string(),
        FutState::Pending => "pending".to_string(),
        FutState::Cancelled => "cancelled".to_string(),
        FutState::Finished => "finished".to_string(),
    }];
    if is_task {
        parts.extend(super::task::repr_parts(ctx, fut).await?);
    }
    if state == FutState::Finished {
        match &exception {
            Some(e) => parts.push(format!("exception={}", repr(ctx, &Value::Instance(e.clone())).await?)),
            None => parts.push(format!("result={}", short_repr(&repr(ctx, &result).await?))),
        }
    }
    if !callbacks.is_empty() {
        let mut cbs = Vec::new();
        for cb in &callbacks {
            cbs.push(format_callback(ctx, cb).await?);
        }
        let shown = if cbs.len() > 2 {
            format!("{}, <{} more>, {}", cbs[0], cbs.len() - 2, cbs[cbs.len() - 1])
        } else {
            cbs.join(", ")
        };
        parts.push(format!("cb=[{}]", shown));
    }
    if is_task && state == FutState::Pending {
        if let Some(w) = data(fut).and_then(|d| d.task().and_then(|t| t.fut_waiter.clone())) {
            let shown = match &w {
                Value::Iter(cell) => super::sleep::future_repr(ctx, cell).await?,
                _ => Box::pin(future_repr(ctx, &w)).await?,
            };
            parts.push(format!("wait_for={}", shown));
        }
    }
    Ok(format!("<{} {}>", class_name, parts.join(" ")))
}

/// CPython shortens long result reprs in Future reprs.
pub fn short_repr(s: &str) -> String {
    if s.chars().count() > 20 {
        let head: String = s.chars().take(17).collect();
        format!("{}...", head)
    } else {
        s.to_string()
    }
}

/// How a done-callback appears in a repr: `f() at file.coro:3` for script functions.
pub async fn format_callback(ctx: &Ctx, cb: &Value) -> PyResult<String> {
    match cb {
        Value::Function(f) => {
            Ok(format!("{}() at {}:{}", f.qualname.borrow(), f.code.source.name, f.code.first_line()))
        }
        Value::BoundMethod(m) => match &m.func {
            Value::Function(f) => {
                Ok(format!("{}() at {}:{}", f.qualname.borrow(), f.code.source.name, f.code.first_line()))
            }
            Value::Native(n) if n.name == "__wakeup" => Ok("Task.task_wakeup()".to_string()),
            _ => repr(ctx, cb).await,
        },
        _ if cb.is(&gather::callback_value()) => Ok("gather.<locals>._done_callback()".to_string()),
        _ => repr(ctx, cb).await,
    }
}

/// `await future`: yields the future to the task once, then produces its result.
struct FutureWait {
    fut: Value,
    yielded: Cell<bool>,
}

impl Awaitable for FutureWait {
    fn type_name(&self) -> &'static str {
        "FutureIter"
    }

    fn is_coroutine(&self) -> bool {
        false
    }

    fn step(&self, _this: &AwaitCell, _sent: Value) -> AwaitStep {
        let pending = data(&self.fut).is_some_and(|d| d.state == FutState::Pending);
        if pending && !self.yielded.get() {
            self.yielded.set(true);
            return AwaitStep::Yield(self.fut.clone());
        }
        if pending {
            return AwaitStep::Raise(runtime_error("await wasn't used with future"));
        }
        super::future_outcome(&self.fut)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
