//! `timedelta`: a duration kept as days, seconds (0..86400) and microseconds (0..10**6),
//! as CPython normalises it, with its arithmetic and its str/repr.

use super::{
    classes, int_value, new_object, ordered, other_operand, params, payload, payload_ref, property, shown_type, Dt,
};
use crate::ast::CmpOp;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{overflow_error, type_error, zero_division};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Delta {
    pub days: i64,
    pub secs: i64,
    pub us: i64,
}

pub const US_PER_DAY: i128 = 86_400_000_000;
const MAX_DAYS: i64 = 999_999_999;

impl Delta {
    pub fn total_us(&self) -> i128 {
        self.days as i128 * US_PER_DAY + self.secs as i128 * 1_000_000 + self.us as i128
    }

    /// The delta of `us` microseconds, or CPython's OverflowError.
    pub fn from_us(us: i128) -> PyResult<Delta> {
        // The common case fits in i64, whose division is several times cheaper.
        if let Ok(small) = i64::try_from(us) {
            const DAY: i64 = US_PER_DAY as i64;
            let days = small.div_euclid(DAY);
            if days.abs() <= MAX_DAYS {
                let rest = small.rem_euclid(DAY);
                return Ok(Delta { days, secs: rest / 1_000_000, us: rest % 1_000_000 });
            }
        }
        let days = us.div_euclid(US_PER_DAY);
        let rest = us.rem_euclid(US_PER_DAY) as i64;
        if days.abs() > i32::MAX as i128 {
            return Err(overflow_error("Python int too large to convert to C int"));
        }
        if days.abs() > MAX_DAYS as i128 {
            return Err(overflow_error(format!("days={}; must have magnitude <= {}", days, MAX_DAYS)));
        }
        Ok(Delta { days: days as i64, secs: rest / 1_000_000, us: rest % 1_000_000 })
    }

    pub fn is_zero(&self) -> bool {
        *self == Delta::default()
    }
}

/// The delta in a value, if it is a timedelta.
pub fn as_delta(v: &Value) -> Option<Delta> {
    match *payload_ref(v)? {
        Dt::Delta(d) => Some(d),
        _ => None,
    }
}

pub fn new_delta(d: Delta) -> Value {
    new_object(&classes().timedelta, Dt::Delta(d))
}

fn this(a: &Args) -> PyResult<Delta> {
    a.pos.first().and_then(as_delta).ok_or_else(|| type_error("descriptor requires a 'datetime.timedelta' object"))
}

/// Adds `value` units of `factor` microseconds to the exact sum `whole`, keeping the
/// fraction of a microsecond a float leaves in `leftover` (CPython's accumulation, so
/// results round as CPython's do).
fn accumulate(whole: &mut i128, leftover: &mut f64, value: &Value, factor: i64, unit: &str) -> PyResult<()> {
    match value {
        Value::Int(_) | Value::Bool(_) => {
            *whole += int_value(value)? as i128 * factor as i128;
        }
        Value::BigInt(b) => {
            let v = (&**b * BigInt::from(factor))
                .to_i128()
                .ok_or_else(|| overflow_error("Python int too large to convert to C int"))?;
            *whole += v;
        }
        Value::Float(f) => {
            let (int_part, frac) = (f.trunc(), f.fract());
            if !f.is_finite() || int_part.abs() > 1e30 {
                return Err(overflow_error(if f.is_nan() {
                    "cannot convert float NaN to integer"
                } else {
                    "Python int too large to convert to C int"
                }));
            }
            *whole += int_part as i128 * factor as i128;
            if frac != 0.0 {
                let scaled = factor as f64 * frac;
                let (scaled_int, scaled_frac) = (scaled.trunc(), scaled.fract());
                *whole += scaled_int as i128;
                *leftover += scaled_frac;
            }
        }
        other => {
            return Err(type_error(format!("unsupported type for timedelta {} component: {}", unit, type_name(other))))
        }
    }
    Ok(())
}

