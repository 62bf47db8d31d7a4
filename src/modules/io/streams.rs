//! `sys.stdin`, `sys.stdout` and `sys.stderr` as text files over the process streams (or
//! the in-process capture), and `print()` and `input()` going through whatever `sys.stdout`
//! and `sys.stdin` are now.

use super::codec::{Codec, Errors};
use super::file::{FileObj, Kind, Newline};
use super::stream::Stream;
use crate::intern::intern;
use crate::object::function::Args;
use crate::runtime::exceptions::{raise, type_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;

pub struct StdStreams {
    pub stdin: Value,
    pub stdout: Value,
    pub stderr: Value,
}

/// A standard stream as CPython has it: a text file over a buffered one over a `FileIO`
/// that does not close the descriptor.
fn std_stream(stream: Stream, name: &str, mode: &str, errors: Errors) -> Value {
    let (readable, writable) = (mode == "r", mode == "w");
    let name = Value::str(name);
    let binary_mode = format!("{}b", mode);
    let raw = super::open::raw_file(stream, name.clone(), binary_mode.clone(), readable, writable, false);
    let buffered = super::open::layer(raw, Kind::Buffered, Some(name.clone()), binary_mode);
    let text = super::open::layer(buffered, Kind::Text, Some(name), mode.to_string());
    text.native::<FileObj>().expect("a file").set_text(Codec::Utf8, errors, "utf-8".to_string(), Newline::Universal);
    Value::Instance(text)
}

thread_local! {
    // Never dropped: a stream's destructor touches other thread-locals, which may already be
    // gone when the thread ends. What was written is flushed before that (`flush_all`).
    static STREAMS: std::mem::ManuallyDrop<StdStreams> = std::mem::ManuallyDrop::new(StdStreams {
        stdin: std_stream(Stream::Stdin, "<stdin>", "r", Errors::SurrogateEscape),
        stdout: std_stream(Stream::Stdout, "<stdout>", "w", Errors::SurrogateEscape),
        stderr: std_stream(Stream::Stderr, "<stderr>", "w", Errors::BackslashReplace),
    });
}

/// The process's own stream objects (`sys.__stdin__`, `sys.__stdout__`, `sys.__stderr__`).
pub fn std_streams() -> (Value, Value, Value) {
    STREAMS.with(|s| (s.stdin.clone(), s.stdout.clone(), s.stderr.clone()))
}

/// What `sys.<name>` is now (a script may have replaced it).
fn current(name: &str) -> Value {
    crate::modules::sys::module().get(intern(name)).unwrap_or(Value::None)
}

fn is_std(v: &Value, std: fn(&StdStreams) -> &Value) -> bool {
    STREAMS.with(|s| match (v, std(s)) {
        (Value::Instance(a), Value::Instance(b)) => std::rc::Rc::ptr_eq(a, b),
        _ => false,
    })
}

/// Writes `text` to the stream object `file` through its `write` method, unless it is one
/// of the process's own streams, which are written directly.
async fn write_to(ctx: &crate::vm::native::Ctx, file: &Value, text: String) -> PyResult<()> {
    if is_std(file, |s| &s.stdout) {
        return crate::runtime::output::write_bytes(text.as_bytes())
            .map_err(|e| crate::runtime::os_error::from_io(&e, None));
    }
    let write = crate::vm::get_attr(file, intern("write"))?;
    ctx.call(write, vec![Value::str(text)]).await?;
    Ok(())
}

/// `print(*args, sep=' ', end='\n', file=None, flush=False)`.
pub fn print(a: &Args) -> PyResult {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let (mut file, mut flush) = (Value::None, Value::Bool(false));
    for (k, v) in a.kw {
        let target = match k.as_str() {
            "sep" => &mut sep,
            "end" => &mut end,
            "file" => {
                file = v.clone();
                continue;
            }
            "flush" => {
                flush = v.clone();
                continue;
            }
            other => return Err(type_error(format!("'{}' is an invalid keyword argument for print()", other))),
        };
        match v {
            Value::None => {}
            Value::Str(s) => *target = s.s.to_string(),
            other => return Err(type_error(format!("{} must be None or a string, not {}", k, type_name(other)))),
        }
    }
    if file.is_none() {
        file = current("stdout");
        if file.is_none() {
            return Ok(Value::None);
        }
    }
    let items = a.pos.to_vec();
    run_async(|ctx| async move {
        // The process's streams and native files take the whole line at once; any other
        // object's `write` is called for each piece, as CPython's print does.
        let whole = is_std(&file, |s| &s.stdout) || is_native_file(&file);
        let mut line = String::new();
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                line.push_str(&sep);
            }
            if !whole && i > 0 {
                write_to(&ctx, &file, std::mem::take(&mut line)).await?;
            }
            line.push_str(&crate::runtime::protocol::str(&ctx, v).await?);
            if !whole {
                write_to(&ctx, &file, std::mem::take(&mut line)).await?;
            }
        }
        line.push_str(&end);
        write_to(&ctx, &file, line).await?;
        if crate::runtime::protocol::truthy(&ctx, &flush).await? {
            let flush = crate::vm::get_attr(&file, intern("flush"))?;
            ctx.call(flush, Vec::new()).await?;
        }
        Ok(Value::None)
    })
}

fn is_native_file(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.native::<FileObj>().is_some())
}

/// `input(prompt='')`: writes the prompt to `sys.stdout`, reads a line from `sys.stdin`
/// without its newline; EOFError at the end of input.
pub fn input(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "input", 0, 1)?;
    let prompt = a.pos.first().cloned();
    run_async(|ctx| async move {
        let stdout = current("stdout");
        if let Some(p) = prompt {
            let text = crate::runtime::protocol::str(&ctx, &p).await?;
            if !stdout.is_none() {
                write_to(&ctx, &stdout, text).await?;
            }
        }
        if is_std(&stdout, |s| &s.stdout) {
            crate::runtime::output::flush();
        } else if !stdout.is_none() {
            if let Ok(flush) = crate::vm::get_attr(&stdout, intern("flush")) {
                ctx.call(flush, Vec::new()).await?;
            }
        }
        let stdin = current("stdin");
        if stdin.is_none() {
            return Err(raise(ExcType::RuntimeError, "input(): lost sys.stdin"));
        }
        let readline = crate::vm::get_attr(&stdin, intern("readline"))?;
        let line = ctx.call(readline, Vec::new()).await?;
        match &line {
            Value::Str(s) if s.s.is_empty() => Err(raise(ExcType::EOFError, "EOF when reading a line")),
            Value::Str(s) => Ok(Value::str(s.s.strip_suffix('\n').unwrap_or(&s.s))),
            other => Err(type_error(format!("object of type '{}' has no len()", type_name(other)))),
        }
    })
}
