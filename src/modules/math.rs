//! The `math` module, following CPython 3.11's `mathmodule.c`: the same special cases,
//! error classes and messages, and the same algorithms where results depend on them
//! (`fsum`'s exact partial sums, `hypot`/`dist`'s extended-precision norm, `log` of huge
//! ints through `frexp`).

use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::{check_args, kwarg};
use crate::runtime::define::native;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::numeric::float_to_int;
use crate::runtime::protocol::{self, iterate, to_bigint};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, Flow, PyResult};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("math")));
    m.set(intern("__name__"), Value::str("math"));
    for (name, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        m.set(intern(name), Value::Float(v));
    }
    let fns: &[(&'static str, NativeFn)] = &[
        ("sqrt", sqrt),
        ("cbrt", cbrt),
        ("exp", exp),
        ("exp2", exp2),
        ("expm1", expm1),
        ("log1p", log1p),
        ("erf", erf),
        ("erfc", erfc),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("asin", asin),
        ("acos", acos),
        ("atan", atan),
        ("sinh", sinh),
        ("cosh", cosh),
        ("tanh", tanh),
        ("asinh", asinh),
        ("acosh", acosh),
        ("atanh", atanh),
        ("fabs", fabs),
        ("degrees", degrees),
        ("radians", radians),
        ("floor", floor),
        ("ceil", ceil),
        ("trunc", trunc),
        ("pow", pow),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("atan2", atan2),
        ("hypot", hypot),
        ("dist", dist),
        ("isclose", isclose),
        ("isfinite", isfinite),
        ("isinf", isinf),
        ("isnan", isnan),
        ("gcd", gcd),
        ("lcm", lcm),
        ("factorial", factorial),
        ("comb", comb),
        ("perm", perm),
        ("prod", prod),
        ("fsum", fsum),
        ("copysign", copysign),
        ("fmod", fmod),
        ("modf", modf),
        ("frexp", frexp),
        ("ldexp", ldexp),
        ("isqrt", isqrt),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

// ---- argument conversion ----

/// A float argument: ints convert exactly or raise OverflowError, other types TypeError.
pub fn to_f64(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => {
            crate::numeric::bigint_to_f64(b).ok_or_else(|| ex::overflow_error("int too large to convert to float"))
        }
        other => Err(type_error(format!("must be real number, not {}", type_name(other)))),
    }
}

fn to_int(v: &Value) -> PyResult<BigInt> {
    to_bigint(v).ok_or_else(|| type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v))))
}

fn no_kw(a: &Args, name: &str) -> PyResult<()> {
    if a.kw.is_empty() {
        Ok(())
    } else {
        Err(type_error(format!("{}() takes no keyword arguments", name)))
    }
}

/// The single float argument of `math.NAME(x)`.
fn one_float(a: &Args, name: &str) -> PyResult<f64> {
    no_kw(a, name)?;
    check_args(a, name, 1, 1)?;
    to_f64(&a.pos[0])
}

/// The two float arguments of `math.NAME(x, y)`.
fn two_floats(a: &Args, name: &str) -> PyResult<(f64, f64)> {
    no_kw(a, &format!("math.{}", name))?;
    check_args(a, name, 2, 2)?;
    Ok((to_f64(&a.pos[0])?, to_f64(&a.pos[1])?))
}

fn domain_error() -> Flow {
    ex::value_error("math domain error")
}

fn range_error() -> Flow {
    ex::overflow_error("math range error")
}

/// CPython's `math_1`: a nan from a non-nan is a domain error, an infinity from a finite
/// argument an overflow (or a domain error for functions that cannot overflow).
fn math_1(x: f64, r: f64, can_overflow: bool) -> PyResult {
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range_error() } else { domain_error() });
    }
    Ok(Value::Float(r))
}

macro_rules! unary {
    ($($name:ident, $py:literal, $overflow:expr, $f:expr;)*) => {$(
        fn $name(a: &Args) -> PyResult {
            let x = one_float(a, $py)?;
            let f: fn(f64) -> f64 = $f;
            math_1(x, f(x), $overflow)
        }
    )*};
}

