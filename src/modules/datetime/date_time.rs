//! `datetime`: a date and a time of day with an optional tzinfo; a subclass of `date`.
//! Naive values and fixed-offset zones take the direct paths; a script tzinfo is asked
//! through `zone::offset`.

use super::date::{ctime, date_of, iso_date, new_date, time_tuple, ymd_from};
use super::days::Ymd;
use super::delta::{as_delta, new_delta, Delta, US_PER_DAY};
use super::strftime::format_arg;
use super::time::{clock_from, iso_time, repr_tail, strftime_with_zone, timespec_arg, with_offset};
use super::zone::{check_tzinfo, fixed_offset, offset, tzname};
use super::{classes, int_value, new_object, ordered, params, payload, payload_ref, property, Clock, Dt};
use crate::ast::CmpOp;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{overflow_error, type_error, value_error};
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

fn this(a: &Args) -> PyResult<(Ymd, Clock, Value)> {
    a.pos.first().and_then(datetime_of).ok_or_else(|| type_error("descriptor requires a 'datetime.datetime' object"))
}

/// The date, time and tzinfo of a datetime.
fn datetime_of(v: &Value) -> Option<(Ymd, Clock, Value)> {
    match &*payload_ref(v)? {
        Dt::DateTime(d, c, tz) => Some((*d, *c, tz.clone())),
        _ => None,
    }
}

pub fn new_datetime(class: &Rc<Class>, d: Ymd, c: Clock, tz: Value) -> Value {
    new_object(class, Dt::DateTime(d, c, tz))
}

/// Microseconds since 0001-01-01 00:00 less one day (day 1 is the first ordinal).
pub fn local_us(d: &Ymd, c: &Clock) -> i128 {
    d.ordinal() as i128 * US_PER_DAY + c.total_us() as i128
}

/// The date and time `us` microseconds (as `local_us` counts them) stand for.
pub fn from_local_us(us: i128) -> PyResult<(Ymd, Clock)> {
    // Every date's microseconds fit in i64, whose division is cheaper.
    let Ok(us) = i64::try_from(us) else { return Err(overflow_error("date value out of range")) };
    const DAY: i64 = US_PER_DAY as i64;
    let (day, rest) = (us.div_euclid(DAY), us.rem_euclid(DAY));
    if !(1..=super::days::MAX_ORDINAL).contains(&day) {
        return Err(overflow_error("date value out of range"));
    }
    let secs = rest / 1_000_000;
    let clock = Clock {
        hour: (secs / 3600) as u8,
        minute: (secs / 60 % 60) as u8,
        second: (secs % 60) as u8,
        us: (rest % 1_000_000) as u32,
        fold: 0,
    };
    Ok((Ymd::from_ordinal(day), clock))
}

/// A datetime of `like`'s class, `delta_us` later than `d c`, with tzinfo `tz`.
pub fn shifted(like: &Value, d: Ymd, c: Clock, tz: Value, delta_us: i128) -> PyResult {
    let (d, c) = from_local_us(local_us(&d, &c) + delta_us)?;
    Ok(new_datetime(&super::class_of(like), d, c, tz))
}

fn construct(a: &Args) -> PyResult {
    let cls = super::cls_arg(a)?;
    let names = ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"];
    let p = super::params_with(a, 1, "function", &names, 3, 8)?;
    let zero = Value::Int(0);
    let get = |i: usize| p[i].clone().unwrap_or_else(|| zero.clone());
    let d = ymd_from(&get(0), &get(1), &get(2))?;
    let c = clock_from(&get(3), &get(4), &get(5), &get(6), &get(8))?;
    let tz = p[7].clone().unwrap_or(Value::None);
    check_tzinfo(&tz)?;
    Ok(new_datetime(&cls, d, c, tz))
}

fn add(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(delta) => shifted(&a.pos[0], d, c, tz, delta.total_us()),
        None => super::other_operand("+", &a.pos[0], &a.pos[1]),
    }
}

/// The offsets of two tzinfos for their datetimes, asked only when they differ.
async fn offsets(ctx: &Ctx, x: (&Value, &Value), y: (&Value, &Value)) -> PyResult<(Option<Delta>, Option<Delta>)> {
    Ok((offset(ctx, x.0, x.1, "utcoffset").await?, offset(ctx, y.0, y.1, "utcoffset").await?))
}

