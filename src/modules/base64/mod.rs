//! The `base64` module: base64 (standard, URL-safe, with altchars, `encodebytes`), base32,
//! base32hex, base16, base85 and ascii85.

use crate::intern::intern;
use crate::modules::binascii::{ascii_data, data, error, from_base64, from_hex, to_base64};
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::kwarg;
use crate::runtime::define::native;
use crate::runtime::exceptions::{type_error, value_error};
use crate::value::Value;
use crate::vm::ops::truthy;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("base64")));
    m.set(intern("__name__"), Value::str("base64"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("b64encode", |a| b64encode(a, None)),
        ("b64decode", |a| b64decode(a, None)),
        ("standard_b64encode", |a| b64encode(a, None)),
        ("standard_b64decode", |a| b64decode(a, None)),
        ("urlsafe_b64encode", |a| b64encode(a, Some(*b"-_"))),
        ("urlsafe_b64decode", |a| b64decode(a, Some(*b"-_"))),
        ("encodebytes", encodebytes),
        ("decodebytes", |a| Ok(Value::bytes(from_base64(&data(param(a, 0, "s")?)?, false)?))),
        ("b32encode", |a| Ok(Value::bytes(b32encode(&data(param(a, 0, "s")?)?, B32)))),
        ("b32decode", |a| b32decode(a, B32)),
        ("b32hexencode", |a| Ok(Value::bytes(b32encode(&data(param(a, 0, "s")?)?, B32HEX)))),
        ("b32hexdecode", |a| b32decode(a, B32HEX)),
        ("b16encode", |a| {
            let d = data(param(a, 0, "s")?)?;
            Ok(Value::bytes(crate::modules::bytes::hex_with_sep(&d, None, 1).to_ascii_uppercase().into_bytes()))
        }),
        ("b16decode", b16decode),
        ("b85encode", |a| b85encode(a, B85, false)),
        ("b85decode", |a| b85decode(a, B85, false)),
        ("a85encode", |a| b85encode(a, A85, true)),
        ("a85decode", |a| b85decode(a, A85, true)),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

fn param<'a>(a: &'a Args, i: usize, name: &str) -> PyResult<&'a Value> {
    a.pos
        .get(i)
        .or_else(|| a.kw.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v))
        .ok_or_else(|| type_error(format!("missing required argument '{}' (pos {})", name, i + 1)))
}

fn flag(a: &Args, i: usize, name: &str) -> bool {
    a.pos.get(i).cloned().or_else(|| kwarg(a, name)).is_some_and(|v| truthy(&v).unwrap_or(true))
}

/// The two characters standing for `+` and `/`.
fn altchars(a: &Args, fixed: Option<[u8; 2]>) -> PyResult<Option<[u8; 2]>> {
    if fixed.is_some() {
        return Ok(fixed);
    }
    match a.pos.get(1).cloned().or_else(|| kwarg(a, "altchars")) {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let alt = ascii_data(&v)?;
            if alt.len() != 2 {
                return Err(value_error(format!(
                    "invalid altchars: {}",
                    crate::modules::bytes::bytes_literal(&alt, false)
                )));
            }
            Ok(Some([alt[0], alt[1]]))
        }
    }
}

fn b64encode(a: &Args, fixed: Option<[u8; 2]>) -> PyResult {
    let mut out = to_base64(&data(param(a, 0, "s")?)?);
    if let Some([plus, slash]) = altchars(a, fixed)? {
        for c in &mut out {
            *c = match *c {
                b'+' => plus,
                b'/' => slash,
                other => other,
            };
        }
    }
    Ok(Value::bytes(out))
}

fn b64decode(a: &Args, fixed: Option<[u8; 2]>) -> PyResult {
    let mut text = ascii_data(param(a, 0, "s")?)?;
    if let Some([plus, slash]) = altchars(a, fixed)? {
        for c in &mut text {
            *c = if *c == plus {
                b'+'
            } else if *c == slash {
                b'/'
            } else {
                *c
            };
        }
    }
    Ok(Value::bytes(from_base64(&text, flag(a, 2, "validate"))?))
}

/// Base64 in lines of at most 76 characters, each ending in a newline.
fn encodebytes(a: &Args) -> PyResult {
    let d = data(param(a, 0, "s")?)?;
    let mut out = Vec::new();
    for chunk in d.chunks(57) {
        out.extend(to_base64(chunk));
        out.push(b'\n');
    }
    Ok(Value::bytes(out))
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B32HEX: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

fn b32encode(d: &[u8], alphabet: &[u8; 32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len().div_ceil(5) * 8);
    for chunk in d.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = block.iter().fold(0u64, |n, &b| n << 8 | b as u64);
        let used = [0, 2, 4, 5, 7, 8][chunk.len()];
        for i in 0..8 {
            out.push(if i < used { alphabet[(n >> (35 - 5 * i) & 31) as usize] } else { b'=' });
        }
    }
    out
}

