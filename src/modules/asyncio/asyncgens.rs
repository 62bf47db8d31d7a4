//! What CPython's event loop does through its async generator hooks: an async generator
//! that starts while a loop runs is closed by that loop, with an `aclose()` task, when it
//! is dropped unfinished, or when `loop.shutdown_asyncgens()` runs (as `asyncio.run` does
//! at its end; the coroutine is lib.coro's `_shutdown_asyncgens`).

use super::{event_loop, state, task, try_state};
use crate::object::function::Args;
use crate::object::{GenState, Generator};
use crate::runtime::args::check_args;
use crate::runtime::coroutine::async_generators::aclose;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

/// The first step of an async generator made while a loop runs: the loop will close it
/// if it is dropped unfinished, or is still unfinished when `asyncio.run` ends.
pub fn hook_to_running_loop(gen: &Rc<Generator>) {
    let Some(lp) = state(|s| s.running_loop.clone()) else { return };
    let Some(mut ld) = event_loop::data_of(&lp) else { return };
    gen.loop_hooked.set(true);
    if ld.asyncgens.len() == ld.asyncgens.capacity() {
        ld.asyncgens.retain(|g| g.strong_count() > 0);
    }
    ld.asyncgens.push(Rc::downgrade(gen));
}

/// An async generator the loop knows of was dropped unfinished (`gen` has its frames): as
/// CPython's loop does, schedule a task that closes it.
pub fn finalize(gen: Generator) {
    let Some(Some(lp)) = try_state(|s| s.running_loop.clone().or_else(|| s.current_loop.clone())) else {
        return;
    };
    let aclose = aclose(Rc::new(gen));
    let create_task = native("create_task", |a| task::create_task(&super::get_event_loop(), a.pos[0].clone(), None));
    event_loop::try_call_soon(&lp, create_task, vec![aclose]);
}

/// `_take_asyncgens(loop)`: the async generators the loop saw start that are still
/// unfinished, for lib.coro's `_shutdown_asyncgens` to close; the loop forgets them all.
pub fn take_asyncgens(a: &Args) -> PyResult {
    check_args(a, "_take_asyncgens", 1, 1)?;
    let mut ld = event_loop::data_of(&a.pos[0]).ok_or_else(|| type_error("_take_asyncgens() expects a loop"))?;
    let agens = std::mem::take(&mut ld.asyncgens)
        .iter()
        .filter_map(std::rc::Weak::upgrade)
        .filter(|g| g.state.get() != GenState::Finished)
        .map(Value::Generator)
        .collect();
    Ok(Value::list(agens))
}
