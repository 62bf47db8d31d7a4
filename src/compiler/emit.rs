//! Code generation: AST → `Code`, one code object per module, function, class body and
//! comprehension. Locals get resolved slots; globals get module slots; every instruction
//! records the span of the expression or statement it came from.

use super::symtable::{ScopeKind, SymKind, SymbolTable};
use super::CompileError;
use crate::ast::*;
use crate::bytecode::{Code, CodeFlags, Handler, Op};
use crate::intern::{intern, Symbol};
use crate::object::module::Module;
use crate::span::{SourceFile, Span};
use crate::value::Value;
use indexmap::IndexSet;
use std::cell::Cell;
use std::rc::Rc;

mod except_star;
mod patterns;

/// What a `break`, `continue` or `return` must clean up on its way out.
enum FBlock<'a> {
    /// A loop; `for_iter` when an iterator sits on the stack.
    Loop { continue_to: usize, breaks: Vec<usize>, for_iter: bool },
    /// The body of `try` with a `finally`: the final body runs on the way out.
    TryFinally(&'a [Stmt]),
    /// The body of an `except` clause: the previous exception is restored.
    Handler,
    /// The body of an `except*` clause, which nothing may jump out of.
    StarHandler,
    /// The final body run after an exception: the exception and previous one are dropped.
    FinallyException,
    /// The body of a `with`: `__exit__(None, None, None)` is called (and awaited for
    /// `async with`).
    With { is_async: bool },
}

pub struct Emitter<'a> {
    table: &'a SymbolTable,
    source: Rc<SourceFile>,
    module: &'a Rc<Module>,
    scope: usize,
    name: Symbol,
    qualname: String,
    ops: Vec<Op>,
    spans: Vec<Span>,
    consts: Vec<Value>,
    names: IndexSet<Symbol>,
    children: Vec<Rc<Code>>,
    handlers: Vec<Handler>,
    locals: IndexSet<String>,
    fblocks: Vec<FBlock<'a>>,
    /// Values on the stack at statement level (iterators, context exits, saved exceptions).
    depth: u32,
    span: Span,
    is_async: bool,
    /// Interactive input: each expression statement of the module's code calls this with its
    /// value (the REPL's displayhook) instead of discarding it.
    display: Option<Value>,
}

type R<T = ()> = Result<T, CompileError>;

/// Where a loop over an iterator starts: `ForIter`, or an `async for`'s `GetANext`.
struct LoopHead {
    top: usize,
    is_async: bool,
}

fn err<T>(msg: impl Into<String>, span: Span) -> R<T> {
    Err(CompileError { msg: msg.into(), span })
}