unary! {
    sqrt, "math.sqrt", false, f64::sqrt;
    cbrt, "math.cbrt", false, glibc::cbrt;
    exp, "math.exp", true, f64::exp;
    exp2, "math.exp2", true, f64::exp2;
    expm1, "math.expm1", true, f64::exp_m1;
    sin, "math.sin", false, f64::sin;
    cos, "math.cos", false, f64::cos;
    tan, "math.tan", false, f64::tan;
    asin, "math.asin", false, f64::asin;
    acos, "math.acos", false, f64::acos;
    atan, "math.atan", false, f64::atan;
    sinh, "math.sinh", true, f64::sinh;
    cosh, "math.cosh", true, f64::cosh;
    tanh, "math.tanh", false, f64::tanh;
    asinh, "math.asinh", false, glibc::asinh;
    acosh, "math.acosh", false, glibc::acosh;
    atanh, "math.atanh", false, glibc::atanh;
    fabs, "math.fabs", false, f64::abs;
    degrees, "math.degrees", false, f64::to_degrees;
    radians, "math.radians", false, f64::to_radians;
}

/// Functions where Rust's own implementations round differently from the glibc ones
/// CPython calls; these are glibc's algorithms, on top of its `log`, `log1p` and `sqrt`.
/// Constants are copied verbatim from glibc.
#[allow(clippy::excessive_precision)]
pub(crate) mod glibc {
    use std::f64::consts::LN_2 as LN2;

    pub fn cbrt(x: f64) -> f64 {
        const CBRT2: f64 = 1.2599210498948731648;
        const SQR_CBRT2: f64 = 1.5874010519681994748;
        const FACTOR: [f64; 5] = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];
        if x == 0.0 || !x.is_finite() {
            return x + x;
        }
        let (xm, xe) = super::frexp_f64(x.abs());
        let u = 0.354895765043919860
            + ((1.50819193781584896
                + ((-2.11499494167371287
                    + ((2.44693122563534430
                        + ((-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm))
                        * xm))
                    * xm))
                * xm);
        let t2 = u * u * u;
        let ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * FACTOR[(2 + xe % 3) as usize];
        super::ldexp_f64(if x > 0.0 { ym } else { -ym }, xe / 3)
    }

