//! `tzinfo`, the base class of time zones scripts subclass, and `timezone`, the fixed
//! offsets (`timezone.utc`). `offset` asks any tzinfo for a datetime's offset: a `timezone`
//! directly, a script subclass through its `utcoffset`/`dst` methods.

use super::delta::{as_delta, delta_repr, new_delta, Delta};
use super::{classes, new_object, payload, property, shown_type, Dt, Zone};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{raise, type_error, value_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

thread_local! {
    static UTC: Value = new_object(&classes().timezone, Dt::Zone(Zone { offset: Delta::default(), name: None }));
}

/// `timezone.utc`, one object as in CPython.
pub fn utc() -> Value {
    UTC.with(Value::clone)
}

/// The zone a `timezone` object holds.
pub fn as_zone(v: &Value) -> Option<Zone> {
    match payload(v) {
        Some(Dt::Zone(z)) => Some(z),
        _ => None,
    }
}

/// What a tzinfo gives without running script code: `Some(None)` for no tzinfo,
/// `Some(Some(offset))` for a `timezone`, `None` for a script tzinfo.
pub fn fixed_offset(tz: &Value) -> Option<Option<Delta>> {
    match tz {
        Value::None => Some(None),
        _ => as_zone(tz).map(|z| Some(z.offset)),
    }
}

/// Whether `v` may be a tzinfo argument (None or an instance of a tzinfo subclass).
pub fn check_tzinfo(v: &Value) -> PyResult<()> {
    match v {
        Value::None => Ok(()),
        Value::Instance(i) if i.class.is_subclass(&classes().tzinfo) => Ok(()),
        other => Err(type_error(format!(
            "tzinfo argument must be None or of a tzinfo subclass, not type '{}'",
            type_name(other)
        ))),
    }
}

const RANGE: &str = "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)";

fn in_range(d: &Delta) -> bool {
    d.total_us().abs() < super::delta::US_PER_DAY
}

/// `tz.utcoffset(arg)` (or `dst`, as `method` says), checked as CPython checks it.
pub async fn offset(ctx: &Ctx, tz: &Value, arg: &Value, method: &str) -> PyResult<Option<Delta>> {
    if let Some(fixed) = fixed_offset(tz) {
        return Ok(if method == "dst" { None } else { fixed });
    }
    let f = ctx.resolve(crate::vm::get_attr(tz, intern(method))).await?;
    let r = ctx.call(f, vec![arg.clone()]).await?;
    if r.is_none() {
        return Ok(None);
    }
    match as_delta(&r) {
        Some(d) if in_range(&d) => Ok(Some(d)),
        Some(_) => Err(value_error(format!("{}.", RANGE))),
        None => Err(type_error(format!("tzinfo.{}() must return None or timedelta, not '{}'", method, type_name(&r)))),
    }
}

/// `tz.tzname(arg)`: None or a str.
pub async fn tzname(ctx: &Ctx, tz: &Value, arg: &Value) -> PyResult<Value> {
    if tz.is_none() {
        return Ok(Value::None);
    }
    if let Some(z) = as_zone(tz) {
        return Ok(Value::str(zone_name(&z)));
    }
    let f = ctx.resolve(crate::vm::get_attr(tz, intern("tzname"))).await?;
    let r = ctx.call(f, vec![arg.clone()]).await?;
    match r {
        Value::None | Value::Str(_) => Ok(r),
        other => Err(type_error(format!("tzinfo.tzname() must return None or a string, not '{}'", type_name(&other)))),
    }
}

/// `+05:30`, `-00:00:01.000005`: an offset as isoformat and `%z` write it, fields joined
/// by `sep`; seconds and microseconds only when present.
pub fn format_offset(d: &Delta, sep: &str) -> String {
    let us = d.total_us();
    let sign = if us < 0 { '-' } else { '+' };
    let us = us.abs();
    let (secs, frac) = (us / 1_000_000, us % 1_000_000);
    let mut s = format!("{}{:02}{}{:02}", sign, secs / 3600, sep, secs / 60 % 60);
    if secs % 60 != 0 || frac != 0 {
        s += &format!("{}{:02}", sep, secs % 60);
        if frac != 0 {
            s += &format!(".{:06}", frac);
        }
    }
    s
}

/// A timezone's name: the one it was given, else `UTC` or `UTC+05:30`.
pub fn zone_name(z: &Zone) -> String {
    match &z.name {
        Some(n) => n.clone(),
        None if z.offset.is_zero() => "UTC".into(),
        None => format!("UTC{}", format_offset(&z.offset, ":")),
    }
}

fn this_zone(a: &Args) -> PyResult<Zone> {
    a.pos.first().and_then(as_zone).ok_or_else(|| type_error("descriptor requires a 'datetime.timezone' object"))
}

/// The argument of `utcoffset`/`dst`/`tzname` on a timezone: a datetime or None.
fn check_dt_arg(a: &Args, name: &str) -> PyResult<()> {
    crate::runtime::args::check_args(a, name, 2, 2)?;
    match &a.pos[1] {
        Value::None => Ok(()),
        v if matches!(payload(v), Some(Dt::DateTime(..))) => Ok(()),
        other => Err(type_error(format!(
            "{}(dt) argument must be a datetime instance or None, not {}",
            name,
            type_name(other)
        ))),
    }
}

pub fn make_tzinfo_class() -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "tzinfo", vec![types().object.clone()]);
    // tzinfo has no state: any arguments are for a subclass's __init__.
    method(&class, "__new__", |a| {
        let cls = super::cls_arg(a)?;
        Ok(Value::Instance(Rc::new(crate::object::instance::Instance::new(cls))))
    });
    method(&class, "utcoffset", |_| {
        Err(raise(ExcType::NotImplementedError, "a tzinfo subclass must implement utcoffset()"))
    });
    method(&class, "dst", |_| Err(raise(ExcType::NotImplementedError, "a tzinfo subclass must implement dst()")));
    method(&class, "tzname", |_| Err(raise(ExcType::NotImplementedError, "a tzinfo subclass must implement tzname()")));
    method(&class, "fromutc", from_utc);
    super::finish_class(&class);
    class
}

