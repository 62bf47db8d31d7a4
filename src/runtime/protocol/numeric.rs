//! The numeric builtins that the slots of builtin number types share with `builtins`:
//! `abs`, `float(x)`, `round` and three-argument `pow`, and float-to-int conversion.

use crate::intern::sym;
use crate::numeric;
use crate::object::function::Args;
use crate::runtime::args::{check_args, index_arg, kwarg};
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::{str_repr, to_bigint};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, PyResult};
use num_bigint::BigInt;
use num_traits::Signed;

pub fn abs(a: &Args) -> PyResult {
    check_args(a, "abs", 1, 1)?;
    match crate::object::instance::builtin_value(&a.pos[0]) {
        Value::Int(i) => Ok(i
            .checked_abs()
            .map(Value::Int)
            .unwrap_or_else(|| Value::from_bigint(num_bigint::BigInt::from(*i).magnitude().clone().into()))),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::BigInt(b) => Ok(Value::from_bigint(num_traits::Signed::abs(&**b))),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Complex(z) => z.abs().map(Value::Float).map_err(|e| {
            let (class, msg) = e.exception();
            crate::runtime::exceptions::raise_named(class, msg)
        }),
        Value::Instance(inst) => match inst.class.lookup(sym::ABS) {
            Some(m) => {
                let v = a.pos[0].clone();
                run_async(|ctx| async move { ctx.call(m, vec![v]).await })
            }
            None => Err(type_error(format!("bad operand type for abs(): '{}'", inst.class.name))),
        },
        other => Err(type_error(format!("bad operand type for abs(): '{}'", type_name(other)))),
    }
}

pub fn float_new(a: &Args) -> PyResult {
    check_args(a, "float", 0, 1)?;
    let Some(v) = a.pos.first().map(crate::object::instance::builtin_value) else { return Ok(Value::Float(0.0)) };
    match v {
        Value::Float(_) => Ok(v.clone()),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(*b as i64 as f64)),
        Value::BigInt(b) => numeric::bigint_to_f64(b)
            .map(Value::Float)
            .ok_or_else(|| ex::overflow_error("int too large to convert to float")),
        Value::Str(s) => numeric::parse_float(&s.s)
            .map(Value::Float)
            .ok_or_else(|| ex::value_error(format!("could not convert string to float: {}", str_repr(&s.s)))),
        Value::Instance(inst) => match inst.class.lookup(crate::intern::sym::FLOAT) {
            Some(m) => {
                let v = v.clone();
                run_async(|ctx| async move { ctx.call(m, vec![v]).await })
            }
            None => {
                Err(type_error(format!("float() argument must be a string or a real number, not '{}'", type_name(v))))
            }
        },
        other => {
            Err(type_error(format!("float() argument must be a string or a real number, not '{}'", type_name(other))))
        }
    }
}

pub fn round(a: &Args) -> PyResult {
    check_args(a, "round", 1, 2)?;
    if let Some(r) = crate::runtime::args::with_indices(a, 1, round) {
        return r;
    }
    let nd = match a.pos.get(1).cloned().or_else(|| kwarg(a, "ndigits")) {
        None | Some(Value::None) => None,
        Some(v) => Some(index_arg(&v)?),
    };
    match (crate::object::instance::builtin_value(&a.pos[0]), nd) {
        (Value::Float(f), None) => {
            if f.is_nan() {
                return Err(ex::value_error("cannot convert float NaN to integer"));
            }
            numeric::f64_to_bigint(numeric::round_half_even(*f))
                .map(Value::from_bigint)
                .ok_or_else(|| ex::overflow_error("cannot convert float infinity to integer"))
        }
        (Value::Float(f), Some(n)) => numeric::round_f64_ndigits(*f, n)
            .map(Value::Float)
            .ok_or_else(|| ex::overflow_error("rounded value too large to represent")),
        (v @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)), None) => {
            Ok(to_bigint(v).map(Value::from_bigint).unwrap_or(Value::Int(0)))
        }
        (v @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)), Some(n)) => {
            Ok(Value::from_bigint(numeric::round_int_ndigits(&to_bigint(v).expect("int"), n)))
        }
        (v, _) => match v {
            Value::Instance(inst) if inst.class.lookup(crate::intern::sym::ROUND).is_some() => {
                let m = inst.class.lookup(crate::intern::sym::ROUND).expect("__round__");
                let mut args = vec![v.clone()];
                args.extend(a.pos.get(1).cloned());
                run_async(|ctx| async move { ctx.call(m, args).await })
            }
            _ => Err(type_error(format!("type {} doesn't define __round__ method", type_name(v)))),
        },
    }
}

pub fn pow(a: &Args) -> PyResult {
    check_args(a, "pow", 2, 3)?;
    match a.pos.get(2) {
        None | Some(Value::None) => ops::binary(crate::ast::BinOp::Pow, &a.pos[0], &a.pos[1]),
        Some(m) => {
            let (Some(b), Some(e), Some(m)) = (to_bigint(&a.pos[0]), to_bigint(&a.pos[1]), to_bigint(m)) else {
                return Err(type_error("pow() 3rd argument not allowed unless all arguments are integers"));
            };
            if m == BigInt::from(0) {
                return Err(ex::value_error("pow() 3rd argument cannot be 0"));
            }
            if e.is_negative() {
                return Err(ex::value_error("base is not invertible for the given modulus"));
            }
            let r = b.modpow(&e, &m);
            let r = if r.is_negative() != m.is_negative() && r != BigInt::from(0) { r + &m } else { r };
            Ok(Value::from_bigint(r))
        }
    }
}

/// An int from a float already rounded to a whole number: ValueError for NaN,
/// OverflowError for an infinity.
pub fn float_to_int(f: f64) -> PyResult {
    if f.is_nan() {
        return Err(ex::value_error("cannot convert float NaN to integer"));
    }
    crate::numeric::f64_to_bigint(f)
        .map(Value::from_bigint)
        .ok_or_else(|| ex::overflow_error("cannot convert float infinity to integer"))
}
