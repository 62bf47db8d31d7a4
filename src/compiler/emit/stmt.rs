//! Statements: simple and compound, assignment targets, `break`/`continue`/`return`
//! through the blocks they leave, `try`, `with` and loops.

use super::*;

impl<'a> Emitter<'a> {
    pub(super) fn stmt(&mut self, s: &'a Stmt) -> R {
        self.span = s.span;
        match &s.node {
            StmtKind::Expr(e) => {
                if let Some(hook) = self.display.clone() {
                    self.load_const(hook);
                    self.expr(e)?;
                    self.span = s.span;
                    self.emit(Op::Call(1));
                } else {
                    self.expr(e)?;
                    self.span = s.span;
                }
                self.emit(Op::Pop);
            }
            StmtKind::Assign { targets, value } if swap_width(targets, value).is_some() => {
                self.swap_assign(&targets[0], value)?;
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.assign(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, annotation, value } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.assign(target)?;
                }
                if self.scope_kind() != ScopeKind::Function {
                    match &target.node {
                        // `x: T` records T in the scope's `__annotations__`.
                        ExprKind::Name(n) => {
                            self.annotation(annotation)?;
                            self.load_name("__annotations__");
                            self.load_const(Value::str(&*self.mangle(n)));
                            self.span = s.span;
                            self.emit(Op::StoreSubscr);
                        }
                        // Other targets' annotations are evaluated and dropped.
                        _ if !self.table.future_annotations => {
                            self.expr(annotation)?;
                            self.emit(Op::Pop);
                        }
                        _ => {}
                    }
                }
            }
            StmtKind::FunctionDef(f) => self.function_def(f, s.span)?,
            StmtKind::ClassDef(c) => self.class_def(c, s.span)?,
            StmtKind::Return(v) => {
                if !matches!(self.scope_kind(), ScopeKind::Function) {
                    return err("'return' outside function", s.span);
                }
                self.check_star_exit(None, s.span)?;
                match v {
                    Some(_) if self.is_async_generator() => {
                        return err("'return' with value in async generator", s.span);
                    }
                    Some(v) => self.expr(v)?,
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                self.span = s.span;
                if self.fblocks.iter().any(|b| !matches!(b, FBlock::Loop { .. })) {
                    let tmp = self.temp_slot();
                    self.emit(Op::StoreFast(tmp));
                    self.unwind_all()?;
                    self.emit(Op::LoadFast(tmp));
                }
                self.emit(Op::Return);
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_continue(true, s.span)?,
            StmtKind::Continue => self.break_continue(false, s.span)?,
            StmtKind::If { test, body, orelse } => {
                let jf = self.jump_if(test, false)?;
                self.body(body)?;
                if orelse.is_empty() {
                    self.patch_all(jf);
                } else {
                    let end = self.emit(Op::Jump(0));
                    self.patch_all(jf);
                    self.body(orelse)?;
                    self.patch(end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let top = self.here();
                let exit = self.jump_if(test, false)?;
                self.fblocks.push(FBlock::Loop { continue_to: top, breaks: Vec::new(), for_iter: false });
                self.body(body)?;
                self.emit(Op::Jump(top as u32));
                let Some(FBlock::Loop { breaks, .. }) = self.fblocks.pop() else { unreachable!() };
                self.patch_all(exit);
                self.body(orelse)?;
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::For { target, iter, body, orelse, is_async } => {
                if *is_async && !self.is_async {
                    return err("'async for' outside async function", s.span);
                }
                self.expr(iter)?;
                self.span = iter.span;
                let exhausted = self.loop_head(*is_async);
                self.depth += 1;
                self.assign(target)?;
                self.fblocks.push(FBlock::Loop { continue_to: exhausted.top, breaks: Vec::new(), for_iter: true });
                self.body(body)?;
                self.emit(Op::Jump(exhausted.top as u32));
                let Some(FBlock::Loop { breaks, .. }) = self.fblocks.pop() else { unreachable!() };
                self.loop_exit(exhausted, self.depth);
                self.depth -= 1;
                self.body(orelse)?;
                for b in breaks {
                    self.patch(b);
                }
            }
            StmtKind::With { items, body, is_async } => {
                if *is_async && !self.is_async {
                    return err("'async with' outside async function", s.span);
                }
                self.with(items, body, *is_async)?
            }
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.span = s.span;
                self.emit(Op::Raise(n));
            }
            StmtKind::Match { subject, cases } => self.match_stmt(subject, cases)?,
            StmtKind::Try { body, handlers, orelse, finalbody, star: true } if finalbody.is_empty() => {
                self.try_star(body, handlers, orelse)?
            }
            StmtKind::Try { body, handlers, orelse, finalbody, star } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?;
                } else {
                    self.try_finally(body, handlers, orelse, finalbody, *star)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                let ok = self.jump_if(test, true)?;
                self.span = s.span;
                self.emit(Op::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    // CPython reports a failed assert with a message at its test.
                    self.span = test.span;
                    self.emit(Op::Call(1));
                }
                self.emit(Op::Raise(1));
                self.patch_all(ok);
            }
            StmtKind::Import(names) => {
                for a in names {
                    self.import_name(&a.name.node, 0, None);
                    match &a.asname {
                        // `import a.b.c as d`: the import gives `a`; d is its `b.c`.
                        Some(asname) => {
                            for part in a.name.node.split('.').skip(1) {
                                let pi = self.raw_name_idx(intern(part));
                                self.emit(Op::ImportFrom(pi));
                                self.emit(Op::Rot2);
                                self.emit(Op::Pop);
                            }
                            self.store_name(&asname.node)
                        }
                        None => self.store_name(a.name.node.split('.').next().unwrap_or("")),
                    }
                }
            }
            // Future features are compile-time switches (see `SymbolTable::future_annotations`).
            StmtKind::ImportFrom { module, .. } if module == "__future__" => {}
            StmtKind::ImportFrom { module, names } => {
                // Relative imports keep their leading dots in the module name.
                let name = module.trim_start_matches('.');
                let level = module.len() - name.len();
                let fromlist = names.iter().map(|a| Value::str(a.name.node.as_str())).collect();
                self.import_name(name, level, Some(fromlist));
                // The grammar allows `*` only alone.
                if names.first().is_some_and(|a| a.name.node == "*") {
                    self.emit(Op::ImportStar);
                    return Ok(());
                }
                for a in names {
                    let ni = self.name_idx(&a.name.node);
                    self.emit(Op::ImportFrom(ni));
                    self.store_name(&a.asname.as_ref().unwrap_or(&a.name).node);
                }
                self.emit(Op::Pop);
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
        }
        Ok(())
    }

    /// `ImportName` with its level and from-list (None for a plain `import`) below it.
    pub(super) fn import_name(&mut self, name: &str, level: usize, fromlist: Option<Vec<Value>>) {
        self.emit(Op::LoadInt(level as i32));
        match fromlist {
            Some(names) => self.load_const(Value::tuple(names)),
            None => {
                self.emit(Op::LoadNone);
            }
        }
        let i = self.name_idx(name);
        self.emit(Op::ImportName(i));
    }

    /// Compiles a condition and the jumps taken when its truth equals `when` (to be patched
    /// to the target). `not`, `and` and `or` become jumps, as CPython compiles them, instead
    /// of values that are computed and then tested.
    pub(super) fn jump_if(&mut self, test: &'a Expr, when: bool) -> R<Vec<usize>> {
        match &test.node {
            ExprKind::UnaryOp { op: UnaryOp::Not, operand } => self.jump_if(operand, !when),
            ExprKind::BoolOp { op, values } if values.len() > 1 => {
                let (last, rest) = values.split_last().expect("two or more operands");
                if (*op == BoolOp::Or) == when {
                    // Any operand decides: `a or b` is true as soon as one is.
                    let mut jumps = Vec::new();
                    for v in values {
                        jumps.extend(self.jump_if(v, when)?);
                    }
                    Ok(jumps)
                } else {
                    // Only the last operand decides; the others skip the jump when they settle
                    // the other way.
                    let mut skips = Vec::new();
                    for v in rest {
                        skips.extend(self.jump_if(v, !when)?);
                    }
                    let jumps = self.jump_if(last, when)?;
                    self.patch_all(skips);
                    Ok(jumps)
                }
            }
            _ => {
                self.expr(test)?;
                Ok(vec![self.emit(if when { Op::PopJumpIfTrue(0) } else { Op::PopJumpIfFalse(0) })])
            }
        }
    }

    pub(super) fn break_continue(&mut self, is_break: bool, span: Span) -> R {
        let loop_index = self.fblocks.iter().rposition(|b| matches!(b, FBlock::Loop { .. }));
        self.check_star_exit(loop_index, span)?;
        let Some(loop_index) = loop_index else {
            return err(if is_break { "'break' outside loop" } else { "'continue' not properly in loop" }, span);
        };
        self.unwind_to(loop_index + 1)?;
        self.span = span;
        let FBlock::Loop { continue_to, for_iter, .. } = self.fblocks[loop_index] else { unreachable!() };
        if is_break {
            if for_iter {
                self.emit(Op::Pop);
            }
            let j = self.emit(Op::Jump(0));
            if let FBlock::Loop { breaks, .. } = &mut self.fblocks[loop_index] {
                breaks.push(j);
            }
        } else {
            self.emit(Op::Jump(continue_to as u32));
        }
        Ok(())
    }

    pub(super) fn unwind_all(&mut self) -> R {
        self.unwind_to(0)
    }

    /// Emits the cleanup of every block above index `keep` (innermost first), as control
    /// leaves them through `break`, `continue` or `return`.
    pub(super) fn unwind_to(&mut self, keep: usize) -> R {
        let saved_depth = self.depth;
        let mut i = self.fblocks.len();
        while i > keep {
            i -= 1;
            match self.fblocks[i] {
                FBlock::Loop { for_iter, .. } => {
                    if for_iter {
                        self.emit(Op::Pop);
                        self.depth -= 1;
                    }
                }
                FBlock::TryFinally(finalbody) => {
                    // The final body runs outside its own block (a `return` in it must not loop).
                    let rest = self.fblocks.split_off(i);
                    self.body(finalbody)?;
                    self.fblocks.extend(rest);
                }
                FBlock::Handler => {
                    self.emit(Op::PopExcept);
                    self.depth -= 1;
                }
                // Nothing jumps out of an except* clause (`check_star_exit`).
                FBlock::StarHandler => {}
                FBlock::FinallyException => {
                    self.emit(Op::Pop);
                    self.emit(Op::PopExcept);
                    self.depth -= 2;
                }
                FBlock::With { is_async } => {
                    self.emit_exit_call(is_async);
                    self.depth -= 1;
                }
            }
        }
        self.depth = saved_depth;
        Ok(())
    }

    pub(super) fn try_except(&mut self, body: &'a [Stmt], handlers: &'a [ExceptHandler], orelse: &'a [Stmt]) -> R {
        let depth = self.depth;
        let start = self.here();
        self.body(body)?;
        let end = self.here();
        let handler_at = end + 1; // after the jump below
        self.protect(start, end, handler_at, depth);
        let over_handlers = self.emit(Op::Jump(0));
        // Handlers: the stack holds [prev_exc, exc].
        self.emit(Op::PushExcInfo);
        let cleanup_start = self.here();
        let mut ends = Vec::new();
        for h in handlers {
            self.span = h.span;
            let mut next = None;
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.span = h.span;
                self.emit(Op::CheckExcMatch);
                next = Some(self.emit(Op::PopJumpIfFalse(0)));
            }
            match &h.name {
                Some(n) => self.store_name(&n.node),
                None => {
                    self.emit(Op::Pop);
                }
            }
            self.depth = depth + 1;
            self.fblocks.push(FBlock::Handler);
            self.body(&h.body)?;
            self.fblocks.pop();
            self.unbind_handler_name(h);
            self.emit(Op::PopExcept);
            self.depth = depth;
            ends.push(self.emit(Op::Jump(0)));
            if let Some(nx) = next {
                self.patch(nx);
            }
        }
        self.emit(Op::Reraise);
        let cleanup_end = self.here();
        self.protect(cleanup_start, cleanup_end, cleanup_end, depth + 1);
        // Cleanup: [prev, new_exc] -> restore prev, raise new_exc.
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.patch(over_handlers);
        self.body(orelse)?;
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    pub(super) fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
        star: bool,
    ) -> R {
        let depth = self.depth;
        let start = self.here();
        self.fblocks.push(FBlock::TryFinally(finalbody));
        if handlers.is_empty() {
            self.body(body)?;
        } else if star {
            self.try_star(body, handlers, orelse)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.fblocks.pop();
        let end = self.here();
        // Normal exit: run the final body inline.
        self.body(finalbody)?;
        let over = self.emit(Op::Jump(0));
        let handler_at = self.here();
        self.protect(start, end, handler_at, depth);
        self.emit(Op::PushExcInfo);
        let cleanup_start = self.here();
        self.depth = depth + 2;
        self.fblocks.push(FBlock::FinallyException);
        self.body(finalbody)?;
        self.fblocks.pop();
        self.depth = depth;
        let cleanup_end = self.here();
        self.protect(cleanup_start, cleanup_end, cleanup_end, depth + 1);
        // Either falling out of the final body ([prev, exc]) or a new exception in it
        // ([prev, new]): restore prev and raise what is on top.
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.patch(over);
        Ok(())
    }

    /// Leaving a `with` block normally: calls (and for `async with` awaits) the `__exit__`
    /// on top of the stack with `(None, None, None)` and drops the result.
    pub(super) fn emit_exit_call(&mut self, is_async: bool) {
        self.emit(Op::LoadNone);
        self.emit(Op::LoadNone);
        self.emit(Op::LoadNone);
        self.emit(Op::Call(3));
        if is_async {
            self.emit_await();
        }
        self.emit(Op::Pop);
    }

    /// The head of a `for` or `async for` loop over the iterable on top of the stack:
    /// leaves the iterator below the next item. Where the loop goes on exhaustion is
    /// settled by `loop_exit` once the body is emitted.
    pub(super) fn loop_head(&mut self, is_async: bool) -> LoopHead {
        self.emit(if is_async { Op::GetAIter } else { Op::GetIter });
        self.loop_next(is_async)
    }

    /// The step of a loop that gets the next item of the iterator on top of the stack.
    pub(super) fn loop_next(&mut self, is_async: bool) -> LoopHead {
        if !is_async {
            let top = self.emit(Op::ForIter(0));
            return LoopHead { top, is_async };
        }
        let top = self.here();
        self.emit(Op::GetANext);
        self.emit(Op::LoadNone);
        self.emit(Op::YieldFrom);
        LoopHead { top, is_async }
    }

    /// Where an exhausted loop goes: past its body. An `async for` learns of exhaustion
    /// from StopAsyncIteration, raised by awaiting `__anext__()`: its handler, which finds
    /// the iterator at stack depth `iter_depth`, ends the loop.
    pub(super) fn loop_exit(&mut self, head: LoopHead, iter_depth: u32) {
        if !head.is_async {
            self.patch(head.top);
            return;
        }
        let handler = self.here();
        self.protect(head.top, head.top + 3, handler, iter_depth);
        self.emit(Op::EndAsyncFor);
    }

    /// `await` of the value on top of the stack.
    pub(super) fn emit_await(&mut self) {
        self.emit(Op::GetAwaitable);
        self.emit(Op::LoadNone);
        self.emit(Op::YieldFrom);
    }

    pub(super) fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt], is_async: bool) -> R {
        let (first, rest) = items.split_first().expect("with has items");
        // Leaving the block (`__exit__`, and what it raises) is reported at the statement.
        let statement = self.span;
        let depth = self.depth;
        self.expr(&first.context)?;
        self.emit(Op::BeforeWith(is_async as u32));
        if is_async {
            self.emit_await();
        }
        match &first.target {
            Some(t) => self.assign(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.depth += 1;
        let start = self.here();
        self.fblocks.push(FBlock::With { is_async });
        if rest.is_empty() {
            self.body(body)?;
        } else {
            self.span = statement;
            self.with(rest, body, is_async)?;
        }
        self.fblocks.pop();
        let end = self.here();
        self.span = statement;
        self.emit_exit_call(is_async);
        let over = self.emit(Op::Jump(0));
        let handler_at = self.here();
        self.protect(start, end, handler_at, depth + 1);
        // [exit, prev, exc]
        self.emit(Op::PushExcInfo);
        let cleanup_start = self.here();
        self.emit(Op::WithExceptStart);
        if is_async {
            self.emit_await();
        }
        let suppress = self.emit(Op::PopJumpIfTrue(0));
        self.emit(Op::Reraise);
        let cleanup_end = self.here();
        self.protect(cleanup_start, cleanup_end, cleanup_end, depth + 2);
        // [exit, prev, exc] -> restore prev, drop exit, raise exc.
        self.emit(Op::Rot3);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.emit(Op::Reraise);
        self.patch(suppress);
        self.emit(Op::Pop);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.depth = depth;
        self.patch(over);
        Ok(())
    }

    // ---- assignment ----

    pub(super) fn assign(&mut self, t: &'a Expr) -> R {
        self.span = t.span;
        match &t.node {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.name_idx(&attr.node);
                self.span = t.span;
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.span = t.span;
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                let star = xs.iter().position(|x| matches!(x.node, ExprKind::Starred(_)));
                match star {
                    Some(si) => {
                        if xs.iter().filter(|x| matches!(x.node, ExprKind::Starred(_))).count() > 1 {
                            return err("multiple starred expressions in assignment", t.span);
                        }
                        self.emit(Op::UnpackEx(si as u16, (xs.len() - si - 1) as u16));
                    }
                    None => {
                        self.emit(Op::UnpackSequence(xs.len() as u32));
                    }
                }
                for x in xs {
                    match &x.node {
                        ExprKind::Starred(inner) => self.assign(inner)?,
                        _ => self.assign(x)?,
                    }
                }
            }
            ExprKind::Starred(_) => return err("starred assignment target must be in a list or tuple", t.span),
            _ => return err(format!("cannot assign to {}", describe(&t.node)), t.span),
        }
        Ok(())
    }

    /// `a, b = b, a` and `a, b, c = c, a, b`: the values are evaluated onto the stack and
    /// reordered so that the first is on top, as unpacking would leave them, without
    /// building a tuple (see `swap_width`).
    fn swap_assign(&mut self, target: &'a Expr, value: &'a Expr) -> R {
        let (ExprKind::Tuple(xs) | ExprKind::List(xs)) = &target.node else { unreachable!("swap_width checked") };
        let (ExprKind::Tuple(vs) | ExprKind::List(vs)) = &value.node else { unreachable!("swap_width checked") };
        for v in vs {
            self.expr(v)?;
        }
        self.span = target.span;
        if vs.len() == 3 {
            // [v1, v2, v3] -> [v3, v1, v2] -> [v3, v2, v1]
            self.emit(Op::Rot3);
        }
        self.emit(Op::Rot2);
        for x in xs {
            self.assign(x)?;
        }
        Ok(())
    }

    pub(super) fn aug_assign(&mut self, target: &'a Expr, op: BinOp, value: &'a Expr) -> R {
        match &target.node {
            ExprKind::Name(n) => {
                self.load_name(n);
                self.expr(value)?;
                self.span = target.span.to(value.span);
                self.emit(Op::Inplace(op));
                self.store_name(n);
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let i = self.name_idx(&attr.node);
                self.emit(Op::LoadAttr(i));
                self.expr(value)?;
                self.span = target.span.to(value.span);
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { value: obj, index } => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::Dup2);
                self.emit(Op::Subscr);
                self.expr(value)?;
                self.span = target.span.to(value.span);
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => {
                return err(
                    format!("'{}' is an illegal expression for augmented assignment", describe(&target.node)),
                    target.span,
                )
            }
        }
        Ok(())
    }

    pub(super) fn delete(&mut self, t: &'a Expr) -> R {
        self.span = t.span;
        match &t.node {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.name_idx(&attr.node);
                self.emit(Op::DeleteAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Op::DeleteSubscr);
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                for x in xs {
                    self.delete(x)?;
                }
            }
            _ => return err(format!("cannot delete {}", describe(&t.node)), t.span),
        }
        Ok(())
    }

    // ---- definitions ----
}

/// The width (2 or 3) of an assignment of a tuple or list display to a target list of the
/// same length, with no starred item on either side: one that can assign the values from the
/// stack without building the sequence. The values are all evaluated before any target is
/// assigned, so the result is that of unpacking.
fn swap_width(targets: &[Expr], value: &Expr) -> Option<usize> {
    let [target] = targets else { return None };
    let (ExprKind::Tuple(xs) | ExprKind::List(xs)) = &target.node else { return None };
    let (ExprKind::Tuple(vs) | ExprKind::List(vs)) = &value.node else { return None };
    let plain = |es: &[Expr]| es.iter().all(|e| !matches!(e.node, ExprKind::Starred(_)));
    (xs.len() == vs.len() && matches!(xs.len(), 2 | 3) && plain(xs) && plain(vs)).then_some(xs.len())
}
