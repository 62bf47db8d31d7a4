//! `_introspect`: what the library modules written in coro need to know about the running
//! program and that Python gets from frame objects: the calling frames (for `logging`'s
//! record locations and `warnings`' `file:line`), a calling frame's globals (for the
//! `__module__` of classes that `namedtuple` makes), and an exception's traceback text.

use crate::intern::intern;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("_introspect")));
    m.set(intern("__name__"), Value::str("_introspect"));
    m.set(intern("callers"), native("callers", callers));
    m.set(intern("caller_globals"), native("caller_globals", caller_globals));
    m.set(intern("traceback_text"), native("traceback_text", traceback_text));
    m.set(intern("function_info"), native("function_info", function_info));
    m.set(intern("bind"), native("bind", bind));
    m.set(intern("function_globals"), native("function_globals", function_globals));
    m
}

/// `callers()`: the script frames that led to this call, innermost first, as
/// `(filename, lineno, function name, source line)` tuples.
fn callers(a: &Args) -> PyResult {
    check_args(a, "callers", 0, 0)?;
    run_async(|ctx| async move { Ok(Value::list(ctx.caller_stack().await)) })
}

/// `caller_globals(depth=0)`: the globals dict of the script frame `depth` frames out from
/// the one calling this (as `sys._getframe(depth + 1).f_globals` would be), or None when
/// there is no frame that deep.
fn caller_globals(a: &Args) -> PyResult {
    check_args(a, "caller_globals", 0, 1)?;
    let depth = match a.pos.first() {
        None => 0,
        Some(Value::Int(n)) if *n >= 0 => *n as usize,
        Some(_) => return Err(type_error("caller_globals() depth must be a non-negative int")),
    };
    run_async(move |ctx| async move {
        Ok(ctx.caller_globals_at(depth).await.map(|m| Value::Dict(m.dict())).unwrap_or(Value::None))
    })
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

/// `function_info(f)`: what `inspect` needs to know about a script function's parameters
/// and kind, as `(names, argcount, posonly, kwonly, varargs, varkw, defaults, kwdefaults,
/// kind)`: the parameter names in CPython's `co_varnames` order (positional, keyword-only,
/// `*args`, `**kwargs`), the defaults of the trailing positionals, the keyword-only defaults
/// as `(name, value)` pairs, and `kind` one of 'function', 'generator', 'coroutine',
/// 'async_generator'. None for anything that is not a script function.
fn function_info(a: &Args) -> PyResult {
    check_args(a, "function_info", 1, 1)?;
    let Value::Function(f) = &a.pos[0] else { return Ok(Value::None) };
    let code = &f.code;
    let flags = &code.flags;
    let nparams = code.argcount + code.kwonly + flags.varargs as u32 + flags.varkw as u32;
    let names = code.local_names[..nparams as usize].iter().map(|n| Value::str(n.as_str())).collect();
    let kwdefaults =
        f.kwdefaults.borrow().iter().map(|(k, v)| Value::tuple(vec![Value::str(k.as_str()), v.clone()])).collect();
    let kind = if flags.is_async_generator {
        "async_generator"
    } else if flags.is_generator {
        "generator"
    } else if flags.is_coroutine {
        "coroutine"
    } else {
        "function"
    };
    Ok(Value::tuple(vec![
        Value::tuple(names),
        Value::Int(code.argcount as i64),
        Value::Int(code.posonly as i64),
        Value::Int(code.kwonly as i64),
        Value::Bool(flags.varargs),
        Value::Bool(flags.varkw),
        Value::tuple(f.defaults.borrow().clone()),
        Value::tuple(kwdefaults),
        Value::str(kind),
    ]))
}

/// `function_globals(f)`: the module a script function's globals live in (for resolving
/// string annotations), or None.
fn function_globals(a: &Args) -> PyResult {
    check_args(a, "function_globals", 1, 1)?;
    Ok(match &a.pos[0] {
        Value::Function(f) => Value::Module(f.globals.clone()),
        _ => Value::None,
    })
}

/// `bind(spec, args, kwargs)`: matches arguments to the parameters `spec` describes, as a
/// call of a function with that signature would, with the same errors; the values in
/// parameter order, defaults filled in. `spec` is `(qualname, names, posonly, kwonly,
/// defaults, kwdefaults)`: the names of the positional then keyword-only parameters, the
/// defaults of the trailing positionals, and a dict of keyword-only defaults. This is how
/// generated methods (a dataclass's `__init__`) take their arguments exactly as CPython's
/// generated source does.
fn bind(a: &Args) -> PyResult {
    check_args(a, "bind", 3, 3)?;
    let bad_spec = || type_error("bind() spec must be (qualname, names, posonly, kwonly, defaults, kwdefaults)");
    let Value::Tuple(spec) = &a.pos[0] else { return Err(bad_spec()) };
    let [qualname, Value::Tuple(names), Value::Int(posonly), Value::Int(kwonly), Value::Tuple(defaults), Value::Dict(kwdefaults)] =
        &spec.items[..]
    else {
        return Err(bad_spec());
    };
    let (Some(qualname), Value::Tuple(args), Value::Dict(kwargs)) = (qualname.as_str(), &a.pos[1], &a.pos[2]) else {
        return Err(bad_spec());
    };
    let params: Vec<_> = names.items.iter().map(|n| intern(n.as_str().unwrap_or(""))).collect();
    let kwonly = (*kwonly).clamp(0, params.len() as i64) as u32;
    let argcount = params.len() as u32 - kwonly;
    let posonly = (*posonly).clamp(0, argcount as i64) as u32;
    let source = crate::bytecode::Code::placeholder().source.clone();
    let code = crate::bytecode::Code::parameters_only(qualname, source, params, argcount, posonly, kwonly);
    let strs = |d: &crate::object::dict::PyDict| -> Vec<_> {
        d.items().into_iter().filter_map(|(k, v)| Some((intern(k.as_str()?), v))).collect()
    };
    let f = crate::object::function::Function {
        name: std::cell::RefCell::new(code.name),
        qualname: std::cell::RefCell::new(qualname.to_string()),
        code: Rc::new(code),
        globals: Rc::new(Module::new(intern("_introspect"))),
        defaults: defaults.items.to_vec().into(),
        kwdefaults: strs(kwdefaults).into(),
        closure: Box::new([]),
        doc: Value::None,
        attrs: std::cell::RefCell::default(),
    };
    let values = crate::vm::call::bind_args(&f, args.items.to_vec(), strs(kwargs))?;
    Ok(Value::tuple(values))
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
