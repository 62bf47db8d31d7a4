//! `date`: a day of the proleptic Gregorian calendar, and the methods `datetime` inherits.

use super::days::Ymd;
use super::delta::{as_delta, new_delta, Delta};
use super::strftime::{format_arg, strftime, Moment, DAY_NAMES, MONTH_NAMES};
use super::{int_value, new_object, ordered, other_operand, params, payload_ref, property, Clock, Dt};
use crate::ast::CmpOp;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::types;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

/// The date of a `date` or `datetime`.
pub fn date_of(v: &Value) -> Option<Ymd> {
    match *payload_ref(v)? {
        Dt::Date(d) | Dt::DateTime(d, ..) => Some(d),
        _ => None,
    }
}

/// The date of a plain `date` (not a datetime).
fn only_date(v: &Value) -> Option<Ymd> {
    match *payload_ref(v)? {
        Dt::Date(d) => Some(d),
        _ => None,
    }
}

fn this(a: &Args) -> PyResult<Ymd> {
    a.pos.first().and_then(date_of).ok_or_else(|| type_error("descriptor requires a 'datetime.date' object"))
}

pub fn new_date(class: &Rc<Class>, d: Ymd) -> Value {
    new_object(class, Dt::Date(d))
}

/// A date from the values of three arguments, checked.
pub fn ymd_from(year: &Value, month: &Value, day: &Value) -> PyResult<Ymd> {
    Ymd::new(int_value(year)?, int_value(month)?, int_value(day)?)
}

fn construct(a: &Args) -> PyResult {
    let cls = super::cls_arg(a)?;
    let p = params(a, 1, "function", &["year", "month", "day"], 3)?;
    let d =
        ymd_from(p[0].as_ref().expect("required"), p[1].as_ref().expect("required"), p[2].as_ref().expect("required"))?;
    Ok(new_date(&cls, d))
}

pub fn iso_date(d: &Ymd) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// `Thu Jul  4 09:05:07 2024`.
pub fn ctime(d: &Ymd, c: &Clock) -> String {
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {:04}",
        &DAY_NAMES[d.weekday() as usize][..3],
        &MONTH_NAMES[d.month as usize - 1][..3],
        d.day,
        c.hour,
        c.minute,
        c.second,
        d.year
    )
}

/// `d + days`, or CPython's OverflowError.
pub fn add_days(d: &Ymd, days: i64) -> PyResult<Ymd> {
    Ymd::checked_from_ordinal(d.ordinal() + days)
}

fn add(a: &Args) -> PyResult {
    let d = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(delta) => Ok(new_date(&super::class_of(&a.pos[0]), add_days(&d, delta.days)?)),
        None => other_operand("+", &a.pos[0], &a.pos[1]),
    }
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
    let d = this(a)?;
    let other = &a.pos[1];
    if let Some(delta) = as_delta(other) {
        return Ok(new_date(&super::class_of(&a.pos[0]), add_days(&d, -delta.days)?));
    }
    match only_date(other) {
        Some(o) => Ok(new_delta(Delta::from_us((d.ordinal() - o.ordinal()) as i128 * super::delta::US_PER_DAY)?)),
        None if date_of(other).is_some() => Err(super::unsupported("-", &a.pos[0], other)),
        None => other_operand("-", &a.pos[0], other),
    }
}

fn compare(a: &Args, op: CmpOp) -> PyResult {
    let d = this(a)?;
    match only_date(&a.pos[1]) {
        Some(o) => Ok(ordered(d.cmp(&o), op)),
        None => super::incomparable(&a.pos[0], &a.pos[1], op),
    }
}

/// `date.replace(year=, month=, day=)`: a date of the receiver's class.
fn replace(a: &Args) -> PyResult {
    let d = this(a)?;
    let p = params(a, 1, "replace()", &["year", "month", "day"], 0)?;
    let pick = |v: &Option<Value>, old: i64| v.as_ref().map(int_value).transpose().map(|n| n.unwrap_or(old));
    let d = Ymd::new(pick(&p[0], d.year as i64)?, pick(&p[1], d.month as i64)?, pick(&p[2], d.day as i64)?)?;
    Ok(new_date(&super::class_of(&a.pos[0]), d))
}

/// The `time.struct_time` fields of a date and time, as `timetuple()` gives them.
pub fn time_tuple(d: &Ymd, c: &Clock, dst: i64) -> Value {
    let fields = [
        d.year as i64,
        d.month as i64,
        d.day as i64,
        c.hour as i64,
        c.minute as i64,
        c.second as i64,
        d.weekday() as i64,
        d.day_of_year(),
        dst,
    ];
    super::record::struct_time(fields.iter().map(|&n| Value::Int(n)).collect())
}

