//! Classes, builtin and user-defined alike: a name, bases, a C3 method resolution order and
//! an attribute table keyed by interned names.

use crate::intern::Symbol;
use crate::value::Value;
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;
use std::rc::Rc;

pub type Attrs = IndexMap<Symbol, Value, FxBuildHasher>;

thread_local! {
    static CLASS_EPOCH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// A counter that changes whenever a class's attributes may have changed or a class was
/// freed. Method caches keyed by a class's address are valid while it stays the same.
pub fn class_epoch() -> u32 {
    CLASS_EPOCH.with(|e| e.get())
}

/// Invalidates every method cache (see `class_epoch`).
pub fn classes_changed() {
    CLASS_EPOCH.with(|e| e.set(e.get().wrapping_add(1)));
}

impl Drop for Class {
    /// A new class may be allocated at this one's address, which caches must not mistake
    /// for this one. Weak references to the class learn that it died.
    fn drop(&mut self) {
        classes_changed();
        if self.weakly_referenced.get() {
            crate::runtime::weak::object_died(self as *const Class as usize);
        }
    }
}

/// The instance layout a class's objects have, inherited from its builtin ancestor.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    /// Plain instances with an attribute dict.
    Object,
    /// Instances carrying exception state (args, traceback, cause, context).
    Exception,
    /// Values of a builtin type (int, str, list, ...): not instantiable as `Instance`.
    Builtin,
    /// Instances carrying a native payload of a runtime type (Future, Task, Lock, ...).
    Native,
    /// Instances of a script subclass of `list`, `dict` or `set`, carrying a value of that
    /// type that the base's methods work on.
    Value,
}

pub struct Class {
    pub name: Symbol,
    /// Assignable (`C.__qualname__ = ...`): read it through `qualname()`.
    qualname: RefCell<String>,
    pub module: Symbol,
    pub bases: Vec<Rc<Class>>,
    /// Method resolution order without the class itself (which always comes first).
    pub mro: Vec<Rc<Class>>,
    pub attrs: RefCell<Attrs>,
    pub layout: Layout,
    /// Whether `attr_rules` says anything: when false, attribute access on instances goes
    /// straight to the instance's own table without consulting them.
    pub special_attrs: std::cell::Cell<bool>,
    /// Which names data descriptors take over and which access hooks the class overrides.
    pub attr_rules: RefCell<super::attr_rules::AttrRules>,
    /// The most attributes an instance has been given: new instances' tables are allocated
    /// with room for that many, instead of growing (and rehashing) one attribute at a time.
    pub attrs_per_instance: std::cell::Cell<u32>,
    /// Whether calling the class takes the general path (`type_object::instantiate`): a
    /// script `__new__`, an immutable builtin base, a metaclass, or a metaclass's `__call__`.
    pub custom_call: std::cell::Cell<bool>,
    /// The class's class when it is not `type` (a metaclass); None means `type`.
    pub metaclass: Option<Rc<Class>>,
    /// With `__slots__` throughout the MRO: the only attribute names instances may have
    /// (they have no `__dict__`). None for the usual instances with a `__dict__`.
    pub fixed_attrs: Option<Box<[Symbol]>>,
    /// The classes made with this one among their bases, for `__subclasses__()`.
    pub subclasses: RefCell<Vec<std::rc::Weak<Class>>>,
    /// Whether an instance of the class was ever weakly referenced: only then do its
    /// instances tell the weak-reference registry that they died (see `runtime::weak`).
    pub weakly_referenced: std::cell::Cell<bool>,
}

impl Class {
    /// A class with no attributes yet; its attribute rules are settled once they are in.
    pub fn new(
        name: Symbol,
        qualname: String,
        module: Symbol,
        bases: Vec<Rc<Class>>,
        mro: Vec<Rc<Class>>,
        layout: Layout,
    ) -> Class {
        Class {
            name,
            qualname: RefCell::new(qualname),
            module,
            bases,
            mro,
            attrs: RefCell::new(Attrs::default()),
            layout,
            special_attrs: std::cell::Cell::new(false),
            attr_rules: RefCell::default(),
            attrs_per_instance: std::cell::Cell::new(0),
            custom_call: std::cell::Cell::new(false),
            metaclass: None,
            fixed_attrs: None,
            subclasses: RefCell::default(),
            weakly_referenced: std::cell::Cell::new(false),
        }
    }

    /// The class's qualified name (`__qualname__`).
    pub fn qualname(&self) -> std::cell::Ref<'_, String> {
        self.qualname.borrow()
    }

    /// `C.__qualname__ = name`.
    pub fn set_qualname(&self, name: String) {
        *self.qualname.borrow_mut() = name;
    }

    /// The class's metaclass, if it is not `type`.
    pub fn custom_metaclass(&self) -> Option<&Rc<Class>> {
        self.metaclass.as_ref()
    }

    /// Looks a name up along the MRO: the class itself, then its ancestors.
    pub fn lookup(&self, name: Symbol) -> Option<Value> {
        if let Some(v) = self.attrs.borrow().get(&name) {
            return Some(v.clone());
        }
        for c in &self.mro {
            if let Some(v) = c.attrs.borrow().get(&name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// Whether `self` is `other` or derives from it.
    pub fn is_subclass(&self, other: &Class) -> bool {
        std::ptr::eq(self, other) || self.mro.iter().any(|c| std::ptr::eq(&**c, other))
    }

    /// The builtin type whose values instances of this class carry (`Layout::Value`).
    pub fn value_base(&self) -> Option<&Rc<Class>> {
        self.mro.iter().find(|c| c.layout == Layout::Builtin)
    }

    /// The full MRO including the class itself.
    pub fn full_mro(self: &Rc<Class>) -> Vec<Rc<Class>> {
        let mut v = vec![self.clone()];
        v.extend(self.mro.iter().cloned());
        v
    }
}

/// Whether a class attribute is a data descriptor (a property, or an object whose class
/// defines `__set__` or `__delete__`): it comes before the instance's own attributes.
pub fn is_data_descriptor(v: &Value) -> bool {
    match v {
        Value::Wrapper(w) => {
            matches!(**w, crate::object::Wrapper::Property { .. } | crate::object::Wrapper::Member { .. })
        }
        Value::Instance(i) => {
            i.class.lookup(crate::intern::sym::SET).is_some() || i.class.lookup(crate::intern::sym::DELETE).is_some()
        }
        _ => false,
    }
}

/// C3 linearization of `bases`; `Err` when no consistent order exists.
pub fn c3_mro(bases: &[Rc<Class>]) -> Result<Vec<Rc<Class>>, String> {
    let mut seqs: Vec<Vec<Rc<Class>>> = bases.iter().map(|b| b.full_mro()).collect();
    seqs.push(bases.to_vec());
    let mut out: Vec<Rc<Class>> = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let candidate =
            seqs.iter().map(|s| s[0].clone()).find(|c| !seqs.iter().any(|s| s[1..].iter().any(|x| Rc::ptr_eq(x, c))));
        let Some(c) = candidate else {
            let mut names: Vec<String> = Vec::new();
            for s in &seqs {
                let name = s[0].name.to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            return Err(format!(
                "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                names.join(", ")
            ));
        };
        for s in seqs.iter_mut() {
            if Rc::ptr_eq(&s[0], &c) {
                s.remove(0);
            }
        }
        out.push(c);
    }
}
