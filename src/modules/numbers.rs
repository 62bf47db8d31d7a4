//! `int`, `float` and `bool`, and the numeric builtins (`round`, `divmod`, `pow`, `ord`,
//! `chr`, `hex`, `oct`, `bin`).

use super::builtins::index_arg;
use crate::intern::intern;
use crate::numeric;
use crate::object::function::Args;
use crate::object::function::NativeFn;
use crate::object::module::Module;
use crate::runtime::args::{check_args, kwarg, with_indices};
use crate::runtime::define::{constructor, method, native};
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::numeric::{float_new, pow, round};
use crate::runtime::protocol::{str_repr, to_bigint};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, PyResult};
use num_bigint::BigInt;
use num_traits::Signed;

pub fn install(m: &Module) {
    let t = types();
    constructor(&t.int, int_new);
    constructor(&t.float, float_new);
    constructor(&t.bool, |a| {
        check_args(a, "bool", 0, 1)?;
        match a.pos.first() {
            None => Ok(Value::Bool(false)),
            Some(v) => match ops::truthy(v) {
                Some(b) => Ok(Value::Bool(b)),
                None => crate::runtime::protocol::truth_value(v.clone()),
            },
        }
    });
    method(&t.float, "is_integer", |a| match a.pos.first().map(crate::object::instance::builtin_value) {
        Some(Value::Float(f)) => Ok(Value::Bool(f.is_finite() && f.fract() == 0.0)),
        _ => Err(type_error("descriptor 'is_integer' requires a 'float' object")),
    });
    method(&t.int, "bit_length", |a| match a.pos.first().and_then(to_bigint) {
        Some(b) => Ok(Value::Int(b.bits() as i64)),
        None => Err(type_error("descriptor 'bit_length' requires an 'int' object")),
    });
    method(&t.float, "as_integer_ratio", |a| {
        check_args(a, "as_integer_ratio", 1, 1)?;
        match a.pos[0] {
            Value::Float(f) => float_ratio(f),
            _ => Err(type_error("descriptor 'as_integer_ratio' requires a 'float' object")),
        }
    });
    method(&t.float, "conjugate", |a| match a.pos.first() {
        Some(v @ Value::Float(_)) => Ok(v.clone()),
        _ => Err(type_error("descriptor 'conjugate' requires a 'float' object")),
    });
    method(&t.int, "as_integer_ratio", |a| match a.pos.first().and_then(to_bigint) {
        Some(b) => Ok(Value::tuple(vec![Value::from_bigint(b), Value::Int(1)])),
        None => Err(type_error("descriptor 'as_integer_ratio' requires an 'int' object")),
    });
    method(&t.int, "conjugate", |a| match a.pos.first().and_then(to_bigint) {
        Some(b) => Ok(Value::from_bigint(b)),
        None => Err(type_error("descriptor 'conjugate' requires an 'int' object")),
    });
    method(&t.int, "bit_count", |a| match a.pos.first().and_then(to_bigint) {
        Some(b) => Ok(Value::Int(b.magnitude().count_ones() as i64)),
        None => Err(type_error("descriptor 'bit_count' requires an 'int' object")),
    });
    for (name, f) in [
        ("round", round as crate::object::function::NativeFn),
        ("divmod", divmod),
        ("pow", pow),
        ("ord", ord),
        ("chr", chr),
        ("hex", hex),
        ("oct", oct),
        ("bin", bin),
    ] {
        m.set(intern(name), native(name, f));
    }
}

/// `float.as_integer_ratio()`: the exact value as a fraction in lowest terms.
fn float_ratio(f: f64) -> PyResult {
    if f.is_nan() {
        return Err(ex::value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(ex::overflow_error("cannot convert Infinity to integer ratio"));
    }
    if f == 0.0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut mantissa, mut exponent) =
        if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += zeros as i64;
    let mut numerator = BigInt::from(mantissa);
    if f < 0.0 {
        numerator = -numerator;
    }
    let (numerator, denominator) = if exponent >= 0 {
        (numerator << exponent as usize, BigInt::from(1))
    } else {
        (numerator, BigInt::from(1) << (-exponent) as usize)
    };
    Ok(Value::tuple(vec![Value::from_bigint(numerator), Value::from_bigint(denominator)]))
}

/// `int(text, base)`; `shown_base` is the base as the caller wrote it (0 infers it).
fn parse_int_text(text: &str, base: u32, shown_base: i64) -> PyResult {
    numeric::parse_int(text, base, &mut crate::limits::charge_chunk)?.map(Value::from_bigint).map_err(|e| {
        ex::value_error(
            e.unwrap_or_else(|| format!("invalid literal for int() with base {}: {}", shown_base, str_repr(text))),
        )
    })
}

