//! The fiber scheduler: runs fibers until the main one finishes, switching between a
//! generator's fiber and its resumer, delivering values and unwinding exceptions. `execute`
//! (in `exec.rs`) runs instructions; this file decides what happens between its events.

use super::frame::{Fiber, Frame, FrameKind, ResumeMode};
use super::native::Reply;
use super::{Exc, Flow, PyResult, Vm};
use crate::bytecode::{Code, Op};
use crate::object::instance::TracebackEntry;
use crate::object::module::Module;
use crate::object::{GenState, Generator};
use crate::runtime::exceptions::{self as ex, is_instance_of, new_exception};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use std::rc::Rc;

/// What the running frame asks the loop to do next.
pub enum Event {
    /// The frame stack changed (a call pushed a frame, a native was started): keep going.
    Continue,
    Return(Value),
    /// An exception raised by the instruction that just ran.
    Raise(Exc),
    /// A re-raised exception: its traceback is already complete for this frame.
    Reraise(Exc),
    Yield(Value),
    /// `yield` in an async generator: completes the step awaitable that resumed it.
    AsyncYield(Value),
    Resume {
        gen: Rc<Generator>,
        send: Result<Value, Exc>,
        mode: ResumeMode,
    },
}

impl Vm {
    /// Runs module code on a fresh main fiber until it finishes.
    pub fn run_module(&mut self, code: Rc<Code>, globals: Rc<Module>) -> Result<Value, Exc> {
        let mut fiber = Box::new(Fiber::new(ResumeMode::Main, None));
        fiber.stack.resize(code.nlocals(), Value::Null);
        fiber.frames.push(Frame { code, ip: 0, base: 0, ret_sp: 0, globals, kind: FrameKind::Normal, native: None });
        self.depth += 1;
        self.run(fiber)
    }

    /// The exception being handled: this fiber's, or else that of the nearest fiber that
    /// resumed it (a coroutine called from an `except` block sees that exception).
    pub(super) fn handling(&self, fiber: &Fiber) -> Option<Value> {
        fiber.handling.clone().or_else(|| self.resumers.iter().rev().find_map(|f| f.handling.clone()))
    }

    /// Completes a result that may be a native continuation, running it on a fresh fiber.
    pub fn finish_native(&mut self, r: PyResult) -> PyResult {
        match r {
            Err(Flow::Async(nf)) => {
                let mut fiber = Box::new(Fiber::new(ResumeMode::Main, None));
                let globals = self.builtins.clone();
                fiber.frames.push(Frame {
                    code: Code::placeholder(),
                    ip: 0,
                    base: 0,
                    ret_sp: 0,
                    globals,
                    kind: FrameKind::Normal,
                    native: Some(nf),
                });
                self.run(fiber).map_err(Flow::Raise)
            }
            other => other,
        }
    }

    /// Runs fibers until the given main fiber finishes.
    pub(super) fn run(&mut self, mut fiber: Box<Fiber>) -> Result<Value, Exc> {
        let floor = self.resumers.len();
        let mut event = Event::Continue;
        loop {
            event = match event {
                Event::Continue => {
                    let top = fiber.frames.last_mut().expect("running fiber has a frame");
                    if top.native.is_some() {
                        self.step_native(&mut fiber)
                    } else {
                        self.execute(&mut fiber)
                    }
                }
                Event::Return(v) => match self.pop_frame(&mut fiber, v) {
                    Ok(Some(v)) => self.deliver(&mut fiber, v),
                    Ok(None) => Event::Continue,
                    Err(e) => Event::Raise(e),
                },
                Event::Raise(e) => {
                    // An exception raised while another is handled gets it as `__context__`.
                    if let Some(Value::Instance(handled)) = &self.handling(&fiber) {
                        if let Some(data) = e.exc() {
                            let mut data = data.borrow_mut();
                            if data.context.is_none() && !Rc::ptr_eq(handled, &e) {
                                data.context = Some(Value::Instance(handled.clone()));
                            }
                        }
                    }
                    if let Some(f) = fiber.frames.last() {
                        if f.native.is_none() {
                            add_traceback(&e, f);
                        }
                    }
                    self.unwind(&mut fiber, e)
                }
                Event::Reraise(e) => self.unwind(&mut fiber, e),
                Event::Yield(v) => {
                    let mode = self.suspend_generator(&mut fiber);
                    self.deliver_yield(&mut fiber, mode, v)
                }
                Event::AsyncYield(v) => {
                    let mode = self.suspend_generator(&mut fiber);
                    self.deliver_async_yield(&mut fiber, mode, v)
                }
                Event::Resume { gen, send, mode } => self.resume(&mut fiber, gen, send, mode),
            };
            if let Some(result) = self.finished.take() {
                if self.resumers.len() == floor {
                    return result;
                }
                // A nested fiber ended: hand its outcome to its resumer.
                let done = std::mem::replace(&mut fiber, self.resumers.pop().expect("resumer"));
                event = self.fiber_finished(&mut fiber, &done, result);
                self.fibers.put(done);
            }
        }
    }

