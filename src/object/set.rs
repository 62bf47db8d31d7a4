//! `set` and `frozenset`.
//!
//! The storage mirrors CPython's `Objects/setobject.c` so that iteration order (and so the
//! printed form of a set) is the same: an open-addressing table of `mask + 1` slots (8 at
//! first), probed linearly for up to `LINEAR_PROBES` slots then by perturbation, resized
//! to `used*4` (`used*2` past 50000) when `fill*5 >= mask*3`; removal leaves a dummy slot,
//! and iteration walks the slots in order. The set algebra below follows CPython's
//! algorithms step by step, since the order of the result depends on how it was built.
//!
//! Key operations stop without changing anything when a comparison needs a script `__eq__`,
//! returning the question (see `key_eq`); an algorithm stopped that way has done part of its
//! work, so the in-place ones are only run natively on tables that cannot raise such questions
//! (`may_need_script_eq`).

use super::dict::{same_key, HashKey};
use super::key_eq::{needs_script_eq, Undecided};
use std::cell::{Cell, RefCell};

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone, Default)]
enum Slot {
    #[default]
    Empty,
    /// A removed entry: keeps probe chains intact; reused by a later insertion.
    Dummy,
    Active(HashKey),
}

/// The hash table of a set.
#[derive(Clone)]
pub struct SetTable {
    slots: Vec<Slot>,
    /// Active plus dummy slots.
    fill: usize,
    /// Active slots.
    used: usize,
    /// Where `pop` starts looking.
    finger: usize,
    /// Whether a key was added that may need a script `__eq__` to compare.
    script_keys: bool,
}

impl Default for SetTable {
    fn default() -> SetTable {
        SetTable { slots: vec![Slot::Empty; MINSIZE], fill: 0, used: 0, finger: 0, script_keys: false }
    }
}

/// A table of the keys added one by one, as `set(iterable)` does.
pub fn from_keys<'a>(keys: impl IntoIterator<Item = &'a HashKey>) -> Result<SetTable, Undecided> {
    let mut t = SetTable::default();
    for k in keys {
        t.insert(k.clone())?;
    }
    Ok(t)
}

/// The probe sequence's start and perturbation for a hash.
fn probe_start(hash: i64, mask: usize) -> (usize, u64) {
    ((hash as u64 as usize) & mask, hash as u64)
}

fn next_probe(i: usize, perturb: &mut u64, mask: usize) -> usize {
    *perturb >>= PERTURB_SHIFT;
    (i.wrapping_mul(5).wrapping_add(1).wrapping_add(*perturb as usize)) & mask
}

impl SetTable {
    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Whether some key may need a script `__eq__` to compare with another.
    pub fn may_need_script_eq(&self) -> bool {
        self.script_keys
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The keys in table order.
    pub fn iter(&self) -> impl Iterator<Item = &HashKey> + '_ {
        self.slots.iter().filter_map(|s| match s {
            Slot::Active(k) => Some(k),
            _ => None,
        })
    }

    /// The first key at slot `pos` or after, with the slot after it: how an iterator walks
    /// the table (`setiter_iternext`).
    pub fn next_from(&self, pos: usize) -> Option<(&HashKey, usize)> {
        self.slots.get(pos..)?.iter().enumerate().find_map(|(i, s)| match s {
            Slot::Active(k) => Some((k, pos + i + 1)),
            _ => None,
        })
    }

