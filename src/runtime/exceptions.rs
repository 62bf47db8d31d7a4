//! Creating exceptions from Rust, with CPython's classes and messages.

use super::types;
use crate::object::class::Class;
use crate::object::instance::Instance;
use crate::runtime::ExcType;
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

/// `Err` of an exception of the builtin class with one message argument.
pub fn raise(class: ExcType, msg: impl Into<String>) -> Flow {
    Flow::Raise(new_exception(types().exc(class), vec![Value::str(msg.into())]))
}

pub fn type_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::TypeError, msg)
}

pub fn value_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::ValueError, msg)
}

pub fn index_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::IndexError, msg)
}

pub fn attribute_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::AttributeError, msg)
}

pub fn zero_division(msg: impl Into<String>) -> Flow {
    raise(ExcType::ZeroDivisionError, msg)
}

pub fn overflow_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::OverflowError, msg)
}

/// `MemoryError()`, with no message, as CPython raises it when an allocation fails.
pub fn memory_error() -> Flow {
    Flow::Raise(new_exception(types().exc(ExcType::MemoryError), Vec::new()))
}

pub fn runtime_error(msg: impl Into<String>) -> Flow {
    raise(ExcType::RuntimeError, msg)
}

/// `KeyError(key)`: the key itself is the argument.
pub fn key_error(key: Value) -> Flow {
    Flow::Raise(new_exception(types().exc(ExcType::KeyError), vec![key]))
}

/// `StopIteration(value)`, or with no args for a plain exhaustion.
pub fn stop_iteration(value: Option<Value>) -> Flow {
    Flow::Raise(new_exception(types().exc(ExcType::StopIteration), value.into_iter().collect()))
}

/// `Err` of the builtin exception a lower layer names by its Python name (number formatting
/// and complex arithmetic live below the runtime and cannot see `ExcType`).
pub fn raise_named(class: &'static str, msg: impl Into<String>) -> Flow {
    raise(ExcType::from_name(class).expect("a builtin exception's name"), msg)
}

/// Whether `exc` is an instance of the builtin exception class (or a subclass).
pub fn is_instance_of(exc: &Exc, class: ExcType) -> bool {
    exc.class.is_subclass(types().exc(class))
}

#[cfg(test)]
mod tests {
    use super::ExcType;
    use crate::numeric::complex::ComplexError;

    #[test]
    fn lower_layers_name_builtin_exceptions() {
        let complex = [
            ComplexError::DivisionByZero,
            ComplexError::ZeroToNegativePower,
            ComplexError::PowOverflow,
            ComplexError::AbsOverflow,
        ];
        for e in complex {
            assert!(ExcType::from_name(e.exception().0).is_some(), "{e:?}");
        }
        for e in [crate::pyfmt::FormatError::CharRange, crate::pyfmt::FormatError::CharTooLarge] {
            assert!(ExcType::from_name(e.exception_type()).is_some());
        }
    }
}
