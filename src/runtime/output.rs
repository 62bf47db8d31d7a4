//! The interpreter's standard output and error streams: buffered process streams, or memory
//! buffers when tests run scripts in-process.

use std::cell::RefCell;
use std::io::Write;

enum Sink {
    Process,
    Capture { out: Vec<u8>, err: Vec<u8> },
}

thread_local! {
    static SINK: RefCell<Sink> = const { RefCell::new(Sink::Process) };
    static STDOUT: RefCell<std::io::BufWriter<std::io::Stdout>> =
        RefCell::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
}

/// Writes to standard output. A closed pipe is not worth a traceback here: the output is
/// simply gone (file objects see the error through `write_bytes`).
pub fn write(s: &str) {
    let _ = write_bytes(s.as_bytes());
}

/// Writes bytes to standard output.
pub fn write_bytes(b: &[u8]) -> std::io::Result<()> {
    SINK.with(|sink| match &mut *sink.borrow_mut() {
        Sink::Process => STDOUT.with(|o| o.borrow_mut().write_all(b)),
        Sink::Capture { out, .. } => {
            out.extend_from_slice(b);
            Ok(())
        }
    })
}

/// Writes to standard error, after flushing standard output so the two interleave in order.
pub fn write_err(s: &str) {
    let _ = write_err_bytes(s.as_bytes());
}

/// Writes bytes to standard error (unbuffered, after flushing standard output).
pub fn write_err_bytes(b: &[u8]) -> std::io::Result<()> {
    SINK.with(|sink| match &mut *sink.borrow_mut() {
        Sink::Process => {
            STDOUT.with(|o| drop(o.borrow_mut().flush()));
            let mut err = std::io::stderr().lock();
            err.write_all(b)?;
            err.flush()
        }
        Sink::Capture { err, .. } => {
            err.extend_from_slice(b);
            Ok(())
        }
    })
}

/// Like `write_err`, but silent when the thread's streams are already gone (at thread exit).
pub fn try_write_err(s: &str) {
    let live = SINK.try_with(|_| ()).is_ok() && STDOUT.try_with(|_| ()).is_ok();
    if live {
        write_err(s);
    }
}

pub fn flush() {
    STDOUT.with(|o| drop(o.borrow_mut().flush()));
}

/// From now on, collect this thread's output in memory.
pub fn start_capture() {
    SINK.with(|s| *s.borrow_mut() = Sink::Capture { out: Vec::new(), err: Vec::new() });
}

/// Back to the process streams (dropping anything still collected).
pub fn stop_capture() {
    SINK.with(|s| *s.borrow_mut() = Sink::Process);
}

/// The (stdout, stderr) text collected since `start_capture`, leaving the buffers empty.
pub fn take_capture() -> (String, String) {
    SINK.with(|s| match &mut *s.borrow_mut() {
        Sink::Capture { out, err } => (
            String::from_utf8_lossy(&std::mem::take(out)).into_owned(),
            String::from_utf8_lossy(&std::mem::take(err)).into_owned(),
        ),
        Sink::Process => (String::new(), String::new()),
    })
}
