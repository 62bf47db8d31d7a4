//! Node constructors used by grammar actions, mostly to get spans right.

use super::depth;
use crate::ast::*;
use crate::parser::SyntaxError;
use crate::span::{Span, Spanned};

pub fn expr(kind: ExprKind, l: usize, r: usize) -> Expr {
    depth::expr(kind, Span::new(l, r))
}

pub fn constant(c: Constant, l: usize, r: usize) -> Expr {
    expr(ExprKind::Constant(c), l, r)
}

pub fn binop(left: Expr, op: BinOp, right: Expr, l: usize, r: usize) -> Expr {
    expr(ExprKind::BinOp { op, left: Box::new(left), right: Box::new(right) }, l, r)
}

pub fn unary(op: UnaryOp, operand: Expr, l: usize, r: usize) -> Expr {
    expr(ExprKind::UnaryOp { op, operand: Box::new(operand) }, l, r)
}

pub fn boolop(op: BoolOp, first: Expr, rest: Vec<Expr>, l: usize, r: usize) -> Expr {
    let mut values = vec![first];
    values.extend(rest);
    expr(ExprKind::BoolOp { op, values }, l, r)
}

/// `a, b` or `a, b,`: the items before commas plus an optional last one.
pub fn tuple(mut items: Vec<Expr>, last: Option<Expr>, l: usize, r: usize) -> Expr {
    items.extend(last);
    expr(ExprKind::Tuple(items), l, r)
}

/// A parenthesized single item: a bare starred expression is not an expression.
pub fn parenthesized(e: Expr) -> Result<Expr, SyntaxError> {
    match e.node {
        ExprKind::Starred(_) => Err(SyntaxError::at(e.span, "cannot use starred expression here")),
        _ => Ok(e),
    }
}

pub fn unpacking_in_comprehension(e: Expr) -> SyntaxError {
    SyntaxError::at(e.span, "iterable unpacking cannot be used in comprehension")
}

/// Where a statement with a body ends: the end of its last nested statement.
fn end_of(body: &[Stmt], fallback: usize) -> usize {
    body.last().map_or(fallback, |s| s.span.end as usize)
}

pub fn stmt(kind: StmtKind, l: usize, r: usize) -> Stmt {
    Spanned::new(kind, Span::new(l, r))
}

/// A compound statement starting at `l` ends where the last of its blocks ends.
pub fn block_end(l: usize, blocks: &[&[Stmt]]) -> usize {
    blocks.iter().rev().find(|b| !b.is_empty()).map_or(l, |b| end_of(b, l))
}

pub fn if_stmt(l: usize, test: Expr, body: Vec<Stmt>, orelse: Option<Vec<Stmt>>) -> Stmt {
    let orelse = orelse.unwrap_or_default();
    let end = block_end(l, &[&body, &orelse]);
    let orelse = depth::if_chain(Span::new(l, end), orelse);
    stmt(StmtKind::If { test, body, orelse }, l, end)
}

pub fn try_stmt(
    l: usize,
    body: Vec<Stmt>,
    handlers: Vec<ExceptHandler>,
    orelse: Vec<Stmt>,
    finalbody: Vec<Stmt>,
) -> Result<Stmt, SyntaxError> {
    if let Some(bare) = handlers.iter().rev().skip(1).find(|h| h.typ.is_none()) {
        return Err(SyntaxError::at(bare.span, "default 'except:' must be last"));
    }
    let star = handlers.first().is_some_and(|h| h.star);
    if let Some(mixed) = handlers.iter().find(|h| h.star != star) {
        return Err(SyntaxError::at(mixed.span, "cannot have both 'except' and 'except*' on the same 'try'"));
    }
    let mut blocks = vec![body.as_slice()];
    blocks.extend(handlers.iter().map(|h| h.body.as_slice()));
    blocks.extend([orelse.as_slice(), finalbody.as_slice()]);
    let end = block_end(l, &blocks);
    Ok(stmt(StmtKind::Try { body, handlers, orelse, finalbody, star }, l, end))
}

pub fn decorate(decorators: Vec<Expr>, mut def: Stmt) -> Stmt {
    match &mut def.node {
        StmtKind::FunctionDef(f) => f.decorators = decorators,
        StmtKind::ClassDef(c) => c.decorators = decorators,
        _ => unreachable!("the grammar only decorates definitions"),
    }
    def
}
