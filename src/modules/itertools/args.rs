//! Arguments of the itertools constructors, with CPython 3.11's messages: the ones that
//! take keywords, the ones that refuse them, and the integer arguments.

use crate::object::function::Args;
use crate::runtime::args::{index_arg, index_value};
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::PyResult;

/// The arguments after the class of a `__new__` call, bound to `names` (the first
/// `positional` of them may be given by position, the first `required` must be given).
/// Missing optional ones are None.
pub fn bind(a: &Args, func: &str, names: &[&str], positional: usize, required: usize) -> PyResult<Vec<Option<Value>>> {
    let pos = &a.pos[1..];
    let given = pos.len() + a.kw.len();
    if given > names.len() {
        return Err(type_error(format!("{}() takes at most {} arguments ({} given)", func, names.len(), given)));
    }
    if pos.len() > positional {
        return Err(type_error(format!(
            "{}() takes at most {} positional arguments ({} given)",
            func,
            positional,
            pos.len()
        )));
    }
    let mut out: Vec<Option<Value>> = pos.iter().cloned().map(Some).collect();
    out.resize(names.len(), None);
    for (i, name) in names.iter().enumerate() {
        let Some((_, v)) = a.kw.iter().find(|(k, _)| k.as_str() == *name) else { continue };
        if i < pos.len() {
            return Err(type_error(format!(
                "argument for {}() given by name ('{}') and position ({})",
                func,
                name,
                i + 1
            )));
        }
        out[i] = Some(v.clone());
    }
    if let Some(i) = (0..required).find(|&i| out[i].is_none()) {
        return Err(type_error(format!("{}() missing required argument '{}' (pos {})", func, names[i], i + 1)));
    }
    if let Some((k, _)) = a.kw.iter().find(|(k, _)| !names.contains(&k.as_str())) {
        return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, func)));
    }
    Ok(out)
}

/// The arguments after the class of a `__new__` that takes only positional ones, between
/// `min` and `max` of them. Keywords are refused for the type itself (a subclass may
/// take them for its own `__init__`), as CPython does.
pub fn positional<'a>(a: &'a Args, func: &str, min: usize, max: usize) -> PyResult<&'a [Value]> {
    if !a.kw.is_empty() && !is_subclass_call(a, func) {
        return Err(type_error(format!("{}() takes no keyword arguments", func)));
    }
    let pos = &a.pos[1..];
    if pos.len() < min || pos.len() > max {
        let n = pos.len();
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        return Err(type_error(if min == max {
            format!("{} expected {} argument{}, got {}", func, min, plural(min), n)
        } else if n < min {
            format!("{} expected at least {} argument{}, got {}", func, min, plural(min), n)
        } else {
            format!("{} expected at most {} argument{}, got {}", func, max, plural(max), n)
        }));
    }
    Ok(pos)
}

fn is_subclass_call(a: &Args, func: &str) -> bool {
    matches!(a.pos.first(), Some(Value::Class(c)) if c.name.as_str() != func || c.module.as_str() != "itertools")
}

/// A `Py_ssize_t` argument: an int, or an object with `__index__`.
pub async fn ssize(ctx: &Ctx, v: Value) -> PyResult<i64> {
    index_arg(&index_value(ctx, v).await?)
}
