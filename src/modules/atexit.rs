//! The `atexit` module: functions registered to run when the interpreter ends, last
//! registered first; `Interpreter` runs them after the script (after its traceback, if it
//! failed, as CPython does).

use crate::intern::{intern, Symbol};
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

/// A registered call: the function, its positional and keyword arguments.
pub type ExitCall = (Value, Vec<Value>, Vec<(Symbol, Value)>);

thread_local! {
    static CALLS: RefCell<Vec<ExitCall>> = const { RefCell::new(Vec::new()) };
}

fn register(a: &Args) -> PyResult {
    let Some(func) = a.pos.first() else {
        return Err(type_error("register() takes at least 1 argument (0 given)"));
    };
    if !super::builtins::is_callable(func) {
        return Err(type_error("the first argument must be callable"));
    }
    CALLS.with(|c| c.borrow_mut().push((func.clone(), a.pos[1..].to_vec(), a.kw.to_vec())));
    Ok(func.clone())
}

fn unregister(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "unregister", 1, 1)?;
    let target = a.pos[0].clone();
    CALLS.with(|c| c.borrow_mut().retain(|(f, _, _)| !f.is(&target)));
    Ok(Value::None)
}

/// The registered calls, last first, leaving none registered.
pub fn take_calls() -> Vec<ExitCall> {
    let mut calls = CALLS.with(|c| std::mem::take(&mut *c.borrow_mut()));
    calls.reverse();
    calls
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("atexit")));
    m.set(intern("__name__"), Value::str("atexit"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("register", register),
        ("unregister", unregister),
        ("_clear", |_| {
            CALLS.with(|c| c.borrow_mut().clear());
            Ok(Value::None)
        }),
        ("_ncallbacks", |_| Ok(Value::Int(CALLS.with(|c| c.borrow().len()) as i64))),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}
