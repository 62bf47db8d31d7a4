//! The functions of `cmath` on finite values, with the algorithms of CPython's
//! `cmathmodule.c` (scaling near overflow and underflow, `log1p` near the unit circle).
//! Each returns `Err(Domain)` or `Err(Range)` where CPython sets `EDOM` or `ERANGE`.

use crate::numeric::complex::Complex;
use std::f64::consts::{FRAC_PI_2, LN_10, LN_2};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// `ValueError: math domain error`
    Domain,
    /// `OverflowError: math range error`
    Range,
}

pub type CResult = Result<Complex, MathError>;

const LARGE_DOUBLE: f64 = f64::MAX / 4.0;
const SQRT_LARGE_DOUBLE: f64 = 6.703903964971299e153;
const LOG_LARGE_DOUBLE: f64 = 708.3964185322641;
const SQRT_DBL_MIN: f64 = 1.4916681462400413e-154;

/// `asinh` as glibc computes it (the last bit differs from Rust's), which CPython calls.
trait GlibcAsinh {
    fn asinh_glibc(self) -> f64;
}

impl GlibcAsinh for f64 {
    fn asinh_glibc(self) -> f64 {
        crate::modules::math::glibc::asinh(self)
    }
}

fn c(re: f64, im: f64) -> Complex {
    Complex::new(re, im)
}

fn finite(z: Complex) -> bool {
    z.re.is_finite() && z.im.is_finite()
}

/// An infinite result from finite input overflowed.
fn checked(z: Complex, input: Complex) -> CResult {
    if finite(input) && !finite(z) {
        Err(MathError::Range)
    } else {
        Ok(z)
    }
}

pub fn sqrt(z: Complex) -> CResult {
    if !finite(z) {
        return Ok(sqrt_special(z));
    }
    if z.re == 0.0 && z.im == 0.0 {
        return Ok(c(0.0, z.im));
    }
    let (ax, ay) = (z.re.abs(), z.im.abs());
    let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        let ax = ax * 2f64.powi(53);
        (ax + ax.hypot(ay * 2f64.powi(53))).sqrt() * 2f64.powi(-27)
    } else {
        let ax = ax / 8.0;
        2.0 * (ax + ax.hypot(ay / 8.0)).sqrt()
    };
    let d = ay / (2.0 * s);
    Ok(if z.re >= 0.0 { c(s, d.copysign(z.im)) } else { c(d, s.copysign(z.im)) })
}

/// C99 Annex G's square roots of infinities and NaNs.
fn sqrt_special(z: Complex) -> Complex {
    if z.im.is_infinite() {
        return c(f64::INFINITY, z.im);
    }
    if z.re.is_nan() {
        return c(f64::NAN, f64::NAN);
    }
    if z.re.is_infinite() {
        if z.re > 0.0 {
            return c(f64::INFINITY, if z.im.is_nan() { f64::NAN } else { 0.0f64.copysign(z.im) });
        }
        return c(if z.im.is_nan() { f64::NAN } else { 0.0 }, f64::INFINITY.copysign(z.im));
    }
    c(f64::NAN, f64::NAN)
}

pub fn exp(z: Complex) -> CResult {
    if z.im == 0.0 {
        return checked(c(z.re.exp(), z.im), z);
    }
    let r = if z.re > LOG_LARGE_DOUBLE {
        let l = (z.re - 1.0).exp();
        c(l * z.im.cos() * std::f64::consts::E, l * z.im.sin() * std::f64::consts::E)
    } else {
        let l = z.re.exp();
        c(l * z.im.cos(), l * z.im.sin())
    };
    checked(r, z)
}

pub fn log(z: Complex) -> CResult {
    let (ax, ay) = (z.re.abs(), z.im.abs());
    let re = if ax.is_infinite() || ay.is_infinite() {
        f64::INFINITY
    } else if ax.is_nan() || ay.is_nan() {
        f64::NAN
    } else if ax > LARGE_DOUBLE || ay > LARGE_DOUBLE {
        (ax / 2.0).hypot(ay / 2.0).ln() + LN_2
    } else if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        if ax > 0.0 || ay > 0.0 {
            (ax * 2f64.powi(53)).hypot(ay * 2f64.powi(53)).ln() - 53.0 * LN_2
        } else {
            return Err(MathError::Domain);
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
            ((am - 1.0) * (am + 1.0) + an * an).ln_1p() / 2.0
        } else {
            h.ln()
        }
    };
    Ok(c(re, z.im.atan2(z.re)))
}

pub fn log10(z: Complex) -> CResult {
    let l = log(z)?;
    Ok(c(l.re / LN_10, l.im / LN_10))
}

/// `i * z`
fn times_i(z: Complex) -> Complex {
    c(-z.im, z.re)
}

/// `-i * z`
fn times_minus_i(z: Complex) -> Complex {
    c(z.im, -z.re)
}

pub fn cosh(z: Complex) -> CResult {
    let r = if z.re.abs() > LOG_LARGE_DOUBLE {
        let x = z.re - 1.0f64.copysign(z.re);
        c(z.im.cos() * x.cosh() * std::f64::consts::E, z.im.sin() * x.sinh() * std::f64::consts::E)
    } else {
        c(z.im.cos() * z.re.cosh(), z.im.sin() * z.re.sinh())
    };
    checked(r, z)
}

