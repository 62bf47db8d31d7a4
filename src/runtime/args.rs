//! Argument checking for native functions, with CPython's messages.

use crate::intern::sym;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::builtin_value;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use num_traits::ToPrimitive;

/// Checks the number of positional arguments.
pub fn check_args(a: &Args, name: &str, min: usize, max: usize) -> PyResult<()> {
    let n = a.pos.len();
    if n >= min && n <= max {
        return Ok(());
    }
    Err(type_error(if min == max {
        match min {
            0 => format!("{}() takes no arguments ({} given)", name, n),
            1 => format!("{}() takes exactly one argument ({} given)", name, n),
            _ => format!("{} expected {} arguments, got {}", name, min, n),
        }
    } else if n < min {
        format!("{} expected at least {} argument{}, got {}", name, min, if min == 1 { "" } else { "s" }, n)
    } else {
        format!("{} expected at most {} argument{}, got {}", name, max, if max == 1 { "" } else { "s" }, n)
    }))
}

/// Positional argument `i`, which must be present.
pub fn arg<'a>(a: &'a Args, i: usize, name: &str) -> PyResult<&'a Value> {
    a.pos.get(i).ok_or_else(|| type_error(format!("{}() missing required argument (pos {})", name, i + 1)))
}

/// A keyword argument by name.
pub fn kwarg(a: &Args, name: &str) -> Option<Value> {
    a.kw.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v.clone())
}

/// The keyword arguments a native accepts.
pub struct ArgSpec<'a> {
    name: &'a str,
    keywords: &'a [&'a str],
}

impl<'a> ArgSpec<'a> {
    pub fn new(name: &'a str) -> ArgSpec<'a> {
        ArgSpec { name, keywords: &[] }
    }

    pub fn keywords(self, keywords: &'a [&'a str]) -> ArgSpec<'a> {
        ArgSpec { keywords, ..self }
    }

    /// Rejects keyword arguments the native does not take.
    pub fn check(&self, a: &Args) -> PyResult<()> {
        for (k, _) in a.kw {
            if !self.keywords.contains(&k.as_str()) {
                return Err(type_error(format!("{}() got an unexpected keyword argument '{}'", self.name, k)));
            }
        }
        Ok(())
    }
}

/// Whether `v` is an instance whose class defines `__index__` (and is no int subclass).
pub fn has_script_index(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.class.lookup(sym::INDEX).is_some() && std::ptr::eq(builtin_value(v), v))
}

/// `v`, or the int its `__index__` returns when it has one (`operator.index`).
pub async fn index_value(ctx: &Ctx, v: Value) -> PyResult {
    let method = match &v {
        Value::Instance(i) if std::ptr::eq(builtin_value(&v), &v) => i.class.lookup(sym::INDEX),
        _ => None,
    };
    let Some(m) = method else { return Ok(v) };
    match ctx.call(m, vec![v.clone()]).await? {
        r @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) => Ok(r),
        r => Err(type_error(format!("__index__ returned non-int (type {})", type_name(&r)))),
    }
}

/// For a native taking integers: when a positional argument from position `from` on
/// defines `__index__`, runs `native` again with such arguments replaced by the ints they
/// give; None when none does.
pub fn with_indices(a: &Args, from: usize, native: NativeFn) -> Option<PyResult> {
    if !a.pos.iter().skip(from).any(has_script_index) {
        return None;
    }
    let (pos, kw) = (a.pos.to_vec(), a.kw.to_vec());
    Some(run_async(move |ctx| async move {
        let mut ints = Vec::with_capacity(pos.len());
        for (i, v) in pos.into_iter().enumerate() {
            ints.push(if i < from { v } else { index_value(&ctx, v).await? });
        }
        ctx.resolve(native(&Args { pos: &ints, kw: &kw })).await
    }))
}

/// An integer argument (`range`, indices); bools count as ints.
pub fn index_arg(v: &Value) -> PyResult<i64> {
    match builtin_value(v) {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) => {
            b.to_i64().ok_or_else(|| ex::overflow_error("Python int too large to convert to C ssize_t"))
        }
        _ => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v)))),
    }
}
