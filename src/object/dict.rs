//! `dict`: an insertion-ordered hash map from hashable values to values.

use super::hash;
use super::key_eq::{key_eq, note_undecided, Undecided};
use crate::value::Value;
use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;
use std::hash::{BuildHasher, Hash, Hasher};

/// A dict or set key: the value with its Python hash computed once.
#[derive(Clone)]
pub struct HashKey {
    pub hash: i64,
    pub value: Value,
}

impl Hash for HashKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_i64(self.hash);
    }
}

/// Equality for tables whose keys all compare natively (see `PyDict::insert_str`): an
/// unanswered script comparison counts as unequal.
impl PartialEq for HashKey {
    fn eq(&self, other: &HashKey) -> bool {
        let mut unused = None;
        same_key(other, self.hash, &self.value, &mut unused)
    }
}

impl Eq for HashKey {}

/// Whether the stored key matches a probe; a comparison only script code can answer counts
/// as unequal and is noted in `first`.
#[inline(always)]
pub fn same_key(stored: &HashKey, hash: i64, probe: &Value, first: &mut Option<Undecided>) -> bool {
    stored.hash == hash
        && (same_str(probe, &stored.value)
            || match key_eq(probe, &stored.value) {
                Some(equal) => equal,
                None => {
                    note_undecided(first, &stored.value, probe);
                    false
                }
            })
}

/// Whether both are the same string object: the common match, tested inline.
#[inline(always)]
fn same_str(a: &Value, b: &Value) -> bool {
    matches!((a, b), (Value::Str(x), Value::Str(y)) if std::rc::Rc::ptr_eq(x, y))
}

/// Why a value could not be hashed natively.
pub enum Unhashable {
    /// `TypeError: unhashable type: 'list'`
    Type,
    /// An instance whose class defines `__hash__`: the script must compute it.
    NeedsCall,
}

/// The Python hash of a builtin value; a string's (cached) hash is read inline.
#[inline(always)]
pub fn hash_value(v: &Value) -> Result<i64, Unhashable> {
    match v {
        Value::Str(s) => Ok(s.hash()),
        _ => hash_other(v),
    }
}

/// The hash of any value but a str.
fn hash_other(v: &Value) -> Result<i64, Unhashable> {
    use Value::*;
    Ok(match v {
        None => 0x5f3759df,
        Bool(b) => *b as i64,
        Int(i) => crate::numeric::hash_i64(*i),
        Float(f) if f.is_nan() => (v.heap_ptr().unwrap_or(0) >> 4) as i64,
        Float(f) => crate::numeric::hash_f64(*f),
        BigInt(b) => crate::numeric::hash_bigint(b),
        Complex(z) => z.hash(),
        Tuple(t) => {
            let mut h = hash::TupleHasher::new();
            for x in t.items.iter() {
                h.add(hash_value(x)?);
            }
            h.finish()
        }
        Set(s) if s.frozen => s.frozen_hash(),
        Bytes(b) if !b.mutable => b.hash(),
        List(_) | Dict(_) | Set(_) | Slice(_) | Bytes(_) => return Err(Unhashable::Type),
        // Equal methods (the same receiver and function) hash alike.
        BoundMethod(m) => hash::hash_tuple(&[identity_hash(&m.receiver), identity_hash(&m.func)]),
        Instance(i) => {
            let user_hash = i.class.lookup(crate::intern::sym::HASH);
            match user_hash {
                Some(Value::None) => return Err(Unhashable::Type),
                Some(Value::Function(_) | Value::Native(_)) => return Err(Unhashable::NeedsCall),
                _ => match &i.payload {
                    super::instance::Payload::Value(carried) => return hash_value(carried),
                    _ => (v.heap_ptr().unwrap_or(0) >> 4) as i64,
                },
            }
        }
        _ => identity_hash(v),
    })
}

/// The hash of an object compared by identity.
fn identity_hash(v: &Value) -> i64 {
    (v.heap_ptr().unwrap_or(0) >> 4) as i64
}

#[derive(Default)]
pub struct PyDict {
    pub map: RefCell<IndexMap<HashKey, Value, FxBuildHasher>>,
}

/// The map's hash of a key with Python hash `hash` (what `HashKey`'s `Hash` feeds it).
#[inline(always)]
fn map_hash(hash: i64) -> u64 {
    FxBuildHasher.hash_one(hash)
}

