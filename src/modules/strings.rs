//! `str`: the constructor, its methods, and printf-style `%` formatting.

use super::args::check_args;
use super::builtins::{constructor, method};
use crate::object::function::Args;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;

pub fn install() {
    let t = types();
    constructor(&t.str, |a| {
        check_args(a, "str", 0, 1)?;
        match a.pos.first() {
            None => Ok(Value::str("")),
            Some(v) => protocol::str_value(v.clone()),
        }
    });
    method(&t.str, "join", join);
}

fn this<'a>(a: &'a Args) -> PyResult<&'a str> {
    match a.pos.first() {
        Some(Value::Str(s)) => Ok(&s.s),
        _ => Err(type_error("descriptor requires a 'str' object")),
    }
}

fn join(a: &Args) -> PyResult {
    check_args(a, "join", 2, 2)?;
    let sep = this(a)?.to_string();
    let source = a.pos[1].clone();
    run_async(|ctx| async move {
        let items = protocol::iterate(&ctx, &source).await?;
        let mut out = String::new();
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            match x {
                Value::Str(s) => out.push_str(&s.s),
                other => return Err(type_error(format!("sequence item {}: expected str instance, {} found", i, type_name(other)))),
            }
        }
        Ok(Value::str(out))
    })
}

/// `fmt % args`.
pub fn percent_format(fmt: &str, args: Value) -> PyResult {
    let _ = (fmt, &args);
    Err(type_error("printf-style formatting is not supported yet"))
}
