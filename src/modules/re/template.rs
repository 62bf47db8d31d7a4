//! Replacement templates of `sub` and `Match.expand`: literal text and group references
//! (`\1`, `\g<1>`, `\g<name>`), parsed with CPython's errors.

use super::parser::ReError;
use indexmap::IndexMap;

pub enum Piece {
    Text(String),
    Group(usize),
}

/// A template error: `re.error`, or the IndexError of an unknown group name.
pub enum TemplateError {
    Re(ReError),
    Index(String),
}

fn err<T>(msg: impl Into<String>, pos: usize) -> Result<T, TemplateError> {
    Err(TemplateError::Re(ReError { msg: msg.into(), pos: Some(pos), overflow: false }))
}

fn octal(digits: &str, at: usize) -> Result<char, TemplateError> {
    let v = u32::from_str_radix(digits, 8).unwrap_or(0);
    if v > 0o377 {
        return err(format!("octal escape value \\{} outside of range 0-0o377", digits), at);
    }
    Ok(char::from_u32(v).unwrap_or('\0'))
}

pub fn parse(src: &str, groups: usize, names: &IndexMap<String, usize>) -> Result<Vec<Piece>, TemplateError> {
    let cs: Vec<char> = src.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let is_oct = |c: Option<&char>| c.is_some_and(|c| ('0'..='7').contains(c));
    let group = |lit: &mut String, pieces: &mut Vec<Piece>, g: usize| {
        if !lit.is_empty() {
            pieces.push(Piece::Text(std::mem::take(lit)));
        }
        pieces.push(Piece::Group(g));
    };
    while i < cs.len() {
        let c = cs[i];
        if c != '\\' {
            lit.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let Some(&e) = cs.get(i + 1) else { return err("bad escape (end of pattern)", start) };
        i += 2;
        match e {
            'g' => {
                if cs.get(i) != Some(&'<') {
                    return err("missing <", i);
                }
                i += 1;
                let name_start = i;
                while i < cs.len() && cs[i] != '>' {
                    i += 1;
                }
                if i >= cs.len() {
                    if name_start == cs.len() {
                        return err("missing group name", name_start);
                    }
                    return err("missing >, unterminated name", name_start);
                }
                let name: String = cs[name_start..i].iter().collect();
                i += 1;
                if name.is_empty() {
                    return err("missing group name", name_start);
                }
                let g = if crate::chars::is_identifier(&name) {
                    match names.get(&name) {
                        Some(&g) => g,
                        None => return Err(TemplateError::Index(format!("unknown group name '{}'", name))),
                    }
                } else {
                    match name.parse::<usize>() {
                        Ok(g) if name.bytes().all(|b| b.is_ascii_digit()) => g,
                        _ => return err(format!("bad character in group name '{}'", name), name_start),
                    }
                };
                if g > groups {
                    return err(format!("invalid group reference {}", g), name_start);
                }
                group(&mut lit, &mut pieces, g);
            }
            '0' => {
                let mut d = String::from("0");
                while d.len() < 3 && is_oct(cs.get(i)) {
                    d.push(cs[i]);
                    i += 1;
                }
                lit.push(octal(&d, start)?);
            }
            '1'..='9' => {
                let mut d = e.to_string();
                if cs.get(i).is_some_and(char::is_ascii_digit) {
                    d.push(cs[i]);
                    i += 1;
                    if is_oct(Some(&e)) && is_oct(d[1..].chars().next().as_ref()) && is_oct(cs.get(i)) {
                        d.push(cs[i]);
                        i += 1;
                        lit.push(octal(&d, start)?);
                        continue;
                    }
                }
                let g: usize = d.parse().unwrap_or(0);
                if g > groups {
                    return err(format!("invalid group reference {}", g), start + 1);
                }
                group(&mut lit, &mut pieces, g);
            }
            'a' => lit.push('\x07'),
            'b' => lit.push('\x08'),
            'f' => lit.push('\x0c'),
            'n' => lit.push('\n'),
            'r' => lit.push('\r'),
            't' => lit.push('\t'),
            'v' => lit.push('\x0b'),
            '\\' => lit.push('\\'),
            e if e.is_ascii_alphabetic() => return err(format!("bad escape \\{}", e), start),
            e => {
                lit.push('\\');
                lit.push(e);
            }
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Text(lit));
    }
    Ok(pieces)
}
