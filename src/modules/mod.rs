//! Native modules: `builtins` and the importable ones.

mod args;
pub mod async_generators;
pub mod asyncio;
mod bisect;
pub mod blocking;
pub mod builtins;
mod collections;
mod containers;
mod copy;
mod dir;
mod functools;
pub mod generators;
mod heapq;
pub mod http;
mod itertools;
pub mod json;
pub mod math;
mod numbers;
mod operator;
mod queue;
pub mod sort_keys;
pub mod strings;
pub mod sys;
pub mod time;
mod types;

pub use args::{arg, check_args, kwarg, ArgSpec};

use crate::object::module::Module;
use std::rc::Rc;

/// The part of a native module written in coro, run when the module is first imported.
pub fn module_source(name: &str) -> Option<&'static str> {
    match name {
        "asyncio" => Some(asyncio::SOURCE),
        _ => SOURCE_MODULES.iter().find(|(n, _)| *n == name).map(|(_, src)| *src),
    }
}

/// A fresh instance of the named native module, if there is one.
pub fn native_module(name: &str) -> Option<Rc<Module>> {
    match name {
        "asyncio" => Some(asyncio::make_module()),
        "math" => Some(math::make_module()),
        "json" => Some(json::make_module()),
        "time" => Some(time::make_module()),
        "sys" => Some(sys::make_module()),
        "requests" => Some(http::make_requests_module()),
        "operator" => Some(operator::make_module()),
        "collections" => Some(collections::make_module()),
        "heapq" => Some(heapq::make_module()),
        "bisect" => Some(bisect::make_module()),
        "_copy_native" => Some(copy::make_native_module()),
        _ if SOURCE_MODULES.iter().any(|(n, _)| *n == name) => Some(empty_module(name)),
        _ => None,
    }
}

/// Modules written wholly in coro (over natives they import), by name.
const SOURCE_MODULES: &[(&str, &str)] = &[
    ("collections", collections::SOURCE),
    ("collections.abc", collections::ABC_SOURCE),
    ("_collections_abc", collections::ABCS_SOURCE),
    ("copy", copy::SOURCE),
    ("functools", functools::SOURCE),
    ("heapq", heapq::SOURCE),
    ("itertools", itertools::SOURCE),
    ("operator", operator::SOURCE),
    ("queue", queue::SOURCE),
    ("types", types::SOURCE),
];

/// A module with nothing in it but its name, for its coro source to fill.
fn empty_module(name: &str) -> Rc<Module> {
    let m = Rc::new(Module::new(crate::intern::intern(name)));
    m.set(crate::intern::intern("__name__"), crate::value::Value::str(name));
    m
}
