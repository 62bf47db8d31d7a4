//! The backtracking matcher, with the semantics of CPython's `_sre`: greedy, lazy and
//! possessive repeats, an empty iteration ending a repeat, captures kept from the last
//! iteration that set them, `lastindex` as the group closed last.
//!
//! Each node gets a continuation, the rest of the match; a failure returns and the caller
//! tries its next alternative. Repeats of one character loop without recursing.

use super::node::{is_word, lower, Anchor, Greed, Node, Repeat, UNBOUNDED};
use crate::vm::Flow;

/// A code unit of the subject: a byte (ASCII str, bytes) or a code point.
pub trait Unit: Copy {
    fn code(self) -> u32;
}

impl Unit for u8 {
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
}

impl Unit for u32 {
    #[inline(always)]
    fn code(self) -> u32 {
        self
    }
}

pub const UNSET: usize = usize::MAX;

/// Where the groups matched: `marks[2g]`, `marks[2g + 1]` for group `g` (group 0 is the
/// whole match), UNSET for groups that did not take part.
pub struct Found {
    pub marks: Vec<usize>,
    pub lastindex: usize,
}

/// How a match is tried.
#[derive(Clone, Copy)]
pub struct Mode {
    /// Only at the starting position (`match`, `fullmatch`).
    pub anchored: bool,
    /// Must end at the end (`fullmatch`).
    pub full: bool,
    /// An empty match at the starting position does not count (the search after an empty
    /// match in `findall`, `sub`, `split`).
    pub must_advance: bool,
}

struct Matcher<'t, T> {
    text: &'t [T],
    marks: Vec<usize>,
    lastindex: usize,
    /// Why a long search was stopped (Ctrl-C, the run's deadline or step budget): from then
    /// on every node fails at once, and `search` raises it.
    stopped: Option<Flow>,
}

type Cont<'c, 't, T> = &'c mut dyn FnMut(&mut Matcher<'t, T>, usize) -> bool;

/// The first match at or after `pos` in `text` (already cut at `endpos`); `Err` when the
/// run's limits or Ctrl-C stop a catastrophic backtracking search.
pub fn search<T: Unit>(root: &Node, groups: usize, text: &[T], pos: usize, mode: Mode) -> Result<Option<Found>, Flow> {
    let mut m = Matcher { text, marks: vec![UNSET; 2 * (groups + 1)], lastindex: 0, stopped: None };
    let len = text.len();
    let first = first_single(root);
    let at_start_only = starts_at_string_start(root);
    let mut start = pos;
    while start <= len {
        if let Some(f) = first {
            if !mode.anchored {
                match text[start..].iter().position(|u| f.single_matches(u.code())) {
                    Some(off) => start += off,
                    None => return Ok(None),
                }
            } else if start >= len || !f.single_matches(text[start].code()) {
                return Ok(None);
            }
        }
        if at_start_only && start != 0 {
            return Ok(None);
        }
        let mut end = UNSET;
        let matched = m.node(root, start, &mut |_, j| {
            if (mode.full && j != len) || (mode.must_advance && j == pos) {
                return false;
            }
            end = j;
            true
        });
        if let Some(stop) = m.stopped {
            return Err(stop);
        }
        if matched {
            m.marks[0] = start;
            m.marks[1] = end;
            return Ok(Some(Found { marks: m.marks, lastindex: m.lastindex }));
        }
        if mode.anchored {
            return Ok(None);
        }
        start += 1;
    }
    Ok(None)
}

/// The single-character node every match must begin with, if there is one: candidate
/// starting positions are found by scanning for it.
fn first_single(n: &Node) -> Option<&Node> {
    match n {
        n if n.is_single() => Some(n),
        Node::Seq(ns) => ns.first().and_then(first_single),
        Node::Group(_, b) | Node::Atomic(b) => first_single(b),
        Node::Repeat(r) if r.min > 0 => first_single(&r.body),
        _ => None,
    }
}

/// Whether the pattern begins with `\A` (or `^` without MULTILINE).
fn starts_at_string_start(n: &Node) -> bool {
    match n {
        Node::Anchor(Anchor::StringStart | Anchor::LineStart { multiline: false }) => true,
        Node::Seq(ns) => ns.first().is_some_and(starts_at_string_start),
        Node::Group(_, b) | Node::Atomic(b) => starts_at_string_start(b),
        _ => false,
    }
}

