//! Python's regular-expression syntax, parsed as CPython's `re._parser` does (same accepted
//! patterns, same error messages and positions) straight into the matcher's nodes.

use super::node::{lower, upper, Anchor, Category, Class, Greed, Look, Node, Repeat, UNBOUNDED};
use indexmap::IndexMap;

pub const IGNORECASE: u32 = 2;
pub const LOCALE: u32 = 4;
pub const MULTILINE: u32 = 8;
pub const DOTALL: u32 = 16;
pub const UNICODE: u32 = 32;
pub const VERBOSE: u32 = 64;
pub const ASCII: u32 = 256;

/// CPython's MAXREPEAT: repeat counts must stay below it.
const MAXREPEAT: u64 = 4_294_967_295;
const MAXGROUPS: usize = 1_073_741_823;

/// A pattern error: CPython's message and the position it reports (None for a few).
#[derive(Debug)]
pub struct ReError {
    pub msg: String,
    pub pos: Option<usize>,
    /// An OverflowError (a repeat count too large) rather than `re.error`.
    pub overflow: bool,
}

pub(super) fn err<T>(msg: impl Into<String>, pos: usize) -> Result<T, ReError> {
    Err(ReError { msg: msg.into(), pos: Some(pos), overflow: false })
}

/// An error CPython reports without a position.
fn err_nowhere<T>(msg: &str) -> Result<T, ReError> {
    Err(ReError { msg: msg.into(), pos: None, overflow: false })
}

pub(super) type Parsed<T> = Result<T, ReError>;

/// A parsed pattern.
pub struct Pattern {
    pub root: Node,
    /// The flags given plus the global inline ones, UNICODE added for str patterns.
    pub flags: u32,
    pub groups: usize,
    pub names: IndexMap<String, usize>,
}

/// The ValueError CPython raises for flags a pattern cannot take, checked before parsing.
pub fn flag_conflict(flags: u32, bytes: bool) -> Option<&'static str> {
    if bytes && flags & UNICODE != 0 {
        Some("cannot use UNICODE flag with a bytes pattern")
    } else if flags & ASCII != 0 && flags & UNICODE != 0 {
        Some("ASCII and UNICODE flags are incompatible")
    } else if !bytes && flags & LOCALE != 0 {
        Some("cannot use LOCALE flag with a str pattern")
    } else {
        None
    }
}

pub fn parse(src: Vec<u32>, flags: u32, bytes: bool) -> Parsed<Pattern> {
    let mut flags = flags;
    if !bytes && flags & ASCII == 0 {
        flags |= UNICODE;
    }
    let mut p =
        Parser { src, pos: 0, flags, inline_global: 0, bytes, groups: 1, names: IndexMap::new(), open: Vec::new() };
    let root = p.alternation(flags, 0)?;
    if p.pos < p.src.len() {
        // Only a `)` stops the top level early.
        return err("unbalanced parenthesis", p.pos);
    }
    Ok(Pattern { root, flags: p.flags, groups: p.groups - 1, names: p.names })
}

pub(super) struct Parser {
    pub(super) src: Vec<u32>,
    pub(super) pos: usize,
    /// The pattern's global flags (inline ones at the start are added as they are read).
    flags: u32,
    /// The flags set by `(?flags)` at the start, which every top-level alternative gets.
    inline_global: u32,
    pub(super) bytes: bool,
    /// The number the next group gets.
    pub(super) groups: usize,
    names: IndexMap<String, usize>,
    /// Groups not closed yet.
    pub(super) open: Vec<usize>,
}

pub(super) fn ch(c: char) -> u32 {
    c as u32
}

pub(super) fn is_digit_at(c: Option<u32>) -> bool {
    c.is_some_and(|c| (ch('0')..=ch('9')).contains(&c))
}

pub(super) fn text(cs: &[u32]) -> String {
    cs.iter().map(|&c| char::from_u32(c).unwrap_or('\u{fffd}')).collect()
}

/// What the last item of a sequence is, for the checks a following quantifier makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    None,
    Anchor,
    Repeat,
    Other,
}

impl Parser {
    pub(super) fn peek(&self) -> Option<u32> {
        self.src.get(self.pos).copied()
    }

