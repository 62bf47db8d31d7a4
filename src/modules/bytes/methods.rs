//! Searching, splitting, joining and testing methods of bytes and bytearray.

use super::{buffer, byte_of, bytes_arg, like, params, this, Entry};
use crate::modules::builtins::index_arg;
use crate::object::function::Args;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::{codecs, protocol, type_name};
use crate::value::{PyBytes, Value};
use crate::vm::native::run_async;
use crate::vm::PyResult;

pub(super) const METHODS: &[Entry] = &[
    ("count", count),
    ("find", find),
    ("rfind", rfind),
    ("index", index),
    ("rindex", rindex),
    ("startswith", startswith),
    ("endswith", endswith),
    ("split", split),
    ("rsplit", rsplit),
    ("splitlines", splitlines),
    ("join", join),
    ("partition", partition),
    ("rpartition", rpartition),
    ("replace", replace),
    ("removeprefix", removeprefix),
    ("removesuffix", removesuffix),
    ("decode", decode),
    ("isalpha", |a| test(a, "isalpha", u8::is_ascii_alphabetic)),
    ("isdigit", |a| test(a, "isdigit", u8::is_ascii_digit)),
    ("isalnum", |a| test(a, "isalnum", u8::is_ascii_alphanumeric)),
    ("isspace", |a| test(a, "isspace", is_space)),
    ("isascii", isascii),
    ("isupper", |a| cased(a, "isupper", u8::is_ascii_uppercase, u8::is_ascii_lowercase)),
    ("islower", |a| cased(a, "islower", u8::is_ascii_lowercase, u8::is_ascii_uppercase)),
    ("istitle", istitle),
];

/// ASCII whitespace as bytes methods see it (space, `\t\n\v\f\r`).
pub(super) fn is_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The first index of `sub` in `hay[start..end]`.
fn find_sub(hay: &[u8], sub: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    if sub.is_empty() {
        return Some(start);
    }
    hay[start..end].windows(sub.len()).position(|w| w == sub).map(|i| i + start)
}

fn rfind_sub(hay: &[u8], sub: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    if sub.is_empty() {
        return Some(end);
    }
    hay[start..end].windows(sub.len()).rposition(|w| w == sub).map(|i| i + start)
}

/// A `start`/`end` argument, clamped into `0..=len` as slicing does.
fn bound(v: &Option<Value>, len: usize, default: usize) -> PyResult<usize> {
    let n = match v {
        None | Some(Value::None) => return Ok(default),
        Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => {
            index_arg(v).unwrap_or(if matches!(v, Value::BigInt(b) if b.sign() == num_bigint::Sign::Minus) {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            })
        }
        Some(_) => return Err(type_error("slice indices must be integers or None or have an __index__ method")),
    };
    let len = len as i64;
    Ok(if n < 0 { (n + len).max(0) } else { n.min(len) } as usize)
}

/// The needle of count/find/index: a bytes-like object or a single byte as an int.
fn needle(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(vec![byte_of(v)?]),
        _ => buffer(v).ok_or_else(|| {
            type_error(format!("argument should be integer or bytes-like object, not '{}'", type_name(v)))
        }),
    }
}

/// The receiver, needle and range of count/find/index and friends.
fn search_args(a: &Args, name: &str) -> PyResult<(Vec<u8>, Vec<u8>, usize, usize)> {
    let (b, p) = params(a, name, &["", "", ""], 1)?;
    let data = b.data.borrow().clone();
    let sub = needle(p[0].as_ref().expect("required"))?;
    let start = bound(&p[1], data.len(), 0)?;
    let end = bound(&p[2], data.len(), data.len())?;
    Ok((data, sub, start, end))
}

