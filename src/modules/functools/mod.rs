//! The `functools` module: `_lru_cache_wrapper` in Rust (`lru_cache.rs`), the rest in coro
//! (`lib.coro`).

mod lru_cache;

use crate::intern::intern;
use crate::object::module::Module;
use crate::value::Value;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("functools")));
    m.set(intern("__name__"), Value::str("functools"));
    m.set(intern("_lru_cache_wrapper"), Value::Class(lru_cache::make_class()));
    m
}
