//! `from __future__ import ...`: CPython's compile-time checks. Every feature of 3.11 is
//! accepted (all of them are on by default or have no effect here); an unknown one, or a
//! future import after other statements, is a `SyntaxError`.

use crate::ast::{ExprKind, Module, StmtKind};
use crate::parser::SyntaxError;

/// The feature names CPython 3.11's `__future__` defines, in its order.
pub const FEATURES: &[&str] = &[
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

/// Checks the module's future imports: known features, and only at the top of the file
/// (after the docstring and other future imports).
pub fn check(m: &Module) -> Result<(), SyntaxError> {
    let mut at_top = true;
    for (i, s) in m.body.iter().enumerate() {
        match &s.node {
            StmtKind::ImportFrom { module, names } if module == "__future__" => {
                if !at_top {
                    return Err(SyntaxError::at(
                        s.span,
                        "from __future__ imports must occur at the beginning of the file",
                    ));
                }
                for a in names {
                    let msg = match a.name.node.as_str() {
                        "braces" => "not a chance".to_string(),
                        name if FEATURES.contains(&name) => continue,
                        name => format!("future feature {} is not defined", name),
                    };
                    return Err(SyntaxError::at(a.name.span, msg));
                }
            }
            StmtKind::Expr(e) if i == 0 && matches!(&e.node, ExprKind::Constant(crate::ast::Constant::Str(_))) => {}
            _ => at_top = false,
        }
    }
    Ok(())
}