    pub fn asinh(x: f64) -> f64 {
        let ix = (x.to_bits() >> 32) as u32 & 0x7fff_ffff;
        if ix < 0x3e30_0000 {
            return x;
        }
        let xa = x.abs();
        let w = if ix > 0x41b0_0000 {
            if ix >= 0x7ff0_0000 {
                return x + x;
            }
            xa.ln() + LN2
        } else if ix > 0x4000_0000 {
            (2.0 * xa + 1.0 / ((xa * xa + 1.0).sqrt() + xa)).ln()
        } else {
            let t = xa * xa;
            (xa + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
        };
        w.copysign(x)
    }

    pub fn acosh(x: f64) -> f64 {
        let hx = x.to_bits() as i64;
        if hx > 0x4000_0000_0000_0000 {
            if hx >= 0x41b0_0000_0000_0000 {
                if hx >= 0x7ff0_0000_0000_0000 {
                    return x + x;
                }
                return x.ln() + LN2;
            }
            let t = x * x;
            (2.0 * x - 1.0 / (x + (t - 1.0).sqrt())).ln()
        } else if hx > 0x3ff0_0000_0000_0000 {
            let t = x - 1.0;
            (t + (2.0 * t + t * t).sqrt()).ln_1p()
        } else if hx == 0x3ff0_0000_0000_0000 {
            0.0
        } else {
            f64::NAN
        }
    }

    pub fn atanh(x: f64) -> f64 {
        let xa = x.abs();
        let t = if xa < 0.5 {
            if xa < 2f64.powi(-28) {
                return x;
            }
            let t = xa + xa;
            0.5 * (t + t * xa / (1.0 - xa)).ln_1p()
        } else if xa < 1.0 {
            0.5 * ((xa + xa) / (1.0 - xa)).ln_1p()
        } else if xa > 1.0 || x.is_nan() {
            return if x.is_nan() { x } else { f64::NAN };
        } else {
            return x / 0.0;
        };
        t.copysign(x)
    }
}

// The C library's error functions, which CPython's `math` uses too (std links libm).
extern "C" {
    #[link_name = "erf"]
    fn c_erf(x: f64) -> f64;
    #[link_name = "erfc"]
    fn c_erfc(x: f64) -> f64;
}

/// `math.erf`.
fn erf(a: &Args) -> PyResult {
    let x = one_float(a, "math.erf")?;
    // SAFETY: `erf` is a pure C math function of one double.
    Ok(Value::Float(unsafe { c_erf(x) }))
}

fn erfc(a: &Args) -> PyResult {
    let x = one_float(a, "math.erfc")?;
    // SAFETY: `erfc` is a pure C math function of one double.
    Ok(Value::Float(unsafe { c_erfc(x) }))
}

fn log1p(a: &Args) -> PyResult {
    let x = one_float(a, "math.log1p")?;
    if x <= -1.0 {
        return Err(domain_error());
    }
    Ok(Value::Float(x.ln_1p()))
}

fn isfinite(a: &Args) -> PyResult {
    Ok(Value::Bool(one_float(a, "math.isfinite")?.is_finite()))
}

fn isinf(a: &Args) -> PyResult {
    Ok(Value::Bool(one_float(a, "math.isinf")?.is_infinite()))
}

fn isnan(a: &Args) -> PyResult {
    Ok(Value::Bool(one_float(a, "math.isnan")?.is_nan()))
}

// ---- rounding to int ----

/// `floor`/`ceil`/`trunc`: ints pass through, floats round, instances use the dunder.
fn round_to_int(a: &Args, name: &str, dunder: &str, f: fn(f64) -> f64) -> PyResult {
    no_kw(a, &format!("math.{}", name))?;
    check_args(a, &format!("math.{}", name), 1, 1)?;
    let v = &a.pos[0];
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(x) => float_to_int(f(*x)),
        Value::Instance(inst) => match inst.class.lookup(intern(dunder)) {
            Some(m) => {
                let v = v.clone();
                run_async(|ctx| async move { ctx.call(m, vec![v]).await })
            }
            None if name == "trunc" => {
                Err(type_error(format!("type {} doesn't define __trunc__ method", type_name(v))))
            }
            None => float_to_int(f(to_f64(v)?)),
        },
        _ if name == "trunc" => Err(type_error(format!("type {} doesn't define __trunc__ method", type_name(v)))),
        _ => float_to_int(f(to_f64(v)?)),
    }
}

pub(crate) fn floor(a: &Args) -> PyResult {
    round_to_int(a, "floor", "__floor__", f64::floor)
}

pub(crate) fn ceil(a: &Args) -> PyResult {
    round_to_int(a, "ceil", "__ceil__", f64::ceil)
}

pub(crate) fn trunc(a: &Args) -> PyResult {
    round_to_int(a, "trunc", "__trunc__", f64::trunc)
}

// ---- powers and logarithms ----

fn pow(a: &Args) -> PyResult {
    let (x, y) = two_floats(a, "pow")?;
    let r = if !x.is_finite() || !y.is_finite() {
        if x.is_nan() {
            if y == 0.0 {
                1.0
            } else {
                x
            }
        } else if y.is_nan() {
            if x == 1.0 {
                1.0
            } else {
                y
            }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y {
                    x
                } else {
                    x.abs()
                }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0.0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            1.0
        } else if (y > 0.0 && x.abs() > 1.0) || (y < 0.0 && x.abs() < 1.0) {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        let r = x.powf(y);
        if r.is_nan() {
            return Err(domain_error());
        }
        if r.is_infinite() {
            return Err(if x == 0.0 { domain_error() } else { range_error() });
        }
        r
    };
    Ok(Value::Float(r))
}

/// An int too large for a float as `m * 2**e` with `0.5 <= m < 1`, `m` correctly rounded.
fn bigint_frexp(v: &BigInt) -> (f64, i64) {
    let bits = v.bits() as i64;
    let shift = bits - 55;
    let mag = v.magnitude();
    let mut top = (mag >> shift as usize).to_u64().expect("55 bits");
    if (mag.trailing_zeros().unwrap_or(0) as i64) < shift {
        top |= 1;
    }
    let mut m = top as f64 / (1u64 << 55) as f64;
    let mut e = bits;
    if m == 1.0 {
        m = 0.5;
        e += 1;
    }
    (m, e)
}

/// CPython's `loghelper`: ints too large for a float go through `frexp`.
fn loghelper(v: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Value::BigInt(b) = v {
        if !b.is_positive() {
            return Err(domain_error());
        }
        if crate::numeric::bigint_to_f64(b).is_none() {
            let (m, e) = bigint_frexp(b);
            return Ok(f(m) + f(2.0) * e as f64);
        }
    }
    let x = to_f64(v)?;
    if x.is_nan() || x == f64::INFINITY {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain_error());
    }
    Ok(f(x))
}

