//! When the lines typed so far make an entry to run, and when the REPL must ask for more
//! (the `... ` prompt). Decided by the parser and lexer, with CPython's interactive rules:
//!
//! - input that ends inside an open bracket, a triple-quoted string or after a backslash
//!   continues, even across blank lines;
//! - a block (`def`, `if`, `async def`, ...) continues until a blank line ends it;
//! - anything else runs at once, and a syntax error is reported when it runs.

use coro::ast::StmtKind;
use coro::lexer::Lexer;
use coro::parser::{self, SyntaxErrorKind};

#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    /// Run it (or report its syntax error).
    Complete,
    /// Ask for another line.
    NeedsMore,
}

/// Decides for the lines entered so far (without their line ends).
pub fn decide(lines: &[String]) -> Entry {
    let text = join(lines);
    let last_blank = lines.last().is_none_or(|l| l.trim().is_empty());
    match parser::parse(&text) {
        Ok(module) => {
            let block = module.body.last().is_some_and(|s| is_block(&s.node));
            if block && !last_blank {
                Entry::NeedsMore
            } else {
                Entry::Complete
            }
        }
        // A blank line ends a block even when its body is missing (then the error is
        // reported), but not an open bracket or string.
        Err(e) if e.incomplete && (!last_blank || open_at_end(&text)) => Entry::NeedsMore,
        Err(_) => Entry::Complete,
    }
}

/// The source of an entry: its lines, each ended by a newline.
pub fn join(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Whether a statement has a block, which only a blank line ends interactively.
fn is_block(stmt: &StmtKind) -> bool {
    matches!(
        stmt,
        StmtKind::FunctionDef(_)
            | StmtKind::ClassDef(_)
            | StmtKind::If { .. }
            | StmtKind::While { .. }
            | StmtKind::For { .. }
            | StmtKind::With { .. }
            | StmtKind::Try { .. }
            | StmtKind::Match { .. }
    )
}

/// Whether the lexer ends inside a bracket, a string or a line continuation: the lexer's
/// incomplete errors, as opposed to the indentation pass's missing block.
fn open_at_end(text: &str) -> bool {
    Lexer::new(text).find_map(Result::err).is_some_and(|e| e.incomplete && e.kind == SyntaxErrorKind::SyntaxError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_on(text: &str) -> Entry {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        decide(&lines)
    }

    #[test]
    fn simple_statements_run_at_once() {
        for text in ["x = 1", "print('hi')", "1 + 2", "import asyncio", "await asyncio.sleep(0)", "x = (1,\n 2)"] {
            assert_eq!(decide_on(text), Entry::Complete, "{text:?}");
        }
    }

    #[test]
    fn blocks_continue_until_a_blank_line() {
        for text in [
            "def f():",
            "def f():\n    return 1",
            "if x: pass",
            "for i in range(3):\n    print(i)",
            "async def main():\n    await asyncio.sleep(1)",
            "class C:\n    x = 1\n    def m(self):\n        pass",
            "@decorator",
            "try:\n    pass",
        ] {
            assert_eq!(decide_on(text), Entry::NeedsMore, "{text:?}");
        }
        for text in ["def f():\n    return 1\n", "if x: pass\n", "while True:\n    pass\n    "] {
            assert_eq!(decide_on(text), Entry::Complete, "{text:?}");
        }
    }

    #[test]
    fn open_brackets_and_strings_continue_even_across_blank_lines() {
        for text in ["print(1,", "x = [\n1,\n", "s = '''abc", "s = '''abc\n\n", "d = {\n\n", "x = 1 + \\"] {
            assert_eq!(decide_on(text), Entry::NeedsMore, "{text:?}");
        }
    }

    #[test]
    fn errors_are_complete_so_that_they_are_reported() {
        for text in ["x = )", "1 +* 2", "s = 'abc", "if x:\n", "try:\n    pass\n", "x = 1 + \\\n"] {
            assert_eq!(decide_on(text), Entry::Complete, "{text:?}");
        }
    }
}
