//! Match statements. Each case tests its pattern against a copy of the subject; a failed test
//! jumps to a "fail pop" chain that drops what the pattern had pushed, then tries the next
//! case (CPython's scheme). Captured names are stored as soon as they are matched.

use super::{err, Emitter, R};
use crate::ast::*;
use crate::bytecode::Op;
use crate::span::Span;
use crate::value::Value;

/// What the pattern being compiled knows about its surroundings.
struct PatternCtx {
    /// `fail_pops[n]`: jumps taken with `n` items to drop before trying the next case.
    fail_pops: Vec<Vec<usize>>,
    /// Items on the stack, above the case's base, below the value being matched.
    on_top: usize,
    /// Whether an irrefutable pattern (a capture or `_`) is allowed here.
    allow_irrefutable: bool,
    /// The names stored so far, for "multiple assignments to name".
    stores: Vec<String>,
}

impl PatternCtx {
    fn new(allow_irrefutable: bool) -> PatternCtx {
        PatternCtx { fail_pops: Vec::new(), on_top: 0, allow_irrefutable, stores: Vec::new() }
    }

    fn add_fail(&mut self, pops: usize, jump: usize) {
        if self.fail_pops.len() <= pops {
            self.fail_pops.resize_with(pops + 1, Vec::new);
        }
        self.fail_pops[pops].push(jump);
    }
}

fn is_wildcard(p: &Pattern) -> bool {
    matches!(p.node, PatternKind::As { pattern: None, name: None } | PatternKind::Star(None))
}

/// The value of a literal key or pattern, when the compiler can make it a constant.
fn literal_value(e: &Expr) -> Option<Value> {
    match &e.node {
        ExprKind::Constant(c) => match c {
            Constant::None => Some(Value::None),
            Constant::True => Some(Value::Bool(true)),
            Constant::False => Some(Value::Bool(false)),
            Constant::Int(i) => Some(Value::from_bigint(i.clone())),
            Constant::Float(f) => Some(Value::Float(*f)),
            Constant::Str(s) => Some(Value::str(s.as_str())),
            _ => None,
        },
        ExprKind::UnaryOp { op: UnaryOp::Neg, operand } => match literal_value(operand)? {
            Value::Int(i) => Some(Value::Int(-i)),
            Value::Float(f) => Some(Value::Float(-f)),
            _ => None,
        },
        _ => None,
    }
}

/// Whether two literal keys are equal as dict keys (`1`, `1.0` and `True` are).
fn same_key(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Bool(b) => Some(*b as i64 as f64),
        _ => None,
    };
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.s == y.s,
        (Value::None, Value::None) => true,
        _ => matches!((number(a), number(b)), (Some(x), Some(y)) if x == y),
    }
}

impl<'a> Emitter<'a> {
    pub(super) fn match_stmt(&mut self, subject: &'a Expr, cases: &'a [MatchCase]) -> R {
        self.expr(subject)?;
        let mut ends = Vec::new();
        for (i, case) in cases.iter().enumerate() {
            let last = i + 1 == cases.len();
            self.span = case.pattern.span;
            if !last {
                self.emit(Op::Dup);
            }
            let mut pc = PatternCtx::new(last || case.guard.is_some());
            self.pattern(&case.pattern, &mut pc)?;
            if let Some(guard) = &case.guard {
                for jump in self.jump_if(guard, false)? {
                    pc.add_fail(0, jump);
                }
            }
            if !last {
                self.emit(Op::Pop);
            }
            self.body(&case.body)?;
            ends.push(self.emit(Op::Jump(0)));
            self.emit_fail_pops(pc.fail_pops);
        }
        self.patch_all(ends);
        Ok(())
    }

    /// The fail-pop chain: entered at `n`, it drops `n` items.
    fn emit_fail_pops(&mut self, fail_pops: Vec<Vec<usize>>) {
        for (n, jumps) in fail_pops.into_iter().enumerate().rev() {
            self.patch_all(jumps);
            if n > 0 {
                self.emit(Op::Pop);
            }
        }
    }

    /// A `PopJumpIfFalse` to the next case, with `extra` items above `on_top` to drop.
    fn jump_to_fail(&mut self, pc: &mut PatternCtx, extra: usize) {
        let jump = self.emit(Op::PopJumpIfFalse(0));
        pc.add_fail(pc.on_top + extra, jump);
    }

