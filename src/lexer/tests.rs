use super::*;
use crate::parser::SyntaxError;
use Tok::*;

fn tokens(src: &str) -> Vec<Tok> {
    Lexer::new(src).map(|t| t.map(|(_, tok, _)| tok)).collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e:?}"))
}

fn error(src: &str) -> SyntaxError {
    match Lexer::new(src).find_map(Result::err) {
        Some(e) => e,
        _ => panic!("no error for {src:?}"),
    }
}

fn name(n: &str) -> Tok {
    Name(n.into())
}

fn int(i: i64) -> Tok {
    Int(i.into())
}

#[test]
fn indent_and_dedent() {
    let src = "if a:\n    b\n    if c:\n        d\ne\n";
    let expected = [
        If,
        name("a"),
        Colon,
        Newline,
        Indent,
        name("b"),
        Newline,
        If,
        name("c"),
        Colon,
        Newline,
        Indent,
        name("d"),
        Newline,
        Dedent,
        Dedent,
        name("e"),
        Newline,
    ];
    assert_eq!(tokens(src), expected);
}

#[test]
fn end_of_input_closes_the_line_and_every_block() {
    assert_eq!(
        tokens("if a:\n  if b:\n    c"),
        [
            If,
            name("a"),
            Colon,
            Newline,
            Indent,
            If,
            name("b"),
            Colon,
            Newline,
            Indent,
            name("c"),
            Newline,
            Dedent,
            Dedent
        ]
    );
    assert_eq!(tokens(""), []);
    assert_eq!(tokens("\n\n# only a comment\n"), []);
}

#[test]
fn blank_and_comment_lines_produce_nothing() {
    let src = "a\n\n   \n    # indented comment\n\t\nb # trailing\n";
    assert_eq!(tokens(src), [name("a"), Newline, name("b"), Newline]);
}

#[test]
fn newlines_inside_brackets_are_dropped() {
    let src = "x = [\n    1,\n\n  2,\n]\ny = {\n}\n";
    assert_eq!(
        tokens(src),
        [
            name("x"),
            Equal,
            LSqb,
            int(1),
            Comma,
            int(2),
            Comma,
            RSqb,
            Newline,
            name("y"),
            Equal,
            LBrace,
            RBrace,
            Newline
        ]
    );
}

#[test]
fn backslash_continuation_joins_lines() {
    assert_eq!(
        tokens("x = 1 + \\\n        2\ny\n"),
        [name("x"), Equal, int(1), Plus, int(2), Newline, name("y"), Newline]
    );
}

#[test]
fn tabs_advance_to_multiples_of_eight() {
    // A tab and eight spaces are the same column only if used consistently.
    assert_eq!(
        tokens("if a:\n\tb\n\tc\n"),
        [If, name("a"), Colon, Newline, Indent, name("b"), Newline, name("c"), Newline, Dedent]
    );
    let e = error("if a:\n        b\n\tc\n");
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (SyntaxErrorKind::TabError, "inconsistent use of tabs and spaces in indentation")
    );
    assert_eq!(e.span, Span::new(17, 18));
}

#[test]
fn token_spans_are_byte_offsets() {
    let spans: Vec<_> = Lexer::new("é = 'ü'\n").map(|t| t.map(|(l, _, r)| (l, r)).unwrap()).collect();
    assert_eq!(spans, [(0, 2), (3, 4), (5, 9), (9, 10)]);
}

#[test]
fn unexpected_indent() {
    let e = error("a\n  b\n");
    assert_eq!(
        (e.kind, e.msg.as_str(), e.span),
        (SyntaxErrorKind::IndentationError, "unexpected indent", Span::new(4, 5))
    );
}

#[test]
fn unindent_matching_no_level() {
    let e = error("if a:\n    b\n  c\n");
    assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
    assert_eq!(e.msg, "unindent does not match any outer indentation level");
    assert_eq!(e.span, Span::new(14, 15));
}

#[test]
fn block_header_without_a_body() {
    let e = error("if a:\nb\n");
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (SyntaxErrorKind::IndentationError, "expected an indented block after 'if' statement on line 1")
    );
    assert_eq!((e.span, e.incomplete), (Span::new(6, 7), false));
    assert_eq!(
        error("x = 1\ndef f():\n\n# c\npass").msg,
        "expected an indented block after function definition on line 2"
    );
    assert_eq!(error("async def f():\nx").msg, "expected an indented block after function definition on line 1");
    assert_eq!(error("class C(\n  B):\nx").msg, "expected an indented block after class definition on line 1");
    assert_eq!(error("for x in y:\nx").msg, "expected an indented block after 'for' statement on line 1");
    assert_eq!(error("try:\n  x\nexcept E:\ny").msg, "expected an indented block after 'except' statement on line 3");
    // At the end of input the block may still come: a REPL asks for more.
    let e = error("while x:\n");
    assert_eq!(e.msg, "expected an indented block after 'while' statement on line 1");
    assert!(e.incomplete);
}