fn log(a: &Args) -> PyResult {
    no_kw(a, "math.log")?;
    if a.pos.is_empty() || a.pos.len() > 2 {
        return Err(type_error("math.log requires 1 to 2 arguments"));
    }
    let num = loghelper(&a.pos[0], f64::ln)?;
    match a.pos.get(1) {
        None => Ok(Value::Float(num)),
        Some(base) => {
            let den = loghelper(base, f64::ln)?;
            if den == 0.0 {
                return Err(ex::zero_division("float division by zero"));
            }
            Ok(Value::Float(num / den))
        }
    }
}

fn log2(a: &Args) -> PyResult {
    no_kw(a, "math.log2")?;
    check_args(a, "math.log2", 1, 1)?;
    Ok(Value::Float(loghelper(&a.pos[0], f64::log2)?))
}

fn log10(a: &Args) -> PyResult {
    no_kw(a, "math.log10")?;
    check_args(a, "math.log10", 1, 1)?;
    Ok(Value::Float(loghelper(&a.pos[0], f64::log10)?))
}

fn atan2(a: &Args) -> PyResult {
    let (y, x) = two_floats(a, "atan2")?;
    Ok(Value::Float(y.atan2(x)))
}

fn copysign(a: &Args) -> PyResult {
    let (x, y) = two_floats(a, "copysign")?;
    Ok(Value::Float(x.copysign(y)))
}

fn fmod(a: &Args) -> PyResult {
    let (x, y) = two_floats(a, "fmod")?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error());
    }
    Ok(Value::Float(r))
}

fn modf(a: &Args) -> PyResult {
    let x = one_float(a, "math.modf")?;
    let (frac, int) = if x.is_infinite() {
        (0.0f64.copysign(x), x)
    } else if x.is_nan() {
        (x, x)
    } else {
        ((x - x.trunc()).copysign(x), x.trunc())
    };
    Ok(Value::tuple(vec![Value::Float(frac), Value::Float(int)]))
}

/// `x` as `(m, e)` with `0.5 <= |m| < 1` and `x == m * 2**e`; zeros and non-finite
/// values come back unchanged with `e == 0`.
pub fn frexp_f64(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, extra) = if x.abs() < f64::MIN_POSITIVE { (x * (1u64 << 54) as f64, -54) } else { (x, 0) };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022 + extra)
}

/// `2**e` for `-1022 <= e <= 1023`.
fn pow2(e: i64) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// `x * 2**k`, correctly rounded (one rounding, subnormal results included).
pub fn ldexp_f64(x: f64, k: i64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let (m, e) = frexp_f64(x);
    let n = e.saturating_add(k);
    if n > 1024 {
        return f64::INFINITY.copysign(x);
    }
    if n < -1076 {
        return 0.0f64.copysign(x);
    }
    if n >= -1021 {
        // m * 2 is in [1, 2); 2**(n - 1) is a normal power of two.
        (m * 2.0) * pow2(n - 1)
    } else {
        (m * pow2(n + 60)) * pow2(-60)
    }
}

fn frexp(a: &Args) -> PyResult {
    let x = one_float(a, "math.frexp")?;
    let (m, e) = frexp_f64(x);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e)]))
}