/// `delta + date`.
fn radd(a: &Args) -> PyResult {
    if as_delta(&a.pos[1]).is_some() {
        add(a)
    } else {
        super::reflected_operand("+", &a.pos[0], &a.pos[1])
    }
}

fn sub(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let other = a.pos[1].clone();
    if let Some(delta) = as_delta(&other) {
        return shifted(&a.pos[0], d, c, tz, -delta.total_us());
    }
    let Some((od, oc, otz)) = datetime_of(&other) else {
        if date_of(&other).is_some() {
            return Err(super::unsupported("-", &a.pos[0], &other));
        }
        return super::other_operand("-", &a.pos[0], &other);
    };
    let diff = local_us(&d, &c) - local_us(&od, &oc);
    if tz.is(&otz) {
        return Ok(new_delta(Delta::from_us(diff)?));
    }
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        match offsets(&ctx, (&tz, &me), (&otz, &other)).await? {
            (None, None) => Ok(new_delta(Delta::from_us(diff)?)),
            (Some(x), Some(y)) => Ok(new_delta(Delta::from_us(diff - x.total_us() + y.total_us())?)),
            _ => Err(type_error("can't subtract offset-naive and offset-aware datetimes")),
        }
    })
}

fn rsub(a: &Args) -> PyResult {
    if date_of(&a.pos[1]).is_some() {
        return Err(super::unsupported("-", &a.pos[1], &a.pos[0]));
    }
    Ok(Value::NotImplemented)
}

fn compare(a: &Args, op: CmpOp) -> PyResult {
    let (d, c, tz) = this(a)?;
    let other = a.pos[1].clone();
    let Some((od, oc, otz)) = datetime_of(&other) else {
        if date_of(&other).is_some() {
            return match op {
                CmpOp::Eq => Ok(Value::Bool(false)),
                CmpOp::NotEq => Ok(Value::Bool(true)),
                _ => Err(type_error(format!(
                    "can't compare {} to {}",
                    super::shown_type(&a.pos[0]),
                    super::shown_type(&other)
                ))),
            };
        }
        return super::incomparable(&a.pos[0], &other, op);
    };
    let (x, y) = (local_us(&d, &c), local_us(&od, &oc));
    if tz.is(&otz) {
        return Ok(ordered(x.cmp(&y), op));
    }
    if let (Some(ox), Some(oy)) = (fixed_offset(&tz), fixed_offset(&otz)) {
        return aware_order(x, y, ox, oy, op);
    }
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        let (ox, oy) = offsets(&ctx, (&tz, &me), (&otz, &other)).await?;
        aware_order(x, y, ox, oy, op)
    })
}

fn aware_order(x: i128, y: i128, ox: Option<Delta>, oy: Option<Delta>, op: CmpOp) -> PyResult {
    match (ox, oy) {
        (None, None) => Ok(ordered(x.cmp(&y), op)),
        (Some(ox), Some(oy)) => Ok(ordered((x - ox.total_us()).cmp(&(y - oy.total_us())), op)),
        _ => match op {
            CmpOp::Eq => Ok(Value::Bool(false)),
            CmpOp::NotEq => Ok(Value::Bool(true)),
            _ => Err(type_error("can't compare offset-naive and offset-aware datetimes")),
        },
    }
}

fn hash_of(us: i128) -> Value {
    Value::Int(crate::numeric::hash_bigint(&num_bigint::BigInt::from(us)))
}

fn hash(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let us = local_us(&d, &c);
    if let Some(fixed) = fixed_offset(&tz) {
        return Ok(hash_of(us - fixed.map_or(0, |o| o.total_us())));
    }
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        let off = offset(&ctx, &tz, &me, "utcoffset").await?;
        Ok(hash_of(us - off.map_or(0, |o| o.total_us())))
    })
}

fn isoformat(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let p = params(a, 1, "isoformat()", &["sep", "timespec"], 0)?;
    let sep = match &p[0] {
        None => "T".to_string(),
        Some(Value::Str(s)) if s.s.as_str().chars().count() == 1 => s.s.as_str().to_string(),
        Some(Value::Str(s)) => {
            return Err(type_error(format!(
                "isoformat() argument 1 must be a unicode character, not a string of length {}",
                s.s.as_str().chars().count()
            )))
        }
        Some(other) => {
            return Err(type_error(format!(
                "isoformat() argument 1 must be a unicode character, not {}",
                crate::runtime::type_name(other)
            )))
        }
    };
    let text = format!("{}{}{}", iso_date(&d), sep, iso_time(&c, &timespec_arg(&p[1])?)?);
    with_offset(text, tz, a.pos[0].clone())
}

