//! Native continuations: how a native function that needs script code (a sort key, a
//! `__repr__`, the next item of a generator) gets it without re-entering the dispatch loop.
//!
//! Such a native is written as ordinary async Rust. Each `ctx.call(...).await` parks a
//! `Request` in the shared context and returns `Pending`; the VM sees the request, runs the
//! script frames it needs on the same fiber, then stores the `Reply` and polls the future
//! again. The Rust stack stays flat however deeply natives and script code interleave.

use super::{Exc, Flow, PyResult};
use crate::bytecode::Code;
use crate::intern::Symbol;
use crate::object::Generator;
use crate::runtime::ExcType;
use crate::value::Value;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

pub enum Request {
    Call {
        func: Value,
        args: Vec<Value>,
        kwargs: Vec<(Symbol, Value)>,
    },
    /// The next item of any iterator.
    Next(Value),
    /// The value of a hidden frame (`Code::collector`, `Code::any_all`) over an iterator.
    RunHidden {
        code: Rc<Code>,
        iter: Value,
    },
    /// Resume a generator or coroutine with a value (`send`) or an exception (`throw`).
    Send {
        gen: Rc<Generator>,
        value: Value,
    },
    Throw {
        gen: Rc<Generator>,
        exc: Exc,
    },
    /// Run another native continuation to completion.
    Run(Box<NativeFrame>),
    /// Run a module's code with the module as its globals (an import).
    RunModule {
        code: Rc<crate::bytecode::Code>,
        globals: Rc<crate::object::module::Module>,
    },
    /// Where the script called this native: `file:line` and the source line, or None.
    CallerSite,
    /// The exception being handled where the script called this native (`sys.exception()`).
    Handling,
    /// The recursion limit, after setting it to the value given.
    RecursionLimit(Option<usize>),
    /// The globals of the calling script frame (`globals()`), or of the frame this many
    /// script frames further out (what `sys._getframe(n).f_globals` gives CPython code).
    CallerGlobals(usize),
    /// The namespace of the calling script frame (`locals()`, `vars()`): the module for
    /// module code, else a dict of the bound names.
    CallerLocals,
    /// The script frames of the calling fiber, innermost first, as `(file, line, function,
    /// source line)`.
    CallerStack,
    /// Run a class body with this namespace.
    ClassBody {
        body: Rc<crate::object::function::Function>,
        ns: Rc<crate::object::dict::PyDict>,
    },
}

pub enum Reply {
    Value(Value),
    /// A resumed generator yielded.
    Yielded(Value),
    /// A resumed generator returned (or an iterator is exhausted).
    Returned(Value),
    Raised(Exc),
}

#[derive(Default)]
struct Slot {
    request: Option<Request>,
    reply: Option<Reply>,
}

/// The channel between a native continuation and the VM.
#[derive(Clone, Default)]
pub struct Ctx(Rc<RefCell<Slot>>);

/// Outcome of resuming a generator.
pub enum GenStep {
    Yielded(Value),
    Returned(Value),
}

struct Ask {
    ctx: Ctx,
    request: Option<Request>,
}

impl Future for Ask {
    type Output = Reply;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Reply> {
        if let Some(r) = self.request.take() {
            self.ctx.0.borrow_mut().request = Some(r);
            return Poll::Pending;
        }
        match self.ctx.0.borrow_mut().reply.take() {
            Some(reply) => Poll::Ready(reply),
            None => Poll::Pending,
        }
    }
}

impl Ctx {
    fn ask(&self, request: Request) -> Ask {
        Ask { ctx: self.clone(), request: Some(request) }
    }

    /// Calls any callable with positional arguments.
    pub async fn call(&self, func: Value, args: Vec<Value>) -> PyResult {
        self.call_kw(func, args, Vec::new()).await
    }

    pub async fn call_kw(&self, func: Value, args: Vec<Value>, kwargs: Vec<(Symbol, Value)>) -> PyResult {
        match self.ask(Request::Call { func, args, kwargs }).await {
            Reply::Value(v) | Reply::Yielded(v) | Reply::Returned(v) => Ok(v),
            Reply::Raised(e) => Err(Flow::Raise(e)),
        }
    }

