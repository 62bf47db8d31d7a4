//! The `binascii` module: hex and base64 conversions, `crc32` and `crc_hqx`, and
//! `binascii.Error`. The `base64` module is built on the same functions.

use crate::intern::intern;
use crate::modules::builtins::index_arg;
use crate::modules::bytes::{buffer, hex_args};
use crate::modules::classes::module_exception;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::runtime::exceptions::{new_exception, type_error, value_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("binascii")));
    m.set(intern("__name__"), Value::str("binascii"));
    m.set(intern("Error"), Value::Class(module_exception("binascii", "Error", ExcType::ValueError)));
    m.set(intern("Incomplete"), Value::Class(module_exception("binascii", "Incomplete", ExcType::Exception)));
    let fns: &[(&'static str, NativeFn)] = &[
        ("hexlify", hexlify),
        ("b2a_hex", hexlify),
        ("unhexlify", unhexlify),
        ("a2b_hex", unhexlify),
        ("b2a_base64", b2a_base64),
        ("a2b_base64", a2b_base64),
        ("crc32", |a| checksum(a, "crc32", 0, |d, v| crc32(d, v as u32) as i64)),
        ("crc_hqx", |a| checksum(a, "crc_hqx", -1, |d, v| crc_hqx(d, v as u16) as i64)),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// `binascii.Error(msg)`.
pub fn error(msg: impl Into<String>) -> Flow {
    let class = module_exception("binascii", "Error", ExcType::ValueError);
    Flow::Raise(new_exception(&class, vec![Value::str(msg.into())]))
}

/// A bytes-like argument.
pub fn data(v: &Value) -> PyResult<Vec<u8>> {
    buffer(v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

/// A bytes-like or ASCII str argument, as the decoding functions take.
pub fn ascii_data(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Str(s) if !s.is_ascii() => Err(value_error("string argument should contain only ASCII characters")),
        Value::Str(s) => Ok(s.s.as_bytes().to_vec()),
        other => buffer(other).ok_or_else(|| {
            type_error(format!("argument should be bytes, buffer or ASCII string, not '{}'", type_name(other)))
        }),
    }
}

fn arg(a: &Args, i: usize, name: &str, func: &str) -> PyResult<Value> {
    a.pos
        .get(i)
        .cloned()
        .or_else(|| crate::runtime::args::kwarg(a, name))
        .ok_or_else(|| type_error(format!("{}() missing required argument '{}' (pos {})", func, name, i + 1)))
}

fn hexlify(a: &Args) -> PyResult {
    let d = data(&arg(a, 0, "data", "hexlify")?)?;
    let get = |i: usize, name: &str| a.pos.get(i).cloned().or_else(|| crate::runtime::args::kwarg(a, name));
    Ok(Value::bytes(hex_args(&d, &get(1, "sep"), &get(2, "bytes_per_sep"))?.into_bytes()))
}

/// Hex digits to bytes: `Odd-length string`, `Non-hexadecimal digit found`.
pub fn from_hex(text: &[u8]) -> PyResult<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return Err(error("Odd-length string"));
    }
    text.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16).ok_or_else(|| error("Non-hexadecimal digit found"));
            Ok((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

fn unhexlify(a: &Args) -> PyResult {
    Ok(Value::bytes(from_hex(&ascii_data(&arg(a, 0, "hexstr", "unhexlify")?)?)?))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn to_base64(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len().div_ceil(3) * 4);
    for chunk in d.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { B64[(n >> (18 - 6 * i) & 63) as usize] } else { b'=' });
        }
    }
    out
}

fn b2a_base64(a: &Args) -> PyResult {
    let d = data(&arg(a, 0, "data", "b2a_base64")?)?;
    let newline = crate::runtime::args::kwarg(a, "newline").is_none_or(|v| crate::vm::ops::truthy(&v).unwrap_or(true));
    let mut out = to_base64(&d);
    if newline {
        out.push(b'\n');
    }
    Ok(Value::bytes(out))
}

/// Base64 to bytes as `a2b_base64` decodes it: other characters are skipped, and decoding
/// stops at complete padding; `strict` rejects all of that with CPython's messages.
pub fn from_base64(text: &[u8], strict: bool) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut quad, mut acc, mut pads, mut count) = (0usize, 0u32, 0usize, 0usize);
    let mut padding_started = false;
    for (i, &c) in text.iter().enumerate() {
        if c == b'=' {
            if strict && count == 0 {
                return Err(error("Leading padding not allowed"));
            }
            padding_started = true;
            pads += 1;
            if quad >= 2 && quad + pads >= 4 {
                if strict && text[i + 1..].iter().any(|&x| x != b'=') {
                    return Err(error("Excess data after padding"));
                }
                // The group's last 12 or 18 bits hold one or two bytes.
                if quad == 2 {
                    out.push((acc >> 4) as u8);
                } else {
                    out.extend([(acc >> 10) as u8, (acc >> 2) as u8]);
                }
                return Ok(out);
            }
            continue;
        }
        let Some(v) = B64.iter().position(|&x| x == c) else {
            if strict {
                return Err(error("Only base64 data is allowed"));
            }
            continue;
        };
        if strict && padding_started {
            return Err(error("Discontinuous padding not allowed"));
        }
        pads = 0;
        count += 1;
        acc = acc << 6 | v as u32;
        quad += 1;
        if quad == 4 {
            out.extend([(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            quad = 0;
            acc = 0;
        }
    }
    match quad {
        0 => Ok(out),
        1 => Err(error(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            count
        ))),
        _ => Err(error("Incorrect padding")),
    }
}

fn a2b_base64(a: &Args) -> PyResult {
    let text = ascii_data(&arg(a, 0, "data", "a2b_base64")?)?;
    let strict =
        crate::runtime::args::kwarg(a, "strict_mode").is_some_and(|v| crate::vm::ops::truthy(&v).unwrap_or(true));
    Ok(Value::bytes(from_base64(&text, strict)?))
}

pub fn crc32(d: &[u8], value: u32) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(value);
    h.update(d);
    h.finalize()
}

/// CRC-CCITT (polynomial 0x1021), as `binascii.crc_hqx`.
fn crc_hqx(d: &[u8], value: u16) -> u16 {
    d.iter().fold(value, |mut crc, &b| {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { crc << 1 ^ 0x1021 } else { crc << 1 };
        }
        crc
    })
}

/// `crc32(data, value=0)`-style checksums; `default` < 0 means the value is required.
pub fn checksum(a: &Args, name: &str, default: i64, f: fn(&[u8], u64) -> i64) -> PyResult {
    let d =
        data(a.pos.first().ok_or_else(|| type_error(format!("{}() missing required argument 'data' (pos 1)", name)))?)?;
    let value = match a.pos.get(1) {
        Some(v) => index_arg(v).or_else(|_| {
            crate::runtime::protocol::to_bigint(v)
                .and_then(|n| {
                    num_traits::ToPrimitive::to_u64(&(n & num_bigint::BigInt::from(u64::MAX))).map(|x| x as i64)
                })
                .ok_or_else(|| type_error("an integer is required"))
        })?,
        None if default >= 0 => default,
        None => return Err(type_error(format!("{} expected 2 arguments, got 1", name))),
    };
    Ok(Value::Int(f(&d, value as u64)))
}
