//! The native modules a script can import: the standard library's (installed as a
//! [`Library`] when an interpreter is made) and those the host program adds
//! (`Interpreter::register_module`). Names may be dotted (`os.path`); importing `a.b`
//! imports `a` first.

use crate::object::module::Module;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Makes a fresh instance of a native module, on its first import.
pub type Constructor = Rc<dyn Fn() -> Rc<Module>>;

/// The standard library as the import system sees it: the native modules, and the coro
/// source that completes a module (its part written in coro), both by name.
pub struct Library {
    /// Makes `builtins` and `sys`, the modules every interpreter starts with.
    pub builtins: fn() -> Rc<Module>,
    pub sys: fn() -> Rc<Module>,
    pub native_module: fn(&str) -> Option<Rc<Module>>,
    /// Whether `native_module` would make a module of this name.
    pub has_module: fn(&str) -> bool,
    pub module_source: fn(&str) -> Option<&'static str>,
}

/// No library: empty `builtins` and `sys`; only host modules and files import.
const EMPTY: Library = Library {
    builtins: || Rc::new(Module::new(crate::intern::intern("builtins"))),
    sys: || Rc::new(Module::new(crate::intern::intern("sys"))),
    native_module: |_| None,
    has_module: |_| false,
    module_source: |_| None,
};

thread_local! {
    static HOSTED: RefCell<FxHashMap<String, Constructor>> = RefCell::default();
    static LIBRARY: Cell<&'static Library> = const { Cell::new(&EMPTY) };
}

/// Makes `library` the standard library of this thread's interpreters.
pub fn install_library(library: &'static Library) {
    LIBRARY.with(|l| l.set(library));
}

/// The standard library of this thread's interpreters.
pub fn library() -> &'static Library {
    LIBRARY.with(Cell::get)
}

/// The coro source of a library module, if it has a part written in coro.
pub fn module_source(name: &str) -> Option<&'static str> {
    (library().module_source)(name)
}

/// Adds (or replaces) a native module of the host program; it is found before the built-in
/// ones and before any file.
pub fn register(name: &str, make: Constructor) {
    HOSTED.with(|h| h.borrow_mut().insert(name.to_string(), make));
}

/// Whether there is a native module of this name.
pub fn has(name: &str) -> bool {
    HOSTED.with(|h| h.borrow().contains_key(name)) || (library().has_module)(name)
}

/// A fresh instance of the named native module, if there is one.
pub fn make(name: &str) -> Option<Rc<Module>> {
    let hosted = HOSTED.with(|h| h.borrow().get(name).cloned());
    match hosted {
        Some(make) => Some(make()),
        None => (library().native_module)(name),
    }
}
