//! Native modules: `builtins` and the importable ones.

mod args;
pub mod async_generators;
pub mod asyncio;
pub mod blocking;
pub mod builtins;
mod collections;
mod dir;
pub mod generators;
pub mod http;
mod introspect;
pub mod json;
pub mod math;
mod numbers;
pub mod strings;
pub mod sys;
pub mod time;

pub use args::{arg, check_args, kwarg, ArgSpec};

use crate::object::module::Module;
use std::rc::Rc;

/// Modules written entirely in coro, embedded in the binary; each is compiled only when it is
/// first imported. A module's source is the `.coro` files of its folder in name order.
const SOURCE_MODULES: &[(&str, &str)] = &[
    ("contextlib", include_str!("contextlib/lib.coro")),
    ("logging", include_str!("logging/lib.coro")),
    ("argparse", concat!(include_str!("argparse/formatter.coro"), include_str!("argparse/lib.coro"))),
    ("dataclasses", include_str!("dataclasses/lib.coro")),
    ("enum", include_str!("enum/lib.coro")),
    ("abc", include_str!("abc/lib.coro")),
    ("typing", include_str!("typing/lib.coro")),
    ("inspect", include_str!("inspect/lib.coro")),
    ("warnings", include_str!("warnings/lib.coro")),
];

/// The part of a native module written in coro, run when the module is first imported.
/// With `CORO_LIBDIR` set, a module's source is read from the `.coro` files of
/// `$CORO_LIBDIR/<name>/` when there are any, so library code can be worked on without
/// rebuilding.
pub fn module_source(name: &str) -> Option<&'static str> {
    if let Some(text) = library_override(name) {
        return Some(text);
    }
    match name {
        "asyncio" => Some(asyncio::SOURCE),
        _ => SOURCE_MODULES.iter().find(|(n, _)| *n == name).map(|(_, src)| *src),
    }
}

fn library_override(name: &str) -> Option<&'static str> {
    let dir = std::path::Path::new(&std::env::var_os("CORO_LIBDIR")?).join(name);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "coro"))
        .collect();
    files.sort();
    let text = files.iter().map(std::fs::read_to_string).collect::<Result<String, _>>().ok()?;
    // Read once per import of the module in a process: kept for the program's life like
    // the embedded sources.
    (!text.is_empty()).then(|| &*Box::leak(text.into_boxed_str()))
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
        "_introspect" => Some(introspect::make_module()),
        _ if SOURCE_MODULES.iter().any(|(n, _)| *n == name) => Some(source_only_module(name)),
        _ => None,
    }
}

/// The module object of a module written entirely in coro: empty until its source runs.
fn source_only_module(name: &str) -> Rc<Module> {
    let m = Rc::new(Module::new(crate::intern::intern(name)));
    m.set(crate::intern::intern("__name__"), crate::value::Value::str(name));
    m
}
