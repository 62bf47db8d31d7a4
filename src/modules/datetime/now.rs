//! The system clock and local time: `now`, `today`, `fromtimestamp`, naive `timestamp()`
//! and `astimezone()` with no argument, through the C library's `localtime_r`/`mktime`
//! (so `TZ` is honoured as CPython honours it).

use super::days::Ymd;
use super::delta::Delta;
use super::{new_object, Clock, Dt, Zone};
use crate::runtime::exceptions::{overflow_error, type_error, value_error};
use crate::value::Value;
use crate::vm::PyResult;
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds and microseconds since the Unix epoch, now.
pub fn unix_now() -> (i64, u32) {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    (d.as_secs() as i64, d.subsec_micros())
}

/// Today's local date and time.
pub fn local_now() -> PyResult<(Ymd, Clock)> {
    let (secs, us) = unix_now();
    let (d, mut c) = local_from_epoch(secs)?;
    c.us = us;
    Ok((d, c))
}

/// A timestamp argument as whole seconds and microseconds, rounded half to even as
/// CPython rounds it.
pub fn timestamp_arg(v: &Value) -> PyResult<(i64, u32)> {
    match v {
        Value::Float(f) => {
            if f.is_nan() {
                return Err(value_error("Invalid value NaN (not a number)"));
            }
            let (mut whole, frac) = (f.trunc(), f.fract());
            let mut us = crate::numeric::round_half_even(frac * 1e6);
            if us >= 1e6 {
                us -= 1e6;
                whole += 1.0;
            } else if us < 0.0 {
                us += 1e6;
                whole -= 1.0;
            }
            if whole.abs() > 1e14 {
                return Err(overflow_error("timestamp out of range for platform time_t"));
            }
            Ok((whole as i64, us as u32))
        }
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let s = super::int_value(v).map_err(|_| overflow_error("timestamp out of range for platform time_t"))?;
            Ok((s, 0))
        }
        other => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            crate::runtime::type_name(other)
        ))),
    }
}

/// `localtime_r` of a Unix time.
fn local_tm(secs: i64) -> PyResult<libc::tm> {
    let t: libc::time_t = secs;
    // SAFETY: an all-zero `tm` is a valid value (ints and a null zone pointer).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals; localtime_r writes only `tm`.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return Err(overflow_error("timestamp out of range for platform time_t"));
    }
    Ok(tm)
}

/// The local date and time (whole seconds) of a Unix time.
pub fn local_from_epoch(secs: i64) -> PyResult<(Ymd, Clock)> {
    let tm = local_tm(secs)?;
    let d = Ymd::new(tm.tm_year as i64 + 1900, tm.tm_mon as i64 + 1, tm.tm_mday as i64)?;
    let c = Clock { hour: tm.tm_hour as u8, minute: tm.tm_min as u8, second: tm.tm_sec.min(59) as u8, us: 0, fold: 0 };
    Ok((d, c))
}

/// The Unix time of a local date and time (`mktime`, the C library choosing DST).
pub fn local_to_epoch(d: &Ymd, c: &Clock) -> PyResult<i64> {
    // SAFETY: an all-zero `tm` is a valid value.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month as i32 - 1;
    tm.tm_mday = d.day as i32;
    tm.tm_hour = c.hour as i32;
    tm.tm_min = c.minute as i32;
    tm.tm_sec = c.second as i32;
    tm.tm_isdst = -1;
    // SAFETY: `tm` is a live local that mktime reads and normalises.
    let t = unsafe { libc::mktime(&mut tm) };
    if t == -1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31) {
        return Err(overflow_error("timestamp out of range for platform time_t"));
    }
    Ok(t as i64)
}

/// The local zone at a Unix time, as a `timezone` with its offset and abbreviation.
pub fn local_zone(secs: i64) -> PyResult<Value> {
    let tm = local_tm(secs)?;
    let name = if tm.tm_zone.is_null() {
        None
    } else {
        // SAFETY: a non-null tm_zone points to a NUL-terminated string the C library keeps.
        Some(unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }.to_string_lossy().into_owned())
    };
    let offset = Delta::from_us(tm.tm_gmtoff as i128 * 1_000_000)?;
    Ok(new_object(&super::classes().timezone, Dt::Zone(Zone { offset, name })))
}
