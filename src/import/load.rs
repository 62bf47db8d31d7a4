//! Making and running a module: its dunders (`__name__`, `__file__`, `__package__`,
//! `__path__`, `__spec__`, ...), its code run once with the module in `sys.modules`, and
//! its removal again if the code raises.

use super::finder::{self, Found};
use super::{add_module, cached, not_found, objects, registry, remove_module, state};
use crate::bytecode::Code;
use crate::compiler::{compile_source, Mode};
use crate::intern::intern;
use crate::object::module::Module;
use crate::runtime::protocol::str_repr;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::{Flow, PyResult};
use std::path::Path;
use std::rc::Rc;

/// Imports the module `name` (whose parents are imported): a native one, else the file the
/// finder finds in `search` (a package's `__path__`), or in `sys.path` for a top-level name.
pub async fn load(ctx: &Ctx, name: &str, search: Option<Vec<Value>>) -> PyResult {
    if let Some(m) = registry::make(name) {
        return load_native(ctx, name, m).await;
    }
    let dirs = match search {
        Some(dirs) => dirs,
        None => state().path.items.borrow().clone(),
    };
    let dirs: Vec<String> = dirs.iter().filter_map(|d| d.as_str().map(str::to_string)).collect();
    let tail = name.rsplit('.').next().unwrap_or(name);
    match finder::find(tail, &dirs) {
        None => Err(not_found(format!("No module named '{}'", name), name)),
        Some(Found::Namespace(dirs)) => {
            let paths: Vec<Value> = dirs.iter().map(|d| Value::str(d.to_string_lossy().as_ref())).collect();
            let m = new_module(name, None, Some(Value::list(paths)));
            let v = Value::Module(m);
            add_module(name, v.clone());
            Ok(v)
        }
        Some(Found::File { file, package_dir }) => {
            let path = file.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file)
                .map_err(|e| crate::runtime::exceptions::raise(ExcType::OSError, format!("{}: '{}'", e, path)))?;
            let locations = package_dir.map(|d| Value::list(vec![Value::str(d.to_string_lossy().as_ref())]));
            let m = new_module(name, Some(&path), locations);
            let code = compile_source(&path, &text, Mode::Module(&m)).map_err(|e| Flow::Raise(e.to_exception()))?;
            run(ctx, name, m, code).await
        }
    }
}

/// `importlib.reload(module)`: finds the module's source again and runs it in the same
/// module object, whose globals it keeps.
pub async fn reload(ctx: &Ctx, m: Rc<Module>) -> PyResult {
    let spec_name = match m.get(intern("__spec__")) {
        Some(spec @ Value::Instance(_)) => crate::vm::peek_attr(&spec, intern("name")),
        _ => None,
    };
    let name = match spec_name {
        Some(Value::Str(s)) => s.s.to_string(),
        _ => m.display_name(),
    };
    let v = Value::Module(m.clone());
    if !cached(&name).is_some_and(|c| c.is(&v)) {
        return Err(super::import_error(
            ExcType::ImportError,
            format!("module {} not in sys.modules", name),
            Some(&name),
            None,
        ));
    }
    let (parent, tail) = name.rsplit_once('.').unwrap_or(("", &name));
    let search = if parent.is_empty() {
        state().path.items.borrow().clone()
    } else {
        let Some(p) = cached(parent) else {
            let msg = format!("parent {} not in sys.modules", str_repr(parent));
            return Err(super::import_error(ExcType::ImportError, msg, Some(parent), None));
        };
        match super::try_attr(ctx, &p, intern("__path__")).await? {
            Some(path) => crate::runtime::protocol::iterate(ctx, &path).await?,
            None => Vec::new(),
        }
    };
    if m.builtin.get() {
        return Ok(v);
    }
    let dirs: Vec<String> = search.iter().filter_map(|d| d.as_str().map(str::to_string)).collect();
    let Some(Found::File { file, .. }) = finder::find(tail, &dirs) else {
        return Err(not_found(format!("spec not found for the module {}", str_repr(&name)), &name));
    };
    let path = file.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(&file)
        .map_err(|e| crate::runtime::exceptions::raise(ExcType::OSError, format!("{}: '{}'", e, path)))?;
    let code = compile_source(&path, &text, Mode::Module(&m)).map_err(|e| Flow::Raise(e.to_exception()))?;
    m.initializing.set(true);
    let r = ctx.run_module(code, m.clone()).await;
    m.initializing.set(false);
    r?;
    Ok(cached(&name).unwrap_or(v))
}

