//! The `types` module: `GenericAlias` (`list[int]`) and `UnionType` (`int | None`), which
//! the interpreter makes itself (`runtime::generic_alias`); the rest in coro (`lib.coro`).

use crate::intern::intern;
use crate::object::module::Module;
use crate::runtime::generic_alias::{alias, union};
use crate::value::Value;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("types")));
    m.set(intern("__name__"), Value::str("types"));
    m.set(intern("GenericAlias"), Value::Class(alias::class()));
    m.set(intern("UnionType"), Value::Class(union::class()));
    m
}
