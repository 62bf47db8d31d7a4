//! Work that finishes on other threads: HTTP requests on the worker pool, a host's blocking
//! calls. Only plain data crosses threads. The interpreter thread registers what it expects
//! (`expect`), hands the `Completer` to the other thread, and the completion comes back on
//! this thread's channel, which the event loop drains, and waits on when nothing else is
//! ready. What a completion does on arrival (resolve a future) is the closure given to
//! `expect`: this layer knows nothing of futures.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// What another thread sends back: any plain (`Send`) data.
pub type Payload = Box<dyn Any + Send>;

/// The other thread's end: completes one expected piece of work, once.
pub struct Completer {
    id: u64,
    tx: Sender<(u64, Payload)>,
}

impl Completer {
    /// Sends the result back to the interpreter thread. A completion that arrives after the
    /// interpreter is gone is dropped.
    pub fn complete<T: Any + Send>(self, value: T) {
        let _ = self.tx.send((self.id, Box::new(value)));
    }
}

struct Expected {
    /// Runs on the interpreter thread when the payload arrives.
    on_done: Box<dyn FnOnce(Payload)>,
    /// Whether anyone still waits for it (a cancelled wait does not keep the loop alive).
    wanted: Box<dyn Fn() -> bool>,
}

struct Local {
    tx: Sender<(u64, Payload)>,
    rx: Receiver<(u64, Payload)>,
    expected: HashMap<u64, Expected>,
    next_id: u64,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new({
        let (tx, rx) = mpsc::channel();
        Local { tx, rx, expected: HashMap::new(), next_id: 0 }
    });
}

/// Registers work that will finish elsewhere; `on_done` gets its payload on this thread.
pub fn expect(on_done: impl FnOnce(Payload) + 'static, wanted: impl Fn() -> bool + 'static) -> Completer {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.next_id += 1;
        let id = l.next_id;
        l.expected.insert(id, Expected { on_done: Box::new(on_done), wanted: Box::new(wanted) });
        Completer { id, tx: l.tx.clone() }
    })
}

/// Forgets an expectation whose work could not be started.
pub fn cancel(c: Completer) {
    LOCAL.with(|l| l.borrow_mut().expected.remove(&c.id));
}

/// Whether some work someone still waits for is unfinished.
pub fn pending() -> bool {
    LOCAL.with(|l| l.borrow().expected.values().any(|e| (e.wanted)()))
}

fn arrived(id: u64, payload: Payload) {
    // The closure runs with the table released: it may expect more work.
    let found = LOCAL.with(|l| l.borrow_mut().expected.remove(&id));
    if let Some(e) = found {
        (e.on_done)(payload);
    }
}

/// Runs the completions that have arrived, without blocking; true if there were any.
pub fn drain() -> bool {
    let mut any = false;
    while let Some((id, payload)) = LOCAL.with(|l| l.borrow().rx.try_recv().ok()) {
        arrived(id, payload);
        any = true;
    }
    any
}

/// Blocks until a completion arrives (or `limit` passes), then runs what has arrived.
pub fn wait(limit: Option<Duration>) {
    let got = LOCAL.with(|l| {
        let l = l.borrow();
        match limit {
            Some(d) => match l.rx.recv_timeout(d) {
                Ok(x) => Some(x),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
            },
            None => l.rx.recv().ok(),
        }
    });
    if let Some((id, payload)) = got {
        arrived(id, payload);
    }
    drain();
}
