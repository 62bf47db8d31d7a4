//! `time`: a time of day with an optional tzinfo (the class is `datetime.time`; the
//! system clock is in `now.rs`).

use super::days::Ymd;
use super::delta::{new_delta, Delta};
use super::strftime::{format_arg, strftime, Moment};
use super::zone::{check_tzinfo, fixed_offset, format_offset, offset, tzname};
use super::{int_value, new_object, ordered, params, payload, property, Clock, Dt};
use crate::ast::CmpOp;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

fn this(a: &Args) -> PyResult<(Clock, Value)> {
    match a.pos.first().and_then(payload) {
        Some(Dt::Time(c, tz)) => Ok((c, tz)),
        _ => Err(type_error("descriptor requires a 'datetime.time' object")),
    }
}

/// A time of day from its argument values, checked as CPython checks them.
pub fn clock_from(h: &Value, m: &Value, s: &Value, us: &Value, fold: &Value) -> PyResult<Clock> {
    let (h, m, s, us, fold) = (int_value(h)?, int_value(m)?, int_value(s)?, int_value(us)?, int_value(fold)?);
    if !(0..24).contains(&h) {
        return Err(value_error("hour must be in 0..23"));
    }
    if !(0..60).contains(&m) {
        return Err(value_error("minute must be in 0..59"));
    }
    if !(0..60).contains(&s) {
        return Err(value_error("second must be in 0..59"));
    }
    if !(0..1_000_000).contains(&us) {
        return Err(value_error("microsecond must be in 0..999999"));
    }
    if !(0..=1).contains(&fold) {
        return Err(value_error("fold must be either 0 or 1"));
    }
    Ok(Clock { hour: h as u8, minute: m as u8, second: s as u8, us: us as u32, fold: fold as u8 })
}

fn construct(a: &Args) -> PyResult {
    let cls = super::cls_arg(a)?;
    let p = super::params_with(a, 1, "function", &["hour", "minute", "second", "microsecond", "tzinfo", "fold"], 0, 5)?;
    let zero = Value::Int(0);
    let get = |i: usize| p[i].clone().unwrap_or_else(|| zero.clone());
    let clock = clock_from(&get(0), &get(1), &get(2), &get(3), &get(5))?;
    let tz = p[4].clone().unwrap_or(Value::None);
    check_tzinfo(&tz)?;
    Ok(new_object(&cls, Dt::Time(clock, tz)))
}

/// `HH:MM:SS[.ffffff]` as `isoformat(timespec=...)` writes it.
pub fn iso_time(c: &Clock, timespec: &str) -> PyResult<String> {
    Ok(match timespec {
        "auto" if c.us != 0 => format!("{:02}:{:02}:{:02}.{:06}", c.hour, c.minute, c.second, c.us),
        "auto" | "seconds" => format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second),
        "hours" => format!("{:02}", c.hour),
        "minutes" => format!("{:02}:{:02}", c.hour, c.minute),
        "milliseconds" => format!("{:02}:{:02}:{:02}.{:03}", c.hour, c.minute, c.second, c.us / 1000),
        "microseconds" => format!("{:02}:{:02}:{:02}.{:06}", c.hour, c.minute, c.second, c.us),
        _ => return Err(value_error("Unknown timespec value")),
    })
}

/// The `timespec` argument of `isoformat`.
pub fn timespec_arg(v: &Option<Value>) -> PyResult<String> {
    match v {
        None => Ok("auto".into()),
        Some(Value::Str(s)) => Ok(s.s.as_str().to_string()),
        Some(other) => Err(type_error(format!(
            "isoformat() argument 'timespec' must be str, not {}",
            crate::runtime::type_name(other)
        ))),
    }
}

