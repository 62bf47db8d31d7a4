//! `class` statements and `type(name, bases, ns)`: resolving the bases (`__mro_entries__`),
//! choosing the metaclass, `__prepare__`, running the body, and turning a namespace into a
//! class (`__set_name__`, `__init_subclass__`).

use crate::intern::{intern, sym, Symbol};
use crate::object::class::{c3_mro, classes_changed, Attrs, Class, Layout};
use crate::object::dict::PyDict;
use crate::object::function::Function;
use crate::object::Wrapper;
use crate::runtime::exceptions::type_error;
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

/// The bases as classes; no bases means `object`.
pub fn check_bases(bases: Vec<Value>) -> PyResult<Vec<Rc<Class>>> {
    if bases.is_empty() {
        return Ok(vec![types().object.clone()]);
    }
    bases
        .into_iter()
        .map(|b| match b {
            Value::Class(c) => Ok(c),
            other => Err(type_error(format!("bases must be types, not {}", type_name(&other)))),
        })
        .collect()
}

/// The instance layout a class with this MRO (less itself) has. Instances can carry the
/// state of one builtin base only, as in CPython.
fn layout_of(mro: &[Rc<Class>]) -> PyResult<Layout> {
    let value_bases: Vec<&Rc<Class>> = mro.iter().filter(|c| carries_value(c)).collect();
    // A value base's own bases (bool's int) are the same lay-out.
    let distinct = value_bases.iter().filter(|c| !value_bases.iter().any(|d| !Rc::ptr_eq(c, d) && d.is_subclass(c)));
    if distinct.count() > 1 {
        return Err(type_error("multiple bases have instance lay-out conflict"));
    }
    if !value_bases.is_empty() {
        if mro.iter().any(|c| matches!(c.layout, Layout::Exception | Layout::Native)) {
            return Err(type_error("multiple bases have instance lay-out conflict"));
        }
        return Ok(Layout::Value);
    }
    Ok(mro.iter().map(|b| b.layout).find(|l| matches!(l, Layout::Exception | Layout::Native)).unwrap_or(Layout::Object))
}

/// Whether instances of a subclass of `c` carry a value of `c` (list, int, str, ...).
fn carries_value(c: &Rc<Class>) -> bool {
    let t = types();
    [&t.list, &t.dict, &t.set, &t.int, &t.float, &t.str, &t.tuple, &t.frozenset, &t.bytes]
        .into_iter()
        .any(|b| Rc::ptr_eq(c, b))
}

/// Bases that can be subclassed: the builtin types that cannot are refused with CPython's
/// message.
fn check_subclassable(bases: &[Rc<Class>]) -> PyResult<()> {
    let t = types();
    for b in bases {
        let final_type = [&t.bool, &t.none, &t.range, &t.slice, &t.function, &t.builtin_function, &t.method]
            .into_iter()
            .any(|f| Rc::ptr_eq(f, b));
        if final_type || (b.layout == Layout::Builtin && !carries_value(b) && !b.is_subclass(&t.type_)) {
            return Err(type_error(format!("type '{}' is not an acceptable base type", b.name)));
        }
    }
    Ok(())
}

/// The metaclass a class with these bases gets: the most derived of `meta` and the bases'
/// metaclasses, which must all lie on one line of inheritance.
fn most_derived_metaclass(meta: Rc<Class>, bases: &[Rc<Class>]) -> PyResult<Rc<Class>> {
    let mut winner = meta;
    for b in bases {
        let m = types().class_of(&Value::Class(b.clone()));
        if winner.is_subclass(&m) {
            continue;
        }
        if m.is_subclass(&winner) {
            winner = m;
            continue;
        }
        return Err(type_error(
            "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
        ));
    }
    Ok(winner)
}

