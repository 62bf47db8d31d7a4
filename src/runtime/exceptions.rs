//! Creating exceptions from Rust, with CPython's classes and messages.

use super::types;
use crate::object::class::Class;
use crate::object::instance::Instance;
use crate::value::Value;
use crate::vm::{Exc, Flow};
use std::rc::Rc;

/// A new exception instance of `class` with the given args.
pub fn new_exception(class: &Rc<Class>, args: Vec<Value>) -> Exc {
    let inst = Instance::new(class.clone());
    if let Some(e) = inst.exc() {
        e.borrow_mut().args = args;
    }
    Rc::new(inst)
}

/// `Err` of an exception of the named builtin class with one message argument.
pub fn raise(class_name: &str, msg: impl Into<String>) -> Flow {
    Flow::Raise(new_exception(types().exc(class_name), vec![Value::str(msg.into())]))
}

pub fn type_error(msg: impl Into<String>) -> Flow {
    raise("TypeError", msg)
}

pub fn value_error(msg: impl Into<String>) -> Flow {
    raise("ValueError", msg)
}

pub fn index_error(msg: impl Into<String>) -> Flow {
    raise("IndexError", msg)
}

pub fn attribute_error(msg: impl Into<String>) -> Flow {
    raise("AttributeError", msg)
}

pub fn zero_division(msg: impl Into<String>) -> Flow {
    raise("ZeroDivisionError", msg)
}

pub fn overflow_error(msg: impl Into<String>) -> Flow {
    raise("OverflowError", msg)
}

/// `MemoryError()`, with no message, as CPython raises it when an allocation fails.
pub fn memory_error() -> Flow {
    Flow::Raise(new_exception(types().exc("MemoryError"), Vec::new()))
}

pub fn runtime_error(msg: impl Into<String>) -> Flow {
    raise("RuntimeError", msg)
}

/// `KeyError(key)`: the key itself is the argument.
pub fn key_error(key: Value) -> Flow {
    Flow::Raise(new_exception(types().exc("KeyError"), vec![key]))
}

/// `StopIteration(value)`, or with no args for a plain exhaustion.
pub fn stop_iteration(value: Option<Value>) -> Flow {
    Flow::Raise(new_exception(types().exc("StopIteration"), value.into_iter().collect()))
}

/// Whether `exc` is an instance of the named builtin exception class (or a subclass).
pub fn is_instance_of(exc: &Exc, class_name: &str) -> bool {
    exc.class.is_subclass(types().exc(class_name))
}
