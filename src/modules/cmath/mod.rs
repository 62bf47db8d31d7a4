//! The `cmath` module: CPython 3.11's `cmathmodule.c` functions (`functions.rs`), their
//! argument conversion and errors, and its constants.

mod functions;

use super::math::{isclose_args, within_tolerance};
use crate::intern::intern;
use crate::numeric::complex::Complex;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use functions::{CResult, MathError};
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("cmath")));
    m.set(intern("__name__"), Value::str("cmath"));
    for (name, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        m.set(intern(name), Value::Float(v));
    }
    m.set(intern("infj"), Value::complex(0.0, f64::INFINITY));
    m.set(intern("nanj"), Value::complex(0.0, f64::NAN));
    let fns: &[(&'static str, NativeFn)] = &[
        ("sqrt", |a| unary(a, "sqrt", functions::sqrt)),
        ("exp", |a| unary(a, "exp", functions::exp)),
        ("log10", |a| unary(a, "log10", functions::log10)),
        ("sin", |a| unary(a, "sin", functions::sin)),
        ("cos", |a| unary(a, "cos", functions::cos)),
        ("tan", |a| unary(a, "tan", functions::tan)),
        ("asin", |a| unary(a, "asin", functions::asin)),
        ("acos", |a| unary(a, "acos", functions::acos)),
        ("atan", |a| unary(a, "atan", functions::atan)),
        ("sinh", |a| unary(a, "sinh", functions::sinh)),
        ("cosh", |a| unary(a, "cosh", functions::cosh)),
        ("tanh", |a| unary(a, "tanh", functions::tanh)),
        ("asinh", |a| unary(a, "asinh", functions::asinh)),
        ("acosh", |a| unary(a, "acosh", functions::acosh)),
        ("atanh", |a| unary(a, "atanh", functions::atanh)),
        ("log", log),
        ("phase", phase),
        ("polar", polar),
        ("rect", rect),
        ("isclose", isclose),
        ("isfinite", |a| test(a, "isfinite", |z| z.re.is_finite() && z.im.is_finite())),
        ("isinf", |a| test(a, "isinf", |z| z.re.is_infinite() || z.im.is_infinite())),
        ("isnan", |a| test(a, "isnan", |z| z.re.is_nan() || z.im.is_nan())),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// A cmath argument: a number, or an object with `__complex__` or `__float__` (whose call
/// may run script code, so the rest of the work `then` continues from there).
fn with_complex(v: &Value, then: impl FnOnce(Complex) -> PyResult + 'static) -> PyResult {
    if let Some(z) = super::complex::to_complex(v) {
        return then(z?);
    }
    if let Value::Instance(inst) = v {
        for name in ["__complex__", "__float__"] {
            if let Some(m) = inst.class.lookup(intern(name)) {
                let v = v.clone();
                return run_async(move |ctx| async move {
                    match ctx.call(m, vec![v]).await? {
                        r @ (Value::Complex(_) | Value::Float(_)) => then(to_complex(&r)?),
                        other => {
                            let kind = &name[2..name.len() - 2];
                            Err(type_error(format!("{name} returned non-{kind} (type {})", type_name(&other))))
                        }
                    }
                });
            }
        }
    }
    Err(type_error(format!("must be real number, not {}", type_name(v))))
}

/// A number as a complex, for the arguments that take no `__complex__`.
fn to_complex(v: &Value) -> PyResult<Complex> {
    super::complex::to_complex(v)
        .unwrap_or_else(|| Err(type_error(format!("must be real number, not {}", type_name(v)))))
}

fn result(r: CResult) -> PyResult {
    match r {
        Ok(z) => Ok(Value::complex(z.re, z.im)),
        Err(MathError::Domain) => Err(ex::value_error("math domain error")),
        Err(MathError::Range) => Err(ex::overflow_error("math range error")),
    }
}

fn no_kw(a: &Args, name: &str) -> PyResult<()> {
    match a.kw.first() {
        None => Ok(()),
        Some(_) => Err(type_error(format!("{name}() takes no keyword arguments"))),
    }
}

fn one_arg(a: &Args, name: &str, then: impl FnOnce(Complex) -> PyResult + 'static) -> PyResult {
    no_kw(a, name)?;
    check_args(a, name, 1, 1)?;
    with_complex(&a.pos[0], then)
}

fn unary(a: &Args, name: &str, f: fn(Complex) -> CResult) -> PyResult {
    one_arg(a, name, move |z| result(f(z)))
}

fn test(a: &Args, name: &str, f: fn(Complex) -> bool) -> PyResult {
    one_arg(a, name, move |z| Ok(Value::Bool(f(z))))
}

/// `log(x[, base])`: `log(x) / log(base)`.
fn log(a: &Args) -> PyResult {
    no_kw(a, "log")?;
    check_args(a, "log", 1, 2)?;
    let base = a.pos.get(1).map(to_complex).transpose()?;
    with_complex(&a.pos[0], move |x| {
        let x = functions::log(x);
        let Some(base) = base else { return result(x) };
        let base = functions::log(base);
        result(x.and_then(|x| base.and_then(|b| x.checked_div(b).map_err(|_| MathError::Domain))))
    })
}

fn phase(a: &Args) -> PyResult {
    one_arg(a, "phase", |z| Ok(Value::Float(z.im.atan2(z.re))))
}

fn polar(a: &Args) -> PyResult {
    one_arg(a, "polar", |z| {
        let r = z.abs().map_err(|_| ex::overflow_error("math range error"))?;
        Ok(Value::tuple(vec![Value::Float(r), Value::Float(z.im.atan2(z.re))]))
    })
}

fn rect(a: &Args) -> PyResult {
    no_kw(a, "rect")?;
    check_args(a, "rect", 2, 2)?;
    let (r, phi) = (super::math::to_f64(&a.pos[0])?, super::math::to_f64(&a.pos[1])?);
    result(functions::rect(r, phi))
}

fn isclose(a: &Args) -> PyResult {
    let (x, y, rel_tol, abs_tol) = isclose_args(a)?;
    let (x, y) = (to_complex(&x)?, to_complex(&y)?);
    if x == y {
        return Ok(Value::Bool(true));
    }
    let infinite = |z: Complex| z.re.is_infinite() || z.im.is_infinite();
    if infinite(x) || infinite(y) {
        return Ok(Value::Bool(false));
    }
    let magnitude = |z: Complex| z.abs().unwrap_or(f64::INFINITY);
    let diff = magnitude(x - y);
    Ok(Value::Bool(within_tolerance(diff, magnitude(x), magnitude(y), rel_tol, abs_tol)))
}
