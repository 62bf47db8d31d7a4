//! An allocator layer that hands a just-freed small object's memory straight to the next
//! object of the same size, as CPython's pymalloc does. Scripts observe this: in CPython
//! `id(C()) == id(C())` and `repr(C()) == repr(C())` hold because the first temporary is freed
//! before the second is made, and programs and tests print such comparisons. mimalloc keeps
//! freed blocks on a side list and hands out other ones first, so without this layer the
//! answer would depend on the allocator's state.
//!
//! Each thread keeps a few recently freed blocks per size, last in first out. Only blocks
//! whose size is a multiple of 8 up to `MAX_SIZE` with alignment exactly 8 are kept (every
//! heap object of the interpreter is such a block), so a kept block fits any later request it
//! is given to, whatever the wrapped allocator.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;

const ALIGN: usize = 8;
const MAX_SIZE: usize = 256;
const SIZES: usize = MAX_SIZE / ALIGN;
const DEPTH: usize = 8;

struct Shelf {
    blocks: [[*mut u8; DEPTH]; SIZES],
    held: [u8; SIZES],
}

thread_local! {
    // Const-initialised with no destructor: safe to touch from inside the allocator. Blocks
    // still on a thread's shelf when the thread ends are not returned (at most
    // SIZES * DEPTH small blocks per thread).
    static SHELF: UnsafeCell<Shelf> = const {
        UnsafeCell::new(Shelf { blocks: [[ptr::null_mut(); DEPTH]; SIZES], held: [0; SIZES] })
    };
}

/// Which shelf a layout uses, if its blocks are kept.
fn size_class(layout: Layout) -> Option<usize> {
    let size = layout.size();
    (layout.align() == ALIGN && size != 0 && size <= MAX_SIZE && size.is_multiple_of(ALIGN)).then(|| size / ALIGN - 1)
}

/// `#[global_allocator] static A: RecentlyFreed<System> = unsafe { RecentlyFreed::new(System) };`
pub struct RecentlyFreed<A>(A);

impl<A> RecentlyFreed<A> {
    /// # Safety
    /// At most one `RecentlyFreed` may serve allocations in a process (the global allocator):
    /// the shelves belong to the thread, not to the value, so two of them over different
    /// allocators would hand each other's blocks out.
    pub const unsafe fn new(inner: A) -> Self {
        RecentlyFreed(inner)
    }
}

// SAFETY: a block on the shelf came from the wrapped allocator with exactly the size and
// alignment of the class it sits in, and was freed by its owner, so handing it to a request of
// that same class is what the wrapped allocator could have done itself; a block leaves the
// shelf only once. Every other call is forwarded unchanged. The shelf is per thread and no
// code that could allocate or re-enter runs while it is borrowed.
unsafe impl<A: GlobalAlloc> GlobalAlloc for RecentlyFreed<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(class) = size_class(layout) {
            let reused = SHELF
                .try_with(|shelf| {
                    // SAFETY: see the impl's comment; the borrow ends inside this closure.
                    let shelf = unsafe { &mut *shelf.get() };
                    let held = &mut shelf.held[class];
                    if *held == 0 {
                        return ptr::null_mut();
                    }
                    *held -= 1;
                    shelf.blocks[class][*held as usize]
                })
                .unwrap_or(ptr::null_mut());
            if !reused.is_null() {
                return reused;
            }
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if let Some(class) = size_class(layout) {
            let kept = SHELF
                .try_with(|shelf| {
                    // SAFETY: see the impl's comment; the borrow ends inside this closure.
                    let shelf = unsafe { &mut *shelf.get() };
                    let held = &mut shelf.held[class];
                    if *held as usize == DEPTH {
                        return false;
                    }
                    shelf.blocks[class][*held as usize] = block;
                    *held += 1;
                    true
                })
                .unwrap_or(false);
            if kept {
                return;
            }
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(block, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees; a block from the shelf is one the
        // wrapped allocator handed out with this layout.
        unsafe { self.0.realloc(block, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freed_block_goes_to_the_next_request_of_its_size_only() {
        // SAFETY: the test's global allocator is not a RecentlyFreed, and the shelf is this
        // test thread's alone.
        let alloc = unsafe { RecentlyFreed::new(std::alloc::System) };
        let object = Layout::from_size_align(48, 8).unwrap();
        let other = Layout::from_size_align(40, 8).unwrap();
        let bytes = Layout::from_size_align(48, 1).unwrap();
        // SAFETY: every block is freed once, with the layout it was allocated with.
        unsafe {
            let first = alloc.alloc(object);
            alloc.dealloc(first, object);
            let different_size = alloc.alloc(other);
            let different_align = alloc.alloc(bytes);
            let same = alloc.alloc(object);
            assert_eq!(same, first);
            assert_ne!(different_size, first);
            assert_ne!(different_align, first);
            for (block, layout) in [(same, object), (different_size, other), (different_align, bytes)] {
                alloc.dealloc(block, layout);
            }
        }
    }
}
