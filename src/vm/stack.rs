//! The unsafe primitives on a fiber's value stack that the dispatch loop uses in its hot
//! paths. The invariant they share: every slot below `len` is an initialized `Value` that
//! owns one reference; each primitive leaves that true when it returns.

use crate::value::{fast_drop, fast_drop_in_place, Value};

/// Replaces the two ints on top of the stack with the result of an operation on them.
#[inline(always)]
pub(super) fn set_int_result(stack: &mut Vec<Value>, result: Value) {
    let n = stack.len();
    debug_assert!(matches!((&stack[n - 2], &stack[n - 1]), (Value::Int(_), Value::Int(_))));
    // SAFETY: both operands are ints, which own nothing: they can be overwritten and
    // forgotten without running their destructors.
    unsafe {
        stack.set_len(n - 1);
        std::ptr::write(stack.as_mut_ptr().add(n - 2), result);
    }
}

/// Replaces the int on top of the stack with the result of an operation on it.
#[inline(always)]
pub(super) fn set_top_int_result(stack: &mut [Value], result: Value) {
    let top = stack.last_mut().expect("stack underflow");
    debug_assert!(matches!(top, Value::Int(_)));
    // SAFETY: the slot holds an int, which owns nothing: it can be overwritten without
    // running its destructor.
    unsafe { std::ptr::write(top, result) };
}

/// Pushes a clone of `v`.
#[inline(always)]
pub(super) fn push_clone(stack: &mut Vec<Value>, v: &Value) {
    v.retain();
    stack.reserve(1);
    // SAFETY: room was reserved; `v` is not in `stack` (it is borrowed separately); the
    // reference the copy owns was just added. Copying memory to memory moves the value as
    // one 16-byte unit (see `Value::fast_clone`).
    unsafe {
        let len = stack.len();
        std::ptr::copy_nonoverlapping(v, stack.as_mut_ptr().add(len), 1);
        stack.set_len(len + 1);
    }
}

/// Pushes a clone of the stack slot `at` (a local variable).
#[inline(always)]
pub(super) fn push_local(stack: &mut Vec<Value>, at: usize) {
    stack[at].retain();
    stack.reserve(1);
    // SAFETY: room was reserved (so the pointer is taken after any reallocation), the slots
    // are distinct, and the reference the copy owns was just added.
    unsafe {
        let len = stack.len();
        let p = stack.as_mut_ptr();
        std::ptr::copy_nonoverlapping(p.add(at), p.add(len), 1);
        stack.set_len(len + 1);
    }
}

/// Pops the top of the stack into the slot `at` (a local variable).
#[inline(always)]
pub(super) fn store_local(stack: &mut Vec<Value>, at: usize) {
    let top = stack.len() - 1;
    assert!(at < top, "a local slot lies below the stack top");
    // SAFETY: both indices are in bounds and distinct; the old value is read out before the
    // slot is overwritten and dropped after the stack is consistent again.
    unsafe {
        let p = stack.as_mut_ptr();
        let old = std::ptr::read(p.add(at));
        std::ptr::copy_nonoverlapping(p.add(top), p.add(at), 1);
        stack.set_len(top);
        fast_drop(old);
    }
}

/// Shortens the stack to `len`, releasing what the dropped slots own (immediates own nothing).
#[inline(always)]
pub(super) fn truncate_stack(stack: &mut Vec<Value>, len: usize) {
    let end = stack.len();
    if len >= end {
        return;
    }
    // SAFETY: the slots `len..end` are initialized; the length is cut first, so each of them
    // is dropped exactly once and never read again.
    unsafe {
        stack.set_len(len);
        let p = stack.as_mut_ptr();
        for i in len..end {
            fast_drop_in_place(p.add(i));
        }
    }
}

/// Moves the value on top of the stack down to index `at`, dropping everything between: a
/// returning frame's result replacing its callee slot. The value moves as one 16-byte copy.
#[inline(always)]
pub(super) fn move_top_down(stack: &mut Vec<Value>, at: usize) {
    let top = stack.len() - 1;
    debug_assert!(at < top);
    // SAFETY: the length is cut below the top slot first, so it is moved, not duplicated;
    // `truncate_stack` drops `at..top` once, and `at` is then rewritten.
    unsafe {
        stack.set_len(top);
        truncate_stack(stack, at);
        let p = stack.as_mut_ptr();
        std::ptr::copy(p.add(top), p.add(at), 1);
        stack.set_len(at + 1);
    }
}