fn construct(a: &Args) -> PyResult {
    let cls = super::cls_arg(a)?;
    let names = ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"];
    let args = params(a, 1, "__new__()", &names, 0)?;
    let factors = [US_PER_DAY as i64, 1_000_000, 1, 1_000, 60_000_000, 3_600_000_000, 7 * US_PER_DAY as i64];
    let (mut whole, mut leftover) = (0i128, 0f64);
    for ((v, factor), unit) in args.iter().zip(factors).zip(names) {
        if let Some(v) = v {
            accumulate(&mut whole, &mut leftover, v, factor, unit)?;
        }
    }
    if leftover != 0.0 {
        let mut rounded = leftover.round();
        if (rounded - leftover).abs() == 0.5 {
            // Exactly half way: round half to even, counting the parity of the whole part.
            let odd = (whole & 1) as f64;
            rounded = 2.0 * ((leftover + odd) * 0.5).round() - odd;
        }
        whole += rounded as i128;
    }
    Ok(new_object(&cls, Dt::Delta(Delta::from_us(whole)?)))
}

/// `n / d` rounded half to even.
pub fn div_round_even(n: i128, d: i128) -> i128 {
    let q = floor_div(n, d);
    // The remainder has d's sign, so n / d lies in [q, q + 1).
    let twice = 2 * (n - q * d).abs();
    if twice > d.abs() || (twice == d.abs() && q.rem_euclid(2) == 1) {
        q + 1
    } else {
        q
    }
}

/// `us * f`, rounded half to even as CPython multiplies by a float's exact ratio.
fn scale_by_float(us: i128, f: f64) -> PyResult<Delta> {
    check_ratio(f)?;
    let (num, den) = float_ratio(f);
    let product = BigInt::from(us) * num;
    Delta::from_us(round_ratio(&product, &den)?)
}

/// CPython's errors for a float with no integer ratio (`float.as_integer_ratio`).
fn check_ratio(f: f64) -> PyResult<()> {
    if f.is_nan() {
        return Err(crate::runtime::exceptions::value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(overflow_error("cannot convert Infinity to integer ratio"));
    }
    Ok(())
}

/// A float's exact value as numerator and (positive) denominator.
pub fn float_ratio(f: f64) -> (BigInt, BigInt) {
    let bits = f.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = if exp == 0 { (bits & ((1 << 52) - 1)) << 1 } else { (bits & ((1 << 52) - 1)) | (1 << 52) };
    let e = exp - 1075;
    let m = BigInt::from(mantissa) * sign;
    if e >= 0 {
        (m << e as usize, BigInt::from(1))
    } else {
        (m, BigInt::from(1) << (-e) as usize)
    }
}

/// `n / d` (d > 0) rounded half to even, as microseconds.
fn round_ratio(n: &BigInt, d: &BigInt) -> PyResult<i128> {
    use num_integer::Integer;
    let (q, r) = n.div_mod_floor(d);
    let twice: BigInt = r * 2;
    let q = if &twice > d || (&twice == d && q.is_odd()) { q + 1 } else { q };
    q.to_i128().ok_or_else(|| overflow_error("Python int too large to convert to C int"))
}

fn add(a: &Args) -> PyResult {
    let x = this(a)?;
    let other = &a.pos[1];
    match payload(other) {
        Some(Dt::Delta(y)) => Ok(new_delta(Delta::from_us(x.total_us() + y.total_us())?)),
        // date + delta and datetime + delta are the date's own methods.
        Some(Dt::Date(_) | Dt::DateTime(..)) => Ok(Value::NotImplemented),
        Some(_) => Err(super::unsupported("+", &a.pos[0], other)),
        _ => other_operand("+", &a.pos[0], other),
    }
}

/// `x + delta` where `x` has no `__add__` for it: a delta, a date, or CPython's TypeError.
fn radd(a: &Args) -> PyResult {
    match payload(&a.pos[1]) {
        Some(Dt::Delta(_) | Dt::Date(_) | Dt::DateTime(..)) => add(a),
        Some(_) => Err(super::unsupported("+", &a.pos[1], &a.pos[0])),
        None => super::reflected_operand("+", &a.pos[0], &a.pos[1]),
    }
}

fn sub(a: &Args) -> PyResult {
    let x = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(y) => Ok(new_delta(Delta::from_us(x.total_us() - y.total_us())?)),
        None => other_operand("-", &a.pos[0], &a.pos[1]),
    }
}

