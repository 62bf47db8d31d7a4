//! The `weakref` module: `ref` and `proxy` natively over the runtime's weak references
//! (`runtime::weak`); the weak containers and `finalize` are coro code (`lib.coro`) over them.

mod proxy;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{raise, type_error};
use crate::runtime::protocol::{eq, hash};
use crate::runtime::types;
use crate::runtime::weak::{downgrade, watch, watchers, WeakTarget};
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

/// The state of a `weakref.ref`.
struct WeakRef {
    target: WeakTarget,
    callback: Value,
    /// The referent's hash, once asked for: a dead reference keeps answering it.
    hash: Option<i64>,
}

thread_local! {
    static REF_CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("weakref")));
    m.set(intern("__name__"), Value::str("weakref"));
    let ref_class = make_ref_class();
    REF_CLASS.with(|c| *c.borrow_mut() = Some(ref_class.clone()));
    m.set(intern("ref"), Value::Class(ref_class.clone()));
    m.set(intern("ReferenceType"), Value::Class(ref_class));
    let (proxy_class, callable_proxy_class) = proxy::make_classes();
    m.set(intern("ProxyType"), Value::Class(proxy_class.clone()));
    m.set(intern("CallableProxyType"), Value::Class(callable_proxy_class.clone()));
    m.set(intern("ProxyTypes"), Value::tuple(vec![Value::Class(proxy_class), Value::Class(callable_proxy_class)]));
    m.set(intern("proxy"), native("proxy", proxy::proxy));
    m.set(intern("getweakrefcount"), native("getweakrefcount", getweakrefcount));
    m.set(intern("getweakrefs"), native("getweakrefs", getweakrefs));
    m
}

/// The address of `v` as a referent, if it can be one.
fn referent_addr(v: &Value) -> Option<usize> {
    downgrade_quietly(v).map(|t| t.addr())
}

fn downgrade_quietly(v: &Value) -> Option<WeakTarget> {
    match v {
        Value::Instance(_) | Value::Function(_) | Value::Class(_) | Value::Set(_) | Value::Generator(_) => {
            downgrade(v).ok()
        }
        _ => None,
    }
}

fn getweakrefcount(a: &Args) -> PyResult {
    check_args(a, "getweakrefcount", 1, 1)?;
    let n = referent_addr(&a.pos[0]).map_or(0, |addr| watchers(addr).len());
    Ok(Value::Int(n as i64))
}

fn getweakrefs(a: &Args) -> PyResult {
    check_args(a, "getweakrefs", 1, 1)?;
    let refs = referent_addr(&a.pos[0]).map_or_else(Vec::new, watchers);
    Ok(Value::list(refs.into_iter().map(|(w, _)| Value::Instance(w)).collect()))
}

/// A weak reference to `obj`, checked referenceable; a callback needs a referent whose death
/// is noticed.
pub(super) fn target_for(obj: &Value, callback: &Value) -> PyResult<WeakTarget> {
    let target = downgrade(obj)?;
    if !matches!(callback, Value::None) && !target.notifies() {
        return Err(raise(
            ExcType::NotImplementedError,
            format!("weak reference callbacks on '{}' objects are not supported", crate::runtime::type_name(obj)),
        ));
    }
    Ok(target)
}

fn this(v: &Value) -> PyResult<std::cell::RefMut<'_, WeakRef>> {
    match v {
        Value::Instance(i) => i.native::<WeakRef>(),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires a 'weakref.ReferenceType' object"))
}

fn referent(v: &Value) -> PyResult<Option<Value>> {
    Ok(this(v)?.target.upgrade())
}

