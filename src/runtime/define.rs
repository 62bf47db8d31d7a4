//! Defining native functions, methods and constructors: how Rust code (the builtins, the
//! standard library, a host program) puts functions on modules and classes.

use crate::intern::{intern, sym};
use crate::object::class::Class;
use crate::object::function::{NativeFn, NativeFunction};
use crate::object::Wrapper;
use crate::runtime::args::check_args;
use crate::runtime::protocol;
use crate::value::Value;
use std::rc::Rc;

/// A native function value.
pub fn native(name: &'static str, func: NativeFn) -> Value {
    Value::Native(Rc::new(NativeFunction { name, owner: None, func }))
}

/// Adds a native method to a builtin class.
pub fn method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    let owner: &'static str = class.name.as_str();
    class
        .attrs
        .borrow_mut()
        .insert(intern(name), Value::Native(Rc::new(NativeFunction { name, owner: Some(owner), func })));
}

/// `__iter__` and `__next__` of a native iterator type (`list_iterator`, `map`, ...), for
/// scripts that take them as attributes (`iter(s).__next__`).
pub fn install_iterator_methods(class: &Rc<Class>) {
    method(class, "__iter__", |a| {
        check_args(a, "__iter__", 1, 1)?;
        Ok(a.pos[0].clone())
    });
    method(class, "__next__", |a| {
        check_args(a, "__next__", 1, 1)?;
        protocol::next_async(a.pos[0].clone())
    });
}

/// The constructor run when a builtin class is called.
pub fn constructor(class: &Rc<Class>, func: NativeFn) {
    let ctor = Wrapper::BuiltinNew { class: class.clone(), ctor: func };
    class.attrs.borrow_mut().insert(sym::NEW, Value::Wrapper(Rc::new(ctor)));
}

/// `object.__init__` / `BaseException.__init__` as reached through `super().__init__(...)`.
pub fn base_init() -> Value {
    native("__init__", |a| {
        if let Some(Value::Instance(inst)) = a.pos.first() {
            if let Some(e) = inst.exc() {
                e.borrow_mut().args = a.pos[1..].to_vec();
            }
        }
        Ok(Value::None)
    })
}
