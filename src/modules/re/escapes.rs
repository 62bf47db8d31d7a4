//! The parts of pattern syntax after a backslash or inside `[...]`, and inline flags.

use super::node::{Anchor, CharSet, Class, Node, SetItem};
use super::parser::{ch, class_escape_of, err, literal, text, InlineFlags, Parsed, Parser};
use super::parser::{ASCII, DOTALL, IGNORECASE, LOCALE, MULTILINE, UNICODE, VERBOSE};

/// A member of a set before ranges are formed: a character or a class.
enum SetCode {
    Char(u32),
    Class(Class),
}

fn is_octal(c: Option<u32>) -> bool {
    c.is_some_and(|c| (ch('0')..=ch('7')).contains(&c))
}

fn hex_value(c: u32) -> Option<u32> {
    char::from_u32(c)?.to_digit(16)
}

/// The control characters the letter escapes stand for.
fn letter_escape(c: u32) -> Option<u32> {
    Some(match char::from_u32(c)? {
        'a' => 7,
        'f' => 12,
        'n' => 10,
        'r' => 13,
        't' => 9,
        'v' => 11,
        '\\' => 92,
        _ => return None,
    })
}

fn flag_of(c: u32) -> Option<u32> {
    Some(match char::from_u32(c)? {
        'a' => ASCII,
        'i' => IGNORECASE,
        'L' => LOCALE,
        'm' => MULTILINE,
        's' => DOTALL,
        'x' => VERBOSE,
        'u' => UNICODE,
        _ => return None,
    })
}

fn is_alpha(c: u32) -> bool {
    char::from_u32(c).is_some_and(char::is_alphabetic)
}

const TYPE_FLAGS: u32 = ASCII | LOCALE | UNICODE;

impl Parser {
    /// An escape outside a set; the backslash at `start` is consumed.
    pub(super) fn escape(&mut self, start: usize, flags: u32) -> Parsed<Node> {
        let Some(c) = self.next() else { return err("bad escape (end of pattern)", start) };
        let ascii = flags & UNICODE == 0;
        let anchor = match char::from_u32(c).unwrap_or('\0') {
            'A' => Some(Anchor::StringStart),
            'Z' => Some(Anchor::StringEnd),
            'b' => Some(Anchor::WordBoundary { negated: false, ascii }),
            'B' => Some(Anchor::WordBoundary { negated: true, ascii }),
            _ => None,
        };
        if let Some(a) = anchor {
            return Ok(Node::Anchor(a));
        }
        if let Some(class) = class_escape_of(c, flags) {
            return Ok(Node::Class(class));
        }
        if (ch('1')..=ch('9')).contains(&c) {
            return self.group_or_octal(start, c, flags);
        }
        Ok(literal(self.char_escape(start, c)?, flags))
    }

    /// `\1`..`\99` (a group reference) or a three-digit octal escape.
    fn group_or_octal(&mut self, start: usize, c: u32, flags: u32) -> Parsed<Node> {
        let mut digits = vec![c];
        if super::parser::is_digit_at(self.peek()) {
            let c2 = self.next().unwrap_or(0);
            digits.push(c2);
            if is_octal(Some(c)) && is_octal(Some(c2)) && is_octal(self.peek()) {
                digits.push(self.next().unwrap_or(0));
                return Ok(literal(self.octal(start, &digits)?, flags));
            }
        }
        let group: usize = text(&digits).parse().unwrap_or(0);
        if group < self.groups {
            if self.open.contains(&group) {
                return err("cannot refer to an open group", start);
            }
            return Ok(Node::Backref { group, fold: flags & IGNORECASE != 0 });
        }
        err(format!("invalid group reference {}", group), start + 1)
    }

    fn octal(&self, start: usize, digits: &[u32]) -> Parsed<u32> {
        let value = u32::from_str_radix(&text(digits), 8).unwrap_or(0);
        if value > 0o377 {
            return err(format!("octal escape value \\{} outside of range 0-0o377", text(digits)), start);
        }
        Ok(value)
    }

    /// The character an escape other than a class, anchor or group reference stands for.
    fn char_escape(&mut self, start: usize, c: u32) -> Parsed<u32> {
        if let Some(v) = letter_escape(c) {
            return Ok(v);
        }
        let escape_text = |p: &Parser| format!("\\{}", text(&p.src[start + 1..p.pos]));
        match char::from_u32(c).unwrap_or('\0') {
            'x' => self.hex_escape(start, 2),
            'u' if !self.bytes => self.hex_escape(start, 4),
            'U' if !self.bytes => {
                let v = self.hex_escape(start, 8)?;
                if char::from_u32(v).is_none() && v > 0x10FFFF {
                    return err(format!("bad escape {}", escape_text(self)), start);
                }
                Ok(v)
            }
            'N' if !self.bytes => {
                if !self.eat('{') {
                    return err("missing {", self.pos);
                }
                let (name, _) = self.name_until_brace()?;
                err(format!("undefined character name '{}'", name), start)
            }
            '0' => {
                let mut digits = vec![c];
                while digits.len() < 3 && is_octal(self.peek()) {
                    digits.push(self.next().unwrap_or(0));
                }
                self.octal(start, &digits)
            }
            l if l.is_ascii_alphanumeric() => err(format!("bad escape {}", escape_text(self)), start),
            _ => Ok(c),
        }
    }

