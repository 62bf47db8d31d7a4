//! The buffer protocol: the bytes a bytes-like object (bytes, bytearray, a memoryview of
//! one) shows, for the operators and the library functions that take any of them.

use crate::value::{PyBytes, Value};
use std::rc::Rc;

/// The bytes a view shows: item `i` is `obj[start + i * step]`.
pub struct MemoryView {
    pub obj: Rc<PyBytes>,
    pub start: usize,
    pub step: isize,
    pub len: usize,
    pub released: bool,
}

impl MemoryView {
    pub fn bytes(&self) -> Vec<u8> {
        let data = self.obj.data.borrow();
        (0..self.len).filter_map(|i| data.get(self.position(i)).copied()).collect()
    }

    pub fn position(&self, i: usize) -> usize {
        (self.start as isize + i as isize * self.step) as usize
    }
}

/// The bytes of a bytes-like object (bytes, bytearray, an unreleased memoryview), copied.
pub fn buffer(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Bytes(b) => Some(b.data.borrow().clone()),
        Value::Instance(inst) => inst.native::<MemoryView>().filter(|m| !m.released).map(|m| m.bytes()),
        _ => None,
    }
}

/// Copies `src` into the start of a writable bytes-like object (a bytearray, or a view of
/// one) as far as it reaches: what `readinto` fills. Returns the bytes copied, or None when
/// `v` is not writable.
pub fn fill_from(v: &Value, src: &[u8]) -> Option<usize> {
    let (obj, positions): (Rc<PyBytes>, Vec<usize>) = match v {
        Value::Bytes(b) if b.mutable => (b.clone(), (0..src.len()).collect()),
        Value::Instance(inst) => {
            let m = inst.native::<MemoryView>().filter(|m| !m.released && m.obj.mutable)?;
            (m.obj.clone(), (0..m.len.min(src.len())).map(|i| m.position(i)).collect())
        }
        _ => return None,
    };
    let mut data = obj.data.borrow_mut();
    let mut n = 0;
    for (p, &b) in positions.into_iter().zip(src) {
        let Some(slot) = data.get_mut(p) else { break };
        *slot = b;
        n += 1;
    }
    Some(n)
}

/// How many bytes a writable bytes-like object holds, or None when `v` is not writable.
pub fn writable_len(v: &Value) -> Option<usize> {
    match v {
        Value::Bytes(b) if b.mutable => Some(b.data.borrow().len()),
        Value::Instance(inst) => inst.native::<MemoryView>().filter(|m| !m.released && m.obj.mutable).map(|m| m.len),
        _ => None,
    }
}
