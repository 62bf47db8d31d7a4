//! The `traceback` module: its formatting and printing functions over the formatter that
//! reports uncaught exceptions (`runtime::traceback`), so both print the same text (the
//! natives format whole tracebacks; lib.coro formats a given `tb` or `limit`); the
//! traceback objects (`runtime::traceback_objects`); and, in coro (`lib.coro`), what CPython writes in
//! Python over them (`extract_tb`, `format_tb`, `walk_tb`, `TracebackException`, ...).

use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::{kwarg, ArgSpec};
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::runtime::traceback::{format_exception as format_lines, format_exception_only as format_only};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{get_attr, PyResult};
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("traceback")));
    m.set(intern("__name__"), Value::str("traceback"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("_format_exception", format_exception),
        ("format_exception_only", format_exception_only),
        ("_format_exc", format_exc),
        ("_print_exception", print_exception),
        ("_print_exc", print_exc),
        ("_frame_text", frame_text),
        ("_frame_line", frame_line),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// The exception of the `(exc)` and `(type, value, tb)` calling forms.
fn exception_arg(a: &Args, name: &str) -> PyResult<Value> {
    match (a.pos.get(1).cloned().or_else(|| kwarg(a, "value")), a.pos.first()) {
        (Some(value), _) => Ok(value),
        (None, Some(exc)) => Ok(exc.clone()),
        (None, None) => Err(type_error(format!("{name}() missing required positional argument: 'exc'"))),
    }
}

/// `chain=`: whether causes and contexts are reported too.
fn chain_arg(a: &Args) -> bool {
    kwarg(a, "chain").is_none_or(|v| crate::vm::ops::truthy(&v).unwrap_or(true))
}

/// The report of `exc` as lines; `NoneType: None` for no exception.
async fn lines(ctx: &Ctx, exc: &Value, chain: bool) -> PyResult<Vec<String>> {
    match exc {
        Value::Instance(e) if e.exc().is_some() => format_lines(ctx, e, chain).await,
        Value::None => Ok(vec!["NoneType: None\n".into()]),
        other => format_only(ctx, other).await,
    }
}

/// Writes `text` to `file` (anything with `write`), or to standard error.
async fn write(ctx: &Ctx, file: Option<Value>, text: String) -> PyResult<()> {
    match file.filter(|f| !f.is_none()) {
        Some(f) => {
            let write = ctx.resolve(get_attr(&f, intern("write"))).await?;
            ctx.call(write, vec![Value::str(text)]).await?;
        }
        None => crate::diagnostics::eprint(&text),
    }
    Ok(())
}

fn format_exception(a: &Args) -> PyResult {
    ArgSpec::new("format_exception").keywords(&["value", "tb", "limit", "chain"]).check(a)?;
    let (exc, chain) = (exception_arg(a, "format_exception")?, chain_arg(a));
    run_async(move |ctx| async move {
        let lines = lines(&ctx, &exc, chain).await?;
        Ok(Value::list(lines.into_iter().map(Value::str).collect()))
    })
}

fn format_exception_only(a: &Args) -> PyResult {
    ArgSpec::new("format_exception_only").keywords(&["value"]).check(a)?;
    let exc = exception_arg(a, "format_exception_only")?;
    run_async(move |ctx| async move {
        let lines = match &exc {
            Value::None => vec!["NoneType: None\n".to_string()],
            other => format_only(&ctx, other).await?,
        };
        Ok(Value::list(lines.into_iter().map(Value::str).collect()))
    })
}

fn format_exc(a: &Args) -> PyResult {
    ArgSpec::new("format_exc").keywords(&["limit", "chain"]).check(a)?;
    let chain = chain_arg(a);
    run_async(move |ctx| async move {
        let exc = ctx.handling().await;
        Ok(Value::str(lines(&ctx, &exc, chain).await?.concat()))
    })
}

fn print_exception(a: &Args) -> PyResult {
    ArgSpec::new("print_exception").keywords(&["value", "tb", "limit", "file", "chain"]).check(a)?;
    let (exc, chain, file) = (exception_arg(a, "print_exception")?, chain_arg(a), kwarg(a, "file"));
    run_async(move |ctx| async move {
        let text = lines(&ctx, &exc, chain).await?.concat();
        write(&ctx, file, text).await?;
        Ok(Value::None)
    })
}

fn print_exc(a: &Args) -> PyResult {
    ArgSpec::new("print_exc").keywords(&["limit", "file", "chain"]).check(a)?;
    let (chain, file) = (chain_arg(a), kwarg(a, "file").or_else(|| a.pos.get(1).cloned()));
    run_async(move |ctx| async move {
        let exc = ctx.handling().await;
        let text = lines(&ctx, &exc, chain).await?.concat();
        write(&ctx, file, text).await?;
        Ok(Value::None)
    })
}

fn tb_entry(a: &Args, name: &str) -> PyResult<crate::object::instance::TracebackEntry> {
    crate::runtime::args::check_args(a, name, 1, 1)?;
    crate::runtime::traceback_objects::entry_of(&a.pos[0])
        .ok_or_else(|| type_error(format!("{name}() argument must be a traceback")))
}

/// `_frame_text(tb)`: the frame's lines as an uncaught report shows them (with carets).
fn frame_text(a: &Args) -> PyResult {
    Ok(Value::str(crate::diagnostics::traceback_frame(&tb_entry(a, "_frame_text")?)))
}

/// `_frame_line(tb)`: the frame's source line, stripped.
fn frame_line(a: &Args) -> PyResult {
    let entry = tb_entry(a, "_frame_line")?;
    let line = entry.code.line_of(entry.ip as usize);
    Ok(Value::str(entry.code.source.line_text(line).trim()))
}
