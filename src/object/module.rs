//! Modules and their globals. Global variables live in slots the compiler resolves by name,
//! so loading a global is an index, not a hash lookup.

use crate::intern::Symbol;
use crate::value::Value;
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;

pub struct Module {
    pub name: Symbol,
    /// Slot of each global name, in order of first mention.
    pub slot_of: RefCell<IndexMap<Symbol, usize, FxBuildHasher>>,
    /// `None` marks a name mentioned by code but not (yet) assigned.
    pub slots: RefCell<Vec<Option<Value>>>,
}

impl Module {
    pub fn new(name: Symbol) -> Module {
        Module { name, slot_of: RefCell::default(), slots: RefCell::default() }
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

    pub fn get(&self, name: Symbol) -> Option<Value> {
        let slot = *self.slot_of.borrow().get(&name)?;
        self.slots.borrow()[slot].clone()
    }

    pub fn set(&self, name: Symbol, value: Value) {
        let slot = self.slot(name);
        self.slots.borrow_mut()[slot] = Some(value);
    }

    /// Unbinds `name`; false if it had no value.
    pub fn delete(&self, name: Symbol) -> bool {
        let Some(&slot) = self.slot_of.borrow().get(&name) else { return false };
        self.slots.borrow_mut()[slot].take().is_some()
    }

    /// Names with a value, in definition order.
    pub fn items(&self) -> Vec<(Symbol, Value)> {
        let slots = self.slots.borrow();
        self.slot_of.borrow().iter().filter_map(|(&k, &i)| slots[i].clone().map(|v| (k, v))).collect()
    }
}