impl<'t, T: Unit> Matcher<'t, T> {
    #[inline(always)]
    fn at(&self, i: usize) -> u32 {
        self.text[i].code()
    }

    fn anchor(&self, a: Anchor, i: usize) -> bool {
        let len = self.text.len();
        let nl = '\n' as u32;
        match a {
            Anchor::LineStart { multiline } => i == 0 || (multiline && self.at(i - 1) == nl),
            Anchor::LineEnd { multiline: false } => i == len || (i + 1 == len && self.at(i) == nl),
            Anchor::LineEnd { multiline: true } => i == len || self.at(i) == nl,
            Anchor::StringStart => i == 0,
            Anchor::StringEnd => i == len,
            Anchor::WordBoundary { negated, ascii } => {
                if len == 0 {
                    return false;
                }
                let before = i > 0 && is_word(self.at(i - 1), ascii);
                let after = i < len && is_word(self.at(i), ascii);
                (before != after) != negated
            }
        }
    }

    /// Matches `nodes` in order from `i`; simple nodes are stepped over without recursion.
    fn seq(&mut self, nodes: &[Node], mut i: usize, k: Cont<'_, 't, T>) -> bool {
        for (idx, n) in nodes.iter().enumerate() {
            if n.is_single() {
                if i < self.text.len() && n.single_matches(self.at(i)) {
                    i += 1;
                    continue;
                }
                return false;
            }
            if let Node::Anchor(a) = n {
                if self.anchor(*a, i) {
                    continue;
                }
                return false;
            }
            let rest = &nodes[idx + 1..];
            if let Node::Repeat(r) = n {
                if r.body.is_single() {
                    return self.repeat_single(r, i, rest, k);
                }
            }
            if rest.is_empty() {
                return self.node(n, i, k);
            }
            return self.node(n, i, &mut |m, j| m.seq(rest, j, k));
        }
        k(self, i)
    }

    /// Whether the search must stop: checks the run's limits every so many steps, as
    /// backtracking can take exponential time (`(a+)+$` on `'a' * 40 + 'b'`).
    fn halted(&mut self) -> bool {
        if self.stopped.is_none() {
            self.stopped = crate::limits::poll().err();
        }
        self.stopped.is_some()
    }

