//! A bound on the depth of the syntax tree. Brackets and indentation are limited by the lexer,
//! but chains such as `1 + 1 + ...`, `- - - x`, `a.b.c...` or long `elif` ladders nest without
//! them. The tree is built bottom-up, so each node's depth is known from its children's when it
//! is created; a node that would be too deep is replaced by a leaf and the parse fails. That
//! keeps every tree shallow enough to drop, and to compile, recursively.
//!
//! Depths live in a per-thread table keyed by span, filled while one `parse` runs.

use crate::ast::*;
use crate::parser::{SyntaxError, SyntaxErrorKind};
use crate::span::{Span, Spanned};
use rustc_hash::FxHashMap;
use std::cell::RefCell;

/// Where CPython 3.11's compiler gives up (`1 + 1 + ...` with 2,998 operators compiles, one
/// more does not); `RecursionError: maximum recursion depth exceeded during compilation`.
const MAX_DEPTH: u32 = 2999;

#[derive(Default)]
struct Table {
    /// Depths of the nodes built so far that are deeper than a leaf.
    depths: FxHashMap<(u32, u32), u32>,
    too_deep: Option<Span>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
}

/// Starts tracking for a new parse.
pub fn begin() {
    TABLE.with(|t| *t.borrow_mut() = Table::default());
}

/// Ends tracking: the error, if some node would have been too deep.
pub fn finish() -> Option<SyntaxError> {
    let table = TABLE.with(|t| std::mem::take(&mut *t.borrow_mut()));
    table.too_deep.map(|span| {
        SyntaxError::new(SyntaxErrorKind::RecursionError, "maximum recursion depth exceeded during compilation", span)
    })
}

fn depth_of(span: Span) -> u32 {
    TABLE.with(|t| t.borrow().depths.get(&(span.start, span.end)).copied().unwrap_or(1))
}

/// Records a new node with the given children depth; false if it would be too deep.
fn record(span: Span, children: u32) -> bool {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        if children >= MAX_DEPTH {
            t.too_deep.get_or_insert(span);
            return false;
        }
        if children > 0 {
            t.depths.insert((span.start, span.end), children + 1);
        }
        true
    })
}

/// Builds an expression node, or a placeholder leaf if it would be too deep.
pub fn expr(kind: ExprKind, span: Span) -> Expr {
    if record(span, children_depth(&kind)) {
        Spanned::new(kind, span)
    } else {
        Spanned::new(ExprKind::Constant(Constant::None), span)
    }
}

/// `elif` ladders nest `If` statements in each other's `orelse`.
pub fn if_chain(span: Span, orelse: Vec<Stmt>) -> Vec<Stmt> {
    let children = match &orelse[..] {
        [s @ Spanned { node: StmtKind::If { .. }, .. }] => depth_of(s.span),
        _ => 0,
    };
    if record(span, children) {
        orelse
    } else {
        Vec::new()
    }
}

/// The depth of the deepest direct child of a node (0 for a leaf).
fn children_depth(kind: &ExprKind) -> u32 {
    let d = |e: &Expr| depth_of(e.span);
    let all = |es: &[Expr]| es.iter().map(d).max().unwrap_or(0);
    let opt = |e: &Option<Box<Expr>>| e.as_deref().map_or(0, d);
    let gens = |g: &[Comprehension]| g.iter().map(|c| d(&c.target).max(d(&c.iter)).max(all(&c.ifs))).max().unwrap_or(0);
    match kind {
        ExprKind::Name(_) | ExprKind::Constant(_) => 0,
        ExprKind::FString(parts) => fstring_depth(parts),
        ExprKind::Tuple(es) | ExprKind::List(es) | ExprKind::Set(es) => all(es),
        ExprKind::Dict(items) => items.iter().map(|(k, v)| k.as_ref().map_or(0, d).max(d(v))).max().unwrap_or(0),
        ExprKind::Starred(e) | ExprKind::Await(e) | ExprKind::YieldFrom(e) => d(e),
        ExprKind::Attribute { value, .. } => d(value),
        ExprKind::Subscript { value, index } => d(value).max(d(index)),
        ExprKind::Slice { lower, upper, step } => opt(lower).max(opt(upper)).max(opt(step)),
        ExprKind::Call { func, args } => args.iter().map(|a| d(arg_value(a))).max().unwrap_or(0).max(d(func)),
        ExprKind::BinOp { left, right, .. } => d(left).max(d(right)),
        ExprKind::UnaryOp { operand, .. } => d(operand),
        ExprKind::BoolOp { values, .. } => all(values),
        ExprKind::Compare { left, ops } => ops.iter().map(|(_, e)| d(e)).max().unwrap_or(0).max(d(left)),
        ExprKind::IfExp { test, body, orelse } => d(test).max(d(body)).max(d(orelse)),
        ExprKind::Lambda { params, body } => params_depth(params).max(d(body)),
        ExprKind::ListComp { elt, generators }
        | ExprKind::SetComp { elt, generators }
        | ExprKind::GeneratorExp { elt, generators } => d(elt).max(gens(generators)),
        ExprKind::DictComp { key, value, generators } => d(key).max(d(value)).max(gens(generators)),
        ExprKind::Yield(e) => opt(e),
        ExprKind::NamedExpr { value, .. } => d(value),
    }
}

fn arg_value(arg: &Arg) -> &Expr {
    match arg {
        Arg::Positional(e) | Arg::Starred(e) | Arg::Keyword(_, e) | Arg::DoubleStarred(e) => e,
    }
}

fn params_depth(p: &Params) -> u32 {
    let all = p.posonly.iter().chain(&p.args).chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg);
    all.flat_map(|p| p.default.iter().chain(&p.annotation)).map(|e| depth_of(e.span)).max().unwrap_or(0)
}

fn fstring_depth(parts: &[FStringPart]) -> u32 {
    let field = |f: &FStringField| depth_of(f.expr.span).max(f.spec.as_deref().map_or(0, fstring_depth));
    parts.iter().map(|p| if let FStringPart::Field(f) = p { field(f) } else { 0 }).max().unwrap_or(0)
}
