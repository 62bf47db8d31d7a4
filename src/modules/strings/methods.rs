//! The ordinary `str` methods: case mapping, predicates, searching, splitting, padding.

use super::{clinic, int_arg, old_style, str_arg, str_param, with_keywords, Entry};
use crate::chars as uni;
use crate::object::function::Args;
use crate::runtime::alloc::check_str_len;
use crate::runtime::exceptions::{is_instance_of, type_error, value_error};
use crate::runtime::ExcType;
use crate::runtime::{protocol, type_name};
use crate::value::{PyStr, Value};
use crate::vm::native::run_async;
use crate::vm::{ops, Flow, PyResult};
use num_traits::Signed;
use std::rc::Rc;

pub const METHODS: &[Entry] = &[
    ("upper", |a| case_map(a, "upper", |s| s.to_uppercase())),
    ("lower", |a| case_map(a, "lower", |s| s.to_lowercase())),
    ("casefold", |a| case_map(a, "casefold", casefold)),
    ("swapcase", |a| case_map(a, "swapcase", swapcase)),
    ("capitalize", |a| case_map(a, "capitalize", capitalize)),
    ("title", |a| case_map(a, "title", title)),
    ("isupper", |a| predicate(a, "isupper", is_upper)),
    ("islower", |a| predicate(a, "islower", is_lower)),
    ("istitle", |a| predicate(a, "istitle", is_title)),
    ("isspace", |a| predicate(a, "isspace", |s| all_nonempty(s, uni::is_space))),
    ("isalpha", |a| predicate(a, "isalpha", |s| all_nonempty(s, uni::is_alpha))),
    ("isalnum", |a| predicate(a, "isalnum", |s| all_nonempty(s, uni::is_alnum))),
    ("isdecimal", |a| predicate(a, "isdecimal", |s| all_nonempty(s, uni::is_decimal))),
    ("isdigit", |a| predicate(a, "isdigit", |s| all_nonempty(s, uni::is_digit))),
    ("isnumeric", |a| predicate(a, "isnumeric", |s| all_nonempty(s, uni::is_numeric))),
    ("isascii", |a| predicate(a, "isascii", |s| s.is_ascii())),
    ("isprintable", |a| predicate(a, "isprintable", |s| s.chars().all(uni::is_printable))),
    ("isidentifier", |a| predicate(a, "isidentifier", uni::is_identifier)),
    ("strip", |a| strip(a, "strip", true, true)),
    ("lstrip", |a| strip(a, "lstrip", true, false)),
    ("rstrip", |a| strip(a, "rstrip", false, true)),
    ("split", |a| split(a, "split", false)),
    ("rsplit", |a| split(a, "rsplit", true)),
    ("splitlines", splitlines),
    ("replace", replace),
    ("find", |a| find(a, "find", false).map(Value::Int)),
    ("rfind", |a| find(a, "rfind", true).map(Value::Int)),
    ("index", |a| index(a, "index", false)),
    ("rindex", |a| index(a, "rindex", true)),
    ("count", count),
    ("startswith", |a| starts_ends(a, "startswith", false)),
    ("endswith", |a| starts_ends(a, "endswith", true)),
    ("center", |a| justify(a, "center")),
    ("ljust", |a| justify(a, "ljust")),
    ("rjust", |a| justify(a, "rjust")),
    ("zfill", zfill),
    ("partition", |a| partition(a, "partition", false)),
    ("rpartition", |a| partition(a, "rpartition", true)),
    ("expandtabs", expandtabs),
    ("removeprefix", |a| remove_affix(a, "removeprefix", false)),
    ("removesuffix", |a| remove_affix(a, "removesuffix", true)),
    ("translate", translate),
];

// ---- case mapping ----

fn case_map(a: &Args, name: &str, f: fn(&str) -> String) -> PyResult {
    let (s, _) = clinic(a, name, 0, 0)?;
    Ok(Value::str(f(&s.s)))
}

fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        uni::fold_of(c, &mut out);
    }
    out
}

fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if uni::is_upper(c) {
            uni::lower_at(&chars, i, &mut out);
        } else if uni::is_lower(c) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            uni::title_of(c, &mut out);
        } else {
            uni::lower_at(&chars, i, &mut out);
        }
    }
    out
}

fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_cased {
            uni::lower_at(&chars, i, &mut out);
        } else {
            uni::title_of(c, &mut out);
        }
        previous_cased = uni::is_cased(c);
    }
    out
}

// ---- predicates ----

