//! The virtual machine: a stackless dispatch loop over fibers of heap frames.
//!
//! A script call pushes a frame; a generator resume switches fibers; a native that needs
//! script code returns a continuation (see `native`). None of these recurse on the Rust stack.

mod attr;
mod call;
mod exec;
pub mod frame;
pub mod native;
pub mod ops;

pub use attr::{
    attribute_names, del_attr, generic_del_attr, generic_get_attr, generic_set_attr, get_attr, group_members, is_group,
    lookup_bound, peek_attr, set_attr,
};
pub use call::module_coroutine;
pub use exec::{exc_of, Event};

use crate::intern::{intern, sym, Symbol};
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use frame::Fiber;
use native::NativeFrame;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// A raised exception: an instance of a `BaseException` subclass.
pub type Exc = Rc<Instance>;

/// Why a native or an operation did not produce a value directly.
pub enum Flow {
    Raise(Exc),
    /// The work needs script code: run this continuation and use its result.
    Async(Box<NativeFrame>),
}

pub type PyResult<T = Value> = Result<T, Flow>;

/// Maximum depth of nested script calls before `RecursionError`.
pub const RECURSION_LIMIT: usize = 1000;

pub struct Vm {
    /// Fibers waiting for the running one to yield or finish (innermost last). Boxed so that
    /// switching fibers moves a pointer, not the fiber.
    #[allow(clippy::vec_box)]
    resumers: Vec<Box<Fiber>>,
    pub builtins: Rc<Module>,
    /// Imported and native modules by name.
    pub modules: FxHashMap<Symbol, Value>,
    /// Script frames currently on active fibers, for the recursion limit.
    depth: usize,
    /// Set when the running fiber's last frame ends: its result or exception.
    finished: Option<Result<Value, Exc>>,
}

impl Vm {
    pub fn new() -> Vm {
        let builtins = crate::modules::builtins::make_module();
        Vm { resumers: Vec::new(), builtins, modules: FxHashMap::default(), depth: 0, finished: None }
    }

    /// Imports a module by name: a native module, created on first import.
    /// Imports a module by name. A native module may come with a part written in coro
    /// itself: then its code is returned too, to be run (as a frame) before the module is used.
    pub fn import(&mut self, name: &str) -> PyResult<(Value, Option<Rc<crate::bytecode::Code>>)> {
        let sym = intern(name);
        if let Some(m) = self.modules.get(&sym) {
            return Ok((m.clone(), None));
        }
        match crate::modules::native_module(name) {
            Some(m) => {
                let v = Value::Module(m.clone());
                self.modules.insert(sym, v.clone());
                let code = match crate::modules::module_source(name) {
                    Some(src) => Some(compile_module_source(name, src, &m)?),
                    None => None,
                };
                Ok((v, code))
            }
            None => Err(Flow::Raise(crate::runtime::exceptions::new_exception(
                crate::runtime::types().exc("ModuleNotFoundError"),
                vec![Value::str(format!("No module named '{}'", name))],
            ))),
        }
    }
}

/// `from module import *`: binds the names in the module's `__all__`, or else every name
/// without a leading underscore, as globals of `into`.
pub fn import_star(module: &Value, into: &Module) -> PyResult<()> {
    let Value::Module(m) = module else { return Ok(()) };
    let Some(all) = m.get(sym::ALL) else {
        for (name, v) in m.items() {
            if !name.as_str().starts_with('_') {
                into.set(name, v);
            }
        }
        return Ok(());
    };
    // CPython indexes `__all__` as a sequence.
    let names = match &all {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(_) => {
            crate::runtime::protocol::unpack_fast(&all, usize::MAX).unwrap_or_else(|| Ok(Vec::new()))?
        }
        _ => return Err(type_error(format!("'{}' object is not subscriptable", type_name(&all)))),
    };
    for name in names {
        let Some(s) = name.as_str() else {
            return Err(type_error(format!("Item in {}.__all__ must be str, not {}", m.name, type_name(&name))));
        };
        into.set(intern(s), get_attr(module, intern(s))?);
    }
    Ok(())
}

/// Compiles the coro-source part of a native module into its globals.
fn compile_module_source(name: &str, src: &str, module: &Rc<Module>) -> PyResult<Rc<crate::bytecode::Code>> {
    let source = crate::span::SourceFile::new(format!("<{}>", name), src);
    let broken = |msg: String| {
        crate::runtime::exceptions::raise("SystemError", format!("module {} does not compile: {}", name, msg))
    };
    let ast = crate::parser::parse(src).map_err(|e| broken(e.msg))?;
    crate::compiler::compile(&ast, source, module).map_err(|e| broken(e.msg))
}

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}
