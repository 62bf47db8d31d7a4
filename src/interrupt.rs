//! Ctrl-C and wake-ups. A SIGINT handler (installed by the REPL) calls `request`; the VM
//! checks for it when it refuels its step countdown (see `limits`) and at each event loop
//! step, and raises `KeyboardInterrupt`. The interpreter's sleeps (`time.sleep`, the event
//! loop's wait for its next timer) end early on an interrupt, a `wake` from another thread,
//! or the run's deadline.

use crate::runtime::exceptions::new_exception;
use crate::runtime::ExcType;
use crate::vm::Flow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

static PENDING: AtomicBool = AtomicBool::new(false);
/// Set by `wake` (and `request`), consumed by the `sleep` it ends.
static WOKEN: Mutex<bool> = Mutex::new(false);
static BELL: Condvar = Condvar::new();

/// Asks the interpreter to raise `KeyboardInterrupt` (from a signal handler's thread).
pub fn request() {
    PENDING.store(true, Ordering::Relaxed);
    wake();
}

/// Whether an interrupt waits to be raised, or the run is past its deadline.
pub fn pending() -> bool {
    PENDING.load(Ordering::Relaxed) || crate::limits::expired()
}

/// Forgets an interrupt that arrived while nothing was running.
pub fn clear() {
    PENDING.store(false, Ordering::Relaxed);
}

/// Consumes the pending interrupt as a `KeyboardInterrupt` to raise.
fn raise() -> Flow {
    clear();
    Flow::Raise(new_exception(crate::runtime::types().exc(ExcType::KeyboardInterrupt), Vec::new()))
}

/// `Err(KeyboardInterrupt)` if an interrupt is pending.
pub fn check_interrupt() -> Result<(), Flow> {
    if PENDING.load(Ordering::Relaxed) {
        return Err(raise());
    }
    Ok(())
}

/// `Err` if an interrupt is pending (`KeyboardInterrupt`) or the run is past a limit.
pub fn check() -> Result<(), Flow> {
    check_interrupt()?;
    crate::limits::check()
}

/// Ends the interpreter's current (or next) `sleep` early, from any thread.
pub fn wake() {
    if let Ok(mut woken) = WOKEN.lock() {
        *woken = true;
        BELL.notify_all();
    }
}

/// Sleeps for `limit` (forever if None), or until an interrupt, a `wake` or the run's
/// deadline.
pub fn sleep(limit: Option<Duration>) {
    let limit = match (limit, crate::limits::time_left()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let deadline = limit.and_then(|d| Instant::now().checked_add(d));
    let Ok(mut woken) = WOKEN.lock() else { return };
    while !*woken && !pending() {
        woken = match deadline {
            None => match BELL.wait(woken) {
                Ok(w) => w,
                Err(_) => return,
            },
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                match BELL.wait_timeout(woken, left) {
                    Ok((w, _)) => w,
                    Err(_) => return,
                }
            }
        };
    }
    *woken = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wake_from_another_thread_ends_a_sleep() {
        let t = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            wake();
        });
        let start = Instant::now();
        sleep(Some(Duration::from_secs(10)));
        assert!(start.elapsed() < Duration::from_secs(5));
        t.join().expect("waker");
    }
}
