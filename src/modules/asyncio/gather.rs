//! `asyncio.gather`, natively: CPython's `tasks.gather` step for step (the same futures,
//! callbacks and checks in the same order), with the per-child done-callback as a loop entry
//! instead of a closure call.

use super::future::{self, data, Callback, FutKind, FutState};
use super::{cancelled_error, ensure_future, get_event_loop, state};
use crate::object::function::Args;
use crate::runtime::args::{kwarg, ArgSpec};
use crate::value::Value;
use crate::vm::{Exc, PyResult};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// What gather()'s done-callback closes over in CPython.
pub struct GatherState {
    /// The `_GatheringFuture`, until it is done (it and this state refer to each other).
    outer: RefCell<Option<Value>>,
    /// The children in argument order (repeats included), until the outer future is done.
    children: RefCell<Vec<Value>>,
    nfuts: Cell<usize>,
    nfinished: Cell<usize>,
    return_exceptions: bool,
    /// `_GatheringFuture._cancel_requested`.
    cancel_requested: Cell<bool>,
}

impl GatherState {
    /// The outer future is done: drop the references that kept it and the children alive.
    pub fn finished(&self) {
        self.outer.take();
        self.children.take();
    }
}

thread_local! {
    /// How the done-callback shows when a script gets hold of it (a loop's error report).
    static DONE_CALLBACK: Value = crate::runtime::define::native("_done_callback", |_| Ok(Value::None));
}

pub fn callback_value() -> Value {
    DONE_CALLBACK.with(Value::clone)
}

/// `gather(*coros_or_futures, return_exceptions=False)`.
pub fn gather(a: &Args) -> PyResult {
    ArgSpec::new("gather").keywords(&["return_exceptions"]).check(a)?;
    let return_exceptions = kwarg(a, "return_exceptions").is_some_and(|v| crate::vm::ops::truthy(&v).unwrap_or(true));
    if a.pos.is_empty() {
        let class = state(|s| s.future_class.clone());
        let outer = future::new_future(&class, get_event_loop(), FutKind::Plain);
        future::set_result(&outer, Value::list(Vec::new()))?;
        return Ok(outer);
    }
    let st = Rc::new(GatherState {
        outer: RefCell::new(None),
        children: RefCell::new(Vec::new()),
        nfuts: Cell::new(0),
        nfinished: Cell::new(0),
        return_exceptions,
        cancel_requested: Cell::new(false),
    });
    let mut by_arg: HashMap<usize, Value> = HashMap::new();
    let mut children = Vec::with_capacity(a.pos.len());
    let mut event_loop: Option<Value> = None;
    for arg in a.pos {
        let key = arg.heap_ptr();
        if let Some(fut) = key.and_then(|k| by_arg.get(&k)) {
            children.push(fut.clone());
            continue;
        }
        let lp = event_loop.clone().unwrap_or_else(get_event_loop);
        let fut = ensure_future(&lp, arg.clone())?;
        if event_loop.is_none() {
            event_loop = Some(data(&fut).expect("future").event_loop.clone());
        }
        st.nfuts.set(st.nfuts.get() + 1);
        if let Some(k) = key {
            by_arg.insert(k, fut.clone());
        }
        future::add_done_callback(&fut, Callback::Gather(st.clone()));
        children.push(fut);
    }
    let class = state(|s| s.gathering_future_class.clone());
    let outer = future::new_future(&class, event_loop.expect("a child's loop"), FutKind::Gather(st.clone()));
    *st.children.borrow_mut() = children;
    *st.outer.borrow_mut() = Some(outer.clone());
    Ok(outer)
}

fn is_cancelled(fut: &Value) -> bool {
    data(fut).is_some_and(|d| d.state == FutState::Cancelled)
}

/// `fut.exception()` of a done, not cancelled future (which marks it retrieved).
fn exception_of(fut: &Value) -> PyResult<Option<Exc>> {
    let mut d = data(fut).expect("future");
    if d.state == FutState::Pending {
        return Err(super::errors::invalid_state("Exception is not set."));
    }
    d.unretrieved = false;
    Ok(d.exception.clone())
}

/// `fut._make_cancelled_error()`.
fn cancelled_error_of(fut: &Value) -> Exc {
    cancelled_error(data(fut).expect("future").cancel_msg.clone())
}

/// `_done_callback(fut)`: a child is done.
pub fn child_done(st: &GatherState, fut: &Value) -> PyResult<()> {
    st.nfinished.set(st.nfinished.get() + 1);
    let outer = st.outer.borrow().clone();
    let Some(outer) = outer.filter(super::future_pending) else {
        if !is_cancelled(fut) {
            exception_of(fut)?;
        }
        return Ok(());
    };
    if !st.return_exceptions {
        if is_cancelled(fut) {
            return future::set_exception(&outer, cancelled_error_of(fut));
        }
        if let Some(e) = exception_of(fut)? {
            return future::set_exception(&outer, e);
        }
    }
    if st.nfinished.get() == st.nfuts.get() {
        let children = st.children.borrow().clone();
        let mut results = Vec::with_capacity(children.len());
        for f in &children {
            let res = if is_cancelled(f) {
                let msg = data(f).expect("future").cancel_msg.clone();
                Value::Instance(cancelled_error(if msg.is_none() { Value::str("") } else { msg }))
            } else {
                match exception_of(f)? {
                    Some(e) => Value::Instance(e),
                    None => future::result(f)?,
                }
            };
            results.push(res);
        }
        if st.cancel_requested.get() {
            // CPython's loop variable: the error is made from the last child.
            let last = children.last().expect("a child");
            return future::set_exception(&outer, cancelled_error_of(last));
        }
        return future::set_result(&outer, Value::list(results));
    }
    Ok(())
}

/// `_GatheringFuture.cancel(msg)`: cancels the children; the outer future completes when
/// they do.
pub fn cancel(outer: &Value, st: &GatherState, msg: Value) -> PyResult<bool> {
    if !super::future_pending(outer) {
        return Ok(false);
    }
    let children = st.children.borrow().clone();
    let mut ret = false;
    for child in &children {
        if future::cancel(child, msg.clone())? {
            ret = true;
        }
    }
    if ret {
        st.cancel_requested.set(true);
    }
    Ok(ret)
}