fn ldexp(a: &Args) -> PyResult {
    no_kw(a, "math.ldexp")?;
    check_args(a, "ldexp", 2, 2)?;
    let x = to_f64(&a.pos[0])?;
    let k = match &a.pos[1] {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        Value::BigInt(b) => {
            if b.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            }
        }
        _ => return Err(type_error("Expected an int as second argument to ldexp.")),
    };
    let r = ldexp_f64(x, k);
    if r.is_infinite() && x.is_finite() {
        return Err(range_error());
    }
    Ok(Value::Float(r))
}

// ---- norms ----

/// `(hi, lo)` with `hi + lo == a + b` exactly, for `|a| >= |b|`.
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let hi = a + b;
    (hi, (a - hi) + b)
}

/// `(hi, lo)` with `hi + lo == x * y` exactly.
fn two_product(x: f64, y: f64) -> (f64, f64) {
    let hi = x * y;
    (hi, x.mul_add(y, -hi))
}

/// CPython 3.11's `vector_norm`: the Euclidean norm of non-negative `vec`, whose largest
/// element is `max`, with an extended-precision sum of squares and a correction step.
fn vector_norm(vec: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let (_, max_e) = frexp_f64(max);
    if max_e < -1023 {
        for x in vec.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(vec, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp_f64(1.0, -max_e);
    let (mut csum, mut frac1, mut frac2) = (1.0, 0.0, 0.0);
    for &x in vec.iter() {
        let x = x * scale;
        let (phi, plo) = two_product(x, x);
        let (shi, slo) = fast_two_sum(csum, phi);
        csum = shi;
        frac1 += plo;
        frac2 += slo;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let (phi, plo) = two_product(-h, h);
    let (shi, slo) = fast_two_sum(csum, phi);
    csum = shi;
    frac1 += plo;
    frac2 += slo;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

fn norm_of(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut vec: Vec<f64> = Vec::new();
    let (mut max, mut found_nan) = (0.0f64, false);
    for x in values {
        let x = x.abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        vec.push(x);
    }
    vector_norm(&mut vec, max, found_nan)
}

fn hypot(a: &Args) -> PyResult {
    no_kw(a, "math.hypot")?;
    let xs = a.pos.iter().map(to_f64).collect::<PyResult<Vec<f64>>>()?;
    Ok(Value::Float(norm_of(xs)))
}

fn dist(a: &Args) -> PyResult {
    no_kw(a, "math.dist")?;
    check_args(a, "dist", 2, 2)?;
    let (p, q) = (a.pos[0].clone(), a.pos[1].clone());
    run_async(|ctx| async move {
        let p = iterate(&ctx, &p).await?;
        let q = iterate(&ctx, &q).await?;
        if p.len() != q.len() {
            return Err(ex::value_error("both points must have the same number of dimensions"));
        }
        let mut diffs = Vec::with_capacity(p.len());
        for (x, y) in p.iter().zip(&q) {
            diffs.push(to_f64(x)? - to_f64(y)?);
        }
        Ok(Value::Float(norm_of(diffs)))
    })
}

/// The arguments of `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)` (math's and cmath's):
/// `a`, `b` and the checked tolerances.
pub(crate) fn isclose_args(a: &Args) -> PyResult<(Value, Value, f64, f64)> {
    for (k, _) in a.kw {
        if !matches!(k.as_str(), "rel_tol" | "abs_tol" | "a" | "b") {
            return Err(type_error(format!("'{}' is an invalid keyword argument for isclose()", k)));
        }
    }
    if a.pos.len() > 2 {
        return Err(type_error(format!("isclose() takes exactly 2 positional arguments ({} given)", a.pos.len())));
    }
    let get = |i: usize, name: &str| -> PyResult<Value> {
        a.pos
            .get(i)
            .cloned()
            .or_else(|| kwarg(a, name))
            .ok_or_else(|| type_error(format!("isclose() missing required argument '{}' (pos {})", name, i + 1)))
    };
    let (x, y) = (get(0, "a")?, get(1, "b")?);
    let rel_tol = kwarg(a, "rel_tol").map(|v| to_f64(&v)).transpose()?.unwrap_or(1e-9);
    let abs_tol = kwarg(a, "abs_tol").map(|v| to_f64(&v)).transpose()?.unwrap_or(0.0);
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(ex::value_error("tolerances must be non-negative"));
    }
    Ok((x, y, rel_tol, abs_tol))
}

/// Whether a difference is within either tolerance of the two magnitudes.
pub(crate) fn within_tolerance(diff: f64, x_abs: f64, y_abs: f64, rel_tol: f64, abs_tol: f64) -> bool {
    diff <= rel_tol * y_abs || diff <= rel_tol * x_abs || diff <= abs_tol
}

fn isclose(a: &Args) -> PyResult {
    let (x, y, rel_tol, abs_tol) = isclose_args(a)?;
    let (x, y) = (to_f64(&x)?, to_f64(&y)?);
    if x == y {
        return Ok(Value::Bool(true));
    }
    if x.is_infinite() || y.is_infinite() {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(within_tolerance((y - x).abs(), x.abs(), y.abs(), rel_tol, abs_tol)))
}

// ---- integer functions ----

fn gcd(a: &Args) -> PyResult {
    no_kw(a, "math.gcd")?;
    let mut g = BigInt::zero();
    for v in a.pos {
        g = g.gcd(&to_int(v)?);
    }
    Ok(Value::from_bigint(g))
}

fn lcm(a: &Args) -> PyResult {
    no_kw(a, "math.lcm")?;
    let mut l = BigInt::one();
    for v in a.pos {
        let x = to_int(v)?;
        l = if l.is_zero() || x.is_zero() { BigInt::zero() } else { l.lcm(&x) };
    }
    Ok(Value::from_bigint(l.abs()))
}

/// The product of `lo..hi`, split in halves so the multiplications stay balanced.
fn factorial(a: &Args) -> PyResult {
    no_kw(a, "math.factorial")?;
    check_args(a, "math.factorial", 1, 1)?;
    let n = to_int(&a.pos[0])?;
    if n.is_negative() {
        return Err(ex::value_error("factorial() not defined for negative values"));
    }
    let n =
        n.to_i64().ok_or_else(|| ex::overflow_error("factorial() argument should not exceed 9223372036854775807"))?;
    Ok(Value::from_bigint(crate::numeric::bigwork::range_product(1, n as u64 + 1, &mut crate::limits::charge_chunk)?))
}

/// `n` and `k` of `comb`/`perm`, checked non-negative.
fn comb_args(n: &Value, k: &Value) -> PyResult<(BigInt, BigInt)> {
    let n = to_int(n)?;
    let k = to_int(k)?;
    if n.is_negative() {
        return Err(ex::value_error("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(ex::value_error("k must be a non-negative integer"));
    }
    Ok((n, k))
}

fn comb(a: &Args) -> PyResult {
    no_kw(a, "math.comb")?;
    check_args(a, "comb", 2, 2)?;
    let (n, k) = comb_args(&a.pos[0], &a.pos[1])?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = std::cmp::min(&n - &k, k);
    let k = k.to_u64().ok_or_else(|| ex::overflow_error("min(n - k, k) must not exceed 9223372036854775807"))?;
    let mut r = BigInt::one();
    for i in 1..=k {
        r = r * (&n - k + i) / i;
    }
    Ok(Value::from_bigint(r))
}

fn perm(a: &Args) -> PyResult {
    no_kw(a, "math.perm")?;
    check_args(a, "perm", 1, 2)?;
    let n = &a.pos[0];
    let k = match a.pos.get(1) {
        None | Some(Value::None) => return factorial(&Args { pos: &a.pos[..1], kw: &[] }),
        Some(k) => k,
    };
    let (n, k) = comb_args(n, k)?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k.to_u64().ok_or_else(|| ex::overflow_error("k must not exceed 9223372036854775807"))?;
    let mut r = BigInt::one();
    for i in 0..k {
        r *= &n - i;
    }
    Ok(Value::from_bigint(r))
}

fn isqrt(a: &Args) -> PyResult {
    no_kw(a, "math.isqrt")?;
    check_args(a, "math.isqrt", 1, 1)?;
    let n = to_int(&a.pos[0])?;
    if n.is_negative() {
        return Err(ex::value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(n.sqrt()))
}

fn prod(a: &Args) -> PyResult {
    for (k, _) in a.kw {
        if k.as_str() != "start" {
            return Err(type_error(format!("prod() got an unexpected keyword argument '{}'", k)));
        }
    }
    if a.pos.len() != 1 {
        return Err(type_error(format!("prod() takes exactly 1 positional argument ({} given)", a.pos.len())));
    }
    let iterable = a.pos[0].clone();
    let start = kwarg(a, "start").unwrap_or(Value::Int(1));
    run_async(|ctx| async move {
        let mut acc = start;
        let it = ctx.resolve(protocol::get_iter(&iterable)).await?;
        while let Some(x) = protocol::next_item(&ctx, &it).await? {
            acc = ctx.resolve(ops::binary(crate::ast::BinOp::Mul, &acc, &x)).await?;
        }
        Ok(acc)
    })
}

// ---- fsum ----

/// The exactly rounded sum of `items`, by CPython's `math_fsum` (Shewchuk's algorithm
/// with non-overlapping partials, then a half-even correction across partials).
/// `Err` carries the exception: OverflowError or ValueError with CPython's message.
pub fn fsum_f64(items: impl IntoIterator<Item = f64>) -> Result<f64, (ExcType, &'static str)> {
    let mut partials: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    for xsave in items {
        let mut x = xsave;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err((ExcType::OverflowError, "intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err((ExcType::ValueError, "-inf + inf in fsum"));
        }
        return Ok(special_sum);
    }
    let mut hi = 0.0;
    let mut n = partials.len();
    if n > 0 {
        n -= 1;
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    Ok(hi)
}

fn fsum(a: &Args) -> PyResult {
    no_kw(a, "math.fsum")?;
    check_args(a, "math.fsum", 1, 1)?;
    let iterable = a.pos[0].clone();
    run_async(|ctx| async move {
        let items = iterate(&ctx, &iterable).await?;
        let xs = items.iter().map(to_f64).collect::<PyResult<Vec<f64>>>()?;
        fsum_f64(xs).map(Value::Float).map_err(|(class, msg)| ex::raise(class, msg))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fsum_is_exactly_rounded() {
        assert_eq!(fsum_f64(vec![0.1; 10]), Ok(1.0));
        assert_eq!(fsum_f64(vec![1e-16, 1.0, 1e16]), Ok(1.0000000000000002e16));
        assert_eq!(fsum_f64(vec![1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]), Ok(1e-100));
        assert_eq!(fsum_f64(vec![]), Ok(0.0));
        assert_eq!(fsum_f64(vec![2.0f64.powi(53), -0.5, -2.0f64.powi(-54)]), Ok(2.0f64.powi(53) - 1.0));
    }

    #[test]
    fn fsum_specials() {
        assert_eq!(fsum_f64(vec![1e308, 1e308]), Err((ExcType::OverflowError, "intermediate overflow in fsum")));
        assert_eq!(fsum_f64(vec![f64::INFINITY, f64::NEG_INFINITY]), Err((ExcType::ValueError, "-inf + inf in fsum")));
        assert_eq!(fsum_f64(vec![f64::INFINITY, 1.0]), Ok(f64::INFINITY));
        assert!(fsum_f64(vec![f64::NAN, 1.0]).unwrap().is_nan());
    }

    #[test]
    fn frexp_and_ldexp() {
        assert_eq!(frexp_f64(8.0), (0.5, 4));
        assert_eq!(frexp_f64(5e-324), (0.5, -1073));
        assert_eq!(ldexp_f64(0.5, -1073), 5e-324);
        assert_eq!(ldexp_f64(0.75, -1074), 5e-324);
        assert_eq!(ldexp_f64(1.0, 1024), f64::INFINITY);
        assert_eq!(ldexp_f64(0.5, 1024), f64::MAX / f64::MAX * 2f64.powi(1023));
    }
}
