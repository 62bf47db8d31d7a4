//! `asyncio.sleep(delay, result)` as a native awaitable. A task's sleep needs no Future: it
//! yields itself (`Requested`), and the task stepping it puts itself on the timer heap
//! (`Timer`). A Future is made only when something other than a task receives the yield.

use super::future::{self, FutKind};
use super::{cancelled_error, event_loop, get_event_loop, loop_data};
use crate::runtime::coroutine::{with_awaitable, with_awaitable_in, AwaitCell, AwaitStep, Awaitable};
use crate::runtime::define::native;
use crate::runtime::exceptions::runtime_error;
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::{Flow, PyResult};
use std::any::Any;
use std::cell::RefCell;

/// Where a sleep stands.
#[derive(Clone)]
pub enum SleepState {
    /// Not stepped yet.
    New,
    /// `sleep(0)` yielded its one bare `yield`.
    Yielded,
    /// Yielded itself, asking whoever steps the coroutine for a timer.
    Requested,
    /// A task waits on its timer.
    Timer,
    /// The timer fired: the task is scheduled to resume.
    Done,
    /// The waiting task was cancelled.
    Cancelled,
    /// Stands for this timer future (made for a script that drives the coroutine itself).
    Future(Value),
}

pub struct SleepWait {
    pub delay: f64,
    result: Value,
    pub state: RefCell<SleepState>,
}

impl SleepWait {
    pub fn new(delay: f64, result: Value) -> SleepWait {
        SleepWait { delay, result, state: RefCell::new(SleepState::New) }
    }
}

impl Awaitable for SleepWait {
    fn step(&self, this: &AwaitCell, _sent: Value) -> AwaitStep {
        let mut state = self.state.borrow_mut();
        match &*state {
            SleepState::New if self.delay <= 0.0 => {
                // sleep(0) yields once to let every other ready task run.
                *state = SleepState::Yielded;
                AwaitStep::Yield(Value::None)
            }
            SleepState::New => {
                // The task stepping this puts itself on the timer heap (see `task::step`).
                *state = SleepState::Requested;
                AwaitStep::Yield(Value::Iter(this.clone()))
            }
            SleepState::Yielded | SleepState::Done => AwaitStep::Return(self.result.clone()),
            SleepState::Cancelled => AwaitStep::Raise(Flow::Raise(cancelled_error(Value::None))),
            SleepState::Requested | SleepState::Timer => {
                AwaitStep::Raise(runtime_error("await wasn't used with future"))
            }
            SleepState::Future(f) => super::future_outcome(f),
        }
    }

    /// A script driving the coroutine by hand sees the timer future CPython's sleep yields.
    fn shown_to_script(&self) -> Option<Value> {
        let mut state = self.state.borrow_mut();
        if !matches!(*state, SleepState::Requested) {
            return None;
        }
        let lp = get_event_loop();
        let class = super::state(|s| s.future_class.clone());
        let f = future::new_future(&class, lp.clone(), FutKind::Plain);
        let when = event_loop::now(&loop_data(&lp).expect("loop")) + self.delay;
        let setter = SET_RESULT_UNLESS_CANCELLED.with(Value::clone);
        event_loop::call_at(&lp, when, setter, vec![f.clone(), self.result.clone()]);
        *state = SleepState::Future(f.clone());
        Some(f)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

thread_local! {
    /// The timer callback of `sleep`: completes its future unless it was cancelled.
    static SET_RESULT_UNLESS_CANCELLED: Value = native("_set_result_unless_cancelled", |a| {
        if super::future_pending(&a.pos[0]) {
            future::set_result(&a.pos[0], a.pos[1].clone())?;
        }
        Ok(Value::None)
    });
}

/// The state of the sleep `v` is, if it is one.
pub fn sleep_state(v: &Value) -> Option<SleepState> {
    with_awaitable(v, |s: &SleepWait| s.state.borrow().clone())
}

/// The state of the sleep in `cell`, if it holds one.
pub fn sleep_state_in(cell: &AwaitCell) -> Option<SleepState> {
    with_awaitable_in(cell, |s: &SleepWait| s.state.borrow().clone())
}

/// Moves the sleep in `cell` from state `from` (compared by kind) to `to`; false if it is
/// no sleep or not in that state.
pub fn advance(cell: &AwaitCell, from: fn(&SleepState) -> bool, to: SleepState) -> bool {
    with_awaitable_in(cell, |s: &SleepWait| {
        let mut state = s.state.borrow_mut();
        if from(&state) {
            *state = to;
            true
        } else {
            false
        }
    })
    .unwrap_or(false)
}

/// How a task's sleep shows as the future it waits for (`wait_for=` in a Task repr).
pub async fn future_repr(ctx: &Ctx, cell: &AwaitCell) -> PyResult<String> {
    let shown = with_awaitable_in(cell, |s: &SleepWait| (s.state.borrow().clone(), s.result.clone()));
    let result = match shown {
        Some((SleepState::Cancelled, _)) => return Ok("<Future cancelled>".into()),
        Some((SleepState::Done, result)) => result,
        _ => return Ok("<Future pending cb=[Task.task_wakeup()]>".into()),
    };
    let shown = crate::runtime::protocol::repr(ctx, &result).await?;
    Ok(format!("<Future finished result={}>", future::short_repr(&shown)))
}
