//! An instance's own attributes: values in the slots of a shared shape, or a dictionary for
//! instances past the shapes' limits or that had an attribute deleted. Either way they keep
//! insertion order, as `__dict__` shows them.
//!
//! Once a script asks for the instance's `__dict__` (or assigns one), the attributes move
//! into that dict, a real `dict` the script may change, and live only there from then on:
//! as for module globals, every write through the dict is an attribute write.

use super::class::Attrs;
use super::dict::PyDict;
use super::shape::Shape;
use crate::intern::{intern, Symbol};
use crate::value::{fast_drop, Value};
use std::rc::Rc;

/// The table, allocated when the first attribute is set: most native objects (tasks,
/// futures, locks) never get one.
#[derive(Default)]
pub struct InstanceAttrs(Option<Box<Table>>);

struct Table {
    /// The shape's id as hints carry it, shifted past the slot bits (`Shape::hint_key`);
    /// `DICTIONARY_KEY` for a dictionary, which no hint matches.
    key: u32,
    /// For a shape, the values by slot; empty for a dictionary.
    values: Vec<Value>,
    names: Names,
    /// The values of `__slots__` members by index (`Value::Null` when unset), apart from
    /// the attributes `__dict__` shows.
    members: Vec<Value>,
}

enum Names {
    Shape(&'static Shape),
    Dict(Attrs),
    /// The instance's `__dict__`, which scripts hold: its keys may be any value.
    Live(Rc<PyDict>),
}

const DICTIONARY_KEY: u32 = u32::MAX;

impl InstanceAttrs {
    /// The value in the slot `hint` names, if the hint was made for this table's shape.
    #[inline(always)]
    pub fn hinted(&self, hint: u32) -> Option<&Value> {
        let table = self.0.as_deref()?;
        (Shape::hint_key(hint) == table.key).then(|| table.values.get(Shape::hint_slot(hint)))?
    }

    #[inline(always)]
    pub fn hinted_mut(&mut self, hint: u32) -> Option<&mut Value> {
        let table = self.0.as_deref_mut()?;
        (Shape::hint_key(hint) == table.key).then(|| table.values.get_mut(Shape::hint_slot(hint)))?
    }

    /// The attribute `name` and a hint that finds it again in tables of this shape (0 for a
    /// dictionary, which hints cannot find).
    #[inline(always)]
    pub fn find(&self, name: Symbol) -> Option<(u32, Value)> {
        self.with_found(name, |hint, v| (hint, v.fast_clone()))
    }

    /// `f` applied to the hint for `name` and its value, if the table has it.
    #[inline(always)]
    fn with_found<R>(&self, name: Symbol, f: impl FnOnce(u32, &Value) -> R) -> Option<R> {
        let table = self.0.as_deref()?;
        match &table.names {
            Names::Shape(shape) => shape.slot_of(name).map(|i| f(shape.hint(i), &table.values[i])),
            Names::Dict(d) => d.get(&name).map(|v| f(0, v)),
            Names::Live(d) => d.get_str(name.as_str()).map(|v| f(0, &v)),
        }
    }

    /// The attributes as the dict `__dict__` gives: made from the table on first request,
    /// the same dict ever after (see the file comment).
    pub fn dict(&mut self) -> Rc<PyDict> {
        let table = self.table(0);
        if let Names::Live(d) = &table.names {
            return d.clone();
        }
        let d = Rc::new(PyDict::default());
        for (k, v) in self.items() {
            d.insert_str(k.as_str(), v);
        }
        self.set_dict(d.clone());
        d
    }

    /// `obj.__dict__ = d`: the attributes are those of `d` from now on.
    pub fn set_dict(&mut self, d: Rc<PyDict>) {
        let table = self.table(0);
        table.values.clear();
        table.key = DICTIONARY_KEY;
        table.names = Names::Live(d);
    }