fn replace(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let names = ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"];
    let p = params(a, 1, "replace()", &names, 0)?;
    let old =
        [d.year as i64, d.month as i64, d.day as i64, c.hour as i64, c.minute as i64, c.second as i64, c.us as i64];
    let get = |i: usize| p[i].clone().unwrap_or(Value::Int(old[i]));
    let d = ymd_from(&get(0), &get(1), &get(2))?;
    let fold = p[8].clone().unwrap_or(Value::Int(c.fold as i64));
    let c = clock_from(&get(3), &get(4), &get(5), &get(6), &fold)?;
    let tz = p[7].clone().unwrap_or(tz);
    check_tzinfo(&tz)?;
    Ok(new_datetime(&super::class_of(&a.pos[0]), d, c, tz))
}

/// One of `utcoffset`, `dst`, `tzname`: asks the tzinfo with the datetime.
fn ask_zone(a: &Args, what: &'static str) -> PyResult {
    let (_, _, tz) = this(a)?;
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        if what == "tzname" {
            return tzname(&ctx, &tz, &me).await;
        }
        Ok(offset(&ctx, &tz, &me, what).await?.map_or(Value::None, new_delta))
    })
}

/// `datetime.combine(date, time, tzinfo=time.tzinfo)`.
fn combine(a: &Args) -> PyResult {
    let p = params(a, 1, "combine()", &["date", "time", "tzinfo"], 2)?;
    let (dv, tv) = (p[0].clone().expect("required"), p[1].clone().expect("required"));
    let Some(d) = date_of(&dv) else {
        return Err(type_error(format!(
            "combine() argument 1 must be datetime.date, not {}",
            crate::runtime::type_name(&dv)
        )));
    };
    let Some(Dt::Time(c, ttz)) = payload(&tv) else {
        return Err(type_error(format!(
            "combine() argument 2 must be datetime.time, not {}",
            crate::runtime::type_name(&tv)
        )));
    };
    let tz = p[2].clone().unwrap_or(ttz);
    check_tzinfo(&tz)?;
    Ok(new_datetime(&super::cls_arg(a)?, d, c, tz))
}

/// The datetime in `tz` of the UTC time `utc_us` (as `local_us` counts), via `tz.fromutc`.
pub async fn from_utc(ctx: &Ctx, cls: &Rc<Class>, utc_us: i128, fold: u8, tz: Value) -> PyResult {
    let (d, mut c) = from_local_us(utc_us)?;
    c.fold = fold;
    if let Some(fixed) = fixed_offset(&tz) {
        let (d, c) = from_local_us(utc_us + fixed.map_or(0, |o| o.total_us()))?;
        return Ok(new_datetime(cls, d, c, tz));
    }
    let utc = new_datetime(cls, d, c, tz.clone());
    let f = ctx.resolve(crate::vm::get_attr(&tz, intern("fromutc"))).await?;
    ctx.call(f, vec![utc]).await
}

/// Microseconds since the epoch of the Unix clock, as `local_us` counts them.
pub const EPOCH_US: i128 = 719_163 * US_PER_DAY;

/// The UTC instant of a datetime, as `local_us` counts: naive ones are local time.
async fn utc_us(ctx: &Ctx, me: &Value, d: Ymd, c: Clock, tz: &Value) -> PyResult<i128> {
    match offset(ctx, tz, me, "utcoffset").await? {
        Some(off) => Ok(local_us(&d, &c) - off.total_us()),
        None if tz.is_none() => {
            let secs = super::now::local_to_epoch(&d, &c)?;
            Ok(EPOCH_US + secs as i128 * 1_000_000 + c.us as i128)
        }
        None => Ok(local_us(&d, &c)),
    }
}

fn astimezone(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let p = params(a, 1, "astimezone()", &["tz"], 0)?;
    let target = p[0].clone().unwrap_or(Value::None);
    check_tzinfo(&target)?;
    let me = a.pos[0].clone();
    let cls = super::class_of(&me);
    run_async(move |ctx| async move {
        let utc = utc_us(&ctx, &me, d, c, &tz).await?;
        let target = if target.is_none() {
            super::now::local_zone(((utc - EPOCH_US).div_euclid(1_000_000)) as i64)?
        } else {
            target
        };
        if target.is(&tz) {
            return Ok(me);
        }
        from_utc(&ctx, &cls, utc, 0, target).await
    })
}

