//! Native modules: `builtins` and the importable ones.

mod args;
pub mod async_generators;
pub mod asyncio;
mod base64;
pub mod binascii;
pub mod blocking;
pub mod builtins;
pub mod bytes;
mod classes;
mod collections;
mod dir;
pub mod generators;
pub mod hashlib;
mod hmac;
pub mod http;
pub mod json;
pub mod math;
mod numbers;
pub mod strings;
pub mod r#struct;
pub mod sys;
pub mod time;
mod zlib;

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
        "struct" => Some(r#struct::make_module()),
        "hashlib" => Some(hashlib::make_module()),
        "hmac" => Some(hmac::make_module()),
        "binascii" => Some(binascii::make_module()),
        "base64" => Some(base64::make_module()),
        "zlib" => Some(zlib::make_module()),
        "json" => Some(json::make_module()),
        "time" => Some(time::make_module()),
        "sys" => Some(sys::make_module()),
        "requests" => Some(http::make_requests_module()),
        _ => None,
    }
}
