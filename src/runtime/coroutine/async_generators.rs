//! Async generators (`async def` with `yield`) and the async iteration protocol.
//!
//! An async generator's `__anext__()`, `asend()`, `athrow()` and `aclose()` return step
//! awaitables. Awaiting one resumes the generator's fiber (`ResumeMode::AsyncStep`) until
//! it reaches a `yield` (`AsyncYield`: the value is the await's result), ends
//! (StopAsyncIteration) or raises. Whatever the generator itself awaits passes through to
//! the task, as with `yield from`. The VM asks this module how each outcome ends the step:
//! see `yielded` and `finished`.

use super::await_protocol::{can_await, get_awaitable};
use super::awaitable::AwaitStep;
use crate::intern::sym;
use crate::object::function::Args;
use crate::object::iter::NativeIter;
use crate::object::{GenState, Generator};
use crate::runtime::args::check_args;
use crate::runtime::coroutine::generators::exception_to_throw;
use crate::runtime::define::method;
use crate::runtime::exceptions::{is_instance_of, new_exception, runtime_error, type_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::exc_of;
use crate::vm::native::{run_async, Ctx, GenStep};
use crate::vm::{Exc, Flow, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

pub fn install() {
    let class = &types().async_generator;
    method(class, "__aiter__", |a| Ok(Value::Generator(this(a)?)));
    method(class, "__anext__", |a| Ok(new_step(this(a)?, StepKind::Send, Ok(Value::None), None)));
    method(class, "asend", |a| {
        check_args(a, "asend", 2, 2)?;
        Ok(new_step(this(a)?, StepKind::Send, Ok(a.pos[1].clone()), None))
    });
    method(class, "athrow", |a| {
        check_args(a, "athrow", 2, 4)?;
        let exc = exception_to_throw(&a.pos[1], a.pos.get(2))?;
        Ok(new_step(this(a)?, StepKind::Throw, Err(exc), None))
    });
    method(class, "aclose", |a| {
        check_args(a, "aclose", 1, 1)?;
        Ok(aclose(this(a)?))
    });
}

fn this(a: &Args) -> PyResult<Rc<Generator>> {
    match a.pos.first() {
        Some(Value::Generator(g)) if g.is_async_generator() => Ok(started(g)),
        _ => Err(type_error("descriptor requires an 'async_generator' object")),
    }
}

/// A script asks for a step of `gen`: the first time, the running loop (if any) learns
/// of it, to close it if it is left unfinished.
fn started(gen: &Rc<Generator>) -> Rc<Generator> {
    if !gen.loop_hooked.get() {
        super::hooks::first_iter(gen);
    }
    gen.clone()
}

/// What a step awaitable does to the generator it resumes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// `__anext__()` / `asend(v)`.
    Send,
    /// `athrow(exc)`.
    Throw,
    /// `aclose()`: throws GeneratorExit, and the generator must not yield again.
    Close,
    /// `anext(it, default)` over an iterator whose `__anext__` is a coroutine: runs that
    /// coroutine, with StopAsyncIteration giving the default.
    Await,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StepState {
    New,
    Running,
    Done,
}

pub struct AsyncGenStep {
    gen: Rc<Generator>,
    kind: StepKind,
    /// What the first resumption sends or throws; taken when it starts.
    first: Option<Result<Value, Exc>>,
    /// `anext(it, default)`: the result when the iterator is exhausted.
    default: Option<Value>,
    state: StepState,
}

impl AsyncGenStep {
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            StepKind::Send => "async_generator_asend",
            StepKind::Throw | StepKind::Close => "async_generator_athrow",
            StepKind::Await => "coroutine",
        }
    }
}

/// The type name of `v` if it is a step awaitable.
pub fn step_type_name(v: &Value) -> Option<&'static str> {
    match v {
        Value::Iter(it) => step_of(&mut it.borrow_mut()).map(|s| s.type_name()),
        _ => None,
    }
}

fn new_step(gen: Rc<Generator>, kind: StepKind, first: Result<Value, Exc>, default: Option<Value>) -> Value {
    let step = AsyncGenStep { gen, kind, first: Some(first), default, state: StepState::New };
    Value::Iter(Rc::new(RefCell::new(NativeIter::AsyncGen(Box::new(step)))))
}

fn step_of(it: &mut NativeIter) -> Option<&mut AsyncGenStep> {
    match it {
        NativeIter::AsyncGen(step) => Some(step),
        _ => None,
    }
}

/// A fresh `StopAsyncIteration()`: the end of an async generator.
pub fn stop_async_iteration() -> Exc {
    new_exception(types().exc(ExcType::StopAsyncIteration), Vec::new())
}

/// Steps the awaitable with the value sent into the coroutine awaiting it.
pub fn step(step: &mut AsyncGenStep, sent: Value) -> AwaitStep {
    match step.state {
        StepState::Done => AwaitStep::Raise(step_reused(step.kind)),
        StepState::Running => AwaitStep::Resume { gen: step.gen.clone(), send: Ok(sent) },
        StepState::New => start(step),
    }
}

