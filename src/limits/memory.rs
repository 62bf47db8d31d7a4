//! Counting what each thread allocates, for the memory ceiling: `CountingAlloc` wraps the
//! process's allocator and keeps, per thread, the bytes allocated minus the bytes freed.
//! Memory freed on another thread than the one that allocated it is counted there, so one
//! thread's count can drift; an interpreter allocates and frees its objects on its own.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

thread_local! {
    // A const-initialised `Cell` needs no lazy set-up or destructor: safe to touch from
    // inside the allocator.
    static IN_USE: Cell<isize> = const { Cell::new(0) };
}

/// Bytes this thread has allocated and not freed (0 if `CountingAlloc` is not installed).
pub fn in_use() -> isize {
    IN_USE.with(Cell::get)
}

fn count(delta: isize) {
    let _ = IN_USE.try_with(|n| n.set(n.get().wrapping_add(delta)));
}

/// A global allocator that counts per-thread usage for `Limits::max_memory`:
/// `#[global_allocator] static A: CountingAlloc<System> = CountingAlloc(System);`
pub struct CountingAlloc<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the caller's arguments and
// returns its result unchanged; the counting touches only a thread-local integer.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}
