//! Native continuations on the frame stack: polling them and servicing what they ask the
//! VM for (a call, an iterator's next item, a resumed generator, the caller's frame).

use super::call::CallOutcome;
use super::frame::{ClassBody, Fiber, Frame, FrameKind, ResumeMode};
use super::native::{NativeFrame, Reply, Request};
use super::scheduler::{exc_of, Event};
use super::{Flow, PyResult, Vm};
use crate::intern::Symbol;
use crate::runtime::exceptions::{self as ex, is_instance_of};
use crate::runtime::protocol;
use crate::runtime::ExcType;
use crate::value::Value;
use std::rc::Rc;

impl Vm {
    /// Runs the native continuation on top: services its request, or polls it.
    pub(super) fn step_native(&mut self, fiber: &mut Fiber) -> Event {
        let frame = fiber.frames.last_mut().expect("frame");
        let native = frame.native.as_mut().expect("native frame");
        if let Some(req) = native.ctx.take_request() {
            return self.service(fiber, req);
        }
        match native.poll() {
            // Pending: it asked for something (script code to run, an iterator's next item).
            None => match native.ctx.take_request() {
                Some(req) => self.service(fiber, req),
                None => {
                    Event::Raise(exc_of(ex::raise(ExcType::SystemError, "native continuation is waiting on nothing")))
                }
            },
            Some(Ok(v)) => Event::Return(v),
            Some(Err(flow)) => {
                let frame = fiber.frames.pop().expect("frame");
                fiber.stack.truncate(frame.ret_sp);
                match flow {
                    Flow::Raise(e)
                        if matches!(frame.kind, FrameKind::IterNext) && is_instance_of(&e, ExcType::StopIteration) =>
                    {
                        self.end_for_loop(fiber)
                    }
                    Flow::Raise(e) => Event::Raise(e),
                    Flow::Async(nf) => self.push_native(fiber, nf, frame.kind),
                }
            }
        }
    }

    pub(super) fn service(&mut self, fiber: &mut Fiber, req: Request) -> Event {
        match req {
            Request::Call { func, args, kwargs } => {
                let at = fiber.stack.len();
                fiber.stack.push(func);
                let n = args.len() + kwargs.len();
                fiber.stack.extend(args);
                let names: Vec<Symbol> = kwargs.iter().map(|(k, _)| *k).collect();
                fiber.stack.extend(kwargs.into_iter().map(|(_, v)| v));
                let outcome = self.call_value(fiber, at, n, &names, FrameKind::Normal);
                self.after_call(fiber, outcome)
            }
            Request::Next(iter) => self.next_for_native(fiber, iter),
            Request::RunHidden { code, iter } => {
                if self.depth >= self.recursion_limit {
                    return self
                        .unwind(fiber, exc_of(ex::raise(ExcType::RecursionError, "maximum recursion depth exceeded")));
                }
                let globals = fiber.frames.last().expect("native frame").globals.clone();
                let base = fiber.stack.len();
                fiber.stack.push(iter);
                self.depth += 1;
                fiber.frames.push(Frame {
                    code,
                    ip: 0,
                    base,
                    ret_sp: base,
                    globals,
                    kind: FrameKind::Normal,
                    native: None,
                });
                Event::Continue
            }
            Request::Send { gen, value } => Event::Resume { gen, send: Ok(value), mode: ResumeMode::Native },
            Request::Throw { gen, exc } => Event::Resume { gen, send: Err(exc), mode: ResumeMode::Native },
            Request::Run(nf) => self.push_native(fiber, nf, FrameKind::Normal),
            Request::RunModule { code, globals } => {
                if self.depth >= self.recursion_limit {
                    return self
                        .unwind(fiber, exc_of(ex::raise(ExcType::RecursionError, "maximum recursion depth exceeded")));
                }
                let base = fiber.stack.len();
                fiber.stack.resize(base + code.nlocals(), Value::Null);
                self.depth += 1;
                let frame = Frame { code, ip: 0, base, ret_sp: base, globals, kind: FrameKind::Normal, native: None };
                fiber.frames.push(frame);
                Event::Continue
            }
            Request::CallerSite => {
                let site = caller_frame(fiber).map(|f| {
                    let line = f.code.line_of(f.ip.saturating_sub(1));
                    let text = f.code.source.line_text(line).trim().to_string();
                    Value::tuple(vec![Value::str(format!("{}:{}", f.code.source.name, line)), Value::str(text)])
                });
                self.deliver(fiber, site.unwrap_or(Value::None))
            }
            Request::CallerGlobals(depth) => {
                let globals = caller_frames(fiber).nth(depth).map(|f| Value::Module(f.globals.clone()));
                self.deliver(fiber, globals.unwrap_or(Value::None))
            }
            Request::CallerLocals => {
                let locals = caller_frame(fiber).map(|f| match &f.kind {
                    _ if f.code.flags.is_module => Value::Module(f.globals.clone()),
                    FrameKind::ClassBody(body) => Value::Dict(body.ns.clone()),
                    _ => namespace_dict(f.bound_locals(&fiber.stack)),
                });
                self.deliver(fiber, locals.unwrap_or(Value::None))
            }
            Request::ClassBody { body, ns } => {
                self.enter_class_body(fiber, body, FrameKind::ClassBody(Box::new(ClassBody { ns })))
            }
            Request::CallerStack => {
                let stack = caller_frames(fiber)
                    .map(|f| {
                        let line = f.code.line_of(f.ip.saturating_sub(1));
                        Value::tuple(vec![
                            Value::str(f.code.source.name.as_str()),
                            Value::Int(line as i64),
                            Value::str(f.code.name.as_str()),
                            Value::str(f.code.source.line_text(line)),
                        ])
                    })
                    .collect();
                self.deliver(fiber, Value::list(stack))
            }
            Request::RecursionLimit(set) => {
                if let Some(n) = set {
                    if n > self.recursion_ceiling {
                        let msg = format!(
                            "recursion limit {} is above the host's maximum recursion depth of {}",
                            n, self.recursion_ceiling
                        );
                        return self.unwind(fiber, exc_of(ex::value_error(msg)));
                    }
                    self.recursion_limit = n;
                }
                let n = Value::Int(self.recursion_limit as i64);
                self.deliver(fiber, n)
            }
            Request::Handling => {
                let handling = self.handling(fiber).unwrap_or(Value::None);
                self.deliver(fiber, handling)
            }
        }
    }