/// `head` (`datetime.time(9`) followed by the rest of a time's repr: the fields after the
/// hour, then the tzinfo (whose repr may be script code) and fold.
pub fn repr_tail(head: String, c: Clock, tz: Value) -> PyResult {
    let mut s = head
        + &if c.us != 0 {
            format!(", {}, {}, {}", c.minute, c.second, c.us)
        } else if c.second != 0 {
            format!(", {}, {}", c.minute, c.second)
        } else {
            format!(", {}", c.minute)
        };
    let fold = if c.fold != 0 { ", fold=1)" } else { ")" };
    if tz.is_none() {
        s += fold;
        return Ok(Value::str(s));
    }
    run_async(move |ctx| async move {
        let r = crate::runtime::protocol::repr(&ctx, &tz).await?;
        Ok(Value::str(format!("{}, tzinfo={}{}", s, r, fold)))
    })
}

fn time_repr(a: &Args) -> PyResult {
    let (c, tz) = this(a)?;
    repr_tail(format!("{}({}", super::repr_prefix(&a.pos[0]), c.hour), c, tz)
}

fn isoformat(a: &Args) -> PyResult {
    let (c, tz) = this(a)?;
    let p = params(a, 1, "isoformat()", &["timespec"], 0)?;
    let text = iso_time(&c, &timespec_arg(&p[0])?)?;
    with_offset(text, tz, Value::None)
}

/// `text` followed by the tzinfo's offset (`+05:00`) if it has one; `arg` is what the
/// tzinfo's `utcoffset` is called with.
pub fn with_offset(text: String, tz: Value, arg: Value) -> PyResult {
    if let Some(fixed) = fixed_offset(&tz) {
        return Ok(Value::str(match fixed {
            Some(off) => text + &format_offset(&off, ":"),
            None => text,
        }));
    }
    run_async(move |ctx| async move {
        Ok(Value::str(match offset(&ctx, &tz, &arg, "utcoffset").await? {
            Some(off) => text + &format_offset(&off, ":"),
            None => text,
        }))
    })
}

/// `strftime` for any date and time with a tzinfo: `%z`/`%Z` ask the tzinfo (called with
/// `arg`), which may be script code.
pub fn strftime_with_zone(fmt: String, ymd: Ymd, clock: Clock, tz: Value, arg: Value) -> PyResult {
    if !super::strftime::needs_zone(&fmt) || tz.is_none() {
        let m = Moment { ymd, clock, offset: None, zone_name: String::new() };
        return Ok(Value::str(strftime(&fmt, &m)));
    }
    run_async(move |ctx| async move {
        let off = offset(&ctx, &tz, &arg, "utcoffset").await?;
        let name = tzname(&ctx, &tz, &arg).await?;
        let zone_name = name.as_str().unwrap_or("").to_string();
        Ok(Value::str(strftime(&fmt, &Moment { ymd, clock, offset: off, zone_name })))
    })
}

/// Times compare as microseconds since midnight, less their offsets when aware.
fn compare(a: &Args, op: CmpOp) -> PyResult {
    let (x, tx) = this(a)?;
    let (y, ty) = match payload(&a.pos[1]) {
        Some(Dt::Time(c, tz)) => (c, tz),
        _ => return super::incomparable(&a.pos[0], &a.pos[1], op),
    };
    let key = move |c: &Clock, off: Option<Delta>| c.total_us() as i128 - off.map_or(0, |d| d.total_us());
    if tx.is(&ty) {
        return Ok(ordered(x.total_us().cmp(&y.total_us()), op));
    }
    run_async(move |ctx| async move {
        let ox = offset(&ctx, &tx, &Value::None, "utcoffset").await?;
        let oy = offset(&ctx, &ty, &Value::None, "utcoffset").await?;
        if ox.is_some() != oy.is_some() {
            return match op {
                CmpOp::Eq => Ok(Value::Bool(false)),
                CmpOp::NotEq => Ok(Value::Bool(true)),
                _ => Err(type_error("can't compare offset-naive and offset-aware times")),
            };
        }
        Ok(ordered(key(&x, ox).cmp(&key(&y, oy)), op))
    })
}

fn replace(a: &Args) -> PyResult {
    let (c, tz) = this(a)?;
    let p = params(a, 1, "replace()", &["hour", "minute", "second", "microsecond", "tzinfo", "fold"], 0)?;
    let old = [c.hour as i64, c.minute as i64, c.second as i64, c.us as i64, 0, c.fold as i64];
    let get = |i: usize| p[i].clone().unwrap_or(Value::Int(old[i]));
    let clock = clock_from(&get(0), &get(1), &get(2), &get(3), &get(5))?;
    let tz = p[4].clone().unwrap_or(tz);
    check_tzinfo(&tz)?;
    Ok(new_object(&super::class_of(&a.pos[0]), Dt::Time(clock, tz)))
}

