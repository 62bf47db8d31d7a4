//! The virtual machine: a stackless dispatch loop over fibers of heap frames.
//!
//! A script call pushes a frame; a generator resume switches fibers; a native that needs
//! script code returns a continuation (see `native`). None of these recurse on the Rust stack.

mod attr;
pub(crate) mod call;
mod exec;
mod fast_ops;
pub mod frame;
mod matching;
pub mod native;
pub mod ops;
mod requests;
mod scheduler;
mod stack;

pub use attr::{
    attribute_names, code_object, del_attr, del_class_attr, generic_del_attr, generic_get_attr, generic_set_attr,
    get_attr, get_attr_or_missing, group_members, is_group, lookup_bound, no_attr, peek_attr, set_attr, set_class_attr,
};
pub use call::module_coroutine;
pub use scheduler::{exc_of, Event};

use crate::intern::{intern, sym};
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use frame::Fiber;
use native::NativeFrame;
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

/// Maximum depth of nested script calls before `RecursionError`, until a script sets
/// another with `sys.setrecursionlimit`.
pub const RECURSION_LIMIT: usize = 1000;

pub struct Vm {
    /// Fibers waiting for the running one to yield or finish (innermost last). Boxed so that
    /// switching fibers moves a pointer, not the fiber.
    #[allow(clippy::vec_box)]
    resumers: Vec<Box<Fiber>>,
    pub builtins: Rc<Module>,
    /// Fibers of finished generators, for new ones.
    fibers: frame::FiberPool,
    /// Script frames currently on active fibers, for the recursion limit.
    depth: usize,
    /// Set when the running fiber's last frame ends: its result or exception.
    finished: Option<Result<Value, Exc>>,
    /// The depth past which calls raise RecursionError.
    recursion_limit: usize,
    /// The highest `recursion_limit` a script may set: the host's `max_recursion_depth`.
    pub recursion_ceiling: usize,
    /// Steps (loop iterations and calls) to run before the next `limits::refuel`; never 0
    /// between steps.
    fuel: u32,
}

impl Vm {
    pub fn new() -> Vm {
        // A new interpreter starts with only `builtins` and `sys` imported, both made by
        // the library installed in the import registry.
        crate::import::reset();
        let library = crate::import::registry::library();
        let builtins = (library.builtins)();
        crate::import::mark_builtin(&builtins, "builtins");
        crate::import::add_module("builtins", Value::Module(builtins.clone()));
        let sys = (library.sys)();
        crate::import::mark_builtin(&sys, "sys");
        crate::import::add_module("sys", Value::Module(sys));
        Vm {
            resumers: Vec::new(),
            fibers: frame::FiberPool::default(),
            builtins,
            depth: 0,
            finished: None,
            recursion_limit: RECURSION_LIMIT,
            recursion_ceiling: usize::MAX,
            fuel: crate::limits::CHUNK,
        }
    }

    /// Sets the recursion limit, as `sys.setrecursionlimit` does.
    pub fn set_recursion_limit(&mut self, n: usize) {
        self.recursion_limit = n;
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

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}
