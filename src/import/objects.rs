//! The objects of the import system: `types.ModuleType` (the `module` class's constructor),
//! module specs (`__spec__`), and the fields of `SyntaxError` (`filename`, `lineno`, ...).
//! ImportError's `name` and `path` are in `runtime::exception_fields`.

use crate::intern::intern;
use crate::object::class::{Class, Layout};
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::type_error;
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

thread_local! {
    static SPEC_CLASS: Rc<Class> =
        crate::runtime::types::new_class("ModuleSpec", vec![types().object.clone()], Layout::Object);
}

/// Installs the constructors and fields on the builtin classes.
pub fn install() {
    let t = types();
    constructor(&t.module, module_type);
    let syntax_error = t.exc(ExcType::SyntaxError);
    for k in ["msg", "filename", "lineno", "offset", "text", "end_lineno", "end_offset", "print_file_and_line"] {
        syntax_error.attrs.borrow_mut().insert(intern(k), Value::None);
    }
    method(syntax_error, "__init__", syntax_error_init);
    method(syntax_error, "__str__", syntax_error_str);
}

/// A module spec: `name`, `origin` (the file, or `'built-in'`), `parent`, and for a
/// package the `submodule_search_locations` (its `__path__`).
pub fn new_spec(name: &str, origin: Value, locations: Value) -> Value {
    let inst = Instance::new(SPEC_CLASS.with(Rc::clone));
    let is_package = !locations.is_none();
    let parent = if is_package { name } else { name.rsplit_once('.').map_or("", |(p, _)| p) };
    let has_location = matches!(&origin, Value::Str(s) if &*s.s != "built-in");
    let mut attrs = inst.attrs.borrow_mut();
    for (k, v) in [
        ("name", Value::str(name)),
        ("loader", Value::None),
        ("origin", origin),
        ("loader_state", Value::None),
        ("submodule_search_locations", locations),
        ("cached", Value::None),
        ("parent", Value::str(parent)),
        ("has_location", Value::Bool(has_location)),
    ] {
        attrs.insert(intern(k), v);
    }
    drop(attrs);
    Value::Instance(Rc::new(inst))
}

/// `types.ModuleType(name, doc=None)`.
fn module_type(a: &Args) -> PyResult {
    let pos = a.pos;
    let mut name = pos.first().cloned();
    let mut doc = pos.get(1).cloned();
    for (k, v) in a.kw {
        match k.as_str() {
            "name" if name.is_none() => name = Some(v.clone()),
            "doc" if doc.is_none() => doc = Some(v.clone()),
            other => return Err(type_error(format!("module() got an unexpected keyword argument '{}'", other))),
        }
    }
    if pos.len() > 2 {
        return Err(type_error(format!("module() takes at most 2 arguments ({} given)", pos.len())));
    }
    let name = match name {
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(type_error(format!("module.__init__() argument 'name' must be str, not {}", type_name(&other))))
        }
        None => return Err(type_error("module.__init__() missing required argument 'name' (pos 1)")),
    };
    let m = Module::new(intern(&name.s));
    m.set(intern("__name__"), Value::Str(name));
    m.set(intern("__doc__"), doc.unwrap_or(Value::None));
    m.set(intern("__package__"), Value::None);
    m.set(intern("__loader__"), Value::None);
    m.set(intern("__spec__"), Value::None);
    Ok(Value::Module(Rc::new(m)))
}

/// `SyntaxError.__init__(self, msg, (filename, lineno, offset, text[, end_lineno, end_offset]))`.
fn syntax_error_init(a: &Args) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else { return Err(type_error("SyntaxError.__init__ needs self")) };
    let args = a.pos[1..].to_vec();
    let mut attrs = Vec::new();
    if let Some(msg) = args.first() {
        attrs.push(("msg", msg.clone()));
    }
    if args.len() == 2 {
        let info = match &args[1] {
            Value::Tuple(t) if (4..=6).contains(&t.items.len()) => t.items.to_vec(),
            Value::Tuple(_) => return Err(crate::runtime::exceptions::index_error("tuple index out of range")),
            _ => return Err(type_error("SyntaxError: second argument must be a tuple")),
        };
        let names = ["filename", "lineno", "offset", "text", "end_lineno", "end_offset"];
        attrs.extend(names.iter().copied().zip(info));
    }
    if let Some(e) = inst.exc() {
        e.borrow_mut().args = args;
    }
    let mut table = inst.attrs.borrow_mut();
    for (k, v) in attrs {
        table.insert(intern(k), v);
    }
    Ok(Value::None)
}

/// `str(SyntaxError)`: `msg (file, line N)`, naming the file without its folders.
fn syntax_error_str(a: &Args) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else { return Err(type_error("SyntaxError.__str__ needs self")) };
    let field = |k: &str| crate::vm::peek_attr(&a.pos[0], intern(k)).unwrap_or(Value::None);
    let msg = match field("msg") {
        Value::Str(s) => s.s.to_string(),
        Value::None => match inst.exc().and_then(|e| e.borrow().args.first().cloned()) {
            Some(Value::Str(s)) => s.s.to_string(),
            _ => String::new(),
        },
        other => type_name(&other).to_string(),
    };
    let file = match field("filename") {
        Value::Str(s) => Some(s.s.rsplit('/').next().unwrap_or_default().to_string()),
        _ => None,
    };
    Ok(Value::str(match (file, field("lineno")) {
        (Some(f), Value::Int(n)) => format!("{} ({}, line {})", msg, f, n),
        (Some(f), _) => format!("{} ({})", msg, f),
        (None, Value::Int(n)) => format!("{} (line {})", msg, n),
        (None, _) => msg,
    }))
}
