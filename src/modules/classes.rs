//! Classes that native modules define (`struct.error`, `hashlib`'s hash objects, ...), made
//! once per thread so that every raise and every `except` sees the same class.

use crate::intern::intern;
use crate::object::class::{c3_mro, Class, Layout};
use crate::runtime::types;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static CLASSES: RefCell<FxHashMap<(&'static str, &'static str), Rc<Class>>> = RefCell::default();
}

fn make(module: &'static str, name: &'static str, bases: Vec<Rc<Class>>, layout: Layout) -> Rc<Class> {
    CLASSES.with(|c| {
        c.borrow_mut()
            .entry((module, name))
            .or_insert_with(|| {
                let mro = c3_mro(&bases).unwrap_or_default();
                Rc::new(Class::new(intern(name), name.to_string(), intern(module), bases, mro, layout))
            })
            .clone()
    })
}

/// The exception class `module.name`, derived from the builtin exception `base`.
pub fn module_exception(module: &'static str, name: &'static str, base: crate::runtime::ExcType) -> Rc<Class> {
    make(module, name, vec![types().exc(base).clone()], Layout::Exception)
}

/// The class `module.name` of objects carrying a native payload.
pub fn native_class(module: &'static str, name: &'static str) -> Rc<Class> {
    make(module, name, vec![types().object.clone()], Layout::Native)
}

/// Read-only properties computed by natives (`memoryview.nbytes`, `hash.name`, ...).
pub fn add_properties(class: &Rc<Class>, properties: &[(&'static str, crate::object::function::NativeFn)]) {
    use crate::object::function::NativeFunction;
    use crate::object::Wrapper;
    use crate::value::Value;
    let owner: &'static str = class.name.as_str();
    for &(name, func) in properties {
        let fget = Value::Native(Rc::new(NativeFunction { name, owner: Some(owner), func }));
        let prop = Wrapper::Property { fget, fset: Value::None, fdel: Value::None, doc: Value::None };
        class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(prop)));
    }
}

/// A new instance of a native class carrying `payload`.
pub fn native_instance<T: 'static>(class: Rc<Class>, payload: T) -> crate::value::Value {
    use crate::object::instance::{Instance, Payload};
    let mut inst = Instance::new(class);
    inst.payload = Payload::Native(RefCell::new(Box::new(payload)));
    crate::value::Value::Instance(Rc::new(inst))
}