    pub(super) fn next(&mut self) -> Option<u32> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(ch(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Alternatives separated by `|`, up to a `)` or the end (not consumed).
    fn alternation(&mut self, flags: u32, depth: usize) -> Parsed<Node> {
        let mut alts = Vec::new();
        loop {
            let first = depth == 0 && alts.is_empty();
            let flags = if depth == 0 { global_of(flags | self.inline_global) } else { flags };
            alts.push(self.sequence(flags, depth, first)?);
            if !self.eat('|') {
                break;
            }
        }
        if depth == 0 && self.peek() == Some(ch(')')) {
            return err("unbalanced parenthesis", self.pos);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::Seq(Vec::new())) } else { Node::Alt(alts) })
    }

    fn sequence(&mut self, mut flags: u32, depth: usize, first: bool) -> Parsed<Node> {
        let mut items: Vec<Node> = Vec::new();
        let mut last = Last::None;
        loop {
            if flags & VERBOSE != 0 {
                self.skip_verbose();
            }
            let Some(c) = self.peek() else { break };
            let start = self.pos;
            if c == ch('|') || c == ch(')') {
                break;
            }
            self.pos += 1;
            let item = match char::from_u32(c).unwrap_or('\0') {
                '[' => Node::Set(Box::new(self.set(start, flags)?)),
                '.' => Node::Any { dotall: flags & DOTALL != 0 },
                '^' => Node::Anchor(Anchor::LineStart { multiline: flags & MULTILINE != 0 }),
                '$' => Node::Anchor(Anchor::LineEnd { multiline: flags & MULTILINE != 0 }),
                '\\' => self.escape(start, flags)?,
                '*' | '+' | '?' | '{' => {
                    let Some((min, max)) = self.quantifier(c)? else {
                        items.push(literal(c, flags));
                        last = Last::Other;
                        continue;
                    };
                    match last {
                        Last::None | Last::Anchor => return err("nothing to repeat", start),
                        Last::Repeat => return err("multiple repeat", start),
                        Last::Other => {}
                    }
                    let greed = if self.eat('?') {
                        Greed::Lazy
                    } else if self.eat('+') {
                        Greed::Possessive
                    } else {
                        Greed::Greedy
                    };
                    let body = items.pop().unwrap_or(Node::Seq(Vec::new()));
                    items.push(Node::Repeat(Box::new(Repeat { min, max, greed, body })));
                    last = Last::Repeat;
                    continue;
                }
                '(' => match self.group(start, flags, depth, first && items.is_empty())? {
                    GroupItem::Node(n) => n,
                    GroupItem::GlobalFlags(f) => {
                        flags = global_of(flags | f);
                        continue;
                    }
                    GroupItem::Nothing => continue,
                },
                _ => literal(c, flags),
            };
            last = if matches!(item, Node::Anchor(_)) { Last::Anchor } else { Last::Other };
            items.push(item);
        }
        Ok(if items.len() == 1 { items.pop().unwrap_or(Node::Seq(Vec::new())) } else { Node::Seq(items) })
    }

