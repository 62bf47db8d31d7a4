//! Assignment, deletion and other targets: the grammar parses them as expressions, these
//! functions reject the expressions that cannot be targets, with CPython's messages.

use super::nodes;
use crate::ast::*;
use crate::parser::SyntaxError;
use crate::span::Spanned;

/// How CPython names an expression in "cannot assign to ..." messages.
fn describe(e: &ExprKind) -> &'static str {
    use ExprKind::*;
    match e {
        Name(_) => "name",
        Constant(crate::ast::Constant::None) => "None",
        Constant(crate::ast::Constant::True) => "True",
        Constant(crate::ast::Constant::False) => "False",
        Constant(crate::ast::Constant::Ellipsis) => "ellipsis",
        Constant(_) => "literal",
        FString(_) => "f-string expression",
        Tuple(_) => "tuple",
        List(_) => "list",
        Set(_) => "set display",
        Dict(_) => "dict literal",
        Starred(_) => "starred",
        Attribute { .. } => "attribute",
        Subscript { .. } => "subscript",
        Slice { .. } => "slice",
        Call { .. } => "function call",
        BinOp { .. } | UnaryOp { .. } | BoolOp { .. } => "expression",
        Compare { .. } => "comparison",
        IfExp { .. } => "conditional expression",
        Lambda { .. } => "lambda",
        ListComp { .. } => "list comprehension",
        SetComp { .. } => "set comprehension",
        DictComp { .. } => "dict comprehension",
        GeneratorExp { .. } => "generator expression",
        Await(_) => "await expression",
        Yield(_) | YieldFrom(_) => "yield expression",
        NamedExpr { .. } => "named expression",
    }
}

/// Checks a target of `=`, `for`, `with ... as`, or a comprehension.
pub fn check_store(e: &Expr) -> Result<(), SyntaxError> {
    match &e.node {
        ExprKind::Starred(_) => Err(SyntaxError::at(e.span, "starred assignment target must be in a list or tuple")),
        _ => check_store_inner(e),
    }
}

fn check_store_inner(e: &Expr) -> Result<(), SyntaxError> {
    match &e.node {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let mut starred = items.iter().filter(|i| matches!(i.node, ExprKind::Starred(_)));
            if let (Some(_), Some(second)) = (starred.next(), starred.next()) {
                return Err(SyntaxError::at(second.span, "multiple starred expressions in assignment"));
            }
            items.iter().try_for_each(check_store_inner)
        }
        ExprKind::Starred(inner) => check_store(inner),
        other => Err(SyntaxError::at(e.span, format!("cannot assign to {}", describe(other)))),
    }
}

/// `first = rest[0] = ... = value`.
pub fn assign(first: Expr, mut rest: Vec<Expr>) -> Result<StmtKind, SyntaxError> {
    let value = rest.pop().expect("the grammar requires at least one '='");
    let mut targets = vec![first];
    targets.extend(rest);
    for t in &targets {
        match &t.node {
            ExprKind::Yield(_) | ExprKind::YieldFrom(_) => {
                return Err(SyntaxError::at(t.span, "assignment to yield expression not possible"))
            }
            // A directly invalid target (not one nested in a tuple) may be a mistyped `==`.
            ExprKind::Name(_)
            | ExprKind::Attribute { .. }
            | ExprKind::Subscript { .. }
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::Starred(_)
            | ExprKind::Constant(Constant::None | Constant::True | Constant::False) => check_store(t)?,
            other => {
                let msg = format!("cannot assign to {} here. Maybe you meant '==' instead of '='?", describe(other));
                return Err(SyntaxError::at(t.span, msg));
            }
        }
    }
    Ok(StmtKind::Assign { targets, value })
}

pub fn aug_assign(target: Expr, op: BinOp, value: Expr) -> Result<StmtKind, SyntaxError> {
    match &target.node {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
            Ok(StmtKind::AugAssign { target, op, value })
        }
        other => Err(SyntaxError::at(
            target.span,
            format!("'{}' is an illegal expression for augmented assignment", describe(other)),
        )),
    }
}

pub fn ann_assign(target: Expr, annotation: Expr, value: Option<Expr>) -> Result<StmtKind, SyntaxError> {
    let msg = match &target.node {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {
            return Ok(StmtKind::AnnAssign { target, annotation, value })
        }
        ExprKind::Tuple(_) => "only single target (not tuple) can be annotated",
        ExprKind::List(_) => "only single target (not list) can be annotated",
        _ => "illegal target for annotation",
    };
    Err(SyntaxError::at(target.span, msg))
}

pub fn deletion(targets: Vec<Expr>) -> Result<Vec<Expr>, SyntaxError> {
    fn check(e: &Expr) -> Result<(), SyntaxError> {
        match &e.node {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().try_for_each(check),
            other => Err(SyntaxError::at(e.span, format!("cannot delete {}", describe(other)))),
        }
    }
    targets.iter().try_for_each(check)?;
    Ok(targets)
}

/// An expression statement (or `return` value): a bare `*x` is not an expression.
pub fn not_starred(e: Expr) -> Result<Expr, SyntaxError> {
    match e.node {
        ExprKind::Starred(_) => Err(SyntaxError::at(e.span, "can't use starred expression here")),
        _ => Ok(e),
    }
}

/// `(target := value)`
pub fn named_expr(target: Expr, value: Expr, l: usize, r: usize) -> Result<Expr, SyntaxError> {
    match target.node {
        ExprKind::Name(name) => Ok(nodes::expr(
            ExprKind::NamedExpr { target: Spanned::new(name, target.span), value: Box::new(value) },
            l,
            r,
        )),
        other => {
            Err(SyntaxError::at(target.span, format!("cannot use assignment expressions with {}", describe(&other))))
        }
    }
}
