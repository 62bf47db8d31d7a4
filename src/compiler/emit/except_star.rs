//! `try` ... `except*`: each clause takes the part of the exception group that matches its
//! types (`CheckEgMatch`) and runs with it as the exception being handled; what the clauses
//! raise and what none matched are raised together at the end (`PrepReraiseStar`).

use super::{err, Emitter, FBlock, R};
use crate::ast::*;
use crate::bytecode::Op;
use crate::span::Span;

pub(super) const JUMP_OUT_MESSAGE: &str = "'break', 'continue' and 'return' cannot appear in an except* block";

impl<'a> Emitter<'a> {
    pub(super) fn try_star(&mut self, body: &'a [Stmt], handlers: &'a [ExceptHandler], orelse: &'a [Stmt]) -> R {
        let depth = self.depth;
        let start = self.here();
        self.body(body)?;
        let end = self.here();
        self.protect(start, end, end + 1, depth);
        let over_handlers = self.emit(Op::Jump(0));
        // [prev, orig] -> [prev, orig, raised, rest]: the list of what clauses raised, and
        // the part of the exception still unhandled.
        self.emit(Op::PushExcInfo);
        let cleanup_start = self.here();
        self.emit(Op::Dup);
        self.emit(Op::BuildList(0));
        self.emit(Op::Rot2);
        for h in handlers {
            self.star_handler(h, depth)?;
        }
        self.emit(Op::ListAppend(1));
        self.emit(Op::PrepReraiseStar);
        self.emit(Op::Dup);
        self.emit(Op::LoadNone);
        self.emit(Op::Compare(CmpOp::Is));
        let reraise = self.emit(Op::PopJumpIfFalse(0));
        self.emit(Op::Pop);
        self.emit(Op::PopExcept);
        let done = self.emit(Op::Jump(0));
        // Raised from inside the cleanup region, so that the code below restores `prev`.
        self.patch(reraise);
        self.emit(Op::Reraise);
        let cleanup_end = self.here();
        self.protect(cleanup_start, cleanup_end, cleanup_end, depth + 1);
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.patch(over_handlers);
        self.body(orelse)?;
        self.patch(done);
        Ok(())
    }

    /// One clause, from `[prev, orig, raised, rest]` back to that shape with `rest` reduced.
    fn star_handler(&mut self, h: &'a ExceptHandler, depth: u32) -> R {
        self.span = h.span;
        let typ = h.typ.as_ref().expect("the grammar gives except* a type");
        self.expr(typ)?;
        self.span = h.span;
        // [.., rest, T] -> [.., rest', match]
        self.emit(Op::CheckEgMatch);
        self.emit(Op::UnpackSequence(2));
        self.emit(Op::Dup);
        self.emit(Op::LoadNone);
        self.emit(Op::Compare(CmpOp::Is));
        let no_match = self.emit(Op::PopJumpIfTrue(0));
        // The match is the exception being handled: [.., rest', prev', match].
        self.emit(Op::PushExcInfo);
        match &h.name {
            Some(n) => self.store_name(&n.node),
            None => {
                self.emit(Op::Pop);
            }
        }
        self.depth = depth + 5;
        self.fblocks.push(FBlock::StarHandler);
        let start = self.here();
        self.body(&h.body)?;
        let end = self.here();
        self.fblocks.pop();
        self.depth = depth;
        self.span = h.span;
        self.unbind_handler_name(h);
        self.emit(Op::PopExcept);
        let next = self.emit(Op::Jump(0));
        // Raised in the clause: [.., rest', prev', new] -> appended to the raised list.
        self.protect(start, end, self.here(), depth + 5);
        self.unbind_handler_name(h);
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::ListAppend(2));
        let next2 = self.emit(Op::Jump(0));
        self.patch(no_match);
        self.emit(Op::Pop);
        self.patch(next);
        self.patch(next2);
        Ok(())
    }

    /// `except ... as e` unbinds `e` when the clause ends.
    pub(super) fn unbind_handler_name(&mut self, h: &'a ExceptHandler) {
        if let Some(n) = &h.name {
            self.emit(Op::LoadNone);
            self.store_name(&n.node);
            self.delete_name(&n.node);
        }
    }

    /// `break`, `continue` or `return` that would leave an except* clause.
    pub(super) fn check_star_exit(&self, loop_index: Option<usize>, span: Span) -> R {
        let star = self.fblocks.iter().rposition(|b| matches!(b, FBlock::StarHandler));
        match (star, loop_index) {
            (Some(s), Some(l)) if s < l => Ok(()),
            (Some(_), _) => err(JUMP_OUT_MESSAGE, span),
            (None, _) => Ok(()),
        }
    }
}
