//! What a class does to attribute access on its instances: which names its data descriptors
//! (properties, slots, objects with `__set__`/`__delete__`) take over, and whether it
//! overrides `__getattribute__`, `__getattr__`, `__setattr__` or `__delattr__`.
//!
//! The interpreter reads and writes an instance's own table directly unless the rules say a
//! name is special, so one property on a class does not slow down its other attributes.

use super::class::{is_data_descriptor, Attrs, Class};
use crate::intern::Symbol;
use crate::value::Value;

#[derive(Default)]
pub struct AttrRules {
    /// A script `__getattribute__`: every read goes through it.
    pub getattribute: bool,
    /// A `__getattr__`: only reads that find nothing call it.
    pub getattr: bool,
    /// A `__setattr__` other than `object`'s: every write goes through it.
    pub setattr: bool,
    /// A `__delattr__` other than `object`'s.
    pub delattr: bool,
    /// Names bound to data descriptors along the MRO: they come before instance attributes.
    pub data_descriptors: Vec<Symbol>,
}

impl AttrRules {
    /// The rules of a class with these attributes whose bases have `inherited` rules.
    /// `object`'s own rules stay empty (its native methods are the defaults).
    pub fn of(attrs: &Attrs, inherited: &[&AttrRules]) -> AttrRules {
        let mut rules = AttrRules::default();
        for (&name, v) in attrs {
            if is_data_descriptor(v) {
                rules.data_descriptors.push(name);
            }
            match name.as_str() {
                "__getattribute__" => rules.getattribute |= !matches!(v, Value::Native(_)),
                "__getattr__" => rules.getattr = true,
                "__setattr__" => rules.setattr = true,
                "__delattr__" => rules.delattr = true,
                _ => {}
            }
        }
        for base in inherited {
            rules.getattribute |= base.getattribute;
            rules.getattr |= base.getattr;
            rules.setattr |= base.setattr;
            rules.delattr |= base.delattr;
            // A name the class binds itself is its own: a plain attribute hides a base's
            // property.
            let inherited_names = base.data_descriptors.iter().filter(|n| !attrs.contains_key(*n));
            for &n in inherited_names {
                if !rules.data_descriptors.contains(&n) {
                    rules.data_descriptors.push(n);
                }
            }
        }
        rules
    }

    pub fn is_plain(&self) -> bool {
        !(self.getattribute || self.getattr || self.setattr || self.delattr) && self.data_descriptors.is_empty()
    }
}

impl Class {
    /// Computes the class's attribute rules from its own table and its bases' rules; call
    /// it once the class's attributes are in, and again when they change (see `refresh`).
    pub fn settle_attr_rules(&self) {
        let bases: Vec<_> = self.bases.iter().map(|b| b.attr_rules.borrow()).collect();
        let refs: Vec<&AttrRules> = bases.iter().map(|r| &**r).collect();
        let rules = AttrRules::of(&self.attrs.borrow(), &refs);
        self.special_attrs.set(!rules.is_plain());
        drop(bases);
        *self.attr_rules.borrow_mut() = rules;
    }

    /// Recomputes the rules of the class and of every class derived from it, after one of
    /// its attributes changed in a way that may matter to them.
    pub fn refresh_attr_rules(&self) {
        self.settle_attr_rules();
        for sub in self.subclasses.borrow().iter().filter_map(std::rc::Weak::upgrade) {
            sub.refresh_attr_rules();
        }
    }

    /// Whether binding `name` to `v` (or unbinding it) may change the rules.
    pub fn affects_attr_rules(&self, name: Symbol, v: Option<&Value>) -> bool {
        v.is_some_and(is_data_descriptor)
            || matches!(name.as_str(), "__getattribute__" | "__getattr__" | "__setattr__" | "__delattr__")
            || (self.special_attrs.get() && self.attr_rules.borrow().data_descriptors.contains(&name))
    }

    /// Whether reading `name` from an instance may go straight to the instance's table.
    #[inline]
    pub fn reads_plainly(&self, name: Symbol) -> bool {
        !self.special_attrs.get() || self.reads_plainly_by_rules(name)
    }

    #[inline(never)]
    fn reads_plainly_by_rules(&self, name: Symbol) -> bool {
        let rules = self.attr_rules.borrow();
        !rules.getattribute && !rules.data_descriptors.contains(&name)
    }

    /// Whether writing `name` on an instance is just storing it in the instance's table.
    #[inline]
    pub fn writes_plainly(&self, name: Symbol) -> bool {
        !self.special_attrs.get() || self.writes_plainly_by_rules(name)
    }

    #[inline(never)]
    fn writes_plainly_by_rules(&self, name: Symbol) -> bool {
        let rules = self.attr_rules.borrow();
        !rules.setattr && !rules.data_descriptors.contains(&name)
    }

    /// Whether the class (or an ancestor) defines a script `__getattribute__`.
    pub fn overrides_getattribute(&self) -> bool {
        self.special_attrs.get() && self.attr_rules.borrow().getattribute
    }

    /// Whether the class (or an ancestor) defines `__delattr__`.
    pub fn overrides_delattr(&self) -> bool {
        self.special_attrs.get() && self.attr_rules.borrow().delattr
    }
}
