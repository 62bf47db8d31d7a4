//! Complex numbers with CPython's algorithms: Smith's division (`_Py_c_quot`), powers by
//! repeated squaring for small integer exponents (`c_powi`) and by polar form otherwise
//! (`_Py_c_pow`), `abs` and the hash.

use super::hash_f64;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Complex {
    pub re: f64,
    pub im: f64,
}

/// Why a complex operation has no result; the caller raises the matching exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplexError {
    /// `ZeroDivisionError: complex division by zero`
    DivisionByZero,
    /// `ZeroDivisionError: 0.0 to a negative or complex power`
    ZeroToNegativePower,
    /// `OverflowError: complex exponentiation`
    PowOverflow,
    /// `OverflowError: absolute value too large`
    AbsOverflow,
}

impl ComplexError {
    pub fn exception(self) -> (&'static str, &'static str) {
        match self {
            ComplexError::DivisionByZero => ("ZeroDivisionError", "complex division by zero"),
            ComplexError::ZeroToNegativePower => ("ZeroDivisionError", "0.0 to a negative or complex power"),
            ComplexError::PowOverflow => ("OverflowError", "complex exponentiation"),
            ComplexError::AbsOverflow => ("OverflowError", "absolute value too large"),
        }
    }
}

impl std::ops::Add for Complex {
    type Output = Complex;
    fn add(self, o: Complex) -> Complex {
        Complex::new(self.re + o.re, self.im + o.im)
    }
}

impl std::ops::Sub for Complex {
    type Output = Complex;
    fn sub(self, o: Complex) -> Complex {
        Complex::new(self.re - o.re, self.im - o.im)
    }
}

impl std::ops::Mul for Complex {
    type Output = Complex;
    fn mul(self, o: Complex) -> Complex {
        Complex::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
    }
}

const ONE: Complex = Complex { re: 1.0, im: 0.0 };

impl Complex {
    pub fn new(re: f64, im: f64) -> Complex {
        Complex { re, im }
    }

    /// Smith's algorithm, as `_Py_c_quot`: scales by the larger part of the divisor.
    pub fn checked_div(self, o: Complex) -> Result<Complex, ComplexError> {
        let (abs_re, abs_im) = (o.re.abs(), o.im.abs());
        if abs_re >= abs_im {
            if abs_re == 0.0 {
                return Err(ComplexError::DivisionByZero);
            }
            let ratio = o.im / o.re;
            let denom = o.re + o.im * ratio;
            Ok(Complex::new((self.re + self.im * ratio) / denom, (self.im - self.re * ratio) / denom))
        } else if abs_im >= abs_re {
            let ratio = o.re / o.im;
            let denom = o.re * ratio + o.im;
            Ok(Complex::new((self.re * ratio + self.im) / denom, (self.im * ratio - self.re) / denom))
        } else {
            // A NaN part in the divisor.
            Ok(Complex::new(f64::NAN, f64::NAN))
        }
    }

    /// `self ** o` as `complex.__pow__`.
    pub fn pow(self, o: Complex) -> Result<Complex, ComplexError> {
        let r = if o.im == 0.0 && o.re == o.re.floor() && o.re.abs() <= 100.0 {
            self.powi(o.re as i64)?
        } else {
            self.pow_polar(o)?
        };
        if r.re.is_infinite() || r.im.is_infinite() {
            return Err(ComplexError::PowOverflow);
        }
        Ok(r)
    }

    fn powi(self, n: i64) -> Result<Complex, ComplexError> {
        if n >= 0 {
            return Ok(self.powu(n as u64));
        }
        ONE.checked_div(self.powu(n.unsigned_abs())).map_err(|_| ComplexError::ZeroToNegativePower)
    }

    fn powu(self, n: u64) -> Complex {
        let (mut r, mut p, mut mask) = (ONE, self, 1u64);
        while mask > 0 && n >= mask {
            if n & mask != 0 {
                r = r * p;
            }
            mask <<= 1;
            p = p * p;
        }
        r
    }

