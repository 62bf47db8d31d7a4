//! The import system, with CPython 3.11's semantics and messages. `sys.modules` (a real
//! dict) is the one record of what is imported: a module runs once, when it is first
//! imported, and an entry a script deletes or inserts is honoured. A name is found among the
//! native modules first (the registry), then along the search path as `NAME.coro`, `NAME.py`
//! or a package folder (`finder`); submodules are searched in their package's `__path__`.

mod finder;
mod load;
mod names;
mod objects;
pub mod registry;

pub use load::{mark_builtin, module_repr, reload, script_location};
pub use names::resolve_in as resolve_relative;
pub use objects::install;

use crate::intern::{intern, sym, Symbol};
use crate::object::dict::PyDict;
use crate::object::module::Module;
use crate::runtime::exceptions::{is_instance_of, new_exception, type_error};
use crate::runtime::protocol::str_repr;
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::{PyList, Value};
use crate::vm::native::{run_async, Ctx};
use crate::vm::{get_attr, Exc, Flow, PyResult};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// What the running interpreter has imported and where it looks.
pub struct ImportState {
    /// `sys.modules`.
    pub modules: Rc<PyDict>,
    /// `sys.path`.
    pub path: Rc<PyList>,
}

thread_local! {
    static STATE: RefCell<Option<Rc<ImportState>>> = const { RefCell::new(None) };
}

/// A fresh import state for a new interpreter on this thread: empty `sys.modules`, and
/// `sys.path` holding the `CORO_PATH` entries (the script's folder goes first, see
/// `set_script_dir`).
pub fn reset() -> Rc<ImportState> {
    let mut path = vec![Value::str("")];
    if let Ok(extra) = std::env::var("CORO_PATH") {
        path.extend(extra.split(':').filter(|p| !p.is_empty()).map(Value::str));
    }
    let path = Rc::new(PyList { items: RefCell::new(path) });
    let st = Rc::new(ImportState { modules: Rc::new(PyDict::default()), path });
    STATE.with(|s| *s.borrow_mut() = Some(st.clone()));
    st
}

/// The import state of this thread's interpreter.
pub fn state() -> Rc<ImportState> {
    STATE.with(|s| s.borrow().clone()).unwrap_or_else(reset)
}

/// Makes `dir` (the running script's folder; `""` means the current directory) the first
/// place imports look, as `sys.path[0]`.
pub fn set_script_dir(dir: &str) {
    let st = state();
    let mut path = st.path.items.borrow_mut();
    match path.first_mut() {
        Some(first) => *first = Value::str(dir),
        None => path.push(Value::str(dir)),
    }
}

/// `sys.modules[name]`, if present.
pub fn cached(name: &str) -> Option<Value> {
    state().modules.get_str(name)
}

/// `sys.modules[name] = module`.
pub fn add_module(name: &str, module: Value) {
    state().modules.insert_str(name, module);
}

fn remove_module(name: &str) -> Option<Value> {
    state().modules.remove_str(name)
}

/// `ImportError(msg, name=name, path=path)` (or a `ModuleNotFoundError`).
pub fn import_error(class: ExcType, msg: String, name: Option<&str>, path: Option<Value>) -> Flow {
    let e = new_exception(types().exc(class), vec![Value::str(msg.as_str())]);
    let mut attrs = e.attrs.borrow_mut();
    attrs.insert(intern("msg"), Value::str(msg));
    attrs.insert(intern("name"), name.map_or(Value::None, Value::str));
    attrs.insert(intern("path"), path.unwrap_or(Value::None));
    drop(attrs);
    Flow::Raise(e)
}

fn not_found(msg: String, name: &str) -> Flow {
    import_error(ExcType::ModuleNotFoundError, msg, Some(name), None)
}

