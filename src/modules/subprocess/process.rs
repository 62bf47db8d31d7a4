//! `_subprocess.Process`: a running program, its pipes, and waiting for it.
//!
//! `communicate` drains stdout and stderr on threads (so neither pipe can fill and stall the
//! program) while it feeds stdin on a third; if it times out the threads keep going, and the
//! next `communicate` picks up what they read.

use crate::modules::classes::{add_properties, native_class};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::args::check_args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::os_error::from_io;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdin, Stdio};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Where a child's stream goes: CPython's `PIPE` (-1), `STDOUT` (-2, stderr only),
/// `DEVNULL` (-3), a file descriptor, or the interpreter's own stream (None).
pub enum Redirect {
    Inherit,
    Pipe,
    Stdout,
    Null,
    Fd(i32),
}

impl Redirect {
    pub fn from_value(v: &Value) -> PyResult<Redirect> {
        Ok(match v {
            Value::None => Redirect::Inherit,
            Value::Int(-1) => Redirect::Pipe,
            Value::Int(-2) => Redirect::Stdout,
            Value::Int(-3) => Redirect::Null,
            Value::Int(fd) if *fd >= 0 && *fd <= i32::MAX as i64 => Redirect::Fd(*fd as i32),
            Value::Int(_) => return Err(value_error("bad file descriptor")),
            other => return Err(type_error(format!("bad redirection: {}", type_name(other)))),
        })
    }

    /// The `Stdio` for stdin or stdout.
    fn stdio(&self) -> PyResult<Stdio> {
        Ok(match self {
            Redirect::Inherit => Stdio::inherit(),
            Redirect::Pipe => Stdio::piped(),
            Redirect::Null => Stdio::null(),
            Redirect::Fd(fd) => Stdio::from(duplicate(*fd)?),
            Redirect::Stdout => return Err(value_error("STDOUT is only valid for stderr")),
        })
    }
}

/// The child's stdin, stdout and stderr, and for `stderr=STDOUT` with `stdout=PIPE` the read
/// end of the one pipe both write to (which `Command` cannot set up by itself).
pub fn streams(
    stdin: &Redirect,
    stdout: &Redirect,
    stderr: &Redirect,
) -> PyResult<(Stdio, Stdio, Stdio, Option<File>)> {
    let Redirect::Stdout = stderr else {
        return Ok((stdin.stdio()?, stdout.stdio()?, stderr.stdio()?, None));
    };
    Ok(match stdout {
        Redirect::Pipe => {
            let mut fds = [0; 2];
            // SAFETY: `pipe2` writes two descriptors into the array it is given.
            if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
                return Err(from_io(&std::io::Error::last_os_error(), None));
            }
            // SAFETY: `pipe2` succeeded, so both are fresh descriptors that nothing else owns.
            let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
            let write2 = write.try_clone().map_err(|e| from_io(&e, None))?;
            (stdin.stdio()?, Stdio::from(write), Stdio::from(write2), Some(File::from(read)))
        }
        Redirect::Inherit => (stdin.stdio()?, Stdio::inherit(), Stdio::from(duplicate(1)?), None),
        Redirect::Null => (stdin.stdio()?, Stdio::null(), Stdio::null(), None),
        Redirect::Fd(fd) => (stdin.stdio()?, Stdio::from(duplicate(*fd)?), Stdio::from(duplicate(*fd)?), None),
        Redirect::Stdout => return Err(value_error("STDOUT is only valid for stderr")),
    })
}