pub fn sinh(z: Complex) -> CResult {
    let r = if z.re.abs() > LOG_LARGE_DOUBLE {
        let x = z.re - 1.0f64.copysign(z.re);
        c(z.im.cos() * x.sinh() * std::f64::consts::E, z.im.sin() * x.cosh() * std::f64::consts::E)
    } else {
        c(z.im.cos() * z.re.sinh(), z.im.sin() * z.re.cosh())
    };
    checked(r, z)
}

pub fn tanh(z: Complex) -> CResult {
    if z.re.abs() > LOG_LARGE_DOUBLE {
        return Ok(c(1.0f64.copysign(z.re), 4.0 * z.im.sin() * z.im.cos() * (-2.0 * z.re.abs()).exp()));
    }
    let (tx, ty, cx) = (z.re.tanh(), z.im.tan(), 1.0 / z.re.cosh());
    let txty = tx * ty;
    let denom = 1.0 + txty * txty;
    Ok(c(tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx))
}

pub fn cos(z: Complex) -> CResult {
    cosh(times_i(z))
}

pub fn sin(z: Complex) -> CResult {
    sinh(times_i(z)).map(times_minus_i)
}

pub fn tan(z: Complex) -> CResult {
    tanh(times_i(z)).map(times_minus_i)
}

pub fn asinh(z: Complex) -> CResult {
    if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        let l = (z.re / 2.0).hypot(z.im / 2.0).ln() + LN_2 * 2.0;
        let re = if z.im >= 0.0 { l.copysign(z.re) } else { -l.copysign(-z.re) };
        return Ok(c(re, z.im.atan2(z.re.abs())));
    }
    let s1 = sqrt(c(1.0 + z.im, -z.re))?;
    let s2 = sqrt(c(1.0 - z.im, z.re))?;
    Ok(c((s1.re * s2.im - s2.re * s1.im).asinh_glibc(), z.im.atan2(s1.re * s2.re - s1.im * s2.im)))
}

pub fn asin(z: Complex) -> CResult {
    asinh(times_i(z)).map(times_minus_i)
}

pub fn acos(z: Complex) -> CResult {
    if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        let l = (z.re / 2.0).hypot(z.im / 2.0).ln() + LN_2 * 2.0;
        let im = if z.re < 0.0 { -l.copysign(z.im) } else { l.copysign(-z.im) };
        return Ok(c(z.im.abs().atan2(z.re), im));
    }
    let s1 = sqrt(c(1.0 - z.re, -z.im))?;
    let s2 = sqrt(c(1.0 + z.re, z.im))?;
    Ok(c(2.0 * s1.re.atan2(s2.re), (s2.re * s1.im - s2.im * s1.re).asinh_glibc()))
}

pub fn acosh(z: Complex) -> CResult {
    if z.re.abs() > LARGE_DOUBLE || z.im.abs() > LARGE_DOUBLE {
        return Ok(c((z.re / 2.0).hypot(z.im / 2.0).ln() + LN_2 * 2.0, z.im.atan2(z.re)));
    }
    let s1 = sqrt(c(z.re - 1.0, z.im))?;
    let s2 = sqrt(c(z.re + 1.0, z.im))?;
    Ok(c((s1.re * s2.re + s1.im * s2.im).asinh_glibc(), 2.0 * s1.im.atan2(s2.re)))
}

pub fn atanh(z: Complex) -> CResult {
    if z.re < 0.0 {
        return atanh(c(-z.re, -z.im)).map(|r| c(-r.re, -r.im));
    }
    let ay = z.im.abs();
    if z.re > SQRT_LARGE_DOUBLE || ay > SQRT_LARGE_DOUBLE {
        let h = (z.re / 2.0).hypot(z.im / 2.0);
        return Ok(c(z.re / 4.0 / h / h, -FRAC_PI_2.copysign(-z.im)));
    }
    if z.re == 1.0 && ay < SQRT_DBL_MIN {
        if ay == 0.0 {
            return Err(MathError::Domain);
        }
        return Ok(c(-(ay.sqrt() / ay.hypot(2.0).sqrt()).ln(), (2.0f64.atan2(-ay) / 2.0).copysign(z.im)));
    }
    let re = (4.0 * z.re / ((1.0 - z.re) * (1.0 - z.re) + ay * ay)).ln_1p() / 4.0;
    Ok(c(re, -(-2.0 * z.im).atan2((1.0 - z.re) * (1.0 + z.re) - ay * ay) / 2.0))
}

pub fn atan(z: Complex) -> CResult {
    atanh(times_i(z)).map(times_minus_i)
}

/// `rect(r, phi)`.
pub fn rect(r: f64, phi: f64) -> CResult {
    if r.is_finite() && phi.is_finite() {
        if r == 0.0 {
            return Ok(c(0.0, 0.0));
        }
        return Ok(c(r * phi.cos(), r * phi.sin()));
    }
    if phi.is_finite() && phi != 0.0 {
        return Ok(c(r * phi.cos(), r * phi.sin()));
    }
    if r.is_infinite() && phi == 0.0 {
        return Ok(c(r, phi * r.signum()));
    }
    if r.is_finite() && phi.is_infinite() {
        return Err(MathError::Domain);
    }
    Ok(c(f64::NAN, f64::NAN))
}
