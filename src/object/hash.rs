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
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    fix_minus_one(h.finish() as i64)
}

/// Combines element hashes the way tuples do (order-sensitive).
pub fn hash_tuple(hashes: impl Iterator<Item = i64>) -> i64 {
    let mut acc: u64 = 0x27D4EB2F165667C5;
    for h in hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(0xC2B2AE3D27D4EB4F));
        acc = acc.rotate_left(31).wrapping_mul(0x9E3779B185EBCA87);
    }
    fix_minus_one(acc as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuple_hash_is_order_sensitive_and_never_minus_one() {
        assert_ne!(hash_tuple([1, 2].into_iter()), hash_tuple([2, 1].into_iter()));
        assert_eq!(hash_tuple([5, 7].into_iter()), hash_tuple([5, 7].into_iter()));
        assert_ne!(hash_str("a"), -1);
    }
}
