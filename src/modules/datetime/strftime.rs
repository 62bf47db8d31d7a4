//! `strftime` and `__format__`: the directives of the C library's `strftime` in the C locale
//! (glibc's, as CPython on Linux uses them, with its `-`/`_`/`0` padding flags), plus
//! Python's own `%f`, `%z` and `%Z`.

use super::days::Ymd;
use super::delta::Delta;
use super::Clock;
use crate::object::function::Args;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::fmt::Write;

pub const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What a format string is filled from.
pub struct Moment {
    pub ymd: Ymd,
    pub clock: Clock,
    /// The tzinfo's offset, when it has one.
    pub offset: Option<Delta>,
    /// The tzinfo's name (`%Z`), empty for none.
    pub zone_name: String,
}

/// The text of `fmt` for `m`.
pub fn strftime(fmt: &str, m: &Moment) -> String {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let flag = match chars.peek() {
            Some(&f @ ('-' | '_' | '0')) => {
                chars.next();
                Some(f)
            }
            _ => None,
        };
        let Some(d) = chars.next() else {
            out.push('%');
            if let Some(f) = flag {
                out.push(f);
            }
            break;
        };
        if !directive(&mut out, d, flag, m) {
            out.push('%');
            if let Some(f) = flag {
                out.push(f);
            }
            out.push(d);
        }
    }
    out
}

/// A number padded to `width` with zeros, or as a flag says (`-` none, `_` spaces).
fn num(out: &mut String, n: i64, width: usize, pad: char, flag: Option<char>) {
    let _ = match flag.unwrap_or(pad) {
        '-' => write!(out, "{}", n),
        '_' | ' ' => write!(out, "{:>w$}", n, w = width),
        _ => write!(out, "{:0w$}", n, w = width),
    };
}

/// Writes directive `d`; false when it is not one.
fn directive(out: &mut String, d: char, flag: Option<char>, m: &Moment) -> bool {
    let Moment { ymd, clock, .. } = m;
    let weekday = ymd.weekday() as usize;
    let sunday_based = (weekday + 1) % 7;
    let yday0 = ymd.day_of_year() - 1;
    let hour12 = if clock.hour % 12 == 0 { 12 } else { clock.hour % 12 } as i64;
    match d {
        'a' => out.push_str(&DAY_NAMES[weekday][..3]),
        'A' => out.push_str(DAY_NAMES[weekday]),
        'b' | 'h' => out.push_str(&MONTH_NAMES[ymd.month as usize - 1][..3]),
        'B' => out.push_str(MONTH_NAMES[ymd.month as usize - 1]),
        'c' => out.push_str(&strftime("%a %b %e %H:%M:%S %Y", m)),
        'C' => num(out, ymd.year as i64 / 100, 1, '0', flag),
        'd' => num(out, ymd.day as i64, 2, '0', flag),
        'D' | 'x' => out.push_str(&strftime("%m/%d/%y", m)),
        'e' => num(out, ymd.day as i64, 2, ' ', flag),
        'F' => out.push_str(&strftime("%Y-%m-%d", m)),
        'f' => {
            let _ = write!(out, "{:06}", clock.us);
        }
        'g' => num(out, ymd.iso_calendar().0 % 100, 2, '0', flag),
        'G' => num(out, ymd.iso_calendar().0, 1, '0', flag),
        'H' => num(out, clock.hour as i64, 2, '0', flag),
        'I' => num(out, hour12, 2, '0', flag),
        'j' => num(out, yday0 + 1, 3, '0', flag),
        'k' => num(out, clock.hour as i64, 2, ' ', flag),
        'l' => num(out, hour12, 2, ' ', flag),
        'm' => num(out, ymd.month as i64, 2, '0', flag),
        'M' => num(out, clock.minute as i64, 2, '0', flag),
        'n' => out.push('\n'),
        'p' => out.push_str(if clock.hour < 12 { "AM" } else { "PM" }),
        'P' => out.push_str(if clock.hour < 12 { "am" } else { "pm" }),
        'r' => out.push_str(&strftime("%I:%M:%S %p", m)),
        'R' => out.push_str(&strftime("%H:%M", m)),
        'S' => num(out, clock.second as i64, 2, '0', flag),
        't' => out.push('\t'),
        'T' | 'X' => out.push_str(&strftime("%H:%M:%S", m)),
        'u' => num(out, weekday as i64 + 1, 1, '0', flag),
        'U' => num(out, (yday0 + 7 - sunday_based as i64) / 7, 2, '0', flag),
        'V' => num(out, ymd.iso_calendar().1, 2, '0', flag),
        'w' => num(out, sunday_based as i64, 1, '0', flag),
        'W' => num(out, (yday0 + 7 - weekday as i64) / 7, 2, '0', flag),
        'y' => num(out, ymd.year as i64 % 100, 2, '0', flag),
        'Y' => num(out, ymd.year as i64, 1, '0', flag),
        'z' => {
            if let Some(off) = &m.offset {
                out.push_str(&super::zone::format_offset(off, ""));
            }
        }
        'Z' => out.push_str(&m.zone_name),
        '%' => out.push('%'),
        _ => return false,
    }
    true
}

/// Whether a format needs the tzinfo (`%z`, `%Z`), which may mean running script code.
pub fn needs_zone(fmt: &str) -> bool {
    fmt.contains("%z") || fmt.contains("%Z") || fmt.contains("%-z") || fmt.contains("%_z")
}

/// The format argument of `strftime`/`__format__`.
pub fn format_arg<'a>(a: &'a Args, name: &str) -> PyResult<&'a str> {
    crate::runtime::args::check_args(a, name, 2, 2)?;
    match &a.pos[1] {
        Value::Str(s) => Ok(s.s.as_str()),
        other => {
            Err(type_error(format!("{}() argument 1 must be str, not {}", name, crate::runtime::type_name(other))))
        }
    }
}

/// `__format__` of a type without format specs of its own: `str(self)` for an empty spec.
pub fn plain_format(a: &Args) -> PyResult {
    let spec = format_arg(a, "__format__")?;
    if !spec.is_empty() {
        return Err(type_error(format!(
            "unsupported format string passed to {}.__format__",
            super::shown_type(&a.pos[0])
        )));
    }
    let v = a.pos[0].clone();
    run_async(move |ctx| async move { Ok(Value::str(crate::runtime::protocol::repr::str(&ctx, &v).await?)) })
}

/// `__format__` of dates and times: `str(self)` for an empty spec, else `strftime(spec)`.
pub fn format_with_strftime(a: &Args) -> PyResult {
    let spec = format_arg(a, "__format__")?;
    let v = a.pos[0].clone();
    if spec.is_empty() {
        return run_async(
            move |ctx| async move { Ok(Value::str(crate::runtime::protocol::repr::str(&ctx, &v).await?)) },
        );
    }
    let strftime = crate::vm::get_attr(&v, crate::intern::intern("strftime"))?;
    let spec = a.pos[1].clone();
    run_async(move |ctx| async move { ctx.call(strftime, vec![spec]).await })
}