    fn pattern_store(&mut self, name: &'a Ident, pc: &mut PatternCtx) -> R {
        if pc.stores.contains(&name.node) {
            return err(format!("multiple assignments to name '{}' in pattern", name.node), name.span);
        }
        pc.stores.push(name.node.clone());
        self.store_name(&name.node);
        Ok(())
    }

    /// A pattern nested in a sequence, mapping or class pattern: captures are allowed there.
    fn subpattern(&mut self, p: &'a Pattern, pc: &mut PatternCtx) -> R {
        let allow = std::mem::replace(&mut pc.allow_irrefutable, true);
        self.pattern(p, pc)?;
        pc.allow_irrefutable = allow;
        Ok(())
    }

    /// Matches the value on top of the stack against `p`, consuming it.
    fn pattern(&mut self, p: &'a Pattern, pc: &mut PatternCtx) -> R {
        self.span = p.span;
        match &p.node {
            PatternKind::Value(e) => {
                self.expr(e)?;
                self.span = p.span;
                self.emit(Op::Compare(CmpOp::Eq));
                self.jump_to_fail(pc, 0);
            }
            PatternKind::Singleton(c) => {
                self.constant(c)?;
                self.emit(Op::Compare(CmpOp::Is));
                self.jump_to_fail(pc, 0);
            }
            PatternKind::As { pattern: None, name } => {
                if !pc.allow_irrefutable {
                    return match name {
                        Some(n) => {
                            err(format!("name capture '{}' makes remaining patterns unreachable", n.node), p.span)
                        }
                        None => err("wildcard makes remaining patterns unreachable", p.span),
                    };
                }
                match name {
                    Some(n) => self.pattern_store(n, pc)?,
                    None => {
                        self.emit(Op::Pop);
                    }
                }
            }
            PatternKind::As { pattern: Some(inner), name } => {
                self.emit(Op::Dup);
                pc.on_top += 1;
                self.pattern(inner, pc)?;
                pc.on_top -= 1;
                if let Some(n) = name {
                    self.pattern_store(n, pc)?;
                }
            }
            PatternKind::Star(name) => match name {
                Some(n) => self.pattern_store(n, pc)?,
                None => {
                    self.emit(Op::Pop);
                }
            },
            PatternKind::Or(alternatives) => self.or_pattern(alternatives, p.span, pc)?,
            PatternKind::Sequence(items) => self.sequence_pattern(items, pc)?,
            PatternKind::Mapping { keys, patterns, rest } => self.mapping_pattern(keys, patterns, rest, pc)?,
            PatternKind::Class { cls, patterns, kwd_attrs, kwd_patterns } => {
                self.class_pattern(cls, patterns, kwd_attrs, kwd_patterns, pc)?
            }
        }
        Ok(())
    }

    /// `p | q | r`: each alternative but the last tests a copy of the subject with fail pops
    /// of its own, which land back on the subject for the next alternative to try.
    fn or_pattern(&mut self, alternatives: &'a [Pattern], span: Span, pc: &mut PatternCtx) -> R {
        let before = pc.stores.len();
        let mut bound: Option<Vec<String>> = None;
        let mut ends = Vec::new();
        for (i, alt) in alternatives.iter().enumerate() {
            let last = i + 1 == alternatives.len();
            if last {
                self.pattern(alt, pc)?;
            } else {
                self.emit(Op::Dup);
                let mut own = PatternCtx::new(false);
                own.stores = std::mem::take(&mut pc.stores);
                self.pattern(alt, &mut own)?;
                pc.stores = own.stores;
                self.emit(Op::Pop);
                ends.push(self.emit(Op::Jump(0)));
                self.emit_fail_pops(own.fail_pops);
            }
            let mut names: Vec<String> = pc.stores.drain(before..).collect();
            names.sort();
            match &bound {
                Some(first) if *first != names => return err("alternative patterns bind different names", span),
                Some(_) => {}
                None => bound = Some(names),
            }
        }
        pc.stores.extend(bound.unwrap_or_default());
        self.patch_all(ends);
        Ok(())
    }

