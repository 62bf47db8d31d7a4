//! The scope pass: decides for every name in every scope whether it is a local, a cell
//! (a local captured by an inner function), a free variable (captured from an enclosing
//! function), a global, or (in class bodies) a namespace name.
//!
//! Scopes are keyed by the address of the AST node that opens them, which the code
//! generator looks up again when it compiles that node.

use crate::ast::*;
use crate::parser::SyntaxError;
use indexmap::{IndexMap, IndexSet};
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// CPython's private name mangling (`_Py_Mangle`): inside a class named `class`, `__x` (not
/// ending in `__`, without a dot) is `_class__x`, the class name's leading underscores
/// stripped; a class named only with underscores mangles nothing.
pub fn mangle<'n>(class: Option<&str>, name: &'n str) -> Cow<'n, str> {
    let stripped = class.map_or("", |c| c.trim_start_matches('_'));
    if stripped.is_empty() || !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return Cow::Borrowed(name);
    }
    Cow::Owned(format!("_{stripped}{name}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    /// A comprehension or generator expression: a hidden function taking the first iterator.
    Comprehension,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymKind {
    Local,
    Cell,
    Free,
    GlobalExplicit,
    GlobalImplicit,
    /// A name bound in a class body: lives in the class namespace.
    ClassName,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub symbols: IndexMap<String, SymKind>,
    /// Parameter names in slot order.
    pub params: Vec<String>,
    pub is_generator: bool,
    pub parent: Option<usize>,
    /// The innermost enclosing class's name, which mangles private names (see `mangle`).
    pub private: Option<String>,
    bound: IndexSet<String>,
    used: IndexSet<String>,
    globals: IndexSet<String>,
    nonlocals: IndexSet<String>,
    /// Simple names given an annotation (`x: int`), which cannot also be global or nonlocal.
    annotated: IndexSet<String>,
    /// In a comprehension: the names its `for` clauses bind, and those its walruses bind.
    iteration_vars: IndexSet<String>,
    walrus_targets: IndexSet<String>,
}

impl Scope {
    fn new(kind: ScopeKind, parent: Option<usize>, private: Option<String>) -> Scope {
        Scope {
            kind,
            symbols: IndexMap::new(),
            params: Vec::new(),
            is_generator: false,
            parent,
            private,
            bound: IndexSet::new(),
            used: IndexSet::new(),
            globals: IndexSet::new(),
            nonlocals: IndexSet::new(),
            annotated: IndexSet::new(),
            iteration_vars: IndexSet::new(),
            walrus_targets: IndexSet::new(),
        }
    }

    /// `name` as this scope spells it (see `mangle`).
    pub fn mangle<'n>(&self, name: &'n str) -> Cow<'n, str> {
        mangle(self.private.as_deref(), name)
    }

    pub fn lookup(&self, name: &str) -> SymKind {
        match self.symbols.get(name) {
            Some(&k) => k,
            None if self.kind == ScopeKind::Class => SymKind::ClassName,
            None => SymKind::GlobalImplicit,
        }
    }
}

pub struct SymbolTable {
    pub scopes: Vec<Scope>,
    by_node: FxHashMap<usize, usize>,
    /// `from __future__ import annotations`: annotations are kept as their source text.
    pub future_annotations: bool,
}

impl SymbolTable {
    /// The scope opened by the AST node at `node` (a `FunctionDef`, `ClassDef`, lambda or
    /// comprehension expression).
    pub fn scope_of<T>(&self, node: &T) -> usize {
        self.by_node[&(node as *const T as usize)]
    }
}

pub fn analyze(module: &Module) -> Result<SymbolTable, SyntaxError> {
    let mut b = Builder {
        scopes: vec![Scope::new(ScopeKind::Module, None, None)],
        by_node: FxHashMap::default(),
        current: 0,
        error: None,
        in_iterable: 0,
    };
    for s in &module.body {
        b.stmt(s);
    }
    if let Some(e) = b.error {
        return Err(e);
    }
    let future_annotations = module.body.iter().any(|s| {
        matches!(&s.node, StmtKind::ImportFrom { module, names }
            if module == "__future__" && names.iter().any(|a| a.name.node == "annotations"))
    });
    let mut table = SymbolTable { scopes: b.scopes, by_node: b.by_node, future_annotations };
    resolve(&mut table)?;
    Ok(table)
}

