//! The compiled form of a regular expression: a tree of nodes with the pattern's flags
//! already applied (case folding, `.` and anchor variants, ASCII or Unicode classes).

use crate::chars as unicode;

/// The character classes `\d \w \s` and their negations, in their ASCII or Unicode forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Digit,
    Word,
    Space,
}

#[derive(Clone, Copy, Debug)]
pub struct Class {
    pub cat: Category,
    pub negated: bool,
    pub ascii: bool,
}

impl Class {
    pub fn matches(&self, c: u32) -> bool {
        self.cat_matches(c) != self.negated
    }

    fn cat_matches(&self, c: u32) -> bool {
        if c < 128 || self.ascii {
            return c < 128 && ascii_category(self.cat, c as u8, !self.ascii);
        }
        let Some(ch) = char::from_u32(c) else { return false };
        match self.cat {
            Category::Digit => unicode::is_decimal(ch),
            Category::Word => unicode::is_alnum(ch),
            Category::Space => unicode::is_space(ch),
        }
    }
}

/// An ASCII character's class; Unicode `\s` also takes the separators `\x1c`..`\x1f`.
fn ascii_category(cat: Category, b: u8, unicode: bool) -> bool {
    match cat {
        Category::Digit => b.is_ascii_digit(),
        Category::Word => b.is_ascii_alphanumeric() || b == b'_',
        Category::Space => {
            matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') || (unicode && (0x1c..=0x1f).contains(&b))
        }
    }
}

/// Whether `c` is a word character for `\b` and `\B`.
pub fn is_word(c: u32, ascii: bool) -> bool {
    Class { cat: Category::Word, negated: false, ascii }.matches(c)
}

/// One member of a character set.
#[derive(Clone, Debug)]
pub enum SetItem {
    Char(u32),
    Range(u32, u32),
    Class(Class),
}

/// A character set `[...]`, with an ASCII bitmap for the common case.
#[derive(Clone, Debug)]
pub struct CharSet {
    pub items: Vec<SetItem>,
    pub negated: bool,
    pub ignore_case: bool,
    /// Whether each ASCII character is in the set (negation and case already applied).
    ascii: [bool; 128],
}

impl CharSet {
    pub fn new(items: Vec<SetItem>, negated: bool, ignore_case: bool) -> CharSet {
        let mut set = CharSet { items, negated, ignore_case, ascii: [false; 128] };
        for c in 0..128u32 {
            set.ascii[c as usize] = set.slow_matches(c);
        }
        set
    }

    #[inline]
    pub fn matches(&self, c: u32) -> bool {
        if c < 128 {
            self.ascii[c as usize]
        } else {
            self.slow_matches(c)
        }
    }

    fn slow_matches(&self, c: u32) -> bool {
        let hit = self.contains(c)
            || (self.ignore_case && {
                let (lo, up) = (lower(c), upper(c));
                (lo != c && self.contains(lo)) || (up != c && self.contains(up))
            });
        hit != self.negated
    }

    fn contains(&self, c: u32) -> bool {
        self.items.iter().any(|item| match *item {
            SetItem::Char(x) => x == c,
            SetItem::Range(lo, hi) => lo <= c && c <= hi,
            SetItem::Class(cl) => cl.matches(c),
        })
    }
}

/// The simple lowercase mapping of a code point (itself when it has none of one character).
pub fn lower(c: u32) -> u32 {
    if c < 128 {
        return (c as u8).to_ascii_lowercase() as u32;
    }
    one_char(char::from_u32(c).map(|ch| ch.to_lowercase())).unwrap_or(c)
}

pub fn upper(c: u32) -> u32 {
    if c < 128 {
        return (c as u8).to_ascii_uppercase() as u32;
    }
    one_char(char::from_u32(c).map(|ch| ch.to_uppercase())).unwrap_or(c)
}

fn one_char(it: Option<impl Iterator<Item = char>>) -> Option<u32> {
    let mut it = it?;
    let first = it.next()?;
    it.next().is_none().then_some(first as u32)
}

/// Zero-width assertions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// `^`: the start of the string; with MULTILINE also after each newline.
    LineStart { multiline: bool },
    /// `$`: the end, or before a newline at the end; with MULTILINE before each newline.
    LineEnd { multiline: bool },
    /// `\A`
    StringStart,
    /// `\Z`
    StringEnd,
    /// `\b`, or `\B` when negated.
    WordBoundary { negated: bool, ascii: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Greed {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Debug)]
pub struct Repeat {
    pub min: usize,
    pub max: usize,
    pub greed: Greed,
    pub body: Node,
}

#[derive(Debug)]
pub struct Look {
    pub behind: bool,
    pub negated: bool,
    /// The fixed width of a look-behind's body.
    pub width: usize,
    pub body: Node,
}

#[derive(Debug)]
pub enum Node {
    /// A literal code point; `fold` compares lowercase forms (the stored one is lowercase).
    Char {
        c: u32,
        fold: bool,
    },
    /// `.`: any character but a newline, or any character at all with DOTALL.
    Any {
        dotall: bool,
    },
    Set(Box<CharSet>),
    Class(Class),
    Anchor(Anchor),
    Group(usize, Box<Node>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Repeat>),
    Backref {
        group: usize,
        fold: bool,
    },
    Look(Box<Look>),
    Atomic(Box<Node>),
    /// `(?(group)yes|no)`
    Cond {
        group: usize,
        yes: Box<Node>,
        no: Box<Node>,
    },
}

/// The widest a repeat or pattern can be: CPython's MAXREPEAT stands for "no limit".
pub const UNBOUNDED: usize = usize::MAX;

impl Node {
    /// Whether the node matches exactly one character, decided by that character alone.
    #[inline]
    pub fn is_single(&self) -> bool {
        matches!(self, Node::Char { .. } | Node::Any { .. } | Node::Set(_) | Node::Class(_))
    }

    /// Whether a single-character node accepts `c`.
    #[inline(always)]
    pub fn single_matches(&self, c: u32) -> bool {
        match self {
            Node::Char { c: x, fold } => *x == c || (*fold && *x == lower(c)),
            Node::Any { dotall } => *dotall || c != '\n' as u32,
            Node::Set(s) => s.matches(c),
            Node::Class(cl) => cl.matches(c),
            _ => false,
        }
    }

    /// The least and greatest number of characters the node can match.
    pub fn width(&self) -> (usize, usize) {
        match self {
            n if n.is_single() => (1, 1),
            Node::Group(_, b) | Node::Atomic(b) => b.width(),
            Node::Seq(ns) => ns.iter().fold((0, 0), |(lo, hi), n| {
                let (a, b) = n.width();
                (lo.saturating_add(a), hi.saturating_add(b))
            }),
            Node::Alt(ns) => ns.iter().map(Node::width).fold((UNBOUNDED, 0), |(lo, hi), (a, b)| (lo.min(a), hi.max(b))),
            Node::Repeat(r) => {
                let (a, b) = r.body.width();
                let hi = if r.max == UNBOUNDED && b > 0 { UNBOUNDED } else { b.saturating_mul(r.max) };
                (a.saturating_mul(r.min), hi)
            }
            Node::Backref { .. } => (0, UNBOUNDED),
            Node::Cond { yes, no, .. } => {
                let (a, b) = (yes.width(), no.width());
                (a.0.min(b.0), a.1.max(b.1))
            }
            _ => (0, 0),
        }
    }
}
