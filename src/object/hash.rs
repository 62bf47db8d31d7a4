//! Hashing of strings and tuples. Numbers use Python's numeric hash (`crate::numeric`), so
//! that `hash(1) == hash(1.0) == hash(True)`.

use std::hash::Hasher;

fn fix_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn hash_str(s: &str) -> i64 {
    hash_bytes(s.as_bytes())
}

/// The hash of a `bytes`; equal to that of the str with the same UTF-8 text, as in CPython
/// for ASCII text (`hash(b'x') == hash('x')`).
pub fn hash_bytes(b: &[u8]) -> i64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(b);
    fix_minus_one(h.finish() as i64)
}

/// Combines element hashes as CPython's tuples do (its xxHash-based `tuplehash`), so that
/// sets of tuples iterate in CPython's order.
pub fn hash_tuple(hashes: &[i64]) -> i64 {
    let mut h = TupleHasher::new();
    hashes.iter().for_each(|&x| h.add(x));
    h.finish()
}

/// `hash_tuple` one item at a time, so that a tuple is hashed without collecting its
/// items' hashes first.
pub struct TupleHasher {
    acc: u64,
    len: u64,
}

impl TupleHasher {
    const PRIME_1: u64 = 11400714785074694791;
    const PRIME_2: u64 = 14029467366897019727;
    const PRIME_5: u64 = 2870177450012600261;

    pub fn new() -> TupleHasher {
        TupleHasher { acc: Self::PRIME_5, len: 0 }
    }

    #[inline]
    pub fn add(&mut self, h: i64) {
        self.acc = self.acc.wrapping_add((h as u64).wrapping_mul(Self::PRIME_2));
        self.acc = self.acc.rotate_left(31).wrapping_mul(Self::PRIME_1);
        self.len += 1;
    }

    pub fn finish(self) -> i64 {
        let acc = self.acc.wrapping_add(self.len ^ (Self::PRIME_5 ^ 3527539));
        if acc == u64::MAX {
            return 1546275796;
        }
        acc as i64
    }
}

impl Default for TupleHasher {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values CPython 3.11 gives for `hash(())`, `hash((1, 2))` and `hash((-1, (3,)))`.
    #[test]
    fn tuple_hash_is_cpythons() {
        assert_eq!(hash_tuple(&[]), 5740354900026072187);
        assert_eq!(hash_tuple(&[1, 2]), -3550055125485641917);
        assert_eq!(hash_tuple(&[-2, hash_tuple(&[3])]), -1670280567370870682);
    }

    #[test]
    fn tuple_hash_is_order_sensitive_and_never_minus_one() {
        assert_ne!(hash_tuple(&[1, 2]), hash_tuple(&[2, 1]));
        assert_eq!(hash_tuple(&[5, 7]), hash_tuple(&[5, 7]));
        assert_ne!(hash_str("a"), -1);
    }
}
