//! `datetime.strptime`: CPython's `_strptime` rules in the C locale. The format becomes a
//! list of tokens matched with backtracking in the order CPython's regular expression tries
//! its alternatives, so the same strings match and give the same fields; then the fields
//! make a date as `_strptime` makes one (`%j`, `%U`/`%W` with a weekday, `%G`/`%V`).

use super::days::{iso_week1_monday, Ymd};
use super::delta::Delta;
use super::strftime::{DAY_NAMES, MONTH_NAMES};
use super::{Clock, Dt, Zone};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::repr::str_repr;
use crate::value::Value;
use crate::vm::PyResult;
use std::collections::HashMap;

enum Token {
    Literal(char),
    /// A run of whitespace in the format: one or more whitespace characters.
    Space,
    Directive(char),
}

/// The tokens of a format, with `%c`, `%x` and `%X` expanded as the C locale spells them.
fn tokens(fmt: &str) -> PyResult<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push(Token::Space);
            continue;
        }
        if c != '%' {
            out.push(Token::Literal(c));
            continue;
        }
        let Some(d) = chars.next() else {
            return Err(value_error(format!("stray % in format {}", str_repr(fmt))));
        };
        match d {
            'c' => out.extend(tokens("%a %b %d %H:%M:%S %Y")?),
            'x' => out.extend(tokens("%m/%d/%y")?),
            'X' => out.extend(tokens("%H:%M:%S")?),
            '%' => out.push(Token::Literal('%')),
            'a' | 'A' | 'b' | 'B' | 'd' | 'f' | 'H' | 'I' | 'G' | 'j' | 'm' | 'M' | 'p' | 'S' | 'U' | 'u' | 'V'
            | 'w' | 'W' | 'y' | 'Y' | 'z' | 'Z' => out.push(Token::Directive(d)),
            _ => return Err(value_error(format!("'{}' is a bad directive in format {}", d, str_repr(fmt)))),
        }
    }
    Ok(out)
}

/// Whether `s` (ASCII digits, length 1..) is one of the numbers directive `d` matches at
/// that length.
fn number_fits(d: char, s: &str) -> bool {
    let Ok(n) = s.parse::<u32>() else { return false };
    match (d, s.len()) {
        ('d', 2) => (1..=31).contains(&n),
        ('d' | 'I' | 'm', 1) => n >= 1,
        ('I' | 'm', 2) => (1..=12).contains(&n),
        ('H', 2) => n <= 23,
        ('M', 2) => n <= 59,
        ('U' | 'W', 2) => n <= 53,
        ('V', 2) => (1..=53).contains(&n),
        ('S', 2) => n <= 61,
        ('H' | 'M' | 'S' | 'U' | 'W' | 'V', 1) => true,
        ('j', 3) => (1..=366).contains(&n),
        ('j', 2) => n >= 1,
        ('j', 1) => n >= 1,
        ('f', 1..=6) => true,
        ('y', 2) | ('Y' | 'G', 4) => true,
        ('w', 1) => n <= 6,
        ('u', 1) => (1..=7).contains(&n),
        _ => false,
    }
}

fn max_digits(d: char) -> usize {
    match d {
        'f' => 6,
        'Y' | 'G' => 4,
        'j' => 3,
        'w' | 'u' => 1,
        _ => 2,
    }
}

/// The ways directive `d` can match at the start of `rest`, in the order the regular
/// expression tries them: each is the length in bytes.
fn candidates(d: char, rest: &str) -> Vec<usize> {
    let lower = rest.to_lowercase();
    let names = |list: &[&str]| -> Vec<usize> {
        let mut names: Vec<&str> = list.to_vec();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names
            .into_iter()
            .filter(|n| lower.starts_with(&n.to_lowercase()) && rest.is_char_boundary(n.len()))
            .map(str::len)
            .collect()
    };
    let abbr = |list: &[&'static str]| -> Vec<&'static str> { list.iter().map(|n| &n[..3]).collect() };
    match d {
        'a' => names(&abbr(&DAY_NAMES)),
        'A' => names(&DAY_NAMES),
        'b' => names(&abbr(&MONTH_NAMES)),
        'B' => names(&MONTH_NAMES),
        'p' => names(&["AM", "PM"]),
        'Z' => names(&zone_names()),
        'z' => offset_candidates(rest),
        _ => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut out: Vec<usize> =
                (1..=digits.min(max_digits(d))).rev().filter(|&n| number_fits(d, &rest[..n])).collect();
            // `%d` also takes a space-padded day, as `%e` writes it.
            if d == 'd' && rest.starts_with(' ') && rest[1..].bytes().next().is_some_and(|b| (b'1'..=b'9').contains(&b))
            {
                out.push(2);
            }
            out
        }
    }
}