fn timestamp(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        let us = utc_us(&ctx, &me, d, c, &tz).await? - EPOCH_US;
        let secs = crate::numeric::true_div_bigint(&num_bigint::BigInt::from(us), &num_bigint::BigInt::from(1_000_000));
        Ok(Value::Float(secs.unwrap_or(0.0)))
    })
}

fn timetuple(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        let dst = match offset(&ctx, &tz, &me, "dst").await? {
            None => -1,
            Some(d) => (!d.is_zero()) as i64,
        };
        Ok(time_tuple(&d, &c, dst))
    })
}

fn utctimetuple(a: &Args) -> PyResult {
    let (d, c, tz) = this(a)?;
    let me = a.pos[0].clone();
    run_async(move |ctx| async move {
        let (d, c) = match offset(&ctx, &tz, &me, "utcoffset").await? {
            Some(off) => from_local_us(local_us(&d, &c) - off.total_us())?,
            None => (d, c),
        };
        Ok(time_tuple(&d, &c, 0))
    })
}

/// `now`, `utcnow`, `fromtimestamp`, `utcfromtimestamp`: the datetime of a Unix time.
fn from_epoch(cls: Rc<Class>, secs: i64, us: u32, tz: Value, utc: bool) -> PyResult {
    check_tzinfo(&tz)?;
    let instant = EPOCH_US + secs as i128 * 1_000_000 + us as i128;
    if utc {
        let (d, c) = from_local_us(instant)?;
        return Ok(new_datetime(&cls, d, c, Value::None));
    }
    if tz.is_none() {
        let (d, mut c) = super::now::local_from_epoch(secs)?;
        c.us = us;
        return Ok(new_datetime(&cls, d, c, Value::None));
    }
    run_async(move |ctx| async move { from_utc(&ctx, &cls, instant, 0, tz).await })
}

