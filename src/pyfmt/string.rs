//! `format(str, spec)`.

use super::spec::{Align, Sign};
use super::{FormatError, FormatSpec};

/// `format(s, spec)` for a Python str: type `s` or none, precision truncates, width in code points.
pub fn format_str(s: &str, spec: &FormatSpec) -> Result<String, FormatError> {
    if let Some(separator) = spec.grouping {
        return Err(FormatError::SeparatorWithType { separator, ty: 's' });
    }
    if let Some(other) = spec.ty.filter(|&c| c != 's') {
        return Err(FormatError::UnknownCode(other));
    }
    match spec.sign {
        Some(Sign::Space) => return Err(FormatError::StringSpace),
        Some(_) => return Err(FormatError::StringSign),
        None => {}
    }
    if spec.no_neg_zero {
        return Err(FormatError::StringNegativeZero);
    }
    if spec.alternate {
        return Err(FormatError::StringAlternate);
    }
    let align = spec.align_or(Align::Left);
    if align == Align::AfterSign {
        return Err(FormatError::StringAlignment);
    }
    let text = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad(&text, spec.width.unwrap_or(0), spec.fill_char(), align))
}

/// Pads `text` to `width` code points with `fill`.
fn pad(text: &str, width: usize, fill: char, align: Align) -> String {
    let padding = width.saturating_sub(text.chars().count());
    let left = match align {
        Align::Right => padding,
        Align::Center => padding / 2,
        Align::Left | Align::AfterSign => 0,
    };
    let fill_run = |n: usize| std::iter::repeat_n(fill, n);
    fill_run(left).chain(text.chars()).chain(fill_run(padding - left)).collect()
}

/// `ascii(x)` from `repr(x)`: non-ASCII characters become `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n <= 0xff {
            out.push_str(&format!("\\x{:02x}", n));
        } else if n <= 0xffff {
            out.push_str(&format!("\\u{:04x}", n));
        } else {
            out.push_str(&format!("\\U{:08x}", n));
        }
    }
    out
}
