//! Padding, sign and digit grouping of a formatted number, after CPython's
//! `calc_number_widths` and `fill_number`:
//! `<lpad><sign><prefix><spad><grouped digits><remainder><rpad>`.

use super::spec::{Align, FormatSpec, Sign};

/// A number already rendered as text, split into the parts that are laid out.
pub(crate) struct NumberParts<'a> {
    pub negative: bool,
    /// `0x`, `0b`, `0o` (or upper case) in alternate form, else empty.
    pub prefix: &'a str,
    /// The integer digits, which get grouped and zero-filled.
    pub digits: &'a str,
    /// Decimal point, fraction, exponent, `%`, or a `c` character.
    pub remainder: &'a str,
}

impl<'a> NumberParts<'a> {
    /// Splits `-123.45e+06` into sign, leading digits and the rest.
    pub(crate) fn split(text: &'a str) -> Self {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let n_digits = unsigned.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, remainder) = unsigned.split_at(n_digits);
        NumberParts { negative, prefix: "", digits, remainder }
    }
}

/// A thousands separator and the size of its groups.
pub(crate) type Grouping = Option<(char, usize)>;

/// Lays out `parts` following the fill, alignment, sign and width of `spec`.
pub(crate) fn layout_number(parts: &NumberParts, spec: &FormatSpec, grouping: Grouping) -> String {
    let fill = spec.fill_char();
    let align = spec.align_or(Align::Right);
    let sign = match (parts.negative, spec.sign) {
        (true, _) => Some('-'),
        (false, Some(Sign::Plus)) => Some('+'),
        (false, Some(Sign::Space)) => Some(' '),
        (false, _) => None,
    };
    let width = spec.width.map_or(0, |w| w as i64);
    let fixed_len = sign.is_some() as i64 + parts.prefix.len() as i64 + parts.remainder.chars().count() as i64;
    // With '0' fill and '=' alignment the padding zeros are digits, grouped too.
    let min_digits = if fill == '0' && align == Align::AfterSign { width - fixed_len } else { 0 };
    let grouped = group_digits(parts.digits, min_digits, grouping);
    let padding = (width - fixed_len - grouped.len() as i64).max(0) as usize;
    let (left, inner, right) = match align {
        Align::Left => (0, 0, padding),
        Align::Right => (padding, 0, 0),
        Align::Center => (padding / 2, 0, padding - padding / 2),
        Align::AfterSign => (0, padding, 0),
    };
    let mut out = String::new();
    out.extend(std::iter::repeat_n(fill, left));
    out.extend(sign);
    out.push_str(parts.prefix);
    out.extend(std::iter::repeat_n(fill, inner));
    out.push_str(&grouped);
    out.push_str(parts.remainder);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// Inserts separators into ASCII `digits`, left-padding with zeros (which are
/// grouped as well) up to `min_width` characters; port of CPython's
/// `_PyUnicode_InsertThousandsGrouping`.
fn group_digits(digits: &str, min_width: i64, grouping: Grouping) -> String {
    if digits.is_empty() {
        return String::new();
    }
    let mut min_width = min_width.max(0);
    let Some((separator, size)) = grouping else {
        let zeros = (min_width - digits.len() as i64).max(0) as usize;
        return "0".repeat(zeros) + digits;
    };
    // Built right to left, one group at a time, then reversed.
    let mut reversed = String::new();
    let mut pending = digits.bytes().rev();
    let mut remaining = digits.len() as i64;
    loop {
        let len = (size as i64).min(remaining.max(min_width).max(1));
        let taken = remaining.min(len).max(0);
        if !reversed.is_empty() {
            reversed.push(separator);
        }
        reversed.extend(pending.by_ref().take(taken as usize).map(char::from));
        reversed.extend(std::iter::repeat_n('0', (len - taken) as usize));
        remaining -= taken;
        min_width -= len;
        if remaining <= 0 && min_width <= 0 {
            break;
        }
        min_width -= 1;
    }
    reversed.chars().rev().collect()
}
