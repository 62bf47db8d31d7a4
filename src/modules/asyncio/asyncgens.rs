//! What CPython's event loop does through its async generator hooks: an async generator
//! that starts while a loop runs is closed by that loop, with an `aclose()` task, when it
//! is dropped unfinished or when `asyncio.run` shuts down.

use super::{event_loop, state, task, try_state};
use crate::modules::async_generators::aclose;
use crate::modules::builtins::native;
use crate::object::{GenState, Generator};
use crate::runtime::exceptions::is_instance_of;
use crate::runtime::protocol::{make_dict, repr};
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::{Flow, PyResult};
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

/// `asyncio.run`'s `shutdown_asyncgens()`: closes every async generator the loop saw start
/// that is still unfinished, one task each, and reports those that fail to close.
pub async fn shutdown_asyncgens(ctx: &Ctx, lp: &Value) -> PyResult<()> {
    let agens: Vec<Rc<Generator>> = {
        let mut ld = event_loop::data_of(lp).expect("loop");
        std::mem::take(&mut ld.asyncgens).iter().filter_map(std::rc::Weak::upgrade).collect()
    };
    let agens: Vec<Rc<Generator>> = agens.into_iter().filter(|g| g.state.get() != GenState::Finished).collect();
    let mut tasks = Vec::with_capacity(agens.len());
    for gen in &agens {
        let aclose = aclose(gen.clone());
        tasks.push(task::create_task(lp, aclose, None)?);
    }
    for (task, gen) in tasks.into_iter().zip(agens) {
        if let Err(Flow::Raise(e)) = event_loop::run_until_complete(ctx, lp, task).await {
            if !is_instance_of(&e, "Exception") {
                return Err(Flow::Raise(e));
            }
            let shown = repr(ctx, &Value::Generator(gen.clone())).await?;
            let context = make_dict(vec![
                Value::str("message"),
                Value::str(format!("an error occurred during closing of asynchronous generator {}", shown)),
                Value::str("exception"),
                Value::Instance(e),
                Value::str("asyncgen"),
                Value::Generator(gen),
            ]);
            let context = ctx.resolve(context).await?;
            event_loop::call_exception_handler(ctx, lp, context).await?;
        }
    }
    Ok(())
}
