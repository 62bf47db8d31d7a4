//! Instances of classes: an attribute table plus, for exceptions and native runtime types,
//! the state that their builtin base keeps.

use super::class::{Attrs, Class};
use crate::bytecode::Code;
use crate::intern::Symbol;
use crate::value::{fast_drop, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct Instance {
    pub class: Rc<Class>,
    pub attrs: RefCell<InstanceAttrs>,
    pub payload: Payload,
}

/// An instance's own attribute table, allocated when the first attribute is set: most
/// native objects (tasks, futures, locks) never get one, and an empty table is not small.
#[derive(Default)]
pub struct InstanceAttrs(Option<Box<Attrs>>);

impl InstanceAttrs {
    fn table(&mut self) -> &mut Attrs {
        self.table_with_room(0)
    }

    /// The table, allocated with room for `capacity` attributes if there is none yet.
    fn table_with_room(&mut self, capacity: usize) -> &mut Attrs {
        self.0.get_or_insert_with(|| Box::new(Attrs::with_capacity_and_hasher(capacity, Default::default())))
    }

    pub fn get(&self, name: &Symbol) -> Option<&Value> {
        self.0.as_ref()?.get(name)
    }

    pub fn get_full(&self, name: &Symbol) -> Option<(usize, &Symbol, &Value)> {
        self.0.as_ref()?.get_full(name)
    }

    pub fn get_index(&self, i: usize) -> Option<(&Symbol, &Value)> {
        self.0.as_ref()?.get_index(i)
    }

    pub fn get_index_mut(&mut self, i: usize) -> Option<(&Symbol, &mut Value)> {
        self.0.as_mut()?.get_index_mut(i)
    }

    pub fn contains_key(&self, name: &Symbol) -> bool {
        self.0.as_ref().is_some_and(|t| t.contains_key(name))
    }

    pub fn insert(&mut self, name: Symbol, v: Value) -> Option<Value> {
        self.table().insert(name, v)
    }

    pub fn shift_remove(&mut self, name: &Symbol) -> Option<Value> {
        self.0.as_mut()?.shift_remove(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Symbol, &Value)> {
        self.0.iter().flat_map(|t| t.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &Symbol> {
        self.iter().map(|(k, _)| k)
    }
}

pub enum Payload {
    None,
    /// Boxed: exception state is large and rare, and would otherwise make every instance
    /// (every Task, every user object) carry its size.
    Exception(Box<RefCell<ExcData>>),
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
            super::class::Layout::Exception => Payload::Exception(Box::new(RefCell::new(ExcData::default()))),
            _ => Payload::None,
        };
        Instance { class, attrs: RefCell::new(InstanceAttrs::default()), payload }
    }

    pub fn exc(&self) -> Option<&RefCell<ExcData>> {
        match &self.payload {
            Payload::Exception(e) => Some(&**e),
            _ => None,
        }
    }

    /// Whether reading an attribute may go straight to the instance's own table: the class
    /// has no property or `__getattr__` that would come first.
    #[inline]
    pub fn reads_plainly(&self) -> bool {
        !self.class.special_attrs.get()
    }

    /// Whether setting an attribute is just storing it in the instance's own table: no
    /// property or `__setattr__`, and no exception state with attributes of its own.
    #[inline]
    pub fn writes_plainly(&self) -> bool {
        self.reads_plainly() && self.exc().is_none()
    }

    /// The attribute `name` from the instance's own table. `hint` is an inline cache: the
    /// index where the calling instruction last found it. The hit is inlined into the
    /// interpreter; a miss searches the table out of line.
    #[inline(always)]
    pub fn own_attr(&self, name: Symbol, hint: &Cell<u32>) -> Option<Value> {
        let attrs = self.attrs.borrow();
        match attrs.get_index(hint.get() as usize) {
            Some((k, v)) if *k == name => Some(v.fast_clone()),
            _ => {
                drop(attrs);
                self.own_attr_searched(name, hint)
            }
        }
    }

    #[inline(never)]
    fn own_attr_searched(&self, name: Symbol, hint: &Cell<u32>) -> Option<Value> {
        let attrs = self.attrs.borrow();
        let (i, _, v) = attrs.get_full(&name)?;
        hint.set(i as u32);
        Some(v.fast_clone())
    }

    /// Sets the attribute `name` in the instance's own table; `hint` as for `own_attr`.
    #[inline(always)]
    pub fn set_own_attr(&self, name: Symbol, v: Value, hint: &Cell<u32>) {
        let mut attrs = self.attrs.borrow_mut();
        match attrs.get_index_mut(hint.get() as usize) {
            Some((k, slot)) if *k == name => fast_drop(std::mem::replace(slot, v)),
            _ => {
                drop(attrs);
                self.set_own_attr_searched(name, v, hint)
            }
        }
    }

    #[inline(never)]
    fn set_own_attr_searched(&self, name: Symbol, v: Value, hint: &Cell<u32>) {
        let room = self.class.attrs_per_instance.get();
        let mut attrs = self.attrs.borrow_mut();
        let (i, _) = attrs.table_with_room(room as usize).insert_full(name, v);
        hint.set(i as u32);
        if i as u32 >= room {
            self.class.attrs_per_instance.set(i as u32 + 1);
        }
    }

    /// The native payload downcast to `T`, for runtime types implemented in Rust.
    /// Like `native`, for code that may run while the payload is in use (a destructor).
    pub fn try_native<T: 'static>(&self) -> Option<std::cell::RefMut<'_, T>> {
        match &self.payload {
            Payload::Native(b) => {
                std::cell::RefMut::filter_map(b.try_borrow_mut().ok()?, |b| b.downcast_mut::<T>()).ok()
            }
            _ => None,
        }
    }

    pub fn native<T: 'static>(&self) -> Option<std::cell::RefMut<'_, T>> {
        match &self.payload {
            Payload::Native(b) => std::cell::RefMut::filter_map(b.borrow_mut(), |b| b.downcast_mut::<T>()).ok(),
            _ => None,
        }
    }
}
