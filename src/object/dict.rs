//! `dict`: an insertion-ordered hash map from hashable values to values.

use super::hash;
use crate::value::Value;
use indexmap::map::Entry;
use indexmap::{Equivalent, IndexMap};
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

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

impl PartialEq for HashKey {
    fn eq(&self, other: &HashKey) -> bool {
        KeyRef { hash: self.hash, value: &self.value }.equivalent(other)
    }
}

impl Eq for HashKey {}

/// A borrowed key with its hash: looks a value up without cloning it into a `HashKey`.
struct KeyRef<'a> {
    hash: i64,
    value: &'a Value,
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_i64(self.hash);
    }
}

impl Equivalent<HashKey> for KeyRef<'_> {
    #[inline]
    fn equivalent(&self, key: &HashKey) -> bool {
        self.hash == key.hash && (same_str(self.value, &key.value) || key_eq(self.value, &key.value))
    }
}

/// Whether both are the same string object: the common match, tested inline.
#[inline(always)]
fn same_str(a: &Value, b: &Value) -> bool {
    matches!((a, b), (Value::Str(x), Value::Str(y)) if std::rc::Rc::ptr_eq(x, y))
}

/// Equality of hashable builtin values, as `==` defines it (`1 == 1.0 == True`).
/// Other objects compare by identity.
pub fn key_eq(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Str(x), Str(y)) => x.s == y.s,
        (Int(x), Int(y)) => x == y,
        (Tuple(x), Tuple(y)) => {
            x.items.len() == y.items.len() && x.items.iter().zip(y.items.iter()).all(|(p, q)| key_eq(p, q))
        }
        (Set(x), Set(y)) => x.frozen && y.frozen && x.set_eq(y),
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a.is(b),
        },
    }
}

/// Numbers as a comparable form: exact for i64, float otherwise.
#[derive(PartialEq)]
enum Num {
    I(i128),
    F(f64),
    Big(num_bigint::BigInt),
}

fn numeric(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Bool(b) => Num::I(*b as i128),
        Value::Int(i) => Num::I(*i as i128),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => Num::I(*f as i128),
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
            Num::Big(num_traits::FromPrimitive::from_f64(*f).unwrap_or_default())
        }
        Value::Float(f) => Num::F(*f),
        Value::BigInt(b) => Num::Big((**b).clone()),
        _ => return None,
    })
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
        Tuple(t) => {
            let mut hs = Vec::with_capacity(t.items.len());
            for x in t.items.iter() {
                hs.push(hash_value(x)?);
            }
            hash::hash_tuple(hs.into_iter())
        }
        Set(s) if s.frozen => s.frozen_hash(),
        List(_) | Dict(_) | Set(_) | Slice(_) => return Err(Unhashable::Type),
        Instance(i) => {
            let user_hash = i.class.lookup(crate::intern::sym::HASH);
            match user_hash {
                Some(Value::None) => return Err(Unhashable::Type),
                Some(Value::Function(_)) => return Err(Unhashable::NeedsCall),
                _ if i.class.lookup(crate::intern::sym::EQ).is_some_and(|e| matches!(e, Value::Function(_))) => {
                    return Err(Unhashable::Type)
                }
                _ => (v.heap_ptr().unwrap_or(0) >> 4) as i64,
            }
        }
        _ => (v.heap_ptr().unwrap_or(0) >> 4) as i64,
    })
}

#[derive(Default)]
pub struct PyDict {
    pub map: RefCell<IndexMap<HashKey, Value, FxBuildHasher>>,
}

impl PyDict {
    pub fn from_pairs(pairs: Vec<(HashKey, Value)>) -> PyDict {
        let mut map = IndexMap::with_capacity_and_hasher(pairs.len(), FxBuildHasher);
        for (k, v) in pairs {
            map.insert(k, v);
        }
        PyDict { map: RefCell::new(map) }
    }

    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.borrow().is_empty()
    }

    pub fn get(&self, key: &HashKey) -> Option<Value> {
        self.map.borrow().get(key).cloned()
    }

    /// Looks up a key whose hash needs no script code; the error says why it cannot be
    /// hashed natively.
    pub fn lookup(&self, key: &Value) -> Result<Option<Value>, Unhashable> {
        let hash = hash_value(key)?;
        Ok(self.map.borrow().get(&KeyRef { hash, value: key }).cloned())
    }

    /// Inserts or replaces; a replaced key keeps its position and original key object.
    pub fn insert(&self, key: HashKey, value: Value) {
        match self.map.borrow_mut().entry(key) {
            Entry::Occupied(mut slot) => {
                slot.insert(value);
            }
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
        }
    }

    pub fn remove(&self, key: &HashKey) -> Option<Value> {
        self.map.borrow_mut().shift_remove(key)
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

    #[test]
    fn lookup_matches_equal_keys_of_other_objects_and_types() {
        let d = PyDict::default();
        d.insert(key(Value::str("spam")), Value::Int(1));
        d.insert(key(Value::Int(2)), Value::Int(2));
        assert!(matches!(d.lookup(&Value::str("spam")), Ok(Some(Value::Int(1)))));
        assert!(matches!(d.lookup(&Value::Float(2.0)), Ok(Some(Value::Int(2)))));
        assert!(matches!(d.lookup(&Value::str("eggs")), Ok(None)));
        assert!(matches!(d.lookup(&Value::list(vec![])), Err(Unhashable::Type)));
    }

    #[test]
    fn insert_replaces_the_value_and_keeps_the_first_key_and_position() {
        let d = PyDict::default();
        d.insert(key(Value::Int(1)), Value::Int(10));
        d.insert(key(Value::str("b")), Value::Int(20));
        d.insert(key(Value::Bool(true)), Value::Int(30));
        let items = d.items();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], (Value::Int(1), Value::Int(30))));
    }
}