    /// The slot holding `key`, if present (`set_lookkey`).
    fn find(&self, key: &HashKey) -> Result<Option<usize>, Undecided> {
        let mask = self.mask();
        let (mut i, mut perturb) = probe_start(key.hash, mask);
        let mut first = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in i..=i + probes {
                match &self.slots[j] {
                    Slot::Empty => return first.map_or(Ok(None), Err),
                    Slot::Active(k) if same_key(k, key.hash, &key.value, &mut first) => return Ok(Some(j)),
                    _ => {}
                }
            }
            i = next_probe(i, &mut perturb, mask);
        }
    }

    pub fn contains(&self, key: &HashKey) -> Result<bool, Undecided> {
        Ok(self.find(key)?.is_some())
    }

    /// The stored key equal to `key`.
    pub fn get(&self, key: &HashKey) -> Result<Option<&HashKey>, Undecided> {
        Ok(match self.find(key)?.map(|i| &self.slots[i]) {
            Some(Slot::Active(k)) => Some(k),
            _ => None,
        })
    }

    /// Adds `key` unless an equal key is present (`set_add_entry`); true if it was added.
    pub fn insert(&mut self, key: HashKey) -> Result<bool, Undecided> {
        let mask = self.mask();
        let (mut i, mut perturb) = probe_start(key.hash, mask);
        let mut freeslot = None;
        let mut first = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in i..=i + probes {
                match &self.slots[j] {
                    Slot::Empty => {
                        if let Some(question) = first {
                            return Err(question);
                        }
                        self.script_keys |= needs_script_eq(&key.value);
                        self.used += 1;
                        if let Some(f) = freeslot {
                            self.slots[f] = Slot::Active(key);
                            return Ok(true);
                        }
                        self.fill += 1;
                        self.slots[j] = Slot::Active(key);
                        if self.fill * 5 >= mask * 3 {
                            self.resize(if self.used > 50000 { self.used * 2 } else { self.used * 4 });
                        }
                        return Ok(true);
                    }
                    Slot::Active(k) if same_key(k, key.hash, &key.value, &mut first) => return Ok(false),
                    Slot::Active(_) => {}
                    Slot::Dummy => freeslot = Some(j),
                }
            }
            i = next_probe(i, &mut perturb, mask);
        }
    }

    /// Places a key known to be absent into a table without dummies (`set_insert_clean`).
    fn insert_clean(slots: &mut [Slot], key: HashKey) {
        let mask = slots.len() - 1;
        let (mut i, mut perturb) = probe_start(key.hash, mask);
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            if let Some(slot) = slots[i..=i + probes].iter_mut().find(|s| matches!(s, Slot::Empty)) {
                *slot = Slot::Active(key);
                return;
            }
            i = next_probe(i, &mut perturb, mask);
        }
    }

    /// Rebuilds the table with the smallest power-of-two size above `minused`
    /// (`set_table_resize`), dropping dummies.
    fn resize(&mut self, minused: usize) {
        let mut newsize = MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        if newsize == MINSIZE && self.slots.len() == MINSIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; newsize]);
        self.fill = self.used;
        for s in old {
            if let Slot::Active(k) = s {
                SetTable::insert_clean(&mut self.slots, k);
            }
        }
    }

    /// Removes `key` (`set_discard_entry`), leaving a dummy; returns the stored key.
    pub fn remove(&mut self, key: &HashKey) -> Result<Option<HashKey>, Undecided> {
        let Some(i) = self.find(key)? else { return Ok(None) };
        Ok(match std::mem::replace(&mut self.slots[i], Slot::Dummy) {
            Slot::Active(k) => {
                self.used -= 1;
                Some(k)
            }
            _ => None,
        })
    }

    /// Removes and returns an arbitrary key (`set.pop`: the first from the finger on).
    pub fn pop(&mut self) -> Option<HashKey> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !matches!(self.slots[i], Slot::Active(_)) {
            i = if i == mask { 0 } else { i + 1 };
        }
        self.used -= 1;
        self.finger = i + 1;
        match std::mem::replace(&mut self.slots[i], Slot::Dummy) {
            Slot::Active(k) => Some(k),
            _ => unreachable!(),
        }
    }

    /// Empties the set back to the minimum size (`set_clear_internal`).
    pub fn clear(&mut self) {
        self.slots = vec![Slot::Empty; MINSIZE];
        self.fill = 0;
        self.used = 0;
        self.script_keys = false;
    }

    /// Replaces the contents with `other`'s table, keeping the `pop` finger (`set_swap_bodies`).
    pub fn replace_body(&mut self, other: SetTable) {
        let finger = self.finger;
        *self = SetTable { finger, ..other };
    }

    /// Resizes ahead of adding up to `incoming` keys (the first step of `set_merge`).
    fn make_room(&mut self, incoming: usize) {
        if (self.fill + incoming) * 5 >= self.mask() * 3 {
            self.resize((self.used + incoming) * 2);
        }
    }

    /// Adds every key of another set (`set_merge`).
    pub fn merge(&mut self, other: &SetTable) -> Result<(), Undecided> {
        if other.used == 0 {
            return Ok(());
        }
        self.make_room(other.used);
        if self.fill == 0 {
            self.fill_from(other);
            return Ok(());
        }
        for k in other.iter() {
            self.insert(k.clone())?;
        }
        Ok(())
    }

    /// `set_merge` into an empty table, made room for the keys of `other`: they are all
    /// distinct, so nothing is compared.
    fn fill_from(&mut self, other: &SetTable) {
        self.script_keys = other.script_keys;
        if self.mask() == other.mask() && other.fill == other.used {
            // Same size, no dummies: copy slot by slot.
            for (mine, theirs) in self.slots.iter_mut().zip(&other.slots) {
                if let Slot::Active(k) = theirs {
                    *mine = Slot::Active(k.clone());
                }
            }
        } else {
            for k in other.iter() {
                SetTable::insert_clean(&mut self.slots, k.clone());
            }
        }
        self.fill = other.used;
        self.used = other.used;
    }

    /// Adds the keys of a dict, in its order, after one resize for all of them.
    pub fn merge_dict_keys(&mut self, keys: &[HashKey]) -> Result<(), Undecided> {
        self.make_room(keys.len());
        for k in keys {
            self.insert(k.clone())?;
        }
        Ok(())
    }

    /// A new set with the same keys (`set_copy`: a fresh table merged from this one).
    pub fn copy(&self) -> SetTable {
        let mut t = SetTable::default();
        if self.used > 0 {
            t.make_room(self.used);
            t.fill_from(self);
        }
        t
    }

    /// After removals: rebuilds the table if more than a quarter of it is dummies.
    fn purge_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            self.resize(if self.used > 50000 { self.used * 2 } else { self.used * 4 });
        }
    }

    /// Removes the keys of another set (`set_difference_update_internal` with a set).
    /// The caller handles `a.difference_update(a)`, which clears it.
    pub fn difference_update(&mut self, other: &SetTable) -> Result<(), Undecided> {
        if (other.len() >> 3) > self.len() {
            let common = intersection(self, other)?;
            for k in common.iter() {
                self.remove(k)?;
            }
        } else {
            for k in other.iter() {
                self.remove(k)?;
            }
        }
        self.purge_dummies();
        Ok(())
    }

    /// Removes each of `keys` (`set_difference_update_internal` with an iterable).
    pub fn difference_update_keys(&mut self, keys: &[HashKey]) -> Result<(), Undecided> {
        for k in keys {
            self.remove(k)?;
        }
        self.purge_dummies();
        Ok(())
    }

    /// Toggles each key of `other`, taken in its table order
    /// (`set_symmetric_difference_update`). The caller handles `a ^= a`, which clears it.
    pub fn symmetric_difference_update(&mut self, other: &SetTable) -> Result<(), Undecided> {
        self.symmetric_difference_update_keys(other.iter())
    }

    /// Toggles each of `keys`, in order.
    pub fn symmetric_difference_update_keys<'a>(
        &mut self,
        keys: impl IntoIterator<Item = &'a HashKey>,
    ) -> Result<(), Undecided> {
        for k in keys {
            if self.remove(k)?.is_none() {
                self.insert(k.clone())?;
            }
        }
        Ok(())
    }

    /// Whether every key is in `other`.
    pub fn is_subset(&self, other: &SetTable) -> Result<bool, Undecided> {
        if self.len() > other.len() {
            return Ok(false);
        }
        for k in self.iter() {
            if !other.contains(k)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `frozenset.__hash__`: CPython's order-independent combination of the key hashes.
    pub fn hash(&self) -> i64 {
        fn shuffle(h: u64) -> u64 {
            ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
        }
        let mut h: u64 = 0;
        for k in self.iter() {
            h ^= shuffle(k.hash as u64);
        }
        h ^= (self.used as u64 + 1).wrapping_mul(1927868237);
        h ^= (h >> 11) ^ (h >> 25);
        h = h.wrapping_mul(69069).wrapping_add(907133923);
        if h == u64::MAX {
            590923713
        } else {
            h as i64
        }
    }
}

/// The keys of both sets (`set_intersection` of two sets): walks the smaller one, so its
/// keys are the ones kept.
pub fn intersection(a: &SetTable, b: &SetTable) -> Result<SetTable, Undecided> {
    let (big, small) = if b.len() > a.len() { (b, a) } else { (a, b) };
    let mut out = SetTable::default();
    for k in small.iter() {
        if big.contains(k)? {
            out.insert(k.clone())?;
        }
    }
    Ok(out)
}

/// The keys of `a` among `keys` (`set_intersection` with an iterable), in their order.
pub fn intersection_keys(a: &SetTable, keys: &[HashKey]) -> Result<SetTable, Undecided> {
    let mut out = SetTable::default();
    for k in keys {
        if a.contains(k)? {
            out.insert(k.clone())?;
            if out.len() >= a.len() {
                break;
            }
        }
    }
    Ok(out)
}

/// The keys of `a` not in the set `b` (`set_difference`).
pub fn difference(a: &SetTable, b: &SetTable) -> Result<SetTable, Undecided> {
    if (a.len() >> 2) > b.len() {
        let mut out = a.copy();
        out.difference_update(b)?;
        return Ok(out);
    }
    keys_not_in(a, b)
}

fn keys_not_in(a: &SetTable, b: &SetTable) -> Result<SetTable, Undecided> {
    let mut out = SetTable::default();
    for k in a.iter() {
        if !b.contains(k)? {
            out.insert(k.clone())?;
        }
    }
    Ok(out)
}

/// The keys of `a` not among the keys of a dict (`set_difference` with a dict).
pub fn difference_dict_keys(a: &SetTable, keys: &[HashKey]) -> Result<SetTable, Undecided> {
    if (a.len() >> 2) > keys.len() {
        let mut out = a.copy();
        out.difference_update_keys(keys)?;
        return Ok(out);
    }
    keys_not_in(a, &from_keys(keys)?)
}

/// The keys in exactly one of the sets (`set_symmetric_difference`): a copy of `b`
/// toggled by the keys of `a`.
pub fn symmetric_difference(a: &SetTable, b: &SetTable) -> Result<SetTable, Undecided> {
    let mut out = b.copy();
    out.symmetric_difference_update(a)?;
    Ok(out)
}

/// The set operators `|`, `&`, `-`, `^`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SetOp {
    Or,
    And,
    Sub,
    Xor,
}