    /// The running generator fiber goes back into its object and its resumer runs on;
    /// returns how it was resumed. The owner link exists only while running: a suspended
    /// generator's fiber must not keep the generator alive.
    pub(super) fn suspend_generator(&mut self, fiber: &mut Box<Fiber>) -> ResumeMode {
        let gen = fiber.owner.take().expect("yield outside a generator fiber");
        let mode = fiber.mode;
        self.depth -= fiber.frames.len();
        let resumer = self.resumers.pop().expect("a resumed fiber has a resumer");
        let suspended = std::mem::replace(fiber, resumer);
        *gen.fiber.borrow_mut() = Some(suspended);
        gen.state.set(GenState::Suspended);
        mode
    }

    /// Pops the returning top frame; returns the value to deliver, or None when the fiber ended.
    pub(super) fn pop_frame(&mut self, fiber: &mut Fiber, v: Value) -> Result<Option<Value>, Exc> {
        let frame = fiber.frames.pop().expect("frame to pop");
        if frame.native.is_none() {
            self.depth -= 1;
        }
        fiber.stack.truncate(frame.ret_sp);
        let v = match frame.kind {
            FrameKind::Discard => {
                if fiber.frames.is_empty() {
                    self.finished = Some(Ok(v));
                }
                return Ok(None);
            }
            FrameKind::Normal | FrameKind::IterNext => v,
            FrameKind::MethodAttr => {
                fiber.stack.push(v);
                Value::Null
            }
            FrameKind::Init(instance) => {
                if !v.is_none() {
                    return Err(exc_of(ex::type_error(format!(
                        "__init__() should return None, not '{}'",
                        type_name(&v)
                    ))));
                }
                Value::Instance(instance)
            }
            FrameKind::ClassBody(_) => Value::None,
        };
        if fiber.frames.is_empty() {
            self.finished = Some(Ok(v));
            return Ok(None);
        }
        Ok(Some(v))
    }

    /// Hands a value to whatever is now on top: a script frame's stack or a waiting native.
    pub(super) fn deliver(&mut self, fiber: &mut Fiber, v: Value) -> Event {
        let top = fiber.frames.last_mut().expect("frame to deliver to");
        match &top.native {
            Some(n) => n.ctx.set_reply(Reply::Value(v)),
            None => fiber.stack.push(v),
        }
        Event::Continue
    }

