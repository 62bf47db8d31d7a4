//! Character classes and case mappings as CPython's `str` methods see them, approximated
//! with Rust's Unicode tables where the two agree and patched where they differ.

use crate::numeric::decimal_value;

/// `str.isspace` / `str.split()` whitespace: Unicode White_Space plus the ASCII separators
/// `\x1c`..`\x1f`, which CPython counts because of their bidirectional class.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Line boundaries of `str.splitlines`.
pub fn is_linebreak(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Titlecase letters (category Lt).
pub fn is_title(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

pub fn is_upper(c: char) -> bool {
    c.is_uppercase()
}

pub fn is_lower(c: char) -> bool {
    c.is_lowercase()
}

pub fn is_cased(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase() || is_title(c)
}

/// Characters skipped when deciding whether a capital sigma ends a word.
fn is_case_ignorable(c: char) -> bool {
    matches!(c, '\'' | '.' | ':' | '^' | '`' | '\u{b7}' | '\u{2019}' | '\u{ad}')
        || matches!(c as u32, 0x300..=0x36F | 0x2B0..=0x2FF | 0x483..=0x489 | 0x591..=0x5BD | 0x200B..=0x200F)
}

/// Letters (categories L*), which `str.isalpha` accepts.
pub fn is_alpha(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric() && !is_mark(c)
}

/// The common combining marks, which Rust counts as alphabetic but CPython does not.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x483..=0x489 | 0x591..=0x5C7 | 0x610..=0x61A | 0x64B..=0x65F | 0x670
        | 0x6D6..=0x6ED | 0x900..=0x903 | 0x93A..=0x94F | 0x951..=0x957 | 0x962..=0x963 | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

pub fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

/// Digits (Numeric_Type Decimal or Digit): decimals plus superscripts, circled digits and kin.
pub fn is_digit(c: char) -> bool {
    is_decimal(c)
        || matches!(c as u32, 0xB2 | 0xB3 | 0xB9 | 0x1369..=0x1371 | 0x19DA | 0x2070 | 0x2074..=0x2079 | 0x2080..=0x2089
            | 0x2460..=0x2468 | 0x2474..=0x247C | 0x2488..=0x2490 | 0x24EA | 0x24F5..=0x24FD | 0x24FF
            | 0x2776..=0x277E | 0x2780..=0x2788 | 0x278A..=0x2792 | 0x10A40..=0x10A43 | 0x1F100..=0x1F10A)
}

/// Numeric characters: digits, other numbers (`½`, `Ⅻ`) and the CJK numeral ideographs.
pub fn is_numeric(c: char) -> bool {
    is_digit(c)
        || c.is_numeric()
        || matches!(
            c,
            '〇' | '一'
                | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '万'
                | '億'
                | '兆'
                | '零'
                | '壱'
                | '弐'
                | '参'
                | '拾'
                | '廿'
                | '卅'
                | '卌'
                | '佰'
                | '仟'
                | '萬'
                | '貳'
                | '參'
                | '陸'
                | '伍'
                | '肆'
                | '柒'
                | '捌'
                | '玖'
                | '兩'
                | '两'
        )
}

pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_numeric(c)
}

/// Format characters (category Cf), which are not printable.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD
        | 0x13430..=0x13438 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// `str.isprintable` of one character: not a control, format, separator (other than the
/// space), surrogate or private-use character, and not a noncharacter.
pub fn is_printable(c: char) -> bool {
    let n = c as u32;
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || is_format(c)
        || is_space(c)
        || matches!(n, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFDD0..=0xFDEF)
        || n & 0xFFFE == 0xFFFE)
}

fn is_xid_start(c: char) -> bool {
    c == '_' || c.is_alphabetic() && !is_mark(c)
}

fn is_xid_continue(c: char) -> bool {
    c == '_'
        || c.is_alphanumeric()
        || is_mark(c)
        || is_decimal(c)
        || matches!(c, '\u{b7}' | '\u{387}' | '\u{203f}' | '\u{2040}')
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_xid_start(c) => chars.all(is_xid_continue),
        _ => false,
    }
}

/// Lowercase of `chars[i]`, with the final-sigma rule for `Σ`.
pub fn lower_at(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c == 'Σ' {
        out.push(if final_sigma(chars, i) { 'ς' } else { 'σ' });
    } else {
        out.extend(c.to_lowercase());
    }
}

fn final_sigma(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|&&c| !is_case_ignorable(c));
    if !before.is_some_and(|&c| is_cased(c)) {
        return false;
    }
    let after = chars[i + 1..].iter().find(|&&c| !is_case_ignorable(c));
    !after.is_some_and(|&c| is_cased(c))
}

/// Titlecase mapping of one character.
pub fn title_of(c: char, out: &mut String) {
    let mapped = match c as u32 {
        0x1C4..=0x1C6 => Some('\u{1C5}'),
        0x1C7..=0x1C9 => Some('\u{1C8}'),
        0x1CA..=0x1CC => Some('\u{1CB}'),
        0x1F1..=0x1F3 => Some('\u{1F2}'),
        _ if is_title(c) => Some(c),
        _ => None,
    };
    if let Some(m) = mapped {
        out.push(m);
        return;
    }
    if c == '\u{149}' {
        out.push_str("\u{2bc}N");
        return;
    }
    let mut upper = c.to_uppercase();
    if let Some(first) = upper.next() {
        out.push(first);
        for rest in upper {
            out.extend(rest.to_lowercase());
        }
    }
}

/// Full case folding of one character (`str.casefold`).
pub fn fold_of(c: char, out: &mut String) {
    let special = match c {
        'ß' | 'ẞ' => "ss",
        'ſ' => "s",
        'ς' => "σ",
        'ϐ' => "β",
        'ϑ' => "θ",
        'ϕ' => "φ",
        'ϖ' => "π",
        'ϰ' => "κ",
        'ϱ' => "ρ",
        'ϵ' => "ε",
        'ẛ' => "ṡ",
        'ι' => "ι",
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        'ŉ' => "ʼn",
        'ǰ' => "ǰ",
        'İ' => "i̇",
        _ => {
            // Cherokee small letters fold to the capitals.
            if ('\u{AB70}'..='\u{ABBF}').contains(&c) || ('\u{13F8}'..='\u{13FD}').contains(&c) {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            return;
        }
    };
    out.push_str(special);
}
