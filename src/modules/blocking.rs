//! Blocking calls made while an event loop runs (`time.sleep`, `requests.get`) stall every
//! task. CPython says nothing; coro warns once per call site, naming the non-blocking call.

use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::collections::HashSet;

thread_local! {
    static WARNED: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Runs `work`; first, if an event loop with tasks is running, warns (once per call site) that
/// `what` blocks it and that `instead` does not. (A loop without tasks, such as the REPL's
/// between `create_task` calls, has nobody to keep waiting.)
pub fn blocking_call(what: &'static str, instead: &'static str, work: impl FnOnce() -> PyResult + 'static) -> PyResult {
    let running = crate::modules::asyncio::state(|s| s.running_loop.clone());
    if !running.is_some_and(|lp| crate::modules::asyncio::has_pending_tasks(&lp)) {
        return work();
    }
    run_async(|ctx| async move {
        if let Some((site, source)) = ctx.caller_site().await {
            let first = WARNED.with(|w| w.borrow_mut().insert(site.clone()));
            if first {
                crate::runtime::output::write_err(&format!(
                    "{}: warning: {} blocks the event loop; every task waits. Use {} instead.\n    {}\n",
                    site, what, instead, source
                ));
            }
        }
        work()
    })
}