    /// Finds a handler for `e`, popping frames that have none.
    pub(super) fn unwind(&mut self, fiber: &mut Fiber, e: Exc) -> Event {
        loop {
            let Some(frame) = fiber.frames.last_mut() else {
                self.finished = Some(Err(e));
                return Event::Continue;
            };
            if let Some(n) = &frame.native {
                n.ctx.set_reply(Reply::Raised(e));
                return Event::Continue;
            }
            let at = frame.ip.saturating_sub(1) as u32;
            // A frame that has not started (an exception thrown into a new generator) has no
            // active handler.
            let started = frame.ip > 0;
            if let Some(h) = frame.code.handlers.iter().find(|h| started && h.start <= at && at < h.end) {
                let sp = frame.stack_start() + h.depth as usize;
                frame.ip = h.target as usize;
                fiber.stack.truncate(sp);
                fiber.stack.push(Value::Instance(e));
                return Event::Continue;
            }
            let frame = fiber.frames.pop().expect("frame");
            self.depth -= 1;
            fiber.stack.truncate(frame.ret_sp);
            if fiber.frames.is_empty() {
                self.finished = Some(Err(e));
                return Event::Continue;
            }
            let caller = fiber.frames.last().expect("caller");
            // StopIteration from what a `for` loop called for its next item (a `__next__`,
            // a mapped function called at the `ForIter`) ends the loop.
            let called_by_for_iter = matches!(frame.kind, FrameKind::IterNext)
                || (caller.native.is_none()
                    && matches!(caller.code.ops.get(caller.ip.wrapping_sub(1)), Some(Op::ForIter(_))));
            if called_by_for_iter && is_instance_of(&e, ExcType::StopIteration) {
                return self.end_for_loop(fiber);
            }
            if caller.native.is_none() {
                add_traceback(&e, caller);
            }
        }
    }

    /// The iterator of the `ForIter` that just ran is exhausted: pop it and leave the loop.
    pub(super) fn end_for_loop(&mut self, fiber: &mut Fiber) -> Event {
        let frame = fiber.frames.last_mut().expect("frame");
        if let Some(Op::ForIter(target)) = frame.code.ops.get(frame.ip - 1) {
            frame.ip = *target as usize;
            fiber.stack.pop();
        }
        Event::Continue
    }

    /// A generator's or coroutine's fiber ended with `result`; `fiber` is its resumer.
    pub(super) fn fiber_finished(&mut self, fiber: &mut Fiber, done: &Fiber, result: Result<Value, Exc>) -> Event {
        let gen = done.owner.clone().expect("nested fibers belong to generators");
        gen.state.set(GenState::Finished);
        let result = result.map_err(|e| {
            // What a generator raises must not pass for its end: PEP 479.
            let stop = if is_instance_of(&e, ExcType::StopIteration) {
                Some("StopIteration")
            } else if is_instance_of(&e, ExcType::StopAsyncIteration) && gen.is_async_generator() {
                Some("StopAsyncIteration")
            } else {
                None
            };
            if let Some(stop) = stop {
                let re = new_exception(
                    types().exc(ExcType::RuntimeError),
                    vec![Value::str(format!("{} raised {}", gen.kind_word(), stop))],
                );
                let data = re.exc().expect("exception");
                data.borrow_mut().cause = Some(Value::Instance(e.clone()));
                data.borrow_mut().context = Some(Value::Instance(e));
                re
            } else {
                e
            }
        });
        match (done.mode, result) {
            (mode @ (ResumeMode::ForIter | ResumeMode::YieldFrom), Ok(v)) => self.deliver_return(fiber, mode, v),
            (ResumeMode::AsyncStep, result) => {
                match end_async_step(fiber, |aw| crate::runtime::coroutine::async_generators::finished(aw, result)) {
                    Ok(()) => Event::Continue,
                    Err(e) => self.raise_in_resumer(fiber, e),
                }
            }
            // A native that resumes an async generator sees its end as StopAsyncIteration
            // (and each `yield` as a return: see `deliver_async_yield`).
            (ResumeMode::Native, Ok(_)) if gen.is_async_generator() => {
                self.raise_in_resumer(fiber, crate::runtime::coroutine::async_generators::stop_async_iteration())
            }
            (ResumeMode::Native, Ok(v)) => {
                let top = fiber.frames.last().expect("native frame");
                top.native.as_ref().expect("native").ctx.set_reply(Reply::Returned(v));
                Event::Continue
            }
            (_, Err(e)) => self.raise_in_resumer(fiber, e),
            (ResumeMode::Main, Ok(_)) => unreachable!("main fibers are not resumed"),
        }
    }

