//! `list`, `tuple`, `dict`, `set` and `frozenset`: constructors and methods.

mod dict;
mod dunders;
mod list;
mod set;

use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::builtin_value;
use crate::runtime::args::check_args;
use crate::runtime::define::constructor;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::{self, iterate};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    constructor(&t.list, |a| {
        check_args(a, "list", 0, 1)?;
        let Some(src) = a.pos.first().cloned() else { return Ok(Value::list(Vec::new())) };
        if let Some(items) = protocol::items_native(&src) {
            return items.map(Value::list);
        }
        run_async(|ctx| async move { Ok(Value::list(iterate(&ctx, &src).await?)) })
    });
    constructor(&t.tuple, |a| {
        check_args(a, "tuple", 0, 1)?;
        let Some(src) = a.pos.first().cloned() else { return Ok(Value::tuple(Vec::new())) };
        if let Value::Tuple(_) = src {
            return Ok(src);
        }
        if let Some(items) = protocol::items_native(&src) {
            return items.map(Value::tuple);
        }
        run_async(|ctx| async move { Ok(Value::tuple(iterate(&ctx, &src).await?)) })
    });
    list::install();
    dict::install();
    set::install();
    dunders::install();
}

/// The receiver of a method of a builtin type, checked like CPython's method descriptors;
/// for an instance of a subclass, the value it carries.
#[inline]
fn receiver<'a>(a: &'a Args, class: &Rc<Class>, name: &str) -> PyResult<&'a Value> {
    let Some(v) = a.pos.first() else {
        return Err(type_error(format!("unbound method {}.{}() needs an argument", class.name, name)));
    };
    let exact = types().plain_class(v).is_some_and(|c| Rc::ptr_eq(c, class));
    if !exact && !types().class_of(v).is_subclass(class) {
        let (class, typ) = (class.name, type_name(v));
        // Special methods are slot wrappers in CPython, which word it differently.
        return Err(type_error(if name.starts_with("__") {
            format!("descriptor '{}' requires a '{}' object but received a '{}'", name, class, typ)
        } else {
            format!("descriptor '{}' for '{}' objects doesn't apply to a '{}' object", name, class, typ)
        }));
    }
    Ok(builtin_value(v))
}

#[inline]
fn no_kwargs(a: &Args, class: &Rc<Class>, name: &str) -> PyResult<()> {
    if a.kw.is_empty() {
        Ok(())
    } else {
        Err(type_error(format!("{}.{}() takes no keyword arguments", class.name, name)))
    }
}

/// A method taking no arguments (`METH_NOARGS`): returns the receiver.
#[inline]
fn noargs<'a>(a: &'a Args, class: &Rc<Class>, name: &str) -> PyResult<&'a Value> {
    let me = receiver(a, class, name)?;
    no_kwargs(a, class, name)?;
    if a.pos.len() != 1 {
        return Err(type_error(format!("{}.{}() takes no arguments ({} given)", class.name, name, a.pos.len() - 1)));
    }
    Ok(me)
}

/// A method taking exactly one argument (`METH_O`): returns the receiver and the argument.
#[inline]
fn onearg<'a>(a: &'a Args, class: &Rc<Class>, name: &str) -> PyResult<(&'a Value, &'a Value)> {
    let me = receiver(a, class, name)?;
    no_kwargs(a, class, name)?;
    if a.pos.len() != 2 {
        return Err(type_error(format!(
            "{}.{}() takes exactly one argument ({} given)",
            class.name,
            name,
            a.pos.len() - 1
        )));
    }
    Ok((me, &a.pos[1]))
}

/// A method taking `min..=max` positional arguments: the receiver and the arguments.
fn varargs<'a>(
    a: &'a Args,
    class: &Rc<Class>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<(&'a Value, &'a [Value])> {
    let me = receiver(a, class, name)?;
    no_kwargs(a, class, name)?;
    let rest = &a.pos[1..];
    check_args(&Args { pos: rest, kw: &[] }, name, min, max)?;
    Ok((me, rest))
}
