//! Match-statement patterns: the grammar's actions build them through these functions, which
//! reject what CPython's parser rejects, with its messages.

use super::nodes;
use crate::ast::*;
use crate::parser::SyntaxError;
use crate::span::{Span, Spanned};

/// One entry of a mapping pattern as parsed: `key: pattern` or `**rest`.
pub enum MappingItem {
    Key(Expr, Pattern),
    Rest(Ident),
}

/// One argument of a class pattern as parsed.
pub enum ClassArg {
    Positional(Pattern),
    Keyword(Ident, Pattern),
}

fn pattern(kind: PatternKind, l: usize, r: usize) -> Pattern {
    Spanned::new(kind, Span::new(l, r))
}

/// A name: the wildcard `_` or a capture.
pub fn capture(name: Ident) -> Pattern {
    let span = name.span;
    let name = (name.node != "_").then_some(name);
    Spanned::new(PatternKind::As { pattern: None, name }, span)
}

pub fn star(name: Ident, l: usize, r: usize) -> Pattern {
    pattern(PatternKind::Star((name.node != "_").then_some(name)), l, r)
}

pub fn as_pattern(p: Pattern, name: Ident, l: usize, r: usize) -> Result<Pattern, SyntaxError> {
    if name.node == "_" {
        return Err(SyntaxError::at(name.span, "cannot use '_' as a target"));
    }
    Ok(pattern(PatternKind::As { pattern: Some(Box::new(p)), name: Some(name) }, l, r))
}

pub fn or(first: Pattern, rest: Vec<Pattern>, l: usize, r: usize) -> Pattern {
    if rest.is_empty() {
        return first;
    }
    let mut alternatives = vec![first];
    alternatives.extend(rest);
    pattern(PatternKind::Or(alternatives), l, r)
}

/// `None`, `True` and `False` match by identity; other literals by equality.
pub fn literal(e: Expr, l: usize, r: usize) -> Pattern {
    let kind = match &e.node {
        ExprKind::Constant(c @ (Constant::None | Constant::True | Constant::False)) => {
            PatternKind::Singleton(c.clone())
        }
        _ => PatternKind::Value(e),
    };
    pattern(kind, l, r)
}

pub fn string(e: Expr) -> Result<Expr, SyntaxError> {
    match e.node {
        ExprKind::FString(_) => Err(SyntaxError::at(e.span, "patterns may only match literals and attribute lookups")),
        _ => Ok(e),
    }
}

/// `real + imag` or `real - imag` in a pattern: a real number, then an imaginary one.
pub fn complex_literal(real: Expr, op: BinOp, imag: Expr, l: usize, r: usize) -> Result<Expr, SyntaxError> {
    let is_imaginary = |e: &Expr| matches!(e.node, ExprKind::Constant(Constant::Imaginary(_)));
    let real_inner = match &real.node {
        ExprKind::UnaryOp { operand, .. } => operand,
        _ => &real,
    };
    if is_imaginary(real_inner) {
        return Err(SyntaxError::at(real.span, "real number required in complex literal"));
    }
    if !is_imaginary(&imag) {
        return Err(SyntaxError::at(imag.span, "imaginary number required in complex literal"));
    }
    Ok(nodes::binop(real, op, imag, l, r))
}

pub fn sequence(items: Vec<Pattern>, l: usize, r: usize) -> Result<Pattern, SyntaxError> {
    let mut stars = items.iter().filter(|p| matches!(p.node, PatternKind::Star(_)));
    if let (Some(_), Some(second)) = (stars.next(), stars.next()) {
        return Err(SyntaxError::at(second.span, "multiple starred names in sequence pattern"));
    }
    Ok(pattern(PatternKind::Sequence(items), l, r))
}

pub fn mapping(items: Vec<MappingItem>, l: usize, r: usize) -> Result<Pattern, SyntaxError> {
    let (mut keys, mut patterns, mut rest) = (Vec::new(), Vec::new(), None);
    for item in items {
        match item {
            MappingItem::Key(k, p) => {
                if let Some(rest) = &rest {
                    let rest: &Ident = rest;
                    return Err(SyntaxError::at(rest.span, "invalid syntax"));
                }
                keys.push(k);
                patterns.push(p);
            }
            MappingItem::Rest(name) => {
                if name.node == "_" || rest.is_some() {
                    return Err(SyntaxError::at(name.span, "invalid syntax"));
                }
                rest = Some(name);
            }
        }
    }
    Ok(pattern(PatternKind::Mapping { keys, patterns, rest }, l, r))
}

pub fn class(cls: Expr, args: Vec<ClassArg>, l: usize, r: usize) -> Result<Pattern, SyntaxError> {
    let (mut patterns, mut kwd_attrs, mut kwd_patterns) = (Vec::new(), Vec::<Ident>::new(), Vec::new());
    for arg in args {
        match arg {
            ClassArg::Positional(p) => {
                if !kwd_attrs.is_empty() {
                    return Err(SyntaxError::at(p.span, "positional patterns follow keyword patterns"));
                }
                patterns.push(p);
            }
            ClassArg::Keyword(name, p) => {
                if kwd_attrs.iter().any(|a| a.node == name.node) {
                    let msg = format!("attribute name repeated in class pattern: {}", name.node);
                    return Err(SyntaxError::at(name.span, msg));
                }
                kwd_attrs.push(name);
                kwd_patterns.push(p);
            }
        }
    }
    Ok(pattern(PatternKind::Class { cls, patterns, kwd_attrs, kwd_patterns }, l, r))
}