    /// A generator resumed by a `for` loop or by `yield from`/`await` returned `v`: the loop
    /// ends, or the delegating generator's `YieldFrom` has `v` for its value.
    #[inline(always)]
    fn deliver_return(&mut self, fiber: &mut Fiber, mode: ResumeMode, v: Value) -> Event {
        if mode == ResumeMode::ForIter {
            return self.end_for_loop(fiber);
        }
        fiber.stack.pop(); // the delegated-to iterator
        fiber.stack.push(v);
        Event::Continue
    }

    /// The running generator's last frame returns `v`. When its resumer is a script
    /// instruction (`ForIter`, `YieldFrom`), the generator ends here, without the event loop,
    /// and its resumer runs on; otherwise `v` comes back for the event loop to deliver.
    #[inline(never)]
    pub(super) fn return_plainly(&mut self, fiber: &mut Box<Fiber>, v: Value) -> Result<(), Value> {
        let mode = fiber.mode;
        if !matches!(mode, ResumeMode::ForIter | ResumeMode::YieldFrom) || fiber.frames.len() != 1 {
            return Err(v);
        }
        let frame = fiber.frames.pop().expect("frame");
        self.depth -= 1;
        fiber.stack.truncate(frame.ret_sp);
        if let Some(gen) = fiber.owner.take() {
            gen.state.set(GenState::Finished);
        }
        let done = std::mem::replace(fiber, self.resumers.pop().expect("a resumed fiber has a resumer"));
        self.fibers.put(done);
        self.deliver_return(fiber, mode, v);
        Ok(())
    }

    /// `yield v` in the running generator. When resumers that are script instructions take
    /// it (a `for` loop, or `yield from`/`await`s passing it on to one), it is delivered
    /// without the event loop, and the taker runs on. Otherwise `v` comes back: the running
    /// fiber (the one that yielded, or the last to pass it on) yields it to the event loop.
    #[inline(never)]
    pub(super) fn yield_plainly(&mut self, fiber: &mut Box<Fiber>, mut v: Value) -> Result<(), Value> {
        loop {
            if !matches!(fiber.mode, ResumeMode::ForIter | ResumeMode::YieldFrom) {
                return Err(v);
            }
            let mode = self.suspend_generator(fiber);
            match self.pass_yield(fiber, mode, v) {
                None => return Ok(()),
                Some(again) => v = again,
            }
        }
    }

    /// An exception leaves a resumed fiber and passes on into its resumer's frame: a line
    /// of the traceback, as for a call that raised.
    pub(super) fn raise_in_resumer(&mut self, fiber: &mut Fiber, e: Exc) -> Event {
        if let Some(f) = fiber.frames.last().filter(|f| f.native.is_none()) {
            add_traceback(&e, f);
        }
        Event::Reraise(e)
    }

    /// Gives the value of an async generator's `yield` to its resumer.
    pub(super) fn deliver_async_yield(&mut self, fiber: &mut Fiber, mode: ResumeMode, v: Value) -> Event {
        match mode {
            ResumeMode::AsyncStep => {
                match end_async_step(fiber, |aw| crate::runtime::coroutine::async_generators::yielded(aw, v)) {
                    Ok(()) => Event::Continue,
                    Err(e) => Event::Raise(e),
                }
            }
            ResumeMode::Native => {
                let top = fiber.frames.last().expect("native frame");
                top.native.as_ref().expect("native").ctx.set_reply(Reply::Returned(v));
                Event::Continue
            }
            // Nothing else resumes an async generator: `iter`, `next` and `yield from`
            // refuse one.
            ResumeMode::ForIter | ResumeMode::YieldFrom | ResumeMode::Main => {
                Event::Raise(exc_of(ex::raise(ExcType::SystemError, "an async generator was resumed as a generator")))
            }
        }
    }

    /// Gives a yielded value to the resumer `fiber`, according to how it resumed.
    pub(super) fn deliver_yield(&mut self, fiber: &mut Fiber, mode: ResumeMode, v: Value) -> Event {
        match self.pass_yield(fiber, mode, v) {
            None => Event::Continue,
            Some(v) => Event::Yield(v),
        }
    }