fn zone_names() -> Vec<&'static str> {
    vec!["utc", "gmt"]
}

/// `[+-]HH[:]MM[[:]SS[.ffffff]]` or `Z`: the lengths it can match, longest first.
fn offset_candidates(rest: &str) -> Vec<usize> {
    let s = rest.as_bytes();
    if s.first() == Some(&b'Z') {
        return vec![1];
    }
    if !matches!(s.first(), Some(b'+' | b'-')) {
        return vec![];
    }
    let digit = |i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    let sixty = |i: usize| s.get(i).is_some_and(|b| (b'0'..=b'5').contains(b)) && digit(i + 1);
    if !(digit(1) && digit(2)) {
        return vec![];
    }
    let mut at = 3 + (s.get(3) == Some(&b':')) as usize;
    if !sixty(at) {
        return vec![];
    }
    at += 2;
    let mut out = vec![at];
    let sec = at + (s.get(at) == Some(&b':')) as usize;
    if sixty(sec) {
        let mut end = sec + 2;
        out.insert(0, end);
        if s.get(end) == Some(&b'.') {
            let n = s[end + 1..].iter().take(6).take_while(|b| b.is_ascii_digit()).count();
            if n > 0 {
                end += 1 + n;
                out.insert(0, end);
            }
        }
    }
    out
}

/// Matches `toks` against `text` from `pos`, recording each directive's text; the first
/// match in the regular expression's order wins. Gives the end of the match.
fn matches(toks: &[Token], text: &str, pos: usize, found: &mut Vec<(char, String)>) -> Option<usize> {
    let Some((tok, rest_toks)) = toks.split_first() else { return Some(pos) };
    let rest = &text[pos..];
    match tok {
        Token::Literal(c) => {
            let next = rest.chars().next()?;
            let same = next == *c || next.to_lowercase().eq(c.to_lowercase());
            if !same {
                return None;
            }
            matches(rest_toks, text, pos + next.len_utf8(), found)
        }
        Token::Space => {
            let run: Vec<usize> =
                rest.char_indices().take_while(|(_, c)| c.is_whitespace()).map(|(i, c)| i + c.len_utf8()).collect();
            run.into_iter().rev().find_map(|end| matches(rest_toks, text, pos + end, found))
        }
        Token::Directive(d) => {
            for n in candidates(*d, rest) {
                found.push((*d, rest[..n].to_string()));
                if let Some(end) = matches(rest_toks, text, pos + n, found) {
                    return Some(end);
                }
                found.pop();
            }
            None
        }
    }
}

fn str_arg(v: &Value, i: usize) -> PyResult<&str> {
    v.as_str().ok_or_else(|| {
        type_error(format!("strptime() argument {} must be str, not {}", i, crate::runtime::type_name(v)))
    })
}

/// The index of `name` in `list` (or its three-letter abbreviations), ignoring case.
fn name_index(list: &[&str], name: &str, abbreviated: bool) -> i64 {
    let name = name.to_lowercase();
    list.iter().position(|n| (if abbreviated { &n[..3] } else { n }).to_lowercase() == name).unwrap_or(0) as i64
}

/// The offset `%z` matched, as a timedelta's microseconds.
fn parse_offset(z: &str) -> PyResult<i128> {
    if z == "Z" {
        return Ok(0);
    }
    let sign: i128 = if z.starts_with('-') { -1 } else { 1 };
    let body = &z[1..];
    let plain: String = if body.as_bytes().get(2) == Some(&b':') {
        if body.len() > 5 && body.as_bytes()[5] != b':' {
            return Err(value_error(format!("Inconsistent use of : in {}", z)));
        }
        body.replace(':', "")
    } else {
        body.to_string()
    };
    let num = |s: &str| s.parse::<i128>().unwrap_or(0);
    let (h, m) = (num(&plain[..2]), num(&plain[2..4]));
    let s = if plain.len() >= 6 { num(&plain[4..6]) } else { 0 };
    let frac = plain.get(7..).map_or(0, |f| num(&format!("{:0<6}", f)));
    Ok(sign * ((h * 3600 + m * 60 + s) * 1_000_000 + frac))
}

