//! The `__future__` module, written in coro (`lib.coro`): each feature name CPython 3.11
//! knows, as a `_Feature` object. The compiler checks `from __future__ import` statements
//! itself (`compiler::future`); every feature is accepted.

use crate::intern::intern;
use crate::object::module::Module;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    Rc::new(Module::new(intern("__future__")))
}
