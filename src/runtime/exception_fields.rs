//! The keyword fields of builtin exceptions: `ImportError(msg, name=None, path=None)`,
//! `AttributeError(msg, name=None, obj=None)` and `NameError(msg, name=None)`. Each field
//! reads None until set, by the constructor or by the interpreter raising the error.

use crate::intern::intern;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::PyResult;

/// Each class's keyword fields.
const FIELDS: [(ExcType, &[&str]); 3] = [
    (ExcType::ImportError, &["name", "path"]),
    (ExcType::AttributeError, &["name", "obj"]),
    (ExcType::NameError, &["name"]),
];

pub fn install() {
    for (class, fields) in FIELDS {
        let class = types().exc(class);
        let mut attrs = class.attrs.borrow_mut();
        for field in fields {
            attrs.insert(intern(field), Value::None);
        }
        if class.name.as_str() == "ImportError" {
            attrs.insert(intern("msg"), Value::None);
        }
        drop(attrs);
        method(class, "__init__", init);
    }
}

/// `__init__(self, *args, **fields)`: the arguments as any exception's, and the fields its
/// class takes (looked up through the MRO, so a subclass takes its base's).
fn init(a: &Args) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else { return Err(type_error("__init__ needs self")) };
    let Some((base, fields)) = FIELDS.iter().find(|(c, _)| inst.class.is_subclass(types().exc(*c))) else {
        return Err(type_error("__init__ of an exception without keyword fields"));
    };
    for (k, _) in a.kw {
        if !fields.contains(&k.as_str()) {
            return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", k, inst.class.name)));
        }
    }
    let args = a.pos[1..].to_vec();
    let mut attrs = inst.attrs.borrow_mut();
    if *base == ExcType::ImportError {
        attrs.insert(intern("msg"), if args.len() == 1 { args[0].clone() } else { Value::None });
    }
    for (k, v) in a.kw {
        attrs.insert(*k, v.clone());
    }
    drop(attrs);
    if let Some(e) = inst.exc() {
        e.borrow_mut().args = args;
    }
    Ok(Value::None)
}