    /// Gives a yielded value to the resumer `fiber`: None when it took it, or the value
    /// when it is a delegating generator, which yields the same value in turn.
    #[inline(always)]
    fn pass_yield(&mut self, fiber: &mut Fiber, mode: ResumeMode, v: Value) -> Option<Value> {
        match mode {
            ResumeMode::ForIter => {
                fiber.stack.push(v);
                None
            }
            ResumeMode::YieldFrom | ResumeMode::AsyncStep => {
                // The delegating generator re-runs YieldFrom with whatever is sent to it next.
                let frame = fiber.frames.last_mut().expect("frame");
                frame.ip -= 1;
                Some(v)
            }
            ResumeMode::Native => {
                let top = fiber.frames.last().expect("native frame");
                top.native.as_ref().expect("native").ctx.set_reply(Reply::Yielded(v));
                None
            }
            ResumeMode::Main => unreachable!("main fibers do not yield"),
        }
    }

    /// Runs `target`, the fiber taken from `gen`, with the running fiber as its resumer, which
    /// `mode` says how to come back to. False (and `target` back in `gen`) when its frames
    /// would pass the recursion limit: a chain of awaits (or `yield from`s) nests frames as
    /// calls do.
    #[inline(always)]
    fn switch_into(
        &mut self,
        fiber: &mut Box<Fiber>,
        gen: &Rc<Generator>,
        mut target: Box<Fiber>,
        mode: ResumeMode,
    ) -> bool {
        if self.depth + target.frames.len() > self.recursion_limit {
            *gen.fiber.borrow_mut() = Some(target);
            return false;
        }
        gen.state.set(GenState::Running);
        target.mode = mode;
        target.owner = Some(gen.clone());
        self.depth += target.frames.len();
        let resumer = std::mem::replace(fiber, target);
        self.resumers.push(resumer);
        true
    }

    /// Resumes `gen` with `sent` for a script instruction (`ForIter`, `YieldFrom`) when none
    /// of `resume`'s checks fails, without the event loop: its top frame runs next. Otherwise
    /// `sent` comes back, for `resume` to raise the error.
    #[inline(never)]
    pub(super) fn resume_plainly(
        &mut self,
        fiber: &mut Box<Fiber>,
        gen: &Rc<Generator>,
        sent: Value,
        mode: ResumeMode,
    ) -> Result<(), Value> {
        let state = gen.state.get();
        let fits = match state {
            GenState::Suspended => true,
            GenState::Created => sent.is_none(),
            GenState::Running | GenState::Finished => false,
        };
        if !fits {
            return Err(sent);
        }
        let Some(target) = gen.fiber.borrow_mut().take() else { return Err(sent) };
        if !self.switch_into(fiber, gen, target, mode) {
            return Err(sent);
        }
        if state == GenState::Suspended {
            fiber.stack.push(sent);
        }
        Ok(())
    }

