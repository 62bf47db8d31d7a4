//! The `importlib` module: `import_module` (with relative names and `package=`), `reload`
//! and `invalidate_caches`, over the interpreter's import system (`crate::import`).

use crate::import;
use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::{check_args, kwarg, ArgSpec};
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("importlib")));
    m.set(intern("__name__"), Value::str("importlib"));
    let fns: &[(&'static str, NativeFn)] =
        &[("import_module", import_module), ("reload", reload), ("invalidate_caches", invalidate_caches)];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// `import_module(name, package=None)`: the module itself (not its top-level package).
fn import_module(a: &Args) -> PyResult {
    ArgSpec::new("import_module").keywords(&["name", "package"]).check(a)?;
    check_args(a, "import_module", 0, 2)?;
    let name = a.pos.first().cloned().or_else(|| kwarg(a, "name"));
    let Some(Value::Str(name)) = name else {
        return Err(type_error(match name {
            Some(other) => format!("module name must be str, not {}", type_name(&other)),
            None => "import_module() missing 1 required positional argument: 'name'".to_string(),
        }));
    };
    let package = a.pos.get(1).cloned().or_else(|| kwarg(a, "package")).unwrap_or(Value::None);
    let rest = name.s.trim_start_matches('.');
    let level = name.s.len() - rest.len();
    let abs = if level == 0 {
        rest.to_string()
    } else {
        let Value::Str(package) = &package else {
            let msg = format!("the 'package' argument is required to perform a relative import for {}", {
                crate::runtime::protocol::str_repr(&name.s)
            });
            return Err(type_error(msg));
        };
        import::resolve_relative(&package.s, rest, level)?
    };
    if abs.is_empty() {
        return Err(crate::runtime::exceptions::value_error("Empty module name"));
    }
    run_async(move |ctx| async move { import::find_and_load(&ctx, &abs).await })
}

/// `reload(module)`: runs the module's code again in the same module object.
fn reload(a: &Args) -> PyResult {
    check_args(a, "reload", 1, 1)?;
    let Value::Module(m) = &a.pos[0] else { return Err(type_error("reload() argument must be a module")) };
    let m = m.clone();
    run_async(move |ctx| async move { import::reload(&ctx, m).await })
}

/// `invalidate_caches()`: the finder keeps no caches, so there is nothing to forget.
fn invalidate_caches(a: &Args) -> PyResult {
    check_args(a, "invalidate_caches", 0, 0)?;
    Ok(Value::None)
}
