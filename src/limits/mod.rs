//! Resource limits a host (or the `coro` command) sets on the scripts it runs: a memory
//! ceiling, a wall-clock deadline, a recursion depth and a step budget.
//!
//! The VM counts *steps* (backward jumps and calls, the only ways code runs for long) on a
//! countdown it keeps itself; only when the countdown runs out does it call `refuel`, which
//! charges the step budget and checks Ctrl-C, the deadline and the memory ceiling. So a run
//! without limits pays one decrement per step. Long native loops and sleeps check the same
//! state through `check`, `expired` and `time_left`.
//!
//! The state is per thread, as the interpreter is: `begin` makes it for one run.

pub mod memory;
pub mod parse;

use crate::runtime::exceptions::{new_exception, raise};
use crate::runtime::ExcType;
use crate::vm::Flow;
use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

/// Steps the VM runs between two `refuel`s when no budget is closer than that.
pub const CHUNK: u32 = 1024;

/// What a host allows one run to use. `None` is no limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Bytes the script may have allocated at once, beyond what the interpreter held when
    /// the limits were set. Counted by `memory::CountingAlloc`, which must be the process's
    /// global allocator; without it only single large allocations are refused.
    pub max_memory: Option<usize>,
    /// Wall-clock time one run may take.
    pub max_duration: Option<Duration>,
    /// Nested calls before `RecursionError`; also the most `sys.setrecursionlimit` may set.
    pub max_recursion_depth: Option<usize>,
    /// Steps (loop iterations and calls) one run may take: an instruction budget that
    /// does not depend on the machine's speed.
    pub max_steps: Option<u64>,
}

/// Which limit a run ran into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Memory,
    Duration,
    RecursionDepth,
    Steps,
}

/// The limits of the run in progress on this thread.
struct Active {
    limits: Limits,
    deadline: Option<Instant>,
    /// Steps left in the budget, counting the chunk the VM is running now.
    steps_left: Option<u64>,
    /// The chunk of steps last handed to the VM.
    chunk: u32,
    /// The thread's allocation count the memory ceiling is measured from.
    memory_base: isize,
    tripped: Option<Limit>,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
    /// `poll`'s countdown.
    static POLLS: Cell<u32> = const { Cell::new(CHUNK) };
}

/// For native loops that may run long (`sum(range(10**12))`): every `CHUNK`th call checks
/// for Ctrl-C and the run's limits, and charges the step budget.
#[inline]
pub fn poll() -> Result<(), Flow> {
    let left = POLLS.with(|p| {
        let left = p.get() - 1;
        p.set(if left == 0 { CHUNK } else { left });
        left
    });
    if left == 0 {
        return charge_chunk();
    }
    Ok(())
}

/// `poll`'s check every `CHUNK` calls (a native loop's iteration counts as a step), and
/// the check of native work that takes as long as a chunk of steps at once (one product
/// of million-digit ints).
#[cold]
pub fn charge_chunk() -> Result<(), Flow> {
    charge(CHUNK as u64)
}

/// For native code that did `steps` steps' worth of work at once (sorting a run of that
/// many items): charges them to the step budget and checks Ctrl-C, the deadline and the
/// memory ceiling.
pub fn charge(steps: u64) -> Result<(), Flow> {
    crate::interrupt::check_interrupt()?;
    ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        let Some(a) = a.as_mut() else { return Ok(()) };
        if let Some(left) = &mut a.steps_left {
            *left = left.saturating_sub(steps);
            if *left == 0 {
                return Err(a.trip(Limit::Steps));
            }
        }
        a.check()
    })
}

/// Ends the run's limits when dropped.
pub struct RunGuard(());

impl Drop for RunGuard {
    fn drop(&mut self) {
        ACTIVE.with(|a| *a.borrow_mut() = None);
    }
}