    /// Whitespace and `#` comments, which VERBOSE patterns skip.
    fn skip_verbose(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(char::from_u32(c), Some(' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')) {
                self.pos += 1;
            } else if c == ch('#') {
                while let Some(c) = self.next() {
                    if c == ch('\n') {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// The bounds of the quantifier starting with `c` (already consumed); None when a `{`
    /// does not start a valid repeat and is a literal (the position is then after it).
    fn quantifier(&mut self, c: u32) -> Parsed<Option<(usize, usize)>> {
        Ok(Some(match char::from_u32(c) {
            Some('*') => (0, UNBOUNDED),
            Some('+') => (1, UNBOUNDED),
            Some('?') => (0, 1),
            _ => {
                let here = self.pos;
                if self.peek() == Some(ch('}')) {
                    return Ok(None);
                }
                let lo = self.digits();
                let hi = if self.eat(',') { self.digits() } else { lo.clone() };
                if !self.eat('}') {
                    self.pos = here;
                    return Ok(None);
                }
                let number = |d: &str| -> Parsed<usize> {
                    match d.parse::<u64>() {
                        Ok(n) if n < MAXREPEAT => Ok(n as usize),
                        _ => {
                            Err(ReError { msg: "the repetition number is too large".into(), pos: None, overflow: true })
                        }
                    }
                };
                let min = if lo.is_empty() { 0 } else { number(&lo)? };
                let max = if hi.is_empty() { UNBOUNDED } else { number(&hi)? };
                if max < min {
                    return err("min repeat greater than max repeat", here);
                }
                (min, max)
            }
        }))
    }

    fn digits(&mut self) -> String {
        let mut s = String::new();
        while is_digit_at(self.peek()) {
            s.push(char::from_u32(self.next().unwrap_or(0)).unwrap_or('0'));
        }
        s
    }

    /// Reads up to `terminator`, for a group name; CPython's messages for what is missing.
    fn name_until(&mut self, terminator: char) -> Parsed<(String, usize)> {
        let start = self.pos;
        loop {
            match self.next() {
                None => {
                    if self.pos == start {
                        return err("missing group name", start);
                    }
                    return err(format!("missing {}, unterminated name", terminator), start);
                }
                Some(c) if c == ch(terminator) => {
                    if self.pos - 1 == start {
                        return err("missing group name", start);
                    }
                    return Ok((text(&self.src[start..self.pos - 1]), start));
                }
                Some(_) => {}
            }
        }
    }

    fn check_name(&self, name: &str, at: usize) -> Parsed<()> {
        if (name.is_ascii() || !self.bytes) && crate::chars::is_identifier(name) {
            Ok(())
        } else {
            err(format!("bad character in group name '{}'", name), at)
        }
    }

    fn group(&mut self, start: usize, flags: u32, depth: usize, first: bool) -> Parsed<GroupItem> {
        let mut name = None;
        let mut capture = true;
        let mut atomic = false;
        let mut sub_flags = flags;
        if self.eat('?') {
            let Some(c) = self.next() else { return err("unexpected end of pattern", self.pos) };
            match char::from_u32(c).unwrap_or('\0') {
                'P' => {
                    if self.eat('<') {
                        let (n, at) = self.name_until('>')?;
                        self.check_name(&n, at)?;
                        name = Some((n, at));
                    } else if self.eat('=') {
                        let (n, at) = self.name_until(')')?;
                        self.check_name(&n, at)?;
                        let Some(&gid) = self.names.get(&n) else {
                            return err(format!("unknown group name '{}'", n), at);
                        };
                        if self.open.contains(&gid) {
                            return err("cannot refer to an open group", at);
                        }
                        return Ok(GroupItem::Node(Node::Backref { group: gid, fold: flags & IGNORECASE != 0 }));
                    } else {
                        let Some(c) = self.next() else { return err("unexpected end of pattern", self.pos) };
                        return err(format!("unknown extension ?P{}", text(&[c])), start + 1);
                    }
                }
                ':' => capture = false,
                '>' => {
                    capture = false;
                    atomic = true;
                }
                '#' => loop {
                    match self.next() {
                        None => return err("missing ), unterminated comment", start),
                        Some(c) if c == ch(')') => return Ok(GroupItem::Nothing),
                        Some(_) => {}
                    }
                },
                '=' | '!' | '<' => {
                    let mut behind = false;
                    let mut kind = c;
                    if c == ch('<') {
                        let Some(k) = self.next() else { return err("unexpected end of pattern", self.pos) };
                        if k != ch('=') && k != ch('!') {
                            return err(format!("unknown extension ?<{}", text(&[k])), start + 1);
                        }
                        behind = true;
                        kind = k;
                    }
                    let body = self.alternation(flags, depth + 1)?;
                    if !self.eat(')') {
                        return err("missing ), unterminated subpattern", start);
                    }
                    let (lo, hi) = body.width();
                    if behind && lo != hi {
                        return err_nowhere("look-behind requires fixed-width pattern");
                    }
                    let look = Look { behind, negated: kind == ch('!'), width: lo, body };
                    return Ok(GroupItem::Node(Node::Look(Box::new(look))));
                }
                '(' => return self.conditional(start, flags, depth).map(GroupItem::Node),
                c if "aiLmsux-".contains(c) => {
                    self.pos -= 1;
                    match self.inline_flags()? {
                        InlineFlags::Global(added) => {
                            if !first {
                                return err("global flags not at the start of the expression", start);
                            }
                            self.flags = global_of(self.flags | added);
                            self.inline_global |= added;
                            return Ok(GroupItem::GlobalFlags(added));
                        }
                        InlineFlags::Scoped(add, del) => {
                            capture = false;
                            sub_flags = (flags | add) & !del;
                            if add & ASCII != 0 {
                                sub_flags &= !UNICODE;
                            }
                            if add & UNICODE != 0 {
                                sub_flags &= !ASCII;
                            }
                        }
                    }
                }
                _ => return err(format!("unknown extension ?{}", text(&[c])), start + 1),
            }
        }
        let group = if capture {
            let gid = self.groups;
            if gid >= MAXGROUPS {
                return err("too many groups", start);
            }
            self.groups += 1;
            if let Some((n, at)) = name {
                if let Some(&old) = self.names.get(&n) {
                    return err(format!("redefinition of group name '{}' as group {}; was group {}", n, gid, old), at);
                }
                self.names.insert(n, gid);
            }
            self.open.push(gid);
            Some(gid)
        } else {
            None
        };
        let body = self.alternation(sub_flags, depth + 1)?;
        if !self.eat(')') {
            return err("missing ), unterminated subpattern", start);
        }
        Ok(GroupItem::Node(match group {
            Some(gid) => {
                self.open.retain(|&g| g != gid);
                Node::Group(gid, Box::new(body))
            }
            None if atomic => Node::Atomic(Box::new(body)),
            None => body,
        }))
    }

    /// `(?(group)yes|no)`, after the `(?(`.
    fn conditional(&mut self, start: usize, flags: u32, depth: usize) -> Parsed<Node> {
        let (name, at) = self.name_until(')')?;
        let group = if crate::chars::is_identifier(&name) {
            match self.names.get(&name) {
                Some(&g) => g,
                None => return err(format!("unknown group name '{}'", name), at),
            }
        } else {
            let g = match name.parse::<usize>() {
                Ok(g) if name.bytes().all(|b| b.is_ascii_digit()) => g,
                _ => return err(format!("bad character in group name '{}'", name), at),
            };
            if g == 0 {
                return err("bad group number", at);
            }
            if g >= self.groups {
                return err(format!("invalid group reference {}", g), at);
            }
            g
        };
        let yes = self.sequence(flags, depth + 1, false)?;
        let no = if self.eat('|') {
            let no = self.sequence(flags, depth + 1, false)?;
            if self.peek() == Some(ch('|')) {
                return err("conditional backref with more than two branches", self.pos);
            }
            no
        } else {
            Node::Seq(Vec::new())
        };
        if !self.eat(')') {
            return err("missing ), unterminated subpattern", start);
        }
        Ok(Node::Cond { group, yes: Box::new(yes), no: Box::new(no) })
    }
}

enum GroupItem {
    Node(Node),
    /// Flags set for the whole pattern by `(?flags)`.
    GlobalFlags(u32),
    /// A comment.
    Nothing,
}

/// Flags after an inline ASCII flag, which displaces UNICODE.
fn global_of(flags: u32) -> u32 {
    if flags & ASCII != 0 {
        flags & !UNICODE
    } else {
        flags
    }
}

/// What `(?flags)` or `(?flags-flags:` sets.
pub(super) enum InlineFlags {
    /// `(?aiLmsux)`: for the whole pattern.
    Global(u32),
    /// `(?add-del:...)`: flags added and removed for the group.
    Scoped(u32, u32),
}

/// A literal character as a node, folded when the pattern ignores case.
pub(super) fn literal(c: u32, flags: u32) -> Node {
    let fold = flags & IGNORECASE != 0 && lower(c) != upper(c) && (flags & ASCII == 0 || c < 128);
    Node::Char { c: if fold { lower(c) } else { c }, fold }
}

/// The class a `\d \D \s \S \w \W` escape names.
pub(super) fn class_escape_of(c: u32, flags: u32) -> Option<Class> {
    let (cat, negated) = match char::from_u32(c)? {
        'd' => (Category::Digit, false),
        'D' => (Category::Digit, true),
        's' => (Category::Space, false),
        'S' => (Category::Space, true),
        'w' => (Category::Word, false),
        'W' => (Category::Word, true),
        _ => return None,
    };
    Some(Class { cat, negated, ascii: flags & UNICODE == 0 })
}