    fn name_until_brace(&mut self) -> Parsed<(String, usize)> {
        let at = self.pos;
        while let Some(c) = self.next() {
            if c == ch('}') {
                return Ok((text(&self.src[at..self.pos - 1]), at));
            }
        }
        err("missing }, unterminated name", at)
    }

    /// `\x`, `\u` or `\U` with exactly `n` hex digits.
    fn hex_escape(&mut self, start: usize, n: usize) -> Parsed<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            match self.peek().and_then(hex_value) {
                Some(d) => {
                    value = value.wrapping_mul(16).wrapping_add(d);
                    self.pos += 1;
                }
                None => return err(format!("incomplete escape \\{}", text(&self.src[start + 1..self.pos])), start),
            }
        }
        Ok(value)
    }

    /// An escape inside a set.
    fn set_escape(&mut self, start: usize, flags: u32) -> Parsed<SetCode> {
        let Some(c) = self.next() else { return err("bad escape (end of pattern)", start) };
        if let Some(class) = class_escape_of(c, flags) {
            return Ok(SetCode::Class(class));
        }
        if c == ch('b') {
            return Ok(SetCode::Char(8));
        }
        if is_octal(Some(c)) && c != ch('0') {
            let mut digits = vec![c];
            while digits.len() < 3 && is_octal(self.peek()) {
                digits.push(self.next().unwrap_or(0));
            }
            return Ok(SetCode::Char(self.octal(start, &digits)?));
        }
        if c == ch('8') || c == ch('9') {
            return err(format!("bad escape \\{}", text(&[c])), start);
        }
        Ok(SetCode::Char(self.char_escape(start, c)?))
    }

    /// A set; the `[` at `start` is consumed.
    pub(super) fn set(&mut self, start: usize, flags: u32) -> Parsed<CharSet> {
        let negated = self.eat('^');
        let first = self.pos;
        let mut items = Vec::new();
        loop {
            let Some(c) = self.next() else { return err("unterminated character set", start) };
            let item_start = self.pos - 1;
            if c == ch(']') && item_start != first {
                break;
            }
            let code1 = if c == ch('\\') { self.set_escape(item_start, flags)? } else { SetCode::Char(c) };
            if self.peek() != Some(ch('-')) {
                items.push(match code1 {
                    SetCode::Char(c) => SetItem::Char(c),
                    SetCode::Class(cl) => SetItem::Class(cl),
                });
                continue;
            }
            let dash = self.pos;
            self.pos += 1;
            let Some(c2) = self.next() else { return err("unterminated character set", start) };
            if c2 == ch(']') {
                items.push(match code1 {
                    SetCode::Char(c) => SetItem::Char(c),
                    SetCode::Class(cl) => SetItem::Class(cl),
                });
                items.push(SetItem::Char(ch('-')));
                break;
            }
            let code2 = if c2 == ch('\\') { self.set_escape(dash + 1, flags)? } else { SetCode::Char(c2) };
            let range_text =
                || format!("{}-{}", text(&self.src[item_start..dash]), text(&self.src[dash + 1..self.pos]));
            match (code1, code2) {
                (SetCode::Char(lo), SetCode::Char(hi)) if lo <= hi => items.push(SetItem::Range(lo, hi)),
                _ => return err(format!("bad character range {}", range_text()), item_start),
            }
        }
        Ok(CharSet::new(items, negated, flags & IGNORECASE != 0))
    }

    /// Inline flags after `(?`: the position is at the first flag letter or `-`.
    pub(super) fn inline_flags(&mut self) -> Parsed<InlineFlags> {
        let mut add = 0;
        let mut c = self.next().unwrap_or(0);
        if c != ch('-') {
            loop {
                if c == ch('L') && !self.bytes {
                    return err("bad inline flags: cannot use 'L' flag with a str pattern", self.pos);
                }
                if c == ch('u') && self.bytes {
                    return err("bad inline flags: cannot use 'u' flag with a bytes pattern", self.pos);
                }
                add |= flag_of(c).unwrap_or(0);
                if (add & TYPE_FLAGS).count_ones() > 1 {
                    return err("bad inline flags: flags 'a', 'u' and 'L' are incompatible", self.pos);
                }
                let Some(n) = self.next() else { return err("missing -, : or )", self.pos) };
                c = n;
                if c == ch(')') || c == ch('-') || c == ch(':') {
                    break;
                }
                if flag_of(c).is_none() {
                    let msg = if is_alpha(c) { "unknown flag" } else { "missing -, : or )" };
                    return err(msg, self.pos - 1);
                }
            }
        }
        if c == ch(')') {
            return Ok(InlineFlags::Global(add));
        }
        let mut del = 0;
        if c == ch('-') {
            let Some(n) = self.next() else { return err("missing flag", self.pos) };
            c = n;
            if flag_of(c).is_none() {
                let msg = if is_alpha(c) { "unknown flag" } else { "missing flag" };
                return err(msg, self.pos - 1);
            }
            loop {
                let f = flag_of(c).unwrap_or(0);
                if f & TYPE_FLAGS != 0 {
                    return err("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", self.pos);
                }
                del |= f;
                let Some(n) = self.next() else { return err("missing :", self.pos) };
                c = n;
                if c == ch(':') {
                    break;
                }
                if flag_of(c).is_none() {
                    let msg = if is_alpha(c) { "unknown flag" } else { "missing :" };
                    return err(msg, self.pos - 1);
                }
            }
        }
        if add & del != 0 {
            return err("bad inline flags: flag turned on and off", self.pos - 1);
        }
        Ok(InlineFlags::Scoped(add, del))
    }
}