    fn node(&mut self, n: &Node, i: usize, k: Cont<'_, 't, T>) -> bool {
        if self.halted() {
            return false;
        }
        // Deep patterns recurse once per repeat iteration: grow the stack instead of failing.
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.node_inner(n, i, k))
    }

    fn node_inner(&mut self, n: &Node, i: usize, k: Cont<'_, 't, T>) -> bool {
        match n {
            n if n.is_single() => i < self.text.len() && n.single_matches(self.at(i)) && k(self, i + 1),
            Node::Anchor(a) => self.anchor(*a, i) && k(self, i),
            Node::Seq(ns) => self.seq(ns, i, k),
            Node::Alt(alts) => alts.iter().any(|a| self.node(a, i, k)),
            Node::Group(g, body) => {
                let g = *g;
                self.node(body, i, &mut |m, j| {
                    let (s, e, last) = (m.marks[2 * g], m.marks[2 * g + 1], m.lastindex);
                    m.marks[2 * g] = i;
                    m.marks[2 * g + 1] = j;
                    m.lastindex = g;
                    if k(m, j) {
                        return true;
                    }
                    m.marks[2 * g] = s;
                    m.marks[2 * g + 1] = e;
                    m.lastindex = last;
                    false
                })
            }
            Node::Repeat(r) if r.body.is_single() => self.repeat_single(r, i, &[], k),
            Node::Repeat(r) => match r.greed {
                Greed::Greedy => self.greedy(r, 0, i, UNSET, k),
                Greed::Lazy => self.lazy(r, 0, i, UNSET, k),
                Greed::Possessive => self.atomic(&mut |m, k2| m.greedy(r, 0, i, UNSET, k2), k),
            },
            Node::Backref { group, fold } => self.backref(*group, *fold, i, k),
            Node::Look(l) => {
                let saved = (self.marks.clone(), self.lastindex);
                let matched = if l.behind {
                    i >= l.width && self.node(&l.body, i - l.width, &mut |_, j| j == i)
                } else {
                    self.node(&l.body, i, &mut |_, _| true)
                };
                if matched == l.negated {
                    (self.marks, self.lastindex) = saved;
                    return false;
                }
                if l.negated {
                    (self.marks, self.lastindex) = saved.clone();
                }
                if k(self, i) {
                    return true;
                }
                (self.marks, self.lastindex) = saved;
                false
            }
            Node::Atomic(body) => self.atomic(&mut |m, k2| m.node(body, i, k2), k),
            Node::Cond { group, yes, no } => {
                let branch = if self.marks[2 * group] != UNSET { yes } else { no };
                self.node(branch, i, k)
            }
            _ => false,
        }
    }

    /// Runs `body` to its first success only, then the rest; failing the rest does not
    /// backtrack into `body`.
    fn atomic(&mut self, body: &mut dyn FnMut(&mut Self, Cont<'_, 't, T>) -> bool, k: Cont<'_, 't, T>) -> bool {
        let saved = (self.marks.clone(), self.lastindex);
        let mut end = UNSET;
        if !body(self, &mut |_, j| {
            end = j;
            true
        }) {
            return false;
        }
        if k(self, end) {
            return true;
        }
        (self.marks, self.lastindex) = saved;
        false
    }

    fn backref(&mut self, group: usize, fold: bool, i: usize, k: Cont<'_, 't, T>) -> bool {
        let (s, e) = (self.marks[2 * group], self.marks[2 * group + 1]);
        if s == UNSET || e == UNSET {
            return false;
        }
        let n = e - s;
        if i + n > self.text.len() {
            return false;
        }
        let same = (0..n).all(|d| {
            let (a, b) = (self.at(s + d), self.at(i + d));
            a == b || (fold && lower(a) == lower(b))
        });
        same && k(self, i + n)
    }

    /// A greedy repeat of a group or sequence, `count` iterations done, the last of which
    /// began at `last` (an iteration that matched nothing ends the repeat).
    fn greedy(&mut self, r: &Repeat, count: usize, i: usize, last: usize, k: Cont<'_, 't, T>) -> bool {
        if count < r.min {
            return self.node(&r.body, i, &mut |m, j| m.greedy(r, count + 1, j, UNSET, k));
        }
        if count < r.max && i != last && self.node(&r.body, i, &mut |m, j| m.greedy(r, count + 1, j, i, k)) {
            return true;
        }
        k(self, i)
    }

    fn lazy(&mut self, r: &Repeat, count: usize, i: usize, last: usize, k: Cont<'_, 't, T>) -> bool {
        if count < r.min {
            return self.node(&r.body, i, &mut |m, j| m.lazy(r, count + 1, j, UNSET, k));
        }
        if k(self, i) {
            return true;
        }
        count < r.max && i != last && self.node(&r.body, i, &mut |m, j| m.lazy(r, count + 1, j, i, k))
    }

    /// A repeat of a single-character node, followed by `rest`.
    fn repeat_single(&mut self, r: &Repeat, i: usize, rest: &[Node], k: Cont<'_, 't, T>) -> bool {
        if self.halted() {
            return false;
        }
        let avail = self.text.len() - i;
        let body = &r.body;
        if r.greed == Greed::Lazy {
            let mut c = 0;
            while c < r.min {
                if c < avail && body.single_matches(self.at(i + c)) {
                    c += 1;
                } else {
                    return false;
                }
            }
            loop {
                if self.seq(rest, i + c, k) {
                    return true;
                }
                if c >= r.max || c >= avail || !body.single_matches(self.at(i + c)) {
                    return false;
                }
                c += 1;
            }
        }
        let most = if r.max == UNBOUNDED { avail } else { r.max.min(avail) };
        let mut c = 0;
        while c < most && body.single_matches(self.at(i + c)) {
            c += 1;
        }
        if c < r.min {
            return false;
        }
        if r.greed == Greed::Possessive {
            return self.seq(rest, i + c, k);
        }
        // When a literal follows, only the positions holding it can continue.
        let next = match rest.first() {
            Some(Node::Char { c, fold: false }) => Some(*c),
            _ => None,
        };
        loop {
            let p = i + c;
            if next.is_none_or(|l| p < self.text.len() && self.at(p) == l) && self.seq(rest, p, k) {
                return true;
            }
            if c == r.min {
                return false;
            }
            c -= 1;
        }
    }
}
