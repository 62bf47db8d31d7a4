//! `_collections._tuplegetter(index, doc)`: the descriptor a named tuple class has for each
//! field. Reading it from an instance gives the tuple's item `index`; from the class, the
//! descriptor itself. It is a data descriptor (its `__set__` and `__delete__` refuse), so
//! fields are read-only, as in CPython. The doc is kept in the instance's own `__doc__`.

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{builtin_value, Instance, Payload};
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::method;
use crate::runtime::exceptions::{attribute_error, index_error, type_error};
use crate::runtime::protocol::repr_value;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

/// The field's position in the tuple.
struct TupleGetter(i64);

const DOC: &str = "__doc__";

pub fn make_class() -> Rc<Class> {
    let class = native_class("_collections", "_tuplegetter", vec![types().object.clone()]);
    method(&class, "__new__", |a| {
        let Some(Value::Class(cls)) = a.pos.first() else {
            return Err(type_error("_tuplegetter.__new__(X): X is not a type object"));
        };
        if !a.kw.is_empty() {
            return Err(type_error("_tuplegetter() takes no keyword arguments"));
        }
        if a.pos.len() != 3 {
            return Err(type_error(format!("_tuplegetter expected 2 arguments, got {}", a.pos.len() - 1)));
        }
        let index = match &a.pos[1] {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            other => {
                return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other))))
            }
        };
        let mut inst = Instance::new(cls.clone());
        inst.payload = Payload::Native(RefCell::new(Box::new(TupleGetter(index))));
        inst.attrs.borrow_mut().insert(intern(DOC), a.pos[2].clone());
        Ok(Value::Instance(Rc::new(inst)))
    });
    method(&class, "__get__", |a| {
        check_args(a, "__get__", 2, 3)?;
        let index = index_of(a)?;
        let (obj, owner) = (&a.pos[1], a.pos.get(2).unwrap_or(&Value::None));
        if obj.is_none() {
            if owner.is_none() {
                return Err(type_error("__get__(None, None) is invalid"));
            }
            return Ok(a.pos[0].clone());
        }
        let Value::Tuple(t) = builtin_value(obj) else {
            return Err(type_error(format!(
                "descriptor for index '{}' for tuple subclasses doesn't apply to '{}' object",
                index,
                type_name(obj)
            )));
        };
        usize::try_from(index)
            .ok()
            .and_then(|i| t.items.get(i))
            .cloned()
            .ok_or_else(|| index_error("tuple index out of range"))
    });
    method(&class, "__set__", |a| {
        check_args(a, "__set__", 3, 3)?;
        Err(attribute_error("can't set attribute"))
    });
    method(&class, "__delete__", |a| {
        check_args(a, "__delete__", 2, 2)?;
        Err(attribute_error("can't delete attribute"))
    });
    method(&class, "__repr__", |a| {
        check_args(a, "__repr__", 1, 1)?;
        let index = index_of(a)?;
        let Value::Str(doc) = repr_value(doc_of(&a.pos[0]))? else { unreachable!("repr gives a str") };
        Ok(Value::str(format!("_tuplegetter({}, {})", index, doc.s)))
    });
    method(&class, "__reduce__", |a| {
        check_args(a, "__reduce__", 1, 1)?;
        let index = index_of(a)?;
        let class = Value::Class(this(a)?.class.clone());
        Ok(Value::tuple(vec![class, Value::tuple(vec![Value::Int(index), doc_of(&a.pos[0])])]))
    });
    class
}

fn this(a: &Args) -> PyResult<Rc<Instance>> {
    match a.pos.first() {
        Some(Value::Instance(i)) if i.native::<TupleGetter>().is_some() => Ok(i.clone()),
        _ => Err(type_error("descriptor requires a '_collections._tuplegetter' object")),
    }
}

fn index_of(a: &Args) -> PyResult<i64> {
    Ok(this(a)?.native::<TupleGetter>().expect("checked by this()").0)
}

fn doc_of(getter: &Value) -> Value {
    match getter {
        Value::Instance(i) => i.attrs.borrow().get(&intern(DOC)).unwrap_or(Value::None),
        _ => Value::None,
    }
}