pub fn make_class(date: &Rc<Class>) -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "datetime", vec![date.clone()]);
    method(&class, "__new__", construct);
    property(&class, "hour", |a| Ok(Value::Int(this(a)?.1.hour as i64)));
    property(&class, "minute", |a| Ok(Value::Int(this(a)?.1.minute as i64)));
    property(&class, "second", |a| Ok(Value::Int(this(a)?.1.second as i64)));
    property(&class, "microsecond", |a| Ok(Value::Int(this(a)?.1.us as i64)));
    property(&class, "fold", |a| Ok(Value::Int(this(a)?.1.fold as i64)));
    property(&class, "tzinfo", |a| Ok(this(a)?.2));
    method(&class, "__add__", add);
    method(&class, "__radd__", radd);
    method(&class, "__sub__", sub);
    method(&class, "__rsub__", rsub);
    super::comparisons!(&class, compare);
    method(&class, "__hash__", hash);
    method(&class, "__repr__", |a| {
        let (d, c, tz) = this(a)?;
        let head = format!("{}({}, {}, {}, {}", super::repr_prefix(&a.pos[0]), d.year, d.month, d.day, c.hour);
        repr_tail(head, c, tz)
    });
    method(&class, "__str__", |a| {
        let (d, c, tz) = this(a)?;
        with_offset(format!("{} {}", iso_date(&d), iso_time(&c, "auto")?), tz, a.pos[0].clone())
    });
    method(&class, "isoformat", isoformat);
    method(&class, "ctime", |a| {
        let (d, c, _) = this(a)?;
        Ok(Value::str(ctime(&d, &c)))
    });
    method(&class, "strftime", |a| {
        let fmt = format_arg(a, "strftime")?.to_string();
        let (d, c, tz) = this(a)?;
        strftime_with_zone(fmt, d, c, tz, a.pos[0].clone())
    });
    method(&class, "date", |a| Ok(new_date(&classes().date, this(a)?.0)));
    method(&class, "time", |a| Ok(new_object(&classes().time, Dt::Time(this(a)?.1, Value::None))));
    method(&class, "timetz", |a| {
        let (_, c, tz) = this(a)?;
        Ok(new_object(&classes().time, Dt::Time(c, tz)))
    });
    method(&class, "replace", replace);
    method(&class, "astimezone", astimezone);
    method(&class, "timestamp", timestamp);
    method(&class, "timetuple", timetuple);
    method(&class, "utctimetuple", utctimetuple);
    method(&class, "utcoffset", |a| ask_zone(a, "utcoffset"));
    method(&class, "dst", |a| ask_zone(a, "dst"));
    method(&class, "tzname", |a| ask_zone(a, "tzname"));
    method(&class, "__reduce__", |a| {
        let (d, c, tz) = this(a)?;
        let fields =
            [d.year as i64, d.month as i64, d.day as i64, c.hour as i64, c.minute as i64, c.second as i64, c.us as i64];
        let mut args: Vec<Value> = fields.map(Value::Int).to_vec();
        args.push(tz);
        Ok(Value::tuple(vec![Value::Class(super::class_of(&a.pos[0])), Value::tuple(args)]))
    });
    super::class_method(&class, "combine", combine);
    super::class_method(&class, "now", |a| {
        let p = params(a, 1, "now()", &["tz"], 0)?;
        let (secs, us) = super::now::unix_now();
        from_epoch(super::cls_arg(a)?, secs, us, p[0].clone().unwrap_or(Value::None), false)
    });
    super::class_method(&class, "today", |a| {
        let (secs, us) = super::now::unix_now();
        from_epoch(super::cls_arg(a)?, secs, us, Value::None, false)
    });
    super::class_method(&class, "utcnow", |a| {
        let (secs, us) = super::now::unix_now();
        from_epoch(super::cls_arg(a)?, secs, us, Value::None, true)
    });
    super::class_method(&class, "fromtimestamp", |a| {
        let p = params(a, 1, "fromtimestamp()", &["timestamp", "tz"], 1)?;
        let (secs, us) = super::now::timestamp_arg(p[0].as_ref().expect("required"))?;
        from_epoch(super::cls_arg(a)?, secs, us, p[1].clone().unwrap_or(Value::None), false)
    });
    super::class_method(&class, "utcfromtimestamp", |a| {
        crate::runtime::args::check_args(a, "utcfromtimestamp", 2, 2)?;
        let (secs, us) = super::now::timestamp_arg(&a.pos[1])?;
        from_epoch(super::cls_arg(a)?, secs, us, Value::None, true)
    });
    super::class_method(&class, "fromordinal", |a| {
        crate::runtime::args::check_args(a, "fromordinal", 2, 2)?;
        let n = int_value(&a.pos[1])?;
        super::check_ordinal(n)?;
        Ok(new_datetime(&super::cls_arg(a)?, Ymd::from_ordinal(n), Clock::default(), Value::None))
    });
    super::class_method(&class, "fromisocalendar", |a| {
        let p = params(a, 1, "fromisocalendar()", &["year", "week", "day"], 3)?;
        let n = |i: usize| int_value(p[i].as_ref().expect("required"));
        let d = super::days::from_iso_calendar(n(0)?, n(1)?, n(2)?)?;
        Ok(new_datetime(&super::cls_arg(a)?, d, Clock::default(), Value::None))
    });
    super::class_method(&class, "fromisoformat", |a| {
        let text = super::isoparse::text_arg(a)?;
        let (d, c, tz) = super::isoparse::parse_datetime(&text).ok_or_else(|| {
            value_error(format!("Invalid isoformat string: {}", crate::runtime::protocol::repr::str_repr(&text)))
        })??;
        Ok(new_datetime(&super::cls_arg(a)?, d, c, tz))
    });
    super::class_method(&class, "strptime", |a| {
        crate::runtime::args::check_args(a, "strptime", 3, 3)?;
        let (d, c, tz) = super::strptime::parse(&a.pos[1], &a.pos[2])?;
        Ok(new_datetime(&super::cls_arg(a)?, d, c, tz))
    });
    super::finish_class(&class);
    class
}

pub fn add_constants(c: &super::Classes) {
    let (first, last) = (Ymd { year: 1, month: 1, day: 1 }, Ymd { year: 9999, month: 12, day: 31 });
    let max = Clock { hour: 23, minute: 59, second: 59, us: 999_999, fold: 0 };
    super::set_class_attr(&c.datetime, "min", new_datetime(&c.datetime, first, Clock::default(), Value::None));
    super::set_class_attr(&c.datetime, "max", new_datetime(&c.datetime, last, max, Value::None));
    super::set_class_attr(&c.datetime, "resolution", new_delta(Delta { days: 0, secs: 0, us: 1 }));
}
