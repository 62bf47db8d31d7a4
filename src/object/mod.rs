//! Heap objects behind `Value`'s reference-counted variants.

pub mod class;
pub mod dict;
pub mod function;
pub mod hash;
pub mod instance;
pub mod iter;
pub mod module;
pub mod set;

use crate::bytecode::Code;
use crate::value::Value;
use crate::vm::frame::Fiber;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Where a generator or coroutine is in its life.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GenState {
    Created,
    Suspended,
    Running,
    Finished,
}

/// A generator or coroutine: a suspended fiber (its frames and value stack) kept on the heap.
pub struct Generator {
    pub code: Rc<Code>,
    pub qualname: String,
    /// The frames; taken out while the generator runs.
    pub fiber: RefCell<Option<Box<Fiber>>>,
    pub state: Cell<GenState>,
    /// Set when a coroutine object has been awaited or driven, for "never awaited" reports.
    pub awaited: Cell<bool>,
}

impl Generator {
    pub fn is_coroutine(&self) -> bool {
        self.code.flags.is_coroutine
    }
}

/// Small wrapper objects: descriptors, `super()` and dict views.
pub enum Wrapper {
    StaticMethod(Value),
    ClassMethod(Value),
    Property {
        fget: Value,
        fset: Value,
        fdel: Value,
        doc: Value,
    },
    /// `super(cls, obj)`: attribute lookup starts after `cls` in `obj`'s MRO.
    Super {
        class: Rc<class::Class>,
        obj: Value,
    },
    DictView {
        kind: DictViewKind,
        dict: Rc<dict::PyDict>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DictViewKind {
    Keys,
    Values,
    Items,
}
