//! Allocations whose size a script chooses (`[0] * n`, `'x'.zfill(n)`, `list(range(n))`):
//! they raise `MemoryError` when the memory cannot be had, as CPython does, instead of
//! aborting the process, or when the host's memory limit leaves no room for them.

use super::exceptions::memory_error;
use crate::vm::PyResult;

/// An empty vector with room for `n` items.
pub fn vec_with_capacity<T>(n: usize) -> PyResult<Vec<T>> {
    check_size(n.saturating_mul(std::mem::size_of::<T>()))?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| memory_error())?;
    Ok(v)
}

/// Refuses one allocation larger than the machine's memory and swap, as Linux's default
/// overcommit policy refuses it to `malloc`. The allocator reserves address space without
/// that check, so without this a huge request would "succeed" and then fill memory. Also
/// refuses one larger than the room the run's memory limit leaves.
fn check_size(bytes: usize) -> PyResult<()> {
    if crate::limits::memory_room().is_some_and(|room| bytes > room) {
        return Err(crate::limits::memory_exceeded());
    }
    static CEILING: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let ceiling = *CEILING.get_or_init(|| memory_and_swap().unwrap_or(usize::MAX));
    if bytes > ceiling {
        return Err(memory_error());
    }
    Ok(())
}

/// `MemTotal + SwapTotal` from `/proc/meminfo`, in bytes.
fn memory_and_swap() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib = |key: &str| -> Option<usize> {
        let line = info.lines().find(|l| l.starts_with(key))?;
        line[key.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some(kib("MemTotal:")?.saturating_add(kib("SwapTotal:").unwrap_or(0)).saturating_mul(1024))
}

/// An empty string with room for `n` bytes.
pub fn string_with_capacity(n: usize) -> PyResult<String> {
    check_size(n)?;
    let mut s = String::new();
    s.try_reserve_exact(n).map_err(|_| memory_error())?;
    Ok(s)
}

/// The length of `count` copies of a sequence of `len` items of `item_size` bytes each, or
/// `MemoryError` when that many bytes cannot exist.
pub fn repeated_len(len: usize, count: usize, item_size: usize) -> PyResult<usize> {
    len.checked_mul(count)
        .filter(|n| n.checked_mul(item_size.max(1)).is_some_and(|bytes| bytes <= isize::MAX as usize))
        .ok_or_else(memory_error)
}

/// `count` copies of `items`, laid out by doubling (one copy of the bytes per item).
pub fn repeat_slice<T: Clone>(items: &[T], count: usize) -> PyResult<Vec<T>> {
    let total = repeated_len(items.len(), count, std::mem::size_of::<T>())?;
    let mut out = vec_with_capacity(total)?;
    if total == 0 {
        return Ok(out);
    }
    out.extend_from_slice(items);
    while out.len() < total {
        let n = out.len().min(total - out.len());
        out.extend_from_within(..n);
    }
    Ok(out)
}

/// `count` copies of `text`. `Err` is `MemoryError`; CPython's `OverflowError` for lengths
/// past `isize::MAX` is the caller's to raise first.
pub fn repeat_str(text: &str, count: usize) -> PyResult<String> {
    let bytes = repeat_slice(text.as_bytes(), count)?;
    // SAFETY: copies of a whole UTF-8 string laid end to end are UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// Strings longer than this are refused with `MemoryError` instead of aborting on allocation.
const MAX_LEN: i64 = 1 << 40;

/// `MemoryError` unless a result of `len` code points is reasonable to build.
pub fn check_str_len(len: i64) -> PyResult<()> {
    if len > MAX_LEN {
        return Err(memory_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_by_doubling() {
        assert_eq!(repeat_slice(&[1, 2, 3], 4).ok(), Some(vec![1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]));
        assert_eq!(repeat_slice::<u8>(&[], 1 << 40).ok(), Some(vec![]));
        assert_eq!(repeat_str("é", 3).ok().as_deref(), Some("ééé"));
        assert_eq!(repeat_str("ab", 0).ok().as_deref(), Some(""));
    }

    #[test]
    fn impossible_sizes_fail_instead_of_aborting() {
        assert!(repeated_len(4, 1 << 62, 16).is_err());
        assert!(repeated_len(usize::MAX, 2, 1).is_err());
        assert!(repeat_slice(&[0u64; 4], 1 << 60).is_err());
    }
}