    /// The next item of an iterator, or `None` when it is exhausted.
    pub async fn next(&self, iter: &Value) -> PyResult<Option<Value>> {
        match self.ask(Request::Next(iter.clone())).await {
            Reply::Value(v) | Reply::Yielded(v) => Ok(Some(v)),
            Reply::Returned(_) => Ok(None),
            Reply::Raised(e) => Err(Flow::Raise(e)),
        }
    }

    /// Every remaining item of an iterator, taken by the VM in one go: no script code runs
    /// between the items but the iterator's own.
    pub async fn collect(&self, iter: Value) -> PyResult<Vec<Value>> {
        match self.run_hidden(Code::collector(), iter).await? {
            Value::List(l) => Ok(std::mem::take(&mut *l.items.borrow_mut())),
            _ => Err(crate::runtime::exceptions::raise(ExcType::SystemError, "collecting an iterator gave no list")),
        }
    }

    /// `any(iter)` (`stop_on` true) or `all(iter)`, the VM stepping the iterator.
    pub async fn any_all(&self, iter: Value, stop_on: bool) -> PyResult {
        self.run_hidden(Code::any_all(stop_on), iter).await
    }

    /// What the hidden frame `code` returns for the iterator `iter`: the VM steps it, so no
    /// item makes a round trip through the native.
    async fn run_hidden(&self, code: Rc<Code>, iter: Value) -> PyResult {
        match self.ask(Request::RunHidden { code, iter }).await {
            Reply::Value(v) | Reply::Returned(v) | Reply::Yielded(v) => Ok(v),
            Reply::Raised(e) => Err(Flow::Raise(e)),
        }
    }

    pub async fn send(&self, gen: Rc<Generator>, value: Value) -> PyResult<GenStep> {
        gen_step(self.ask(Request::Send { gen, value }).await)
    }

    pub async fn throw(&self, gen: Rc<Generator>, exc: Exc) -> PyResult<GenStep> {
        gen_step(self.ask(Request::Throw { gen, exc }).await)
    }

    /// Finishes a result that may itself be a native continuation.
    pub async fn resolve(&self, r: PyResult) -> PyResult {
        match r {
            Err(Flow::Async(frame)) => match self.ask(Request::Run(frame)).await {
                Reply::Value(v) | Reply::Yielded(v) | Reply::Returned(v) => Ok(v),
                Reply::Raised(e) => Err(Flow::Raise(e)),
            },
            other => other,
        }
    }

    /// Runs module code in `globals` to its end.
    pub async fn run_module(
        &self,
        code: Rc<crate::bytecode::Code>,
        globals: Rc<crate::object::module::Module>,
    ) -> PyResult {
        match self.ask(Request::RunModule { code, globals }).await {
            Reply::Value(v) | Reply::Yielded(v) | Reply::Returned(v) => Ok(v),
            Reply::Raised(e) => Err(Flow::Raise(e)),
        }
    }

    /// The script location that called this native, as `(file:line, source line)`.
    pub async fn caller_site(&self) -> Option<(String, String)> {
        match self.ask(Request::CallerSite).await {
            Reply::Value(Value::Tuple(t)) if t.items.len() == 2 => {
                Some((t.items[0].as_str()?.to_string(), t.items[1].as_str()?.to_string()))
            }
            _ => None,
        }
    }

    /// The recursion limit (`sys.getrecursionlimit()`), first set to `set` if given.
    pub async fn recursion_limit(&self, set: Option<usize>) -> PyResult<usize> {
        match self.ask(Request::RecursionLimit(set)).await {
            Reply::Value(Value::Int(n)) => Ok(n as usize),
            Reply::Raised(e) => Err(Flow::Raise(e)),
            _ => Ok(crate::vm::RECURSION_LIMIT),
        }
    }

    /// The exception the calling script code is handling, or None.
    pub async fn handling(&self) -> Value {
        match self.ask(Request::Handling).await {
            Reply::Value(v) => v,
            _ => Value::None,
        }
    }

    /// The names bound in the scope of the script code that called this native, unsorted.
    pub async fn caller_names(&self) -> PyResult<Vec<Value>> {
        match self.caller_locals().await? {
            Value::Dict(d) => Ok(d.keys()),
            _ => Ok(Vec::new()),
        }
    }

    /// The module whose globals the calling script code uses.
    pub async fn caller_globals(&self) -> PyResult<Rc<crate::object::module::Module>> {
        match self.caller_globals_at(0).await {
            Some(m) => Ok(m),
            None => Err(crate::runtime::exceptions::raise(ExcType::SystemError, "globals(): no calling frame")),
        }
    }