/// A descriptor of our own for `fd`, so the child's copy closes without closing the script's.
fn duplicate(fd: i32) -> PyResult<OwnedFd> {
    // SAFETY: `dup` only reads the descriptor table; it reports a closed `fd` as an error.
    let copy = unsafe { libc::dup(fd) };
    if copy < 0 {
        return Err(from_io(&std::io::Error::last_os_error(), None));
    }
    // SAFETY: `copy` is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

/// One of the child's output streams.
enum Output {
    /// Not a pipe, or closed.
    Absent,
    /// A pipe the script reads itself (`proc.stdout.read()`).
    Reader(BufReader<Box<dyn Read + Send>>),
    /// A pipe a thread drains for `communicate`.
    Draining { data: Arc<Mutex<Vec<u8>>>, thread: Option<JoinHandle<()>> },
}

impl Output {
    fn new(stream: Option<Box<dyn Read + Send>>) -> Output {
        stream.map_or(Output::Absent, |s| Output::Reader(BufReader::new(s)))
    }

    /// Starts draining a pipe the script has not read to its end.
    fn drain(&mut self) {
        if let Output::Reader(_) = self {
            let Output::Reader(mut reader) = std::mem::replace(self, Output::Absent) else { return };
            let data = Arc::new(Mutex::new(Vec::new()));
            let sink = data.clone();
            let thread = std::thread::spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n @ 1..) = reader.read(&mut chunk) {
                    if let Ok(mut d) = sink.lock() {
                        d.extend_from_slice(&chunk[..n]);
                    }
                }
            });
            *self = Output::Draining { data, thread: Some(thread) };
        }
    }

    fn drained(&self) -> bool {
        match self {
            Output::Draining { thread: Some(t), .. } => t.is_finished(),
            _ => true,
        }
    }

    /// What a finished drain read (None if the stream is no pipe).
    fn take(&mut self) -> Option<Vec<u8>> {
        match std::mem::replace(self, Output::Absent) {
            Output::Draining { data, thread } => {
                if let Some(t) = thread {
                    let _ = t.join();
                }
                let bytes = data.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
                Some(bytes)
            }
            _ => None,
        }
    }
}

pub struct Process {
    child: Child,
    returncode: Option<i64>,
    stdin: Option<ChildStdin>,
    stdout: Output,
    stderr: Output,
    feeder: Option<JoinHandle<()>>,
}

impl Process {
    /// The process of a started `child`; `merged` is the pipe its stdout and stderr share.
    pub fn new(mut child: Child, merged: Option<File>) -> Process {
        let stdout = match merged {
            Some(pipe) => Output::new(Some(Box::new(pipe))),
            None => Output::new(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>)),
        };
        let stderr = Output::new(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
        Process { stdin: child.stdin.take(), child, returncode: None, stdout, stderr, feeder: None }
    }

    /// The exit status if the program has ended: its code, or minus the signal that ended it.
    fn poll(&mut self) -> PyResult<Option<i64>> {
        if self.returncode.is_none() {
            if let Some(status) = self.child.try_wait().map_err(|e| from_io(&e, None))? {
                self.returncode = Some(status.code().map_or_else(|| -(status.signal().unwrap_or(0) as i64), i64::from));
            }
        }
        Ok(self.returncode)
    }

    fn output(&mut self, which: i64) -> PyResult<&mut Output> {
        match which {
            1 => Ok(&mut self.stdout),
            2 => Ok(&mut self.stderr),
            _ => Err(value_error("no such stream")),
        }
    }
}