/// Wraps the methods CPython makes implicitly static or class methods.
fn implicit_wrappers(attrs: &mut Attrs) {
    for (name, wrap) in [
        (sym::NEW, Wrapper::StaticMethod as fn(Value) -> Wrapper),
        (sym::INIT_SUBCLASS, Wrapper::ClassMethod),
        (intern("__class_getitem__"), Wrapper::ClassMethod),
    ] {
        if let Some(v) = attrs.get_mut(&name) {
            if let Value::Function(_) = v {
                *v = Value::Wrapper(Rc::new(wrap(v.clone())));
            }
        }
    }
}

/// Makes the class object from a finished namespace (no hooks run). `metaclass` is the
/// class's class, `type` included.
pub fn make_class(name: &str, bases: Vec<Rc<Class>>, mut attrs: Attrs, metaclass: &Rc<Class>) -> PyResult<Rc<Class>> {
    check_subclassable(&bases)?;
    if let Some(dup) = bases.iter().enumerate().find(|(i, b)| bases[..*i].iter().any(|x| Rc::ptr_eq(x, b))) {
        return Err(type_error(format!("duplicate base class {}", dup.1.name)));
    }
    let mro = c3_mro(&bases).map_err(type_error)?;
    let layout = layout_of(&mro)?;
    let class_cell = attrs.shift_remove(&sym::CLASS_CELL);
    let qualname = match attrs.shift_remove(&sym::QUALNAME) {
        Some(Value::Str(s)) => s.s.to_string(),
        Some(other) => {
            return Err(type_error(format!("type __qualname__ must be a str, not {}", type_name(&other))));
        }
        None => name.to_string(),
    };
    let module = match attrs.get(&sym::MODULE) {
        Some(Value::Str(s)) => intern(&s.s),
        _ => sym::MAIN,
    };
    if !attrs.contains_key(&sym::MODULE) {
        attrs.insert(sym::MODULE, Value::str(module.as_str()));
    }
    implicit_wrappers(&mut attrs);
    // A class that defines `__eq__` but not `__hash__` is unhashable.
    if attrs.contains_key(&sym::EQ) && !attrs.contains_key(&sym::HASH) {
        attrs.insert(sym::HASH, Value::None);
    }
    let fixed_attrs = crate::runtime::slots::fixed_attrs(&attrs, name, &mro)?;
    let mut class = Class::new(intern(name), qualname, module, bases, mro, layout);
    *class.attrs.get_mut() = attrs;
    class.fixed_attrs = fixed_attrs;
    if !Rc::ptr_eq(metaclass, &types().type_) {
        class.metaclass = Some(metaclass.clone());
    }
    let class = Rc::new(class);
    crate::runtime::slots::install_members(&class)?;
    class.settle_attr_rules();
    class.custom_call.set(crate::runtime::type_object::needs_new(&class) || class.metaclass.is_some());
    for b in &class.bases {
        b.subclasses.borrow_mut().push(Rc::downgrade(&class));
    }
    if let Some(Value::Cell(cell)) = class_cell {
        *cell.borrow_mut() = Value::Class(class.clone());
    }
    classes_changed();
    Ok(class)
}

/// The hooks a new class runs: each attribute's `__set_name__`, then the parent's
/// `__init_subclass__` with the class keywords.
async fn class_hooks(ctx: &Ctx, class: &Rc<Class>, kw: Vec<(Symbol, Value)>) -> PyResult<()> {
    let items: Vec<(Symbol, Value)> = class.attrs.borrow().iter().map(|(k, v)| (*k, v.clone())).collect();
    for (k, v) in items {
        if let Some(set_name) = crate::vm::lookup_bound(&v, sym::SET_NAME) {
            ctx.call(set_name, vec![Value::Class(class.clone()), Value::str(k.as_str())]).await?;
        }
    }
    // `super(class, class).__init_subclass__(**kw)`; object's refuses keywords.
    let hook = crate::vm::get_attr(
        &Value::Wrapper(Rc::new(Wrapper::Super { class: class.clone(), obj: Value::Class(class.clone()) })),
        sym::INIT_SUBCLASS,
    )?;
    ctx.call_kw(hook, Vec::new(), kw).await?;
    Ok(())
}

