//! Native modules: `builtins` and the importable ones.

mod args;
pub mod builtins;
mod collections;
mod numbers;
pub mod strings;

pub use args::{arg, check_args, kwarg, ArgSpec};

use crate::object::module::Module;
use std::rc::Rc;

/// A fresh instance of the named native module, if there is one.
pub fn native_module(name: &str) -> Option<Rc<Module>> {
    match name {
        _ => None,
    }
}
