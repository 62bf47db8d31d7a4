//! Special methods of `list`, `dict` and `set`. The VM works on plain values directly;
//! these serve instances of script subclasses (which find them along their MRO, unless
//! the subclass overrides them) and explicit calls such as `super().__getitem__(k)`.

use super::{noargs, onearg, varargs};
use crate::intern::sym;
use crate::modules::builtins::reversed_value;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::builtin_value;
use crate::runtime::define::method;
use crate::runtime::protocol::{self, Recursion};
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, PyResult};
use std::rc::Rc;

const LIST: u8 = 0;
const DICT: u8 = 1;
const SET: u8 = 2;

fn class<const C: u8>() -> &'static Rc<Class> {
    let t = types();
    match C {
        LIST => &t.list,
        DICT => &t.dict,
        _ => &t.set,
    }
}

pub fn install() {
    install_common::<LIST>();
    install_common::<DICT>();
    install_common::<SET>();
    install_items::<LIST>();
    install_items::<DICT>();
}

fn install_common<const C: u8>() {
    let class = class::<C>();
    method(class, "__len__", len::<C>);
    method(class, "__iter__", iter::<C>);
    method(class, "__contains__", contains::<C>);
    method(class, "__repr__", repr::<C>);
    method(class, "__eq__", eq::<C>);
    // Mutable containers are unhashable, their subclasses too.
    class.attrs.borrow_mut().insert(sym::HASH, Value::None);
}

fn install_items<const C: u8>() {
    let class = class::<C>();
    method(class, "__getitem__", getitem::<C>);
    method(class, "__setitem__", setitem::<C>);
    method(class, "__delitem__", delitem::<C>);
    method(class, "__reversed__", reversed::<C>);
}

fn len<const C: u8>(a: &Args) -> PyResult {
    let me = noargs(a, class::<C>(), "__len__")?;
    Ok(Value::Int(ops::len_builtin(me).unwrap_or(0) as i64))
}

fn iter<const C: u8>(a: &Args) -> PyResult {
    protocol::get_iter(noargs(a, class::<C>(), "__iter__")?)
}

fn contains<const C: u8>(a: &Args) -> PyResult {
    let (me, x) = onearg(a, class::<C>(), "__contains__")?;
    let (me, x) = (me.clone(), x.clone());
    run_async(|ctx| async move { Ok(Value::Bool(protocol::contains(&ctx, &me, &x).await?)) })
}

fn repr<const C: u8>(a: &Args) -> PyResult {
    let me = noargs(a, class::<C>(), "__repr__")?.clone();
    let class = types().class_of(&a.pos[0]);
    run_async(|ctx| async move {
        Ok(Value::str(protocol::repr::carried_repr(&ctx, &class, &me, &Recursion::default()).await?))
    })
}

/// `==` with another value of the same builtin type (or a subclass's instance).
fn eq<const C: u8>(a: &Args) -> PyResult {
    let (me, other) = onearg(a, class::<C>(), "__eq__")?;
    let other = builtin_value(other);
    if std::mem::discriminant(me) != std::mem::discriminant(other) {
        return Ok(Value::NotImplemented);
    }
    let (me, other) = (me.clone(), other.clone());
    run_async(|ctx| async move { Ok(Value::Bool(protocol::eq(&ctx, &me, &other).await?)) })
}

fn getitem<const C: u8>(a: &Args) -> PyResult {
    let (me, key) = onearg(a, class::<C>(), "__getitem__")?;
    match me {
        Value::Dict(d) => ops::dict_item(d, key, &a.pos[0]),
        _ => ops::get_item(me, key),
    }
}

fn setitem<const C: u8>(a: &Args) -> PyResult {
    let (me, args) = varargs(a, class::<C>(), "__setitem__", 2, 2)?;
    ops::set_item(me, args[0].clone(), args[1].clone()).map(|_| Value::None)
}

fn delitem<const C: u8>(a: &Args) -> PyResult {
    let (me, key) = onearg(a, class::<C>(), "__delitem__")?;
    ops::del_item(me, key).map(|_| Value::None)
}

fn reversed<const C: u8>(a: &Args) -> PyResult {
    reversed_value(noargs(a, class::<C>(), "__reversed__")?.clone())
}
