//! Fast paths the dispatch loop tries before the general operations: float arithmetic and
//! comparisons, list element stores, and exact-size unpacking of tuples and lists. Each one
//! declines (returns `None` or `false`, changing nothing) when its case does not apply, and
//! the general operation then runs with the full semantics and error messages.

use super::ops::norm_index;
use crate::ast::{BinOp, CmpOp};
use crate::object::dict::{hash_value, HashKey};
use crate::value::{fast_drop, Value};

/// `a op b` for a float and a float or small int, for the operators whose result needs no
/// error check (`/` only with a nonzero divisor). An `i64` converts to the nearest float,
/// as `int.__float__` rounds.
#[inline(always)]
pub(super) fn float_binary(op: BinOp, a: &Value, b: &Value) -> Option<f64> {
    let (x, y) = match (a, b) {
        (Value::Float(x), Value::Float(y)) => (*x, *y),
        (Value::Float(x), Value::Int(y)) => (*x, *y as f64),
        (Value::Int(x), Value::Float(y)) => (*x as f64, *y),
        _ => return None,
    };
    match op {
        BinOp::Add => Some(x + y),
        BinOp::Sub => Some(x - y),
        BinOp::Mul => Some(x * y),
        BinOp::Div if y != 0.0 => Some(x / y),
        _ => None,
    }
}

/// `a cmp b` for two floats (IEEE comparisons are Python's, NaN included).
#[inline(always)]
pub(super) fn float_compare(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    let (Value::Float(x), Value::Float(y)) = (a, b) else { return None };
    Some(match op {
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        _ => return None,
    })
}

/// Replaces the two immediates on top of the stack (ints, floats) with `result`.
#[inline(always)]
pub(super) fn set_scalar_result(stack: &mut Vec<Value>, result: Value) {
    let n = stack.len();
    debug_assert!(stack[n - 2].is_immediate() && stack[n - 1].is_immediate());
    // SAFETY: both operands are immediates, which own nothing: they can be overwritten and
    // forgotten without running their destructors.
    unsafe {
        stack.set_len(n - 1);
        std::ptr::write(stack.as_mut_ptr().add(n - 2), result);
    }
}

/// `StoreSubscr` for `[value, list, int]` on top with the index in range: stores in place and
/// pops the three. `false` (stack unchanged) otherwise.
#[inline(always)]
pub(super) fn store_list_item(stack: &mut Vec<Value>) -> bool {
    let n = stack.len();
    let (Value::List(l), Value::Int(i)) = (&stack[n - 2], &stack[n - 1]) else { return false };
    let old = {
        let mut items = l.items.borrow_mut();
        let Some(i) = norm_index(*i, items.len()) else { return false };
        // The value's reference moves into the list; its stack slot is cut off below
        // without being dropped.
        // SAFETY: slot `n - 3` is initialized and is forgotten by the `set_len` that follows.
        let v = unsafe { std::ptr::read(&stack[n - 3]) };
        std::mem::replace(&mut items[i], v)
    };
    // SAFETY: slot `n - 1` is an int (owns nothing); slot `n - 3` was moved out above; the
    // list at `n - 2` is read out and dropped once.
    let list = unsafe {
        let list = std::ptr::read(&stack[n - 2]);
        stack.set_len(n - 3);
        list
    };
    // The old item is released after the list is borrowed no more: its destructor may run
    // script-visible code (a `__del__`) that touches the list.
    fast_drop(old);
    fast_drop(list);
    true
}

/// `UnpackSequence(n)` for a tuple or list of exactly `n` items on top: replaces it with its
/// items, the first on top. `false` (stack unchanged) otherwise.
#[inline(always)]
pub(super) fn unpack_exact(stack: &mut Vec<Value>, n: usize) -> bool {
    let top = stack.len() - 1;
    let seq = match &stack[top] {
        Value::Tuple(t) if t.items.len() == n => {
            let seq = stack.pop().expect("stack underflow");
            let Value::Tuple(t) = &seq else { unreachable!("matched above") };
            stack.extend(t.items.iter().rev().map(Value::fast_clone));
            seq
        }
        Value::List(l) if l.items.borrow().len() == n => {
            let seq = stack.pop().expect("stack underflow");
            let Value::List(l) = &seq else { unreachable!("matched above") };
            stack.extend(l.items.borrow().iter().rev().map(Value::fast_clone));
            seq
        }
        _ => return false,
    };
    fast_drop(seq);
    true
}

/// `item in container` for a str, dict, set or list/tuple when no script code can take part
/// (the item hashes natively and the table needs no script `__eq__`; list items compare as
/// ints or strings or by identity). None when the general protocol must decide.
pub(super) fn contains(container: &Value, item: &Value) -> Option<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Some(s.s.contains(&*sub.s)),
            _ => None,
        },
        Value::Dict(d) => {
            let hash = hash_value(item).ok()?;
            d.get_hashed(hash, item).ok().map(|v| v.is_some())
        }
        Value::Set(s) => {
            let hash = hash_value(item).ok()?;
            s.contains(&HashKey { hash, value: item.clone() }).ok()
        }
        Value::List(l) => items_contain(&l.items.borrow(), item),
        Value::Tuple(t) => items_contain(&t.items, item),
        _ => None,
    }
}

/// Whether `items` holds `item`, when every comparison is decided without script code.
fn items_contain(items: &[Value], item: &Value) -> Option<bool> {
    for x in items {
        let same = x.is(item)
            || match (x, item) {
                (Value::Int(a), Value::Int(b)) => a == b,
                (Value::Str(a), Value::Str(b)) => a.s == b.s,
                (Value::Int(_) | Value::Str(_), Value::Int(_) | Value::Str(_)) => false,
                _ => return None,
            };
        if same {
            return Some(true);
        }
    }
    Some(false)
}
