//! Expressions: operators, constants, names, containers, f-strings, `yield` and `await`.

use super::*;

impl<'a> Emitter<'a> {
    pub(super) fn expr(&mut self, e: &'a Expr) -> R {
        self.span = e.span;
        match &e.node {
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Constant(c) => self.constant(c)?,
            ExprKind::FString(parts) => self.fstring(parts)?,
            ExprKind::Tuple(xs) => {
                if xs.iter().any(|x| matches!(x.node, ExprKind::Starred(_))) {
                    self.starred_list(xs)?;
                    self.emit(Op::ListToTuple);
                } else {
                    self.exprs(xs)?;
                    self.span = e.span;
                    self.emit(Op::BuildTuple(xs.len() as u32));
                }
            }
            ExprKind::List(xs) => {
                if xs.iter().any(|x| matches!(x.node, ExprKind::Starred(_))) {
                    self.starred_list(xs)?;
                } else {
                    self.exprs(xs)?;
                    self.span = e.span;
                    self.emit(Op::BuildList(xs.len() as u32));
                }
            }
            ExprKind::Set(xs) => {
                self.emit(Op::BuildSet(0));
                for x in xs {
                    match &x.node {
                        ExprKind::Starred(inner) => {
                            self.expr(inner)?;
                            self.emit(Op::SetUpdate(1));
                        }
                        _ => {
                            self.expr(x)?;
                            self.span = e.span;
                            self.emit(Op::SetAdd(1));
                        }
                    }
                }
            }
            ExprKind::Dict(items) => {
                if items.iter().all(|(k, _)| k.is_some()) {
                    for (k, v) in items {
                        self.expr(k.as_ref().unwrap())?;
                        self.expr(v)?;
                    }
                    self.span = e.span;
                    self.emit(Op::BuildMap(items.len() as u32));
                } else {
                    self.emit(Op::BuildMap(0));
                    for (k, v) in items {
                        match k {
                            Some(k) => {
                                self.expr(k)?;
                                self.expr(v)?;
                                self.span = e.span;
                                self.emit(Op::MapAdd(1));
                            }
                            None => {
                                self.expr(v)?;
                                self.span = v.span;
                                self.emit(Op::DictUpdate(1));
                            }
                        }
                    }
                }
            }
            ExprKind::Starred(_) => return err("can't use starred expression here", e.span),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.name_idx(&attr.node);
                self.span = e.span;
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.span = e.span;
                self.emit(Op::Subscr);
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(x) => self.expr(x)?,
                        None => {
                            self.emit(Op::LoadNone);
                        }
                    }
                }
                let n = match step {
                    Some(s) => {
                        self.expr(s)?;
                        3
                    }
                    None => 2,
                };
                self.emit(Op::BuildSlice(n));
            }
            ExprKind::Call { func, args } => self.call(e, func, args)?,
            ExprKind::BinOp { op, left, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.span = e.span;
                self.emit(Op::Binary(*op));
            }
            ExprKind::UnaryOp { op, operand } => {
                if let (UnaryOp::Neg, ExprKind::Constant(Constant::Int(i))) = (op, &operand.node) {
                    return self.constant(&Constant::Int(-i));
                }
                if let (UnaryOp::Neg, ExprKind::Constant(Constant::Float(f))) = (op, &operand.node) {
                    return self.constant(&Constant::Float(-f));
                }
                self.expr(operand)?;
                self.span = e.span;
                self.emit(Op::Unary(*op));
            }
            ExprKind::BoolOp { op, values } => {
                // Short-circuit keeps the deciding operand: `x or y` is x when x is truthy.
                let mut ends = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < values.len() {
                        self.emit(Op::Dup);
                        ends.push(self.emit(match op {
                            BoolOp::And => Op::PopJumpIfFalse(0),
                            BoolOp::Or => Op::PopJumpIfTrue(0),
                        }));
                        self.emit(Op::Pop);
                    }
                }
                for j in ends {
                    self.patch(j);
                }
            }
            ExprKind::Compare { left, ops } => {
                self.expr(left)?;
                if ops.len() == 1 {
                    self.expr(&ops[0].1)?;
                    self.span = e.span;
                    self.emit(Op::Compare(ops[0].0));
                } else {
                    let mut cleanups = Vec::new();
                    for (i, (op, right)) in ops.iter().enumerate() {
                        self.expr(right)?;
                        self.span = e.span;
                        if i + 1 < ops.len() {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            self.emit(Op::Dup);
                            cleanups.push(self.emit(Op::PopJumpIfFalse(0)));
                            self.emit(Op::Pop);
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    let end = self.emit(Op::Jump(0));
                    for c in cleanups {
                        self.patch(c);
                    }
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch(end);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                let jf = self.jump_if(test, false)?;
                self.expr(body)?;
                let end = self.emit(Op::Jump(0));
                self.patch_all(jf);
                self.expr(orelse)?;
                self.patch(end);
            }
            ExprKind::Lambda { params, body } => self.lambda(e, params, body)?,
            ExprKind::ListComp { elt, generators } => self.comprehension(e, generators, "listcomp", elt, None)?,
            ExprKind::SetComp { elt, generators } => self.comprehension(e, generators, "setcomp", elt, None)?,
            ExprKind::GeneratorExp { elt, generators } => self.comprehension(e, generators, "genexpr", elt, None)?,
            ExprKind::DictComp { key, value, generators } => {
                self.comprehension(e, generators, "dictcomp", key, Some(value))?
            }
            ExprKind::Await(v) => {
                if !self.is_async {
                    let msg = if self.scope_kind() == ScopeKind::Function {
                        "'await' outside async function"
                    } else {
                        "'await' outside function"
                    };
                    return err(msg, e.span);
                }
                self.expr(v)?;
                self.span = e.span;
                // `await x` delegates to x's awaitable like `yield from`: a coroutine runs until
                // something it awaits yields a future to the task driving it.
                self.emit(Op::GetAwaitable);
                self.emit(Op::LoadNone);
                self.emit(Op::YieldFrom);
            }
            ExprKind::Yield(v) => {
                self.check_yield(e.span)?;
                match v {
                    Some(v) => self.expr(v)?,
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                self.span = e.span;
                self.emit_yield();
            }
            ExprKind::YieldFrom(v) => {
                self.check_yield(e.span)?;
                if self.is_async {
                    return err("'yield from' inside async function", e.span);
                }
                self.expr(v)?;
                self.span = e.span;
                self.emit(Op::GetYieldFromIter);
                self.emit(Op::LoadNone);
                self.emit(Op::YieldFrom);
            }
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.store_name(&target.node);
            }
        }
        Ok(())
    }

    /// Whether the code being compiled is an async generator's (`yield` in `async def`).
    pub(super) fn is_async_generator(&self) -> bool {
        self.is_async && self.table.scopes[self.scope].is_generator
    }

    /// `yield` of the value on top of the stack.
    pub(super) fn emit_yield(&mut self) {
        self.emit(if self.is_async_generator() { Op::AsyncYield } else { Op::Yield });
    }

    pub(super) fn check_yield(&self, span: Span) -> R {
        match self.scope_kind() {
            ScopeKind::Function | ScopeKind::Comprehension => Ok(()),
            _ => err("'yield' outside function", span),
        }
    }

    pub(super) fn exprs(&mut self, xs: &'a [Expr]) -> R {
        for x in xs {
            self.expr(x)?;
        }
        Ok(())
    }

    /// `[a, *b, c]`: builds a list incrementally.
    pub(super) fn starred_list(&mut self, xs: &'a [Expr]) -> R {
        let lead = xs.iter().take_while(|x| !matches!(x.node, ExprKind::Starred(_))).count();
        self.exprs(&xs[..lead])?;
        self.emit(Op::BuildList(lead as u32));
        for x in &xs[lead..] {
            match &x.node {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.span = x.span;
                    self.emit(Op::ListExtend(1));
                }
                _ => {
                    self.expr(x)?;
                    self.emit(Op::ListAppend(1));
                }
            }
        }
        Ok(())
    }

    pub(super) fn constant(&mut self, c: &Constant) -> R {
        use num_traits::ToPrimitive;
        match c {
            Constant::None => {
                self.emit(Op::LoadNone);
            }
            Constant::True => self.load_const(Value::Bool(true)),
            Constant::False => self.load_const(Value::Bool(false)),
            Constant::Ellipsis => self.load_const(Value::Ellipsis),
            Constant::Int(i) => match i.to_i32() {
                Some(small) => {
                    self.emit(Op::LoadInt(small));
                }
                None => self.load_const(Value::from_bigint(i.clone())),
            },
            Constant::Float(f) => self.load_const(Value::Float(*f)),
            Constant::Imaginary(im) => self.load_const(Value::complex(0.0, *im)),
            Constant::Str(s) => self.load_const(Value::str(s.as_str())),
            Constant::Bytes(b) => self.load_const(Value::bytes(b.clone())),
        }
        Ok(())
    }

    pub(super) fn fstring(&mut self, parts: &'a [FStringPart]) -> R {
        let mut n = 0;
        for p in parts {
            match p {
                FStringPart::Literal(s) => {
                    if s.is_empty() {
                        continue;
                    }
                    self.load_const(Value::str(s.as_str()));
                }
                FStringPart::Field(f) => {
                    if let Some(t) = &f.debug_text {
                        self.load_const(Value::str(t.as_str()));
                        n += 1;
                    }
                    self.expr(&f.expr)?;
                    let mut conv = match f.conversion {
                        Some(c) => c as u32,
                        None if f.debug_text.is_some() && f.spec.is_none() => 'r' as u32,
                        None => 0,
                    };
                    if let Some(spec) = &f.spec {
                        self.fstring(spec)?;
                        conv |= 256;
                    }
                    self.span = f.expr.span;
                    self.emit(Op::FormatValue(conv));
                }
            }
            n += 1;
        }
        // A single piece is already a str.
        if n != 1 {
            self.emit(Op::BuildString(n));
        }
        Ok(())
    }
}