fn rsub(a: &Args) -> PyResult {
    let x = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(y) => Ok(new_delta(Delta::from_us(y.total_us() - x.total_us())?)),
        None => super::reflected_operand("-", &a.pos[0], &a.pos[1]),
    }
}

fn mul(a: &Args) -> PyResult {
    let x = this(a)?;
    let other = &a.pos[1];
    match other {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = match other {
                Value::BigInt(b) => {
                    b.to_i128().ok_or_else(|| overflow_error("Python int too large to convert to C int"))?
                }
                v => int_value(v)? as i128,
            };
            let product = x
                .total_us()
                .checked_mul(n)
                .ok_or_else(|| overflow_error("Python int too large to convert to C int"))?;
            Ok(new_delta(Delta::from_us(product)?))
        }
        Value::Float(f) => Ok(new_delta(scale_by_float(x.total_us(), *f)?)),
        Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_) => {
            Err(type_error(format!("can't multiply sequence by non-int of type '{}'", shown_type(&a.pos[0]))))
        }
        _ => other_operand("*", &a.pos[0], other),
    }
}

fn truediv(a: &Args) -> PyResult {
    let x = this(a)?;
    let other = &a.pos[1];
    if let Some(y) = as_delta(other) {
        if y.is_zero() {
            return Err(zero_division("division by zero"));
        }
        let (n, d) = (BigInt::from(x.total_us()), BigInt::from(y.total_us()));
        return Ok(Value::Float(crate::numeric::true_div_bigint(&n, &d).unwrap_or(f64::INFINITY)));
    }
    match other {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = int_as_i128(other)?;
            if n == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            Ok(new_delta(Delta::from_us(div_round_even(x.total_us(), n))?))
        }
        Value::Float(f) => {
            if *f == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            check_ratio(*f)?;
            let (num, den) = float_ratio(*f);
            let (n, d) = (BigInt::from(x.total_us()) * den, num);
            let (n, d) = if d < BigInt::from(0) { (-n, -d) } else { (n, d) };
            Ok(new_delta(Delta::from_us(round_ratio(&n, &d)?)?))
        }
        _ => other_operand("/", &a.pos[0], other),
    }
}

fn int_as_i128(v: &Value) -> PyResult<i128> {
    match v {
        Value::BigInt(b) => b.to_i128().ok_or_else(|| overflow_error("Python int too large to convert to C int")),
        v => Ok(int_value(v)? as i128),
    }
}

fn floordiv(a: &Args) -> PyResult {
    let x = this(a)?;
    let other = &a.pos[1];
    if let Some(y) = as_delta(other) {
        if y.is_zero() {
            return Err(zero_division("integer division or modulo by zero"));
        }
        return Ok(Value::from_bigint(BigInt::from(floor_div(x.total_us(), y.total_us()))));
    }
    match other {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = int_as_i128(other)?;
            if n == 0 {
                return Err(zero_division("integer division or modulo by zero"));
            }
            Ok(new_delta(Delta::from_us(floor_div(x.total_us(), n))?))
        }
        _ => other_operand("//", &a.pos[0], other),
    }
}

/// Floor division (Python's `//`) on i128.
pub fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn floor_mod(a: i128, b: i128) -> i128 {
    a - floor_div(a, b) * b
}

fn modulo(a: &Args) -> PyResult {
    let x = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(y) if y.is_zero() => Err(zero_division("integer modulo by zero")),
        Some(y) => Ok(new_delta(Delta::from_us(floor_mod(x.total_us(), y.total_us()))?)),
        None => other_operand("%", &a.pos[0], &a.pos[1]),
    }
}

fn divmod(a: &Args) -> PyResult {
    let x = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(y) if y.is_zero() => Err(zero_division("integer division or modulo by zero")),
        Some(y) => {
            let (n, d) = (x.total_us(), y.total_us());
            let q = Value::from_bigint(BigInt::from(floor_div(n, d)));
            Ok(Value::tuple(vec![q, new_delta(Delta::from_us(floor_mod(n, d))?)]))
        }
        None => other_operand("divmod()", &a.pos[0], &a.pos[1]),
    }
}

