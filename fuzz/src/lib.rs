//! What the fuzz targets share: inputs run on one long-lived thread with the stack the
//! `coro` command gives the interpreter (256 MiB), so that a deep input fails as it would
//! there; a panic on that thread aborts the process, which libFuzzer reports as a crash.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// Runs `job` on the interpreter thread and waits for it.
pub fn on_interpreter_thread(job: impl FnOnce() + Send + 'static) {
    static WORKER: OnceLock<Mutex<Sender<(Job, Sender<()>)>>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (tx, rx) = channel::<(Job, Sender<()>)>();
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                coro::runtime::output::start_capture();
                for (job, done) in rx {
                    job();
                    // Output is thrown away, so that it does not pile up.
                    let _ = coro::runtime::output::take_capture();
                    let _ = done.send(());
                }
            })
            .expect("spawn the interpreter thread");
        Mutex::new(tx)
    });
    let (done_tx, done_rx) = channel();
    worker.lock().expect("worker").send((Box::new(job), done_tx)).expect("worker alive");
    done_rx.recv().expect("the job ran");
}

/// The input as source text, decoded as a script file is.
pub fn source(data: &[u8]) -> Option<String> {
    coro::source_text::decode(data, "<fuzz>").ok()
}
