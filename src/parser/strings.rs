//! Adjacent string literals (`'a' "b"`, `'x' f'{y}'`) become one constant or f-string.

use super::{depth, fstring};
use crate::ast::{Constant, Expr, ExprKind, FStringPart};
use crate::lexer::StrLit;
use crate::parser::SyntaxError;
use crate::span::Span;

pub fn concat(pieces: Vec<StrLit>, span: Span) -> Result<Expr, SyntaxError> {
    let bytes = pieces.iter().filter(|p| matches!(p, StrLit::Bytes(_))).count();
    if bytes != 0 && bytes != pieces.len() {
        return Err(SyntaxError::at(span, "cannot mix bytes and nonbytes literals"));
    }
    let is_fstring = pieces.iter().any(|p| matches!(p, StrLit::FStr { .. }));
    let kind = if bytes != 0 {
        let mut all = Vec::new();
        for p in pieces {
            if let StrLit::Bytes(b) = p {
                all.extend(b);
            }
        }
        ExprKind::Constant(Constant::Bytes(all))
    } else if !is_fstring {
        let mut all = String::new();
        for p in pieces {
            if let StrLit::Str(s) = p {
                all.push_str(&s);
            }
        }
        ExprKind::Constant(Constant::Str(all))
    } else {
        let mut parts = Vec::new();
        for p in pieces {
            match p {
                StrLit::Str(s) => push_literal(&mut parts, s),
                StrLit::FStr { body, offset, raw } => {
                    for part in fstring::parse(&body, offset, raw)? {
                        match part {
                            FStringPart::Literal(s) => push_literal(&mut parts, s),
                            field => parts.push(field),
                        }
                    }
                }
                StrLit::Bytes(_) => unreachable!("checked above"),
            }
        }
        ExprKind::FString(parts)
    };
    Ok(depth::expr(kind, span))
}

/// Appends literal text, merging it with a preceding literal.
fn push_literal(parts: &mut Vec<FStringPart>, s: String) {
    if s.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(FStringPart::Literal(prev)) => prev.push_str(&s),
        _ => parts.push(FStringPart::Literal(s)),
    }
}