/// One of `utcoffset`, `dst`, `tzname` of a time: asks the tzinfo with None.
fn ask_zone(a: &Args, what: &'static str) -> PyResult {
    let (_, tz) = this(a)?;
    run_async(move |ctx| async move {
        if what == "tzname" {
            return tzname(&ctx, &tz, &Value::None).await;
        }
        Ok(offset(&ctx, &tz, &Value::None, what).await?.map_or(Value::None, new_delta))
    })
}

pub fn make_class() -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "time", vec![types().object.clone()]);
    method(&class, "__new__", construct);
    property(&class, "hour", |a| Ok(Value::Int(this(a)?.0.hour as i64)));
    property(&class, "minute", |a| Ok(Value::Int(this(a)?.0.minute as i64)));
    property(&class, "second", |a| Ok(Value::Int(this(a)?.0.second as i64)));
    property(&class, "microsecond", |a| Ok(Value::Int(this(a)?.0.us as i64)));
    property(&class, "fold", |a| Ok(Value::Int(this(a)?.0.fold as i64)));
    property(&class, "tzinfo", |a| Ok(this(a)?.1));
    super::comparisons!(&class, compare);
    method(&class, "__hash__", |a| {
        let (c, tz) = this(a)?;
        run_async(move |ctx| async move {
            let off = offset(&ctx, &tz, &Value::None, "utcoffset").await?;
            let key = c.total_us() as i128 - off.map_or(0, |d| d.total_us());
            Ok(Value::Int(crate::numeric::hash_bigint(&num_bigint::BigInt::from(key))))
        })
    });
    method(&class, "__repr__", time_repr);
    method(&class, "__str__", |a| {
        let (c, tz) = this(a)?;
        with_offset(iso_time(&c, "auto")?, tz, Value::None)
    });
    method(&class, "isoformat", isoformat);
    method(&class, "strftime", |a| {
        let fmt = format_arg(a, "strftime")?.to_string();
        let (c, tz) = this(a)?;
        strftime_with_zone(fmt, Ymd { year: 1900, month: 1, day: 1 }, c, tz, Value::None)
    });
    method(&class, "__format__", super::strftime::format_with_strftime);
    method(&class, "replace", replace);
    method(&class, "utcoffset", |a| ask_zone(a, "utcoffset"));
    method(&class, "dst", |a| ask_zone(a, "dst"));
    method(&class, "tzname", |a| ask_zone(a, "tzname"));
    method(&class, "__reduce__", |a| {
        let (c, tz) = this(a)?;
        let mut args: Vec<Value> =
            [c.hour as i64, c.minute as i64, c.second as i64, c.us as i64].map(Value::Int).to_vec();
        args.push(tz);
        Ok(Value::tuple(vec![Value::Class(super::class_of(&a.pos[0])), Value::tuple(args)]))
    });
    super::class_method(&class, "fromisoformat", |a| {
        let text = super::isoparse::text_arg(a)?;
        let (clock, tz) = super::isoparse::parse_time(&text).ok_or_else(|| {
            value_error(format!("Invalid isoformat string: {}", crate::runtime::protocol::repr::str_repr(&text)))
        })??;
        Ok(new_object(&super::cls_arg(a)?, Dt::Time(clock, tz)))
    });
    super::finish_class(&class);
    class
}

pub fn add_constants(c: &super::Classes) {
    let max = Clock { hour: 23, minute: 59, second: 59, us: 999_999, fold: 0 };
    super::set_class_attr(&c.time, "min", new_object(&c.time, Dt::Time(Clock::default(), Value::None)));
    super::set_class_attr(&c.time, "max", new_object(&c.time, Dt::Time(max, Value::None)));
    super::set_class_attr(&c.time, "resolution", new_delta(Delta { days: 0, secs: 0, us: 1 }));
}
