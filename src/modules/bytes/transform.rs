//! Methods of bytes and bytearray that make a changed copy: case mapping, padding,
//! stripping, tab expansion and translation.

use super::{buffer, bytes_arg, like, params, Entry};
use crate::modules::builtins::index_arg;
use crate::object::function::Args;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;

pub(super) const METHODS: &[Entry] = &[
    ("upper", |a| map(a, "upper", |d| d.to_ascii_uppercase())),
    ("lower", |a| map(a, "lower", |d| d.to_ascii_lowercase())),
    ("swapcase", |a| map(a, "swapcase", |d| d.iter().map(swap_case).collect())),
    ("title", |a| map(a, "title", title)),
    ("capitalize", |a| map(a, "capitalize", capitalize)),
    ("center", |a| pad(a, "center")),
    ("ljust", |a| pad(a, "ljust")),
    ("rjust", |a| pad(a, "rjust")),
    ("zfill", zfill),
    ("strip", |a| strip(a, "strip", true, true)),
    ("lstrip", |a| strip(a, "lstrip", true, false)),
    ("rstrip", |a| strip(a, "rstrip", false, true)),
    ("expandtabs", expandtabs),
    ("translate", translate),
];

fn swap_case(c: &u8) -> u8 {
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        c.to_ascii_uppercase()
    }
}

fn title(d: &[u8]) -> Vec<u8> {
    let mut prev_cased = false;
    d.iter()
        .map(|&c| {
            let out = if prev_cased { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
            prev_cased = c.is_ascii_alphabetic();
            out
        })
        .collect()
}

fn capitalize(d: &[u8]) -> Vec<u8> {
    d.iter().enumerate().map(|(i, c)| if i == 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }).collect()
}

fn map(a: &Args, name: &str, f: fn(&[u8]) -> Vec<u8>) -> PyResult {
    let (b, _) = params(a, name, &[], 0)?;
    let out = f(&b.data.borrow());
    Ok(like(b, out))
}

fn width_arg(v: &Option<Value>) -> PyResult<usize> {
    Ok(usize::try_from(index_arg(v.as_ref().expect("required"))?).unwrap_or(0))
}

fn pad(a: &Args, name: &str) -> PyResult {
    let (b, p) = params(a, name, &["", ""], 1)?;
    let width = width_arg(&p[0])?;
    let fill = match &p[1] {
        None => b' ',
        Some(v) => match buffer(v) {
            Some(f) if f.len() == 1 && matches!(v, Value::Bytes(_)) => f[0],
            _ => {
                return Err(type_error(format!(
                    "{}() argument 2 must be a byte string of length 1, not {}",
                    name,
                    type_name(v)
                )))
            }
        },
    };
    let data = b.data.borrow();
    if width <= data.len() {
        return Ok(like(b, data.clone()));
    }
    let total = width - data.len();
    let left = match name {
        "ljust" => 0,
        "rjust" => total,
        // CPython's centring puts the odd byte on the left when the width is odd.
        _ => total / 2 + (total & width & 1),
    };
    let mut out = vec![fill; left];
    out.extend_from_slice(&data);
    out.resize(width, fill);
    Ok(like(b, out))
}

fn zfill(a: &Args) -> PyResult {
    let (b, p) = params(a, "zfill", &[""], 1)?;
    let width = width_arg(&p[0])?;
    let data = b.data.borrow();
    if width <= data.len() {
        return Ok(like(b, data.clone()));
    }
    let sign = matches!(data.first(), Some(b'+' | b'-')) as usize;
    let mut out = data[..sign].to_vec();
    out.resize(width - data.len() + sign, b'0');
    out.extend_from_slice(&data[sign..]);
    Ok(like(b, out))
}

fn strip(a: &Args, name: &str, left: bool, right: bool) -> PyResult {
    let (b, p) = params(a, name, &[""], 0)?;
    let chars = match &p[0] {
        None | Some(Value::None) => None,
        Some(v) => Some(bytes_arg(v)?),
    };
    let strips = |c: &u8| match &chars {
        Some(set) => set.contains(c),
        None => super::methods::is_space(c),
    };
    let data = b.data.borrow();
    let mut start = 0;
    let mut end = data.len();
    if left {
        while start < end && strips(&data[start]) {
            start += 1;
        }
    }
    if right {
        while end > start && strips(&data[end - 1]) {
            end -= 1;
        }
    }
    Ok(like(b, data[start..end].to_vec()))
}

fn expandtabs(a: &Args) -> PyResult {
    let (b, p) = params(a, "expandtabs", &["tabsize"], 0)?;
    let size = match &p[0] {
        None => 8,
        Some(v) => index_arg(v)?,
    };
    let data = b.data.borrow();
    let mut out = Vec::with_capacity(data.len());
    let mut col = 0i64;
    for &c in data.iter() {
        match c {
            b'\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.extend(std::iter::repeat_n(b' ', n as usize));
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(like(b, out))
}

fn translate(a: &Args) -> PyResult {
    let (b, p) = params(a, "translate", &["", "delete"], 1)?;
    let table = match p[0].as_ref().expect("required") {
        Value::None => None,
        v => {
            let t = bytes_arg(v)?;
            if t.len() != 256 {
                return Err(ex::value_error("translation table must be 256 characters long"));
            }
            Some(t)
        }
    };
    let delete = match &p[1] {
        None => Vec::new(),
        Some(v) => bytes_arg(v)?,
    };
    let data = b.data.borrow();
    let out =
        data.iter().filter(|c| !delete.contains(c)).map(|&c| table.as_ref().map_or(c, |t| t[c as usize])).collect();
    Ok(like(b, out))
}

/// `bytes.maketrans(frm, to)`: the 256-byte table mapping each byte of `frm` to `to`'s.
pub(super) fn maketrans(a: &Args) -> PyResult {
    if !a.kw.is_empty() {
        return Err(type_error("maketrans() takes no keyword arguments"));
    }
    if a.pos.len() != 2 {
        return Err(type_error(format!("maketrans expected 2 arguments, got {}", a.pos.len())));
    }
    let (frm, to) = (bytes_arg(&a.pos[0])?, bytes_arg(&a.pos[1])?);
    if frm.len() != to.len() {
        return Err(ex::value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (f, t) in frm.into_iter().zip(to) {
        table[f as usize] = t;
    }
    Ok(Value::bytes(table))
}
