//! `dir()` and `dir(obj)`.

use crate::intern::{intern, sym, Symbol};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::args::check_args;
use crate::runtime::exceptions::type_error;
use crate::runtime::{protocol, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

/// Names of CPython's builtin types that coro's classes do not hold as attributes: the
/// special methods each type defines itself (its own `__dict__`), and the data attributes
/// coro serves from the value (`real`, `start`, ...). `dir` lists them so that what it shows
/// for instances and classes matches CPython's.
#[rustfmt::skip]
const BUILTIN_NAMES: &[(&str, &[&str])] = &[
    (
        "object",
        &[
            "__class__", "__delattr__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__",
            "__getattribute__", "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__", "__le__",
            "__lt__", "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__", "__setattr__", "__sizeof__",
            "__str__", "__subclasshook__",
        ],
    ),
    (
        "int",
        &[
            "__abs__", "__add__", "__and__", "__bool__", "__ceil__", "__divmod__", "__doc__", "__eq__", "__float__",
            "__floor__", "__floordiv__", "__format__", "__ge__", "__getattribute__", "__getnewargs__", "__gt__",
            "__hash__", "__index__", "__int__", "__invert__", "__le__", "__lshift__", "__lt__", "__mod__", "__mul__",
            "__ne__", "__neg__", "__new__", "__or__", "__pos__", "__pow__", "__radd__", "__rand__", "__rdivmod__",
            "__repr__", "__rfloordiv__", "__rlshift__", "__rmod__", "__rmul__", "__ror__", "__round__", "__rpow__",
            "__rrshift__", "__rshift__", "__rsub__", "__rtruediv__", "__rxor__", "__sizeof__", "__sub__",
            "__truediv__", "__trunc__", "__xor__", "denominator", "imag", "numerator", "real",
        ],
    ),
    ("bool", &["__and__", "__doc__", "__new__", "__or__", "__rand__", "__repr__", "__ror__", "__rxor__", "__xor__"]),
    (
        "float",
        &[
            "__abs__", "__add__", "__bool__", "__ceil__", "__divmod__", "__doc__", "__eq__", "__float__", "__floor__",
            "__floordiv__", "__format__", "__ge__", "__getattribute__", "__getformat__", "__getnewargs__", "__gt__",
            "__hash__", "__int__", "__le__", "__lt__", "__mod__", "__mul__", "__ne__", "__neg__", "__new__",
            "__pos__", "__pow__", "__radd__", "__rdivmod__", "__repr__", "__rfloordiv__", "__rmod__", "__rmul__",
            "__round__", "__rpow__", "__rsub__", "__rtruediv__", "__sub__", "__truediv__", "__trunc__", "imag",
            "real",
        ],
    ),
    (
        "str",
        &[
            "__add__", "__contains__", "__doc__", "__eq__", "__format__", "__ge__", "__getattribute__",
            "__getitem__", "__getnewargs__", "__gt__", "__hash__", "__iter__", "__le__", "__len__", "__lt__",
            "__mod__", "__mul__", "__ne__", "__new__", "__repr__", "__rmod__", "__rmul__", "__sizeof__", "__str__",
        ],
    ),
    (
        "list",
        &[
            "__add__", "__class_getitem__", "__contains__", "__delitem__", "__doc__", "__eq__", "__ge__",
            "__getattribute__", "__getitem__", "__gt__", "__hash__", "__iadd__", "__imul__", "__init__", "__iter__",
            "__le__", "__len__", "__lt__", "__mul__", "__ne__", "__new__", "__repr__", "__reversed__", "__rmul__",
            "__setitem__", "__sizeof__",
        ],
    ),
    (
        "tuple",
        &[
            "__add__", "__class_getitem__", "__contains__", "__doc__", "__eq__", "__ge__", "__getattribute__",
            "__getitem__", "__getnewargs__", "__gt__", "__hash__", "__iter__", "__le__", "__len__", "__lt__",
            "__mul__", "__ne__", "__new__", "__repr__", "__rmul__",
        ],
    ),
    (
        "dict",
        &[
            "__class_getitem__", "__contains__", "__delitem__", "__doc__", "__eq__", "__ge__", "__getattribute__",
            "__getitem__", "__gt__", "__hash__", "__init__", "__ior__", "__iter__", "__le__", "__len__", "__lt__",
            "__ne__", "__new__", "__or__", "__repr__", "__reversed__", "__ror__", "__setitem__", "__sizeof__",
        ],
    ),
    (
        "set",
        &[
            "__and__", "__class_getitem__", "__contains__", "__doc__", "__eq__", "__ge__", "__getattribute__",
            "__gt__", "__hash__", "__iand__", "__init__", "__ior__", "__isub__", "__iter__", "__ixor__", "__le__",
            "__len__", "__lt__", "__ne__", "__new__", "__or__", "__rand__", "__reduce__", "__repr__", "__ror__",
            "__rsub__", "__rxor__", "__sizeof__", "__sub__", "__xor__",
        ],
    ),
    (
        "frozenset",
        &[
            "__and__", "__class_getitem__", "__contains__", "__doc__", "__eq__", "__ge__", "__getattribute__",
            "__gt__", "__hash__", "__iter__", "__le__", "__len__", "__lt__", "__ne__", "__new__", "__or__",
            "__rand__", "__reduce__", "__repr__", "__ror__", "__rsub__", "__rxor__", "__sizeof__", "__sub__",
            "__xor__",
        ],
    ),
    ("NoneType", &["__bool__", "__doc__", "__new__", "__repr__"]),
    (
        "BaseException",
        &[
            "__cause__", "__context__", "__delattr__", "__dict__", "__doc__", "__getattribute__", "__init__",
            "__new__", "__reduce__", "__repr__", "__setattr__", "__setstate__", "__str__", "__suppress_context__",
            "__traceback__", "args",
        ],
    ),
    (
        "function",
        &[
            "__annotations__", "__builtins__", "__call__", "__closure__", "__code__", "__defaults__", "__dict__",
            "__doc__", "__get__", "__globals__", "__kwdefaults__", "__module__", "__name__", "__new__",
            "__qualname__", "__repr__",
        ],
    ),
    (
        "range",
        &[
            "__bool__", "__contains__", "__doc__", "__eq__", "__ge__", "__getattribute__", "__getitem__", "__gt__",
            "__hash__", "__iter__", "__le__", "__len__", "__lt__", "__ne__", "__new__", "__reduce__", "__repr__",
            "__reversed__", "start", "step", "stop",
        ],
    ),
    (
        "slice",
        &[
            "__doc__", "__eq__", "__ge__", "__getattribute__", "__gt__", "__hash__", "__le__", "__lt__", "__ne__",
            "__new__", "__reduce__", "__repr__", "start", "step", "stop",
        ],
    ),
];

/// What every class a script defines has in its own `__dict__` besides its body's names.
const SCRIPT_CLASS_EXTRAS: &[&str] = &["__dict__", "__module__", "__weakref__"];

/// `dir()`: the names of the calling scope; `dir(obj)`: the attributes of `obj`. Sorted.
pub fn dir(a: &Args) -> PyResult {
    if !a.kw.is_empty() {
        return Err(type_error("dir() takes no keyword arguments"));
    }
    check_args(a, "dir", 0, 1)?;
    let Some(obj) = a.pos.first().cloned() else {
        return run_async(|ctx| async move { Ok(sorted_names(ctx.caller_names().await?)) });
    };
    // A module's own `__dir__` function (PEP 562), or an instance's class's method.
    let custom = match &obj {
        Value::Module(m) => m.get(sym::DIR).map(|f| (f, Vec::new())),
        Value::Instance(inst) => inst.class.lookup(sym::DIR).map(|f| (f, vec![obj.clone()])),
        _ => None,
    };
    {
        if let Some((custom, args)) = custom {
            return run_async(|ctx| async move {
                let names = ctx.call(custom, args).await?;
                let names = protocol::iterate(&ctx, &names).await?;
                let sorted = crate::modules::builtins::sort_values(&ctx, names, None, false).await?;
                Ok(Value::list(sorted))
            });
        }
    }
    Ok(sorted_names(attribute_names(&obj).into_iter().map(|n| Value::str(n.as_str())).collect()))
}

/// The names `dir(obj)` shows: coro's attributes plus the special methods CPython's builtin
/// types have (see `BUILTIN_NAMES`).
fn attribute_names(obj: &Value) -> Vec<Symbol> {
    let mut names = crate::vm::attribute_names(obj);
    let classes: Vec<Rc<Class>> = match obj {
        Value::Module(_) => Vec::new(),
        Value::Class(c) => c.full_mro(),
        _ => types().class_of(obj).full_mro(),
    };
    for class in classes {
        let extras: &[&str] = if class.module != sym::BUILTINS {
            SCRIPT_CLASS_EXTRAS
        } else {
            BUILTIN_NAMES.iter().find(|(name, _)| *name == class.name.as_str()).map_or(&[], |(_, names)| *names)
        };
        // A class with `__slots__` has `__dict__` and `__weakref__` only if they are slots.
        let slots = class.attrs.borrow().get(&intern("__slots__")).cloned();
        let slots = slots.and_then(|s| crate::runtime::slots::slot_list(&s).ok());
        let kept = |n: &&&str| slots.as_ref().is_none_or(|s| **n == "__module__" || s.contains(&intern(n)));
        names.extend(extras.iter().filter(kept).map(|n| intern(n)));
    }
    names
}

/// Sorted, without duplicates: every value is a str.
fn sorted_names(mut names: Vec<Value>) -> Value {
    names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    names.dedup_by(|a, b| a.as_str() == b.as_str());
    Value::list(names)
}