impl<'a> Emitter<'a> {
    fn new(
        table: &'a SymbolTable,
        source: Rc<SourceFile>,
        module: &'a Rc<Module>,
        scope: usize,
        name: &str,
        qualname: String,
    ) -> Emitter<'a> {
        let mut e = Emitter {
            table,
            source,
            module,
            scope,
            name: intern(name),
            qualname,
            ops: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            names: IndexSet::new(),
            children: Vec::new(),
            handlers: Vec::new(),
            locals: IndexSet::new(),
            fblocks: Vec::new(),
            depth: 0,
            span: Span::default(),
            is_async: false,
            display: None,
        };
        let sc = &table.scopes[scope];
        for p in &sc.params {
            e.locals.insert(p.clone());
        }
        for (n, k) in &sc.symbols {
            let slotted = match sc.kind {
                ScopeKind::Class => matches!(k, SymKind::Cell | SymKind::Free),
                ScopeKind::Module => false,
                _ => matches!(k, SymKind::Local | SymKind::Cell | SymKind::Free),
            };
            if slotted {
                e.locals.insert(n.clone());
            }
        }
        e
    }

    // ---- emission helpers ----

    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.spans.push(self.span);
        self.ops.len() - 1
    }

    fn here(&self) -> usize {
        self.ops.len()
    }

    /// Points the jump at `at` to the current position.
    fn patch(&mut self, at: usize) {
        let target = self.here() as u32;
        self.patch_to(at, target);
    }

    /// Points each of the jumps at the current position.
    fn patch_all(&mut self, jumps: Vec<usize>) {
        for at in jumps {
            self.patch(at);
        }
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        self.ops[at] = match self.ops[at] {
            Op::Jump(_) => Op::Jump(target),
            Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(target),
            Op::PopJumpIfTrue(_) => Op::PopJumpIfTrue(target),
            Op::ForIter(_) => Op::ForIter(target),
            other => other,
        };
    }

    fn konst(&mut self, v: Value) -> u32 {
        self.consts.push(v);
        (self.consts.len() - 1) as u32
    }

    fn load_const(&mut self, v: Value) {
        let k = self.konst(v);
        self.emit(Op::LoadConst(k));
    }

    fn name_idx(&mut self, name: &str) -> u32 {
        self.names.insert_full(intern(name)).0 as u32
    }

    fn slot(&mut self, name: &str) -> u32 {
        self.locals.insert_full(name.to_string()).0 as u32
    }

    /// A hidden local for values kept across cleanup code (`return` through `finally`).
    fn temp_slot(&mut self) -> u32 {
        let n = format!("$tmp{}", self.locals.len());
        self.slot(&n)
    }

    fn global_slot(&self, name: &str) -> u32 {
        self.module.slot(intern(name)) as u32
    }

    fn protect(&mut self, start: usize, end: usize, target: usize, depth: u32) {
        self.handlers.push(Handler { start: start as u32, end: end as u32, target: target as u32, depth });
    }

    fn scope_kind(&self) -> ScopeKind {
        self.table.scopes[self.scope].kind
    }

    // ---- names ----

    fn load_name(&mut self, name: &str) {
        self.name_op(name, [Op::LoadFast, Op::LoadDeref, Op::LoadGlobal, Op::LoadName]);
    }

    fn store_name(&mut self, name: &str) {
        self.name_op(name, [Op::StoreFast, Op::StoreDeref, Op::StoreGlobal, Op::StoreName]);
    }

    fn delete_name(&mut self, name: &str) {
        self.name_op(name, [Op::DeleteFast, Op::DeleteDeref, Op::DeleteGlobal, Op::DeleteName]);
    }

    /// Emits the access to `name` its scope calls for: one of `[fast, deref, global, name]`,
    /// each taking its local slot, global slot or name index.
    fn name_op(&mut self, name: &str, [fast, deref, global, class_ns]: [fn(u32) -> Op; 4]) {
        let op = match self.table.scopes[self.scope].lookup(name) {
            SymKind::Local => fast(self.slot(name)),
            SymKind::Cell | SymKind::Free => deref(self.slot(name)),
            SymKind::GlobalExplicit | SymKind::GlobalImplicit => global(self.global_slot(name)),
            SymKind::ClassName => class_ns(self.name_idx(name)),
        };
        self.emit(op);
    }

    // ---- finishing ----

    fn finish(self, flags: CodeFlags, argcount: u32, posonly: u32, kwonly: u32, def_span: Span) -> Code {
        let sc = &self.table.scopes[self.scope];
        let mut cells = Vec::new();
        let mut freevars = Vec::new();
        for (i, n) in self.locals.iter().enumerate() {
            match sc.symbols.get(n) {
                Some(SymKind::Cell) => cells.push(i as u32),
                Some(SymKind::Free) => freevars.push(i as u32),
                _ => {}
            }
        }
        let flags = CodeFlags {
            simple_call: kwonly == 0
                && !flags.varargs
                && !flags.varkw
                && !flags.is_generator
                && !flags.is_coroutine
                && !flags.is_class_body,
            ..flags
        };
        Code {
            attr_hints: self.ops.iter().map(|_| Cell::new(0)).collect(),
            method_cache: Default::default(),
            fused: super::peephole::fuse(&self.ops),
            name: self.name,
            qualname: self.qualname,
            source: self.source,
            ops: self.ops,
            spans: self.spans,
            consts: self.consts,
            names: self.names.into_iter().collect(),
            children: self.children,
            local_names: self.locals.iter().map(|n| intern(n)).collect(),
            argcount,
            posonly,
            kwonly,
            flags,
            cells,
            freevars,
            closure_from: Vec::new(),
            handlers: self.handlers,
            def_span,
        }
    }

    /// Records `child` and returns its index, with `closure_from` resolved against our slots.
    fn add_child(&mut self, mut child: Code) -> u32 {
        let mut from = Vec::new();
        for &slot in &child.freevars {
            let name = child.local_names[slot as usize].as_str();
            from.push(self.slot(name));
        }
        child.closure_from = from;
        self.children.push(Rc::new(child));
        (self.children.len() - 1) as u32
    }

    fn child_qualname(&self, name: &str) -> String {
        match self.scope_kind() {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{}", self.qualname, name),
            _ => format!("{}.<locals>.{}", self.qualname, name),
        }
    }

    // ---- statements ----

    fn body(&mut self, stmts: &'a [Stmt]) -> R {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> R {
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
                            self.load_const(Value::str(n.as_str()));
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
                                let pi = self.name_idx(part);
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
    fn import_name(&mut self, name: &str, level: usize, fromlist: Option<Vec<Value>>) {
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
    fn jump_if(&mut self, test: &'a Expr, when: bool) -> R<Vec<usize>> {
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

    fn break_continue(&mut self, is_break: bool, span: Span) -> R {
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

    fn unwind_all(&mut self) -> R {
        self.unwind_to(0)
    }

    /// Emits the cleanup of every block above index `keep` (innermost first), as control
    /// leaves them through `break`, `continue` or `return`.
    fn unwind_to(&mut self, keep: usize) -> R {
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

    fn try_except(&mut self, body: &'a [Stmt], handlers: &'a [ExceptHandler], orelse: &'a [Stmt]) -> R {
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

    fn try_finally(
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
    fn emit_exit_call(&mut self, is_async: bool) {
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
    fn loop_head(&mut self, is_async: bool) -> LoopHead {
        self.emit(if is_async { Op::GetAIter } else { Op::GetIter });
        self.loop_next(is_async)
    }

    /// The step of a loop that gets the next item of the iterator on top of the stack.
    fn loop_next(&mut self, is_async: bool) -> LoopHead {
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
    fn loop_exit(&mut self, head: LoopHead, iter_depth: u32) {
        if !head.is_async {
            self.patch(head.top);
            return;
        }
        let handler = self.here();
        self.protect(head.top, head.top + 3, handler, iter_depth);
        self.emit(Op::EndAsyncFor);
    }

    /// `await` of the value on top of the stack.
    fn emit_await(&mut self) {
        self.emit(Op::GetAwaitable);
        self.emit(Op::LoadNone);
        self.emit(Op::YieldFrom);
    }

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt], is_async: bool) -> R {
        let (first, rest) = items.split_first().expect("with has items");
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
            self.with(rest, body, is_async)?;
        }
        self.fblocks.pop();
        let end = self.here();
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

    fn assign(&mut self, t: &'a Expr) -> R {
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

    fn aug_assign(&mut self, target: &'a Expr, op: BinOp, value: &'a Expr) -> R {
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

    fn delete(&mut self, t: &'a Expr) -> R {
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

    fn push_defaults(&mut self, params: &'a Params) -> R<u32> {
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
                self.load_const(Value::str(p.name.node.as_str()));
                self.expr(p.default.as_ref().unwrap())?;
            }
            self.emit(Op::BuildMap(kwdefaults.len() as u32));
            flags |= 2;
        }
        Ok(flags)
    }

    fn function_def(&mut self, f: &'a FunctionDef, span: Span) -> R {
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
                self.load_const(Value::str(*name));
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
    fn annotation(&mut self, e: &'a Expr) -> R {
        if self.table.future_annotations {
            let text = self.source.text[e.span.start as usize..e.span.end as usize].to_string();
            self.load_const(Value::str(text));
            return Ok(());
        }
        self.expr(e)
    }

    /// Creates the scope's `__annotations__` dict when its statements annotate names.
    fn setup_annotations(&mut self, body: &[Stmt]) {
        if has_annotations(body) {
            self.emit(Op::BuildMap(0));
            self.store_name("__annotations__");
        }
    }

    fn code_flags(&self, params: &Params, scope: usize, is_async: bool) -> CodeFlags {
        CodeFlags {
            varargs: params.vararg.is_some(),
            varkw: params.kwarg.is_some(),
            is_generator: self.table.scopes[scope].is_generator,
            is_coroutine: is_async && !self.table.scopes[scope].is_generator,
            is_async_generator: is_async && self.table.scopes[scope].is_generator,
            ..CodeFlags::default()
        }
    }

    fn class_def(&mut self, c: &'a ClassDef, span: Span) -> R {
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

    fn lambda(&mut self, e: &'a Expr, params: &'a Params, body: &'a Expr) -> R {
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

    /// Comprehensions compile to a hidden function called with the first iterator.
    fn comprehension(
        &mut self,
        e: &'a Expr,
        generators: &'a [Comprehension],
        kind: &str,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R {
        let scope = self.table.scope_of(e);
        let name = format!("<{}>", kind);
        let qualname = self.child_qualname(&name);
        let mut child = Emitter::new(self.table, self.source.clone(), self.module, scope, &name, qualname);
        child.span = e.span;
        child.konst(Value::None);
        let is_gen = kind == "genexpr";
        // `[await f(x) for x in xs]` in a coroutine: the comprehension is itself a coroutine,
        // awaited where it is built.
        let parts = generators
            .iter()
            .skip(1)
            .map(|g| &g.iter)
            .chain(generators.iter().flat_map(|g| &g.ifs))
            .chain([elt])
            .chain(value);
        // With `async for` or `await` inside, a generator expression is an async generator;
        // other comprehensions are coroutines, awaited where they are built.
        let is_async = parts.into_iter().any(contains_await) || generators.iter().any(|g| g.is_async);
        if is_async && !is_gen && !self.is_async {
            return err("asynchronous comprehension outside of an asynchronous function", e.span);
        }
        child.is_async = is_async;
        match kind {
            "listcomp" => {
                child.emit(Op::BuildList(0));
            }
            "setcomp" => {
                child.emit(Op::BuildSet(0));
            }
            "dictcomp" => {
                child.emit(Op::BuildMap(0));
            }
            _ => {}
        }
        child.comp_loop(generators, 0, kind, elt, value)?;
        if is_gen {
            child.emit(Op::LoadNone);
        }
        child.emit(Op::Return);
        let flags = CodeFlags {
            is_generator: is_gen,
            is_coroutine: is_async && !is_gen,
            is_async_generator: is_async && is_gen,
            ..CodeFlags::default()
        };
        let code = child.finish(flags, 1, 0, 0, e.span);
        let idx = self.add_child(code);
        self.span = e.span;
        self.emit(Op::MakeFunction(idx, 0));
        self.expr(&generators[0].iter)?;
        self.span = generators[0].iter.span;
        self.emit(if generators[0].is_async { Op::GetAIter } else { Op::GetIter });
        self.span = e.span;
        self.emit(Op::Call(1));
        if is_async && !is_gen {
            self.emit_await();
        }
        Ok(())
    }

    fn comp_loop(
        &mut self,
        gens: &'a [Comprehension],
        i: usize,
        kind: &str,
        elt: &'a Expr,
        value: Option<&'a Expr>,
    ) -> R {
        let g = &gens[i];
        let head = if i == 0 {
            // The outermost iterable is evaluated outside and passed in, already an iterator.
            self.emit(Op::LoadFast(0));
            self.loop_next(g.is_async)
        } else {
            self.expr(&g.iter)?;
            self.loop_head(g.is_async)
        };
        let top = head.top;
        self.assign(&g.target)?;
        let mut skips = Vec::new();
        for cond in &g.ifs {
            skips.extend(self.jump_if(cond, false)?);
        }
        if i + 1 < gens.len() {
            self.comp_loop(gens, i + 1, kind, elt, value)?;
        } else {
            let depth = (i + 1) as u32 + 1;
            match kind {
                "genexpr" => {
                    self.expr(elt)?;
                    self.emit_yield();
                    self.emit(Op::Pop);
                }
                "listcomp" => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth));
                }
                "setcomp" => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth));
                }
                _ => {
                    self.expr(elt)?;
                    self.expr(value.expect("dict comprehension value"))?;
                    self.emit(Op::MapAdd(depth));
                }
            }
        }
        for s in skips {
            self.patch_to(s, top as u32);
        }
        self.emit(Op::Jump(top as u32));
        // The stack holds the collection being built (except for a generator expression)
        // and the iterators of this loop and those around it.
        let iter_depth = (i + 1) as u32 + u32::from(kind != "genexpr");
        self.loop_exit(head, iter_depth);
        Ok(())
    }

    // ---- expressions ----

    fn expr(&mut self, e: &'a Expr) -> R {
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
    fn is_async_generator(&self) -> bool {
        self.is_async && self.table.scopes[self.scope].is_generator
    }

    /// `yield` of the value on top of the stack.
    fn emit_yield(&mut self) {
        self.emit(if self.is_async_generator() { Op::AsyncYield } else { Op::Yield });
    }

    fn check_yield(&self, span: Span) -> R {
        match self.scope_kind() {
            ScopeKind::Function | ScopeKind::Comprehension => Ok(()),
            _ => err("'yield' outside function", span),
        }
    }

    fn exprs(&mut self, xs: &'a [Expr]) -> R {
        for x in xs {
            self.expr(x)?;
        }
        Ok(())
    }

    /// `[a, *b, c]`: builds a list incrementally.
    fn starred_list(&mut self, xs: &'a [Expr]) -> R {
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

    fn constant(&mut self, c: &Constant) -> R {
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

    fn fstring(&mut self, parts: &'a [FStringPart]) -> R {
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

    fn call(&mut self, e: &'a Expr, func: &'a Expr, args: &'a [Arg]) -> R {
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
                        kwnames.push(Value::str(name.node.as_str()));
                    }
                    _ => unreachable!(),
                }
            }
            self.span = e.span;
            if kwnames.is_empty() {
                self.emit(Op::Call(args.len() as u32));
            } else {
                let k = self.konst(Value::tuple(kwnames));
                self.emit(Op::CallKw(args.len() as u32, k));
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

/// Whether statements (and the blocks in them, not nested functions or classes) annotate
/// a name, so that their scope needs an `__annotations__` dict.
fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.node {
        StmtKind::AnnAssign { target, .. } => matches!(target.node, ExprKind::Name(_)),
        StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } => {
            has_annotations(body) || has_annotations(orelse)
        }
        StmtKind::For { body, orelse, .. } => has_annotations(body) || has_annotations(orelse),
        StmtKind::With { body, .. } => has_annotations(body),
        StmtKind::Try { body, handlers, orelse, finalbody, .. } => {
            has_annotations(body)
                || handlers.iter().any(|h| has_annotations(&h.body))
                || has_annotations(orelse)
                || has_annotations(finalbody)
        }
        _ => false,
    })
}

/// Whether an expression awaits, not counting nested functions and lambdas.
fn contains_await(e: &Expr) -> bool {
    use ExprKind::*;
    let any = |xs: &[Expr]| xs.iter().any(contains_await);
    match &e.node {
        Await(_) => true,
        Name(_) | Constant(_) | Lambda { .. } => false,
        FString(parts) => parts.iter().any(|p| matches!(p, FStringPart::Field(f) if contains_await(&f.expr))),
        Tuple(xs) | List(xs) | Set(xs) => any(xs),
        Dict(items) => items.iter().any(|(k, v)| k.as_ref().is_some_and(contains_await) || contains_await(v)),
        Starred(x) | Yield(Some(x)) | YieldFrom(x) | UnaryOp { operand: x, .. } => contains_await(x),
        Yield(None) => false,
        Attribute { value, .. } => contains_await(value),
        Subscript { value, index } => contains_await(value) || contains_await(index),
        Slice { lower, upper, step } => [lower, upper, step].into_iter().flatten().any(|x| contains_await(x)),
        Call { func, args } => {
            contains_await(func)
                || args.iter().any(|a| match a {
                    Arg::Positional(x) | Arg::Starred(x) | Arg::Keyword(_, x) | Arg::DoubleStarred(x) => {
                        contains_await(x)
                    }
                })
        }
        BinOp { left, right, .. } => contains_await(left) || contains_await(right),
        BoolOp { values, .. } => any(values),
        Compare { left, ops } => contains_await(left) || ops.iter().any(|(_, x)| contains_await(x)),
        IfExp { test, body, orelse } => contains_await(test) || contains_await(body) || contains_await(orelse),
        ListComp { elt, generators } | SetComp { elt, generators } | GeneratorExp { elt, generators } => {
            contains_await(elt) || generators.iter().any(|g| contains_await(&g.iter) || any(&g.ifs))
        }
        DictComp { key, value, generators } => {
            contains_await(key)
                || contains_await(value)
                || generators.iter().any(|g| contains_await(&g.iter) || any(&g.ifs))
        }
        NamedExpr { value, .. } => contains_await(value),
    }
}

fn param_counts(p: &Params) -> (u32, u32, u32) {
    ((p.posonly.len() + p.args.len()) as u32, p.posonly.len() as u32, p.kwonly.len() as u32)
}

/// How CPython names an expression that cannot be assigned to.
fn describe(e: &ExprKind) -> &'static str {
    match e {
        ExprKind::Call { .. } => "function call",
        ExprKind::Constant(_) => "literal",
        ExprKind::FString(_) => "f-string expression",
        ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::BoolOp { .. } => "expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::NamedExpr { .. } => "named expression",
        _ => "expression",
    }
}

/// Compiles a module's AST into its code object; globals get slots in `module`. With `display` it is interactive input (CPython's `single` mode with
/// `PyCF_ALLOW_TOP_LEVEL_AWAIT`): expression statements call `display` with their value, and
/// `await` is allowed at top level; code that awaits is a coroutine, to be run as a task,
/// whose names are still the module's globals.
pub fn compile_module(
    m: &Module_,
    table: &SymbolTable,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
    display: Option<Value>,
) -> R<Code> {
    let mut e = Emitter::new(table, source.clone(), module, 0, "<module>", "<module>".into());
    let interactive = display.is_some();
    e.is_async = interactive;
    e.display = display;
    if let (false, Some(StmtKind::Expr(Spanned { node: ExprKind::Constant(Constant::Str(doc)), .. }))) =
        (interactive, m.body.first().map(|s| &s.node))
    {
        // The module's docstring is its `__doc__`.
        e.load_const(Value::str(doc.as_str()));
        e.store_name("__doc__");
    }
    e.setup_annotations(&m.body);
    e.body(&m.body)?;
    e.emit(Op::LoadNone);
    e.emit(Op::Return);
    let span = Span::new(0, source.text.len());
    let awaits = interactive && e.ops.iter().any(|op| matches!(op, Op::GetAwaitable | Op::GetANext));
    Ok(e.finish(CodeFlags { is_module: true, is_coroutine: awaits, ..CodeFlags::default() }, 0, 0, 0, span))
}

use crate::ast::Module as Module_;
use crate::span::Spanned;
