//! printf-style `format % args`, ported from CPython's `PyUnicode_Format`.
//!
//! Parsing is lazy like CPython's, so [`percent_pieces`] yields one piece at
//! a time and an unsupported conversion character is reported by the caller
//! (after fetching its argument) with [`PercentSpec::unsupported_message`].

use num_bigint::BigInt;
use num_traits::Signed;

use super::float_repr::{float_to_string, FloatMode, FloatStyle};

/// A width or precision: digits in the format, or `*` (taken from the arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Fixed(usize),
    Star,
}

/// The flag characters `-`, `+`, ` `, `0` and `#`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PercentFlags {
    pub minus: bool,
    pub plus: bool,
    pub space: bool,
    pub zero: bool,
    pub alt: bool,
}

/// One conversion: `%(key)-08.3f`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PercentSpec {
    /// The `(key)` looked up in a mapping argument.
    pub key: Option<String>,
    pub flags: PercentFlags,
    pub width: Option<Count>,
    pub precision: Option<Count>,
    /// The conversion character, not yet validated.
    pub conv: char,
    /// Code point index of `conv` in the format string.
    pub index: usize,
}

impl PercentSpec {
    /// CPython's `ValueError` text for a conversion character it does not know.
    pub fn unsupported_message(&self) -> String {
        let code = self.conv as u32;
        let shown = if (31..=126).contains(&code) { self.conv } else { '?' };
        format!("unsupported format character '{shown}' (0x{code:x}) at index {}", self.index)
    }
}

/// Literal text (with `%%` already reduced to `%`) or a conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PercentPiece {
    Literal(String),
    Spec(PercentSpec),
}

/// Iterator over the pieces of a `%` format; stops after the first error.
pub struct PercentPieces {
    chars: Vec<char>,
    pos: usize,
    failed: bool,
}

/// The pieces of `format`, parsed one at a time as CPython does.
pub fn percent_pieces(format: &str) -> PercentPieces {
    PercentPieces { chars: format.chars().collect(), pos: 0, failed: false }
}

/// All pieces of `format`, or the first of CPython's `ValueError` messages.
pub fn parse_percent(format: &str) -> Result<Vec<PercentPiece>, String> {
    percent_pieces(format).collect()
}

impl Iterator for PercentPieces {
    type Item = Result<PercentPiece, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.chars.len() {
            return None;
        }
        let mut literal = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            if c != '%' {
                literal.push(c);
                self.pos += 1;
            } else if self.chars.get(self.pos + 1) == Some(&'%') {
                literal.push('%');
                self.pos += 2;
            } else {
                break;
            }
        }
        if !literal.is_empty() {
            return Some(Ok(PercentPiece::Literal(literal)));
        }
        self.pos += 1;
        let item = self.parse_spec().map(PercentPiece::Spec);
        self.failed = item.is_err();
        Some(item)
    }
}

impl PercentPieces {
    /// The next character, or "incomplete format" at the end.
    fn take(&mut self) -> Result<char, String> {
        let c = self.chars.get(self.pos).copied();
        self.pos += 1;
        c.ok_or_else(|| "incomplete format".to_string())
    }

    /// Parses what follows a `%`: `(key)`, flags, width, precision, length
    /// modifier and the conversion character.
    fn parse_spec(&mut self) -> Result<PercentSpec, String> {
        let key = if self.chars.get(self.pos) == Some(&'(') { Some(self.parse_key()?) } else { None };
        let mut flags = PercentFlags::default();
        let mut ch = self.take()?;
        loop {
            match ch {
                '-' => flags.minus = true,
                '+' => flags.plus = true,
                ' ' => flags.space = true,
                '#' => flags.alt = true,
                '0' => flags.zero = true,
                _ => break,
            }
            ch = self.take()?;
        }
        let width = self.parse_count(&mut ch, isize::MAX as usize, "width too big")?;
        let mut precision = None;
        if ch == '.' {
            ch = self.take()?;
            precision =
                Some(self.parse_count(&mut ch, i32::MAX as usize, "precision too big")?.unwrap_or(Count::Fixed(0)));
        }
        // Length modifiers as in C are accepted and ignored.
        if matches!(ch, 'h' | 'l' | 'L') {
            ch = self.take()?;
        }
        Ok(PercentSpec { key, flags, width, precision, conv: ch, index: self.pos - 1 })
    }

