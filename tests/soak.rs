//! Long runs must not grow: a million short tasks, and a million exceptions raised and
//! caught, leave the interpreter thread holding what it held after the first tenth.

use coro::limits::memory::{in_use, CountingAlloc};

/// Counting what the interpreter thread holds is the measurement.
#[global_allocator]
static ALLOCATOR: CountingAlloc<std::alloc::System> = CountingAlloc(std::alloc::System);

/// Runs `batch` ten times on one interpreter; returns the bytes held after the first and
/// after the last batch.
fn held_after_batches(setup: &'static str, batch: &'static str) -> (isize, isize) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            coro::runtime::output::start_capture();
            let mut interp = coro::Interpreter::new();
            interp.execute("<soak>", setup).expect("setup runs");
            let mut held = Vec::new();
            for _ in 0..10 {
                interp.execute("<soak>", batch).expect("batch runs");
                held.push(in_use());
            }
            let (out, err) = coro::runtime::output::take_capture();
            assert_eq!((out.as_str(), err.as_str()), ("", ""));
            (held[0], held[9])
        })
        .expect("spawn")
        .join()
        .expect("interpreter thread")
}

fn assert_flat((first, last): (isize, isize)) {
    assert!(last <= first + first / 10, "held {} bytes after the first batch, {} after the last", first, last);
}

#[test]
fn a_million_short_tasks_leak_nothing() {
    let setup = "import asyncio\n\
                 async def short(i):\n    await asyncio.sleep(0)\n    return i\n\
                 async def batch():\n    total = 0\n    for _ in range(10):\n        \
                 tasks = [asyncio.create_task(short(i)) for i in range(10000)]\n        \
                 total += sum(await asyncio.gather(*tasks))\n    assert total == 10 * 49995000\n";
    assert_flat(held_after_batches(setup, "asyncio.run(batch())"));
}

#[test]
fn a_million_caught_exceptions_leak_nothing() {
    let setup = "class Oops(Exception):\n    pass\n\
                 def fail(i):\n    raise Oops(i)\n\
                 def batch():\n    caught = 0\n    for i in range(100000):\n        try:\n            fail(i)\n        \
                 except Oops as e:\n            caught += e.args[0] >= 0\n    assert caught == 100000\n";
    assert_flat(held_after_batches(setup, "batch()"));
}
