//! Colours for the line being edited, from the project's own lexer: keywords, strings,
//! numbers and comments, and the bracket matching the one at the cursor.

use coro::lexer::{RawError, Tok};
use logos::Logos;
use std::ops::Range;

const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[90m";
const BRACKET: &str = "\x1b[1;4m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours; `cursor` (a byte offset), if given, marks a bracket whose match is
/// shown too.
pub fn highlight(line: &str, cursor: Option<usize>) -> String {
    let mut spans: Vec<(Range<usize>, &str)> = Vec::new();
    let mut brackets: Vec<(usize, bool)> = Vec::new();
    let mut end = 0;
    for (tok, range) in Tok::lexer(line).spanned() {
        push_comment(&mut spans, line, end..range.start);
        end = range.end;
        let colour = match &tok {
            Ok(t) if t.is_keyword() => Some(KEYWORD),
            Ok(Tok::Str(_)) => Some(STRING),
            Ok(Tok::Int(_) | Tok::Float(_) | Tok::Imag(_)) => Some(NUMBER),
            Ok(Tok::LParen | Tok::LSqb | Tok::LBrace) => {
                brackets.push((range.start, true));
                None
            }
            Ok(Tok::RParen | Tok::RSqb | Tok::RBrace) => {
                brackets.push((range.start, false));
                None
            }
            Err(RawError::UnterminatedString | RawError::UnterminatedTripleString) => Some(STRING),
            _ => None,
        };
        if let Some(c) = colour {
            spans.push((range, c));
        }
    }
    push_comment(&mut spans, line, end..line.len());
    if let Some((a, b)) = cursor.and_then(|c| matching_pair(&brackets, c)) {
        spans.push((a..a + 1, BRACKET));
        spans.push((b..b + 1, BRACKET));
        spans.sort_by_key(|(r, _)| r.start);
    }
    paint(line, &spans)
}

/// A comment in the gap between two tokens (the lexer skips comments).
fn push_comment(spans: &mut Vec<(Range<usize>, &'static str)>, line: &str, gap: Range<usize>) {
    if let Some(hash) = line[gap.clone()].find('#') {
        spans.push((gap.start + hash..gap.end, COMMENT));
    }
}

/// The bracket at the cursor (or just before it) and its partner, as byte offsets.
fn matching_pair(brackets: &[(usize, bool)], cursor: usize) -> Option<(usize, usize)> {
    let at = brackets.iter().position(|&(p, _)| p == cursor).or_else(|| {
        let before = cursor.checked_sub(1)?;
        brackets.iter().position(|&(p, _)| p == before)
    })?;
    let (pos, open) = brackets[at];
    let mut depth = 0i32;
    let partner = if open {
        brackets[at..].iter().find(|&&(_, o)| {
            depth += if o { 1 } else { -1 };
            depth == 0
        })
    } else {
        brackets[..=at].iter().rev().find(|&&(_, o)| {
            depth += if o { -1 } else { 1 };
            depth == 0
        })
    };
    partner.map(|&(p, _)| (pos, p))
}

fn paint(line: &str, spans: &[(Range<usize>, &str)]) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for (range, colour) in spans {
        if range.start < at || range.end > line.len() {
            continue;
        }
        out.push_str(&line[at..range.start]);
        out.push_str(colour);
        out.push_str(&line[range.clone()]);
        out.push_str(RESET);
        at = range.end;
    }
    out.push_str(&line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_numbers_and_comments_are_coloured() {
        let s = highlight("if x: print('a', 12)  # note", None);
        assert!(s.starts_with(&format!("{KEYWORD}if{RESET} x: print(")), "{s:?}");
        assert!(s.contains(&format!("{STRING}'a'{RESET}")), "{s:?}");
        assert!(s.contains(&format!("{NUMBER}12{RESET}")), "{s:?}");
        assert!(s.ends_with(&format!("{COMMENT}# note{RESET}")), "{s:?}");
    }

    #[test]
    fn an_unterminated_string_is_coloured_as_a_string() {
        assert_eq!(highlight("'abc", None), format!("{STRING}'abc{RESET}"));
    }

    #[test]
    fn the_bracket_matching_the_cursor_is_marked() {
        let s = highlight("f(g(x))", Some(7));
        assert_eq!(s, format!("f{BRACKET}({RESET}g(x){BRACKET}){RESET}"));
        assert_eq!(highlight("f(", Some(2)), "f(");
    }

    #[test]
    fn text_without_tokens_to_colour_is_unchanged() {
        assert_eq!(highlight("x = y", Some(0)), "x = y");
    }
}
