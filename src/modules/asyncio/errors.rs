//! asyncio's own exception classes, under CPython's module names (a traceback ends in
//! `asyncio.exceptions.CancelledError`).

use crate::modules::classes::module_exception;
use crate::object::class::Class;
use crate::runtime::exceptions::new_exception;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Exc, Flow};
use std::rc::Rc;

pub fn cancelled_error_class() -> Rc<Class> {
    module_exception("asyncio.exceptions", "CancelledError", ExcType::BaseException)
}

pub fn invalid_state_error_class() -> Rc<Class> {
    module_exception("asyncio.exceptions", "InvalidStateError", ExcType::Exception)
}

pub fn queue_empty_class() -> Rc<Class> {
    module_exception("asyncio.queues", "QueueEmpty", ExcType::Exception)
}

pub fn queue_full_class() -> Rc<Class> {
    module_exception("asyncio.queues", "QueueFull", ExcType::Exception)
}

/// Whether `e` is a `CancelledError` (or a subclass of it).
pub fn is_cancelled_error(e: &Exc) -> bool {
    e.class.is_subclass(&cancelled_error_class())
}

/// `InvalidStateError(msg)`.
pub fn invalid_state(msg: &str) -> Flow {
    Flow::Raise(new_exception(&invalid_state_error_class(), vec![Value::str(msg)]))
}
