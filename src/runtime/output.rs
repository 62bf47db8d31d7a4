//! Standard output for `print`: buffered, or captured in memory when tests run scripts
//! in-process.

use std::cell::RefCell;
use std::io::Write;

enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    Capture(Vec<u8>),
}

thread_local! {
    static OUT: RefCell<Sink> = RefCell::new(Sink::Stdout(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())));
}

pub fn write(s: &str) {
    OUT.with(|o| match &mut *o.borrow_mut() {
        Sink::Stdout(w) => {
            // A closed pipe is not an error worth a traceback; the output is simply gone.
            let _ = w.write_all(s.as_bytes());
        }
        Sink::Capture(buf) => buf.extend_from_slice(s.as_bytes()),
    });
}

pub fn flush() {
    OUT.with(|o| {
        if let Sink::Stdout(w) = &mut *o.borrow_mut() {
            let _ = w.flush();
        }
    });
}

/// From now on, collect output in memory on this thread.
pub fn start_capture() {
    OUT.with(|o| *o.borrow_mut() = Sink::Capture(Vec::new()));
}

/// The output collected since `start_capture`, leaving the capture empty.
pub fn take_capture() -> String {
    OUT.with(|o| match &mut *o.borrow_mut() {
        Sink::Capture(buf) => String::from_utf8_lossy(&std::mem::take(buf)).into_owned(),
        Sink::Stdout(_) => String::new(),
    })
}