    pub(super) fn next_for_native(&mut self, fiber: &mut Fiber, iter: Value) -> Event {
        match &iter {
            Value::Generator(g) => Event::Resume { gen: g.clone(), send: Ok(Value::None), mode: ResumeMode::Native },
            _ => {
                let r = protocol::next_native(&iter);
                match r {
                    Ok(Some(v)) => self.deliver(fiber, v),
                    Ok(None) => {
                        let top = fiber.frames.last().expect("frame");
                        top.native.as_ref().expect("native").ctx.set_reply(Reply::Returned(Value::None));
                        Event::Continue
                    }
                    Err(Flow::Raise(e)) => self.unwind(fiber, e),
                    Err(Flow::Async(nf)) => self.push_native(fiber, nf, FrameKind::Normal),
                }
            }
        }
    }

    /// Pushes a native continuation whose result goes to the frame below it.
    pub(super) fn push_native(&mut self, fiber: &mut Fiber, nf: Box<NativeFrame>, kind: FrameKind) -> Event {
        let below = fiber.frames.last().expect("frame");
        let (code, globals) = (below.code.clone(), below.globals.clone());
        fiber.frames.push(Frame {
            code,
            ip: 0,
            base: fiber.stack.len(),
            ret_sp: fiber.stack.len(),
            globals,
            kind,
            native: Some(nf),
        });
        Event::Continue
    }

    /// Completes a call made by an instruction or a native request.
    pub(super) fn after_call(&mut self, fiber: &mut Fiber, outcome: PyResult<CallOutcome>) -> Event {
        match outcome {
            Ok(CallOutcome::Done(v)) => self.deliver(fiber, v),
            Ok(CallOutcome::Pushed) => Event::Continue,
            Err(Flow::Raise(e)) => Event::Raise(e),
            Err(Flow::Async(nf)) => self.push_native(fiber, nf, FrameKind::Normal),
        }
    }
}

/// A new dict of a scope's names and values (`locals()` in a function or class body).
fn namespace_dict(names: Vec<(Symbol, Value)>) -> Value {
    let d = crate::object::dict::PyDict::default();
    for (k, v) in names {
        d.insert_str(k.as_str(), v);
    }
    Value::Dict(Rc::new(d))
}

/// The script frame below the native continuation on top: the code that called the native.
fn caller_frame(fiber: &Fiber) -> Option<&Frame> {
    caller_frames(fiber).next()
}

/// The script frames below the native continuation on top, innermost first.
fn caller_frames(fiber: &Fiber) -> impl Iterator<Item = &Frame> {
    let n = fiber.frames.len();
    fiber.frames[..n.saturating_sub(1)].iter().rev().filter(|f| f.native.is_none() && !f.code.flags.hidden)
}
