//! `type` and `object` as scripts see them: `type.__call__` (`__new__` then `__init__`),
//! `object.__new__`, the builtin types' `__new__`, and the methods classes have through
//! their metaclass (`mro`, `__subclasses__`, `__instancecheck__`, ...).

use crate::intern::{intern, sym, Symbol};
use crate::object::class::{Class, Layout};
use crate::object::function::{Args, NativeFn};
use crate::object::instance::Instance;
use crate::object::Wrapper;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::type_error;
use crate::runtime::{class_builder, type_name, types};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    t.type_.custom_call.set(true);
    let type_attrs = [
        ("__new__", class_builder::type_new as NativeFn),
        ("__init__", class_builder::type_init),
        ("__call__", type_call),
    ];
    for (name, f) in type_attrs {
        t.type_.attrs.borrow_mut().insert(intern(name), native(name, f));
    }
    method(&t.type_, "mro", |a| {
        Ok(Value::list(class_arg(a, "mro")?.full_mro().into_iter().map(Value::Class).collect()))
    });
    method(&t.type_, "__subclasses__", |a| {
        let c = class_arg(a, "__subclasses__")?;
        let subs = c.subclasses.borrow().iter().filter_map(|w| w.upgrade()).map(Value::Class).collect();
        Ok(Value::list(subs))
    });
    method(&t.type_, "__instancecheck__", |a| {
        let c = class_arg(a, "__instancecheck__")?;
        let v = a.pos.get(1).ok_or_else(|| type_error("__instancecheck__() takes exactly one argument (0 given)"))?;
        Ok(Value::Bool(types().class_of(v).is_subclass(&c)))
    });
    method(&t.type_, "__subclasscheck__", |a| {
        let c = class_arg(a, "__subclasscheck__")?;
        match a.pos.get(1) {
            Some(Value::Class(sub)) => Ok(Value::Bool(sub.is_subclass(&c))),
            _ => Err(type_error("issubclass() arg 1 must be a class")),
        }
    });
    let prepare = native("__prepare__", |_| crate::runtime::protocol::make_dict(Vec::new()));
    t.type_.attrs.borrow_mut().insert(intern("__prepare__"), Value::Wrapper(Rc::new(Wrapper::ClassMethod(prepare))));
    t.object.attrs.borrow_mut().insert(sym::NEW, native("__new__", object_new));
    let init_subclass = native("__init_subclass__", |a| match (a.pos.first(), a.kw.is_empty()) {
        (Some(Value::Class(c)), false) => {
            Err(type_error(format!("{}.__init_subclass__() takes no keyword arguments", c.name)))
        }
        _ => Ok(Value::None),
    });
    t.object
        .attrs
        .borrow_mut()
        .insert(sym::INIT_SUBCLASS, Value::Wrapper(Rc::new(Wrapper::ClassMethod(init_subclass))));
}

fn class_arg(a: &Args, name: &str) -> PyResult<Rc<Class>> {
    match a.pos.first() {
        Some(Value::Class(c)) => Ok(c.clone()),
        Some(other) => Err(type_error(format!(
            "descriptor '{}' requires a 'type' object but received a '{}'",
            name,
            type_name(other)
        ))),
        None => Err(type_error(format!("unbound method type.{}() needs an argument", name))),
    }
}

/// `type.__call__(cls, *args, **kw)`.
fn type_call(a: &Args) -> PyResult {
    let cls = class_arg(a, "__call__")?;
    let (args, kw) = (a.pos[1..].to_vec(), a.kw.to_vec());
    run_async(|ctx| async move { instantiate(&ctx, cls, args, kw).await })
}

/// Whether `f` is a script `__new__` (a function, as a class body's `__new__` becomes a
/// staticmethod holding one).
fn script_new(f: &Value) -> Option<Value> {
    match f {
        Value::Wrapper(w) => match &**w {
            Wrapper::StaticMethod(f) => Some(f.clone()),
            _ => None,
        },
        Value::Function(_) | Value::BoundMethod(_) => Some(f.clone()),
        _ => None,
    }
}

/// Whether instances of `cls` need the general `__new__`-then-`__init__` protocol: a script
/// `__new__` somewhere in its MRO, or an immutable builtin base whose value is made there.
pub fn needs_new(cls: &Class) -> bool {
    cls.lookup(sym::NEW).as_ref().and_then(script_new).is_some()
        || cls.value_base().is_some_and(|b| !is_mutable_container(b))
        || cls.is_subclass(&types().type_)
}

fn is_mutable_container(c: &Rc<Class>) -> bool {
    let t = types();
    [&t.list, &t.dict, &t.set].into_iter().any(|b| Rc::ptr_eq(b, c))
}