struct Builder {
    scopes: Vec<Scope>,
    by_node: FxHashMap<usize, usize>,
    current: usize,
    error: Option<SyntaxError>,
    /// How many comprehension iterables the pass is inside, where walruses are refused.
    in_iterable: usize,
}

impl Builder {
    fn scope(&mut self) -> &mut Scope {
        &mut self.scopes[self.current]
    }

    /// `name` mangled for the current scope.
    fn m(&self, name: &str) -> String {
        self.scopes[self.current].mangle(name).into_owned()
    }

    fn bind(&mut self, name: &str) {
        let name = self.m(name);
        self.scope().bound.insert(name);
    }

    /// A `global`/`nonlocal` declaration must come before every other mention of the name
    /// in its scope; CPython reports the first conflict in this order.
    fn check_declaration(&mut self, name: &str, kind: &str, span: crate::span::Span) {
        let scope = &self.scopes[self.current];
        let mangled = self.m(name);
        let problem = if scope.params.contains(&mangled) {
            format!("name '{name}' is parameter and {kind}")
        } else if scope.used.contains(&mangled) {
            format!("name '{name}' is used prior to {kind} declaration")
        } else if scope.annotated.contains(&mangled) {
            format!("annotated name '{name}' can't be {kind}")
        } else if scope.bound.contains(&mangled) {
            format!("name '{name}' is assigned to before {kind} declaration")
        } else {
            return;
        };
        self.fail(problem, span);
    }

    fn use_name(&mut self, name: &str) {
        let name = self.m(name);
        self.scope().used.insert(name);
    }

    /// Opens the scope of `node`, which mangles names as its parent does.
    fn enter<T>(&mut self, node: &T, kind: ScopeKind) -> usize {
        let id = self.scopes.len();
        let private = self.scopes[self.current].private.clone();
        self.scopes.push(Scope::new(kind, Some(self.current), private));
        self.by_node.insert(node as *const T as usize, id);
        let saved = self.current;
        self.current = id;
        saved
    }

