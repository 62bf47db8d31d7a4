//! Native modules: `builtins` and the importable ones.

mod args;
pub mod async_generators;
pub mod asyncio;
pub mod atexit;
pub mod blocking;
pub mod builtins;
pub mod bytes;
mod classes;
mod cmath;
mod collections;
pub mod complex;
mod dir;
mod future;
pub mod generators;
pub mod http;
mod importlib;
mod errno;
pub mod io;
pub mod json;
pub mod math;
mod numbers;
pub mod os;
pub mod strings;
pub mod r#struct;
pub mod sys;
pub mod time;

pub use args::{arg, check_args, kwarg, ArgSpec};

use crate::object::module::Module;
use std::rc::Rc;

/// The part of a native module written in coro, run when the module is first imported.
pub fn module_source(name: &str) -> Option<&'static str> {
    match name {
        "asyncio" => Some(asyncio::SOURCE),
        "__future__" => Some(future::SOURCE),
        "io" => Some(io::SOURCE),
        "os" => Some(os::SOURCE),
        "posixpath" => Some(os::PATH_SOURCE),
        "stat" => Some(include_str!("files/stat.coro")),
        "fnmatch" => Some(include_str!("files/fnmatch.coro")),
        "glob" => Some(include_str!("files/glob.coro")),
        "shutil" => Some(include_str!("files/shutil.coro")),
        "tempfile" => Some(include_str!("files/tempfile.coro")),
        "pathlib" => Some(include_str!("files/pathlib.coro")),
        _ => None,
    }
}

/// An empty module for a module written wholly in coro.
fn source_module(name: &str) -> Rc<Module> {
    let m = Rc::new(Module::new(crate::intern::intern(name)));
    m.set(crate::intern::intern("__name__"), crate::value::Value::str(name));
    m
}

/// A fresh instance of the named native module, if there is one.
pub fn native_module(name: &str) -> Option<Rc<Module>> {
    match name {
        "asyncio" => Some(asyncio::make_module()),
        "math" => Some(math::make_module()),
        "struct" => Some(r#struct::make_module()),
        "cmath" => Some(cmath::make_module()),
        "json" => Some(json::make_module()),
        "time" => Some(time::make_module()),
        "sys" => Some(sys::make_module()),
        "io" => Some(io::make_module()),
        "os" => Some(os::make_module()),
        "atexit" => Some(atexit::make_module()),
        "errno" => Some(errno::make_module()),
        "posixpath" | "stat" | "fnmatch" | "glob" | "shutil" | "tempfile" | "pathlib" => Some(source_module(name)),
        "requests" => Some(http::make_requests_module()),
        "importlib" => Some(importlib::make_module()),
        "__future__" => Some(future::make_module()),
        _ => None,
    }
}
