//! The raw token set, recognised by logos. Layout tokens (`Indent`, `Dedent`) are never
//! produced here; the indentation pass in `lexer/mod.rs` inserts them.

use super::strings::{self, StrLit};
use logos::Logos;
use num_bigint::BigInt;
use std::fmt;

/// Why logos could not produce a token; turned into a `SyntaxError` (with position) by the
/// indentation pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RawError {
    #[default]
    InvalidChar,
    UnterminatedString,
    UnterminatedTripleString,
    /// A complete literal whose contents are invalid; the message is CPython's.
    BadLiteral(String),
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\f]+")]
// A comment, including a `#!` first line.
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
pub enum Tok {
    #[regex(r"\r\n|\n|\r")]
    Newline,
    /// Produced by the indentation pass only.
    Indent,
    /// Produced by the indentation pass only.
    Dedent,
    /// An opening parenthesis that starts parenthesized `with` items (`with (a as b, c):`);
    /// the indentation pass retags `(` once it has seen the matching `)` followed by `:`.
    WithLParen,
    /// The soft keywords `match` and `case` where they start a match statement or one of its
    /// cases (lexed as names; the indentation pass retags them, see `lexer/mod.rs`).
    Match,
    Case,
    /// Backslash-newline: joins physical lines; dropped by the indentation pass.
    #[regex(r"\\(\r\n|\n|\r)")]
    Continuation,
    /// A backslash that does not end a line: always an error.
    #[token("\\")]
    Backslash,

    // Unicode 15.1 made ZWNJ and ZWJ identifier characters; CPython 3.11 (Unicode 14) does not.
    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}--[\u{200C}\u{200D}]]*", |lex| lex.slice().to_string())]
    Name(String),
    #[regex(r"[0-9](_?[0-9])*", |lex| int_literal(lex.slice(), 10))]
    #[regex(r"0[xX](_?[0-9a-fA-F])+", |lex| int_literal(&lex.slice()[2..], 16))]
    #[regex(r"0[oO](_?[0-7])+", |lex| int_literal(&lex.slice()[2..], 8))]
    #[regex(r"0[bB](_?[01])+", |lex| int_literal(&lex.slice()[2..], 2))]
    Int(BigInt),
    #[regex(r"[0-9](_?[0-9])*\.([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?", |lex| float_literal(lex.slice()))]
    #[regex(r"\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?", |lex| float_literal(lex.slice()))]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*", |lex| float_literal(lex.slice()))]
    Float(f64),
    #[regex(r"([0-9](_?[0-9])*(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?[jJ]", |lex| float_literal(&lex.slice()[..lex.slice().len() - 1]))]
    Imag(f64),
    /// Matches a prefix and an opening quote; the callback scans to the closing quote.
    #[regex(r#"([rRbBfFuU]|[rR][bBfF]|[bBfF][rR])?("|'|"""|''')"#, strings::lex_string)]
    Str(StrLit),

    #[token("False")]
    False,
    #[token("None")]
    None,
    #[token("True")]
    True,
    #[token("and")]
    And,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("async")]
    Async,
    #[token("await")]
    Await,
    #[token("break")]
    Break,
    #[token("class")]
    Class,
    #[token("continue")]
    Continue,
    #[token("def")]
    Def,
    #[token("del")]
    Del,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("for")]
    For,
    #[token("from")]
    From,
    #[token("global")]
    Global,
    #[token("if")]
    If,
    #[token("import")]
    Import,
    #[token("in")]
    In,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("nonlocal")]
    Nonlocal,
    #[token("not")]
    Not,
    #[token("or")]
    Or,
    #[token("pass")]
    Pass,
    #[token("raise")]
    Raise,
    #[token("return")]
    Return,
    #[token("try")]
    Try,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("yield")]
    Yield,

    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    DoubleStar,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("@")]
    At,
    #[token("<<")]
    LShift,
    #[token(">>")]
    RShift,
    #[token("&")]
    Amper,
    #[token("|")]
    Vbar,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    #[token(":=")]
    ColonEqual,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,
    #[token("==")]
    EqEqual,
    #[token("!=")]
    NotEqual,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LSqb,
    #[token("]")]
    RSqb,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token(";")]
    Semi,
    #[token("=")]
    Equal,
    #[token("->")]
    Arrow,
    #[token("+=")]
    PlusEqual,
    #[token("-=")]
    MinusEqual,
    #[token("*=")]
    StarEqual,
    #[token("@=")]
    AtEqual,
    #[token("/=")]
    SlashEqual,
    #[token("//=")]
    DoubleSlashEqual,
    #[token("%=")]
    PercentEqual,
    #[token("&=")]
    AmperEqual,
    #[token("|=")]
    VbarEqual,
    #[token("^=")]
    CaretEqual,
    #[token("<<=")]
    LShiftEqual,
    #[token(">>=")]
    RShiftEqual,
    #[token("**=")]
    DoubleStarEqual,
}

fn int_literal(digits: &str, radix: u32) -> Result<BigInt, RawError> {
    let digits = digits.replace('_', "");
    if radix == 10 && digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
        return Err(RawError::BadLiteral(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".into(),
        ));
    }
    if let Err(msg) = crate::numeric::check_int_parse_digits(digits.len(), radix) {
        return Err(RawError::BadLiteral(format!(
            "{} - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.",
            msg
        )));
    }
    BigInt::parse_bytes(digits.as_bytes(), radix).ok_or(RawError::InvalidChar)
}