/// The key operations stop without changing anything when deciding whether the key is present
/// needs a script `__eq__`: they return that question (see `key_eq`).
impl PyDict {
    /// An empty dict with room for `n` entries without growing.
    pub fn with_capacity(n: usize) -> PyDict {
        PyDict { map: RefCell::new(IndexMap::with_capacity_and_hasher(n, FxBuildHasher)) }
    }

    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }

    /// The value for a key given as its hash and value.
    #[inline]
    pub fn get_hashed(&self, hash: i64, key: &Value) -> Result<Option<Value>, Undecided> {
        let mut first = None;
        let map = self.map.borrow();
        let found = map.raw_entry_v1().from_hash(map_hash(hash), |k| same_key(k, hash, key, &mut first));
        match (found, first) {
            (Some((_, v)), _) => Ok(Some(v.clone())),
            (None, Some(question)) => Err(question),
            (None, None) => Ok(None),
        }
    }

    /// `get_hashed` for a least-recently-used table: a key found moves to the end.
    pub fn touch_hashed(&self, hash: i64, key: &Value) -> Result<Option<Value>, Undecided> {
        let mut first = None;
        let mut map = self.map.borrow_mut();
        let last = map.len().saturating_sub(1);
        match map.raw_entry_mut_v1().from_hash(map_hash(hash), |k| same_key(k, hash, key, &mut first)) {
            RawEntryMut::Occupied(slot) => {
                let (index, value) = (slot.index(), slot.get().clone());
                map.move_index(index, last);
                Ok(Some(value))
            }
            RawEntryMut::Vacant(_) => match first {
                Some(question) => Err(question),
                None => Ok(None),
            },
        }
    }

    /// Removes the first entry in order (a least-recently-used table's oldest); it is
    /// returned so that the caller drops it once no borrow is held.
    pub fn pop_oldest(&self) -> Option<(HashKey, Value)> {
        self.map.borrow_mut().shift_remove_index(0)
    }

    pub fn get(&self, key: &HashKey) -> Result<Option<Value>, Undecided> {
        self.get_hashed(key.hash, &key.value)
    }

    /// Inserts or replaces; a replaced key keeps its position and original key object.
    #[inline]
    pub fn insert(&self, key: &HashKey, value: &Value) -> Result<(), Undecided> {
        let mut first = None;
        let mut map = self.map.borrow_mut();
        match map.raw_entry_mut_v1().from_hash(map_hash(key.hash), |k| same_key(k, key.hash, &key.value, &mut first)) {
            RawEntryMut::Occupied(mut slot) => {
                slot.insert(value.clone());
                Ok(())
            }
            RawEntryMut::Vacant(slot) => match first {
                Some(question) => Err(question),
                None => {
                    slot.insert(key.clone(), value.clone());
                    Ok(())
                }
            },
        }
    }

    /// Inserts or replaces a string key in a dict whose keys are all strings (keyword
    /// arguments, JSON objects), where no comparison needs script code.
    pub fn insert_str(&self, key: &str, value: Value) {
        let key = Value::str(key);
        let hash = hash_value(&key).unwrap_or_default();
        self.map.borrow_mut().insert(HashKey { hash, value: key }, value);
    }

    /// The value for a string key (module globals), compared by text.
    pub fn get_str(&self, key: &str) -> Option<Value> {
        let hash = hash::hash_str(key);
        let map = self.map.borrow();
        map.raw_entry_v1().from_hash(map_hash(hash), |k| k.value.as_str() == Some(key)).map(|(_, v)| v.clone())
    }

    /// Removes a string key (module globals); the value it had.
    pub fn remove_str(&self, key: &str) -> Option<Value> {
        let hash = hash::hash_str(key);
        let mut map = self.map.borrow_mut();
        match map.raw_entry_mut_v1().from_hash(map_hash(hash), |k| k.value.as_str() == Some(key)) {
            RawEntryMut::Occupied(slot) => Some(slot.shift_remove()),
            RawEntryMut::Vacant(_) => None,
        }
    }

    pub fn remove(&self, key: &HashKey) -> Result<Option<Value>, Undecided> {
        let mut first = None;
        let mut map = self.map.borrow_mut();
        match map.raw_entry_mut_v1().from_hash(map_hash(key.hash), |k| same_key(k, key.hash, &key.value, &mut first)) {
            RawEntryMut::Occupied(slot) => Ok(Some(slot.shift_remove())),
            RawEntryMut::Vacant(_) => match first {
                Some(question) => Err(question),
                None => Ok(None),
            },
        }
    }

    pub fn keys(&self) -> Vec<Value> {
        self.map.borrow().keys().map(|k| k.value.clone()).collect()
    }

    pub fn items(&self) -> Vec<(Value, Value)> {
        self.map.borrow().iter().map(|(k, v)| (k.value.clone(), v.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: Value) -> HashKey {
        HashKey { hash: hash_value(&v).ok().expect("hashable"), value: v }
    }

    fn get(d: &PyDict, v: Value) -> Option<Value> {
        d.get(&key(v)).ok().flatten()
    }

    #[test]
    fn lookup_matches_equal_keys_of_other_objects_and_types() {
        let d = PyDict::default();
        assert!(d.insert(&key(Value::str("spam")), &Value::Int(1)).is_ok());
        assert!(d.insert(&key(Value::Int(2)), &Value::Int(2)).is_ok());
        assert!(matches!(get(&d, Value::str("spam")), Some(Value::Int(1))));
        assert!(matches!(get(&d, Value::Float(2.0)), Some(Value::Int(2))));
        assert!(get(&d, Value::str("eggs")).is_none());
    }

    #[test]
    fn insert_replaces_the_value_and_keeps_the_first_key_and_position() {
        let d = PyDict::default();
        for (k, v) in [(Value::Int(1), 10), (Value::str("b"), 20), (Value::Bool(true), 30)] {
            assert!(d.insert(&key(k), &Value::Int(v)).is_ok());
        }
        let items = d.items();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], (Value::Int(1), Value::Int(30))));
    }
}
