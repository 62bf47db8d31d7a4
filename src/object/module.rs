//! Modules and their globals. Global variables live in slots the compiler resolves by name,
//! so loading a global is an index, not a hash lookup.
//!
//! Once a script asks for the globals as a mapping (`globals()`, `module.__dict__`), the
//! module moves them into a real dict, which from then on is the only place they live: the
//! slots stay empty, so `LoadGlobal` misses its fast path and reads the dict, and every write
//! through the dict is seen by the code.

use crate::intern::Symbol;
use crate::object::dict::PyDict;
use crate::value::Value;
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

pub struct Module {
    pub name: Symbol,
    /// Slot of each global name, in order of first mention.
    pub slot_of: RefCell<IndexMap<Symbol, usize, FxBuildHasher>>,
    /// `None` marks a name mentioned by code but not (yet) assigned.
    pub slots: RefCell<Vec<Option<Value>>>,
    /// The globals as a dict, once a script asked for them so (see the file comment).
    dict: OnceCell<Rc<PyDict>>,
    /// Set while the module's code runs for its import ("partially initialized" messages).
    pub initializing: Cell<bool>,
    /// A native module: its repr says `(built-in)`.
    pub builtin: Cell<bool>,
    /// For each global slot that fell back to the builtins, the builtins' slot of the same
    /// name (`u32::MAX`: not looked up yet), so a call of `len` is not a hash lookup.
    builtin_slots: RefCell<Vec<u32>>,
}

impl Module {
    pub fn new(name: Symbol) -> Module {
        Module {
            name,
            slot_of: RefCell::default(),
            slots: RefCell::default(),
            dict: OnceCell::new(),
            initializing: Cell::new(false),
            builtin: Cell::new(false),
            builtin_slots: RefCell::default(),
        }
    }

    /// A module whose globals are the dict `d` from the start (`exec(source, d)`).
    pub fn with_dict(name: Symbol, d: Rc<PyDict>) -> Module {
        let m = Module::new(name);
        let _ = m.dict.set(d);
        m
    }

    /// The slot for `name`, created (unassigned) if the name is new.
    pub fn slot(&self, name: Symbol) -> usize {
        let mut map = self.slot_of.borrow_mut();
        let n = map.len();
        let slot = *map.entry(name).or_insert(n);
        let mut slots = self.slots.borrow_mut();
        if slots.len() <= slot {
            slots.resize(slot + 1, None);
        }
        slot
    }

    /// The name a slot was created for (for error messages).
    pub fn name_of(&self, slot: usize) -> Symbol {
        self.slot_of.borrow().get_index(slot).map(|(k, _)| *k).unwrap_or(crate::intern::sym::NAME)
    }

    /// The globals' dict if a script has asked for it; then it holds every global.
    #[inline(always)]
    pub fn live_dict(&self) -> Option<&Rc<PyDict>> {
        self.dict.get()
    }

    /// The globals as a dict (`globals()`, `__dict__`): made on first request from the
    /// slots, which are emptied, and the same dict ever after.
    pub fn dict(&self) -> Rc<PyDict> {
        self.dict
            .get_or_init(|| {
                let d = PyDict::default();
                for (k, v) in self.slot_items() {
                    d.insert_str(k.as_str(), v);
                }
                self.slots.borrow_mut().iter_mut().for_each(|s| *s = None);
                Rc::new(d)
            })
            .clone()
    }

    pub fn get(&self, name: Symbol) -> Option<Value> {
        if let Some(d) = self.dict.get() {
            return d.get_str(name.as_str());
        }
        let slot = *self.slot_of.borrow().get(&name)?;
        self.slots.borrow()[slot].clone()
    }

    pub fn set(&self, name: Symbol, value: Value) {
        if let Some(d) = self.dict.get() {
            return d.insert_str(name.as_str(), value);
        }
        let slot = self.slot(name);
        self.slots.borrow_mut()[slot] = Some(value);
    }

    /// Assigns the global in `slot` (`StoreGlobal`).
    #[inline(always)]
    pub fn set_slot(&self, slot: usize, value: Value) {
        match self.dict.get() {
            None => self.slots.borrow_mut()[slot] = Some(value),
            Some(d) => d.insert_str(self.name_of(slot).as_str(), value),
        }
    }

    /// `LoadGlobal`'s fallback when the global in `slot` is unbound: the builtin of that
    /// name, found through the slot cache unless the builtins moved into a dict.
    pub fn builtin_for_slot(&self, slot: usize, builtins: &Module) -> Option<Value> {
        if builtins.dict.get().is_some() {
            return builtins.get(self.name_of(slot));
        }
        let mut cache = self.builtin_slots.borrow_mut();
        let found = match cache.get(slot) {
            Some(&b) if b != u32::MAX => b as usize,
            _ => {
                let b = *builtins.slot_of.borrow().get(&self.name_of(slot))?;
                if cache.len() <= slot {
                    cache.resize(slot + 1, u32::MAX);
                }
                cache[slot] = b as u32;
                b
            }
        };
        builtins.slots.borrow()[found].clone()
    }

    /// Unbinds `name`; false if it had no value.
    pub fn delete(&self, name: Symbol) -> bool {
        if let Some(d) = self.dict.get() {
            return d.remove_str(name.as_str()).is_some();
        }
        let Some(&slot) = self.slot_of.borrow().get(&name) else { return false };
        self.slots.borrow_mut()[slot].take().is_some()
    }

    /// Unbinds every global, as CPython clears module dicts when an interpreter ends: a
    /// function's globals are its module, so without this a module and what it defines keep
    /// each other alive. The values are dropped after the borrows end (their drops may
    /// reach this module).
    pub fn clear_globals(&self) {
        let slots: Vec<Option<Value>> = self.slots.borrow_mut().iter_mut().map(Option::take).collect();
        let dict = self.dict.get().map(|d| std::mem::take(&mut *d.map.borrow_mut()));
        drop((slots, dict));
    }

    /// Names with a value, in definition order (string keys only, for a dict).
    pub fn items(&self) -> Vec<(Symbol, Value)> {
        match self.dict.get() {
            Some(d) => {
                d.items().into_iter().filter_map(|(k, v)| Some((crate::intern::intern(k.as_str()?), v))).collect()
            }
            None => self.slot_items(),
        }
    }

    fn slot_items(&self) -> Vec<(Symbol, Value)> {
        let slots = self.slots.borrow();
        self.slot_of.borrow().iter().filter_map(|(&k, &i)| slots[i].clone().map(|v| (k, v))).collect()
    }

    /// `__name__` if it is a string, else the name the module was made with.
    pub fn display_name(&self) -> String {
        match self.get(crate::intern::sym::NAME) {
            Some(Value::Str(s)) => s.s.to_string(),
            _ => self.name.as_str().to_string(),
        }
    }
}