    /// The module whose globals the script frame `depth` frames out from the calling one
    /// uses (0: the caller itself), or None when the fiber has no frame that deep.
    pub async fn caller_globals_at(&self, depth: usize) -> Option<Rc<crate::object::module::Module>> {
        match self.ask(Request::CallerGlobals(depth)).await {
            Reply::Value(Value::Module(m)) => Some(m),
            _ => None,
        }
    }

    /// The namespace of the script code that called this native, as `locals()` returns it:
    /// the module's own dict for module code, a new dict for a function or class body.
    pub async fn caller_locals(&self) -> PyResult<Value> {
        match self.ask(Request::CallerLocals).await {
            Reply::Value(Value::Module(m)) => Ok(Value::Dict(m.dict())),
            Reply::Value(d @ Value::Dict(_)) => Ok(d),
            _ => Err(crate::runtime::exceptions::raise(ExcType::SystemError, "locals(): no calling frame")),
        }
    }

    /// The calling script frames, innermost first, as `(file, line, function, source line)`.
    pub async fn caller_stack(&self) -> Vec<Value> {
        match self.ask(Request::CallerStack).await {
            Reply::Value(Value::List(l)) => l.items.borrow().clone(),
            _ => Vec::new(),
        }
    }

    /// Runs a class body function, its names stored in `ns`.
    pub async fn run_class_body(
        &self,
        body: Rc<crate::object::function::Function>,
        ns: Rc<crate::object::dict::PyDict>,
    ) -> PyResult<()> {
        match self.ask(Request::ClassBody { body, ns }).await {
            Reply::Raised(e) => Err(Flow::Raise(e)),
            _ => Ok(()),
        }
    }

    pub(crate) fn take_request(&self) -> Option<Request> {
        self.0.borrow_mut().request.take()
    }

    pub(crate) fn set_reply(&self, reply: Reply) {
        self.0.borrow_mut().reply = Some(reply);
    }
}

fn gen_step(reply: Reply) -> PyResult<GenStep> {
    match reply {
        Reply::Value(v) | Reply::Yielded(v) => Ok(GenStep::Yielded(v)),
        Reply::Returned(v) => Ok(GenStep::Returned(v)),
        Reply::Raised(e) => Err(Flow::Raise(e)),
    }
}

/// A suspended native: its future and the context it talks to the VM through.
pub struct NativeFrame {
    pub ctx: Ctx,
    pub fut: Pin<Box<dyn Future<Output = PyResult>>>,
}

impl NativeFrame {
    /// Polls once; `None` means it is waiting on a request.
    pub fn poll(&mut self) -> Option<PyResult> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match self.fut.as_mut().poll(&mut cx) {
            Poll::Ready(r) => Some(r),
            Poll::Pending => None,
        }
    }
}

/// Runs async native code: polled once at once, so work that needs no script code finishes
/// here; otherwise it becomes a continuation for the VM (with its first request pending).
pub fn run_async<F, Fut>(f: F) -> PyResult
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = PyResult> + 'static,
{
    let ctx = Ctx::default();
    let mut frame = NativeFrame { fut: Box::pin(f(ctx.clone())), ctx };
    match frame.poll() {
        Some(r) => r,
        None => Err(Flow::Async(Box::new(frame))),
    }
}

thread_local! {
    /// The context `run_now` lends: code run that way never asks it for anything.
    static UNUSED_CTX: Ctx = Ctx::default();
}

/// Runs async native code that, on this path, needs no script code: it finishes in one poll,
/// with nothing allocated for a continuation. Use `run_async` when it may need script code.
pub fn run_now<F, Fut>(f: F) -> PyResult
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = PyResult>,
{
    let mut fut = std::pin::pin!(f(UNUSED_CTX.with(Ctx::clone)));
    let mut cx = Context::from_waker(std::task::Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(r) => r,
        Poll::Pending => {
            UNUSED_CTX.with(|c| c.take_request());
            Err(Flow::Raise(crate::runtime::exceptions::new_exception(
                crate::runtime::types().exc(ExcType::SystemError),
                vec![Value::str("native code needed script code where none can run")],
            )))
        }
    }
}
