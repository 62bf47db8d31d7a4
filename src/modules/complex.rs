//! The `complex` type: its constructor and methods (the arithmetic is in `vm::ops`, the
//! algorithms in `numeric::complex`).

use crate::numeric::complex::{parse_complex, Complex};
use crate::object::function::Args;
use crate::runtime::args::kwarg;
use crate::runtime::define::{constructor, method};
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;

pub fn install() {
    let t = types();
    constructor(&t.complex, complex_new);
    method(&t.complex, "conjugate", |a| match a.pos.first() {
        Some(Value::Complex(z)) if a.pos.len() == 1 => Ok(Value::complex(z.re, -z.im)),
        Some(Value::Complex(_)) => {
            Err(type_error(format!("complex.conjugate() takes no arguments ({} given)", a.pos.len() - 1)))
        }
        _ => Err(type_error("descriptor 'conjugate' of 'complex' object needs an argument")),
    });
}

/// A number as a complex (`None` for anything else), with ints too large for a float an
/// OverflowError.
pub fn to_complex(v: &Value) -> Option<PyResult<Complex>> {
    Some(match v {
        Value::Complex(z) => Ok(**z),
        Value::Float(f) => Ok(Complex::new(*f, 0.0)),
        Value::Int(i) => Ok(Complex::new(*i as f64, 0.0)),
        Value::Bool(b) => Ok(Complex::new(*b as i64 as f64, 0.0)),
        Value::BigInt(b) => crate::numeric::bigint_to_f64(b)
            .map(|f| Complex::new(f, 0.0))
            .ok_or_else(|| ex::overflow_error("int too large to convert to float")),
        _ => return None,
    })
}

fn complex_new(a: &Args) -> PyResult {
    if a.pos.len() > 2 {
        return Err(type_error(format!("complex() takes at most 2 arguments ({} given)", a.pos.len())));
    }
    for (name, _) in a.kw {
        if !matches!(name.as_str(), "real" | "imag") {
            return Err(type_error(format!("complex() got an unexpected keyword argument '{name}'")));
        }
    }
    let real = a.pos.first().cloned().or_else(|| kwarg(a, "real"));
    let imag = a.pos.get(1).cloned().or_else(|| kwarg(a, "imag"));
    if let Some(Value::Str(s)) = &real {
        if imag.is_some() {
            return Err(type_error("complex() can't take second arg if first is a string"));
        }
        return parse_complex(&s.s)
            .map(|z| Value::complex(z.re, z.im))
            .ok_or_else(|| ex::value_error("complex() arg is a malformed string"));
    }
    if let Some(Value::Str(_)) = &imag {
        return Err(type_error("complex() second arg can't be a string"));
    }
    match (&real, &imag) {
        (Some(Value::Complex(_)), None) => return Ok(real.expect("given")),
        (Some(Value::Instance(inst)), _) if inst.class.lookup(crate::intern::intern("__complex__")).is_some() => {
            let m = inst.class.lookup(crate::intern::intern("__complex__")).expect("looked up");
            let (v, imag) = (real.clone().expect("given"), imag.clone());
            return run_async(|ctx| async move {
                let r = ctx.call(m, vec![v]).await?;
                let Value::Complex(z) = &r else {
                    return Err(type_error(format!("__complex__ returned non-complex (type {})", type_name(&r))));
                };
                combine(**z, true, imag.as_ref())
            });
        }
        _ => {}
    }
    let re = match &real {
        None => Complex::new(0.0, 0.0),
        Some(v) => number(v, "first")?,
    };
    combine(re, matches!(real, Some(Value::Complex(_))), imag.as_ref())
}

fn number(v: &Value, which: &str) -> PyResult<Complex> {
    match to_complex(v) {
        Some(r) => r,
        None => {
            Err(type_error(format!("complex() {which} argument must be a string or a number, not '{}'", type_name(v))))
        }
    }
}

/// `re + imag * 1j`, adding only the parts that are there, as CPython does (so that
/// `complex(-0.0, -0.0)` keeps both signs).
fn combine(re: Complex, re_is_complex: bool, imag: Option<&Value>) -> PyResult {
    let Some(imag) = imag else { return Ok(Value::complex(re.re, re.im)) };
    let im = number(imag, "second")?;
    let real = if matches!(imag, Value::Complex(_)) { re.re - im.im } else { re.re };
    let imag_part = if re_is_complex { im.re + re.im } else { im.re };
    Ok(Value::complex(real, imag_part))
}