/// `datetime.strptime(text, format)`: the date, time and tzinfo.
pub fn parse(text: &Value, fmt: &Value) -> PyResult<(Ymd, Clock, Value)> {
    let (text, fmt) = (str_arg(text, 1)?, str_arg(fmt, 2)?);
    let toks = tokens(fmt)?;
    let mut found = Vec::new();
    let no_match = || value_error(format!("time data {} does not match format {}", str_repr(text), str_repr(fmt)));
    let end = matches(&toks, text, 0, &mut found).ok_or_else(no_match)?;
    if end != text.len() {
        return Err(value_error(format!("unconverted data remains: {}", &text[end..])));
    }
    let f: HashMap<char, String> = found.into_iter().collect();
    let int = |c: char| f.get(&c).map(|s| s.trim().parse::<i64>().unwrap_or(0));
    let mut year = int('Y').or_else(|| int('y').map(|y| if y <= 68 { y + 2000 } else { y + 1900 }));
    let iso_year = int('G');
    let month = int('m')
        .or_else(|| f.get(&'B').map(|n| name_index(&MONTH_NAMES, n, false) + 1))
        .or_else(|| f.get(&'b').map(|n| name_index(&MONTH_NAMES, n, true) + 1));
    let day = int('d');
    let mut hour = int('H').unwrap_or(0);
    if let Some(h) = int('I') {
        let pm = f.get(&'p').is_some_and(|p| p.eq_ignore_ascii_case("pm"));
        hour = match (pm, h) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let (minute, second) = (int('M').unwrap_or(0), int('S').unwrap_or(0));
    let us = f.get(&'f').map_or(0, |s| format!("{:0<6}", s).parse::<i64>().unwrap_or(0));
    let weekday = f
        .get(&'A')
        .map(|n| name_index(&DAY_NAMES, n, false))
        .or_else(|| f.get(&'a').map(|n| name_index(&DAY_NAMES, n, true)))
        .or_else(|| int('w').map(|w| (w + 6) % 7))
        .or_else(|| int('u').map(|u| u - 1));
    let mut julian = int('j');
    let week_of_year = int('U').map(|w| (w, 6)).or_else(|| int('W').map(|w| (w, 0)));
    let iso_week = int('V');
    if iso_year.is_some() {
        if julian.is_some() {
            return Err(value_error(
                "Day of the year directive '%j' is not compatible with ISO year directive '%G'. Use '%Y' instead.",
            ));
        }
        if iso_week.is_none() || weekday.is_none() {
            return Err(value_error(
                "ISO year directive '%G' must be used with the ISO week directive '%V' and a weekday directive ('%A', '%a', '%w', or '%u').",
            ));
        }
    } else if iso_week.is_some() {
        return Err(value_error(if year.is_none() || weekday.is_none() {
            "ISO week directive '%V' must be used with the ISO year directive '%G' and a weekday directive ('%A', '%a', '%w', or '%u')."
        } else {
            "ISO week directive '%V' is incompatible with the year directive '%Y'. Use the ISO year '%G' instead."
        }));
    }
    let mut ymd = None;
    if let (Some(gy), Some(v), Some(wd)) = (iso_year, iso_week, weekday) {
        let n = iso_week1_monday(gy) + (v - 1) * 7 + wd;
        let d = Ymd::checked_from_ordinal(n).map_err(|_| value_error("year 0 is out of range"))?;
        year = Some(d.year as i64);
        ymd = Some(d);
    }
    let y = year.unwrap_or(1900);
    if julian.is_none() && ymd.is_none() {
        if let (Some(wd), Some((week, start))) = (weekday, week_of_year) {
            // `%U` weeks start on Sunday: count weekdays from Sunday.
            let shift = (start == 6) as i64;
            let first = (Ymd::new(y, 1, 1)?.weekday() as i64 + shift) % 7;
            let wd = (wd + shift) % 7;
            let week0_length = (7 - first) % 7;
            julian = Some(if week == 0 { 1 + wd - first } else { 1 + week0_length + 7 * (week - 1) + wd });
        }
    }
    let mut y = y;
    if let Some(j) = julian.filter(|&j| j <= 0) {
        y -= 1;
        julian = Some(j + if super::days::is_leap(y) { 366 } else { 365 });
    }
    let d = match (ymd, julian) {
        (Some(d), _) => d,
        (None, Some(j)) => {
            let n = Ymd::new(y, 1, 1)?.ordinal() + j - 1;
            Ymd::checked_from_ordinal(n).map_err(|_| value_error(format!("year {} is out of range", y)))?
        }
        (None, None) => Ymd::new(y, month.unwrap_or(1), day.unwrap_or(1))?,
    };
    let c = Clock { hour: hour as u8, minute: minute as u8, second: second.min(59) as u8, us: us as u32, fold: 0 };
    if second > 59 {
        return Err(value_error("second must be in 0..59"));
    }
    let tz = match f.get(&'z') {
        None => Value::None,
        Some(z) => {
            let offset = Delta::from_us(parse_offset(z)?)?;
            let name = f.get(&'Z').cloned();
            if offset.is_zero() && name.is_none() {
                super::zone::utc()
            } else {
                super::new_object(&super::classes().timezone, Dt::Zone(Zone { offset, name }))
            }
        }
    };
    Ok((d, c, tz))
}
