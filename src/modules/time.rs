//! The `time` module: wall-clock, monotonic and performance clocks, and a blocking `sleep`.

use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("time")));
    m.set(intern("__name__"), Value::str("time"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("time", |a| Ok(Value::Float(no_args(a, "time.time")? as f64 / 1e9))),
        ("time_ns", |a| Ok(Value::Int(no_args(a, "time.time_ns")?))),
        ("monotonic", |a| Ok(Value::Float(monotonic_ns(a, "time.monotonic")? as f64 / 1e9))),
        ("monotonic_ns", |a| Ok(Value::Int(monotonic_ns(a, "time.monotonic_ns")?))),
        ("perf_counter", |a| Ok(Value::Float(monotonic_ns(a, "time.perf_counter")? as f64 / 1e9))),
        ("perf_counter_ns", |a| Ok(Value::Int(monotonic_ns(a, "time.perf_counter_ns")?))),
        ("sleep", sleep),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// Nanoseconds since the Unix epoch, after checking that no arguments were given.
fn no_args(a: &Args, name: &str) -> PyResult<i64> {
    check_args(a, name, 0, 0)?;
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Ok(d.as_nanos() as i64)
}

/// Nanoseconds on a monotonic clock (shared by `monotonic` and `perf_counter`).
fn monotonic_ns(a: &Args, name: &str) -> PyResult<i64> {
    check_args(a, name, 0, 0)?;
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    // Offset so the first reading is not zero, like a real system clock.
    Ok(start.elapsed().as_nanos() as i64 + 1_000_000_000)
}

fn sleep(a: &Args) -> PyResult {
    if !a.kw.is_empty() {
        return Err(type_error("time.sleep() takes no keyword arguments"));
    }
    check_args(a, "time.sleep", 1, 1)?;
    let secs = match &a.pos[0] {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        Value::BigInt(_) => return Err(ex::overflow_error("timestamp too large to convert to C _PyTime_t")),
        other => return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    };
    if secs.is_nan() {
        return Err(ex::value_error("Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(ex::value_error("sleep length must be non-negative"));
    }
    let d = Duration::try_from_secs_f64(secs)
        .map_err(|_| ex::overflow_error("timestamp too large to convert to C _PyTime_t"))?;
    crate::modules::blocking::blocking_call("time.sleep()", "'await asyncio.sleep(...)'", move || {
        crate::runtime::output::flush();
        let end = Instant::now().checked_add(d);
        // Woken early by an interrupt, or by a wake-up meant for someone else: sleep on.
        while !crate::interrupt::pending() {
            let left = end.map(|end| end.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                break;
            }
            crate::interrupt::sleep(left);
        }
        crate::interrupt::check()?;
        Ok(Value::None)
    })
}