/// A namespace dict's items as class attributes (keys must be strings).
fn attrs_of(ns: &Value) -> PyResult<Attrs> {
    let Value::Dict(d) = crate::object::instance::builtin_value(ns) else {
        return Err(type_error(format!("type.__new__() argument 3 must be dict, not {}", type_name(ns))));
    };
    let mut attrs = Attrs::default();
    for (k, v) in d.items() {
        let Value::Str(s) = &k else { return Err(type_error("type.__new__(): namespace keys must be strings")) };
        attrs.insert(intern(&s.s), v);
    }
    Ok(attrs)
}

/// `type.__new__(mcls, name, bases, ns, **kw)`; `type(x)` when called with one argument.
pub fn type_new(a: &crate::object::function::Args) -> PyResult {
    let t = types();
    let Some(Value::Class(mcls)) = a.pos.first() else {
        return Err(type_error("type.__new__(X): X is not a type object"));
    };
    if !mcls.is_subclass(&t.type_) {
        return Err(type_error(format!("type.__new__({}): {} is not a subtype of type", mcls.name, mcls.name)));
    }
    match &a.pos[1..] {
        [v] if Rc::ptr_eq(mcls, &t.type_) && a.kw.is_empty() => Ok(Value::Class(t.class_of(v))),
        [name, bases, ns] => {
            let Value::Str(name) = name else {
                return Err(type_error(format!("type.__new__() argument 1 must be str, not {}", type_name(name))));
            };
            let Value::Tuple(bases) = bases else {
                return Err(type_error(format!("type.__new__() argument 2 must be tuple, not {}", type_name(bases))));
            };
            let base_values = bases.items.to_vec();
            let bases = check_bases(base_values.clone())?;
            let meta = most_derived_metaclass(mcls.clone(), &bases)?;
            // A more derived metaclass with a `__new__` of its own makes the class (as
            // `type('C', (SomeABC,), ns)` must run ABCMeta's).
            if !Rc::ptr_eq(&meta, mcls) {
                if let Some(new) = script_metaclass_new(&meta) {
                    let args = vec![Value::Class(meta), a.pos[1].clone(), Value::tuple(base_values), a.pos[3].clone()];
                    let kw = a.kw.to_vec();
                    return run_async(|ctx| async move { ctx.call_kw(new, args, kw).await });
                }
            }
            let class = make_class(&name.s, bases, attrs_of(ns)?, &meta)?;
            let kw = a.kw.to_vec();
            run_async(|ctx| async move {
                class_hooks(&ctx, &class, kw).await?;
                Ok(Value::Class(class))
            })
        }
        _ if Rc::ptr_eq(mcls, &t.type_) => Err(type_error("type() takes 1 or 3 arguments")),
        _ => Err(type_error("type.__new__() takes exactly 3 arguments")),
    }
}

