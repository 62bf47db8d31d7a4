//! Instances of classes: an attribute table plus, for exceptions and native runtime types,
//! the state that their builtin base keeps.

pub use super::attr_table::InstanceAttrs;
use super::class::{Class, Layout};
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

impl Drop for Instance {
    /// Weak references to the instance learn that it died (see `runtime::weak`); only
    /// instances of classes that were ever weakly referenced pay more than the flag test.
    #[inline]
    fn drop(&mut self) {
        if self.class.weakly_referenced.get() {
            crate::runtime::weak::object_died(self as *const Instance as usize);
        }
    }
}

pub enum Payload {
    None,
    /// Boxed: exception state is large and rare, and would otherwise make every instance
    /// (every Task, every user object) carry its size.
    Exception(Box<RefCell<ExcData>>),
    Native(RefCell<Box<dyn Any>>),
    /// The value of an instance of a subclass of a builtin type (list, dict, set, int, str...).
    Value(Value),
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
            Layout::Exception => Payload::Exception(Box::new(RefCell::new(ExcData::default()))),
            Layout::Value => Payload::Value(empty_value_of(&class)),
            _ => Payload::None,
        };
        Instance { class, attrs: RefCell::new(InstanceAttrs::default()), payload }
    }

    /// An instance of a subclass of an immutable builtin type, carrying `value`.
    pub fn with_value(class: Rc<Class>, value: Value) -> Instance {
        Instance { class, attrs: RefCell::new(InstanceAttrs::default()), payload: Payload::Value(value) }
    }

    pub fn exc(&self) -> Option<&RefCell<ExcData>> {
        match &self.payload {
            Payload::Exception(e) => Some(&**e),
            _ => None,
        }
    }

    /// Whether reading `name` may go straight to the instance's own table: no property or
    /// other data descriptor of that name and no `__getattribute__` come first.
    #[inline]
    pub fn reads_plainly(&self, name: Symbol) -> bool {
        self.class.reads_plainly(name)
    }

    /// Whether setting `name` is just storing it in the instance's own table: no property
    /// of that name or `__setattr__`, no `__slots__` to check, and no exception state with
    /// attributes of its own.
    #[inline]
    pub fn writes_plainly(&self, name: Symbol) -> bool {
        self.class.writes_plainly(name) && self.class.fixed_attrs.is_none() && self.exc().is_none()
    }

    /// The attribute `name` from the instance's own table. `hint` is an inline cache: the
    /// shape and slot where the calling instruction last found it. The hit is inlined into
    /// the interpreter; a miss searches the table out of line.
    #[inline(always)]
    pub fn own_attr(&self, name: Symbol, hint: &Cell<u32>) -> Option<Value> {
        // SAFETY: the table is only read to clone one value, which cannot change it; without
        // a guard, the hit skips counting the borrow.
        match unsafe { self.attrs.try_borrow_unguarded() }.ok().and_then(|attrs| attrs.hinted(hint.get())) {
            Some(v) => Some(v.fast_clone()),
            None => self.own_attr_searched(name, hint),
        }
    }

    #[inline(never)]
    fn own_attr_searched(&self, name: Symbol, hint: &Cell<u32>) -> Option<Value> {
        let attrs = self.attrs.borrow();
        let (h, v) = attrs.find(name)?;
        hint.set(h);
        Some(v)
    }

    /// Whether the instance's own table lacks `name`. `shape` caches a shape known to lack
    /// it: tables of that shape are answered without a search.
    #[inline(always)]
    pub fn lacks_own_attr(&self, name: Symbol, shape: &Cell<u32>) -> bool {
        // SAFETY: the table is only read, to find its shape or search it.
        let Ok(attrs) = (unsafe { self.attrs.try_borrow_unguarded() }) else { return false };
        let id = attrs.shape_id();
        if id == Some(shape.get()) {
            return true;
        }
        let lacks = !attrs.contains_key(&name);
        if let (true, Some(id)) = (lacks, id) {
            shape.set(id);
        }
        lacks
    }

    /// Sets the attribute `name` in the instance's own table; `hint` as for `own_attr`.
    /// Gives `v` back for `__dict__`, which is not an entry of the table: the caller takes
    /// the general path.
    #[inline(always)]
    pub fn set_own_attr(&self, name: Symbol, v: Value, hint: &Cell<u32>) -> Result<(), Value> {
        let mut attrs = self.attrs.borrow_mut();
        match attrs.hinted_mut(hint.get()) {
            Some(slot) => {
                fast_drop(std::mem::replace(slot, v));
                Ok(())
            }
            None => {
                drop(attrs);
                self.add_own_attr(name, v, hint)
            }
        }
    }

    /// The out-of-line part of `set_own_attr`: adds `name` through the cached transition
    /// if the hint allows, else searches.
    #[inline(never)]
    fn add_own_attr(&self, name: Symbol, v: Value, hint: &Cell<u32>) -> Result<(), Value> {
        if name == crate::intern::sym::DICT {
            return Err(v);
        }
        let room = self.class.attrs_per_instance.get();
        let mut attrs = self.attrs.borrow_mut();
        let Err(v) = attrs.add_hinted(name, v, hint.get(), room as usize) else { return Ok(()) };
        let h = attrs.insert_hinted(name, v, room as usize);
        hint.set(h);
        let count = attrs.count() as u32;
        if count > room {
            self.class.attrs_per_instance.set(count);
        }
        Ok(())
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

/// A new, empty value of the builtin type a `Layout::Value` class derives from.
fn empty_value_of(class: &Class) -> Value {
    let base = class.value_base().map(|c| c.name.as_str());
    match base {
        Some("dict") => Value::Dict(Rc::default()),
        Some("set") => Value::Set(Rc::new(super::set::PySet::new(Default::default(), false))),
        _ => Value::list(Vec::new()),
    }
}

/// The builtin value `v` stands for: the payload of an instance of a list, dict or set
/// subclass, else `v` itself.
pub fn builtin_value(v: &Value) -> &Value {
    match v {
        Value::Instance(inst) => match &inst.payload {
            Payload::Value(p) => p,
            _ => v,
        },
        _ => v,
    }
}
