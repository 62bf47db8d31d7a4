//! Futures completed by work outside the interpreter: how a Rust host (or a library module)
//! gives a script something to `await` whose result another thread or a timer produces.
//! Only plain `Send` data crosses threads; `finish` turns it into a value on the
//! interpreter's thread when it arrives (see `runtime::completions`).

use crate::runtime::completions::{self, Completer};
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{exc_of, PyResult};

/// A pending Future on the current loop and the `Completer` that finishes it from any
/// thread: `finish` makes its result (or exception) from what the completer sends.
pub fn completable_future<T: Send + 'static>(finish: impl FnOnce(T) -> PyResult + 'static) -> (Value, Completer) {
    let fut = super::new_pending_future();
    let (target, watched) = (fut.clone(), fut.clone());
    let completer = completions::expect(
        move |payload| {
            // A cancelled wait is over: its result is not wanted.
            if !super::future_pending(&target) {
                return;
            }
            let r = match payload.downcast::<T>() {
                Ok(data) => finish(*data).map_err(exc_of),
                Err(_) => Err(exc_of(crate::runtime::exceptions::raise(
                    ExcType::SystemError,
                    "a completion sent data of the wrong type",
                ))),
            };
            super::resolve_future(&target, r);
        },
        move || super::future_pending(&watched),
    );
    (fut, completer)
}

/// A Future for `work` run on a new thread; `finish` makes its result from what `work`
/// returns. Several such futures awaited together (`asyncio.gather`) run at the same time.
pub fn thread_future<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    finish: impl FnOnce(T) -> PyResult + 'static,
) -> Value {
    let (fut, completer) = completable_future(finish);
    std::thread::spawn(move || completer.complete(work()));
    fut
}