    /// Sets `name`, making the table with room for `room` attributes if there is none yet;
    /// returns a hint for it.
    pub fn insert_hinted(&mut self, name: Symbol, v: Value, room: usize) -> u32 {
        let table = self.table(room);
        if let Names::Shape(shape) = table.names {
            // A shape's first child is the likely next one: a class's instances get the same
            // names in the same order.
            let next = match shape.first_child() {
                Some((first, child)) if first == name => Some(child),
                _ => {
                    if let Some(i) = shape.slot_of(name) {
                        fast_drop(std::mem::replace(&mut table.values[i], v));
                        return shape.hint(i);
                    }
                    shape.with(name)
                }
            };
            if let Some(next) = next {
                table.key = next.key();
                table.names = Names::Shape(next);
                table.values.push(v);
                return next.hint(table.values.len() - 1);
            }
            table.make_dict();
        }
        match &mut table.names {
            Names::Dict(d) => {
                d.insert(name, v);
            }
            Names::Live(d) => d.insert_str(name.as_str(), v),
            Names::Shape(_) => {}
        }
        0
    }

    /// Adds `name` as the next slot if `hint`, the calling instruction's, was made by adding
    /// it to a table of this shape before: the usual store in `__init__`, a cached
    /// transition. Otherwise gives `v` back.
    #[inline(always)]
    pub fn add_hinted(&mut self, name: Symbol, v: Value, hint: u32, room: usize) -> Result<(), Value> {
        let shape = match self.0.as_deref() {
            None => Shape::empty(),
            Some(Table { names: Names::Shape(shape), .. }) => shape,
            Some(_) => return Err(v),
        };
        match shape.first_child() {
            Some((first, child)) if first == name && child.key() == Shape::hint_key(hint) => {
                let table = self.table(room);
                table.key = child.key();
                table.names = Names::Shape(child);
                table.values.push(v);
                Ok(())
            }
            _ => Err(v),
        }
    }

    /// The table, made with room for `room` values if there is none yet.
    fn table(&mut self, room: usize) -> &mut Table {
        self.0.get_or_insert_with(|| {
            let empty = Shape::empty();
            let values = Vec::with_capacity(room);
            Box::new(Table { key: empty.key(), values, names: Names::Shape(empty), members: Vec::new() })
        })
    }

    /// The value of `__slots__` member `index`, if it is set.
    pub fn member(&self, index: usize) -> Option<Value> {
        self.0.as_deref()?.members.get(index).filter(|v| !matches!(v, Value::Null)).cloned()
    }

    /// Sets member `index` (unsets it with `Value::Null`); the value it had, if set.
    pub fn set_member(&mut self, index: usize, v: Value) -> Option<Value> {
        let members = &mut self.table(0).members;
        if members.len() <= index {
            members.resize(index + 1, Value::Null);
        }
        Some(std::mem::replace(&mut members[index], v)).filter(|old| !matches!(old, Value::Null))
    }

    pub fn insert(&mut self, name: Symbol, v: Value) {
        self.insert_hinted(name, v, 0);
    }

    #[inline(always)]
    pub fn get(&self, name: &Symbol) -> Option<Value> {
        self.find(*name).map(|(_, v)| v)
    }

    pub fn contains_key(&self, name: &Symbol) -> bool {
        self.with_found(*name, |_, _| ()).is_some()
    }

    /// How many attributes there are.
    pub fn count(&self) -> usize {
        match self.0.as_deref() {
            None => 0,
            Some(Table { names: Names::Dict(d), .. }) => d.len(),
            Some(Table { names: Names::Live(d), .. }) => d.len(),
            Some(table) => table.values.len(),
        }
    }

    /// The id of the table's shape; None for a dictionary.
    #[inline]
    pub fn shape_id(&self) -> Option<u32> {
        match self.0.as_deref() {
            None => Some(Shape::empty().key()),
            Some(table) => (table.key != DICTIONARY_KEY).then_some(table.key),
        }
    }

    /// Removes `name`, keeping the others' order; the table becomes a dictionary, as
    /// instances rarely lose attributes and shapes only ever add them.
    pub fn shift_remove(&mut self, name: &Symbol) -> Option<Value> {
        self.find(*name)?;
        let table = self.0.as_deref_mut()?;
        table.make_dict();
        match &mut table.names {
            Names::Dict(d) => d.shift_remove(name),
            Names::Live(d) => d.remove_str(name.as_str()),
            Names::Shape(_) => None,
        }
    }

