//! Superinstructions: common instruction pairs fused into one, so the VM dispatches once
//! where it would dispatch twice.
//!
//! A fused instruction replaces only the first of its pair (or triple); the others stay
//! where they were. So jumps into the middle of a pair still land on a plain instruction, and
//! when the fused instruction's fast path does not apply (an operand is not a small int, an attribute is not
//! in the instance's own table), the VM performs just the first instruction and goes on to
//! the second, which then raises or takes the general path with its own span for tracebacks.

use crate::ast::{BinOp, CmpOp};
use crate::bytecode::Op;

/// The instructions the VM executes for `ops`.
///
/// The VM fetches these without bounds checks, relying on code never running off its end:
/// the compiler ends every code object with `Return`, which this checks.
pub fn fuse(ops: &[Op]) -> Box<[Op]> {
    assert!(matches!(ops.last(), Some(Op::Return)), "code must end with Return");
    let mut fused: Vec<Op> = ops.to_vec();
    for (p, pair) in ops.windows(2).enumerate() {
        let third = ops.get(p + 2).copied().unwrap_or(Op::Nop);
        fused[p] = match (pair[0], pair[1]) {
            (Op::LoadInt(k), Op::Compare(op)) if int_compare(op) => match third {
                Op::PopJumpIfFalse(t) => Op::CompareImmJumpIfFalse(op, k, t),
                Op::PopJumpIfTrue(t) => Op::CompareImmJumpIfTrue(op, k, t),
                _ => Op::CompareImm(op, k),
            },
            (Op::LoadNone, Op::Return) => Op::ReturnNone,
            (Op::GetAwaitable, Op::LoadNone) if third == Op::YieldFrom => Op::Await,
            (Op::LoadFast(a), Op::LoadFast(b)) => Op::LoadFast2(a, b),
            (Op::LoadFast(a), Op::LoadAttr(n)) => Op::LoadFastAttr(a, n),
            (Op::LoadFast(a), Op::StoreAttr(n)) => Op::LoadFastStoreAttr(a, n),
            (Op::LoadInt(k), Op::Binary(op) | Op::Inplace(op)) if int_binary(op) => Op::BinaryImm(op, k),
            (Op::Compare(op), Op::PopJumpIfFalse(t)) if int_compare(op) => Op::CompareJumpIfFalse(op, t),
            (Op::Compare(op), Op::PopJumpIfTrue(t)) if int_compare(op) => Op::CompareJumpIfTrue(op, t),
            (first, _) => first,
        };
    }
    fused.into_boxed_slice()
}

/// Operators that `vm::ops::int_fast` computes.
fn int_binary(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::Mod
            | BinOp::FloorDiv
            | BinOp::BitAnd
            | BinOp::BitOr
            | BinOp::BitXor
    )
}

/// Comparisons that `vm::ops::int_compare` computes.
fn int_compare(op: CmpOp) -> bool {
    matches!(op, CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE | CmpOp::Eq | CmpOp::NotEq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuses_the_first_of_each_pair_and_keeps_the_second() {
        let ops = [Op::LoadFast(0), Op::LoadFast(1), Op::LoadAttr(2), Op::Return];
        assert_eq!(&*fuse(&ops), &[Op::LoadFast2(0, 1), Op::LoadFastAttr(1, 2), Op::LoadAttr(2), Op::Return]);
    }

    #[test]
    fn fuses_int_operands_and_compare_jumps() {
        let ops = [
            Op::LoadInt(2),
            Op::Compare(CmpOp::Lt),
            Op::PopJumpIfFalse(7),
            Op::LoadInt(1),
            Op::Inplace(BinOp::Add),
            Op::LoadInt(3),
            Op::Compare(CmpOp::Gt),
            Op::PopJumpIfTrue(0),
            Op::LoadInt(4),
            Op::Compare(CmpOp::Eq),
            Op::Return,
        ];
        assert_eq!(
            &*fuse(&ops),
            &[
                Op::CompareImmJumpIfFalse(CmpOp::Lt, 2, 7),
                Op::CompareJumpIfFalse(CmpOp::Lt, 7),
                Op::PopJumpIfFalse(7),
                Op::BinaryImm(BinOp::Add, 1),
                Op::Inplace(BinOp::Add),
                Op::CompareImmJumpIfTrue(CmpOp::Gt, 3, 0),
                Op::CompareJumpIfTrue(CmpOp::Gt, 0),
                Op::PopJumpIfTrue(0),
                Op::CompareImm(CmpOp::Eq, 4),
                Op::Compare(CmpOp::Eq),
                Op::Return,
            ]
        );
    }

    #[test]
    fn fuses_returning_none() {
        let ops = [Op::LoadNone, Op::Return, Op::LoadNone, Op::Return];
        assert_eq!(&*fuse(&ops), &[Op::ReturnNone, Op::Return, Op::ReturnNone, Op::Return]);
    }

    #[test]
    fn fuses_awaits() {
        let ops = [Op::GetAwaitable, Op::LoadNone, Op::YieldFrom, Op::GetAwaitable, Op::LoadNone, Op::Return];
        assert_eq!(
            &*fuse(&ops),
            &[Op::Await, Op::LoadNone, Op::YieldFrom, Op::GetAwaitable, Op::ReturnNone, Op::Return]
        );
    }

    #[test]
    #[should_panic(expected = "code must end with Return")]
    fn refuses_code_that_could_run_off_its_end() {
        fuse(&[Op::LoadNone]);
    }

    #[test]
    fn leaves_operators_without_an_int_fast_path_alone() {
        let ops = [Op::LoadInt(2), Op::Binary(BinOp::Pow), Op::LoadInt(3), Op::Compare(CmpOp::In), Op::Return];
        assert_eq!(&*fuse(&ops), &ops[..]);
    }
}