/// `__import__(name, globals, locals, fromlist, level)`, as `import` statements run it:
/// imports `name` (relative to the package of `globals` when `level` > 0) and each level
/// above it; gives the top-level package when `fromlist` is empty, else the module itself
/// after importing the submodules `fromlist` names.
pub fn import_name(globals: Option<&Module>, name: &str, fromlist: Value, level: usize) -> PyResult {
    let abs = match level {
        0 if name.is_empty() => return Err(crate::runtime::exceptions::value_error("Empty module name")),
        0 => name.to_string(),
        _ => names::resolve(globals, name, level)?,
    };
    let fromlist = match fromlist {
        Value::None => Vec::new(),
        Value::Tuple(t) => t.items.to_vec(),
        Value::List(l) => l.items.borrow().clone(),
        other => vec![other],
    };
    // The common case of a module imported before needs no continuation.
    if let Some(module) = cached(&abs).filter(ready) {
        if fromlist.is_empty() && level == 0 {
            let top = abs.split('.').next().unwrap_or_default();
            if let Some(top) = cached(top).filter(ready) {
                return Ok(top);
            }
        } else if !fromlist.is_empty() && !is_package(&module) {
            return Ok(module);
        }
    }
    let name = name.to_string();
    run_async(move |ctx| async move {
        let module = find_and_load(&ctx, &abs).await?;
        if fromlist.is_empty() {
            let front = name.split('.').next().unwrap_or_default();
            if level == 0 {
                return find_and_load(&ctx, front).await;
            }
            // `__import__('a.b', level=1)` gives the package `a` is in, plus `a`.
            let cut = name.len() - front.len();
            let top = &abs[..abs.len() - cut];
            return cached(top).ok_or_else(|| not_found(format!("No module named '{}'", top), top));
        }
        handle_fromlist(&ctx, &module, fromlist, false).await?;
        Ok(module)
    })
}

/// A stand-in module holding the names of a globals dict that relative imports read
/// (`__import__(name, globals(), level=1)`).
pub fn package_context(d: &PyDict) -> Rc<Module> {
    let m = Module::new(sym::NAME);
    for k in ["__package__", "__spec__", "__name__", "__path__"] {
        if let Some(v) = d.get_str(k) {
            m.set(intern(k), v);
        }
    }
    Rc::new(m)
}

/// A module in `sys.modules` that is neither None (import blocked) nor still running.
fn ready(m: &Value) -> bool {
    match m {
        Value::None => false,
        Value::Module(m) => !m.initializing.get(),
        _ => true,
    }
}

/// Whether a module is a package (has `__path__`), judged without running script code.
fn is_package(m: &Value) -> bool {
    match m {
        Value::Module(m) => m.get(intern("__path__")).is_some() || m.get(sym::GETATTR).is_some(),
        _ => true,
    }
}

/// `getattr(obj, name)` run to completion; `None` for an `AttributeError`.
pub(crate) async fn try_attr(ctx: &Ctx, obj: &Value, name: Symbol) -> PyResult<Option<Value>> {
    match ctx.resolve(get_attr(obj, name)).await {
        Ok(v) => Ok(Some(v)),
        Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::AttributeError) => Ok(None),
        Err(e) => Err(e),
    }
}

type Boxed<'a> = Pin<Box<dyn Future<Output = PyResult> + 'a>>;

/// The module `name` (absolute), from `sys.modules` or imported now with its parents.
pub fn find_and_load<'a>(ctx: &'a Ctx, name: &'a str) -> Boxed<'a> {
    Box::pin(async move {
        if let Some(m) = cached(name) {
            if m.is_none() {
                return Err(not_found(format!("import of {} halted; None in sys.modules", name), name));
            }
            return Ok(m);
        }
        let (parent, child) = match name.rsplit_once('.') {
            Some((p, c)) => (p, c),
            None => ("", name),
        };
        let mut search = None;
        if !parent.is_empty() {
            if cached(parent).is_none() {
                find_and_load(ctx, parent).await?;
            }
            // Importing the parent may have imported this module too.
            if let Some(m) = cached(name) {
                return Ok(m);
            }
            let parent_module =
                cached(parent).ok_or_else(|| not_found(format!("No module named '{}'", parent), parent))?;
            // A native module may make its submodules itself (`os` makes `os.path`), or
            // the registry may have them.
            if let Value::Module(pm) = &parent_module {
                if let (true, Some(sub @ Value::Module(_))) = (pm.builtin.get(), pm.get(intern(child))) {
                    add_module(name, sub.clone());
                    return Ok(sub);
                }
                if pm.builtin.get() && registry::has(name) {
                    search = Some(Vec::new());
                }
            }
            if search.is_none() {
                let Some(path) = try_attr(ctx, &parent_module, intern("__path__")).await? else {
                    return Err(not_found(format!("No module named '{}'; '{}' is not a package", name, parent), name));
                };
                search = Some(crate::runtime::protocol::iterate(ctx, &path).await?);
            }
        }
        let module = load::load(ctx, name, search).await?;
        if !parent.is_empty() {
            if let Some(parent_module) = cached(parent) {
                ctx.resolve(crate::vm::set_attr(&parent_module, intern(child), module.clone()).map(|_| Value::None))
                    .await?;
            }
        }
        Ok(module)
    })
}