/// `tzinfo.fromutc(dt)`: the local time of a UTC time, from `utcoffset` and `dst`.
fn from_utc(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "fromutc", 2, 2)?;
    let (tz, dt) = (a.pos[0].clone(), a.pos[1].clone());
    let Some(Dt::DateTime(ymd, clock, dt_tz)) = payload(&dt) else {
        return Err(type_error("fromutc: argument must be a datetime"));
    };
    if !dt_tz.is(&tz) {
        return Err(value_error("fromutc: dt.tzinfo is not self"));
    }
    if let Some(z) = as_zone(&tz) {
        return super::date_time::shifted(&dt, ymd, clock, dt_tz, z.offset.total_us());
    }
    run_async(move |ctx| async move {
        let Some(off) = offset(&ctx, &tz, &dt, "utcoffset").await? else {
            return Err(value_error("fromutc: non-None utcoffset() result required"));
        };
        let Some(dst) = offset(&ctx, &tz, &dt, "dst").await? else {
            return Err(value_error("fromutc: non-None dst() result required"));
        };
        let delta = off.total_us() - dst.total_us();
        let moved = super::date_time::shifted(&dt, ymd, clock, dt_tz.clone(), delta)?;
        let dst = offset(&ctx, &tz, &moved, "dst")
            .await?
            .ok_or_else(|| value_error("fromutc: tz.dst() gave inconsistent results; cannot convert"))?;
        let Some(Dt::DateTime(ymd, clock, _)) = payload(&moved) else { return Ok(moved) };
        super::date_time::shifted(&moved, ymd, clock, dt_tz, dst.total_us())
    })
}

