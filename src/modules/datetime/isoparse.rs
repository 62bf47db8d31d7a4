//! `fromisoformat` for dates, times and datetimes, accepting what CPython 3.11 accepts:
//! `YYYY-MM-DD`, `YYYYMMDD` and ISO week dates; `HH[:MM[:SS[.f...]]]` or the compact
//! forms; offsets `Z`, `+HH`, `+HH:MM[:SS[.ffffff]]`. A string of the wrong shape gives
//! `None` (the caller's "Invalid isoformat string"); fields out of range give the
//! constructors' errors.

use super::days::{from_iso_calendar, Ymd};
use super::delta::Delta;
use super::time::clock_from;
use super::Clock;
use crate::object::function::Args;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::PyResult;

/// The string argument of a `fromisoformat`.
pub fn text_arg(a: &Args) -> PyResult<String> {
    crate::runtime::args::check_args(a, "fromisoformat", 2, 2)?;
    match &a.pos[1] {
        Value::Str(s) => Ok(s.s.as_str().to_string()),
        _ => Err(type_error("fromisoformat: argument must be str")),
    }
}

/// A run of exactly `n` ASCII digits at the start of `s`.
fn digits(s: &[u8], n: usize) -> Option<i64> {
    let part = s.get(..n)?;
    part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |acc, d| acc * 10 + (d - b'0') as i64))
}

/// How many bytes of `s` the date part takes (the date formats have fixed lengths).
fn date_length(s: &[u8]) -> usize {
    match (s.get(4), s.get(5)) {
        (Some(b'-'), Some(b'W')) if s.get(8) == Some(&b'-') => 10,
        (Some(b'-'), Some(b'W')) => 8,
        (Some(b'-'), _) => 10,
        (Some(b'W'), _) if s.get(7).is_some_and(u8::is_ascii_digit) => 8,
        (Some(b'W'), _) => 7,
        _ => 8,
    }
}

pub fn parse_date(text: &str) -> Option<PyResult<Ymd>> {
    let s = text.as_bytes();
    let year = digits(s, 4)?;
    let (extended, rest) = match s.get(4) {
        Some(b'-') => (true, &s[5..]),
        _ => (false, &s[4..]),
    };
    if rest.first() == Some(&b'W') {
        let week = digits(&rest[1..], 2)?;
        let after = &rest[3..];
        let day = match (extended, after) {
            (_, []) => 1,
            (true, [b'-', d]) | (false, [d]) => digits(&[*d], 1)?,
            _ => return None,
        };
        return Some(from_iso_calendar(year, week, day));
    }
    let (month, day) = if extended {
        if rest.len() != 5 || rest[2] != b'-' {
            return None;
        }
        (digits(rest, 2)?, digits(&rest[3..], 2)?)
    } else {
        if rest.len() != 4 {
            return None;
        }
        (digits(rest, 2)?, digits(&rest[2..], 2)?)
    };
    Some(Ymd::new(year, month, day))
}

/// `HH[:MM[:SS[.fff]]]` (or without colons) at the start of `s`: the fields and the
/// bytes used.
fn parse_hms(s: &[u8]) -> Option<([i64; 4], usize)> {
    let mut fields = [digits(s, 2)?, 0, 0, 0];
    let mut at = 2;
    let extended = s.get(2) == Some(&b':');
    for field in fields.iter_mut().skip(1).take(2) {
        let start = at + extended as usize;
        if at >= s.len() || (extended && s[at] != b':') {
            break;
        }
        match digits(&s[start..], 2) {
            Some(v) => {
                *field = v;
                at = start + 2;
            }
            None if extended => return None,
            None => break,
        }
    }
    if at == 8 - 2 * (!extended as usize) && matches!(s.get(at), Some(b'.' | b',')) {
        let frac: Vec<u8> = s[at + 1..].iter().take_while(|c| c.is_ascii_digit()).copied().collect();
        if frac.is_empty() {
            return None;
        }
        let mut us = 0;
        for i in 0..6 {
            us = us * 10 + frac.get(i).map_or(0, |d| (d - b'0') as i64);
        }
        fields[3] = us;
        at += 1 + frac.len();
    }
    Some((fields, at))
}

/// A time part and its offset: the clock and tzinfo.
pub fn parse_time(text: &str) -> Option<PyResult<(Clock, Value)>> {
    time_part(text.strip_prefix('T').unwrap_or(text).as_bytes())
}

fn time_part(s: &[u8]) -> Option<PyResult<(Clock, Value)>> {
    let (f, at) = parse_hms(s)?;
    let tz = match parse_offset(&s[at..])? {
        Ok(tz) => tz,
        Err(e) => return Some(Err(e)),
    };
    let v = |n: i64| Value::Int(n);
    Some(clock_from(&v(f[0]), &v(f[1]), &v(f[2]), &v(f[3]), &v(0)).map(|c| (c, tz)))
}

/// The tzinfo of an offset suffix (empty: None).
fn parse_offset(s: &[u8]) -> Option<PyResult<Value>> {
    let sign = match s.first() {
        None => return Some(Ok(Value::None)),
        Some(b'Z') if s.len() == 1 => return Some(Ok(super::zone::utc())),
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return None,
    };
    let (f, at) = parse_hms(&s[1..])?;
    if at + 1 != s.len() {
        return None;
    }
    let us = (((f[0] * 60 + f[1]) * 60 + f[2]) * 1_000_000 + f[3]) as i128 * sign;
    let offset = match Delta::from_us(us) {
        Ok(d) => d,
        Err(e) => return Some(Err(e)),
    };
    if offset.is_zero() {
        return Some(Ok(super::zone::utc()));
    }
    if us.abs() >= super::delta::US_PER_DAY {
        return Some(Err(crate::runtime::exceptions::value_error(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).",
        )));
    }
    let zone = super::Zone { offset, name: None };
    Some(Ok(super::new_object(&super::classes().timezone, super::Dt::Zone(zone))))
}

pub fn parse_datetime(text: &str) -> Option<PyResult<(Ymd, Clock, Value)>> {
    let s = text.as_bytes();
    let n = date_length(s).min(s.len());
    // The date part ends on a character boundary only if the text is ASCII there.
    let date_text = text.get(..n)?;
    let d = match parse_date(date_text)? {
        Ok(d) => d,
        Err(e) => return Some(Err(e)),
    };
    let rest = &text[n..];
    let mut chars = rest.chars();
    if chars.next().is_none() {
        return Some(Ok((d, Clock::default(), Value::None)));
    }
    let time_text = chars.as_str();
    if time_text.is_empty() {
        return None;
    }
    let (c, tz) = match time_part(time_text.as_bytes())? {
        Ok(t) => t,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok((d, c, tz)))
}
