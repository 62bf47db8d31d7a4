//! `bytes.hex(sep, bytes_per_sep)` and `bytes.fromhex(string)`; the hex form is shared with
//! `binascii.hexlify` and `memoryview.hex`.

use super::{params, Entry};
use crate::modules::builtins::index_arg;
use crate::object::function::Args;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{type_name, types};
use crate::value::{PyBytes, Value};
use crate::vm::PyResult;
use std::rc::Rc;

pub(super) const METHODS: &[Entry] = &[("hex", hex)];

fn hex(a: &Args) -> PyResult {
    let (b, p) = params(a, "hex", &["sep", "bytes_per_sep"], 0)?;
    let data = b.data.borrow().clone();
    Ok(Value::str(hex_args(&data, &p[0], &p[1])?))
}

/// The hex form of `data` with the optional `sep` and `bytes_per_sep` arguments checked.
pub fn hex_args(data: &[u8], sep: &Option<Value>, per: &Option<Value>) -> PyResult<String> {
    let sep = match sep {
        None => None,
        Some(v) => {
            let text: Vec<u8> = match v {
                Value::Str(s) if !s.is_ascii() => return Err(ex::value_error("sep must be ASCII.")),
                Value::Str(s) => s.s.as_bytes().to_vec(),
                Value::Bytes(b) => b.data.borrow().clone(),
                other => return Err(type_error(format!("object of type '{}' has no len()", type_name(other)))),
            };
            if text.len() != 1 {
                return Err(ex::value_error("sep must be length 1."));
            }
            Some(text[0])
        }
    };
    let per = match per {
        None => 1,
        Some(v) => index_arg(v)?,
    };
    Ok(hex_with_sep(data, sep, per))
}

/// Lower-case hex digits, with `sep` between groups of `per` bytes counted from the right
/// (from the left when `per` is negative).
pub fn hex_with_sep(data: &[u8], sep: Option<u8>, per: i64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(data.len() * 3);
    let group = per.unsigned_abs() as usize;
    for (i, &b) in data.iter().enumerate() {
        if let Some(s) = sep.filter(|_| i > 0 && group > 0) {
            let boundary = if per > 0 { (data.len() - i).is_multiple_of(group) } else { i.is_multiple_of(group) };
            if boundary {
                out.push(s as char);
            }
        }
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// `bytes.fromhex(s)` / `bytearray.fromhex(s)`: pairs of hex digits, with ASCII whitespace
/// allowed between pairs.
pub(super) fn fromhex(a: &Args) -> PyResult {
    let (Some(Value::Class(class)), [s]) = (a.pos.first(), a.pos.get(1..).unwrap_or(&[])) else {
        return Err(type_error(format!(
            "fromhex() takes exactly one argument ({} given)",
            a.pos.len().saturating_sub(1)
        )));
    };
    let Value::Str(s) = s else {
        return Err(type_error(format!("fromhex() argument must be str, not {}", type_name(s))));
    };
    let text = s.s.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut i = 0;
    let digit = |i: usize| text.get(i).and_then(|&c| (c as char).to_digit(16)).ok_or(i);
    let bad = |i: usize| {
        // Positions count code points, as CPython's do.
        let pos = s.s.get(..i).map_or(i, |p| p.chars().count());
        ex::value_error(format!("non-hexadecimal number found in fromhex() arg at position {}", pos))
    };
    while i < text.len() {
        if super::methods::is_space(&text[i]) {
            i += 1;
            continue;
        }
        let hi = digit(i).map_err(bad)?;
        let lo = digit(i + 1).map_err(bad)?;
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    let mutable = Rc::ptr_eq(class, &types().bytearray);
    Ok(Value::Bytes(Rc::new(PyBytes::new(out, mutable))))
}
