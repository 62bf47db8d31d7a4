//! `set` and `frozenset`.

use super::dict::HashKey;
use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;
use std::cell::RefCell;

#[derive(Default)]
pub struct PySet {
    pub items: RefCell<IndexSet<HashKey, FxBuildHasher>>,
    pub frozen: bool,
}

impl PySet {
    pub fn new(items: IndexSet<HashKey, FxBuildHasher>, frozen: bool) -> PySet {
        PySet { items: RefCell::new(items), frozen }
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    pub fn contains(&self, k: &HashKey) -> bool {
        self.items.borrow().contains(k)
    }

    pub fn set_eq(&self, other: &PySet) -> bool {
        let (a, b) = (self.items.borrow(), other.items.borrow());
        a.len() == b.len() && a.iter().all(|k| b.contains(k))
    }

    /// Order-independent hash of a frozenset.
    pub fn frozen_hash(&self) -> i64 {
        let h = self.items.borrow().iter().fold(0x1d3a_5f17_u64, |acc, k| {
            acc ^ (k.hash as u64).wrapping_mul(0x9E3779B97F4A7C15).rotate_left(17)
        });
        if h as i64 == -1 {
            -2
        } else {
            h as i64
        }
    }
}