    fn pow_polar(self, o: Complex) -> Result<Complex, ComplexError> {
        if o.re == 0.0 && o.im == 0.0 {
            return Ok(ONE);
        }
        if self.re == 0.0 && self.im == 0.0 {
            if o.im != 0.0 || o.re < 0.0 {
                return Err(ComplexError::ZeroToNegativePower);
            }
            return Ok(Complex::new(0.0, 0.0));
        }
        let vabs = self.re.hypot(self.im);
        let mut len = vabs.powf(o.re);
        let at = self.im.atan2(self.re);
        let mut phase = at * o.re;
        if o.im != 0.0 {
            len /= (at * o.im).exp();
            phase += o.im * vabs.ln();
        }
        Ok(Complex::new(len * phase.cos(), len * phase.sin()))
    }

    /// `abs(z)`: infinite if either part is, even with a NaN in the other.
    pub fn abs(self) -> Result<f64, ComplexError> {
        if self.re.is_infinite() || self.im.is_infinite() {
            return Ok(f64::INFINITY);
        }
        if self.re.is_nan() || self.im.is_nan() {
            return Ok(f64::NAN);
        }
        let r = self.re.hypot(self.im);
        if r.is_infinite() {
            return Err(ComplexError::AbsOverflow);
        }
        Ok(r)
    }

    /// `hash(z)`: equal to the hash of the real part when the imaginary part is zero.
    pub fn hash(self) -> i64 {
        let h = (hash_f64(self.re) as u64).wrapping_add((hash_f64(self.im) as u64).wrapping_mul(1_000_003)) as i64;
        if h == -1 {
            -2
        } else {
            h
        }
    }
}

/// `complex(text)`: `'1+2j'`, `' -1.5e3-2j '`, `'(3j)'`, `'j'`, `'inf'`; `None` if malformed.
pub fn parse_complex(text: &str) -> Option<Complex> {
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('(') {
        s = inner.strip_suffix(')')?.trim();
    }
    if s.is_empty() || s.contains('_') && !valid_underscores(s) {
        return None;
    }
    let s = s.replace('_', "");
    let (body, imaginary) = match s.strip_suffix(['j', 'J']) {
        Some(body) => (body, true),
        None => (s.as_str(), false),
    };
    if !imaginary {
        return parse_real(body).map(|re| Complex::new(re, 0.0));
    }
    // The imaginary part starts at the last sign that does not follow an exponent marker.
    let bytes = body.as_bytes();
    let split =
        (1..bytes.len()).rev().find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    let (re, im) = match split {
        Some(i) => (parse_real(&body[..i])?, parse_imag(&body[i..])?),
        None => (0.0, parse_imag(body)?),
    };
    Some(Complex::new(re, im))
}

/// The coefficient of `j`: a number, or nothing (`j`, `+j`, `-j`).
fn parse_imag(s: &str) -> Option<f64> {
    match s {
        "" | "+" => Some(1.0),
        "-" => Some(-1.0),
        _ => parse_real(s),
    }
}

fn parse_real(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let lower = digits.to_ascii_lowercase();
    let special = matches!(lower.as_str(), "inf" | "infinity" | "nan");
    if !special && !digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    s.parse().ok()
}

/// Underscores only between digits, as in number literals.
fn valid_underscores(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_' || (i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpython_forms() {
        assert_eq!(parse_complex("1+2j"), Some(Complex::new(1.0, 2.0)));
        assert_eq!(parse_complex(" -1.5e3-2j "), Some(Complex::new(-1500.0, -2.0)));
        assert_eq!(parse_complex("j"), Some(Complex::new(0.0, 1.0)));
        assert_eq!(parse_complex("(1e-3+1e+3j)"), Some(Complex::new(1e-3, 1e3)));
        assert_eq!(parse_complex("1+2"), None);
        assert_eq!(parse_complex("abc"), None);
    }

    #[test]
    fn divides_as_cpython() {
        let q = Complex::new(3.0, 4.0).checked_div(Complex::new(1.0, -2.0)).unwrap();
        assert_eq!(q, Complex::new(-1.0, 2.0));
        assert_eq!(Complex::new(1.0, 1.0).checked_div(Complex::new(0.0, 0.0)), Err(ComplexError::DivisionByZero));
    }
}
