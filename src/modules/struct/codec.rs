//! Packing one value into, and unpacking one from, the bytes of a format item.

use super::format::Mode;
use crate::runtime::exceptions::overflow_error;
use crate::runtime::protocol::to_bigint;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// `struct.error(msg)`.
pub fn error(msg: impl Into<String>) -> Flow {
    let class = crate::modules::classes::module_exception("struct", "error", ExcType::Exception);
    Flow::Raise(crate::runtime::exceptions::new_exception(&class, vec![Value::str(msg.into())]))
}

/// The range error of an integer code, worded as CPython words it for each code and mode.
fn range_error(code: u8, mode: Mode, negative: bool) -> Flow {
    let native = mode == Mode::Native;
    let (name, lo, hi): (String, i128, i128) = match code {
        b'b' => ("byte format".into(), -128, 127),
        b'B' => ("ubyte format".into(), 0, 255),
        b'h' if native => ("short format".into(), -32768, 32767),
        b'H' if native => ("ushort format".into(), 0, 65535),
        b'h' => ("'h' format".into(), -32768, 32767),
        b'H' => ("'H' format".into(), 0, 65535),
        b'i' => ("'i' format".into(), -(1 << 31), (1 << 31) - 1),
        b'I' if !negative => ("'I' format".into(), 0, (1 << 32) - 1),
        b'l' if !native => ("'l' format".into(), -(1 << 31), (1 << 31) - 1),
        b'L' if !native && !negative => ("'L' format".into(), 0, (1 << 32) - 1),
        _ => return error("argument out of range"),
    };
    error(format!("{} requires {} <= number <= {}", name, lo, hi))
}

fn signed(code: u8) -> bool {
    matches!(code, b'b' | b'h' | b'i' | b'l' | b'q' | b'n')
}

/// Packs `v` as one `code` item of `size` bytes into `out`.
pub fn pack_one(code: u8, size: usize, mode: Mode, v: &Value, out: &mut [u8]) -> PyResult<()> {
    let little = mode.little();
    let put = |out: &mut [u8], le: &[u8]| {
        for (i, &b) in le.iter().take(size).enumerate() {
            out[if little { i } else { size - 1 - i }] = b;
        }
    };
    match code {
        b'?' => out[0] = crate::vm::ops::truthy(v).unwrap_or(true) as u8,
        b'c' => match v {
            Value::Bytes(b) if !b.mutable && b.data.borrow().len() == 1 => out[0] = b.data.borrow()[0],
            _ => return Err(error("char format requires a bytes object of length 1")),
        },
        b'e' | b'f' | b'd' => {
            let x = match v {
                Value::Float(f) => *f,
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => to_bigint(v)
                    .and_then(|n| n.to_f64())
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| overflow_error("int too large to convert to float"))?,
                _ => return Err(error("required argument is not a float")),
            };
            match code {
                b'd' => put(out, &x.to_le_bytes()),
                b'f' => {
                    let f = x as f32;
                    if f.is_infinite() && x.is_finite() {
                        return Err(overflow_error("float too large to pack with f format"));
                    }
                    put(out, &f.to_le_bytes())
                }
                _ => put(
                    out,
                    &half_bits(x).ok_or_else(|| overflow_error("float too large to pack with e format"))?.to_le_bytes(),
                ),
            }
        }
        _ => {
            let Some(n) = to_bigint(v).filter(|_| !matches!(v, Value::Float(_))) else {
                return Err(error("required argument is not an integer"));
            };
            let bits = size as u32 * 8;
            let (lo, hi): (BigInt, BigInt) = if signed(code) {
                (-(BigInt::from(1) << (bits - 1)), (BigInt::from(1) << (bits - 1)) - 1)
            } else {
                (BigInt::from(0), (BigInt::from(1) << bits) - 1)
            };
            if n < lo || n > hi {
                return Err(range_error(code, mode, n.sign() == num_bigint::Sign::Minus));
            }
            let mut le = n.to_signed_bytes_le();
            le.resize(size, if n.sign() == num_bigint::Sign::Minus { 0xff } else { 0 });
            put(out, &le);
        }
    }
    Ok(())
}

/// Unpacks one `code` item from `data` (exactly its size).
pub fn unpack_one(code: u8, mode: Mode, data: &[u8]) -> Value {
    let mut le = data.to_vec();
    if !mode.little() {
        le.reverse();
    }
    match code {
        b'?' => Value::Bool(data[0] != 0),
        b'c' => Value::bytes(data.to_vec()),
        b'd' => Value::Float(f64::from_le_bytes(le.try_into().unwrap_or_default())),
        b'f' => Value::Float(f32::from_le_bytes(le.try_into().unwrap_or_default()) as f64),
        b'e' => Value::Float(half_value(u16::from_le_bytes(le.try_into().unwrap_or_default()))),
        _ if signed(code) => Value::from_bigint(BigInt::from_signed_bytes_le(&le)),
        _ => Value::from_bigint(BigInt::from_bytes_le(num_bigint::Sign::Plus, &le)),
    }
}

/// IEEE 754 half precision bits of `x`, rounded half to even; `None` if too large.
fn half_bits(x: f64) -> Option<u16> {
    let sign = if x.is_sign_negative() { 0x8000u16 } else { 0 };
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    let a = x.abs();
    if a.is_infinite() {
        return Some(sign | 0x7c00);
    }
    if a == 0.0 {
        return Some(sign);
    }
    let e = a.log2().floor() as i32;
    // log2 may be off by one near powers of two.
    let e = if 2f64.powi(e) > a {
        e - 1
    } else if 2f64.powi(e + 1) <= a {
        e + 1
    } else {
        e
    };
    if e < -14 {
        let m = (a * 2f64.powi(24)).round_ties_even() as u16;
        return Some(sign | m);
    }
    let mut mant = ((a / 2f64.powi(e) - 1.0) * 1024.0).round_ties_even() as u32;
    let mut e = e;
    if mant == 1024 {
        mant = 0;
        e += 1;
    }
    if e > 15 {
        return None;
    }
    Some(sign | (((e + 15) as u16) << 10) | mant as u16)
}

fn half_value(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = ((bits >> 10) & 0x1f) as i32;
    let m = (bits & 0x3ff) as f64;
    sign * match e {
        0 => m * 2f64.powi(-24),
        31 if m == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + m / 1024.0) * 2f64.powi(e - 15),
    }
}
