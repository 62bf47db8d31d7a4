//! The `sys` module: `argv`, `exit`, interpreter facts, and `stdout`/`stderr` objects with
//! `write` and `flush`.

use super::args::{check_args, kwarg};
use super::builtins::native;
use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::exceptions::{new_exception, type_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static ARGV: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Sets what `sys.argv` holds (script path first), in the running interpreter's `sys` and in
/// those created from now on.
pub fn set_argv(args: Vec<String>) {
    if let Some(Value::Module(sys)) = crate::import::cached("sys") {
        sys.set(intern("argv"), Value::list(args.iter().map(|s| Value::str(s.as_str())).collect()));
    }
    ARGV.with(|a| *a.borrow_mut() = args);
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("sys")));
    m.builtin.set(true);
    let set = |name: &str, v: Value| m.set(intern(name), v);
    set("__name__", Value::str("sys"));
    let imports = crate::import::state();
    set("modules", Value::Dict(imports.modules.clone()));
    set("path", Value::List(imports.path.clone()));
    let argv = ARGV.with(|a| a.borrow().iter().map(|s| Value::str(s.as_str())).collect::<Vec<_>>());
    set("argv", Value::list(argv));
    set("maxsize", Value::Int(i64::MAX));
    set("version", Value::str("3.11.7 (main) [coro]"));
    set(
        "version_info",
        Value::tuple(vec![Value::Int(3), Value::Int(11), Value::Int(7), Value::str("final"), Value::Int(0)]),
    );
    set("platform", Value::str(std::env::consts::OS));
    set("byteorder", Value::str(if cfg!(target_endian = "little") { "little" } else { "big" }));
    let fns: &[(&'static str, NativeFn)] = &[("exit", exit), ("getrecursionlimit", getrecursionlimit)];
    for &(name, f) in fns {
        set(name, native(name, f));
    }
    let flush_stdout: NativeFn = |_| {
        crate::runtime::output::flush();
        Ok(Value::None)
    };
    set("stdout", Value::Module(stream("stdout", write_stdout, flush_stdout)));
    set("stderr", Value::Module(stream("stderr", write_stderr, |_| Ok(Value::None))));
    m
}

/// A file-like object with `write(s)` and `flush()`.
fn stream(name: &str, write: NativeFn, flush: NativeFn) -> Rc<Module> {
    let s = Rc::new(Module::new(intern(&format!("<{}>", name))));
    s.set(intern("write"), native("write", write));
    s.set(intern("flush"), native("flush", flush));
    s
}

/// The text argument of `write`, and its length in code points.
fn write_arg(a: &Args) -> PyResult<(Rc<crate::value::PyStr>, i64)> {
    check_args(a, "write", 1, 1)?;
    match &a.pos[0] {
        Value::Str(s) => Ok((s.clone(), s.chars as i64)),
        other => Err(type_error(format!("write() argument must be str, not {}", type_name(other)))),
    }
}

fn write_stdout(a: &Args) -> PyResult {
    let (s, n) = write_arg(a)?;
    crate::runtime::output::write(&s.s);
    Ok(Value::Int(n))
}

fn write_stderr(a: &Args) -> PyResult {
    let (s, n) = write_arg(a)?;
    crate::diagnostics::eprint(&s.s);
    Ok(Value::Int(n))
}

fn exit(a: &Args) -> PyResult {
    check_args(a, "exit", 0, 1)?;
    let code = a.pos.first().cloned().or_else(|| kwarg(a, "status")).unwrap_or(Value::None);
    let args = if code.is_none() { Vec::new() } else { vec![code] };
    Err(Flow::Raise(new_exception(types().exc("SystemExit"), args)))
}

fn getrecursionlimit(a: &Args) -> PyResult {
    check_args(a, "getrecursionlimit", 0, 0)?;
    Ok(Value::Int(crate::vm::RECURSION_LIMIT as i64))
}

/// What interactive code calls with the value of each expression statement (CPython's
/// `sys.displayhook`): prints its repr and keeps it as `builtins._`, unless it is None.
pub fn displayhook(builtins: &Rc<Module>) -> Value {
    let hook = native("displayhook", |a| {
        let (Some(Value::Module(builtins)), Some(v)) = (a.pos.first(), a.pos.get(1)) else {
            return Err(type_error("displayhook() takes exactly one argument"));
        };
        if v.is_none() {
            return Ok(Value::None);
        }
        let (builtins, v) = (builtins.clone(), v.clone());
        let underscore = intern("_");
        builtins.set(underscore, Value::None);
        crate::vm::native::run_async(move |ctx| async move {
            let text = crate::runtime::protocol::repr(&ctx, &v).await?;
            crate::runtime::output::write(&format!("{}\n", text));
            builtins.set(underscore, v);
            Ok(Value::None)
        })
    });
    let receiver = Value::Module(builtins.clone());
    Value::BoundMethod(Rc::new(crate::object::function::BoundMethod { receiver, func: hook }))
}

/// `exit()` and `quit()`, as the REPL offers them: `sys.exit`.
pub fn exit_function() -> Value {
    native("exit", exit)
}
