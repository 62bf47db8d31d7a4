//! Native modules: `builtins` and the importable ones.

mod args;
pub mod async_generators;
pub mod asyncio;
pub mod blocking;
pub mod builtins;
mod cmath;
mod collections;
pub mod complex;
mod dir;
pub mod generators;
pub mod http;
pub mod json;
pub mod math;
mod numbers;
pub mod strings;
pub mod sys;
pub mod time;
mod traceback;

pub use args::{arg, check_args, kwarg, ArgSpec};

use crate::object::module::Module;
use std::rc::Rc;

/// The part of a native module written in coro, run when the module is first imported.
pub fn module_source(name: &str) -> Option<&'static str> {
    match name {
        "asyncio" => Some(asyncio::SOURCE),
        _ => None,
    }
}

/// A fresh instance of the named native module, if there is one.
pub fn native_module(name: &str) -> Option<Rc<Module>> {
    match name {
        "asyncio" => Some(asyncio::make_module()),
        "math" => Some(math::make_module()),
        "cmath" => Some(cmath::make_module()),
        "traceback" => Some(traceback::make_module()),
        "json" => Some(json::make_module()),
        "time" => Some(time::make_module()),
        "sys" => Some(sys::make_module()),
        "requests" => Some(http::make_requests_module()),
        _ => None,
    }
}
