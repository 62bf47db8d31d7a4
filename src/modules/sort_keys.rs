//! Sort keys that order natively: numbers, strings, and tuples of them (the keys
//! `itemgetter` and `lambda r: (r.a, r.b)` make). When every pair of keys is comparable
//! without script code, the sort needs no `<` calls and runs as a plain Rust sort.

use crate::value::Value;
use crate::vm::ops::num_compare;
use std::cmp::Ordering;

/// Whether any two of `keys` compare with a total order and no script code: all numbers
/// (no NaN), all strings, or all tuples whose items at each position satisfy this in turn.
pub fn natively_ordered(keys: &[Value]) -> bool {
    ordered(&keys.iter().collect::<Vec<_>>())
}

fn ordered(keys: &[&Value]) -> bool {
    let number = |k: &Value| matches!(k, Value::Int(_) | Value::Bool(_)) || matches!(k, Value::Float(f) if !f.is_nan());
    match keys.first() {
        None => true,
        Some(Value::Int(_) | Value::Bool(_) | Value::Float(_)) => keys.iter().all(|k| number(k)),
        Some(Value::Str(_)) => keys.iter().all(|k| matches!(k, Value::Str(_))),
        Some(Value::Tuple(_)) => {
            if !keys.iter().all(|k| matches!(k, Value::Tuple(_))) {
                return false;
            }
            let width = keys.iter().map(|k| tuple_items(k).len()).max().unwrap_or(0);
            (0..width).all(|i| ordered(&keys.iter().filter_map(|k| tuple_items(k).get(i)).collect::<Vec<_>>()))
        }
        Some(_) => false,
    }
}

fn tuple_items(v: &Value) -> &[Value] {
    match v {
        Value::Tuple(t) => &t.items,
        _ => &[],
    }
}

/// The order of two keys that `natively_ordered` accepted together.
pub fn native_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.s.cmp(&y.s),
        (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.items.iter().zip(y.items.iter()) {
                match native_cmp(p, q) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            x.items.len().cmp(&y.items.len())
        }
        _ => num_compare(a, b).flatten().unwrap_or(Ordering::Equal),
    }
}

/// `a < b` without script code when both are numbers or strings.
pub fn less_now(a: &Value, b: &Value) -> Option<bool> {
    if let Some(Some(o)) = num_compare(a, b) {
        return Some(o == Ordering::Less);
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.s < y.s),
        _ => None,
    }
}