fn make_ref_class() -> Rc<Class> {
    let class = native_class("weakref", "ReferenceType", vec![types().object.clone()]);
    method(&class, "__new__", |a| {
        let Some(Value::Class(cls)) = a.pos.first() else {
            return Err(type_error("ReferenceType.__new__(X): X is not a type object"));
        };
        if a.pos.len() < 2 || a.pos.len() > 3 {
            let n = a.pos.len().saturating_sub(1);
            return Err(type_error(format!("__new__ expected at most 2 arguments, got {}", n)));
        }
        let obj = &a.pos[1];
        let callback = a.pos.get(2).cloned().unwrap_or(Value::None);
        let target = target_for(obj, &callback)?;
        let plain = REF_CLASS.with(|c| c.borrow().as_ref().is_some_and(|c| Rc::ptr_eq(c, cls)));
        // As in CPython, `ref(obj)` without a callback is the one such reference that exists.
        if plain && matches!(callback, Value::None) {
            let shared = watchers(target.addr()).into_iter().find(|(w, has_cb)| !has_cb && Rc::ptr_eq(&w.class, cls));
            if let Some((w, _)) = shared {
                return Ok(Value::Instance(w));
            }
        }
        let mut inst = Instance::new(cls.clone());
        let addr = target.addr();
        let notifies = target.notifies();
        inst.payload =
            Payload::Native(RefCell::new(Box::new(WeakRef { target, callback: callback.clone(), hash: None })));
        let inst = Rc::new(inst);
        if notifies {
            watch(addr, &inst, callback);
        }
        Ok(Value::Instance(inst))
    });
    // Subclasses pass `__new__`'s arguments on to `__init__`, which has nothing left to do.
    method(&class, "__init__", |_| Ok(Value::None));
    method(&class, "__call__", |a| {
        check_args(a, "__call__", 1, 1)?;
        Ok(referent(&a.pos[0])?.unwrap_or(Value::None))
    });
    method(&class, "__hash__", |a| {
        check_args(a, "__hash__", 1, 1)?;
        let r = a.pos[0].clone();
        if let Some(h) = this(&r)?.hash {
            return Ok(Value::Int(h));
        }
        let Some(obj) = referent(&r)? else { return Err(type_error("weak object has gone away")) };
        run_async(move |ctx| async move {
            let h = hash(&ctx, &obj).await?;
            this(&r)?.hash = Some(h);
            Ok(Value::Int(h))
        })
    });
    for (name, negate) in [("__eq__", false), ("__ne__", true)] {
        let f: crate::object::function::NativeFn =
            if negate { |a| compare_refs(a, true) } else { |a| compare_refs(a, false) };
        method(&class, name, f);
    }
    method(&class, "__repr__", |a| {
        check_args(a, "__repr__", 1, 1)?;
        let me = a.pos[0].heap_ptr().unwrap_or(0);
        Ok(Value::str(match referent(&a.pos[0])? {
            None => format!("<weakref at {:#x}; dead>", me),
            Some(obj) => format!("<weakref at {:#x}; to {}>", me, describe(&obj)),
        }))
    });
    let callback = native("__callback__", |a| {
        check_args(a, "__callback__", 1, 1)?;
        let r = this(&a.pos[0])?;
        // CPython forgets the callback once the referent is gone.
        Ok(if r.target.upgrade().is_some() { r.callback.clone() } else { Value::None })
    });
    let p = crate::object::Wrapper::Property { fget: callback, fset: Value::None, fdel: Value::None, doc: Value::None };
    class.attrs.borrow_mut().insert(intern("__callback__"), Value::Wrapper(Rc::new(p)));
    class.settle_attr_rules();
    class
}

/// `'Resource' at 0x...`, with the referent's name after for a function or class, as the
/// reprs of weak references and proxies describe their referent.
pub(super) fn describe(obj: &Value) -> String {
    let addr = obj.heap_ptr().unwrap_or(0);
    let name = match obj {
        Value::Function(f) => Some(f.name.borrow().to_string()),
        Value::Class(c) => Some(c.name.to_string()),
        _ => None,
    };
    let base = format!("'{}' at {:#x}", crate::runtime::type_name(obj), addr);
    match name {
        Some(n) => format!("{} ({})", base, n),
        None => base,
    }
}

/// `==` (or `!=`) of weak references: of their referents while both live, else identity.
fn compare_refs(a: &Args, negate: bool) -> PyResult {
    check_args(a, if negate { "__ne__" } else { "__eq__" }, 2, 2)?;
    let (x, y) = (a.pos[0].clone(), a.pos[1].clone());
    let Ok(other) = this(&y).map(|r| r.target.upgrade()) else { return Ok(Value::NotImplemented) };
    let mine = referent(&x)?;
    match (mine, other) {
        (Some(p), Some(q)) => run_async(move |ctx| async move {
            let same = eq(&ctx, &p, &q).await?;
            Ok(Value::Bool(same != negate))
        }),
        _ => Ok(Value::Bool(x.is(&y) != negate)),
    }
}

/// `ReferenceError` for a proxy whose referent died.
pub(super) fn dead_referent() -> Flow {
    raise(ExcType::ReferenceError, "weakly-referenced object no longer exists")
}
