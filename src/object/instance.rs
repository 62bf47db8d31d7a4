//! Instances of classes: an attribute table plus, for exceptions and native runtime types,
//! the state that their builtin base keeps.

use super::class::{Attrs, Class};
use crate::bytecode::Code;
use crate::intern::Symbol;
use crate::value::Value;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct Instance {
    pub class: Rc<Class>,
    pub attrs: RefCell<Attrs>,
    pub payload: Payload,
}

pub enum Payload {
    None,
    Exception(RefCell<ExcData>),
    Native(RefCell<Box<dyn Any>>),
}

/// One traceback line: a frame's code and the instruction that was executing.
#[derive(Clone)]
pub struct TracebackEntry {
    pub code: Rc<Code>,
    pub ip: u32,
}

#[derive(Default)]
pub struct ExcData {
    pub args: Vec<Value>,
    /// Innermost frame last, as Python prints it.
    pub traceback: Vec<TracebackEntry>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
}

impl Instance {
    pub fn new(class: Rc<Class>) -> Instance {
        let payload = match class.layout {
            super::class::Layout::Exception => Payload::Exception(RefCell::new(ExcData::default())),
            _ => Payload::None,
        };
        Instance { class, attrs: RefCell::new(Attrs::default()), payload }
    }

    pub fn exc(&self) -> Option<&RefCell<ExcData>> {
        match &self.payload {
            Payload::Exception(e) => Some(e),
            _ => None,
        }
    }

    /// The attribute `name` from the instance's own table. `hint` is an inline cache: the
    /// index where the calling instruction last found it.
    #[inline]
    pub fn own_attr(&self, name: Symbol, hint: &Cell<u32>) -> Option<Value> {
        let attrs = self.attrs.borrow();
        if let Some((k, v)) = attrs.get_index(hint.get() as usize) {
            if *k == name {
                return Some(v.fast_clone());
            }
        }
        let (i, _, v) = attrs.get_full(&name)?;
        hint.set(i as u32);
        Some(v.fast_clone())
    }

    /// Sets the attribute `name` in the instance's own table; `hint` as for `own_attr`.
    #[inline]
    pub fn set_own_attr(&self, name: Symbol, v: Value, hint: &Cell<u32>) {
        let mut attrs = self.attrs.borrow_mut();
        if let Some((k, slot)) = attrs.get_index_mut(hint.get() as usize) {
            if *k == name {
                *slot = v;
                return;
            }
        }
        let (i, _) = attrs.insert_full(name, v);
        hint.set(i as u32);
    }

    /// The native payload downcast to `T`, for runtime types implemented in Rust.
    pub fn native<T: 'static>(&self) -> Option<std::cell::RefMut<'_, T>> {
        match &self.payload {
            Payload::Native(b) => std::cell::RefMut::filter_map(b.borrow_mut(), |b| b.downcast_mut::<T>()).ok(),
            _ => None,
        }
    }
}
