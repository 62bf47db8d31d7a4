//! The `copy` module, written in coro (`lib.coro`).

pub const SOURCE: &str = include_str!("lib.coro");

use crate::intern::intern;
use crate::object::class::Layout;
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use std::rc::Rc;

/// `_copy_native`: what `copy` needs below the script level.
pub fn make_native_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("_copy_native")));
    m.set(intern("__name__"), Value::str("_copy_native"));
    // `new_instance(cls)`: an instance of a script class whose `__init__` has not run, as
    // `cls.__new__(cls)` makes one for `copy`'s reconstruction.
    m.set(
        intern("new_instance"),
        native("new_instance", |a| {
            check_args(a, "new_instance", 1, 1)?;
            match &a.pos[0] {
                Value::Class(c) if matches!(c.layout, Layout::Object | Layout::Value) => {
                    Ok(Value::Instance(Rc::new(Instance::new(c.clone()))))
                }
                Value::Class(c) => Err(type_error(format!("cannot create '{}' instances", c.name))),
                other => Err(type_error(format!(
                    "new_instance() argument must be a class, not {}",
                    crate::runtime::type_name(other)
                ))),
            }
        }),
    );
    m
}