fn count(a: &Args) -> PyResult {
    let (data, sub, start, end) = search_args(a, "count")?;
    if start > end {
        return Ok(Value::Int(0));
    }
    if sub.is_empty() {
        return Ok(Value::Int((end - start + 1) as i64));
    }
    let (mut n, mut i) = (0, start);
    while let Some(j) = find_sub(&data, &sub, i, end) {
        n += 1;
        i = j + sub.len();
    }
    Ok(Value::Int(n))
}

fn position(found: Option<usize>) -> Value {
    Value::Int(found.map_or(-1, |i| i as i64))
}

fn find(a: &Args) -> PyResult {
    let (data, sub, start, end) = search_args(a, "find")?;
    Ok(position(find_sub(&data, &sub, start, end)))
}

fn rfind(a: &Args) -> PyResult {
    let (data, sub, start, end) = search_args(a, "rfind")?;
    Ok(position(rfind_sub(&data, &sub, start, end)))
}

fn index(a: &Args) -> PyResult {
    let (data, sub, start, end) = search_args(a, "index")?;
    find_sub(&data, &sub, start, end)
        .map(|i| Value::Int(i as i64))
        .ok_or_else(|| ex::value_error("subsection not found"))
}

fn rindex(a: &Args) -> PyResult {
    let (data, sub, start, end) = search_args(a, "rindex")?;
    rfind_sub(&data, &sub, start, end)
        .map(|i| Value::Int(i as i64))
        .ok_or_else(|| ex::value_error("subsection not found"))
}