fn compare(a: &Args, op: CmpOp) -> PyResult {
    let x = this(a)?;
    match as_delta(&a.pos[1]) {
        Some(y) => Ok(ordered(x.cmp(&y), op)),
        None => super::incomparable(&a.pos[0], &a.pos[1], op),
    }
}

/// `1 day, 2:03:04.000005`, as `str(timedelta)` writes it.
pub fn delta_str(d: &Delta) -> String {
    let mut s = String::new();
    if d.days != 0 {
        s = format!("{} day{}, ", d.days, if d.days.abs() == 1 { "" } else { "s" });
    }
    s += &format!("{}:{:02}:{:02}", d.secs / 3600, d.secs / 60 % 60, d.secs % 60);
    if d.us != 0 {
        s += &format!(".{:06}", d.us);
    }
    s
}

/// `datetime.timedelta(days=1, seconds=5)`, naming the class as `repr` does.
pub fn delta_repr(prefix: &str, d: &Delta) -> String {
    let mut parts = Vec::new();
    if d.days != 0 {
        parts.push(format!("days={}", d.days));
    }
    if d.secs != 0 {
        parts.push(format!("seconds={}", d.secs));
    }
    if d.us != 0 {
        parts.push(format!("microseconds={}", d.us));
    }
    if parts.is_empty() {
        parts.push("0".into());
    }
    format!("{}({})", prefix, parts.join(", "))
}

pub fn make_class() -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class("datetime", "timedelta", vec![types().object.clone()]);
    method(&class, "__new__", construct);
    method(&class, "__add__", add);
    method(&class, "__radd__", radd);
    method(&class, "__sub__", sub);
    method(&class, "__rsub__", rsub);
    method(&class, "__mul__", mul);
    method(&class, "__rmul__", mul);
    method(&class, "__truediv__", truediv);
    method(&class, "__floordiv__", floordiv);
    method(&class, "__mod__", modulo);
    method(&class, "__divmod__", divmod);
    method(&class, "__neg__", |a| Ok(new_delta(Delta::from_us(-this(a)?.total_us())?)));
    method(&class, "__pos__", |a| Ok(new_delta(this(a)?)));
    method(&class, "__abs__", |a| Ok(new_delta(Delta::from_us(this(a)?.total_us().abs())?)));
    method(&class, "__bool__", |a| Ok(Value::Bool(!this(a)?.is_zero())));
    method(&class, "__hash__", |a| {
        let d = this(a)?;
        use crate::numeric::hash_i64;
        Ok(Value::Int(crate::object::hash::hash_tuple(&[hash_i64(d.days), hash_i64(d.secs), hash_i64(d.us)])))
    });
    super::comparisons!(&class, compare);
    method(&class, "__str__", |a| Ok(Value::str(delta_str(&this(a)?))));
    method(&class, "__repr__", |a| Ok(Value::str(delta_repr(&super::repr_prefix(&a.pos[0]), &this(a)?))));
    method(&class, "__format__", super::strftime::plain_format);
    method(&class, "total_seconds", |a| {
        let us = this(a)?.total_us();
        Ok(Value::Float(crate::numeric::true_div_bigint(&BigInt::from(us), &BigInt::from(1_000_000)).unwrap_or(0.0)))
    });
    method(&class, "__reduce__", |a| {
        let d = this(a)?;
        let args = Value::tuple(vec![Value::Int(d.days), Value::Int(d.secs), Value::Int(d.us)]);
        Ok(Value::tuple(vec![Value::Class(super::class_of(&a.pos[0])), args]))
    });
    property(&class, "days", |a| Ok(Value::Int(this(a)?.days)));
    property(&class, "seconds", |a| Ok(Value::Int(this(a)?.secs)));
    property(&class, "microseconds", |a| Ok(Value::Int(this(a)?.us)));
    super::finish_class(&class);
    class
}

pub fn add_constants(c: &super::Classes) {
    let class = &c.timedelta;
    let max = Delta { days: MAX_DAYS, secs: 86_399, us: 999_999 };
    super::set_class_attr(class, "min", new_delta(Delta { days: -MAX_DAYS, secs: 0, us: 0 }));
    super::set_class_attr(class, "max", new_delta(max));
    super::set_class_attr(class, "resolution", new_delta(Delta { days: 0, secs: 0, us: 1 }));
}
