//! `_introspect`: what the library modules written in coro need to know about the running
//! program and that Python gets from frame objects: the calling frames (for `logging`'s
//! record locations and `warnings`' `file:line`), and an exception's traceback text.

use super::args::check_args;
use super::builtins::native;
use crate::intern::intern;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("_introspect")));
    m.set(intern("__name__"), Value::str("_introspect"));
    m.set(intern("callers"), native("callers", callers));
    m.set(intern("traceback_text"), native("traceback_text", traceback_text));
    m
}

/// `callers()`: the script frames that led to this call, innermost first, as
/// `(filename, lineno, function name)` tuples.
fn callers(a: &Args) -> PyResult {
    check_args(a, "callers", 0, 0)?;
    run_async(|ctx| async move { Ok(Value::list(ctx.caller_stack().await)) })
}

/// `traceback_text(exc)`: `Traceback (most recent call last):` and the frames an exception
/// went through, as an uncaught exception's report shows them; empty if it was never raised.
fn traceback_text(a: &Args) -> PyResult {
    check_args(a, "traceback_text", 1, 1)?;
    let Value::Instance(inst) = &a.pos[0] else {
        return Err(type_error("traceback_text() argument must be an exception"));
    };
    let Some(data) = inst.exc() else {
        return Err(type_error("traceback_text() argument must be an exception"));
    };
    let tb = data.borrow().traceback.clone();
    Ok(Value::str(crate::diagnostics::traceback(&tb)))
}

/// `sys.exc_info()`: the type, value and (absent) traceback of the exception being handled.
pub fn exc_info(a: &Args) -> PyResult {
    check_args(a, "exc_info", 0, 0)?;
    run_async(|ctx| async move {
        let exc = ctx.handling().await;
        Ok(match &exc {
            Value::Instance(inst) => Value::tuple(vec![Value::Class(inst.class.clone()), exc.clone(), Value::None]),
            _ => Value::tuple(vec![Value::None, Value::None, Value::None]),
        })
    })
}

/// `sys.exception()`: the exception being handled, or None.
pub fn exception(a: &Args) -> PyResult {
    check_args(a, "exception", 0, 0)?;
    run_async(|ctx| async move { Ok(ctx.handling().await) })
}