fn affix(a: &Args, name: &str, at_end: bool) -> PyResult {
    let (b, p) = params(a, name, &["", "", ""], 1)?;
    let data = b.data.borrow();
    let start = bound(&p[1], data.len(), 0)?;
    let end = bound(&p[2], data.len(), data.len())?;
    let candidates: Vec<Value> = match p[0].as_ref().expect("required") {
        Value::Tuple(t) => t.items.to_vec(),
        other => vec![other.clone()],
    };
    let single = !matches!(p[0], Some(Value::Tuple(_)));
    for c in candidates {
        let Some(sub) = buffer(&c) else {
            return Err(type_error(if single {
                format!("{} first arg must be bytes or a tuple of bytes, not {}", name, type_name(&c))
            } else {
                format!("a bytes-like object is required, not '{}'", type_name(&c))
            }));
        };
        if start > end || end - start < sub.len() {
            continue;
        }
        let window = &data[start..end];
        if (at_end && window.ends_with(&sub)) || (!at_end && window.starts_with(&sub)) {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn startswith(a: &Args) -> PyResult {
    affix(a, "startswith", false)
}

fn endswith(a: &Args) -> PyResult {
    affix(a, "endswith", true)
}

/// The separator and the split count of split/rsplit.
fn split_args(a: &Args, name: &str) -> PyResult<(std::rc::Rc<PyBytes>, Option<Vec<u8>>, usize)> {
    let (b, p) = params(a, name, &["sep", "maxsplit"], 0)?;
    let sep = match &p[0] {
        None | Some(Value::None) => None,
        Some(v) => {
            let sep = bytes_arg(v)?;
            if sep.is_empty() {
                return Err(ex::value_error("empty separator"));
            }
            Some(sep)
        }
    };
    let max = match &p[1] {
        None => -1,
        Some(v) => index_arg(v)?,
    };
    Ok((b.clone(), sep, if max < 0 { usize::MAX } else { max as usize }))
}

fn split(a: &Args) -> PyResult {
    let (b, sep, max) = split_args(a, "split")?;
    let data = b.data.borrow();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    match sep {
        Some(sep) => {
            let mut i = 0;
            while parts.len() < max {
                match find_sub(&data, &sep, i, data.len()) {
                    Some(j) => {
                        parts.push(data[i..j].to_vec());
                        i = j + sep.len();
                    }
                    None => break,
                }
            }
            parts.push(data[i..].to_vec());
        }
        None => {
            let mut i = 0;
            loop {
                while i < data.len() && is_space(&data[i]) {
                    i += 1;
                }
                if i == data.len() {
                    break;
                }
                if parts.len() == max {
                    parts.push(data[i..].to_vec());
                    break;
                }
                let start = i;
                while i < data.len() && !is_space(&data[i]) {
                    i += 1;
                }
                parts.push(data[start..i].to_vec());
            }
        }
    }
    Ok(Value::list(parts.into_iter().map(|p| like(&b, p)).collect()))
}

fn rsplit(a: &Args) -> PyResult {
    let (b, sep, max) = split_args(a, "rsplit")?;
    let data = b.data.borrow();
    let mut parts: Vec<Vec<u8>> = Vec::new();
    match sep {
        Some(sep) => {
            let mut end = data.len();
            while parts.len() < max {
                match rfind_sub(&data, &sep, 0, end) {
                    Some(j) => {
                        parts.push(data[j + sep.len()..end].to_vec());
                        end = j;
                    }
                    None => break,
                }
            }
            parts.push(data[..end].to_vec());
        }
        None => {
            let mut end = data.len();
            loop {
                while end > 0 && is_space(&data[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if parts.len() == max {
                    parts.push(data[..end].to_vec());
                    break;
                }
                let stop = end;
                while end > 0 && !is_space(&data[end - 1]) {
                    end -= 1;
                }
                parts.push(data[end..stop].to_vec());
            }
        }
    }
    parts.reverse();
    Ok(Value::list(parts.into_iter().map(|p| like(&b, p)).collect()))
}

fn splitlines(a: &Args) -> PyResult {
    let (b, p) = params(a, "splitlines", &["keepends"], 0)?;
    let keep = match &p[0] {
        None => false,
        Some(v) => crate::vm::ops::truthy(v).unwrap_or(true),
    };
    let data = b.data.borrow();
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let start = i;
        while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
            i += 1;
        }
        let mut eol = i;
        if i < data.len() {
            eol = if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
        }
        out.push(like(b, data[start..if keep { eol } else { i }].to_vec()));
        i = eol;
    }
    Ok(Value::list(out))
}

fn join(a: &Args) -> PyResult {
    let (b, p) = params(a, "join", &[""], 1)?;
    let (b, source) = (b.clone(), p[0].clone().expect("required"));
    run_async(move |ctx| async move {
        let items = match protocol::iterate(&ctx, &source).await {
            Err(crate::vm::Flow::Raise(_)) if protocol::get_iter(&source).is_err() => {
                return Err(type_error("can only join an iterable"))
            }
            other => other?,
        };
        let sep = b.data.borrow().clone();
        let mut out = Vec::new();
        for (i, x) in items.iter().enumerate() {
            let Some(part) = buffer(x) else {
                return Err(type_error(format!(
                    "sequence item {}: expected a bytes-like object, {} found",
                    i,
                    type_name(x)
                )));
            };
            if i > 0 {
                out.extend_from_slice(&sep);
            }
            out.extend(part);
        }
        Ok(like(&b, out))
    })
}

fn partition_at(a: &Args, name: &str, from_end: bool) -> PyResult {
    let (b, p) = params(a, name, &[""], 1)?;
    let sep = bytes_arg(p[0].as_ref().expect("required"))?;
    if sep.is_empty() {
        return Err(ex::value_error("empty separator"));
    }
    let data = b.data.borrow();
    let found = if from_end { rfind_sub(&data, &sep, 0, data.len()) } else { find_sub(&data, &sep, 0, data.len()) };
    let parts = match found {
        Some(i) => [data[..i].to_vec(), sep.clone(), data[i + sep.len()..].to_vec()],
        None if from_end => [Vec::new(), Vec::new(), data.to_vec()],
        None => [data.to_vec(), Vec::new(), Vec::new()],
    };
    Ok(Value::tuple(parts.into_iter().map(|p| like(b, p)).collect()))
}

fn partition(a: &Args) -> PyResult {
    partition_at(a, "partition", false)
}

fn rpartition(a: &Args) -> PyResult {
    partition_at(a, "rpartition", true)
}

fn replace(a: &Args) -> PyResult {
    let (b, p) = params(a, "replace", &["", "", ""], 2)?;
    let old = bytes_arg(p[0].as_ref().expect("required"))?;
    let new = bytes_arg(p[1].as_ref().expect("required"))?;
    let max = match &p[2] {
        None => usize::MAX,
        Some(v) => usize::try_from(index_arg(v)?).unwrap_or(usize::MAX),
    };
    let data = b.data.borrow();
    let mut out = Vec::with_capacity(data.len());
    let (mut i, mut n) = (0, 0);
    if old.is_empty() {
        while n < max && i <= data.len() {
            out.extend_from_slice(&new);
            n += 1;
            if i < data.len() {
                out.push(data[i]);
            }
            i += 1;
        }
        if i < data.len() {
            out.extend_from_slice(&data[i..]);
        }
        return Ok(like(b, out));
    }
    while n < max {
        match find_sub(&data, &old, i, data.len()) {
            Some(j) => {
                out.extend_from_slice(&data[i..j]);
                out.extend_from_slice(&new);
                i = j + old.len();
                n += 1;
            }
            None => break,
        }
    }
    out.extend_from_slice(&data[i..]);
    Ok(like(b, out))
}

fn removeprefix(a: &Args) -> PyResult {
    let (b, p) = params(a, "removeprefix", &[""], 1)?;
    let prefix = bytes_arg(p[0].as_ref().expect("required"))?;
    let data = b.data.borrow();
    Ok(like(b, data.strip_prefix(prefix.as_slice()).unwrap_or(&data).to_vec()))
}

fn removesuffix(a: &Args) -> PyResult {
    let (b, p) = params(a, "removesuffix", &[""], 1)?;
    let suffix = bytes_arg(p[0].as_ref().expect("required"))?;
    let data = b.data.borrow();
    Ok(like(b, data.strip_suffix(suffix.as_slice()).unwrap_or(&data).to_vec()))
}

fn decode(a: &Args) -> PyResult {
    let (b, p) = params(a, "decode", &["encoding", "errors"], 0)?;
    let text = |v: &Option<Value>, what: &str, default: &str| -> PyResult<String> {
        match v {
            None => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.s.to_string()),
            Some(other) => {
                Err(type_error(format!("decode() argument '{}' must be str, not {}", what, type_name(other))))
            }
        }
    };
    let encoding = text(&p[0], "encoding", "utf-8")?;
    let errors = text(&p[1], "errors", "strict")?;
    let data = b.data.borrow().clone();
    Ok(Value::str(codecs::decode(&data, &encoding, &errors)?))
}

fn test(a: &Args, name: &str, f: fn(&u8) -> bool) -> PyResult {
    let (b, _) = params(a, name, &[], 0)?;
    let data = b.data.borrow();
    Ok(Value::Bool(!data.is_empty() && data.iter().all(f)))
}

fn isascii(a: &Args) -> PyResult {
    let (b, _) = params(a, "isascii", &[], 0)?;
    Ok(Value::Bool(b.data.borrow().is_ascii()))
}

/// isupper / islower: some byte of the case, none of the other.
fn cased(a: &Args, name: &str, want: fn(&u8) -> bool, other: fn(&u8) -> bool) -> PyResult {
    let (b, _) = params(a, name, &[], 0)?;
    let data = b.data.borrow();
    Ok(Value::Bool(data.iter().any(want) && !data.iter().any(other)))
}

fn istitle(a: &Args) -> PyResult {
    let b = this(a, "istitle")?;
    params(a, "istitle", &[], 0)?;
    let data = b.data.borrow();
    let (mut cased, mut prev_cased) = (false, false);
    for c in data.iter() {
        if c.is_ascii_uppercase() {
            if prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else if c.is_ascii_lowercase() {
            if !prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    Ok(Value::Bool(cased))
}