pub fn make_class() -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "date", vec![types().object.clone()]);
    method(&class, "__new__", construct);
    property(&class, "year", |a| Ok(Value::Int(this(a)?.year as i64)));
    property(&class, "month", |a| Ok(Value::Int(this(a)?.month as i64)));
    property(&class, "day", |a| Ok(Value::Int(this(a)?.day as i64)));
    method(&class, "__add__", add);
    method(&class, "__radd__", radd);
    method(&class, "__sub__", sub);
    super::comparisons!(&class, compare);
    method(&class, "__hash__", |a| {
        let d = this(a)?;
        Ok(Value::Int(crate::numeric::hash_i64(d.ordinal() * 7 + 3)))
    });
    method(&class, "__repr__", |a| {
        let d = this(a)?;
        Ok(Value::str(format!("{}({}, {}, {})", super::repr_prefix(&a.pos[0]), d.year, d.month, d.day)))
    });
    method(&class, "__str__", |a| Ok(Value::str(iso_date(&this(a)?))));
    method(&class, "isoformat", |a| {
        crate::runtime::args::check_args(a, "isoformat", 1, 1)?;
        Ok(Value::str(iso_date(&this(a)?)))
    });
    method(&class, "ctime", |a| Ok(Value::str(ctime(&this(a)?, &Clock::default()))));
    method(&class, "strftime", |a| {
        let fmt = format_arg(a, "strftime")?;
        let m = Moment { ymd: this(a)?, clock: Clock::default(), offset: None, zone_name: String::new() };
        Ok(Value::str(strftime(fmt, &m)))
    });
    method(&class, "__format__", super::strftime::format_with_strftime);
    method(&class, "toordinal", |a| Ok(Value::Int(this(a)?.ordinal())));
    method(&class, "weekday", |a| Ok(Value::Int(this(a)?.weekday() as i64)));
    method(&class, "isoweekday", |a| Ok(Value::Int(this(a)?.weekday() as i64 + 1)));
    method(&class, "isocalendar", |a| {
        let (y, w, d) = this(a)?.iso_calendar();
        Ok(super::record::iso_calendar_date(vec![Value::Int(y), Value::Int(w), Value::Int(d)]))
    });
    method(&class, "timetuple", |a| Ok(time_tuple(&this(a)?, &Clock::default(), -1)));
    method(&class, "replace", replace);
    method(&class, "__reduce__", |a| {
        let d = this(a)?;
        let args = Value::tuple(vec![Value::Int(d.year as i64), Value::Int(d.month as i64), Value::Int(d.day as i64)]);
        Ok(Value::tuple(vec![Value::Class(super::class_of(&a.pos[0])), args]))
    });
    super::class_method(&class, "fromordinal", |a| {
        crate::runtime::args::check_args(a, "fromordinal", 2, 2)?;
        let n = int_value(&a.pos[1])?;
        super::check_ordinal(n)?;
        Ok(new_date(&super::cls_arg(a)?, Ymd::from_ordinal(n)))
    });
    super::class_method(&class, "fromisocalendar", |a| {
        let p = params(a, 1, "fromisocalendar()", &["year", "week", "day"], 3)?;
        let n = |i: usize| int_value(p[i].as_ref().expect("required"));
        Ok(new_date(&super::cls_arg(a)?, super::days::from_iso_calendar(n(0)?, n(1)?, n(2)?)?))
    });
    super::class_method(&class, "fromisoformat", |a| {
        let text = super::isoparse::text_arg(a)?;
        let d = super::isoparse::parse_date(&text).ok_or_else(|| {
            crate::runtime::exceptions::value_error(format!(
                "Invalid isoformat string: {}",
                crate::runtime::protocol::repr::str_repr(&text)
            ))
        })??;
        Ok(new_date(&super::cls_arg(a)?, d))
    });
    super::class_method(&class, "today", |a| {
        let (d, _) = super::now::local_now()?;
        Ok(new_date(&super::cls_arg(a)?, d))
    });
    super::class_method(&class, "fromtimestamp", |a| {
        crate::runtime::args::check_args(a, "fromtimestamp", 2, 2)?;
        let (secs, _) = super::now::timestamp_arg(&a.pos[1])?;
        let (d, _) = super::now::local_from_epoch(secs)?;
        Ok(new_date(&super::cls_arg(a)?, d))
    });
    super::finish_class(&class);
    class
}

pub fn add_constants(c: &super::Classes) {
    super::set_class_attr(&c.date, "min", new_date(&c.date, Ymd { year: 1, month: 1, day: 1 }));
    super::set_class_attr(&c.date, "max", new_date(&c.date, Ymd { year: 9999, month: 12, day: 31 }));
    super::set_class_attr(&c.date, "resolution", new_delta(Delta { days: 1, secs: 0, us: 0 }));
}
