//! The `sys` module: `argv`, `exit`, interpreter facts, and `stdout`/`stderr` objects with
//! `write` and `flush`.

use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::{check_args, kwarg};
use crate::runtime::define::native;
use crate::runtime::exceptions::{new_exception, type_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static ARGV: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Sets what `sys.argv` holds (script path first), in this thread's `sys` and in those
/// created from now on.
pub fn set_argv(args: Vec<String>) {
    let list = || Value::list(args.iter().map(|s| Value::str(s.as_str())).collect());
    if let Some(m) = MODULE.with(|m| m.borrow().clone()) {
        m.set(intern("argv"), list());
    }
    ARGV.with(|a| *a.borrow_mut() = args);
}

thread_local! {
    static MODULE: RefCell<Option<Rc<Module>>> = const { RefCell::new(None) };
}

/// This thread's `sys` module (the one the interpreter imported), so that what a script
/// assigns (`sys.stdout = ...`) is what `print` sees.
pub fn module() -> Rc<Module> {
    MODULE.with(|m| m.borrow().clone()).unwrap_or_else(make_module)
}

/// The part of `sys` written in coro: the struct sequences (`version_info`, `float_info`,
/// ...), run into the module when a script first asks for a name the natives lack.
const SOURCE: &str = include_str!("sys.coro");

/// `sys.__getattr__`: runs the coro part once, then looks again.
fn getattr(a: &Args) -> PyResult {
    check_args(a, "__getattr__", 1, 1)?;
    let name = intern(a.pos[0].as_str().unwrap_or(""));
    let m = module();
    m.delete(crate::intern::sym::GETATTR);
    let code = crate::compiler::compile_source("<sys>", SOURCE, crate::compiler::Mode::Module(&m)).map_err(|e| {
        crate::runtime::exceptions::raise(ExcType::SystemError, format!("module sys does not compile: {}", e.msg))
    })?;
    crate::vm::native::run_async(move |ctx| async move {
        ctx.run_module(code, m.clone()).await?;
        m.get(name).ok_or_else(|| {
            crate::runtime::exceptions::attribute_error(format!("module 'sys' has no attribute '{}'", name))
        })
    })
}

/// A new `sys` module, which becomes this thread's.
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
    set("maxunicode", Value::Int(0x10FFFF));
    set("version", Value::str("3.11.7 (main) [coro]"));
    set("hexversion", Value::Int(0x030B07F0));
    set("platform", Value::str(std::env::consts::OS));
    set("byteorder", Value::str(if cfg!(target_endian = "little") { "little" } else { "big" }));
    let exe = std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    set("executable", Value::str(exe));
    let (stdin, stdout, stderr) = crate::modules::io::streams::std_streams();
    for (name, v) in [("stdin", stdin), ("stdout", stdout), ("stderr", stderr)] {
        set(name, v.clone());
        set(&format!("__{}__", name), v);
    }
    let fns: &[(&'static str, NativeFn)] = &[
        ("exit", exit),
        ("getrecursionlimit", getrecursionlimit),
        ("setrecursionlimit", setrecursionlimit),
        ("get_int_max_str_digits", get_int_max_str_digits),
        ("set_int_max_str_digits", set_int_max_str_digits),
        ("exception", exception),
        ("exc_info", super::introspect::exc_info),
        ("getdefaultencoding", |_| Ok(Value::str("utf-8"))),
        ("getfilesystemencoding", |_| Ok(Value::str("utf-8"))),
        ("intern", intern_fn),
        ("__getattr__", getattr),
    ];
    for &(name, f) in fns {
        set(name, native(name, f));
    }
    MODULE.with(|cur| *cur.borrow_mut() = Some(m.clone()));
    m
}

fn exit(a: &Args) -> PyResult {
    check_args(a, "exit", 0, 1)?;
    let code = a.pos.first().cloned().or_else(|| kwarg(a, "status")).unwrap_or(Value::None);
    let args = if code.is_none() { Vec::new() } else { vec![code] };
    Err(Flow::Raise(new_exception(types().exc(ExcType::SystemExit), args)))
}

fn getrecursionlimit(a: &Args) -> PyResult {
    check_args(a, "getrecursionlimit", 0, 0)?;
    crate::vm::native::run_async(|ctx| async move { Ok(Value::Int(ctx.recursion_limit(None).await? as i64)) })
}

fn setrecursionlimit(a: &Args) -> PyResult {
    check_args(a, "setrecursionlimit", 1, 1)?;
    let n = match &a.pos[0] {
        Value::Int(n) if *n < 1 => {
            return Err(crate::runtime::exceptions::value_error("recursion limit must be greater or equal than 1"))
        }
        Value::Int(n) => (*n).min(i64::from(i32::MAX)) as usize,
        other => return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    };
    crate::vm::native::run_async(move |ctx| async move {
        ctx.recursion_limit(Some(n)).await?;
        Ok(Value::None)
    })
}

/// `sys.exception()`: the exception being handled, or None.
fn exception(a: &Args) -> PyResult {
    check_args(a, "exception", 0, 0)?;
    crate::vm::native::run_async(|ctx| async move { Ok(ctx.handling().await) })
}

/// `sys.intern(s)`: equal interned strings are one object.
fn intern_fn(a: &Args) -> PyResult {
    check_args(a, "intern", 1, 1)?;
    match &a.pos[0] {
        Value::Str(s) => {
            Ok(INTERNED.with(|t| t.borrow_mut().entry(s.s.to_string()).or_insert_with(|| a.pos[0].clone()).clone()))
        }
        other => Err(type_error(format!("intern() argument must be str, not {}", type_name(other)))),
    }
}

thread_local! {
    static INTERNED: RefCell<rustc_hash::FxHashMap<String, Value>> = RefCell::default();
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

fn get_int_max_str_digits(a: &Args) -> PyResult {
    check_args(a, "get_int_max_str_digits", 0, 0)?;
    Ok(Value::Int(crate::numeric::max_str_digits() as i64))
}

/// `sys.set_int_max_str_digits(maxdigits)`: the limit on decimal int/str conversions.
fn set_int_max_str_digits(a: &Args) -> PyResult {
    crate::runtime::args::ArgSpec::new("set_int_max_str_digits").keywords(&["maxdigits"]).check(a)?;
    let n = match (a.pos, kwarg(a, "maxdigits")) {
        ([n], None) => n.clone(),
        ([], Some(n)) => n,
        ([], None) => return Err(type_error("set_int_max_str_digits() missing required argument 'maxdigits' (pos 1)")),
        _ => {
            return Err(type_error(format!(
                "set_int_max_str_digits() takes at most 1 argument ({} given)",
                a.pos.len() + a.kw.len()
            )))
        }
    };
    let Value::Int(n) = n else {
        return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(&n))));
    };
    crate::numeric::set_max_str_digits(n).map_err(crate::runtime::exceptions::value_error)?;
    Ok(Value::None)
}