fn predicate(a: &Args, name: &str, f: fn(&str) -> bool) -> PyResult {
    let (s, _) = clinic(a, name, 0, 0)?;
    Ok(Value::Bool(f(&s.s)))
}

fn all_nonempty(s: &str, f: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if uni::is_lower(c) || uni::is_title(c) {
            return false;
        }
        cased |= uni::is_upper(c);
    }
    cased
}

fn is_lower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if uni::is_upper(c) || uni::is_title(c) {
            return false;
        }
        cased |= uni::is_lower(c);
    }
    cased
}

fn is_title(s: &str) -> bool {
    let (mut cased, mut previous_cased) = (false, false);
    for c in s.chars() {
        if uni::is_upper(c) || uni::is_title(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if uni::is_lower(c) {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    cased
}

// ---- indices ----

/// Byte offset of code point `cp` (clamped to the string).
fn byte_at(s: &PyStr, cp: i64) -> usize {
    let cp = cp.clamp(0, s.chars as i64) as usize;
    s.byte_offset(cp)
}

fn cp_len(s: &str) -> i64 {
    s.chars().count() as i64
}

/// A `start`/`end` argument of `find` and kin: an int or None.
fn slice_index(v: Option<&Value>) -> PyResult<Option<i64>> {
    Ok(match v {
        None | Some(Value::None) => None,
        Some(Value::Int(i)) => Some(*i),
        Some(Value::Bool(b)) => Some(*b as i64),
        Some(Value::BigInt(b)) => Some(if b.is_negative() { i64::MIN } else { i64::MAX }),
        Some(_) => return Err(type_error("slice indices must be integers or None or have an __index__ method")),
    })
}

/// CPython's `ADJUST_INDICES`: clamps `start`/`end` to `0..=len`, counting negatives from the end.
fn adjust(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let fix = |v: i64| {
        if v < 0 {
            (v.saturating_add(len)).max(0)
        } else {
            v
        }
    };
    let start = fix(start.unwrap_or(0));
    let end = fix(end.unwrap_or(i64::MAX)).min(len);
    (start, end)
}

/// Receiver, substring argument and adjusted range of `find`, `count`, `index` and kin.
fn find_args<'a>(a: &'a Args, name: &str) -> PyResult<(&'a Rc<PyStr>, &'a Value, i64, i64)> {
    let (s, args) = old_style(a, name, 1, 3)?;
    let start = slice_index(args.get(1))?;
    let end = slice_index(args.get(2))?;
    let (start, end) = adjust(start, end, s.chars);
    Ok((s, &args[0], start, end))
}

fn find(a: &Args, name: &str, reverse: bool) -> PyResult<i64> {
    let (s, sub, start, end) = find_args(a, name)?;
    let sub = str_arg(sub)?;
    if end - start < sub.chars as i64 {
        return Ok(-1);
    }
    let (bs, be) = (byte_at(s, start), byte_at(s, end));
    let hay = &s.s[bs..be];
    let found = if reverse { hay.rfind(&*sub.s) } else { hay.find(&*sub.s) };
    Ok(match found {
        Some(b) if s.is_ascii() => start + b as i64,
        Some(b) => start + cp_len(&hay[..b]),
        None => -1,
    })
}

fn index(a: &Args, name: &str, reverse: bool) -> PyResult {
    match find(a, name, reverse)? {
        -1 => Err(value_error("substring not found")),
        i => Ok(Value::Int(i)),
    }
}

fn count(a: &Args) -> PyResult {
    let (s, sub, start, end) = find_args(a, "count")?;
    let sub = str_arg(sub)?;
    if end - start < sub.chars as i64 {
        return Ok(Value::Int(0));
    }
    if sub.s.is_empty() {
        return Ok(Value::Int(end - start + 1));
    }
    let hay = &s.s[byte_at(s, start)..byte_at(s, end)];
    Ok(Value::Int(hay.matches(&*sub.s).count() as i64))
}

fn starts_ends(a: &Args, name: &str, at_end: bool) -> PyResult {
    let (s, prefix, start, end) = find_args(a, name)?;
    let matches = |p: &PyStr| {
        let from = end - p.chars as i64;
        if from < start {
            return false;
        }
        if at_end {
            s.s[byte_at(s, from)..byte_at(s, end)] == *p.s
        } else {
            s.s[byte_at(s, start)..].starts_with(&*p.s)
        }
    };
    match prefix {
        Value::Str(p) => Ok(Value::Bool(matches(p))),
        Value::Tuple(t) => {
            for item in t.items.iter() {
                match item {
                    Value::Str(p) if matches(p) => return Ok(Value::Bool(true)),
                    Value::Str(_) => {}
                    other => {
                        return Err(type_error(format!(
                            "tuple for {} must only contain str, not {}",
                            name,
                            type_name(other)
                        )))
                    }
                }
            }
            Ok(Value::Bool(false))
        }
        other => Err(type_error(format!("{} first arg must be str or a tuple of str, not {}", name, type_name(other)))),
    }
}

// ---- strip, split, replace ----

fn strip(a: &Args, name: &str, left: bool, right: bool) -> PyResult {
    let (s, args) = clinic(a, name, 0, 1)?;
    let text: &str = &s.s;
    let out = match args.first() {
        None | Some(Value::None) => {
            let t = if left { text.trim_start_matches(uni::is_space) } else { text };
            if right {
                t.trim_end_matches(uni::is_space)
            } else {
                t
            }
        }
        Some(Value::Str(chars)) => {
            let set = |c: char| chars.s.contains(c);
            let t = if left { text.trim_start_matches(set) } else { text };
            if right {
                t.trim_end_matches(set)
            } else {
                t
            }
        }
        Some(_) => return Err(type_error(format!("{} arg must be None or str", name))),
    };
    if out.len() == text.len() {
        return Ok(a.pos[0].clone());
    }
    Ok(Value::str(out))
}

fn to_list(parts: Vec<&str>) -> Value {
    Value::list(parts.into_iter().map(Value::str).collect())
}

fn split(a: &Args, name: &str, reverse: bool) -> PyResult {
    let (s, params) = with_keywords(a, name, &["sep", "maxsplit"])?;
    let sep = match &params[0] {
        None | Some(Value::None) => None,
        Some(Value::Str(sep)) => Some(sep.clone()),
        Some(other) => return Err(type_error(format!("must be str or None, not {}", type_name(other)))),
    };
    let maxsplit = match &params[1] {
        None => -1,
        Some(v) => int_arg(v)?,
    };
    let text: &str = &s.s;
    let parts = match sep {
        None if reverse => rsplit_whitespace(text, maxsplit),
        None => split_whitespace(text, maxsplit),
        Some(sep) if sep.s.is_empty() => return Err(value_error("empty separator")),
        Some(sep) => {
            let sep: &str = &sep.s;
            match (maxsplit < 0, reverse) {
                (true, false) => text.split(sep).collect(),
                (true, true) => {
                    let mut v: Vec<&str> = text.rsplit(sep).collect();
                    v.reverse();
                    v
                }
                (false, false) => text.splitn((maxsplit as usize).saturating_add(1), sep).collect(),
                (false, true) => {
                    let mut v: Vec<&str> = text.rsplitn((maxsplit as usize).saturating_add(1), sep).collect();
                    v.reverse();
                    v
                }
            }
        }
    };
    Ok(to_list(parts))
}

/// Byte index of the first non-space character at or after `from`.
fn skip_space(s: &str, from: usize) -> usize {
    s[from..].char_indices().find(|&(_, c)| !uni::is_space(c)).map_or(s.len(), |(i, _)| from + i)
}

/// Byte index of the first space character at or after `from`.
fn find_space(s: &str, from: usize) -> usize {
    s[from..].char_indices().find(|&(_, c)| uni::is_space(c)).map_or(s.len(), |(i, _)| from + i)
}

fn split_whitespace(s: &str, maxsplit: i64) -> Vec<&str> {
    let mut out = Vec::new();
    let mut left = maxsplit;
    let mut i = 0;
    while left != 0 {
        i = skip_space(s, i);
        if i == s.len() {
            break;
        }
        let j = find_space(s, i);
        out.push(&s[i..j]);
        i = j;
        left -= 1;
    }
    if i < s.len() {
        i = skip_space(s, i);
        if i < s.len() {
            out.push(&s[i..]);
        }
    }
    out
}

/// End of the last non-space character before `to` (0 when there is none).
fn rskip_space(s: &str, to: usize) -> usize {
    s[..to].char_indices().rev().find(|&(_, c)| !uni::is_space(c)).map_or(0, |(i, c)| i + c.len_utf8())
}

/// End of the last space character before `to` (0 when there is none).
fn rfind_space(s: &str, to: usize) -> usize {
    s[..to].char_indices().rev().find(|&(_, c)| uni::is_space(c)).map_or(0, |(i, c)| i + c.len_utf8())
}

fn rsplit_whitespace(s: &str, maxsplit: i64) -> Vec<&str> {
    let mut out = Vec::new();
    let mut left = maxsplit;
    let mut j = s.len();
    while left != 0 {
        j = rskip_space(s, j);
        if j == 0 {
            break;
        }
        let i = rfind_space(s, j);
        out.push(&s[i..j]);
        j = i;
        left -= 1;
    }
    if j > 0 {
        j = rskip_space(s, j);
        if j > 0 {
            out.push(&s[..j]);
        }
    }
    out.reverse();
    out
}

fn splitlines(a: &Args) -> PyResult {
    let (s, params) = with_keywords(a, "splitlines", &["keepends"])?;
    let keepends = match &params[0] {
        None => false,
        Some(v) => int_arg(v)? != 0,
    };
    let text: &str = &s.s;
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !uni::is_linebreak(c) {
            continue;
        }
        let mut eol = i + c.len_utf8();
        if c == '\r' && chars.peek().map(|&(_, n)| n) == Some('\n') {
            chars.next();
            eol += 1;
        }
        out.push(&text[start..if keepends { eol } else { i }]);
        start = eol;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    Ok(to_list(out))
}

fn replace(a: &Args) -> PyResult {
    let (s, args) = clinic(a, "replace", 2, 3)?;
    let old = str_param(&args[0], "replace", Some(1))?;
    let new = str_param(&args[1], "replace", Some(2))?;
    let count = match args.get(2) {
        Some(v) => int_arg(v)?,
        None => -1,
    };
    if count == 0 || (!old.s.is_empty() && !s.s.contains(&*old.s)) {
        return Ok(a.pos[0].clone());
    }
    Ok(Value::str(if count < 0 { s.s.replace(&*old.s, &new.s) } else { s.s.replacen(&*old.s, &new.s, count as usize) }))
}

// ---- padding ----

/// The optional fill character argument of `center`, `ljust` and `rjust`.
fn fill_char(v: Option<&Value>) -> PyResult<char> {
    match v {
        None => Ok(' '),
        Some(Value::Str(s)) if s.chars == 1 => Ok(s.s.chars().next().expect("one char")),
        Some(Value::Str(_)) => Err(type_error("The fill character must be exactly one character long")),
        Some(other) => {
            Err(type_error(format!("The fill character must be a unicode character, not {}", type_name(other))))
        }
    }
}

fn justify(a: &Args, name: &str) -> PyResult {
    let (s, args) = clinic(a, name, 1, 2)?;
    let width = int_arg(&args[0])?;
    let fill = fill_char(args.get(1))?;
    let len = s.chars as i64;
    if width <= len {
        return Ok(a.pos[0].clone());
    }
    check_str_len(width)?;
    let marg = width - len;
    let left = match name {
        "center" => marg / 2 + (marg & width & 1),
        "ljust" => 0,
        _ => marg,
    };
    let mut out = crate::runtime::alloc::string_with_capacity(s.s.len() + marg as usize * fill.len_utf8())?;
    out.extend(std::iter::repeat_n(fill, left as usize));
    out.push_str(&s.s);
    out.extend(std::iter::repeat_n(fill, (marg - left) as usize));
    Ok(Value::str(out))
}

fn zfill(a: &Args) -> PyResult {
    let (s, args) = clinic(a, "zfill", 1, 1)?;
    let width = int_arg(&args[0])?;
    let len = s.chars as i64;
    if width <= len {
        return Ok(a.pos[0].clone());
    }
    check_str_len(width)?;
    // One buffer of the final size: a huge width must not cost twice its memory.
    let text: &str = &s.s;
    let mut out = crate::runtime::alloc::string_with_capacity(text.len() + (width - len) as usize)?;
    let rest = match text.strip_prefix(['+', '-']) {
        Some(rest) => {
            out.push_str(&text[..1]);
            rest
        }
        None => text,
    };
    out.extend(std::iter::repeat_n('0', (width - len) as usize));
    out.push_str(rest);
    Ok(Value::str(out))
}

fn expandtabs(a: &Args) -> PyResult {
    let (s, params) = with_keywords(a, "expandtabs", &["tabsize"])?;
    let tabsize = match &params[0] {
        None => 8,
        Some(v) => int_arg(v)?,
    };
    if i32::try_from(tabsize).is_err() {
        return Err(crate::runtime::exceptions::overflow_error("Python int too large to convert to C int"));
    }
    if !s.s.contains('\t') {
        return Ok(a.pos[0].clone());
    }
    let mut out = String::with_capacity(s.s.len());
    let mut col: i64 = 0;
    for c in s.s.chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let n = tabsize - col % tabsize;
                    check_str_len(out.len() as i64 + n)?;
                    out.try_reserve(n as usize).map_err(|_| crate::runtime::exceptions::memory_error())?;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(Value::str(out))
}

// ---- partition, affixes ----

fn partition(a: &Args, name: &str, reverse: bool) -> PyResult {
    let (s, args) = clinic(a, name, 1, 1)?;
    let sep = str_arg(&args[0])?;
    if sep.s.is_empty() {
        return Err(value_error("empty separator"));
    }
    let text: &str = &s.s;
    let found = if reverse { text.rfind(&*sep.s) } else { text.find(&*sep.s) };
    let parts = match found {
        Some(i) => [Value::str(&text[..i]), args[0].clone(), Value::str(&text[i + sep.s.len()..])],
        None if reverse => [Value::str(""), Value::str(""), a.pos[0].clone()],
        None => [a.pos[0].clone(), Value::str(""), Value::str("")],
    };
    Ok(Value::tuple(parts.to_vec()))
}

fn remove_affix(a: &Args, name: &str, suffix: bool) -> PyResult {
    let (s, args) = clinic(a, name, 1, 1)?;
    let affix = str_param(&args[0], name, None)?;
    let text: &str = &s.s;
    let rest = if suffix { text.strip_suffix(&*affix.s) } else { text.strip_prefix(&*affix.s) };
    match rest {
        Some(rest) if !affix.s.is_empty() => Ok(Value::str(rest)),
        _ => Ok(a.pos[0].clone()),
    }
}

// ---- translate ----

/// `str.maketrans(x[, y[, z]])` (a static method).
pub fn maketrans(a: &Args) -> PyResult {
    if !a.kw.is_empty() {
        return Err(type_error("maketrans() takes no keyword arguments"));
    }
    let n = a.pos.len();
    if n == 0 {
        return Err(type_error("maketrans expected at least 1 argument, got 0"));
    }
    if n > 3 {
        return Err(type_error(format!("maketrans expected at most 3 arguments, got {}", n)));
    }
    let mut items = Vec::new();
    if n == 1 {
        let Value::Dict(d) = &a.pos[0] else {
            return Err(type_error("if you give only one argument to maketrans it must be a dict"));
        };
        for (k, v) in d.items() {
            let key = match &k {
                Value::Str(s) if s.chars == 1 => Value::Int(s.s.chars().next().expect("one char") as i64),
                Value::Str(_) => return Err(value_error("string keys in translate table must be of length 1")),
                Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => k.clone(),
                _ => return Err(type_error("keys in translate table must be strings or integers")),
            };
            items.push(key);
            items.push(v);
        }
        return protocol::make_dict(items);
    }
    let x = str_param(&a.pos[0], "maketrans", Some(1))?;
    let y = str_param(&a.pos[1], "maketrans", Some(2))?;
    let z = a.pos.get(2).map(|z| str_param(z, "maketrans", Some(3))).transpose()?;
    if x.chars != y.chars {
        return Err(value_error("the first two maketrans arguments must have equal length"));
    }
    for (cx, cy) in x.s.chars().zip(y.s.chars()) {
        items.push(Value::Int(cx as i64));
        items.push(Value::Int(cy as i64));
    }
    if let Some(z) = z {
        for c in z.s.chars() {
            items.push(Value::Int(c as i64));
            items.push(Value::None);
        }
    }
    protocol::make_dict(items)
}

fn translate(a: &Args) -> PyResult {
    let (s, args) = clinic(a, "translate", 1, 1)?;
    let (s, table) = (s.clone(), args[0].clone());
    run_async(|ctx| async move {
        let mut out = String::with_capacity(s.s.len());
        for c in s.s.chars() {
            match ctx.resolve(ops::get_item(&table, &Value::Int(c as i64))).await {
                Ok(Value::None) => {}
                Ok(Value::Str(r)) => out.push_str(&r.s),
                Ok(Value::Int(n)) => match u32::try_from(n).ok().and_then(char::from_u32) {
                    Some(m) => out.push(m),
                    None => return Err(value_error("character mapping must be in range(0x110000)")),
                },
                Ok(_) => return Err(type_error("character mapping must return integer, None or str")),
                Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::LookupError) => out.push(c),
                Err(e) => return Err(e),
            }
        }
        Ok(Value::str(out))
    })
}