/// Polls `done` until it holds (true) or `timeout` seconds pass (false), raising on Ctrl-C
/// or the run's deadline.
fn wait_until(timeout: &Value, mut done: impl FnMut() -> PyResult<bool>) -> PyResult<bool> {
    let deadline = match timeout {
        Value::None => None,
        Value::Float(secs) if !secs.is_nan() => Instant::now().checked_add(Duration::from_secs_f64(secs.max(0.0))),
        v => return Err(type_error(format!("timeout must be a float, not {}", type_name(v)))),
    };
    let mut pause = Duration::from_micros(50);
    loop {
        if done()? {
            return Ok(true);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(false);
        }
        crate::interrupt::check()?;
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

fn with<T>(a: &Args, f: impl FnOnce(&mut Process) -> PyResult<T>) -> PyResult<T> {
    match a.pos.first() {
        Some(Value::Instance(inst)) => match inst.native::<Process>() {
            Some(mut p) => f(&mut p),
            None => Err(type_error("descriptor requires a _subprocess.Process object")),
        },
        _ => Err(type_error("descriptor requires a _subprocess.Process object")),
    }
}

fn optional_int(v: Option<i64>) -> Value {
    v.map_or(Value::None, Value::Int)
}

fn bytes_arg(v: &Value) -> PyResult<Vec<u8>> {
    crate::object::buffer::buffer(v)
        .ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

pub fn process_class() -> Rc<Class> {
    let class = native_class("_subprocess", "Process");
    if !class.attrs.borrow().is_empty() {
        return class;
    }
    add_properties(&class, &[("pid", |a| with(a, |p| Ok(Value::Int(p.child.id() as i64))))]);
    method(&class, "poll", |a| with(a, |p| Ok(optional_int(p.poll()?))));
    method(&class, "wait", |a| {
        check_args(a, "wait", 2, 2)?;
        with(a, |p| {
            let ended = wait_until(&a.pos[1], || Ok(p.poll()?.is_some()))?;
            Ok(if ended { optional_int(p.returncode) } else { Value::None })
        })
    });
    method(&class, "communicate", communicate);
    // `read(which, size, raw)`: up to `size` bytes (all with -1); `raw` (an unbuffered
    // pipe) returns what one read gives, as a raw file does, instead of waiting for `size`.
    method(&class, "read", |a| {
        check_args(a, "read", 4, 4)?;
        let size = match a.pos[2] {
            Value::Int(n) => n,
            _ => -1,
        };
        let raw = matches!(a.pos[3], Value::Bool(true));
        with(a, |p| {
            let Output::Reader(r) = p.output(crate::api::int_arg(a, 1, "read")?)? else {
                return Err(value_error("I/O operation on closed file."));
            };
            let mut out = Vec::new();
            let result = match (size, raw) {
                (..0, _) => r.read_to_end(&mut out).map(drop),
                (_, true) => {
                    out.resize(size as usize, 0);
                    r.read(&mut out).map(|n| out.truncate(n))
                }
                (_, false) => r.take(size as u64).read_to_end(&mut out).map(drop),
            };
            result.map_err(|e| from_io(&e, None))?;
            Ok(Value::bytes(out))
        })
    });
    method(&class, "readline", |a| {
        check_args(a, "readline", 2, 2)?;
        with(a, |p| {
            let Output::Reader(r) = p.output(crate::api::int_arg(a, 1, "readline")?)? else {
                return Err(value_error("I/O operation on closed file."));
            };
            let mut out = Vec::new();
            r.read_until(b'\n', &mut out).map_err(|e| from_io(&e, None))?;
            Ok(Value::bytes(out))
        })
    });
    method(&class, "write", |a| {
        check_args(a, "write", 2, 2)?;
        let data = bytes_arg(&a.pos[1])?;
        with(a, |p| {
            let stdin = p.stdin.as_mut().ok_or_else(|| value_error("I/O operation on closed file."))?;
            stdin.write_all(&data).map_err(|e| from_io(&e, None))?;
            Ok(Value::Int(data.len() as i64))
        })
    });
    method(&class, "close", |a| {
        check_args(a, "close", 2, 2)?;
        with(a, |p| {
            match crate::api::int_arg(a, 1, "close")? {
                0 => drop(p.stdin.take()),
                which => *p.output(which)? = Output::Absent,
            }
            Ok(Value::None)
        })
    });
    method(&class, "send_signal", |a| {
        check_args(a, "send_signal", 2, 2)?;
        let signal = crate::api::int_arg(a, 1, "send_signal")?;
        with(a, |p| {
            // A program that has ended (and been waited for) gets no signal, as in CPython.
            if p.poll()?.is_none() {
                // SAFETY: `kill` only sends a signal to the child's process id.
                if unsafe { libc::kill(p.child.id() as libc::pid_t, signal as libc::c_int) } != 0 {
                    return Err(from_io(&std::io::Error::last_os_error(), None));
                }
            }
            Ok(Value::None)
        })
    });
    class
}

/// `communicate(input, timeout)`: feeds `input` (bytes or None) to stdin and closes it,
/// reads stdout and stderr to their ends and waits for the program. Returns
/// `(stdout, stderr)`, each None if not a pipe, or None if `timeout` passed first.
fn communicate(a: &Args) -> PyResult {
    check_args(a, "communicate", 3, 3)?;
    let input = match &a.pos[1] {
        Value::None => None,
        v => Some(bytes_arg(v)?),
    };
    with(a, |p| {
        if let Some(mut stdin) = p.stdin.take() {
            if let Some(data) = input {
                // A program that exits without reading its input is no error.
                p.feeder = Some(std::thread::spawn(move || {
                    let _ = stdin.write_all(&data);
                }));
            }
        }
        p.stdout.drain();
        p.stderr.drain();
        let finished = wait_until(&a.pos[2], || Ok(p.stdout.drained() && p.stderr.drained() && p.poll()?.is_some()))?;
        if !finished {
            return Ok(Value::None);
        }
        if let Some(feeder) = p.feeder.take() {
            let _ = feeder.join();
        }
        let out = p.stdout.take().map_or(Value::None, Value::bytes);
        let err = p.stderr.take().map_or(Value::None, Value::bytes);
        Ok(Value::tuple(vec![out, err]))
    })
}