fn step_reused(kind: StepKind) -> Flow {
    let what = match kind {
        StepKind::Send => "__anext__()/asend()",
        StepKind::Throw | StepKind::Close => "aclose()/athrow()",
        StepKind::Await => "coroutine",
    };
    runtime_error(format!("cannot reuse already awaited {}", what))
}

fn start(step: &mut AsyncGenStep) -> AwaitStep {
    let gen = step.gen.clone();
    let first = step.first.take().unwrap_or(Ok(Value::None));
    if step.kind == StepKind::Await {
        step.state = StepState::Running;
        return AwaitStep::Resume { gen, send: first };
    }
    if gen.step_running.get() {
        let who = match step.kind {
            StepKind::Send => "anext",
            StepKind::Throw => "athrow",
            _ => "aclose",
        };
        step.state = StepState::Done;
        return AwaitStep::Raise(runtime_error(format!("{}(): asynchronous generator is already running", who)));
    }
    let not_started = gen.state.get() == GenState::Created;
    if gen.state.get() == GenState::Finished || (not_started && step.kind == StepKind::Close) {
        // A closed generator: `__anext__()` finds it exhausted, while `aclose()` and (in
        // 3.11) `athrow()` have nothing to do.
        step.state = StepState::Done;
        if not_started {
            gen.state.set(GenState::Finished);
            *gen.fiber.borrow_mut() = None;
        }
        return match (step.kind, step.default.take()) {
            (StepKind::Send, Some(default)) => AwaitStep::Return(default),
            (StepKind::Send, None) => AwaitStep::Raise(Flow::Raise(stop_async_iteration())),
            _ => AwaitStep::Return(Value::None),
        };
    }
    if not_started && matches!(&first, Ok(v) if !v.is_none()) {
        step.state = StepState::Done;
        return AwaitStep::Raise(type_error("can't send non-None value to a just-started async generator"));
    }
    step.state = StepState::Running;
    gen.step_running.set(true);
    AwaitStep::Resume { gen, send: first }
}

/// Where an exception thrown into what awaits an awaitable goes.
pub enum Thrown {
    /// On into this generator, which the awaitable (a step) resumes.
    Into(Rc<Generator>, Exc),
    /// The step was used up: this is raised instead.
    Raise(Flow),
    /// The awaitable is no step.
    NotAStep(Exc),
}

/// An exception thrown into what awaits the awaitable `cell`: if `cell` is a step, it goes
/// on into the generator (as CPython's `asend(...).throw()`).
pub fn thrown(cell: &Rc<RefCell<NativeIter>>, e: Exc) -> Thrown {
    let mut it = cell.borrow_mut();
    let Some(step) = step_of(&mut it) else { return Thrown::NotAStep(e) };
    if step.state == StepState::Done {
        return Thrown::Raise(step_reused(step.kind));
    }
    step.state = StepState::Running;
    step.first = None;
    if step.kind != StepKind::Await {
        step.gen.step_running.set(true);
    }
    Thrown::Into(step.gen.clone(), e)
}

/// The generator reached `yield v`: how the step awaitable `aw` ends.
pub fn yielded(aw: &Value, v: Value) -> Result<Value, Exc> {
    let Value::Iter(cell) = aw else { return Err(not_a_step()) };
    let mut it = cell.borrow_mut();
    let step = step_of(&mut it).ok_or_else(not_a_step)?;
    step.state = StepState::Done;
    step.gen.step_running.set(false);
    match step.kind {
        StepKind::Close => Err(exc_of(runtime_error("async generator ignored GeneratorExit"))),
        _ => Ok(v),
    }
}

/// The generator (or awaited coroutine) ended with `result`: how the step awaitable ends.
pub fn finished(aw: &Value, result: Result<Value, Exc>) -> Result<Value, Exc> {
    let Value::Iter(cell) = aw else { return Err(not_a_step()) };
    let mut it = cell.borrow_mut();
    let step = step_of(&mut it).ok_or_else(not_a_step)?;
    step.state = StepState::Done;
    step.gen.step_running.set(false);
    match (step.kind, result) {
        (StepKind::Await, Ok(v)) => Ok(v),
        (StepKind::Close, Ok(_)) => Ok(Value::None),
        (_, Ok(_)) => match step.default.take() {
            Some(d) => Ok(d),
            None => Err(stop_async_iteration()),
        },
        (StepKind::Close, Err(e)) if is_instance_of(&e, ExcType::GeneratorExit) => Ok(Value::None),
        (_, Err(e)) if is_instance_of(&e, ExcType::StopAsyncIteration) && step.default.is_some() => {
            Ok(step.default.take().expect("default"))
        }
        (_, Err(e)) => Err(e),
    }
}

fn not_a_step() -> Exc {
    exc_of(crate::runtime::exceptions::raise(
        ExcType::SystemError,
        "an async generator resumed without its step awaitable",
    ))
}

