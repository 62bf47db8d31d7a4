//! Code generation: AST → `Code`, one code object per module, function, class body and
//! comprehension. Locals get resolved slots; globals get module slots; every instruction
//! records the span of the expression or statement it came from.

use super::symtable::{ScopeKind, SymKind, SymbolTable};
use crate::ast::*;
use crate::bytecode::{Code, CodeFlags, Handler, Op};
use crate::intern::{intern, Symbol};
use crate::object::module::Module;
use crate::parser::SyntaxError;
use crate::span::{SourceFile, Span};
use crate::value::Value;
use indexmap::IndexSet;
use std::cell::Cell;
use std::rc::Rc;

mod call;
mod comprehension;
mod except_star;
mod expr;
mod function;
mod patterns;
mod stmt;

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
    kwnames: Vec<Box<[Symbol]>>,
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

type R<T = ()> = Result<T, SyntaxError>;

/// Where a loop over an iterator starts: `ForIter`, or an `async for`'s `GetANext`.
struct LoopHead {
    top: usize,
    is_async: bool,
}

fn err<T>(msg: impl Into<String>, span: Span) -> R<T> {
    Err(SyntaxError::at(span, msg))
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
            kwnames: Vec::new(),
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

    /// The index of `name`, mangled (see `symtable::mangle`), among the code's names: as
    /// CPython's compiler, attribute, class-namespace and import names are all mangled.
    fn name_idx(&mut self, name: &str) -> u32 {
        let name = intern(&self.mangle(name));
        self.raw_name_idx(name)
    }

    /// The index of `name`, exactly as given, among the code's names.
    fn raw_name_idx(&mut self, name: Symbol) -> u32 {
        self.names.insert_full(name).0 as u32
    }

    /// `name` as the current scope spells it.
    fn mangle<'n>(&self, name: &'n str) -> std::borrow::Cow<'n, str> {
        self.table.scopes[self.scope].mangle(name)
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
        // A class body reads an enclosing function's variable from its namespace first
        // (CPython's LOAD_CLASSDEREF): `__prepare__` or `locals()` may have put it there.
        let deref = if self.scope_kind() == ScopeKind::Class { Op::LoadClassDeref } else { Op::LoadDeref };
        self.name_op(name, [Op::LoadFast, deref, Op::LoadGlobal, Op::LoadName]);
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
        let name = &*self.table.scopes[self.scope].mangle(name);
        let op = match self.table.scopes[self.scope].lookup(name) {
            SymKind::Local => fast(self.slot(name)),
            SymKind::Cell | SymKind::Free => deref(self.slot(name)),
            SymKind::GlobalExplicit | SymKind::GlobalImplicit => global(self.global_slot(name)),
            SymKind::ClassName => class_ns(self.raw_name_idx(intern(name))),
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
        let positional = kwonly == 0 && !flags.varargs && !flags.varkw && !flags.is_class_body;
        let makes_generator = flags.is_generator || flags.is_coroutine;
        let flags = CodeFlags {
            simple_call: positional && !makes_generator,
            simple_generator: positional && makes_generator,
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
            kwnames: self.kwnames.into(),
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
