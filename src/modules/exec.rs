//! `exec(source, globals=None, locals=None)`: compiles source text and runs it as module
//! code whose globals are the dict given (a module's `__dict__`, or any dict), or the
//! caller's globals.

use crate::compiler::{compile_source, Mode};
use crate::intern::intern;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::exceptions::{raise, type_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

pub fn exec(a: &Args) -> PyResult {
    check_args(a, "exec", 1, 3)?;
    let mut globals = a.pos.get(1).cloned().unwrap_or(Value::None);
    let mut locals = a.pos.get(2).cloned().unwrap_or(Value::None);
    for (k, v) in a.kw {
        match k.as_str() {
            "globals" if a.pos.len() < 2 => globals = v.clone(),
            "locals" if a.pos.len() < 3 => locals = v.clone(),
            other => return Err(type_error(format!("exec() got an unexpected keyword argument '{}'", other))),
        }
    }
    let text = match &a.pos[0] {
        Value::Str(s) => s.s.to_string(),
        Value::Bytes(b) if !b.mutable => String::from_utf8_lossy(&b.data.borrow()).into_owned(),
        _ => return Err(type_error("exec() arg 1 must be a string, bytes or code object")),
    };
    let dict = match &globals {
        Value::None => None,
        Value::Dict(d) => Some(d.clone()),
        other => return Err(type_error(format!("exec() globals must be a dict, not {}", type_name(other)))),
    };
    if !locals.is_none() && !locals.is(&globals) {
        return Err(raise(ExcType::NotImplementedError, "exec() with a locals mapping other than its globals"));
    }
    run_async(|ctx| async move {
        let module = match dict {
            Some(d) => {
                if d.get_str("__builtins__").is_none() {
                    if let Some(b) = crate::import::cached("builtins") {
                        d.insert_str("__builtins__", b);
                    }
                }
                let name = match d.get_str("__name__") {
                    Some(Value::Str(s)) => intern(&s.s),
                    _ => intern("builtins"),
                };
                Rc::new(Module::with_dict(name, d))
            }
            None => ctx.caller_globals().await?,
        };
        let code =
            compile_source("<string>", &text, Mode::Module(&module)).map_err(|e| Flow::Raise(e.to_exception()))?;
        ctx.run_module(code, module).await?;
        Ok(Value::None)
    })
}