/// `cls(*args, **kw)` as `type.__call__` does it: `cls.__new__`, then, when it made an
/// instance of `cls`, that instance's `__init__`.
pub async fn instantiate(ctx: &Ctx, cls: Rc<Class>, args: Vec<Value>, kw: Vec<(Symbol, Value)>) -> PyResult {
    let t = types();
    if Rc::ptr_eq(&cls, &t.type_) && args.len() == 1 && kw.is_empty() {
        return Ok(Value::Class(t.class_of(&args[0])));
    }
    let new = cls.lookup(sym::NEW);
    let mut new_args = vec![Value::Class(cls.clone())];
    new_args.extend(args.iter().cloned());
    let obj = match new {
        Some(new) => ctx.call_kw(script_new(&new).unwrap_or(new), new_args, kw.clone()).await?,
        None => return Err(type_error(format!("cannot create '{}' instances", cls.name))),
    };
    let obj_class = t.class_of(&obj);
    if !obj_class.is_subclass(&cls) {
        return Ok(obj);
    }
    match obj_class.lookup(sym::INIT) {
        Some(init) => {
            let mut init_args = vec![obj.clone()];
            init_args.extend(args);
            let init = match &init {
                Value::Wrapper(_) => crate::vm::get_attr(&obj, sym::INIT)?,
                _ => {
                    let r = ctx.call_kw(init, init_args, kw).await?;
                    if !r.is_none() {
                        return Err(type_error(format!("__init__() should return None, not '{}'", type_name(&r))));
                    }
                    return Ok(obj);
                }
            };
            ctx.call_kw(init, init_args[1..].to_vec(), kw).await?;
        }
        None => {
            let overrides_new = cls.lookup(sym::NEW).as_ref().and_then(script_new).is_some();
            if (!args.is_empty() || !kw.is_empty()) && !overrides_new && obj_class.layout == Layout::Object {
                return Err(type_error(format!("{}() takes no arguments", cls.name)));
            }
        }
    }
    Ok(obj)
}

/// `object.__new__(cls, *args)`.
fn object_new(a: &Args) -> PyResult {
    let Some(first) = a.pos.first() else {
        return Err(type_error("object.__new__(): not enough arguments"));
    };
    let Value::Class(cls) = first else {
        return Err(type_error(format!("object.__new__(X): X is not a type object ({})", type_name(first))));
    };
    if cls.layout == Layout::Builtin || cls.layout == Layout::Native {
        return Err(type_error(format!(
            "object.__new__({}) is not safe, use {}.__new__()",
            cls.name,
            cls.value_base().map_or(cls.name, |b| b.name)
        )));
    }
    let excess = a.pos.len() > 1 || !a.kw.is_empty();
    if excess && cls.layout != Layout::Exception {
        let overrides_new = cls.lookup(sym::NEW).as_ref().and_then(script_new).is_some();
        if overrides_new || cls.lookup(sym::INIT).is_none() {
            return Err(type_error(if overrides_new {
                "object.__new__() takes exactly one argument (the type to instantiate)".to_string()
            } else {
                format!("{}() takes no arguments", cls.name)
            }));
        }
    }
    let inst = Instance::new(cls.clone());
    if let Some(e) = inst.exc() {
        e.borrow_mut().args = a.pos[1..].to_vec();
    }
    Ok(Value::Instance(Rc::new(inst)))
}

/// `int.__new__(cls, ...)` and the like: a builtin type's constructor `ctor` run for `cls`,
/// which is `base` or a script subclass whose instances carry the value made.
pub fn builtin_new(base: &Rc<Class>, ctor: NativeFn, a: &Args) -> PyResult {
    let Some(first) = a.pos.first() else {
        return Err(type_error(format!("{}.__new__(): not enough arguments", base.name)));
    };
    let Value::Class(cls) = first else {
        return Err(type_error(format!("{}.__new__(X): X is not a type object ({})", base.name, type_name(first))));
    };
    if !cls.is_subclass(base) {
        return Err(type_error(format!(
            "{}.__new__({}): {} is not a subtype of {}",
            base.name, cls.name, cls.name, base.name
        )));
    }
    if is_mutable_container(base) && !Rc::ptr_eq(cls, base) {
        // The value is filled in by `__init__`.
        return Ok(Value::Instance(Rc::new(Instance::new(cls.clone()))));
    }
    let r = ctor(&Args { pos: &a.pos[1..], kw: a.kw });
    if Rc::ptr_eq(cls, base) {
        return r;
    }
    let cls = cls.clone();
    run_async(|ctx| async move {
        let v = ctx.resolve(r).await?;
        Ok(Value::Instance(Rc::new(Instance::with_value(cls, v))))
    })
}