    fn fail(&mut self, msg: String, span: crate::span::Span) {
        if self.error.is_none() {
            self.error = Some(SyntaxError::at(span, msg));
        }
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn params(&mut self, p: &Params) {
        // Slot order: positional, keyword-only, then *args and **kwargs.
        let ordered: Vec<&Param> =
            p.posonly.iter().chain(&p.args).chain(&p.kwonly).chain(p.vararg.as_ref()).chain(p.kwarg.as_ref()).collect();
        for prm in ordered {
            self.bind(&prm.name.node);
            let name = self.m(&prm.name.node);
            self.scope().params.push(name);
        }
    }

    /// Defaults and annotations are evaluated in the enclosing scope.
    fn param_defaults(&mut self, p: &Params) {
        let all = p.posonly.iter().chain(&p.args).chain(p.vararg.as_ref()).chain(&p.kwonly).chain(p.kwarg.as_ref());
        for prm in all {
            if let Some(d) = &prm.default {
                self.expr(d);
            }
            if let Some(a) = &prm.annotation {
                self.expr(a);
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.node {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                self.expr(value);
                for t in targets {
                    self.target(t);
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value);
                if let ExprKind::Name(n) = &target.node {
                    self.use_name(n);
                }
                self.target(target);
            }
            StmtKind::AnnAssign { target, annotation, value } => {
                if let Some(v) = value {
                    self.expr(v);
                }
                if self.scopes[self.current].kind != ScopeKind::Function {
                    self.expr(annotation);
                }
                if let ExprKind::Name(name) = &target.node {
                    let scope = &self.scopes[self.current];
                    let mangled = self.m(name);
                    let declared = if scope.globals.contains(&mangled) {
                        Some("global")
                    } else if scope.nonlocals.contains(&mangled) {
                        Some("nonlocal")
                    } else {
                        None
                    };
                    if let Some(kind) = declared {
                        self.fail(format!("annotated name '{name}' can't be {kind}"), target.span);
                    }
                    self.scope().annotated.insert(mangled);
                }
                // `x: int` alone still makes x local.
                self.target(target);
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d);
                }
                self.param_defaults(&f.params);
                if let Some(r) = &f.returns {
                    self.expr(r);
                }
                self.bind(&f.name.node);
                let saved = self.enter(&**f, ScopeKind::Function);
                self.params(&f.params);
                self.stmts(&f.body);
                self.current = saved;
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d);
                }
                for a in &c.bases {
                    self.arg(a);
                }
                self.bind(&c.name.node);
                let saved = self.enter(&**c, ScopeKind::Class);
                self.scope().private = Some(c.name.node.clone());
                self.stmts(&c.body);
                self.current = saved;
            }
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v);
                }
            }
            StmtKind::Delete(ts) => {
                for t in ts {
                    self.target(t);
                }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::For { target, iter, body, orelse, .. } => {
                self.expr(iter);
                self.target(target);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::With { items, body, .. } => {
                for it in items {
                    self.expr(&it.context);
                    if let Some(t) = &it.target {
                        self.target(t);
                    }
                }
                self.stmts(body);
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e);
                }
                if let Some(c) = cause {
                    self.expr(c);
                }
            }
            StmtKind::Match { subject, cases } => {
                self.expr(subject);
                for case in cases {
                    self.pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.expr(g);
                    }
                    self.stmts(&case.body);
                }
            }
            StmtKind::Try { body, handlers, orelse, finalbody, .. } => {
                self.stmts(body);
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t);
                    }
                    if let Some(n) = &h.name {
                        self.bind(&n.node);
                    }
                    self.stmts(&h.body);
                }
                self.stmts(orelse);
                self.stmts(finalbody);
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    self.expr(m);
                }
            }
            StmtKind::Import(names) => {
                for a in names {
                    let bound = match &a.asname {
                        Some(n) => n.node.clone(),
                        None => a.name.node.split('.').next().unwrap_or("").to_string(),
                    };
                    self.bind(&bound);
                }
            }
            StmtKind::ImportFrom { module, names } => {
                if module == "__future__" {
                    for a in names {
                        let known = [
                            "annotations",
                            "generators",
                            "division",
                            "absolute_import",
                            "with_statement",
                            "print_function",
                            "unicode_literals",
                            "nested_scopes",
                            "generator_stop",
                            "barry_as_FLUFL",
                        ];
                        if !known.contains(&a.name.node.as_str()) {
                            self.fail(format!("future feature {} is not defined", a.name.node), a.name.span);
                        }
                    }
                }
                for a in names {
                    if a.name.node != "*" {
                        self.bind(&a.asname.as_ref().unwrap_or(&a.name).node);
                    } else if self.scopes[self.current].kind != ScopeKind::Module {
                        self.fail("import * only allowed at module level".into(), a.name.span);
                    }
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    self.check_declaration(&n.node, "global", n.span);
                    let name = self.m(&n.node);
                    self.scope().globals.insert(name);
                }
            }
            StmtKind::Nonlocal(names) => {
                for n in names {
                    if self.scopes[self.current].kind == ScopeKind::Module {
                        self.fail("nonlocal declaration not allowed at module level".into(), s.span);
                    }
                    self.check_declaration(&n.node, "nonlocal", n.span);
                    let name = self.m(&n.node);
                    self.scope().nonlocals.insert(name);
                }
            }
        }
    }

    /// The names a pattern binds, and the expressions (values, classes, keys) it reads.
    fn pattern(&mut self, p: &Pattern) {
        match &p.node {
            PatternKind::Value(e) => self.expr(e),
            PatternKind::Singleton(_) => {}
            PatternKind::Sequence(items) | PatternKind::Or(items) => {
                for item in items {
                    self.pattern(item);
                }
            }
            PatternKind::Mapping { keys, patterns, rest } => {
                for k in keys {
                    self.expr(k);
                }
                for item in patterns {
                    self.pattern(item);
                }
                if let Some(r) = rest {
                    self.bind(&r.node);
                }
            }
            PatternKind::Class { cls, patterns, kwd_patterns, .. } => {
                self.expr(cls);
                for item in patterns.iter().chain(kwd_patterns) {
                    self.pattern(item);
                }
            }
            PatternKind::Star(name) => {
                if let Some(n) = name {
                    self.bind(&n.node);
                }
            }
            PatternKind::As { pattern, name } => {
                if let Some(inner) = pattern {
                    self.pattern(inner);
                }
                if let Some(n) = name {
                    self.bind(&n.node);
                }
            }
        }
    }

    fn target(&mut self, t: &Expr) {
        match &t.node {
            ExprKind::Name(n) => self.bind(n),
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                for x in xs {
                    self.target(x);
                }
            }
            ExprKind::Starred(x) => self.target(x),
            _ => self.expr(t),
        }
    }

    fn arg(&mut self, a: &Arg) {
        match a {
            Arg::Positional(e) | Arg::Starred(e) | Arg::Keyword(_, e) | Arg::DoubleStarred(e) => self.expr(e),
        }
    }

    fn comprehension<T>(&mut self, node: &T, generators: &[Comprehension], elts: &[&Expr]) {
        // The first iterator is evaluated in the enclosing scope.
        self.iterable(&generators[0].iter);
        let saved = self.enter(node, ScopeKind::Comprehension);
        self.scope().params.push(".0".into());
        self.bind(".0");
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.iterable(&g.iter);
            }
            self.iteration_target(&g.target);
            for c in &g.ifs {
                self.expr(c);
            }
        }
        for e in elts {
            self.expr(e);
        }
        self.current = saved;
    }

    fn iterable(&mut self, e: &Expr) {
        self.in_iterable += 1;
        self.expr(e);
        self.in_iterable -= 1;
    }

    /// A comprehension's `for` target: as `target`, and its names may not be a walrus's.
    fn iteration_target(&mut self, t: &Expr) {
        match &t.node {
            ExprKind::Name(n) => {
                let mangled = self.m(n);
                if self.scope().walrus_targets.contains(&mangled) {
                    let msg = format!("comprehension inner loop cannot rebind assignment expression target '{}'", n);
                    self.fail(msg, t.span);
                }
                self.scope().iteration_vars.insert(mangled);
                self.bind(n);
            }
            ExprKind::Tuple(xs) | ExprKind::List(xs) => {
                for x in xs {
                    self.iteration_target(x);
                }
            }
            ExprKind::Starred(x) => self.iteration_target(x),
            _ => self.expr(t),
        }
    }

    /// CPython's refusals of a walrus binding `name` inside a comprehension.
    fn check_comprehension_walrus(&mut self, name: &str, span: crate::span::Span) {
        if self.in_iterable > 0 {
            return self
                .fail("assignment expression cannot be used in a comprehension iterable expression".into(), span);
        }
        let mut s = self.current;
        let mangled = self.m(name);
        while self.scopes[s].kind == ScopeKind::Comprehension {
            if self.scopes[s].iteration_vars.contains(&mangled) {
                let msg = format!("assignment expression cannot rebind comprehension iteration variable '{}'", name);
                return self.fail(msg, span);
            }
            self.scopes[s].walrus_targets.insert(mangled.clone());
            s = self.scopes[s].parent.unwrap_or(0);
        }
        if s != self.current && self.scopes[s].kind == ScopeKind::Class {
            self.fail("assignment expression within a comprehension cannot be used in a class body".into(), span);
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.node {
            ExprKind::Name(n) => {
                self.use_name(n);
                if n == "super" {
                    self.use_name("__class__");
                }
            }
            ExprKind::Constant(_) => {}
            ExprKind::FString(parts) => self.fstring(parts),
            ExprKind::Tuple(xs) | ExprKind::List(xs) | ExprKind::Set(xs) => {
                for x in xs {
                    self.expr(x);
                }
            }
            ExprKind::Dict(items) => {
                for (k, v) in items {
                    if let Some(k) = k {
                        self.expr(k);
                    }
                    self.expr(v);
                }
            }
            ExprKind::Starred(x) | ExprKind::Await(x) | ExprKind::YieldFrom(x) => {
                if matches!(e.node, ExprKind::YieldFrom(_)) {
                    self.scope().is_generator = true;
                }
                self.expr(x)
            }
            ExprKind::Attribute { value, .. } => self.expr(value),
            ExprKind::Subscript { value, index } => {
                self.expr(value);
                self.expr(index);
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x);
                }
            }
            ExprKind::Call { func, args } => {
                self.expr(func);
                for a in args {
                    self.arg(a);
                }
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand),
            ExprKind::BoolOp { values, .. } => {
                for v in values {
                    self.expr(v);
                }
            }
            ExprKind::Compare { left, ops } => {
                self.expr(left);
                for (_, r) in ops {
                    self.expr(r);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Lambda { params, body } => {
                self.param_defaults(params);
                let saved = self.enter(e, ScopeKind::Function);
                self.params(params);
                self.expr(body);
                self.current = saved;
            }
            ExprKind::ListComp { elt, generators } | ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, generators, &[elt])
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, generators, &[elt]);
                let id = self.by_node[&(e as *const Expr as usize)];
                self.scopes[id].is_generator = true;
            }
            ExprKind::DictComp { key, value, generators } => self.comprehension(e, generators, &[key, value]),
            ExprKind::Yield(v) => {
                self.scope().is_generator = true;
                if let Some(v) = v {
                    self.expr(v);
                }
            }
            ExprKind::NamedExpr { target, value } => {
                self.expr(value);
                self.check_comprehension_walrus(&target.node, e.span);
                let name = self.m(&target.node);
                // In a comprehension the walrus binds in the enclosing function or module.
                let mut s = self.current;
                while self.scopes[s].kind == ScopeKind::Comprehension {
                    self.scopes[s].nonlocals.insert(name.clone());
                    s = self.scopes[s].parent.unwrap_or(0);
                }
                if s != self.current && self.scopes[s].kind == ScopeKind::Module {
                    for sc in self.current..self.scopes.len() {
                        if self.scopes[sc].kind == ScopeKind::Comprehension {
                            self.scopes[sc].nonlocals.shift_remove(&name);
                            self.scopes[sc].globals.insert(name.clone());
                        }
                    }
                }
                self.scopes[s].bound.insert(name);
            }
        }
    }

    fn fstring(&mut self, parts: &[FStringPart]) {
        for p in parts {
            if let FStringPart::Field(f) = p {
                self.expr(&f.expr);
                if let Some(spec) = &f.spec {
                    self.fstring(spec);
                }
            }
        }
    }
}