    /// The attributes in order; of a `__dict__`, those with string keys.
    pub fn items(&self) -> Vec<(Symbol, Value)> {
        match self.0.as_deref() {
            None => Vec::new(),
            Some(Table { names: Names::Shape(shape), values, .. }) => {
                shape.keys().iter().copied().zip(values.iter().cloned()).collect()
            }
            Some(Table { names: Names::Dict(d), .. }) => d.iter().map(|(k, v)| (*k, v.clone())).collect(),
            Some(Table { names: Names::Live(d), .. }) => {
                d.items().into_iter().filter_map(|(k, v)| Some((intern(k.as_str()?), v))).collect()
            }
        }
    }

    pub fn keys(&self) -> Vec<Symbol> {
        self.items().into_iter().map(|(k, _)| k).collect()
    }
}

impl Table {
    fn make_dict(&mut self) {
        if let Names::Shape(shape) = self.names {
            let dict = shape.keys().iter().copied().zip(std::mem::take(&mut self.values)).collect();
            self.names = Names::Dict(dict);
            self.key = DICTIONARY_KEY;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intern::intern;

    fn names(t: &InstanceAttrs) -> Vec<&str> {
        t.keys().iter().map(|k| k.as_str()).collect()
    }

    /// A table with `names` set to 1, 2, ... and the hint its last store made.
    fn table_of(names: &[&str]) -> (InstanceAttrs, u32) {
        let mut t = InstanceAttrs::default();
        let mut hint = 0;
        for (i, n) in names.iter().enumerate() {
            hint = t.insert_hinted(intern(n), Value::Int(i as i64 + 1), 0);
        }
        (t, hint)
    }

    #[test]
    fn hints_find_values_in_tables_of_the_same_shape() {
        let (_, hint) = table_of(&["table_test_a", "table_test_b"]);
        let (mut two, _) = table_of(&["table_test_a", "table_test_b"]);
        assert!(matches!(two.hinted(hint), Some(Value::Int(2))));
        *two.hinted_mut(hint).unwrap() = Value::Int(5);
        assert!(matches!(two.get(&intern("table_test_b")), Some(Value::Int(5))));
    }

    #[test]
    fn an_add_hint_moves_a_table_of_the_parent_shape_to_the_child() {
        let (a, b) = (intern("table_test_add_a"), intern("table_test_add_b"));
        let (_, hint) = table_of(&["table_test_add_a", "table_test_add_b"]);
        let mut t = InstanceAttrs::default();
        assert!(t.add_hinted(b, Value::Int(0), hint, 2).is_err(), "b is not the next name of the empty shape");
        assert!(t.add_hinted(a, Value::Int(1), hint, 2).is_err(), "the hint was made adding b, not a");
        t.insert(a, Value::Int(1));
        assert!(t.add_hinted(b, Value::Int(2), hint, 2).is_ok());
        assert_eq!(names(&t), ["table_test_add_a", "table_test_add_b"]);
        assert!(matches!(t.hinted(hint), Some(Value::Int(2))));
    }

    #[test]
    fn hints_miss_tables_of_another_shape() {
        let (_, hint) = table_of(&["table_test_c", "table_test_d"]);
        let (two, _) = table_of(&["table_test_d", "table_test_c"]);
        assert!(two.hinted(hint).is_none());
    }

    #[test]
    fn removing_keeps_the_order_of_the_rest() {
        let (a, b, c) = (intern("table_test_e"), intern("table_test_f"), intern("table_test_g"));
        let mut t = InstanceAttrs::default();
        for n in [a, b, c] {
            t.insert(n, Value::None);
        }
        assert!(t.shift_remove(&b).is_some());
        assert!(t.shift_remove(&b).is_none());
        assert_eq!(names(&t), ["table_test_e", "table_test_g"]);
        t.insert(b, Value::None);
        assert_eq!(names(&t), ["table_test_e", "table_test_g", "table_test_f"]);
        assert_eq!(t.shape_id(), None);
    }

    #[test]
    fn removing_a_missing_name_keeps_the_shape() {
        let mut t = InstanceAttrs::default();
        t.insert(intern("table_test_h"), Value::None);
        assert!(t.shift_remove(&intern("table_test_i")).is_none());
        assert!(t.shape_id().is_some());
    }
}
