//! Relative import names: `from ..a import b` in package `p.q` means `p.a`.

use super::import_error;
use crate::intern::{intern, sym};
use crate::object::module::Module;
use crate::runtime::exceptions::type_error;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::PyResult;

/// The absolute name of `name` imported at `level` (> 0) from the module whose globals are
/// `globals`, as CPython's `_calc___package__` and `_resolve_name` work it out.
pub fn resolve(globals: Option<&Module>, name: &str, level: usize) -> PyResult<String> {
    let package = match globals {
        Some(g) => package_of(g)?,
        None => String::new(),
    };
    resolve_in(&package, name, level)
}

/// The absolute name of `name` imported at `level` (> 0) from `package`.
pub fn resolve_in(package: &str, name: &str, level: usize) -> PyResult<String> {
    if package.is_empty() {
        return Err(import_error(
            ExcType::ImportError,
            "attempted relative import with no known parent package".into(),
            None,
            None,
        ));
    }
    let bits: Vec<&str> = package.rsplitn(level, '.').collect();
    if bits.len() < level {
        return Err(import_error(
            ExcType::ImportError,
            "attempted relative import beyond top-level package".into(),
            None,
            None,
        ));
    }
    let base = bits[bits.len() - 1];
    Ok(if name.is_empty() { base.to_string() } else { format!("{}.{}", base, name) })
}

/// The package a module's relative imports start from: `__package__`, else its spec's
/// parent, else from `__name__` (itself, if it is a package).
pub fn package_of(g: &Module) -> PyResult<String> {
    match g.get(intern("__package__")) {
        Some(Value::Str(s)) => return Ok(s.s.to_string()),
        None | Some(Value::None) => {}
        Some(_) => return Err(type_error("package must be a string")),
    }
    if let Some(spec @ Value::Instance(_)) = g.get(intern("__spec__")) {
        if let Some(Value::Str(s)) = crate::vm::peek_attr(&spec, intern("parent")) {
            return Ok(s.s.to_string());
        }
    }
    let name = match g.get(sym::NAME) {
        Some(Value::Str(s)) => s.s.to_string(),
        _ => return Err(crate::runtime::exceptions::key_error(Value::str("'__name__' not in globals"))),
    };
    if g.get(intern("__path__")).is_some() {
        return Ok(name);
    }
    Ok(name.rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default())
}
