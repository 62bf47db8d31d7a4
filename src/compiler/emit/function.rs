//! Function, lambda and class definitions: defaults, annotations, code flags, class bodies.

use super::*;

impl<'a> Emitter<'a> {
    pub(super) fn push_defaults(&mut self, params: &'a Params) -> R<u32> {
        let mut flags = 0;
        let positional: Vec<&Param> = params.posonly.iter().chain(&params.args).collect();
        let defaults: Vec<&Expr> = positional.iter().filter_map(|p| p.default.as_ref()).collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d)?;
            }
            self.emit(Op::BuildTuple(defaults.len() as u32));
            flags |= 1;
        }
        let kwdefaults: Vec<&Param> = params.kwonly.iter().filter(|p| p.default.is_some()).collect();
        if !kwdefaults.is_empty() {
            for p in &kwdefaults {
                self.load_const(Value::str(&*self.mangle(&p.name.node)));
                self.expr(p.default.as_ref().unwrap())?;
            }
            self.emit(Op::BuildMap(kwdefaults.len() as u32));
            flags |= 2;
        }
        Ok(flags)
    }

    pub(super) fn function_def(&mut self, f: &'a FunctionDef, span: Span) -> R {
        for d in &f.decorators {
            self.expr(d)?;
        }
        self.span = span;
        let mut flags = self.push_defaults(&f.params)?;
        let p = &f.params;
        let annotated: Vec<(&str, &Expr)> = p
            .posonly
            .iter()
            .chain(&p.args)
            .chain(p.vararg.as_ref())
            .chain(&p.kwonly)
            .chain(p.kwarg.as_ref())
            .filter_map(|prm| Some((prm.name.node.as_str(), prm.annotation.as_ref()?)))
            .chain(f.returns.as_ref().map(|r| ("return", r)))
            .collect();
        if !annotated.is_empty() {
            for (name, a) in &annotated {
                self.load_const(Value::str(&*self.mangle(name)));
                self.annotation(a)?;
            }
            self.emit(Op::BuildMap(annotated.len() as u32));
            flags |= 4;
        }
        let scope = self.table.scope_of(f);
        let qualname = self.child_qualname(&f.name.node);
        let mut child = Emitter::new(self.table, self.source.clone(), self.module, scope, &f.name.node, qualname);
        child.is_async = f.is_async;
        let doc = match f.body.first().map(|s| &s.node) {
            Some(StmtKind::Expr(Spanned { node: ExprKind::Constant(Constant::Str(d)), .. })) => Value::str(d.as_str()),
            _ => Value::None,
        };
        child.konst(doc);
        child.body(&f.body)?;
        child.emit(Op::LoadNone);
        child.emit(Op::Return);
        let code = child.finish(
            self.code_flags(&f.params, scope, f.is_async),
            param_counts(&f.params).0,
            param_counts(&f.params).1,
            param_counts(&f.params).2,
            span,
        );
        let idx = self.add_child(code);
        self.span = span;
        self.emit(Op::MakeFunction(idx, flags));
        for _ in &f.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&f.name.node);
        Ok(())
    }

    /// An annotation's value: the expression, or its source text under
    /// `from __future__ import annotations`.
    pub(super) fn annotation(&mut self, e: &'a Expr) -> R {
        if self.table.future_annotations {
            let text = self.source.text[e.span.start as usize..e.span.end as usize].to_string();
            self.load_const(Value::str(text));
            return Ok(());
        }
        self.expr(e)
    }

    /// Creates the scope's `__annotations__` dict when its statements annotate names.
    pub(super) fn setup_annotations(&mut self, body: &[Stmt]) {
        if has_annotations(body) {
            self.emit(Op::BuildMap(0));
            self.store_name("__annotations__");
        }
    }

    pub(super) fn code_flags(&self, params: &Params, scope: usize, is_async: bool) -> CodeFlags {
        CodeFlags {
            varargs: params.vararg.is_some(),
            varkw: params.kwarg.is_some(),
            is_generator: self.table.scopes[scope].is_generator,
            is_coroutine: is_async && !self.table.scopes[scope].is_generator,
            is_async_generator: is_async && self.table.scopes[scope].is_generator,
            ..CodeFlags::default()
        }
    }

    pub(super) fn class_def(&mut self, c: &'a ClassDef, span: Span) -> R {
        for d in &c.decorators {
            self.expr(d)?;
        }
        self.span = span;
        let scope = self.table.scope_of(c);
        let qualname = self.child_qualname(&c.name.node);
        let mut child =
            Emitter::new(self.table, self.source.clone(), self.module, scope, &c.name.node, qualname.clone());
        child.span = span;
        child.load_const(Value::str(qualname.as_str()));
        let qi = child.name_idx("__qualname__");
        child.emit(Op::StoreName(qi));
        if let Some(StmtKind::Expr(Spanned { node: ExprKind::Constant(Constant::Str(d)), .. })) =
            c.body.first().map(|s| &s.node)
        {
            child.load_const(Value::str(d.as_str()));
            let di = child.name_idx("__doc__");
            child.emit(Op::StoreName(di));
        }
        child.setup_annotations(&c.body);
        child.body(&c.body)?;
        if child.table.scopes[scope].symbols.get("__class__") == Some(&SymKind::Cell) {
            let s = child.slot("__class__");
            child.emit(Op::LoadCell(s));
            let ci = child.name_idx("__classcell__");
            child.emit(Op::StoreName(ci));
        }
        child.emit(Op::LoadNone);
        child.emit(Op::Return);
        let flags = CodeFlags { is_class_body: true, ..CodeFlags::default() };
        let code = child.finish(flags, 0, 0, 0, span);
        let idx = self.add_child(code);
        self.span = span;
        self.emit(Op::MakeFunction(idx, 0));
        let mut nbases = 0;
        for b in &c.bases {
            match b {
                Arg::Positional(e) => {
                    self.expr(e)?;
                    nbases += 1;
                }
                Arg::Keyword(..) | Arg::DoubleStarred(_) => {}
                Arg::Starred(_) => return err("unpacking in class bases is not supported", span),
            }
        }
        let keywords: Vec<&Arg> =
            c.bases.iter().filter(|a| matches!(a, Arg::Keyword(..) | Arg::DoubleStarred(_))).collect();
        if !keywords.is_empty() {
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
                        self.emit(Op::DictUpdate(1));
                    }
                    _ => unreachable!("only keywords"),
                }
            }
            nbases |= crate::bytecode::BUILD_CLASS_KW;
        }
        let k = self.konst(Value::str(c.name.node.as_str()));
        self.span = span;
        self.emit(Op::BuildClass(nbases, k));
        for _ in &c.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&c.name.node);
        Ok(())
    }

    pub(super) fn lambda(&mut self, e: &'a Expr, params: &'a Params, body: &'a Expr) -> R {
        let flags = self.push_defaults(params)?;
        let scope = self.table.scope_of(e);
        let qualname = self.child_qualname("<lambda>");
        let mut child = Emitter::new(self.table, self.source.clone(), self.module, scope, "<lambda>", qualname);
        child.konst(Value::None);
        child.expr(body)?;
        child.emit(Op::Return);
        let (a, p, k) = param_counts(params);
        let code = child.finish(self.code_flags(params, scope, false), a, p, k, e.span);
        let idx = self.add_child(code);
        self.span = e.span;
        self.emit(Op::MakeFunction(idx, flags));
        Ok(())
    }
}
