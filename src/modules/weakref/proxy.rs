//! `weakref.proxy`: an object that stands for its referent, forwarding attribute access,
//! `str`, truth, length, items, iteration, comparison and (for callable referents) calls,
//! and raising `ReferenceError` once the referent died.

use super::{dead_referent, target_for};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::{str, truthy};
use crate::runtime::types;
use crate::runtime::weak::{watch, WeakTarget};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{del_attr, get_attr, set_attr, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

struct Proxy {
    target: WeakTarget,
}

thread_local! {
    static CLASSES: RefCell<Option<(Rc<Class>, Rc<Class>)>> = const { RefCell::new(None) };
}

/// `ProxyType` and `CallableProxyType`.
pub(super) fn make_classes() -> (Rc<Class>, Rc<Class>) {
    let plain = native_class("weakref", "ProxyType", vec![types().object.clone()]);
    let callable = native_class("weakref", "CallableProxyType", vec![types().object.clone()]);
    for class in [&plain, &callable] {
        install(class);
    }
    method(&callable, "__call__", |a| forward(a, "__call__"));
    CLASSES.with(|c| *c.borrow_mut() = Some((plain.clone(), callable.clone())));
    (plain, callable)
}

/// `weakref.proxy(obj, callback=None)`.
pub(super) fn proxy(a: &Args) -> PyResult {
    if a.pos.is_empty() {
        return Err(type_error("proxy expected at least 1 argument, got 0"));
    }
    check_args(a, "proxy", 1, 2)?;
    let obj = &a.pos[0];
    let callback = a.pos.get(1).cloned().unwrap_or(Value::None);
    let target = target_for(obj, &callback)?;
    let callable = crate::modules::builtins::is_callable(obj);
    let class = CLASSES.with(|c| {
        let c = c.borrow();
        let (plain, call) = c.as_ref().expect("made with the module");
        if callable {
            call.clone()
        } else {
            plain.clone()
        }
    });
    let (addr, notifies) = (target.addr(), target.notifies());
    let mut inst = Instance::new(class);
    inst.payload = Payload::Native(RefCell::new(Box::new(Proxy { target })));
    let inst = Rc::new(inst);
    if notifies {
        watch(addr, &inst, callback);
    }
    Ok(Value::Instance(inst))
}

/// The proxy's referent, or `ReferenceError` if it died.
fn live(v: &Value) -> PyResult {
    let target = match v {
        Value::Instance(i) => i.native::<Proxy>().map(|p| p.target.upgrade()),
        _ => None,
    };
    match target {
        Some(Some(obj)) => Ok(obj),
        Some(None) => Err(dead_referent()),
        None => Err(type_error("descriptor requires a 'weakref.ProxyType' object")),
    }
}

fn name_arg(v: &Value) -> PyResult<crate::intern::Symbol> {
    match v.as_str() {
        Some(s) => Ok(intern(s)),
        None => Err(type_error(format!("attribute name must be string, not '{}'", crate::runtime::type_name(v)))),
    }
}

/// Calls the referent's method `name` with the proxy's call's other arguments.
fn forward(a: &Args, name: &'static str) -> PyResult {
    let obj = live(&a.pos[0])?;
    let (args, kw) = (a.pos[1..].to_vec(), a.kw.to_vec());
    run_async(move |ctx| async move {
        let m = ctx.resolve(get_attr(&obj, intern(name))).await?;
        ctx.call_kw(m, args, kw).await
    })
}

macro_rules! forwards {
    ($class:expr, $($name:literal),*) => {
        $( method($class, $name, |a| forward(a, $name)); )*
    };
}

fn install(class: &Rc<Class>) {
    method(class, "__getattr__", |a| {
        check_args(a, "__getattr__", 2, 2)?;
        get_attr(&live(&a.pos[0])?, name_arg(&a.pos[1])?)
    });
    method(class, "__setattr__", |a| {
        check_args(a, "__setattr__", 3, 3)?;
        set_attr(&live(&a.pos[0])?, name_arg(&a.pos[1])?, a.pos[2].clone())?;
        Ok(Value::None)
    });
    method(class, "__delattr__", |a| {
        check_args(a, "__delattr__", 2, 2)?;
        del_attr(&live(&a.pos[0])?, name_arg(&a.pos[1])?)?;
        Ok(Value::None)
    });
    method(class, "__repr__", |a| {
        check_args(a, "__repr__", 1, 1)?;
        let me = a.pos[0].heap_ptr().unwrap_or(0);
        let obj = live(&a.pos[0]).unwrap_or(Value::None);
        let addr = obj.heap_ptr().unwrap_or(0);
        Ok(Value::str(format!("<weakproxy at {:#x} to {} at {:#x}>", me, crate::runtime::type_name(&obj), addr)))
    });
    method(class, "__str__", |a| {
        check_args(a, "__str__", 1, 1)?;
        let obj = live(&a.pos[0])?;
        run_async(move |ctx| async move { Ok(Value::str(str(&ctx, &obj).await?)) })
    });
    method(class, "__bool__", |a| {
        check_args(a, "__bool__", 1, 1)?;
        let obj = live(&a.pos[0])?;
        run_async(move |ctx| async move { Ok(Value::Bool(truthy(&ctx, &obj).await?)) })
    });
    method(class, "__hash__", |a| {
        Err(type_error(format!("unhashable type: 'weakref.{}'", crate::runtime::type_name(&a.pos[0]))))
    });
    forwards!(
        class,
        "__len__",
        "__iter__",
        "__next__",
        "__contains__",
        "__getitem__",
        "__setitem__",
        "__delitem__",
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__"
    );
    class.settle_attr_rules();
}
