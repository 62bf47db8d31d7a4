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
pub fn module_exception(module: &'static str, name: &'static str, base: &str) -> Rc<Class> {
    make(module, name, vec![types().exc(base).clone()], Layout::Exception)
}

/// The class `module.name` of objects carrying a native payload.
pub fn native_class(module: &'static str, name: &'static str) -> Rc<Class> {
    make(module, name, vec![types().object.clone()], Layout::Native)
}