    /// Switches to a generator's fiber, sending it a value or throwing an exception into it.
    pub(super) fn resume(
        &mut self,
        fiber: &mut Box<Fiber>,
        gen: Rc<Generator>,
        send: Result<Value, Exc>,
        mode: ResumeMode,
    ) -> Event {
        let state = gen.state.get();
        let kind = gen.kind_word();
        match state {
            GenState::Running => return Event::Raise(exc_of(ex::value_error(format!("{} already executing", kind)))),
            GenState::Finished => {
                if gen.is_coroutine() {
                    return Event::Raise(exc_of(ex::runtime_error("cannot reuse already awaited coroutine")));
                }
                let r = match send {
                    Ok(_) => Ok(Value::None),
                    Err(e) => Err(e),
                };
                let done = Fiber::new(mode, Some(gen.clone()));
                return self.fiber_finished(fiber, &done, r);
            }
            GenState::Created => {
                if let Ok(v) = &send {
                    if !v.is_none() {
                        return Event::Raise(exc_of(ex::type_error(format!(
                            "can't send non-None value to a just-started {}",
                            kind
                        ))));
                    }
                }
            }
            GenState::Suspended => {}
        }
        let Some(target) = gen.fiber.borrow_mut().take() else {
            return Event::Raise(exc_of(ex::value_error(format!("{} already executing", kind))));
        };
        if !self.switch_into(fiber, &gen, target, mode) {
            return Event::Raise(exc_of(ex::raise(ExcType::RecursionError, "maximum recursion depth exceeded")));
        }
        match send {
            Ok(v) => {
                if state == GenState::Suspended {
                    fiber.stack.push(v);
                }
                Event::Continue
            }
            Err(e) => {
                // A generator delegating with `yield from`/`await` passes the exception to
                // the generator it delegates to, innermost first.
                let top = fiber.frames.last().expect("frame");
                match (top.code.ops.get(top.ip), fiber.stack.last()) {
                    (Some(Op::YieldFrom), Some(Value::Generator(inner))) => {
                        let inner = inner.clone();
                        fiber.frames.last_mut().expect("frame").ip += 1;
                        if !is_instance_of(&e, ExcType::GeneratorExit) {
                            return Event::Resume { gen: inner, send: Err(e), mode: ResumeMode::YieldFrom };
                        }
                        // As CPython closes a chain: the delegate is closed, and then the
                        // GeneratorExit (or what closing the delegate raised) is raised here.
                        let closed = crate::runtime::coroutine::generators::close(inner);
                        let then_raise = super::native::run_async(|ctx| async move {
                            ctx.resolve(closed).await?;
                            Err(Flow::Raise(e))
                        });
                        self.after_call(fiber, then_raise.map(super::call::CallOutcome::Done))
                    }
                    // A native awaitable is told, so that it can clean up as the coroutine
                    // CPython has in its place would in an `except:` clause; an async
                    // generator's step passes the exception on into its generator.
                    (Some(Op::YieldFrom), Some(Value::Iter(cell))) => {
                        use crate::runtime::coroutine::async_generators::{thrown, Thrown};
                        let cell = cell.clone();
                        let e = match thrown(&cell, e) {
                            Thrown::NotAStep(e) => e,
                            Thrown::Into(gen, e) => {
                                fiber.frames.last_mut().expect("frame").ip += 1;
                                return Event::Resume { gen, send: Err(e), mode: ResumeMode::AsyncStep };
                            }
                            Thrown::Raise(flow) => {
                                fiber.frames.last_mut().expect("frame").ip += 1;
                                return Event::Raise(exc_of(flow));
                            }
                        };
                        match crate::runtime::coroutine::await_thrown(&cell, e) {
                            Flow::Raise(e) => Event::Raise(e),
                            Flow::Async(nf) => self.push_native(fiber, nf, FrameKind::Normal),
                        }
                    }
                    _ => Event::Raise(e),
                }
            }
        }
    }
}

/// Ends the async generator step awaited on top of the resumer's stack: the value
/// `outcome` makes of it replaces it there, or its exception is returned.
pub(super) fn end_async_step(fiber: &mut Fiber, outcome: impl FnOnce(&Value) -> Result<Value, Exc>) -> Result<(), Exc> {
    let aw = fiber.stack.pop().unwrap_or(Value::None);
    fiber.stack.push(outcome(&aw)?);
    Ok(())
}

/// The exception inside a `Flow` that is known to be a raise.
pub fn exc_of(flow: Flow) -> Exc {
    match flow {
        Flow::Raise(e) => e,
        Flow::Async(_) => {
            new_exception(types().exc(ExcType::SystemError), vec![Value::str("unexpected native continuation")])
        }
    }
}

pub(super) fn add_traceback(e: &Exc, frame: &Frame) {
    if frame.code.flags.hidden {
        return;
    }
    if let Some(data) = e.exc() {
        let ip = frame.ip.saturating_sub(1) as u32;
        data.borrow_mut().traceback.push(TracebackEntry { code: frame.code.clone(), ip });
    }
}