fn int_new(a: &Args) -> PyResult {
    check_args(a, "int", 0, 2)?;
    let base = a.pos.get(1).cloned().or_else(|| kwarg(a, "base"));
    let Some(v) = a.pos.first().map(crate::object::instance::builtin_value) else { return Ok(Value::Int(0)) };
    if let Some(base) = base {
        let b = index_arg(&base)?;
        let Value::Str(s) = v else { return Err(type_error("int() can't convert non-string with explicit base")) };
        if b != 0 && !(2..=36).contains(&b) {
            return Err(ex::value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        return parse_int_text(&s.s, b as u32, b);
    }
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(ex::value_error("cannot convert float NaN to integer"));
            }
            numeric::f64_to_bigint(*f)
                .map(Value::from_bigint)
                .ok_or_else(|| ex::overflow_error("cannot convert float infinity to integer"))
        }
        Value::Str(s) => parse_int_text(&s.s, 10, 10),
        Value::Instance(inst) => {
            match inst.class.lookup(crate::intern::sym::INT).or_else(|| inst.class.lookup(crate::intern::sym::INDEX)) {
                Some(m) => {
                    let v = v.clone();
                    run_async(|ctx| async move { ctx.call(m, vec![v]).await })
                }
                None => Err(int_type_error(v)),
            }
        }
        other => Err(int_type_error(other)),
    }
}

fn int_type_error(v: &Value) -> crate::vm::Flow {
    type_error(format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", type_name(v)))
}

fn divmod(a: &Args) -> PyResult {
    check_args(a, "divmod", 2, 2)?;
    let (x, y) = (&a.pos[0], &a.pos[1]);
    if crate::runtime::protocol::has_script_type(x) || crate::runtime::protocol::has_script_type(y) {
        return divmod_dunder(x.clone(), y.clone());
    }
    if let (Value::Float(_), _) | (_, Value::Float(_)) = (x, y) {
        let fx = ops::binary(crate::ast::BinOp::FloorDiv, x, y)?;
        let fm = ops::binary(crate::ast::BinOp::Mod, x, y)?;
        return Ok(Value::tuple(vec![fx, fm]));
    }
    let q = ops::binary(crate::ast::BinOp::FloorDiv, x, y)?;
    let r = ops::binary(crate::ast::BinOp::Mod, x, y)?;
    Ok(Value::tuple(vec![q, r]))
}

/// `divmod(x, y)` when an operand is an instance: `__divmod__`, then `__rdivmod__`, then
/// (for subclasses of builtin numbers) `//` and `%`.
fn divmod_dunder(x: Value, y: Value) -> PyResult {
    run_async(move |ctx| async move {
        let lookup = crate::runtime::protocol::instance_dunder;
        if let Some(m) = lookup(&x, intern("__divmod__")) {
            let r = ctx.call(m, vec![x.clone(), y.clone()]).await?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(r);
            }
        }
        if let Some(m) = lookup(&y, intern("__rdivmod__")) {
            let r = ctx.call(m, vec![y.clone(), x.clone()]).await?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(r);
            }
        }
        if ops::carried_values(&x, &y).is_none() {
            return Err(type_error(format!(
                "unsupported operand type(s) for divmod(): '{}' and '{}'",
                type_name(&x),
                type_name(&y)
            )));
        }
        let q = ctx.resolve(ops::binary(crate::ast::BinOp::FloorDiv, &x, &y)).await?;
        let r = ctx.resolve(ops::binary(crate::ast::BinOp::Mod, &x, &y)).await?;
        Ok(Value::tuple(vec![q, r]))
    })
}

fn ord(a: &Args) -> PyResult {
    check_args(a, "ord", 1, 1)?;
    match &a.pos[0] {
        Value::Str(s) if s.chars == 1 => Ok(Value::Int(s.s.chars().next().expect("one char") as i64)),
        Value::Str(s) => Err(type_error(format!("ord() expected a character, but string of length {} found", s.chars))),
        other => Err(type_error(format!("ord() expected string of length 1, but {} found", type_name(other)))),
    }
}

fn chr(a: &Args) -> PyResult {
    check_args(a, "chr", 1, 1)?;
    if let Some(r) = with_indices(a, 0, chr) {
        return r;
    }
    let i = index_arg(&a.pos[0])?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(Value::str(c.to_string())),
        None => Err(ex::value_error("chr() arg not in range(0x110000)")),
    }
}

fn hex(a: &Args) -> PyResult {
    radix(a, "hex", 16, "0x", hex)
}

fn oct(a: &Args) -> PyResult {
    radix(a, "oct", 8, "0o", oct)
}

fn bin(a: &Args) -> PyResult {
    radix(a, "bin", 2, "0b", bin)
}

/// `hex`, `oct` and `bin` (`itself`, for an argument with `__index__`).
fn radix(a: &Args, name: &str, base: u32, prefix: &str, itself: NativeFn) -> PyResult {
    check_args(a, name, 1, 1)?;
    if let Some(r) = with_indices(a, 0, itself) {
        return r;
    }
    let v = to_bigint(&a.pos[0])
        .ok_or_else(|| type_error(format!("'{}' object cannot be interpreted as an integer", type_name(&a.pos[0]))))?;
    let digits = v.abs().to_str_radix(base);
    let sign = if v.is_negative() { "-" } else { "" };
    Ok(Value::str(format!("{}{}{}", sign, prefix, digits)))
}