/// `timezone(offset, name=None)`.
fn construct(a: &Args) -> PyResult {
    let args = super::params(a, 1, "timezone()", &["offset", "name"], 1)?;
    let off = args[0].clone().unwrap_or(Value::None);
    let Some(offset) = as_delta(&off) else {
        return Err(type_error(format!("timezone() argument 1 must be datetime.timedelta, not {}", type_name(&off))));
    };
    let name = match &args[1] {
        None => None,
        Some(Value::Str(s)) => Some(s.s.as_str().to_string()),
        Some(other) => return Err(type_error(format!("timezone() argument 2 must be str, not {}", type_name(other)))),
    };
    if !in_range(&offset) {
        return Err(value_error(format!("{}, not {}.", RANGE, delta_repr("datetime.timedelta", &offset))));
    }
    let cls = super::cls_arg(a)?;
    if name.is_none() && offset.is_zero() && Rc::ptr_eq(&cls, &classes().timezone) {
        return Ok(utc());
    }
    Ok(new_object(&cls, Dt::Zone(Zone { offset, name })))
}

fn zone_repr(a: &Args) -> PyResult {
    let z = this_zone(a)?;
    let prefix = shown_type(&a.pos[0]);
    if a.pos[0].is(&utc()) {
        return Ok(Value::str("datetime.timezone.utc"));
    }
    let off = delta_repr("datetime.timedelta", &z.offset);
    Ok(Value::str(match &z.name {
        Some(n) => format!("{}({}, {})", prefix, off, crate::runtime::protocol::repr::str_repr(n)),
        None => format!("{}({})", prefix, off),
    }))
}

pub fn make_timezone_class(tzinfo: &Rc<Class>) -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "timezone", vec![tzinfo.clone()]);
    method(&class, "__new__", construct);
    method(&class, "utcoffset", |a| {
        check_dt_arg(a, "utcoffset")?;
        Ok(new_delta(this_zone(a)?.offset))
    });
    method(&class, "dst", |a| {
        check_dt_arg(a, "dst")?;
        this_zone(a)?;
        Ok(Value::None)
    });
    method(&class, "tzname", |a| {
        check_dt_arg(a, "tzname")?;
        Ok(Value::str(zone_name(&this_zone(a)?)))
    });
    method(&class, "__str__", |a| Ok(Value::str(zone_name(&this_zone(a)?))));
    method(&class, "__repr__", zone_repr);
    method(&class, "__eq__", |a| {
        let z = this_zone(a)?;
        Ok(match as_zone(&a.pos[1]) {
            Some(o) => Value::Bool(o.offset == z.offset),
            None => Value::NotImplemented,
        })
    });
    method(&class, "__hash__", |a| {
        let d = this_zone(a)?.offset;
        use crate::numeric::hash_i64;
        Ok(Value::Int(crate::object::hash::hash_tuple(&[hash_i64(d.days), hash_i64(d.secs), hash_i64(d.us)])))
    });
    method(&class, "__getinitargs__", |a| {
        let z = this_zone(a)?;
        let mut args = vec![new_delta(z.offset)];
        if let Some(n) = z.name {
            args.push(Value::str(n));
        }
        Ok(Value::tuple(args))
    });
    property(&class, "_offset", |a| Ok(new_delta(this_zone(a)?.offset)));
    super::finish_class(&class);
    class
}

pub fn add_constants(c: &super::Classes) {
    // 23:59 either way: days=-1, seconds=60 is -23:59.
    let limit = Delta { days: 0, secs: 86_340, us: 0 };
    let min = Delta { days: -1, secs: 60, us: 0 };
    super::set_class_attr(&c.timezone, "utc", utc());
    for (name, offset) in [("min", min), ("max", limit)] {
        super::set_class_attr(&c.timezone, name, new_object(&c.timezone, Dt::Zone(Zone { offset, name: None })));
    }
}