fn is_function_like(k: ScopeKind) -> bool {
    matches!(k, ScopeKind::Function | ScopeKind::Comprehension)
}

/// Finds where each non-local name is defined and marks cells and free variables.
fn resolve(t: &mut SymbolTable) -> Result<(), SyntaxError> {
    let n = t.scopes.len();
    // First, every scope's own bindings and declarations.
    for i in 0..n {
        let s = &mut t.scopes[i];
        let mut symbols = IndexMap::new();
        for p in &s.params {
            symbols.insert(p.clone(), SymKind::Local);
        }
        for name in s.bound.iter().chain(s.used.iter()) {
            let kind = if s.globals.contains(name) {
                SymKind::GlobalExplicit
            } else if s.kind == ScopeKind::Module {
                SymKind::GlobalImplicit
            } else if s.nonlocals.contains(name) {
                SymKind::Free
            } else if s.bound.contains(name) {
                if s.kind == ScopeKind::Class {
                    SymKind::ClassName
                } else {
                    SymKind::Local
                }
            } else {
                continue; // used only: resolved below
            };
            symbols.entry(name.clone()).or_insert(kind);
        }
        s.symbols = symbols;
    }
    // Then free names: look outward for an enclosing function scope that binds them.
    for i in 0..n {
        let wanted: Vec<(String, bool)> = {
            let s = &t.scopes[i];
            let mut w: Vec<(String, bool)> =
                s.used.iter().filter(|u| !s.symbols.contains_key(*u)).map(|u| (u.clone(), false)).collect();
            w.extend(s.nonlocals.iter().map(|u| (u.clone(), true)));
            w
        };
        for (name, declared_nonlocal) in wanted {
            let mut chain = vec![i];
            let mut p = t.scopes[i].parent;
            let mut found = None;
            while let Some(pi) = p {
                let ps = &t.scopes[pi];
                if ps.kind == ScopeKind::Module {
                    break;
                }
                if name == "__class__" && ps.kind == ScopeKind::Class {
                    found = Some(pi);
                    break;
                }
                if is_function_like(ps.kind)
                    && ps.bound.contains(&name)
                    && !ps.globals.contains(&name)
                    && !ps.nonlocals.contains(&name)
                {
                    found = Some(pi);
                    break;
                }
                if ps.globals.contains(&name) {
                    break;
                }
                chain.push(pi);
                p = ps.parent;
            }
            match found {
                Some(def) => {
                    t.scopes[def].symbols.insert(name.clone(), SymKind::Cell);
                    for &c in &chain {
                        t.scopes[c].symbols.insert(name.clone(), SymKind::Free);
                    }
                }
                None if declared_nonlocal => {
                    let span = crate::span::Span::default();
                    return Err(SyntaxError::at(span, format!("no binding for nonlocal '{}' found", name)));
                }
                None => {
                    if t.scopes[i].kind != ScopeKind::Class {
                        let g = if chain.iter().any(|&c| t.scopes[c].globals.contains(&name)) {
                            SymKind::GlobalExplicit
                        } else {
                            SymKind::GlobalImplicit
                        };
                        t.scopes[i].symbols.insert(name, g);
                    }
                }
            }
        }
    }
    Ok(())
}