pub struct PySet {
    pub items: RefCell<SetTable>,
    pub frozen: bool,
    /// A frozenset's hash, once computed.
    hash: Cell<Option<i64>>,
}

impl Default for PySet {
    fn default() -> PySet {
        PySet::new(SetTable::default(), false)
    }
}

impl PySet {
    pub fn new(items: SetTable, frozen: bool) -> PySet {
        PySet { items: RefCell::new(items), frozen, hash: Cell::new(None) }
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    pub fn contains(&self, k: &HashKey) -> Result<bool, Undecided> {
        self.items.borrow().contains(k)
    }

    pub fn insert(&self, k: HashKey) -> Result<bool, Undecided> {
        self.items.borrow_mut().insert(k)
    }

    pub fn set_eq(&self, other: &PySet) -> Result<bool, Undecided> {
        if std::ptr::eq(self, other) {
            return Ok(true);
        }
        let (a, b) = (self.items.borrow(), other.items.borrow());
        Ok(a.len() == b.len() && a.is_subset(&b)?)
    }

    /// The hash of a frozenset.
    pub fn frozen_hash(&self) -> i64 {
        if let Some(h) = self.hash.get() {
            return h;
        }
        let h = self.items.borrow().hash();
        self.hash.set(Some(h));
        h
    }

    /// `a op b` for two sets; the result has `a`'s type.
    pub fn binary(&self, op: SetOp, other: &PySet) -> Result<PySet, Undecided> {
        let same = std::ptr::eq(self, other);
        let (a, b) = (self.items.borrow(), other.items.borrow());
        let table = match op {
            SetOp::Or => {
                let mut t = a.copy();
                if !same {
                    t.merge(&b)?;
                }
                t
            }
            SetOp::And if same => a.copy(),
            SetOp::And => intersection(&a, &b)?,
            SetOp::Sub => difference(&a, &b)?,
            SetOp::Xor => symmetric_difference(&a, &b)?,
        };
        Ok(PySet::new(table, self.frozen))
    }

    /// `a op= b` for a mutable set `a` and any set `b`, in place as CPython does it.
    pub fn inplace(&self, op: SetOp, other: &PySet) -> Result<(), Undecided> {
        if std::ptr::eq(self, other) {
            let mut a = self.items.borrow_mut();
            match op {
                SetOp::Or => {}
                // `a &= a` is an intersection, i.e. a copy, swapped in.
                SetOp::And => {
                    let t = a.copy();
                    a.replace_body(t);
                }
                SetOp::Sub | SetOp::Xor => a.clear(),
            }
            return Ok(());
        }
        let b = other.items.borrow();
        self.modify(b.may_need_script_eq(), |a| match op {
            SetOp::Or => a.merge(&b),
            SetOp::And => {
                let t = intersection(a, &b)?;
                a.replace_body(t);
                Ok(())
            }
            SetOp::Sub => a.difference_update(&b),
            SetOp::Xor => a.symmetric_difference_update(&b),
        })
    }

    /// Runs an in-place algorithm on the table, which stays unchanged if the algorithm stops
    /// on a question: when one may come (`others_may_ask`, or this set's own keys), the
    /// algorithm works on a copy that replaces the table once it finishes. `f` must not
    /// borrow this set.
    pub fn modify(
        &self,
        others_may_ask: bool,
        f: impl FnOnce(&mut SetTable) -> Result<(), Undecided>,
    ) -> Result<(), Undecided> {
        if !others_may_ask && !self.items.borrow().may_need_script_eq() {
            return f(&mut self.items.borrow_mut());
        }
        let mut t = self.items.borrow().clone();
        f(&mut t)?;
        *self.items.borrow_mut() = t;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn key(i: i64) -> HashKey {
        HashKey { hash: crate::numeric::hash_i64(i), value: Value::Int(i) }
    }

    fn table(xs: &[i64]) -> SetTable {
        let keys: Vec<HashKey> = xs.iter().map(|&i| key(i)).collect();
        from_keys(&keys).ok().expect("ints compare natively")
    }

    fn int(k: &HashKey) -> i64 {
        match k.value {
            Value::Int(i) => i,
            _ => unreachable!(),
        }
    }

    fn order(t: &SetTable) -> Vec<i64> {
        t.iter().map(int).collect()
    }

    // Expected values below were produced by CPython 3.11.

    #[test]
    fn iteration_follows_table_slots() {
        let cases: &[(&[i64], &[i64], &[i64])] = &[
            (&[3, 1, 2], &[], &[1, 2, 3]),
            (&[10, 100, 1], &[], &[1, 10, 100]),
            (&[16, 1, 2, 3, 4], &[], &[1, 2, 3, 4, 16]),
            (&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], &[1, 3], &[0, 2, 4, 5, 6, 7, 8, 9]),
            (&[-1, -2, -3, 7, 8], &[], &[7, 8, -2, -3, -1]),
            (
                &[2305843009213693951, 2305843009213693952, -5, 64, 32],
                &[],
                &[2305843009213693951, 2305843009213693952, 32, 64, -5],
            ),
            (
                &[
                    0, 37, 74, 111, 148, 185, 222, 259, 296, 333, 370, 407, 444, 481, 518, 555, 592, 629, 666, 703,
                    740, 777, 814, 851, 888, 925, 962, 999, 1036, 1073,
                ],
                &[0, 37, 74],
                &[
                    259, 518, 777, 1036, 148, 407, 666, 925, 296, 555, 814, 1073, 185, 444, 703, 962, 333, 592, 851,
                    222, 481, 740, 999, 111, 370, 629, 888,
                ],
            ),
            (&[0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88], &[], &[0, 32, 64, 8, 40, 72, 16, 48, 80, 24, 56, 88]),
            (
                &[50, 47, 44, 41, 38, 35, 32, 29, 26, 23, 20, 17, 14, 11, 8, 5, 2],
                &[50, 47, 2],
                &[32, 35, 5, 38, 8, 41, 11, 44, 14, 17, 20, 23, 26, 29],
            ),
        ];
        for (ins, rem, want) in cases {
            let mut t = table(ins);
            for &r in rem.iter() {
                assert!(t.remove(&key(r)).is_ok());
            }
            assert_eq!(order(&t), *want, "inserting {:?} removing {:?}", ins, rem);
        }
    }

    #[test]
    fn insertion_reuses_the_last_dummy_on_the_probe_path() {
        let mut t = table(&(0..10).collect::<Vec<_>>());
        assert!(t.remove(&key(1)).is_ok() && t.remove(&key(3)).is_ok());
        assert!(matches!(t.insert(key(33)), Ok(true)));
        assert!(matches!(t.insert(key(33)), Ok(false)));
        assert_eq!(order(&t), vec![0, 2, 33, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn pop_walks_from_the_finger() {
        let mut t = table(&(0..20).collect::<Vec<_>>());
        let popped: Vec<i64> = (0..3).map(|_| int(&t.pop().expect("key"))).collect();
        assert_eq!(popped, vec![0, 1, 2]);
        assert!(t.insert(key(0)).is_ok());
        assert_eq!(int(&t.pop().expect("key")), 3);
        assert_eq!(order(&t)[..3], [0, 4, 5]);
        assert_eq!(SetTable::default().pop().map(|k| k.hash), None);
    }

    #[test]
    fn algebra_orders() {
        let (a, b) = (table(&[1, 2, 3, 9, 17]), table(&[17, 9, 40]));
        let native = |t: Result<SetTable, Undecided>| t.ok().expect("ints compare natively");
        assert_eq!(order(&native(intersection(&a, &b))), vec![17, 9]);
        assert_eq!(order(&native(intersection(&b, &a))), vec![17, 9]);
        assert_eq!(order(&native(symmetric_difference(&a, &b))), vec![1, 2, 3, 40]);
        assert_eq!(order(&native(difference(&a, &b))), vec![1, 2, 3]);
        let mut u = a.copy();
        assert!(u.merge(&b).is_ok());
        assert_eq!(order(&u), vec![1, 2, 3, 17, 40, 9]);
    }

    #[test]
    fn frozenset_hash_matches_cpython() {
        assert_eq!(SetTable::default().hash(), 133146708735736);
        assert_eq!(table(&[1, 2]).hash(), -1826646154956904602);
    }
}
