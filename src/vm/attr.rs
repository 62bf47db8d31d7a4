//! Attribute access: instance attributes, class attributes through the MRO, descriptors
//! (methods, `property`, `staticmethod`, `classmethod`), `super()`, and builtin attributes.

use crate::intern::{intern, sym, Symbol};
use crate::object::class::Class;
use crate::object::function::BoundMethod;
use crate::object::instance::Instance;
use crate::object::Wrapper;
use crate::runtime::descriptors::missing_accessor;
use crate::runtime::exceptions::{self as ex, attribute_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

fn bound(receiver: Value, func: Value) -> Value {
    Value::BoundMethod(Rc::new(BoundMethod { receiver, func }))
}

/// Binds a class attribute found for `obj` (an instance, or the class itself when `obj` is None).
fn bind_class_attr(attr: Value, obj: &Value, class: &Rc<Class>) -> PyResult {
    match &attr {
        Value::Function(_) | Value::Native(_) if !obj.is_none() => Ok(bound(obj.clone(), attr)),
        Value::Wrapper(w) => match &**w {
            Wrapper::StaticMethod(f) => Ok(f.clone()),
            Wrapper::ClassMethod(f) => Ok(bound(Value::Class(class.clone()), f.clone())),
            Wrapper::Slot { .. } if !obj.is_none() => Ok(bound(obj.clone(), attr.clone())),
            Wrapper::Member { .. } if !obj.is_none() => {
                crate::runtime::slots::member_access(w, obj, None).unwrap_or_else(|| Ok(attr.clone()))
            }
            Wrapper::Property { fget, .. } if !obj.is_none() => {
                if fget.is_none() {
                    return Err(attribute_error("unreadable attribute"));
                }
                // A native getter (the fields of runtime types) is called on the spot.
                if let Value::Native(f) = fget {
                    return (f.func)(&crate::object::function::Args { pos: std::slice::from_ref(obj), kw: &[] });
                }
                let (fget, obj) = (fget.clone(), obj.clone());
                run_async(|ctx| async move { ctx.call(fget, vec![obj]).await })
            }
            _ => Ok(attr),
        },
        Value::Instance(d) => match d.class.lookup(sym::GET) {
            // A native `__get__` (named tuple fields) is called on the spot.
            Some(Value::Native(get)) => {
                let args = [attr.clone(), obj.clone(), Value::Class(class.clone())];
                (get.func)(&crate::object::function::Args { pos: &args, kw: &[] })
            }
            Some(get) => {
                let args = vec![attr.clone(), obj.clone(), Value::Class(class.clone())];
                run_async(|ctx| async move { ctx.call(get, args).await })
            }
            None => Ok(attr),
        },
        _ => Ok(attr),
    }
}

/// `obj.name`.
pub fn get_attr(obj: &Value, name: Symbol) -> PyResult {
    match obj {
        Value::Instance(inst) => instance_attr(obj, inst, name),
        Value::Class(c) => class_attr(c, name),
        Value::Module(m) => match m.get(name) {
            Some(v) => Ok(v),
            None => missing_module_attr(m, name),
        },
        Value::Wrapper(w) => wrapper_attr(obj, w, name),
        _ => builtin_attr(obj, name),
    }
}

/// The attributes of the runtime's descriptor objects and `super()`.
#[inline(never)]
fn wrapper_attr(obj: &Value, w: &Wrapper, name: Symbol) -> PyResult {
    match w {
        Wrapper::Super { class, obj: receiver } => super_attr(class, receiver, name),
        Wrapper::Property { fget, fset, fdel, doc } => match name.as_str() {
            "fget" => Ok(fget.clone()),
            "fset" => Ok(fset.clone()),
            "fdel" => Ok(fdel.clone()),
            "__doc__" => Ok(doc.clone()),
            "__isabstractmethod__" => any_abstract(&[fget, fset, fdel]),
            _ => builtin_attr(obj, name),
        },
        Wrapper::StaticMethod(f) | Wrapper::ClassMethod(f) => match name.as_str() {
            "__func__" | "__wrapped__" => Ok(f.clone()),
            "__isabstractmethod__" => any_abstract(&[f]),
            "__name__" | "__qualname__" | "__doc__" | "__module__" => get_attr(f, name),
            _ => builtin_attr(obj, name),
        },
        Wrapper::Slot { class, name: slot } => match name.as_str() {
            "__name__" => Ok(Value::str(slot.as_str())),
            "__qualname__" => Ok(Value::str(format!("{}.{}", class.name, slot))),
            "__objclass__" => Ok(Value::Class(class.clone())),
            "__doc__" => Ok(Value::None),
            _ => builtin_attr(obj, name),
        },
        Wrapper::Member { class, name: member, .. } => match (name.as_str(), class.upgrade()) {
            ("__name__", _) => Ok(Value::str(member.as_str())),
            ("__qualname__", Some(c)) => Ok(Value::str(format!("{}.{}", c.qualname(), member))),
            ("__objclass__", Some(c)) => Ok(Value::Class(c)),
            ("__doc__", _) => Ok(Value::None),
            _ => builtin_attr(obj, name),
        },
        _ => builtin_attr(obj, name),
    }
}

/// `__isabstractmethod__` of a descriptor wrapping `functions`: whether any of them is abstract.
fn any_abstract(functions: &[&Value]) -> PyResult {
    for f in functions {
        let Ok(v) = get_attr(f, intern("__isabstractmethod__")) else { continue };
        let abstract_ = match crate::vm::ops::truthy(&v) {
            Some(b) => b,
            None => matches!(
                run_async(|ctx| async move { crate::runtime::protocol::truthy(&ctx, &v).await.map(Value::Bool) })?,
                Value::Bool(true)
            ),
        };
        if abstract_ {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

/// A module attribute that is not one of its globals: `__dict__` and `__class__`, or what the
/// module's `__getattr__` function (PEP 562) gives, or CPython's AttributeError.
fn missing_module_attr(m: &Rc<crate::object::module::Module>, name: Symbol) -> PyResult {
    match name {
        sym::DICT => return Ok(Value::Dict(m.dict())),
        sym::CLASS => return Ok(Value::Class(types().module.clone())),
        _ => {}
    }
    if let Some(getattr) = m.get(sym::GETATTR) {
        return run_async(|ctx| async move { ctx.call(getattr, vec![Value::str(name.as_str())]).await });
    }
    let module = m.display_name();
    Err(attribute_error(if m.initializing.get() {
        format!(
            "partially initialized module '{}' has no attribute '{}' (most likely due to a circular import)",
            module, name
        )
    } else {
        format!("module '{}' has no attribute '{}'", module, name)
    }))
}

/// The attribute names `obj` has, as `dir(obj)` lists them (unsorted, without duplicates):
/// its own, then its class's along the MRO. Runs no script code.
pub fn attribute_names(obj: &Value) -> Vec<Symbol> {
    let mut names = indexmap::IndexSet::new();
    let classes = match obj {
        Value::Module(m) => {
            names.extend(m.items().into_iter().map(|(k, _)| k));
            return names.into_iter().collect();
        }
        Value::Class(c) => c.full_mro(),
        Value::Instance(inst) => {
            names.extend(inst.attrs.borrow().keys());
            inst.class.full_mro()
        }
        _ => {
            if let Value::Function(f) = obj {
                names.extend(f.attrs.borrow().keys().copied());
            }
            types().class_of(obj).full_mro()
        }
    };
    for c in classes {
        names.extend(c.attrs.borrow().keys().copied());
    }
    names.into_iter().collect()
}

/// `obj.name` if it is a stored value (a module global, an instance's own attribute, a class
/// attribute): never a property getter or `__getattr__`, so no script code runs.
pub fn peek_attr(obj: &Value, name: Symbol) -> Option<Value> {
    let found = match obj {
        Value::Module(m) => return m.get(name),
        Value::Instance(inst) => inst.attrs.borrow().get(&name).or_else(|| inst.class.lookup(name)),
        Value::Class(c) => c.lookup(name),
        _ => types().class_of(obj).lookup(name),
    }?;
    match &found {
        Value::Wrapper(w) if matches!(**w, Wrapper::Property { .. }) => None,
        _ => Some(found),
    }
}

/// `'T' object has no attribute 'name'`, with the exception's `name` and `obj` set.
pub fn no_attr(obj: &Value, name: Symbol) -> crate::vm::Flow {
    let e = attribute_error(format!("'{}' object has no attribute '{}'", type_name(obj), name));
    if let crate::vm::Flow::Raise(exc) = &e {
        let mut attrs = exc.attrs.borrow_mut();
        attrs.insert(intern("name"), Value::str(name.as_str()));
        attrs.insert(intern("obj"), obj.clone());
    }
    e
}

fn instance_attr(obj: &Value, inst: &Rc<Instance>, name: Symbol) -> PyResult {
    if inst.reads_plainly(name) {
        if let Some(v) = inst.attrs.borrow().get(&name) {
            return Ok(v);
        }
        // A miss still goes to `__getattr__`, if the class has one.
        if !inst.class.special_attrs.get() {
            return generic_get_attr(obj, inst, name);
        }
    }
    let getattribute = inst.class.lookup(sym::GETATTRIBUTE).filter(|f| !matches!(f, Value::Native(_)));
    let getattr = inst.class.lookup(sym::GETATTR);
    if getattribute.is_none() && getattr.is_none() {
        return generic_get_attr(obj, inst, name);
    }
    let (obj, inst) = (obj.clone(), inst.clone());
    run_async(|ctx| async move {
        let found = match getattribute {
            Some(f) => ctx.call(f, vec![obj.clone(), Value::str(name.as_str())]).await,
            None => ctx.resolve(generic_get_attr(&obj, &inst, name)).await,
        };
        match (found, getattr) {
            (Err(crate::vm::Flow::Raise(e)), Some(getattr)) if ex::is_instance_of(&e, ExcType::AttributeError) => {
                ctx.call(getattr, vec![obj, Value::str(name.as_str())]).await
            }
            (found, _) => found,
        }
    })
}

/// The getter of a property written in script that `inst.name` reads, when nothing comes
/// before it (a `__getattribute__`): the VM calls it in a frame instead of through a native.
pub fn script_getter(inst: &Instance, name: Symbol) -> Option<Value> {
    if inst.class.overrides_getattribute() {
        return None;
    }
    match inst.class.lookup(name)? {
        Value::Wrapper(w) => match &*w {
            Wrapper::Property { fget: f @ Value::Function(_), .. } => Some(f.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `object.__getattribute__`: data descriptors on the class, the instance's own attributes,
/// then other class attributes (binding methods, calling `__get__`).
pub fn generic_get_attr(obj: &Value, inst: &Rc<Instance>, name: Symbol) -> PyResult {
    generic_lookup(obj, inst, name).unwrap_or_else(|| Err(no_attr(obj, name)))
}

/// `obj.name`, or None where it is plainly missing (no `__getattr__` or `__getattribute__`
/// could supply it): `hasattr` and three-argument `getattr` ask this way, so that a miss
/// builds no AttributeError.
pub fn get_attr_or_missing(obj: &Value, name: Symbol) -> Option<PyResult> {
    if let Value::Instance(inst) = obj {
        if inst.reads_plainly(name) && !inst.class.special_attrs.get() {
            return generic_lookup(obj, inst, name);
        }
    }
    Some(get_attr(obj, name))
}

/// `generic_get_attr`, None for a miss.
fn generic_lookup(obj: &Value, inst: &Rc<Instance>, name: Symbol) -> Option<PyResult> {
    let class_attr = inst.class.lookup(name);
    if let Some(attr) = class_attr.as_ref().filter(|a| crate::object::class::is_data_descriptor(a)) {
        if let Some(r) = data_descriptor_get(attr, obj, inst, name) {
            return Some(r);
        }
    }
    if let Some(v) = inst.attrs.borrow().get(&name) {
        return Some(Ok(v));
    }
    if let Some(e) = inst.exc() {
        let e = e.borrow();
        match name.as_str() {
            "args" => return Some(Ok(Value::tuple(e.args.clone()))),
            "__cause__" => return Some(Ok(e.cause.clone().unwrap_or(Value::None))),
            "__context__" => return Some(Ok(e.context.clone().unwrap_or(Value::None))),
            "__suppress_context__" => return Some(Ok(Value::Bool(e.suppress_context))),
            "__traceback__" => return Some(Ok(crate::runtime::traceback_objects::traceback_object(&e.traceback))),
            "value" if inst.class.is_subclass(types().exc(ExcType::StopIteration)) => {
                return Some(Ok(e.args.first().cloned().unwrap_or(Value::None)))
            }
            "code" if inst.class.is_subclass(types().exc(ExcType::SystemExit)) => {
                return Some(Ok(match e.args.len() {
                    0 => Value::None,
                    1 => e.args[0].clone(),
                    _ => Value::tuple(e.args.clone()),
                }))
            }
            "message" if is_group(inst) => return Some(Ok(e.args.first().cloned().unwrap_or(Value::None))),
            "exceptions" if is_group(inst) => return Some(Ok(Value::tuple(group_members(&e.args)))),
            _ => {}
        }
    }
    match name {
        sym::CLASS => return Some(Ok(Value::Class(inst.class.clone()))),
        sym::DICT if inst.class.fixed_attrs.is_some() => return None,
        sym::DICT => return Some(Ok(Value::Dict(inst.attrs.borrow_mut().dict()))),
        _ => {}
    }
    let attr = class_attr.or_else(|| crate::runtime::slot_wrappers::find(&inst.class, name))?;
    Some(bind_class_attr(attr, obj, &inst.class))
}

/// Reading `obj.name` through the data descriptor `attr` found on its class; None for one
/// without `__get__`, which leaves reading to the instance's own attributes.
#[inline(never)]
fn data_descriptor_get(attr: &Value, obj: &Value, inst: &Rc<Instance>, name: Symbol) -> Option<PyResult> {
    match attr {
        Value::Instance(d) if d.class.lookup(sym::GET).is_none() => return None,
        Value::Wrapper(w) if matches!(**w, Wrapper::Property { fget: Value::None, .. }) => {
            return Some(Err(missing_accessor(name.as_str(), obj, "getter")))
        }
        _ => {}
    }
    Some(bind_class_attr(attr.clone(), obj, &inst.class))
}

/// A user descriptor's `__set__` or `__delete__` for `obj`, called with `args` after the
/// descriptor and `obj`; None when `attr` is not a user data descriptor.
fn descriptor_call(attr: &Value, obj: &Value, method: Symbol, args: Vec<Value>) -> Option<PyResult<()>> {
    let Value::Instance(d) = attr else { return None };
    if !crate::object::class::is_data_descriptor(attr) {
        return None;
    }
    let Some(f) = d.class.lookup(method) else {
        return Some(Err(attribute_error(method.as_str())));
    };
    let mut all = vec![attr.clone(), obj.clone()];
    all.extend(args);
    Some(run_async(|ctx| async move { ctx.call(f, all).await }).map(|_| ()))
}

fn class_attr(c: &Rc<Class>, name: Symbol) -> PyResult {
    // The type's data attributes come before the class's own.
    match name.as_str() {
        // As in CPython, a native type named with its module (`array.array`, the name its
        // messages use) has the part after the last dot as its `__name__`.
        "__name__" => return Ok(Value::str(c.name.as_str().rsplit('.').next().unwrap_or_default())),
        "__qualname__" => return Ok(Value::str(c.qualname().as_str())),
        "__mro__" => return Ok(Value::tuple(c.full_mro().into_iter().map(Value::Class).collect())),
        "__bases__" => return Ok(Value::tuple(c.bases.iter().cloned().map(Value::Class).collect())),
        "__base__" => return Ok(c.bases.first().cloned().map(Value::Class).unwrap_or(Value::None)),
        "__dict__" => {
            let items: Vec<Value> =
                c.attrs.borrow().iter().flat_map(|(k, v)| [Value::str(k.as_str()), v.clone()]).collect();
            return crate::runtime::protocol::make_dict(items);
        }
        "__class__" => return Ok(Value::Class(types().class_of(&Value::Class(c.clone())))),
        // A class's own annotations, never a base's.
        "__annotations__" if c.module != sym::BUILTINS => {
            let own = c.attrs.borrow().get(&name).cloned();
            return Ok(own.unwrap_or_else(|| {
                let d = Value::Dict(Rc::default());
                c.attrs.borrow_mut().insert(name, d.clone());
                d
            }));
        }
        _ => {}
    }
    let meta = types().class_of(&Value::Class(c.clone()));
    let meta_attr = meta.lookup(name);
    if let Some(Value::Wrapper(w)) = &meta_attr {
        if let Wrapper::Property { .. } = &**w {
            return bind_class_attr(meta_attr.clone().expect("attr"), &Value::Class(c.clone()), &meta);
        }
    }
    if let Some(v) = c.lookup(name).or_else(|| crate::runtime::slot_wrappers::find(c, name)) {
        return bind_class_attr(v, &Value::None, c);
    }
    if let Some(v) = meta_attr {
        return bind_class_attr(v, &Value::Class(c.clone()), &meta);
    }
    match name.as_str() {
        "__module__" => return Ok(Value::str(c.module.as_str())),
        "__doc__" => return Ok(Value::None),
        "__init__" => return Ok(crate::runtime::define::base_init()),
        _ => {}
    }
    if let Some(getattr) = c.metaclass.as_ref().and_then(|m| m.lookup(sym::GETATTR)) {
        let obj = Value::Class(c.clone());
        return run_async(|ctx| async move { ctx.call(getattr, vec![obj, Value::str(name.as_str())]).await });
    }
    Err(attribute_error(format!("type object '{}' has no attribute '{}'", c.qualname(), name)))
}

fn super_attr(class: &Rc<Class>, receiver: &Value, name: Symbol) -> PyResult {
    // `super(C, cls)` with cls a subclass of C walks cls's MRO and binds to classes;
    // otherwise the receiver is an instance of C.
    let (obj_class, is_class) = match receiver {
        Value::Class(c) if c.is_subclass(class) => (c.clone(), true),
        other => (types().class_of(other), false),
    };
    let mro = obj_class.full_mro();
    let start = mro.iter().position(|c| Rc::ptr_eq(c, class)).map(|i| i + 1).unwrap_or(mro.len());
    for c in &mro[start..] {
        let found = c.attrs.borrow().get(&name).cloned();
        if let Some(v) = found.or_else(|| crate::runtime::slot_wrappers::own(c, name)) {
            let obj = if is_class { Value::None } else { receiver.clone() };
            return bind_class_attr(v, &obj, &obj_class);
        }
        if name == sym::INIT
            && c.layout == crate::object::class::Layout::Exception
            && Rc::ptr_eq(c, types().exc(ExcType::BaseException))
        {
            break;
        }
    }
    if name == sym::INIT {
        // object.__init__ / BaseException.__init__: accept and store exception args.
        return Ok(bound(receiver.clone(), crate::runtime::define::base_init()));
    }
    Err(attribute_error(format!("'super' object has no attribute '{}'", name)))
}

/// Attributes of builtin values: methods of their type, and a few data attributes.
fn builtin_attr(obj: &Value, name: Symbol) -> PyResult {
    let class = types().class_of(obj);
    if let Some(v) = class.lookup(name).or_else(|| crate::runtime::slot_wrappers::find(&class, name)) {
        return bind_class_attr(v, obj, &class);
    }
    let s = name.as_str();
    let found = match (obj, s) {
        (_, "__class__") => Some(Value::Class(class.clone())),
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "real" | "numerator") => Some(match obj {
            Value::Bool(b) => Value::Int(*b as i64),
            _ => obj.clone(),
        }),
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "imag") => Some(Value::Int(0)),
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), "denominator") => Some(Value::Int(1)),
        (Value::Float(_), "real") => Some(obj.clone()),
        (Value::Float(_), "imag") => Some(Value::Float(0.0)),
        (Value::Complex(z), "real") => Some(Value::Float(z.re)),
        (Value::Complex(z), "imag") => Some(Value::Float(z.im)),
        (Value::Function(f), _) => function_attr(f, name),
        (Value::BoundMethod(m), "__self__") => Some(m.receiver.clone()),
        (Value::BoundMethod(m), "__func__") => Some(m.func.clone()),
        // Anything else a method's function has (`__name__`, `__doc__`, attributes a
        // decorator set), as CPython's method objects forward it.
        (Value::BoundMethod(m), _) => return get_attr(&m.func, name),
        (Value::Native(n), "__name__" | "__qualname__") => Some(Value::str(n.name)),
        (Value::Native(_), "__doc__") => Some(Value::None),
        (Value::Generator(g), "__name__") => Some(Value::str(g.code.name.as_str())),
        (Value::Generator(g), "__qualname__") => Some(Value::str(g.qualname())),
        (Value::Generator(g), "ag_running") if g.is_async_generator() => Some(Value::Bool(g.step_running.get())),
        (Value::Cell(c), "cell_contents") => match &*c.borrow() {
            Value::Null => return Err(ex::value_error("Cell is empty")),
            v => Some(v.clone()),
        },
        (Value::Slice(sl), "start") => Some(sl.start.clone()),
        (Value::Slice(sl), "stop") => Some(sl.stop.clone()),
        (Value::Slice(sl), "step") => Some(sl.step.clone()),
        (Value::Range(r), "start") => Some(Value::Int(r.start)),
        (Value::Range(r), "stop") => Some(Value::Int(r.stop)),
        (Value::Range(r), "step") => Some(Value::Int(r.step)),
        _ => None,
    };
    found.ok_or_else(|| no_attr(obj, name))
}

fn function_attr(f: &crate::object::function::Function, name: Symbol) -> Option<Value> {
    if let Some(v) = f.attrs.borrow().get(&name) {
        return Some(v.clone());
    }
    Some(match name.as_str() {
        "__name__" => Value::str(f.name.borrow().as_str()),
        "__qualname__" => Value::str(f.qualname.borrow().as_str()),
        "__doc__" => f.doc.clone(),
        // The defining module's `__name__`, which a module may set (as the library does).
        "__module__" => f.globals.get(sym::NAME).unwrap_or_else(|| Value::str(f.globals.name.as_str())),
        "__defaults__" => {
            let defaults = f.defaults.borrow();
            if defaults.is_empty() {
                Value::None
            } else {
                Value::tuple(defaults.clone())
            }
        }
        "__kwdefaults__" => {
            let kwdefaults = f.kwdefaults.borrow();
            if kwdefaults.is_empty() {
                Value::None
            } else {
                let items = kwdefaults.iter().flat_map(|(k, v)| [Value::str(k.as_str()), v.clone()]).collect();
                return crate::runtime::protocol::make_dict(items).ok();
            }
        }
        "__annotations__" => {
            let d = Value::Dict(Rc::default());
            f.attrs.borrow_mut().insert(name, d.clone());
            d
        }
        "__closure__" if f.closure.is_empty() => Value::None,
        "__closure__" => Value::tuple(f.closure.to_vec()),
        "__globals__" => return crate::vm::get_attr(&Value::Module(f.globals.clone()), sym::DICT).ok(),
        "__code__" => return Some(code_object(&f.code)),
        "__dict__" => {
            let items: Vec<Value> =
                f.attrs.borrow().iter().flat_map(|(k, v)| [Value::str(k.as_str()), v.clone()]).collect();
            return crate::runtime::protocol::make_dict(items).ok();
        }
        _ => return None,
    })
}

/// A minimal `__code__`: an object with the code's name, argument count, variable names,
/// file and first line.
pub fn code_object(code: &crate::bytecode::Code) -> Value {
    let class = types().code.clone();
    let inst = Rc::new(Instance::new(class));
    let names: Vec<Value> = code.local_names.iter().map(|n| Value::str(n.as_str())).collect();
    let fields = [
        ("co_name", Value::str(code.name.as_str())),
        ("co_qualname", Value::str(code.qualname.as_str())),
        ("co_argcount", Value::Int(code.argcount as i64)),
        ("co_posonlyargcount", Value::Int(code.posonly as i64)),
        ("co_kwonlyargcount", Value::Int(code.kwonly as i64)),
        ("co_varnames", Value::tuple(names)),
        ("co_filename", Value::str(code.source.name.as_str())),
        ("co_firstlineno", Value::Int(code.first_line() as i64)),
    ];
    for (k, v) in fields {
        inst.attrs.borrow_mut().insert(intern(k), v);
    }
    Value::Instance(inst)
}

/// `obj.name = v`.
pub fn set_attr(obj: &Value, name: Symbol, v: Value) -> PyResult<()> {
    match obj {
        Value::Instance(inst) if inst.writes_plainly(name) && name != sym::DICT => {
            inst.attrs.borrow_mut().insert(name, v);
            Ok(())
        }
        Value::Instance(inst) => {
            if let Some(setattr) = inst.class.lookup(sym::SETATTR).filter(|f| !is_object_setattr(f)) {
                let obj = obj.clone();
                return run_async(
                    |ctx| async move { ctx.call(setattr, vec![obj, Value::str(name.as_str()), v]).await },
                )
                .map(|_| ());
            }
            generic_set_attr(obj, inst, name, v)
        }
        Value::Class(c) => {
            // A metaclass's own `__setattr__` (enum's refuses to reassign members).
            if let Some(setattr) = meta_method(c, sym::SETATTR) {
                let obj = obj.clone();
                return run_async(
                    |ctx| async move { ctx.call(setattr, vec![obj, Value::str(name.as_str()), v]).await },
                )
                .map(|_| ());
            }
            set_class_attr(c, name, v)
        }
        Value::Function(f) => {
            match name.as_str() {
                "__name__" => *f.name.borrow_mut() = intern(v.as_str().unwrap_or("")),
                "__qualname__" => *f.qualname.borrow_mut() = v.as_str().unwrap_or("").to_string(),
                "__defaults__" => {
                    *f.defaults.borrow_mut() = match &v {
                        Value::None => Vec::new(),
                        Value::Tuple(t) => t.items.to_vec(),
                        _ => return Err(ex::type_error("__defaults__ must be set to a tuple object")),
                    }
                }
                "__kwdefaults__" => {
                    *f.kwdefaults.borrow_mut() = match &v {
                        Value::None => Vec::new(),
                        Value::Dict(d) => {
                            d.items().into_iter().map(|(k, v)| (intern(k.as_str().unwrap_or("")), v)).collect()
                        }
                        _ => return Err(ex::type_error("__kwdefaults__ must be set to a dict object")),
                    }
                }
                _ => {
                    f.attrs.borrow_mut().insert(name, v);
                }
            }
            Ok(())
        }
        Value::Module(m) => {
            m.set(name, v);
            Ok(())
        }
        _ => Err(read_only(obj, name)),
    }
}

/// The error for assigning to an attribute of a builtin value, worded as CPython words it.
fn read_only(obj: &Value, name: Symbol) -> crate::vm::Flow {
    let typ = type_name(obj);
    if let Some(Value::Native(_) | Value::Function(_)) = types().class_of(obj).lookup(name) {
        attribute_error(format!("'{}' object attribute '{}' is read-only", typ, name))
    } else if builtin_attr(obj, name).is_ok() {
        attribute_error(format!("attribute '{}' of '{}' objects is not writable", name, typ))
    } else {
        no_attr(obj, name)
    }
}

/// A script metaclass's `__setattr__` or `__delattr__` for class `c`, if it has one.
fn meta_method(c: &Class, name: Symbol) -> Option<Value> {
    c.metaclass.as_ref()?.lookup(name).filter(|f| !is_object_method(f, name))
}

/// `type.__setattr__`: binds a class attribute, or renames the class (`__qualname__`, which
/// the type keeps rather than the class's namespace).
pub fn set_class_attr(c: &Class, name: Symbol, v: Value) -> PyResult<()> {
    if name == sym::QUALNAME {
        let Value::Str(s) = &v else {
            return Err(ex::type_error(format!(
                "can only assign string to {}.__qualname__, not '{}'",
                c.name,
                type_name(&v)
            )));
        };
        c.set_qualname(s.s.to_string());
        return Ok(());
    }
    if matches!(name.as_str(), "__bases__" | "__mro__") {
        // A class's bases and MRO are fixed when it is made here.
        return Err(ex::raise(ExcType::NotImplementedError, format!("assigning {}.{}", c.name, name)));
    }
    // Assigning a property or `__setattr__` later changes how instances behave, the
    // subclasses' too.
    let affects_rules = c.affects_attr_rules(name, Some(&v));
    c.attrs.borrow_mut().insert(name, v);
    crate::object::class::classes_changed();
    if affects_rules {
        c.refresh_attr_rules();
    }
    Ok(())
}

/// `type.__delattr__`: unbinds a class attribute.
pub fn del_class_attr(c: &Class, name: Symbol) -> PyResult<()> {
    let removed = c.attrs.borrow_mut().shift_remove(&name);
    match removed {
        Some(v) => {
            crate::object::class::classes_changed();
            if c.affects_attr_rules(name, Some(&v)) {
                c.refresh_attr_rules();
            }
            Ok(())
        }
        None => Err(attribute_error(format!("type object '{}' has no attribute '{}'", c.qualname(), name))),
    }
}

/// Whether `f` is `object.__setattr__` itself, which needs no call to be honoured.
fn is_object_setattr(f: &Value) -> bool {
    is_object_method(f, sym::SETATTR)
}

/// Whether `f` is `object`'s own method `name`.
fn is_object_method(f: &Value, name: Symbol) -> bool {
    match (f, types().object.attrs.borrow().get(&name)) {
        (Value::Native(a), Some(Value::Native(b))) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

/// `object.__setattr__`: sets an instance attribute through a property's setter, if the
/// class has one for `name`, else in the instance's table (a user `__setattr__` is not called).
pub fn generic_set_attr(obj: &Value, inst: &Rc<Instance>, name: Symbol, v: Value) -> PyResult<()> {
    let class_attr = inst.class.lookup(name);
    if let Some(r) = class_attr.as_ref().and_then(|a| descriptor_call(a, obj, sym::SET, vec![v.clone()])) {
        return r;
    }
    if let Some(Value::Wrapper(w)) = class_attr {
        if let Some(r) = crate::runtime::slots::member_access(&w, obj, Some(v.clone())) {
            return r.map(|_| ());
        }
        if let Wrapper::Property { fset, .. } = &*w {
            if fset.is_none() {
                return Err(missing_accessor(name.as_str(), obj, "setter"));
            }
            let (fset, obj) = (fset.clone(), obj.clone());
            return run_async(|ctx| async move { ctx.call(fset, vec![obj, v]).await }).map(|_| ());
        }
    }
    if let Some(e) = inst.exc() {
        match name.as_str() {
            "__cause__" => {
                let mut e = e.borrow_mut();
                e.cause = if v.is_none() { None } else { Some(v) };
                e.suppress_context = true;
                return Ok(());
            }
            "__context__" => {
                e.borrow_mut().context = if v.is_none() { None } else { Some(v) };
                return Ok(());
            }
            "__traceback__" => {
                e.borrow_mut().traceback = crate::runtime::traceback_objects::chain_entries(&v)?;
                return Ok(());
            }
            "args" => {
                let items =
                    crate::runtime::protocol::unpack_fast(&v, usize::MAX).and_then(Result::ok).unwrap_or_default();
                e.borrow_mut().args = items;
                return Ok(());
            }
            _ => {}
        }
    }
    if inst.class.fixed_attrs.as_ref().is_some_and(|names| !names.contains(&name)) {
        // CPython sets no `name` or `obj` on this one.
        return Err(attribute_error(format!("'{}' object has no attribute '{}'", inst.class.name, name)));
    }
    if name == sym::DICT {
        let Value::Dict(d) = crate::object::instance::builtin_value(&v) else {
            return Err(ex::type_error(format!("__dict__ must be set to a dictionary, not a '{}'", type_name(&v))));
        };
        inst.attrs.borrow_mut().set_dict(d.clone());
        return Ok(());
    }
    inst.attrs.borrow_mut().insert(name, v);
    Ok(())
}

/// `object.__delattr__`: a data descriptor's deleter, else the instance's own attribute.
pub fn generic_del_attr(obj: &Value, inst: &Rc<Instance>, name: Symbol) -> PyResult<()> {
    let class_attr = inst.class.lookup(name);
    if let Some(r) = class_attr.as_ref().and_then(|a| descriptor_call(a, obj, sym::DELETE, Vec::new())) {
        return r;
    }
    if let Some(Value::Wrapper(w)) = class_attr {
        if let Some(r) = crate::runtime::slots::member_access(&w, obj, Some(Value::Null)) {
            return r.map(|_| ());
        }
        if let Wrapper::Property { fdel, .. } = &*w {
            if fdel.is_none() {
                return Err(missing_accessor(name.as_str(), obj, "deleter"));
            }
            let (fdel, obj) = (fdel.clone(), obj.clone());
            return run_async(|ctx| async move { ctx.call(fdel, vec![obj]).await }).map(|_| ());
        }
    }
    if name == sym::DICT && inst.class.fixed_attrs.is_none() {
        inst.attrs.borrow_mut().set_dict(Rc::default());
        return Ok(());
    }
    let removed = inst.attrs.borrow_mut().shift_remove(&name);
    match removed {
        Some(_) => Ok(()),
        None => Err(no_attr(obj, name)),
    }
}

/// `del obj.name`.
pub fn del_attr(obj: &Value, name: Symbol) -> PyResult<()> {
    match obj {
        Value::Instance(inst) if inst.class.overrides_delattr() => {
            if let Some(delattr) = inst.class.lookup(sym::DELATTR).filter(|f| !is_object_method(f, sym::DELATTR)) {
                let obj = obj.clone();
                return run_async(|ctx| async move { ctx.call(delattr, vec![obj, Value::str(name.as_str())]).await })
                    .map(|_| ());
            }
            generic_del_attr(obj, inst, name)
        }
        Value::Instance(inst) => generic_del_attr(obj, inst, name),
        Value::Class(c) => {
            if let Some(delattr) = meta_method(c, sym::DELATTR) {
                let obj = obj.clone();
                return run_async(|ctx| async move { ctx.call(delattr, vec![obj, Value::str(name.as_str())]).await })
                    .map(|_| ());
            }
            del_class_attr(c, name)
        }
        Value::Module(m) if m.delete(name) => Ok(()),
        Value::Module(m) => Err(attribute_error(format!("module '{}' has no attribute '{}'", m.display_name(), name))),
        _ => Err(ex::attribute_error(format!("'{}' object has no attribute '{}'", type_name(obj), name))),
    }
}

/// For `obj.name(...)`: the plain function to call with `obj` as first argument, when that
/// is what the attribute means (so no bound-method object is made).
pub fn lookup_method(obj: &Value, name: Symbol) -> Option<Value> {
    let class = match obj {
        Value::Instance(inst) => {
            if inst.attrs.borrow().contains_key(&name) {
                return None;
            }
            if inst.class.overrides_getattribute() {
                return None;
            }
            inst.class.clone()
        }
        Value::Class(_) | Value::Module(_) | Value::Wrapper(_) => return None,
        Value::Function(f) if f.attrs.borrow().contains_key(&name) => return None,
        other => types().class_of(other),
    };
    match class.lookup(name)? {
        f @ (Value::Function(_) | Value::Native(_)) => Some(f),
        _ => None,
    }
}

/// A special method looked up on the type and bound to `obj` (`__enter__`, `__exit__`).
pub fn lookup_bound(obj: &Value, name: Symbol) -> Option<Value> {
    let class = types().class_of(obj);
    let attr = class.lookup(name)?;
    bind_class_attr(attr, obj, &class).ok()
}

/// Whether an exception is an (Base)ExceptionGroup, whose args are `(message, exceptions)`.
pub fn is_group(inst: &Instance) -> bool {
    is_group_class(&inst.class)
}

pub fn is_group_class(class: &Class) -> bool {
    class.is_subclass(types().exc(ExcType::BaseExceptionGroup))
}

/// The sub-exceptions of an exception group's args.
pub fn group_members(args: &[Value]) -> Vec<Value> {
    args.get(1)
        .and_then(|v| crate::runtime::protocol::unpack_fast(v, usize::MAX))
        .and_then(Result::ok)
        .unwrap_or_default()
}