/// Makes `m` the built-in module `name`, with the dunders CPython gives one (and no
/// `__file__`, as a built-in module has none) where it has not set them itself.
pub fn mark_builtin(m: &Module, name: &str) {
    m.builtin.set(true);
    if m.get(crate::intern::sym::NAME).is_none() {
        m.set(crate::intern::sym::NAME, Value::str(name));
    }
    let parent = name.rsplit_once('.').map_or("", |(p, _)| p);
    for (k, v) in [
        ("__doc__", Value::None),
        ("__package__", Value::str(parent)),
        ("__loader__", Value::None),
        ("__spec__", objects::new_spec(name, Value::str("built-in"), Value::None)),
    ] {
        if m.get(intern(k)).is_none() {
            m.set(intern(k), v);
        }
    }
}

/// A native module, with the part written in coro (if it has one) run into it.
async fn load_native(ctx: &Ctx, name: &str, m: Rc<Module>) -> PyResult {
    mark_builtin(&m, name);
    match registry::module_source(name) {
        Some(src) => {
            let code = compile_source(&format!("<{}>", name), src, Mode::Module(&m)).map_err(|e| {
                crate::runtime::exceptions::raise(
                    ExcType::SystemError,
                    format!("module {} does not compile: {}", name, e.msg),
                )
            })?;
            run(ctx, name, m, code).await
        }
        None => {
            let v = Value::Module(m);
            add_module(name, v.clone());
            Ok(v)
        }
    }
}

/// Runs a module's code with the module in `sys.modules`, marked as initializing; removes
/// it again if the code raises. Gives what `sys.modules` then holds under its name (a
/// module may replace itself there).
async fn run(ctx: &Ctx, name: &str, m: Rc<Module>, code: Rc<Code>) -> PyResult {
    add_module(name, Value::Module(m.clone()));
    m.initializing.set(true);
    let r = ctx.run_module(code, m.clone()).await;
    m.initializing.set(false);
    if let Err(e) = r {
        remove_module(name);
        return Err(e);
    }
    Ok(match remove_module(name) {
        Some(v) => {
            add_module(name, v.clone());
            v
        }
        None => Value::Module(m),
    })
}

/// A module object for `name` with the dunders CPython's import gives it; `locations` is
/// the `__path__` of a package.
fn new_module(name: &str, file: Option<&str>, locations: Option<Value>) -> Rc<Module> {
    let m = Rc::new(Module::new(intern(name)));
    let is_package = locations.is_some();
    let package = if is_package { name } else { name.rsplit_once('.').map_or("", |(p, _)| p) };
    let origin = file.map_or(Value::None, Value::str);
    m.set(intern("__name__"), Value::str(name));
    m.set(intern("__doc__"), Value::None);
    m.set(intern("__package__"), Value::str(package));
    m.set(intern("__loader__"), Value::None);
    m.set(intern("__spec__"), objects::new_spec(name, origin.clone(), locations.clone().unwrap_or(Value::None)));
    if let Some(locations) = locations {
        m.set(intern("__path__"), locations);
    }
    if file.is_some() {
        m.set(intern("__file__"), origin);
        m.set(intern("__cached__"), Value::None);
    }
    if let Some(builtins) = cached("builtins") {
        m.set(intern("__builtins__"), builtins);
    }
    m
}

/// `repr(module)`: `<module 'name' from 'file'>`, `<module 'math' (built-in)>`, or
/// `<module 'name'>`.
pub fn module_repr(m: &Module) -> String {
    let name = str_repr(&m.display_name());
    match m.get(intern("__file__")) {
        Some(Value::Str(f)) => format!("<module {} from {}>", name, str_repr(&f.s)),
        _ if m.builtin.get() => format!("<module {} (built-in)>", name),
        _ if m.get(intern("__path__")).is_some() && m.get(intern("__file__")).is_none() => {
            format!("<module {} (namespace)>", name)
        }
        _ => format!("<module {}>", name),
    }
}

/// The absolute path of a script given on the command line, and its folder.
pub fn script_location(path: &str) -> (String, String) {
    let abs = std::path::absolute(Path::new(path)).unwrap_or_else(|_| Path::new(path).to_path_buf());
    let dir = abs.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    (abs.to_string_lossy().into_owned(), dir)
}
