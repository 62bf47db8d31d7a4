//! Calls: positional, keyword, starred and double-starred arguments, and method calls.

use super::*;

impl<'a> Emitter<'a> {
    pub(super) fn call(&mut self, e: &'a Expr, func: &'a Expr, args: &'a [Arg]) -> R {
        let simple = args.iter().all(|a| matches!(a, Arg::Positional(_)));
        let has_star = args.iter().any(|a| matches!(a, Arg::Starred(_) | Arg::DoubleStarred(_)));
        // `super()` inside a method means `super(__class__, first_argument)`. In a function
        // without parameters it is a plain call, which raises CPython's RuntimeError when run.
        if let (ExprKind::Name(n), true) = (&func.node, args.is_empty()) {
            let first = self.table.scopes[self.scope].params.first().cloned();
            if let (true, Some(first)) =
                (n == "super" && self.scope_kind() == ScopeKind::Function && self.locals.contains("__class__"), first)
            {
                self.load_name("super");
                self.load_name("__class__");
                self.load_name(&first);
                self.span = e.span;
                self.emit(Op::Call(2));
                return Ok(());
            }
        }
        if let (ExprKind::Attribute { value, attr }, true) = (&func.node, simple) {
            self.expr(value)?;
            let i = self.name_idx(&attr.node);
            self.span = func.span;
            self.emit(Op::LoadMethod(i));
            for a in args {
                if let Arg::Positional(x) = a {
                    self.expr(x)?;
                }
            }
            self.span = e.span;
            self.emit(Op::CallMethod(args.len() as u32));
            return Ok(());
        }
        self.expr(func)?;
        if !has_star {
            let mut kwnames = Vec::new();
            for a in args {
                match a {
                    Arg::Positional(x) => self.expr(x)?,
                    Arg::Keyword(name, x) => {
                        self.expr(x)?;
                        kwnames.push(intern(name.node.as_str()));
                    }
                    _ => unreachable!(),
                }
            }
            self.span = e.span;
            if kwnames.is_empty() {
                self.emit(Op::Call(args.len() as u32));
            } else {
                self.kwnames.push(kwnames.into());
                self.emit(Op::CallKw(args.len() as u32, (self.kwnames.len() - 1) as u32));
            }
            return Ok(());
        }
        // General form: build an args tuple and a kwargs dict.
        let positional: Vec<&Arg> = args.iter().filter(|a| matches!(a, Arg::Positional(_) | Arg::Starred(_))).collect();
        self.emit(Op::BuildList(0));
        for a in positional {
            match a {
                Arg::Positional(x) => {
                    self.expr(x)?;
                    self.emit(Op::ListAppend(1));
                }
                Arg::Starred(x) => {
                    self.expr(x)?;
                    self.span = x.span;
                    self.emit(Op::ListExtend(1));
                }
                _ => unreachable!(),
            }
        }
        self.emit(Op::ListToTuple);
        let keywords: Vec<&Arg> =
            args.iter().filter(|a| matches!(a, Arg::Keyword(..) | Arg::DoubleStarred(_))).collect();
        if keywords.is_empty() {
            self.span = e.span;
            self.emit(Op::CallEx(0));
        } else {
            self.emit(Op::BuildMap(0));
            for a in keywords {
                match a {
                    Arg::Keyword(name, x) => {
                        self.load_const(Value::str(name.node.as_str()));
                        self.expr(x)?;
                        self.emit(Op::MapAdd(1));
                    }
                    Arg::DoubleStarred(x) => {
                        self.expr(x)?;
                        self.span = x.span;
                        self.emit(Op::DictMerge(1));
                    }
                    _ => unreachable!(),
                }
            }
            self.span = e.span;
            self.emit(Op::CallEx(1));
        }
        Ok(())
    }
}
