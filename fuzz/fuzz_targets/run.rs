//! Running arbitrary source under tight limits (so that every run ends) and no access to
//! files, network or environment: any input finishes or raises, and never crashes.
#![no_main]

use coro::limits::Limits;
use libfuzzer_sys::fuzz_target;
use std::time::Duration;

/// The memory limit counts what the interpreter thread allocates.
#[global_allocator]
static ALLOCATOR: coro::limits::memory::CountingAlloc<std::alloc::System> =
    coro::limits::memory::CountingAlloc(std::alloc::System);

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    coro_fuzz::on_interpreter_thread(move || {
        let Some(text) = coro_fuzz::source(&data) else { return };
        let mut interp = coro::Interpreter::new();
        interp.set_limits(Limits {
            max_memory: Some(64 << 20),
            max_duration: Some(Duration::from_millis(500)),
            max_recursion_depth: Some(200),
            max_steps: Some(200_000),
        });
        let _ = interp.execute("<fuzz>", &text);
    });
});
