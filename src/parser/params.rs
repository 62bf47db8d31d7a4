//! Parameter lists and call arguments: the grammar accepts any sequence of items, these
//! functions enforce the ordering rules.

use super::depth;
use crate::ast::{Arg, Expr, Param, Params};
use crate::parser::SyntaxError;
use crate::span::Span;
use std::collections::HashSet;

/// One comma-separated item of a parameter list.
pub enum Item {
    Plain(Param),
    /// `*args`, or a bare `*` (with the span of the `*`).
    Star(Option<Param>, Span),
    DoubleStar(Param),
    Slash(Span),
}

pub fn build(items: Vec<Item>) -> Result<Params, SyntaxError> {
    let mut params = Params::default();
    let mut star: Option<Span> = None;
    let mut slash_seen = false;
    let mut default_seen = false;
    let mut names = HashSet::new();
    for item in items {
        if let Some(kw) = &params.kwarg {
            return Err(SyntaxError::at(kw.name.span, "arguments cannot follow var-keyword argument"));
        }
        let param = match item {
            Item::Slash(span) => {
                let msg = if star.is_some() {
                    "/ must be ahead of *"
                } else if slash_seen {
                    "/ may appear only once"
                } else if params.args.is_empty() {
                    "at least one argument must precede /"
                } else {
                    params.posonly = std::mem::take(&mut params.args);
                    slash_seen = true;
                    continue;
                };
                return Err(SyntaxError::at(span, msg));
            }
            Item::Star(param, span) => {
                if star.is_some() {
                    return Err(SyntaxError::at(span, "* argument may appear only once"));
                }
                star = Some(span);
                params.vararg = param;
                params.vararg.as_ref()
            }
            Item::DoubleStar(param) => {
                params.kwarg = Some(param);
                params.kwarg.as_ref()
            }
            Item::Plain(param) if star.is_some() => {
                params.kwonly.push(param);
                params.kwonly.last()
            }
            Item::Plain(param) => {
                if param.default.is_some() {
                    default_seen = true;
                } else if default_seen {
                    return Err(SyntaxError::at(param.name.span, "non-default argument follows default argument"));
                }
                params.args.push(param);
                params.args.last()
            }
        };
        if let Some(p) = param {
            if !names.insert(p.name.node.clone()) {
                let msg = format!("duplicate argument '{}' in function definition", p.name.node);
                return Err(SyntaxError::at(p.name.span, msg));
            }
        }
    }
    if let Some(span) = star {
        if params.vararg.is_none() && params.kwonly.is_empty() {
            return Err(SyntaxError::at(span, "named arguments must follow bare *"));
        }
    }
    Ok(params)
}

/// One call argument, remembering whether it is an unparenthesized generator expression.
pub enum CallArg {
    Plain(Arg),
    BareGenerator(Expr),
}

/// Call arguments (`parens` spans the parentheses): positional ones come before keywords,
/// `*` before `**`, no repeated keyword, and a bare generator expression only on its own.
pub fn call_args(items: Vec<CallArg>, parens: Span) -> Result<Vec<Arg>, SyntaxError> {
    let single = items.len() == 1;
    let args = items
        .into_iter()
        .map(|item| match item {
            CallArg::Plain(arg) => Ok(arg),
            // It borrows the call's parentheses, and (as in CPython) their span.
            CallArg::BareGenerator(e) if single => Ok(Arg::Positional(depth::expr(e.node, parens))),
            CallArg::BareGenerator(e) => Err(SyntaxError::at(e.span, "Generator expression must be parenthesized")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut keyword_seen = false;
    let mut double_star_seen = false;
    let mut names = HashSet::new();
    for arg in &args {
        match arg {
            Arg::Positional(e) if double_star_seen => {
                return Err(SyntaxError::at(e.span, "positional argument follows keyword argument unpacking"))
            }
            Arg::Positional(e) if keyword_seen => {
                return Err(SyntaxError::at(e.span, "positional argument follows keyword argument"))
            }
            Arg::Starred(e) if double_star_seen => {
                return Err(SyntaxError::at(e.span, "iterable argument unpacking follows keyword argument unpacking"))
            }
            Arg::Keyword(name, _) => {
                keyword_seen = true;
                if !names.insert(&name.node) {
                    return Err(SyntaxError::at(name.span, format!("keyword argument repeated: {}", name.node)));
                }
            }
            Arg::DoubleStarred(_) => double_star_seen = true,
            Arg::Positional(_) | Arg::Starred(_) => {}
        }
    }
    Ok(args)
}
