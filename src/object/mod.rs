//! Heap objects behind `Value`'s reference-counted variants.

pub mod attr_rules;
pub mod attr_table;
pub mod buffer;
pub mod class;
pub mod dict;
pub mod function;
pub mod hash;
pub mod instance;
pub mod iter;
pub mod key_eq;
pub mod module;
pub mod set;
pub mod shape;

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
// Keep a generator within an 80-byte allocation (with its reference counts).
const _: () = assert!(std::mem::size_of::<Generator>() <= 56);

pub struct Generator {
    pub code: Rc<Code>,
    /// The function's `__qualname__` when it differs from its code's (it was reassigned);
    /// usually None, which saves a string per coroutine.
    qualname: Option<Box<str>>,
    /// The frames; taken out while the generator runs.
    pub fiber: RefCell<Option<Box<Fiber>>>,
    pub state: Cell<GenState>,
    /// Set when a coroutine object has been awaited or driven, for "never awaited" reports.
    pub awaited: Cell<bool>,
    /// Set while an async generator's `asend`/`athrow`/`aclose` awaitable is part-way through
    /// (CPython's `ag_running_async`): a second one may not start meanwhile.
    pub step_running: Cell<bool>,
    /// An async generator an event loop has seen start (CPython's asyncgen hooks): when it
    /// is dropped unfinished, that loop closes it with an `aclose()` task.
    pub loop_hooked: Cell<bool>,
    /// The call that created it (code and instruction), for "never awaited" reports. Kept
    /// as two fields so the instruction index packs with the flags above: a coroutine per
    /// task makes every byte count.
    created_in: Option<Rc<Code>>,
    created_ip: u32,
}

impl Generator {
    pub fn new(code: Rc<Code>, qualname: &str, fiber: Box<Fiber>, created_at: Option<(Rc<Code>, u32)>) -> Generator {
        let qualname = (qualname != code.qualname).then(|| qualname.into());
        Generator {
            code,
            qualname,
            fiber: RefCell::new(Some(fiber)),
            state: Cell::new(GenState::Created),
            awaited: Cell::new(false),
            step_running: Cell::new(false),
            loop_hooked: Cell::new(false),
            created_ip: created_at.as_ref().map_or(0, |(_, ip)| *ip),
            created_in: created_at.map(|(code, _)| code),
        }
    }

    pub fn qualname(&self) -> &str {
        self.qualname.as_deref().unwrap_or(&self.code.qualname)
    }

    /// A new generator object with this one's frames, for a finalizer to close after
    /// this one is gone.
    fn revive(&mut self) -> Generator {
        Generator {
            code: self.code.clone(),
            qualname: self.qualname.take(),
            fiber: RefCell::new(self.fiber.take()),
            state: Cell::new(self.state.get()),
            awaited: Cell::new(true),
            step_running: Cell::new(false),
            loop_hooked: Cell::new(false),
            created_in: self.created_in.take(),
            created_ip: self.created_ip,
        }
    }

    /// The script code and line of the call that created it, if script code did.
    pub fn created_site(&self) -> Option<(Rc<Code>, usize)> {
        self.created_in.as_ref().map(|code| (code.clone(), code.line_of(self.created_ip as usize)))
    }

    pub fn is_coroutine(&self) -> bool {
        self.code.flags.is_coroutine
    }

    /// A generator function's generator: neither a coroutine nor an async generator.
    pub fn is_plain_generator(&self) -> bool {
        !self.is_coroutine() && !self.is_async_generator()
    }

    pub fn is_async_generator(&self) -> bool {
        self.code.flags.is_async_generator
    }

    /// The type name Python shows: `generator`, `coroutine` or `async_generator`.
    pub fn type_name(&self) -> &'static str {
        match self.kind_word() {
            "async generator" => "async_generator",
            word => word,
        }
    }

    /// How messages name this kind of object: `generator`, `coroutine` or `async generator`.
    pub fn kind_word(&self) -> &'static str {
        if self.is_coroutine() {
            "coroutine"
        } else if self.is_async_generator() {
            "async generator"
        } else {
            "generator"
        }
    }
}

impl Drop for Generator {
    /// A coroutine object dropped before anything awaited it is almost always a bug (a
    /// missing `await`): say so on stderr, as CPython's RuntimeWarning does.
    fn drop(&mut self) {
        if self.loop_hooked.get() && self.state.get() != GenState::Finished {
            crate::runtime::coroutine::hooks::finalize(self.revive());
            return;
        }
        if self.is_coroutine() && !self.awaited.get() && self.state.get() == GenState::Created {
            let (code, line) = self.created_site().unwrap_or_else(|| (self.code.clone(), self.code.first_line()));
            let msg = format!(
                "{}:{}: RuntimeWarning: coroutine '{}' was never awaited\n  {}\n",
                code.source.name,
                line,
                self.qualname(),
                code.source.line_text(line).trim()
            );
            crate::runtime::output::try_write_err(&msg);
        }
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
    /// A builtin type's `__new__` (`int.__new__`): its constructor, run for the class given
    /// as first argument (see `type_object::builtin_new`).
    BuiltinNew {
        class: Rc<class::Class>,
        ctor: function::NativeFn,
    },
    /// A builtin type's special method as an attribute (`int.__add__`, `object.__repr__`):
    /// see `runtime::slot_wrappers`.
    Slot {
        class: Rc<class::Class>,
        name: crate::intern::Symbol,
    },
    /// A `__slots__` name's member descriptor (`<member 'x' of 'P' objects>`): the value
    /// instances of `class` keep in their slot `index`.
    Member {
        class: std::rc::Weak<class::Class>,
        name: crate::intern::Symbol,
        index: usize,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DictViewKind {
    Keys,
    Values,
    Items,
}