fn b32decode(a: &Args, alphabet: &[u8; 32]) -> PyResult {
    let mut text = ascii_data(param(a, 0, "s")?)?;
    if text.len() % 8 != 0 {
        return Err(error("Incorrect padding"));
    }
    if let Some(m) = a.pos.get(2).cloned().or_else(|| kwarg(a, "map01")).filter(|v| !v.is_none()) {
        let to = ascii_data(&m)?;
        for c in &mut text {
            match *c {
                b'0' => *c = b'O',
                b'1' => *c = to.first().copied().unwrap_or(b'L'),
                _ => {}
            }
        }
    }
    if flag(a, 1, "casefold") {
        text.make_ascii_uppercase();
    }
    let body_len = text.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let pads = text.len() - body_len;
    let keep = match pads {
        0 => 5,
        1 => 4,
        3 => 3,
        4 => 2,
        6 => 1,
        _ => return Err(error("Incorrect padding")),
    };
    let mut out = Vec::with_capacity(text.len() / 8 * 5);
    for (k, block) in text.chunks(8).enumerate() {
        let last = (k + 1) * 8 == text.len();
        let mut n = 0u64;
        for &c in block {
            let v = if c == b'=' && last {
                0
            } else {
                alphabet.iter().position(|&x| x == c).ok_or_else(|| error("Non-base32 digit found"))? as u64
            };
            n = n << 5 | v;
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[3..if last { 3 + keep } else { 8 }]);
    }
    Ok(Value::bytes(out))
}

fn b16decode(a: &Args) -> PyResult {
    let mut text = ascii_data(param(a, 0, "s")?)?;
    if flag(a, 1, "casefold") {
        text.make_ascii_uppercase();
    }
    if text.iter().any(|c| !matches!(c, b'0'..=b'9' | b'A'..=b'F')) {
        return Err(error("Non-base16 digit found"));
    }
    Ok(Value::bytes(from_hex(&text)?))
}

const B85: &[u8; 85] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
/// Ascii85's digits are the characters `!` to `u`.
const A85: &[u8; 85] = b"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstu";

/// base85 (`b85encode(b, pad=False)`) or, with `ascii85`, `a85encode(b)` (whose all-zero
/// groups are `z`).
fn b85encode(a: &Args, alphabet: &[u8; 85], ascii85: bool) -> PyResult {
    let d = data(param(a, 0, "b")?)?;
    let pad = flag(a, 1, "pad") && !ascii85;
    let mut out = Vec::with_capacity(d.len().div_ceil(4) * 5);
    for chunk in d.chunks(4) {
        let mut block = [0u8; 4];
        block[..chunk.len()].copy_from_slice(chunk);
        let mut n = u32::from_be_bytes(block);
        if ascii85 && n == 0 && chunk.len() == 4 {
            out.push(b'z');
            continue;
        }
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = alphabet[(n % 85) as usize];
            n /= 85;
        }
        let keep = if pad || chunk.len() == 4 { 5 } else { chunk.len() + 1 };
        out.extend_from_slice(&digits[..keep]);
    }
    Ok(Value::bytes(out))
}

fn b85decode(a: &Args, alphabet: &[u8; 85], ascii85: bool) -> PyResult {
    let mut text = ascii_data(param(a, 0, "b")?)?;
    if ascii85 {
        text.retain(|c| !c.is_ascii_whitespace());
        text = text.strip_prefix(b"<~").unwrap_or(&text).to_vec();
        text = text.strip_suffix(b"~>").unwrap_or(&text).to_vec();
    }
    let mut out = Vec::with_capacity(text.len() / 5 * 4);
    let mut i = 0;
    while i < text.len() {
        if ascii85 && text[i] == b'z' {
            out.extend([0; 4]);
            i += 1;
            continue;
        }
        let chunk = &text[i..(i + 5).min(text.len())];
        let mut n: u64 = 0;
        for k in 0..5 {
            let v = match chunk.get(k) {
                Some(&c) => alphabet.iter().position(|&x| x == c).ok_or_else(|| {
                    if ascii85 {
                        value_error(format!("Non-Ascii85 digit found: {}", c as char))
                    } else {
                        value_error(format!("bad base85 character at position {}", i + k))
                    }
                })? as u64,
                None => 84,
            };
            n = n * 85 + v;
        }
        if n > u32::MAX as u64 {
            return Err(value_error(if ascii85 {
                "Ascii85 overflow".to_string()
            } else {
                format!("base85 overflow in hunk starting at byte {}", i)
            }));
        }
        let bytes = (n as u32).to_be_bytes();
        // A short last group of `m` digits stands for `m - 1` bytes.
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
        i += 5;
    }
    Ok(Value::bytes(out))
}