/// Imports the submodules that a `from package import ...` names and the package lacks as
/// attributes (for `*`, those in the package's `__all__`).
fn handle_fromlist<'a>(ctx: &'a Ctx, module: &'a Value, fromlist: Vec<Value>, in_all: bool) -> Boxed<'a> {
    Box::pin(async move {
        if try_attr(ctx, module, intern("__path__")).await?.is_none() {
            return Ok(Value::None);
        }
        let module_name = match try_attr(ctx, module, sym::NAME).await? {
            Some(Value::Str(s)) => s.s.to_string(),
            _ => String::new(),
        };
        for x in fromlist {
            let Some(x) = x.as_str().map(str::to_string) else {
                let msg = if in_all {
                    format!("Item in {}.__all__ must be str, not {}", module_name, type_name(&x))
                } else {
                    format!("Item in ``from list'' must be str, not {}", type_name(&x))
                };
                return Err(type_error(msg));
            };
            if x == "*" {
                if !in_all {
                    if let Some(all) = try_attr(ctx, module, sym::ALL).await? {
                        let all = crate::runtime::protocol::iterate(ctx, &all).await?;
                        handle_fromlist(ctx, module, all, true).await?;
                    }
                }
                continue;
            }
            if try_attr(ctx, module, intern(&x)).await?.is_some() {
                continue;
            }
            let from_name = format!("{}.{}", module_name, x);
            if let Err(Flow::Raise(e)) = find_and_load(ctx, &from_name).await {
                // A submodule that is not there just leaves the name for `ImportFrom` to miss.
                if !(is_instance_of(&e, ExcType::ModuleNotFoundError)
                    && exc_name(&e).as_deref() == Some(from_name.as_str())
                    && cached(&from_name).is_none_or(|m| !m.is_none()))
                {
                    return Err(Flow::Raise(e));
                }
            }
        }
        Ok(Value::None)
    })
}

/// The `name` attribute of an `ImportError`.
fn exc_name(e: &Exc) -> Option<String> {
    e.attrs.borrow().get(&intern("name")).and_then(|v| v.as_str().map(str::to_string))
}

/// `from module import name` (`ImportFrom`): the attribute, or else the submodule
/// `module.name` from `sys.modules`, or CPython's ImportError.
pub fn import_from(module: &Value, name: Symbol) -> PyResult {
    match get_attr(module, name) {
        Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::AttributeError) => from_sys_modules(module, name),
        Err(Flow::Async(nf)) => {
            let module = module.clone();
            run_async(move |ctx| async move {
                match ctx.resolve(Err(Flow::Async(nf))).await {
                    Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::AttributeError) => {
                        from_sys_modules(&module, name)
                    }
                    other => other,
                }
            })
        }
        other => other,
    }
}

fn from_sys_modules(module: &Value, name: Symbol) -> PyResult {
    let (pkgname, file, initializing) = match module {
        Value::Module(m) => (m.get(sym::NAME), m.get(intern("__file__")), m.initializing.get()),
        _ => (crate::vm::peek_attr(module, sym::NAME), crate::vm::peek_attr(module, intern("__file__")), false),
    };
    let pkgname = match &pkgname {
        Some(Value::Str(s)) => s.s.to_string(),
        _ => {
            let msg = format!("cannot import name {} from '<unknown module name>'", str_repr(name.as_str()));
            return Err(import_error(ExcType::ImportError, msg, None, None));
        }
    };
    if let Some(m) = cached(&format!("{}.{}", pkgname, name)) {
        return Ok(m);
    }
    let (n, p) = (str_repr(name.as_str()), str_repr(&pkgname));
    let msg = match &file {
        Some(Value::Str(f)) if initializing => format!(
            "cannot import name {} from partially initialized module {} (most likely due to a circular import) ({})",
            n, p, f.s
        ),
        Some(Value::Str(f)) => format!("cannot import name {} from {} ({})", n, p, f.s),
        _ => format!("cannot import name {} from {} (unknown location)", n, p),
    };
    Err(import_error(ExcType::ImportError, msg, Some(&pkgname), file.filter(|f| f.as_str().is_some())))
}