    fn sequence_pattern(&mut self, items: &'a [Pattern], pc: &mut PatternCtx) -> R {
        let star = items.iter().position(|p| matches!(p.node, PatternKind::Star(_)));
        let size = items.len();
        self.emit(Op::MatchSequence);
        self.jump_to_fail(pc, 1);
        self.emit(Op::GetLen);
        match star {
            None => {
                self.emit(Op::LoadInt(size as i32));
                self.emit(Op::Compare(CmpOp::Eq));
            }
            Some(_) => {
                self.emit(Op::LoadInt(size as i32 - 1));
                self.emit(Op::Compare(CmpOp::GtE));
            }
        }
        self.jump_to_fail(pc, 1);
        if items.iter().all(is_wildcard) {
            self.emit(Op::Pop);
            return Ok(());
        }
        if let Some(at) = star.filter(|&at| is_wildcard(&items[at])) {
            // `[a, *_, b]`: index the items wanted instead of building the middle list.
            for (i, item) in items.iter().enumerate() {
                if is_wildcard(item) {
                    continue;
                }
                let index = if i < at { i as i32 } else { i as i32 - size as i32 };
                self.emit(Op::Dup);
                self.emit(Op::LoadInt(index));
                self.emit(Op::Subscr);
                pc.on_top += 1;
                self.subpattern(item, pc)?;
                pc.on_top -= 1;
            }
            self.emit(Op::Pop);
            return Ok(());
        }
        match star {
            Some(at) => self.emit(Op::UnpackEx(at as u16, (size - at - 1) as u16)),
            None => self.emit(Op::UnpackSequence(size as u32)),
        };
        pc.on_top += size;
        for item in items {
            pc.on_top -= 1;
            self.subpattern(item, pc)?;
        }
        Ok(())
    }

    fn mapping_pattern(
        &mut self,
        keys: &'a [Expr],
        patterns: &'a [Pattern],
        rest: &'a Option<Ident>,
        pc: &mut PatternCtx,
    ) -> R {
        self.emit(Op::MatchMapping);
        self.jump_to_fail(pc, 1);
        if keys.is_empty() && rest.is_none() {
            self.emit(Op::Pop);
            return Ok(());
        }
        if !keys.is_empty() {
            self.emit(Op::GetLen);
            self.emit(Op::LoadInt(keys.len() as i32));
            self.emit(Op::Compare(CmpOp::GtE));
            self.jump_to_fail(pc, 1);
        }
        let constants: Option<Vec<Value>> = keys.iter().map(literal_value).collect();
        for (i, k) in keys.iter().enumerate() {
            let Some(v) = literal_value(k) else { continue };
            if keys[..i].iter().filter_map(literal_value).any(|earlier| same_key(&earlier, &v)) {
                use crate::runtime::protocol::repr::{scalar_repr, str_repr};
                let shown = match &v {
                    Value::Str(s) => str_repr(&s.s),
                    _ => scalar_repr(&v).map(String::from).unwrap_or_default(),
                };
                return err(format!("mapping pattern checks duplicate key ({shown})"), k.span);
            }
        }
        match constants {
            Some(values) => self.load_const(Value::tuple(values)),
            None => {
                self.exprs(keys)?;
                self.emit(Op::BuildTuple(keys.len() as u32));
            }
        }
        self.emit(Op::MatchKeys);
        self.emit(Op::Dup);
        self.emit(Op::LoadNone);
        self.emit(Op::Compare(CmpOp::IsNot));
        self.jump_to_fail(pc, 3);
        self.emit(Op::UnpackSequence(keys.len() as u32));
        pc.on_top += 2 + keys.len();
        for p in patterns {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        pc.on_top -= 2;
        match rest {
            Some(name) => {
                self.emit(Op::CopyDictWithoutKeys);
                pc.on_top += 1;
                self.pattern_store(name, pc)?;
                pc.on_top -= 1;
            }
            None => {
                self.emit(Op::Pop);
            }
        }
        self.emit(Op::Pop);
        Ok(())
    }

    fn class_pattern(
        &mut self,
        cls: &'a Expr,
        patterns: &'a [Pattern],
        kwd_attrs: &'a [Ident],
        kwd_patterns: &'a [Pattern],
        pc: &mut PatternCtx,
    ) -> R {
        let span = self.span;
        self.expr(cls)?;
        self.span = span;
        self.load_const(Value::tuple(kwd_attrs.iter().map(|a| Value::str(a.node.as_str())).collect()));
        self.emit(Op::MatchClass(patterns.len() as u32));
        self.emit(Op::Dup);
        self.emit(Op::LoadNone);
        self.emit(Op::Compare(CmpOp::IsNot));
        self.jump_to_fail(pc, 1);
        let all = patterns.len() + kwd_patterns.len();
        if patterns.iter().chain(kwd_patterns).all(is_wildcard) {
            self.emit(Op::Pop);
            return Ok(());
        }
        self.emit(Op::UnpackSequence(all as u32));
        pc.on_top += all;
        for p in patterns.iter().chain(kwd_patterns) {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        Ok(())
    }
}
