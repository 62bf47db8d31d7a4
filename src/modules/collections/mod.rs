//! The `collections` module: `deque` and the named tuple field descriptor in Rust
//! (`deque.rs`, `tuplegetter.rs`), the rest in coro (`lib.coro`, and the abstract base
//! classes in `abc.coro`).

mod deque;
mod tuplegetter;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::module::Module;
use crate::value::Value;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

/// `collections.abc`: the names of `_collections_abc`.
pub const ABC_SOURCE: &str = "from _collections_abc import *\n";

/// The abstract base classes, shared by `collections.abc` and the modules that use them.
pub const ABCS_SOURCE: &str = include_str!("abc.coro");

struct Classes {
    deque: Rc<Class>,
    iter: Rc<Class>,
    reverse_iter: Rc<Class>,
    tuplegetter: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = Classes {
        deque: deque::make_class(),
        iter: deque::make_iter_class("_deque_iterator"),
        reverse_iter: deque::make_iter_class("_deque_reverse_iterator"),
        tuplegetter: tuplegetter::make_class(),
    };
}

fn deque_class() -> Rc<Class> {
    CLASSES.with(|c| c.deque.clone())
}

fn deque_iter_class(reverse: bool) -> Rc<Class> {
    CLASSES.with(|c| if reverse { c.reverse_iter.clone() } else { c.iter.clone() })
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("collections")));
    m.set(intern("__name__"), Value::str("collections"));
    m.set(intern("deque"), Value::Class(deque_class()));
    m.set(intern("_tuplegetter"), Value::Class(CLASSES.with(|c| c.tuplegetter.clone())));
    m
}
