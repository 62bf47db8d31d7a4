//! Native modules: `builtins` and the importable ones.

mod array;
pub mod asyncio;
pub mod atexit;
mod base64;
pub mod binascii;
mod bisect;
pub mod blocking;
pub mod builtins;
pub mod bytes;
pub mod classes;
mod cmath;
mod collections;
pub mod complex;
mod containers;
mod copy;
mod csv;
mod datetime;
mod dir;
mod errno;
mod exec;
mod functools;
mod future;
pub mod hashlib;
mod heapq;
mod hmac;
pub mod http;
mod importlib;
mod introspect;
pub mod io;
mod itertools;
pub mod json;
pub mod math;
pub mod numbers;
mod operator;
pub mod os;
mod pylib;
mod queue;
pub mod random;
pub mod re;
pub mod sort_keys;
mod statistics;
pub mod strings;
pub mod r#struct;
mod subprocess;
pub mod sys;
pub mod time;
pub mod traceback;
pub mod types;
mod unicodedata;
mod weakref;
mod zlib;

use crate::object::module::Module;
use std::rc::Rc;

/// The standard library, as `Interpreter::new` installs it in the import registry.
pub static LIBRARY: crate::import::registry::Library = crate::import::registry::Library {
    builtins: builtins::make_module,
    sys: sys::make_module,
    native_module,
    has_module,
    module_source,
};

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
        "__future__" => Some(future::SOURCE),
        "io" => Some(io::SOURCE),
        "json" => Some(json::SOURCE),
        "os" => Some(os::SOURCE),
        "re" => Some(re::SOURCE),
        "random" => Some(random::SOURCE),
        "csv" => Some(csv::SOURCE),
        "statistics" => Some(statistics::SOURCE),
        "subprocess" => Some(subprocess::SOURCE),
        _ => SOURCE_MODULES.iter().find(|(n, _)| *n == name).map(|(_, src)| *src).or_else(|| pylib::source(name)),
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

/// Makes a fresh instance of a native module.
type MakeModule = fn() -> Rc<Module>;

/// The native modules, by name, with the function that makes a fresh instance of each.
const NATIVE_MODULES: &[(&str, MakeModule)] = &[
    ("array", array::make_module),
    ("asyncio", asyncio::make_module),
    ("math", math::make_module),
    ("struct", r#struct::make_module),
    ("cmath", cmath::make_module),
    ("traceback", traceback::make_module),
    ("hashlib", hashlib::make_module),
    ("hmac", hmac::make_module),
    ("binascii", binascii::make_module),
    ("base64", base64::make_module),
    ("zlib", zlib::make_module),
    ("json", json::make_module),
    ("time", time::make_module),
    ("sys", sys::make_module),
    ("io", io::make_module),
    ("os", os::make_module),
    ("atexit", atexit::make_module),
    ("errno", errno::make_module),
    ("requests", http::make_requests_module),
    ("importlib", importlib::make_module),
    ("__future__", future::make_module),
    ("operator", operator::make_module),
    ("itertools", itertools::make_module),
    ("functools", functools::make_module),
    ("collections", collections::make_module),
    ("heapq", heapq::make_module),
    ("bisect", bisect::make_module),
    ("_copy_native", copy::make_native_module),
    ("re", re::make_module),
    ("datetime", datetime::make_module),
    ("random", random::make_module),
    ("csv", csv::make_module),
    ("statistics", statistics::make_module),
    ("subprocess", subprocess::make_module),
    ("unicodedata", unicodedata::make_module),
    ("_introspect", introspect::make_module),
    ("types", types::make_module),
    ("weakref", weakref::make_module),
];

/// A fresh instance of the named native module, if there is one.
pub fn native_module(name: &str) -> Option<Rc<Module>> {
    match NATIVE_MODULES.iter().find(|(n, _)| *n == name) {
        Some((_, make)) => Some(make()),
        None => is_source_module(name).then(|| empty_module(name)),
    }
}

/// Whether there is a library module of this name, without making it.
pub fn has_module(name: &str) -> bool {
    NATIVE_MODULES.iter().any(|(n, _)| *n == name) || is_source_module(name)
}

/// Whether the module is written wholly in coro (embedded here or in `pylib`).
fn is_source_module(name: &str) -> bool {
    SOURCE_MODULES.iter().any(|(n, _)| *n == name) || pylib::source(name).is_some()
}

/// Modules written wholly in coro (over natives they import), by name, embedded in the
/// binary; each is compiled only when it is first imported.
const SOURCE_MODULES: &[(&str, &str)] = &[
    ("abc", include_str!("abc/lib.coro")),
    ("calendar", include_str!("calendar/lib.coro")),
    ("decimal", include_str!("decimal/lib.coro")),
    ("argparse", concat!(include_str!("argparse/formatter.coro"), include_str!("argparse/lib.coro"))),
    ("contextlib", include_str!("contextlib/lib.coro")),
    ("dataclasses", include_str!("dataclasses/lib.coro")),
    ("enum", include_str!("enum/lib.coro")),
    ("inspect", include_str!("inspect/lib.coro")),
    ("ipaddress", include_str!("ipaddress/lib.coro")),
    ("logging", include_str!("logging/lib.coro")),
    ("typing", include_str!("typing/lib.coro")),
    (
        "unittest",
        concat!(
            include_str!("unittest/case.coro"),
            include_str!("unittest/result.coro"),
            include_str!("unittest/suite.coro"),
            include_str!("unittest/main.coro")
        ),
    ),
    ("warnings", include_str!("warnings/lib.coro")),
    ("collections", collections::SOURCE),
    ("collections.abc", collections::ABC_SOURCE),
    ("_collections_abc", collections::ABCS_SOURCE),
    ("copy", copy::SOURCE),
    ("fnmatch", include_str!("files/fnmatch.coro")),
    ("functools", functools::SOURCE),
    ("glob", include_str!("files/glob.coro")),
    ("heapq", heapq::SOURCE),
    ("operator", operator::SOURCE),
    ("pathlib", include_str!("files/pathlib.coro")),
    ("posixpath", os::PATH_SOURCE),
    ("queue", queue::SOURCE),
    ("shutil", include_str!("files/shutil.coro")),
    ("stat", include_str!("files/stat.coro")),
    ("tempfile", include_str!("files/tempfile.coro")),
    ("types", types::SOURCE),
    ("traceback", traceback::SOURCE),
    ("weakref", weakref::SOURCE),
];

/// A module with nothing in it but its name, for its coro source to fill.
fn empty_module(name: &str) -> Rc<Module> {
    let m = Rc::new(Module::new(crate::intern::intern(name)));
    m.set(crate::intern::intern("__name__"), crate::value::Value::str(name));
    m
}
