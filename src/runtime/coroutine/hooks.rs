//! The async generator hooks (CPython's `sys.set_asyncgen_hooks`): an event loop installs
//! them to learn of each async generator that starts while it runs, and to close those
//! dropped unfinished. Without hooks, async generators need no loop.

use crate::object::Generator;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Clone, Copy)]
pub struct AsyncGenHooks {
    /// An async generator is asked for its first step.
    pub first_iter: fn(&Rc<Generator>),
    /// An async generator that `first_iter` marked (`loop_hooked`) was dropped unfinished;
    /// it is given back with its frames, to be closed.
    pub finalizer: fn(Generator),
}

thread_local! {
    static HOOKS: Cell<Option<AsyncGenHooks>> = const { Cell::new(None) };
}

/// Installs this thread's async generator hooks.
pub fn set_asyncgen_hooks(hooks: AsyncGenHooks) {
    HOOKS.with(|h| h.set(Some(hooks)));
}

/// Runs the first-iteration hook on `gen`, if there is one.
pub fn first_iter(gen: &Rc<Generator>) {
    if let Some(h) = HOOKS.with(Cell::get) {
        (h.first_iter)(gen);
    }
}

/// Hands an unfinished async generator to the finalizer hook, if there is one (during thread
/// teardown there is none, and the generator is simply dropped).
pub fn finalize(gen: Generator) {
    if let Some(h) = HOOKS.try_with(Cell::get).ok().flatten() {
        (h.finalizer)(gen);
    }
}
