//! The native modules a script can import: those built in (`modules::native_module`, one
//! line per module) and those the host program adds (`Interpreter::register_module`).
//! Names may be dotted (`os.path`); importing `a.b` imports `a` first.

use crate::object::module::Module;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// Makes a fresh instance of a native module, on its first import.
pub type Constructor = Rc<dyn Fn() -> Rc<Module>>;

thread_local! {
    static HOSTED: RefCell<FxHashMap<String, Constructor>> = RefCell::default();
}

/// Adds (or replaces) a native module of the host program; it is found before the built-in
/// ones and before any file.
pub fn register(name: &str, make: Constructor) {
    HOSTED.with(|h| h.borrow_mut().insert(name.to_string(), make));
}

/// Whether there is a native module of this name.
pub fn has(name: &str) -> bool {
    HOSTED.with(|h| h.borrow().contains_key(name)) || crate::modules::native_module(name).is_some()
}

/// A fresh instance of the named native module, if there is one.
pub fn make(name: &str) -> Option<Rc<Module>> {
    let hosted = HOSTED.with(|h| h.borrow().get(name).cloned());
    match hosted {
        Some(make) => Some(make()),
        None => crate::modules::native_module(name),
    }
}