/// The `__new__` a script metaclass defines (a function held as a staticmethod).
fn script_metaclass_new(meta: &Class) -> Option<Value> {
    match meta.lookup(sym::NEW)? {
        Value::Wrapper(w) => match &*w {
            Wrapper::StaticMethod(f @ Value::Function(_)) => Some(f.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `type.__init__(cls, ...)`: checks the arguments; the class is already made.
pub fn type_init(a: &crate::object::function::Args) -> PyResult {
    match a.pos.len() {
        2 if !a.kw.is_empty() => Err(type_error("type.__init__() takes no keyword arguments")),
        2 | 4 => Ok(Value::None),
        _ => Err(type_error("type.__init__() takes 1 or 3 arguments")),
    }
}

/// A base's `__mro_entries__`: its type's, or a function's own attribute (typing's
/// `NamedTuple` and `TypedDict` are functions that carry one).
fn mro_entries_method(base: &Value) -> Option<Value> {
    let name = intern("__mro_entries__");
    match base {
        Value::Function(f) => f.attrs.borrow().get(&name).cloned(),
        _ => crate::vm::lookup_bound(base, name),
    }
}

/// A `class` statement: `BuildClass` with the class body function, the name, the bases and
/// the class keywords (`metaclass=` among them).
pub fn build_class(body: Rc<Function>, name: Value, bases: Vec<Value>, mut kw: Vec<(Symbol, Value)>) -> PyResult {
    run_async(move |ctx| async move {
        let orig_bases = bases.clone();
        let mut resolved = Vec::with_capacity(bases.len());
        let mut changed = false;
        for b in bases {
            if let Value::Class(_) = b {
                resolved.push(b);
                continue;
            }
            match mro_entries_method(&b) {
                Some(m) => {
                    let entries = ctx.call(m, vec![Value::tuple(orig_bases.clone())]).await?;
                    let Value::Tuple(t) = entries else {
                        return Err(type_error("__mro_entries__ must return a tuple"));
                    };
                    resolved.extend(t.items.iter().cloned());
                    changed = true;
                }
                None => resolved.push(b),
            }
        }
        let explicit = kw.iter().position(|(k, _)| k.as_str() == "metaclass").map(|i| kw.remove(i).1);
        let base_classes = match explicit {
            Some(_) if resolved.is_empty() => Vec::new(),
            _ => check_bases(resolved.clone())?,
        };
        let meta = match explicit {
            Some(Value::Class(m)) => Value::Class(most_derived_metaclass(m, &base_classes)?),
            Some(other) => other,
            None => Value::Class(most_derived_metaclass(types().type_.clone(), &base_classes)?),
        };
        // As CPython: the `__name__` of the globals (which a module may reassign).
        let module = intern(&body.globals.display_name());
        let name_str = name.as_str().unwrap_or("?").to_string();
        let bases_tuple = Value::tuple(resolved.clone());
        // The body's names go to this dict (which `locals()` in the body returns), then to
        // the metaclass.
        let mut ns = Rc::new(PyDict::default());
        if let Some(prepare) = crate::vm::peek_attr(&meta, intern("__prepare__")).filter(|p| !is_type_prepare(p)) {
            let prepare =
                crate::vm::get_attr(&meta, intern("__prepare__")).or_else(|_| Ok::<_, crate::vm::Flow>(prepare))?;
            let mapping = ctx.call_kw(prepare, vec![name.clone(), bases_tuple.clone()], kw.clone()).await?;
            match mapping {
                Value::Dict(d) => ns = d,
                other => {
                    return Err(crate::runtime::exceptions::raise(
                        ExcType::NotImplementedError,
                        format!("__prepare__ returning a {} namespace", type_name(&other)),
                    ))
                }
            }
        }
        ns.insert_str(sym::MODULE.as_str(), Value::str(module.as_str()));
        ctx.run_class_body(body, ns.clone()).await?;
        if changed {
            ns.insert_str("__orig_bases__", Value::tuple(orig_bases));
        }
        match &meta {
            Value::Class(m) if Rc::ptr_eq(m, &types().type_) => {
                let attrs = attrs_of(&Value::Dict(ns))?;
                let class = make_class(&name_str, check_bases(resolved)?, attrs, m)?;
                class_hooks(&ctx, &class, kw).await?;
                Ok(Value::Class(class))
            }
            _ => ctx.call_kw(meta.clone(), vec![name, bases_tuple, Value::Dict(ns)], kw).await,
        }
    })
}

/// Whether `p` is `type.__prepare__`, whose empty dict needs no call.
fn is_type_prepare(p: &Value) -> bool {
    let own = types().type_.attrs.borrow().get(&intern("__prepare__")).cloned();
    matches!((p, own), (Value::Wrapper(a), Some(Value::Wrapper(b))) if Rc::ptr_eq(a, &b))
}

/// A class implemented in Rust, whose instances carry a native payload.
pub fn native_class(module: &str, name: &str, bases: Vec<Rc<Class>>) -> Rc<Class> {
    let mro = c3_mro(&bases).unwrap_or_default();
    Rc::new(Class::new(intern(name), name.to_string(), intern(module), bases, mro, Layout::Native))
}