/// Starts enforcing `limits` on this thread (the memory ceiling counts from `memory_base`,
/// a `memory::in_use` reading) until the guard is dropped.
pub fn begin(limits: &Limits, memory_base: isize) -> RunGuard {
    let active = Active {
        limits: limits.clone(),
        deadline: limits.max_duration.and_then(|d| Instant::now().checked_add(d)),
        steps_left: limits.max_steps,
        chunk: 0,
        memory_base,
        tripped: None,
    };
    ACTIVE.with(|a| *a.borrow_mut() = Some(active));
    RunGuard(())
}

/// The limit this thread's run has run into, if any.
pub fn tripped() -> Option<Limit> {
    ACTIVE.with(|a| a.borrow().as_ref().and_then(|a| a.tripped))
}

/// Called by the VM when its step countdown runs out: charges the steps it ran, checks for
/// Ctrl-C and every limit, and returns how many steps to run before the next call.
pub fn refuel() -> Result<u32, Flow> {
    crate::interrupt::check_interrupt()?;
    ACTIVE.with(|a| {
        let mut a = a.borrow_mut();
        let Some(a) = a.as_mut() else { return Ok(CHUNK) };
        if let Some(left) = &mut a.steps_left {
            *left = left.saturating_sub(a.chunk as u64);
            if *left == 0 {
                return Err(a.trip(Limit::Steps));
            }
            a.chunk = CHUNK.min(u32::try_from(*left).unwrap_or(CHUNK));
        } else {
            a.chunk = CHUNK;
        }
        a.check()?;
        Ok(a.chunk)
    })
}

/// `Err` if the run is past its deadline or over its memory ceiling: for native code that
/// runs long without calling back into the VM.
pub fn check() -> Result<(), Flow> {
    ACTIVE.with(|a| match a.borrow_mut().as_mut() {
        Some(a) => a.check(),
        None => Ok(()),
    })
}

/// Whether the run is past its deadline.
pub fn expired() -> bool {
    time_left().is_some_and(|d| d.is_zero())
}

/// Time until the run's deadline, if it has one.
pub fn time_left() -> Option<Duration> {
    ACTIVE.with(|a| a.borrow().as_ref()?.deadline.map(|d| d.saturating_duration_since(Instant::now())))
}

/// Bytes the run may still allocate, if it has a memory ceiling.
pub fn memory_room() -> Option<usize> {
    ACTIVE.with(|a| {
        let a = a.borrow();
        let a = a.as_ref()?;
        let max = a.limits.max_memory?;
        let used = memory::in_use().saturating_sub(a.memory_base).max(0) as usize;
        Some(max.saturating_sub(used))
    })
}

/// The `MemoryError` for an allocation the memory ceiling does not leave room for.
pub fn memory_exceeded() -> Flow {
    ACTIVE.with(|a| match a.borrow_mut().as_mut() {
        Some(a) => a.trip(Limit::Memory),
        None => crate::runtime::exceptions::memory_error(),
    })
}

impl Active {
    fn check(&mut self) -> Result<(), Flow> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(self.trip(Limit::Duration));
        }
        if let Some(max) = self.limits.max_memory {
            if memory::in_use().saturating_sub(self.memory_base) > max as isize {
                return Err(self.trip(Limit::Memory));
            }
        }
        Ok(())
    }

    /// Records that the run ran into `limit`, and the exception that says so.
    fn trip(&mut self, limit: Limit) -> Flow {
        self.tripped = Some(limit);
        let l = &self.limits;
        match limit {
            Limit::Memory => {
                let size = parse::format_size(l.max_memory.unwrap_or(0));
                let msg = crate::value::Value::str(format!("memory limit of {} exceeded", size));
                Flow::Raise(new_exception(crate::runtime::types().exc(ExcType::MemoryError), vec![msg]))
            }
            Limit::Duration => {
                let d = parse::format_duration(l.max_duration.unwrap_or_default());
                raise(ExcType::TimeoutError, format!("time limit of {} exceeded", d))
            }
            Limit::Steps => {
                raise(ExcType::TimeoutError, format!("step limit of {} exceeded", l.max_steps.unwrap_or(0)))
            }
            Limit::RecursionDepth => raise(ExcType::RecursionError, "maximum recursion depth exceeded"),
        }
    }
}
