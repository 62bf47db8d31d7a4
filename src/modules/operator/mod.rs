//! The `operator` module: `itemgetter` in Rust (`itemgetter.rs`), the rest in coro
//! (`lib.coro`).

mod itemgetter;

use crate::intern::intern;
use crate::object::module::Module;
use crate::value::Value;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("operator")));
    m.set(intern("__name__"), Value::str("operator"));
    m.set(intern("itemgetter"), Value::Class(itemgetter::make_class()));
    m
}