#[test]
fn a_one_line_body_is_not_a_header() {
    assert_eq!(tokens("if a: b\nc\n"), [If, name("a"), Colon, name("b"), Newline, name("c"), Newline]);
    assert_eq!(tokens("x = d[1:]\n"), [name("x"), Equal, name("d"), LSqb, int(1), Colon, RSqb, Newline]);
}

#[test]
fn too_many_indentation_levels() {
    let src: String =
        (0..100).map(|i| format!("{}if x:\n", " ".repeat(i))).collect::<String>() + &" ".repeat(100) + "pass\n";
    assert_eq!(error(&src).msg, "too many levels of indentation");
}

#[test]
fn unclosed_bracket_is_reported_at_the_bracket() {
    let e = error("x = (1,\n  [2,\n");
    assert_eq!((e.msg.as_str(), e.span, e.incomplete), ("'[' was never closed", Span::new(10, 11), true));
}

#[test]
fn mismatched_and_unmatched_closers() {
    let e = error("f(a]");
    assert_eq!(
        (e.msg.as_str(), e.span),
        ("closing parenthesis ']' does not match opening parenthesis '('", Span::new(3, 4))
    );
    assert!(!e.incomplete);
    assert_eq!(error("f(\n]").msg, "closing parenthesis ']' does not match opening parenthesis '(' on line 1");
    let e = error("a)\n");
    assert_eq!((e.msg.as_str(), e.span), ("unmatched ')'", Span::new(1, 2)));
}

#[test]
fn nesting_limit_is_an_error_not_a_crash() {
    let src = "(".repeat(10_000) + &")".repeat(10_000);
    let e = error(&src);
    assert_eq!((e.msg.as_str(), e.span), ("too many nested parentheses", Span::new(200, 201)));
    assert!(Lexer::new(&("[".repeat(200) + &"]".repeat(200))).all(|t| t.is_ok()));
}

#[test]
fn backslash_errors() {
    let e = error("x = 1 + \\");
    assert_eq!((e.msg.as_str(), e.incomplete), ("unexpected character after line continuation character", false));
    let e = error("x = 1 + \\\n");
    assert_eq!((e.msg.as_str(), e.incomplete), ("unexpected EOF while parsing", true));
    assert_eq!(error("x = \\ y").msg, "unexpected character after line continuation character");
}

#[test]
fn unterminated_strings() {
    let e = error("x = 1\ny = 'abc\nz = 2\n");
    assert_eq!(
        (e.msg.as_str(), e.span, e.incomplete),
        ("unterminated string literal (detected at line 2)", Span::new(10, 14), false)
    );
    let e = error("x = '''abc\n\ndef\n");
    assert_eq!(e.msg, "unterminated triple-quoted string literal (detected at line 3)");
    assert_eq!((e.span, e.incomplete), (Span::new(4, 7), true));
}

#[test]
fn invalid_characters() {
    assert_eq!(error("a = $").msg, "invalid syntax");
    let e = error("a = ！");
    assert_eq!((e.msg.as_str(), e.span), ("invalid character '！' (U+FF01)", Span::new(4, 7)));
}

#[test]
fn shebang_line_is_a_comment() {
    assert_eq!(tokens("#!/usr/bin/env coro\nx\n"), [name("x"), Newline]);
}

#[test]
fn parenthesized_with_items_are_marked() {
    assert_eq!(tokens("with (a, b):\n pass")[1], WithLParen);
    assert_eq!(tokens("async with (\n  a as b,\n):\n pass")[2], WithLParen);
    assert_eq!(tokens("with (a) as b:\n pass")[1], LParen);
    assert_eq!(tokens("with (a), b:\n pass")[1], LParen);
    assert_eq!(tokens("x = (a)\ny = 1")[2], LParen);
}

#[test]
fn expression_lexer_offsets_positions_and_ignores_newlines() {
    let toks: Vec<_> = Lexer::for_expression("a +\n f'{b}'", 100).map(Result::unwrap).collect();
    assert_eq!(toks[0], (100, name("a"), 101));
    assert_eq!(toks[1], (102, Plus, 103));
    assert_eq!(toks[2], (105, Str(StrLit::FStr { body: "{b}".into(), offset: 107, raw: false }), 111));
    assert_eq!(toks.len(), 3);
}

#[test]
fn malformed_number_literals() {
    assert_eq!(error("x = 1_").msg, "invalid decimal literal");
    assert_eq!(error("x = 1__0").msg, "invalid decimal literal");
    assert_eq!(error("x = 1.5abc").msg, "invalid decimal literal");
    assert_eq!(error("x = 0x").msg, "invalid hexadecimal literal");
    assert_eq!(error("x = 0b12").msg, "invalid digit '2' in binary literal");
    assert_eq!(error("x = 0o8").msg, "invalid digit '8' in octal literal");
    assert_eq!(error("x = 2jx").msg, "invalid imaginary literal");
    let e = error("x = 12ab + 1");
    assert_eq!(e.span, Span::new(4, 8));
    // A keyword right after a number is (deprecated but) valid.
    assert_eq!(tokens("1if x else 2")[1], If);
}
