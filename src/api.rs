//! The native API: what a Rust program embedding coro uses to give scripts modules of its
//! own, the same way the standard library defines its modules. Everything here is also
//! reachable at its home in the crate; this is the short list a host needs.
//!
//! ```no_run
//! use coro::api::{self, Args, PyResult, Value};
//!
//! fn double(a: &Args) -> PyResult {
//!     api::check_args(a, "double", 1, 1)?;
//!     Ok(Value::Int(api::int_arg(a, 0, "double")? * 2))
//! }
//!
//! let mut interp = coro::Interpreter::new();
//! interp.register_module("host", || api::ModuleBuilder::new("host").function("double", double).build());
//! interp.run_source("<string>", "import host\nprint(host.double(21))\n");
//! ```
//!
//! Builtin exceptions are named by `ExcType` (`api::raise(ExcType::KeyError, "...")`,
//! `api::is_instance_of(&e, ExcType::OSError)`); a module's own exception classes come from
//! `module_exception("host", "HostError", ExcType::Exception)`, one class per thread.

use crate::intern::intern;
use std::rc::Rc;

pub use crate::modules::asyncio::thread_future::{completable_future, thread_future};
pub use crate::modules::classes::module_exception;
pub use crate::object::function::{Args, NativeFn};
pub use crate::object::module::Module;
pub use crate::runtime::args::{arg, check_args, kwarg, ArgSpec};
pub use crate::runtime::completions::Completer;
pub use crate::runtime::exceptions::{is_instance_of, new_exception, raise, runtime_error, type_error, value_error};
pub use crate::runtime::ExcType;
pub use crate::value::Value;
pub use crate::vm::{Flow, PyResult};

/// Builds a native module: functions and constants under their names.
pub struct ModuleBuilder {
    module: Rc<Module>,
}

impl ModuleBuilder {
    pub fn new(name: &str) -> ModuleBuilder {
        let module = Rc::new(Module::new(intern(name)));
        module.builtin.set(true);
        module.set(intern("__name__"), Value::str(name));
        ModuleBuilder { module }
    }

    /// Adds a function. One that returns a future (`thread_future`, `completable_future`)
    /// is awaited by scripts like an `async def`.
    pub fn function(self, name: &'static str, func: NativeFn) -> ModuleBuilder {
        self.module.set(intern(name), crate::runtime::define::native(name, func));
        self
    }

    /// Adds a constant (or any value).
    pub fn constant(self, name: &str, value: Value) -> ModuleBuilder {
        self.module.set(intern(name), value);
        self
    }

    pub fn build(self) -> Rc<Module> {
        self.module
    }
}

/// Argument `i` of `func` as an `int`, with CPython's TypeError for anything else.
pub fn int_arg(a: &Args, i: usize, func: &str) -> PyResult<i64> {
    match *arg(a, i, func)? {
        Value::Int(n) => Ok(n),
        Value::Bool(b) => Ok(b as i64),
        ref other => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            crate::runtime::type_name(other)
        ))),
    }
}

/// Argument `i` of `func` as a `str`, with CPython's TypeError for anything else.
pub fn str_arg<'a>(a: &'a Args, i: usize, func: &str) -> PyResult<&'a str> {
    let v = arg(a, i, func)?;
    v.as_str().ok_or_else(|| {
        type_error(format!("{}() argument {} must be str, not {}", func, i + 1, crate::runtime::type_name(v)))
    })
}