    /// Reads `(key)`, where the key may hold balanced parentheses.
    fn parse_key(&mut self) -> Result<String, String> {
        let start = self.pos + 1;
        let mut depth = 0;
        for (i, &c) in self.chars.iter().enumerate().skip(self.pos) {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                self.pos = i + 1;
                return Ok(self.chars[start..i].iter().collect());
            }
        }
        Err("incomplete format key".into())
    }

    /// Reads `*` or digits starting at `ch`, leaving `ch` on the next character.
    fn parse_count(&mut self, ch: &mut char, max: usize, too_big: &str) -> Result<Option<Count>, String> {
        if *ch == '*' {
            *ch = self.take()?;
            return Ok(Some(Count::Star));
        }
        let Some(mut value) = ch.to_digit(10).map(|d| d as usize) else {
            return Ok(None);
        };
        loop {
            *ch = self.take()?;
            let Some(digit) = ch.to_digit(10) else {
                return Ok(Some(Count::Fixed(value)));
            };
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(digit as usize))
                .filter(|&v| v <= max)
                .ok_or_else(|| too_big.to_string())?;
        }
    }
}

/// `%d %i %u %o %x %X` of an int. `width` and `precision` are the spec's
/// counts with `*` already replaced by the argument: a negative width
/// left-aligns, a negative precision counts as 0.
pub fn percent_int(v: &BigInt, spec: &PercentSpec, width: Option<i64>, precision: Option<i64>) -> String {
    let base = match spec.conv {
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = v.magnitude().to_str_radix(base);
    let min_digits = precision.unwrap_or(0).max(0) as usize;
    if digits.len() < min_digits {
        digits.insert_str(0, &"0".repeat(min_digits - digits.len()));
    }
    let prefix = match (spec.flags.alt, spec.conv) {
        (true, 'o') => "0o",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    if spec.conv == 'X' {
        digits.make_ascii_uppercase();
    }
    let sign = if v.is_negative() { "-" } else { "" };
    let body = format!("{sign}{prefix}{digits}");
    pad_converted(&body, spec, width, true)
}

/// `%e %E %f %F %g %G` of a float; `width` and `precision` as for [`percent_int`].
pub fn percent_float(v: f64, spec: &PercentSpec, width: Option<i64>, precision: Option<i64>) -> String {
    let precision = precision.map_or(6, |p| p.max(0) as usize);
    let mode = match spec.conv {
        'e' | 'E' => FloatMode::Exp(precision),
        'f' | 'F' => FloatMode::Fixed(precision),
        _ => FloatMode::General(precision),
    };
    let style = FloatStyle { upper: spec.conv.is_ascii_uppercase(), alt: spec.flags.alt, ..FloatStyle::new(mode) };
    pad_converted(&float_to_string(v, &style), spec, width, true)
}

/// `%s %r %a` of text the caller already converted with `str`, `repr` or
/// `ascii`, and `%c` of a one-character string; the precision truncates
/// `%s %r %a`. `width` and `precision` as for [`percent_int`].
pub fn percent_str(s: &str, spec: &PercentSpec, width: Option<i64>, precision: Option<i64>) -> String {
    let text = match precision {
        Some(p) if spec.conv != 'c' => s.chars().take(p.max(0) as usize).collect(),
        _ => s.to_string(),
    };
    pad_converted(&text, spec, width, false)
}

/// Pads a converted value as CPython's `unicode_format_arg_output` does: a
/// number's sign and `0x`/`0o` prefix go before zero padding, after spaces.
fn pad_converted(body: &str, spec: &PercentSpec, width: Option<i64>, numeric: bool) -> String {
    let flags = spec.flags;
    let width = width.unwrap_or(0);
    let left_align = flags.minus || width < 0;
    let fill = if numeric && flags.zero { '0' } else { ' ' };
    let mut rest = body;
    let mut sign = None;
    if numeric {
        if let Some(stripped) = rest.strip_prefix(['-', '+']) {
            sign = rest.chars().next();
            rest = stripped;
        } else if flags.plus {
            sign = Some('+');
        } else if flags.space {
            sign = Some(' ');
        }
    }
    let prefix_len = if flags.alt && matches!(spec.conv, 'x' | 'X' | 'o') { 2 } else { 0 };
    let (prefix, digits) = rest.split_at(prefix_len);
    let used = sign.is_some() as usize + prefix.len() + digits.chars().count();
    let padding = (width.unsigned_abs() as usize).saturating_sub(used);
    let mut out = String::new();
    let pad = |out: &mut String, c: char| out.extend(std::iter::repeat_n(c, padding));
    if !left_align && fill == ' ' {
        pad(&mut out, ' ');
    }
    out.extend(sign);
    out.push_str(prefix);
    if !left_align && fill == '0' {
        pad(&mut out, '0');
    }
    out.push_str(digits);
    if left_align {
        pad(&mut out, ' ');
    }
    out
}