/// A task whose coroutine is a step awaitable `aw` (`create_task(agen.__anext__())`) steps
/// it here, resuming `gen` from a native: yields come back as returns and the end as
/// StopAsyncIteration (see the VM's `deliver_async_yield`), and what the generator awaits
/// is the task's to wait on.
pub async fn drive(ctx: &Ctx, aw: &Value, gen: Rc<Generator>, send: Result<Value, Exc>) -> PyResult<GenStep> {
    let is_agen = gen.is_async_generator();
    let outcome = match send {
        Ok(v) => ctx.send(gen, v).await,
        Err(e) => ctx.throw(gen, e).await,
    };
    let ended = match outcome {
        Ok(GenStep::Yielded(v)) => return Ok(GenStep::Yielded(v)),
        Ok(GenStep::Returned(v)) if is_agen => yielded(aw, v),
        Ok(GenStep::Returned(v)) => finished(aw, Ok(v)),
        Err(Flow::Raise(e)) if is_agen && is_instance_of(&e, ExcType::StopAsyncIteration) => {
            finished(aw, Ok(Value::None))
        }
        Err(Flow::Raise(e)) => finished(aw, Err(e)),
        Err(flow) => return Err(flow),
    };
    ended.map(GenStep::Returned).map_err(Flow::Raise)
}

/// `agen.aclose()`.
pub fn aclose(gen: Rc<Generator>) -> Value {
    new_step(gen, StepKind::Close, Err(generator_exit()), None)
}

fn generator_exit() -> Exc {
    new_exception(types().exc(ExcType::GeneratorExit), Vec::new())
}

// ---- the async iteration protocol ----

/// `aiter(x)`.
pub fn aiter(a: &Args) -> PyResult {
    check_args(a, "aiter", 1, 1)?;
    get_aiter(a.pos[0].clone(), Asker::Builtin)
}

/// `anext(it[, default])`.
pub fn anext(a: &Args) -> PyResult {
    check_args(a, "anext", 1, 2)?;
    get_anext(&a.pos[0], a.pos.get(1).cloned(), Asker::Builtin)
}

/// Who asks for an async iterator, which decides CPython's wording of the errors.
#[derive(Clone, Copy)]
pub enum Asker {
    AsyncFor,
    Builtin,
}

/// `GetAIter`, `aiter(v)`: `type(v).__aiter__(v)`.
pub fn get_aiter(v: Value, asker: Asker) -> PyResult {
    if matches!(&v, Value::Generator(g) if g.is_async_generator()) {
        return Ok(v);
    }
    let method = match &v {
        Value::Instance(inst) => inst.class.lookup(sym::AITER),
        _ => None,
    };
    let Some(method) = method else {
        return Err(type_error(match asker {
            Asker::AsyncFor => format!("'async for' requires an object with __aiter__ method, got {}", type_name(&v)),
            Asker::Builtin => format!("'{}' object is not an async iterable", type_name(&v)),
        }));
    };
    run_async(|ctx| async move {
        let it = ctx.call(method, vec![v]).await?;
        if !is_async_iterator(&it) {
            return Err(type_error(match asker {
                Asker::AsyncFor => format!(
                    "'async for' received an object from __aiter__ that does not implement __anext__: {}",
                    type_name(&it)
                ),
                Asker::Builtin => format!("aiter() returned not an async iterator of type '{}'", type_name(&it)),
            }));
        }
        Ok(it)
    })
}

fn is_async_iterator(v: &Value) -> bool {
    match v {
        Value::Generator(g) => g.is_async_generator(),
        Value::Instance(inst) => inst.class.lookup(sym::ANEXT).is_some(),
        _ => false,
    }
}

/// `GetANext`, `anext(it[, default])`: the awaitable of `it.__anext__()`.
pub fn get_anext(it: &Value, default: Option<Value>, asker: Asker) -> PyResult {
    if let Value::Generator(g) = it {
        if g.is_async_generator() {
            return Ok(new_step(started(g), StepKind::Send, Ok(Value::None), default));
        }
    }
    let method = match it {
        Value::Instance(inst) => inst.class.lookup(sym::ANEXT),
        _ => None,
    };
    let Some(method) = method else {
        return Err(type_error(format!("'{}' object is not an async iterator", type_name(it))));
    };
    let it = it.clone();
    run_async(|ctx| async move {
        let aw = ctx.call(method, vec![it]).await?;
        if !can_await(&aw) {
            return Err(type_error(match asker {
                Asker::AsyncFor => format!("'async for' received an invalid object from __anext__: {}", type_name(&aw)),
                Asker::Builtin => format!("'{}' object is not awaitable", type_name(&aw)),
            }));
        }
        match (default, &aw) {
            // A default turns the coroutine's StopAsyncIteration into a value. (Other
            // awaitables from `__anext__` are awaited as they are.)
            (Some(d), Value::Generator(g)) if g.is_coroutine() => {
                g.awaited.set(true);
                Ok(new_step(g.clone(), StepKind::Await, Ok(Value::None), Some(d)))
            }
            _ => ctx.resolve(get_awaitable(aw)).await,
        }
    })
}
