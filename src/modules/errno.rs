//! The `errno` module: the system's error numbers by name, and `errorcode`.

use crate::intern::intern;
use crate::object::module::Module;
use crate::runtime::os_error::ERRNO_NAMES;
use crate::value::Value;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("errno")));
    m.set(intern("__name__"), Value::str("errno"));
    let mut codes = Vec::new();
    for &(name, n) in ERRNO_NAMES {
        m.set(intern(name), Value::Int(n));
        codes.push(Value::Int(n));
        codes.push(Value::str(name));
    }
    // Later names win for a number: the table lists errorcode's name last.
    let errorcode = crate::runtime::protocol::make_dict(codes).unwrap_or(Value::None);
    m.set(intern("errorcode"), errorcode);
    m
}