fn float_literal(text: &str) -> Result<f64, RawError> {
    text.replace('_', "").parse().map_err(|_| RawError::BadLiteral("invalid decimal literal".into()))
}

/// The keywords, as the REPL completes them.
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

impl Tok {
    /// Whether the token is a keyword (`None`, `True` and `False` included).
    pub fn is_keyword(&self) -> bool {
        !matches!(self, Tok::Name(_)) && KEYWORDS.contains(&self.describe())
    }

    /// The source text of a fixed token, or a description of a variable one.
    pub fn describe(&self) -> &'static str {
        use Tok::*;
        match self {
            Newline => "newline",
            Indent => "indent",
            Dedent => "dedent",
            WithLParen | LParen => "(",
            Continuation | Backslash => "\\",
            Name(_) => "name",
            Int(_) | Float(_) | Imag(_) => "number",
            Str(_) => "string",
            False => "False",
            None => "None",
            True => "True",
            And => "and",
            As => "as",
            Assert => "assert",
            Async => "async",
            Await => "await",
            Break => "break",
            Class => "class",
            Continue => "continue",
            Def => "def",
            Del => "del",
            Elif => "elif",
            Else => "else",
            Except => "except",
            Finally => "finally",
            For => "for",
            From => "from",
            Global => "global",
            If => "if",
            Import => "import",
            In => "in",
            Is => "is",
            Lambda => "lambda",
            Nonlocal => "nonlocal",
            Not => "not",
            Or => "or",
            Pass => "pass",
            Raise => "raise",
            Return => "return",
            Try => "try",
            While => "while",
            With => "with",
            Yield => "yield",
            Match => "match",
            Case => "case",
            Plus => "+",
            Minus => "-",
            Star => "*",
            DoubleStar => "**",
            Slash => "/",
            DoubleSlash => "//",
            Percent => "%",
            At => "@",
            LShift => "<<",
            RShift => ">>",
            Amper => "&",
            Vbar => "|",
            Caret => "^",
            Tilde => "~",
            ColonEqual => ":=",
            Less => "<",
            Greater => ">",
            LessEqual => "<=",
            GreaterEqual => ">=",
            EqEqual => "==",
            NotEqual => "!=",
            RParen => ")",
            LSqb => "[",
            RSqb => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Colon => ":",
            Dot => ".",
            Ellipsis => "...",
            Semi => ";",
            Equal => "=",
            Arrow => "->",
            PlusEqual => "+=",
            MinusEqual => "-=",
            StarEqual => "*=",
            AtEqual => "@=",
            SlashEqual => "/=",
            DoubleSlashEqual => "//=",
            PercentEqual => "%=",
            AmperEqual => "&=",
            VbarEqual => "|=",
            CaretEqual => "^=",
            LShiftEqual => "<<=",
            RShiftEqual => ">>=",
            DoubleStarEqual => "**=",
        }
    }
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Name(n) => write!(f, "name '{n}'"),
            Tok::Int(i) => write!(f, "number {i}"),
            _ => f.write_str(self.describe()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Result<Tok, RawError>> {
        Tok::lexer(src).collect()
    }

    #[test]
    fn integers_in_every_base() {
        let ints: Vec<_> = toks("1_000 0xFF 0o17 0b1010 0 00 123456789012345678901234567890")
            .into_iter()
            .map(|t| match t {
                Ok(Tok::Int(i)) => i.to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ints, ["1000", "255", "15", "10", "0", "0", "123456789012345678901234567890"]);
    }

    #[test]
    fn leading_zero_decimal_is_rejected() {
        assert!(matches!(&toks("012")[0], Err(RawError::BadLiteral(m)) if m.starts_with("leading zeros")));
    }

    #[test]
    fn floats_and_imaginary() {
        assert_eq!(
            toks("1. .5 1e-5 1_0.5 2.5E+3 2j 1.5J"),
            vec![
                Ok(Tok::Float(1.0)),
                Ok(Tok::Float(0.5)),
                Ok(Tok::Float(1e-5)),
                Ok(Tok::Float(10.5)),
                Ok(Tok::Float(2500.0)),
                Ok(Tok::Imag(2.0)),
                Ok(Tok::Imag(1.5)),
            ]
        );
    }

    #[test]
    fn operators_take_the_longest_match() {
        assert_eq!(
            toks("**= //= ... -> := . @"),
            vec![
                Ok(Tok::DoubleStarEqual),
                Ok(Tok::DoubleSlashEqual),
                Ok(Tok::Ellipsis),
                Ok(Tok::Arrow),
                Ok(Tok::ColonEqual),
                Ok(Tok::Dot),
                Ok(Tok::At),
            ]
        );
    }

    #[test]
    fn keywords_names_and_unicode_identifiers() {
        assert_eq!(
            toks("async await asyncio 名字 _x1"),
            vec![
                Ok(Tok::Async),
                Ok(Tok::Await),
                Ok(Tok::Name("asyncio".into())),
                Ok(Tok::Name("名字".into())),
                Ok(Tok::Name("_x1".into())),
            ]
        );
    }

    #[test]
    fn comments_and_continuations_are_skipped() {
        assert_eq!(
            toks("#!/usr/bin/env coro\na # c\\\n"),
            vec![Ok(Tok::Newline), Ok(Tok::Name("a".into())), Ok(Tok::Newline)]
        );
        assert_eq!(toks("a \\\n b")[1], Ok(Tok::Continuation));
    }
}
