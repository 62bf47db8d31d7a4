//! Operators on builtin values: arithmetic, truth, length, subscripting. Instances with
//! dunder methods go through the async protocols instead.

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::intern::{intern, sym, Symbol};
use crate::numeric;
use crate::object::dict::{hash_value, HashKey, PyDict};
use crate::object::instance::builtin_value;
use crate::object::Wrapper;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::protocol::{self, dunder, keys};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::{Complex, PyRange, Value};
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// Truth of builtin values; `None` when an instance's `__bool__`/`__len__` must decide.
pub fn truthy(v: &Value) -> Option<bool> {
    Some(match v {
        Value::None | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Complex(z) => z.re != 0.0 || z.im != 0.0,
        Value::BigInt(b) => !b.is_zero(),
        Value::Str(s) => !s.s.is_empty(),
        Value::Bytes(b) => !b.data.borrow().is_empty(),
        Value::List(l) => !l.items.borrow().is_empty(),
        Value::Tuple(t) => !t.items.is_empty(),
        Value::Dict(d) => !d.is_empty(),
        Value::Set(s) => !s.is_empty(),
        Value::Range(r) => !r.is_empty(),
        Value::Instance(i) => {
            if dunder(&i.class, sym::BOOL).is_some() || dunder(&i.class, sym::LEN).is_some() {
                return None;
            }
            match &i.payload {
                crate::object::instance::Payload::Value(carried) => return truthy(carried),
                _ => true,
            }
        }
        Value::Wrapper(w) => match &**w {
            Wrapper::DictView { dict, .. } => !dict.is_empty(),
            _ => true,
        },
        _ => true,
    })
}

/// `len()` of builtin containers.
pub fn len_builtin(v: &Value) -> Option<usize> {
    Some(match v {
        Value::Str(s) => s.chars,
        Value::Bytes(b) => b.data.borrow().len(),
        Value::List(l) => l.items.borrow().len(),
        Value::Tuple(t) => t.items.len(),
        Value::Dict(d) => d.len(),
        Value::Set(s) => s.len(),
        Value::Range(r) => r.len() as usize,
        Value::Wrapper(w) => match &**w {
            Wrapper::DictView { dict, .. } => dict.len(),
            _ => return None,
        },
        _ => return None,
    })
}

/// Equality decided without script code and without recursion; `None` otherwise.
pub fn eq_simple(a: &Value, b: &Value) -> Option<bool> {
    if let Some(r) = num_compare(a, b) {
        return Some(r == Some(Ordering::Equal));
    }
    if let Some((x, y)) = complex_pair(a, b) {
        return Some(x == y);
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.s == y.s),
        (Value::Bytes(x), Value::Bytes(y)) => Some(*x.data.borrow() == *y.data.borrow()),
        (Value::None, _) | (_, Value::None) => Some(a.is(b)),
        (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) | (Value::Dict(_), Value::Dict(_)) => {
            None
        }
        (Value::Set(_), Value::Set(_)) | (Value::Slice(_), Value::Slice(_)) => None,
        (Value::Instance(_), _) | (_, Value::Instance(_)) => None,
        (Value::BoundMethod(x), Value::BoundMethod(y)) => Some(x.same_as(y)),
        _ => Some(a.is(b)),
    }
}

/// Ordering of two numbers (`Some(None)` for NaN); `None` if either is not a number.
pub fn num_compare(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Float(x), Float(y)) => x.partial_cmp(y),
        (Int(x), Float(y)) => int_float_cmp(&num_bigint::BigInt::from(*x), *y),
        (Float(x), Int(y)) => int_float_cmp(&num_bigint::BigInt::from(*y), *x).map(Ordering::reverse),
        (Bool(x), _) => return num_compare(&Int(*x as i64), b),
        (_, Bool(y)) => return num_compare(a, &Int(*y as i64)),
        (BigInt(x), Float(y)) => int_float_cmp(x, *y),
        (Float(x), BigInt(y)) => int_float_cmp(y, *x).map(Ordering::reverse),
        (BigInt(_), Int(_)) | (Int(_), BigInt(_)) | (BigInt(_), BigInt(_)) => {
            Some(protocol::to_bigint(a)?.cmp(&protocol::to_bigint(b)?))
        }
        _ => return Option::None,
    })
}

/// Exact comparison of an integer with a float.
fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let fl = f.floor();
    let fi = numeric::f64_to_bigint(fl).unwrap_or_default();
    match i.cmp(&fi) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::BigInt(b) => numeric::bigint_to_f64(b),
        _ => None,
    }
}

/// A number as a complex: what arithmetic with a complex operand converts it to.
fn as_complex(v: &Value) -> Option<Complex> {
    match v {
        Value::Complex(z) => Some(**z),
        _ => as_f64(v).map(|re| Complex::new(re, 0.0)),
    }
}

/// Both operands as complex numbers, when one is complex and the other a number.
fn complex_pair(a: &Value, b: &Value) -> Option<(Complex, Complex)> {
    if !matches!(a, Value::Complex(_)) && !matches!(b, Value::Complex(_)) {
        return None;
    }
    Some((as_complex(a)?, as_complex(b)?))
}

fn complex_op(op: BinOp, x: Complex, y: Complex) -> Option<PyResult> {
    let r = match op {
        BinOp::Add => Ok(x + y),
        BinOp::Sub => Ok(x - y),
        BinOp::Mul => Ok(x * y),
        BinOp::Div => x.checked_div(y),
        BinOp::Pow => x.pow(y),
        _ => return None,
    };
    Some(r.map(|z| Value::complex(z.re, z.im)).map_err(|e| {
        let (class, msg) = e.exception();
        ex::raise_named(class, msg)
    }))
}

fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_))
}

pub fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::MatMul => "@",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "** or pow()",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::BitAnd => "&",
    }
}

/// The `__op__`, `__rop__` and `__iop__` names of an operator, interned once.
fn dunder_names(op: BinOp) -> (Symbol, Symbol, Symbol) {
    thread_local! {
        static NAMES: [std::cell::Cell<Option<(Symbol, Symbol, Symbol)>>; 13] = Default::default();
    }
    NAMES.with(|names| {
        let slot = &names[op as usize];
        slot.get().unwrap_or_else(|| {
            let found = interned_dunder_names(op);
            slot.set(Some(found));
            found
        })
    })
}

fn interned_dunder_names(op: BinOp) -> (Symbol, Symbol, Symbol) {
    let base = match op {
        BinOp::Add => "add",
        BinOp::Sub => "sub",
        BinOp::Mul => "mul",
        BinOp::MatMul => "matmul",
        BinOp::Div => "truediv",
        BinOp::FloorDiv => "floordiv",
        BinOp::Mod => "mod",
        BinOp::Pow => "pow",
        BinOp::LShift => "lshift",
        BinOp::RShift => "rshift",
        BinOp::BitOr => "or",
        BinOp::BitXor => "xor",
        BinOp::BitAnd => "and",
    };
    (intern(&format!("__{}__", base)), intern(&format!("__r{}__", base)), intern(&format!("__i{}__", base)))
}

fn unsupported(op: BinOp, a: &Value, b: &Value) -> Flow {
    type_error(format!("unsupported operand type(s) for {}: '{}' and '{}'", op_symbol(op), type_name(a), type_name(b)))
}

/// `a op b`.
pub fn binary(op: BinOp, a: &Value, b: &Value) -> PyResult {
    if (protocol::has_script_type(a) || protocol::has_script_type(b))
        && !matches!((op, a), (BinOp::Mod, Value::Str(_) | Value::Bytes(_)))
    {
        if let Some(r) = native_binary(op, a, b) {
            return r;
        }
        return binary_dunder(op, a.clone(), b.clone(), false);
    }
    binary_builtin(op, a, b)
}

/// `a op b` when the operands' methods for it are natives (runtime types such as
/// `datetime`): called on the spot, without the continuation script methods need. None
/// when a script method is among them or neither native answered; the general path then
/// decides (and reports the error).
fn native_binary(op: BinOp, a: &Value, b: &Value) -> Option<PyResult> {
    let (name, rname, _) = dunder_names(op);
    for (v, name, args) in [(a, name, [a, b]), (b, rname, [b, a])] {
        match protocol::instance_dunder(v, name) {
            Some(Value::Native(f)) => {
                let pos = [args[0].clone(), args[1].clone()];
                match (f.func)(&crate::object::function::Args { pos: &pos, kw: &[] }) {
                    Ok(Value::NotImplemented) => {}
                    r => return Some(r),
                }
            }
            Some(_) => return None,
            None => {}
        }
    }
    None
}

/// `a op= b`: lists, sets and dicts update in place; everything else is `a op b`.
pub fn inplace(op: BinOp, a: &Value, b: &Value) -> PyResult {
    match (op, a) {
        (BinOp::Add, Value::List(l)) => {
            if let Value::List(other) = b {
                let items = other.items.borrow().clone();
                l.items.borrow_mut().extend(items);
                return Ok(a.clone());
            }
            let (a2, b2) = (a.clone(), b.clone());
            return run_async(|ctx| async move {
                // A list has no `__add__` slot of its own, so the other side's `__radd__`
                // comes before extending, as in CPython.
                if let Some(radd) = protocol::instance_dunder(&b2, dunder_names(BinOp::Add).1) {
                    let r = ctx.call(radd, vec![b2.clone(), a2.clone()]).await?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(r);
                    }
                }
                let items = protocol::iterate(&ctx, &b2).await?;
                if let Value::List(l) = &a2 {
                    l.items.borrow_mut().extend(items);
                }
                Ok(a2)
            });
        }
        (BinOp::Add, Value::Bytes(ba)) if ba.mutable => {
            return crate::runtime::protocol::bytes::extend_in_place(ba, b).map(|_| a.clone());
        }
        // A number's `__rmul__` comes before the sequence's repeat.
        (BinOp::Mul, _) if mutable_sequence(a) && protocol::has_script_type(b) => {
            return binary_dunder(op, a.clone(), b.clone(), true)
        }
        (BinOp::Mul, _) if mutable_sequence(a) => return repeat(a, b, true),
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(s)) if !s.frozen => {
            if let Value::Set(other) = builtin_value(b) {
                let (s, other, a) = (s.clone(), other.clone(), a.clone());
                return keys::settled(move || s.inplace(set_op(op), &other).map(|_| Ok(a.clone())));
            }
        }
        (BinOp::BitOr, Value::Dict(d)) => {
            if let Value::Dict(other) = builtin_value(b) {
                return keys::dict_extend(d, pairs_of(other), a.clone());
            }
        }
        (_, Value::Instance(_)) => return binary_dunder(op, a.clone(), b.clone(), true),
        _ => {}
    }
    binary(op, a, b)
}

/// Dispatches to `__op__`, `__rop__` (and `__iop__` for augmented assignment).
fn binary_dunder(op: BinOp, a: Value, b: Value, inplace: bool) -> PyResult {
    run_async(move |ctx| async move {
        let (name, rname, iname) = dunder_names(op);
        let lookup = protocol::instance_dunder;
        if inplace {
            if let Some(m) = lookup(&a, iname) {
                let r = ctx.call(m, vec![a.clone(), b.clone()]).await?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
        }
        if let Some(m) = lookup(&a, name) {
            let r = ctx.call(m, vec![a.clone(), b.clone()]).await?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(r);
            }
        }
        if let Some(m) = lookup(&b, rname) {
            let r = ctx.call(m, vec![b.clone(), a.clone()]).await?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(r);
            }
        }
        if !matches!(a, Value::Instance(_)) && !matches!(b, Value::Instance(_)) {
            return binary_builtin(op, &a, &b);
        }
        // Instances of list, dict and set subclasses work as their values.
        if let Some((x, y)) = carried_values(&a, &b) {
            if inplace {
                let r = ctx.resolve(self::inplace(op, x, y)).await?;
                return Ok(if r.is(x) { a.clone() } else { r });
            }
            return ctx.resolve(binary_builtin(op, x, y)).await;
        }
        // A sequence (or an instance carrying one) repeated by an object, which needs
        // `__index__`.
        let sequence = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_));
        let (x, y) = (builtin_value(&a), builtin_value(&b));
        let repeated = match op {
            BinOp::Mul if sequence(x) => repeat(x, &b, inplace && mutable_sequence(x)),
            BinOp::Mul if sequence(y) => repeat(y, &a, false),
            _ => return Err(unsupported(op, &a, &b)),
        };
        let r = ctx.resolve(repeated).await?;
        Ok(if r.is(x) { a.clone() } else { r })
    })
}

/// Whether `v` is a list or bytearray, which `*=` repeats in place.
fn mutable_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) => true,
        Value::Bytes(b) => b.mutable,
        _ => false,
    }
}

/// A dict's items as keys and values, in order.
fn pairs_of(d: &crate::object::dict::PyDict) -> Vec<(HashKey, Value)> {
    d.map.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The builtin values two operands stand for, when one of them is an instance carrying
/// one (see `builtin_value`) and neither is any other instance.
pub fn carried_values<'a>(a: &'a Value, b: &'a Value) -> Option<(&'a Value, &'a Value)> {
    let (x, y) = (builtin_value(a), builtin_value(b));
    let carried = !std::ptr::eq(x, a) || !std::ptr::eq(y, b);
    (carried && !matches!(x, Value::Instance(_)) && !matches!(y, Value::Instance(_))).then_some((x, y))
}

fn set_op(op: BinOp) -> crate::object::set::SetOp {
    use crate::object::set::SetOp;
    match op {
        BinOp::BitOr => SetOp::Or,
        BinOp::BitAnd => SetOp::And,
        BinOp::Sub => SetOp::Sub,
        _ => SetOp::Xor,
    }
}

fn binary_builtin(op: BinOp, a: &Value, b: &Value) -> PyResult {
    use Value::*;
    match (a, b) {
        (Int(x), Int(y)) => return int_op(op, *x, *y),
        // Bitwise operators keep two bools a bool.
        (Bool(x), Bool(y)) if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) => {
            return Ok(Bool(match op {
                BinOp::BitAnd => x & y,
                BinOp::BitOr => x | y,
                _ => x ^ y,
            }))
        }
        (Float(_), _) | (_, Float(_)) if is_number(a) && is_number(b) => {
            let (x, y) = (as_f64(a), as_f64(b));
            match (x, y) {
                (Some(x), Some(y)) => return float_op(op, x, y),
                _ => return Err(ex::overflow_error("int too large to convert to float")),
            }
        }
        _ if is_int(a) && is_int(b) => {
            let (x, y) = (protocol::to_bigint(a).expect("int"), protocol::to_bigint(b).expect("int"));
            return bigint_op(op, &x, &y);
        }
        (Complex(_), _) | (_, Complex(_)) => {
            if let Some(r) = complex_pair(a, b).and_then(|(x, y)| complex_op(op, x, y)) {
                return r;
            }
        }
        _ => {}
    }
    match op {
        BinOp::Add => match (a, b) {
            (Str(x), Str(y)) => Ok(Value::Str(Rc::new(x.concat(y)))),
            (List(x), List(y)) => {
                let mut v = x.items.borrow().clone();
                v.extend(y.items.borrow().iter().cloned());
                Ok(Value::list(v))
            }
            (Tuple(x), Tuple(y)) => Ok(Value::tuple(x.items.iter().chain(y.items.iter()).cloned().collect())),
            (Bytes(x), _) => crate::runtime::protocol::bytes::concat(x, b),
            (Str(_), _) => Err(type_error(format!("can only concatenate str (not \"{}\") to str", type_name(b)))),
            (List(_), _) => Err(type_error(format!("can only concatenate list (not \"{}\") to list", type_name(b)))),
            (Tuple(_), _) => Err(type_error(format!("can only concatenate tuple (not \"{}\") to tuple", type_name(b)))),
            _ => Err(unsupported(op, a, b)),
        },
        BinOp::Mul => match (a, b) {
            (Str(_) | List(_) | Tuple(_) | Bytes(_), _) => repeat(a, b, false),
            (_, Str(_) | List(_) | Tuple(_) | Bytes(_)) => repeat(b, a, false),
            _ => Err(unsupported(op, a, b)),
        },
        BinOp::Mod => match a {
            Str(s) => crate::runtime::protocol::percent::percent_format(&s.s, b.clone()),
            Bytes(x) => crate::runtime::protocol::bytes::percent_format(x, b.clone()),
            _ => Err(unsupported(op, a, b)),
        },
        BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor => match (a, b) {
            (Set(x), Set(y)) => {
                let (x, y) = (x.clone(), y.clone());
                keys::settled(move || Ok(Ok(Value::Set(Rc::new(x.binary(set_op(op), &y)?)))))
            }
            (Dict(x), Dict(y)) if op == BinOp::BitOr => {
                let d = Rc::new(crate::object::dict::PyDict { map: std::cell::RefCell::new(x.map.borrow().clone()) });
                keys::dict_extend(&d, pairs_of(y), Value::Dict(d.clone()))
            }
            (Class(_), _) | (_, Class(_)) if op == BinOp::BitOr => {
                crate::runtime::generic_alias::type_or(a, b).unwrap_or_else(|| Err(unsupported(op, a, b)))
            }
            _ if is_set_like_view(a) || is_set_like_view(b) => view_set_op(op, a, b),
            _ => Err(unsupported(op, a, b)),
        },
        _ => Err(unsupported(op, a, b)),
    }
}

/// Whether `v` is a `dict_keys` or `dict_items` view, which take part in set operators.
fn is_set_like_view(v: &Value) -> bool {
    matches!(v, Value::Wrapper(w) if matches!(&**w, Wrapper::DictView { kind, .. } if *kind != crate::object::DictViewKind::Values))
}

/// `view OP other` (or `other OP view`): a set of the left operand, updated in place by the
/// right one with the matching set method, as CPython's dict views do.
fn view_set_op(op: BinOp, a: &Value, b: &Value) -> PyResult {
    let (a, b) = (a.clone(), b.clone());
    run_async(move |ctx| async move {
        let set = ctx.call(Value::Class(crate::runtime::types().set.clone()), vec![a]).await?;
        let update = match op {
            BinOp::BitOr => "update",
            BinOp::BitAnd => "intersection_update",
            BinOp::Sub => "difference_update",
            _ => "symmetric_difference_update",
        };
        let method = crate::vm::get_attr(&set, intern(update))?;
        ctx.call(method, vec![b]).await?;
        Ok(set)
    })
}

/// `seq * n`, with `n` an int or an object with `__index__`; with `in_place` (`seq *= n` of
/// a list or bytearray) `seq` itself is changed and returned, as CPython's
/// `sq_inplace_repeat`.
fn repeat(seq: &Value, n: &Value, in_place: bool) -> PyResult {
    if crate::runtime::args::has_script_index(n) {
        let (seq, n) = (seq.clone(), n.clone());
        return run_async(move |ctx| async move {
            let index = crate::runtime::args::index_value(&ctx, n.clone()).await?;
            repeat_by(&seq, repeat_count(&index, &n)?, in_place)
        });
    }
    repeat_by(seq, repeat_count(builtin_value(n), n)?, in_place)
}

/// How many times an int `n` repeats a sequence (none when negative); `shown` is the
/// operand as written, which CPython's errors name.
fn repeat_count(n: &Value, shown: &Value) -> PyResult<usize> {
    match n {
        Value::Int(i) => Ok((*i).max(0) as usize),
        Value::Bool(b) => Ok(*b as usize),
        Value::BigInt(_) => {
            Err(ex::overflow_error(format!("cannot fit '{}' into an index-sized integer", type_name(shown))))
        }
        _ => Err(type_error(format!("can't multiply sequence by non-int of type '{}'", type_name(shown)))),
    }
}

fn repeat_by(seq: &Value, count: usize, in_place: bool) -> PyResult {
    use crate::runtime::alloc::{repeat_slice, repeat_str};
    if in_place {
        match seq {
            Value::List(l) => {
                let items = repeat_slice(&l.items.borrow(), count)?;
                *l.items.borrow_mut() = items;
            }
            Value::Bytes(b) => {
                let data = repeat_slice(&b.data.borrow(), count)?;
                *b.data.borrow_mut() = data;
            }
            _ => unreachable!("in-place repeat of an immutable sequence"),
        }
        return Ok(seq.clone());
    }
    Ok(match seq {
        Value::Str(s) => {
            if s.s.len().checked_mul(count).is_none_or(|n| n > isize::MAX as usize) {
                return Err(ex::overflow_error("repeated string is too long"));
            }
            let text = repeat_str(&s.s, count)?;
            Value::Str(Rc::new(crate::value::PyStr::with_chars(text.into(), s.chars * count)))
        }
        Value::Bytes(b) => {
            let data = repeat_slice(&b.data.borrow(), count)?;
            Value::Bytes(Rc::new(crate::value::PyBytes::new(data, b.mutable)))
        }
        Value::List(l) => Value::list(repeat_slice(&l.items.borrow(), count)?),
        Value::Tuple(t) => Value::tuple(repeat_slice(&t.items, count)?),
        _ => unreachable!("repeat of a non-sequence"),
    })
}

/// `x op y` for small integers when the result is a small integer computed without
/// overflow or error; `None` sends the operation down the general path.
#[inline]
pub fn int_fast(op: BinOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Mod if y != 0 => Some(numeric::mod_i64(x, y)),
        BinOp::FloorDiv if y != 0 => numeric::floor_div_i64(x, y),
        BinOp::BitAnd => Some(x & y),
        BinOp::BitOr => Some(x | y),
        BinOp::BitXor => Some(x ^ y),
        _ => None,
    }
}

/// `x cmp y` for integers, for the comparisons that are plain orderings.
#[inline]
pub fn int_compare(op: CmpOp, x: i64, y: i64) -> Option<bool> {
    match op {
        CmpOp::Lt => Some(x < y),
        CmpOp::LtE => Some(x <= y),
        CmpOp::Gt => Some(x > y),
        CmpOp::GtE => Some(x >= y),
        CmpOp::Eq => Some(x == y),
        CmpOp::NotEq => Some(x != y),
        _ => None,
    }
}

fn int_op(op: BinOp, x: i64, y: i64) -> PyResult {
    let big = || bigint_op(op, &BigInt::from(x), &BigInt::from(y));
    Ok(match op {
        BinOp::Add => x.checked_add(y).map(Value::Int).map_or_else(big, Ok)?,
        BinOp::Sub => x.checked_sub(y).map(Value::Int).map_or_else(big, Ok)?,
        BinOp::Mul => x.checked_mul(y).map(Value::Int).map_or_else(big, Ok)?,
        BinOp::Div => {
            if y == 0 {
                return Err(ex::zero_division("division by zero"));
            }
            if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                Value::Float(x as f64 / y as f64)
            } else {
                return big();
            }
        }
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(ex::zero_division("integer division or modulo by zero"));
            }
            numeric::floor_div_i64(x, y).map(Value::Int).map_or_else(big, Ok)?
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(ex::zero_division("integer modulo by zero"));
            }
            Value::Int(numeric::mod_i64(x, y))
        }
        BinOp::Pow => return big(),
        BinOp::LShift => {
            if y < 0 {
                return Err(ex::value_error("negative shift count"));
            }
            if y < 63 && (x.unsigned_abs() >> (63 - y)) == 0 {
                Value::Int(x << y)
            } else {
                return big();
            }
        }
        BinOp::RShift => {
            if y < 0 {
                return Err(ex::value_error("negative shift count"));
            }
            Value::Int(x >> y.min(63))
        }
        BinOp::BitAnd => Value::Int(x & y),
        BinOp::BitOr => Value::Int(x | y),
        BinOp::BitXor => Value::Int(x ^ y),
        BinOp::MatMul => return Err(unsupported(op, &Value::Int(x), &Value::Int(y))),
    })
}

fn bigint_op(op: BinOp, x: &BigInt, y: &BigInt) -> PyResult {
    use num_integer::Integer;
    Ok(match op {
        BinOp::Add => Value::from_bigint(x + y),
        BinOp::Sub => Value::from_bigint(x - y),
        BinOp::Mul => Value::from_bigint(numeric::bigwork::mul(x, y, &mut crate::limits::charge_chunk)?),
        BinOp::Div => {
            if y.is_zero() {
                return Err(ex::zero_division("division by zero"));
            }
            match numeric::true_div_bigint(x, y) {
                Some(f) => Value::Float(f),
                None => return Err(ex::overflow_error("integer division result too large for a float")),
            }
        }
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Err(ex::zero_division("integer division or modulo by zero"));
            }
            Value::from_bigint(x.div_floor(y))
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Err(ex::zero_division("integer modulo by zero"));
            }
            Value::from_bigint(x.mod_floor(y))
        }
        BinOp::Pow => {
            if y.is_negative() {
                let (fx, fy) = (numeric::bigint_to_f64(x), numeric::bigint_to_f64(y));
                return match (fx, fy) {
                    (Some(a), Some(b)) => float_op(BinOp::Pow, a, b),
                    _ => Err(ex::overflow_error("int too large to convert to float")),
                };
            }
            match y.to_u32() {
                Some(e) if x.bits() as u128 * e as u128 <= 64_000_000 => {
                    Value::from_bigint(numeric::bigwork::pow(x, e, &mut crate::limits::charge_chunk)?)
                }
                _ if x.abs() <= BigInt::from(1) => {
                    Value::from_bigint(if x.is_negative() && y.is_odd() { x.clone() } else { x.abs() })
                }
                _ => return Err(ex::overflow_error("exponent too large")),
            }
        }
        BinOp::LShift => {
            if y.is_negative() {
                return Err(ex::value_error("negative shift count"));
            }
            match y.to_usize() {
                Some(s) if s <= 64_000_000 => Value::from_bigint(x << s),
                _ => return Err(ex::overflow_error("too many digits in integer")),
            }
        }
        BinOp::RShift => {
            if y.is_negative() {
                return Err(ex::value_error("negative shift count"));
            }
            let s = y.to_usize().unwrap_or(usize::MAX).min(1 << 40);
            Value::from_bigint(x >> s)
        }
        BinOp::BitAnd => Value::from_bigint(x & y),
        BinOp::BitOr => Value::from_bigint(x | y),
        BinOp::BitXor => Value::from_bigint(x ^ y),
        BinOp::MatMul => return Err(unsupported(op, &Value::from_bigint(x.clone()), &Value::from_bigint(y.clone()))),
    })
}

fn float_op(op: BinOp, x: f64, y: f64) -> PyResult {
    Ok(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(ex::zero_division("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(ex::zero_division("float floor division by zero"));
            }
            numeric::floor_div_f64(x, y)
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(ex::zero_division("float modulo"));
            }
            numeric::mod_f64(x, y)
        }
        BinOp::Pow => match numeric::pow_f64(x, y) {
            Ok(v) => v,
            Err(e @ numeric::PowError::ZeroToNegative) => return Err(ex::zero_division(e.message())),
            Err(e @ numeric::PowError::Overflow) => return Err(ex::overflow_error(e.message())),
            // A negative number to a fractional power is complex, as in CPython.
            Err(numeric::PowError::Complex) => {
                return complex_op(op, Complex::new(x, 0.0), Complex::new(y, 0.0)).expect("** is a complex operation")
            }
        },
        _ => return Err(unsupported(op, &Value::Float(x), &Value::Float(y))),
    }))
}

/// `-a`, `+a`, `~a` (`not` is handled by the VM through truth).
pub fn unary(op: UnaryOp, a: &Value) -> PyResult {
    let name = match op {
        UnaryOp::Neg => sym::NEG,
        UnaryOp::Pos => sym::POS,
        UnaryOp::Invert => sym::INVERT,
        UnaryOp::Not => return Ok(Value::Bool(!truthy(a).unwrap_or(true))),
    };
    match (op, a) {
        (UnaryOp::Neg, Value::Int(i)) => {
            Ok(i.checked_neg().map(Value::Int).unwrap_or_else(|| Value::from_bigint(-BigInt::from(*i))))
        }
        (UnaryOp::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
        (UnaryOp::Neg, Value::BigInt(b)) => Ok(Value::from_bigint(-(**b).clone())),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Neg, Value::Complex(z)) => Ok(Value::complex(-z.re, -z.im)),
        (UnaryOp::Pos, Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Complex(_)) => Ok(a.clone()),
        (UnaryOp::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
        (UnaryOp::Invert, Value::BigInt(b)) => Ok(Value::from_bigint(-(**b).clone() - 1)),
        (_, Value::Instance(_) | Value::Class(_)) => match protocol::instance_dunder(a, name) {
            Some(m) => {
                let a = a.clone();
                run_async(|ctx| async move { ctx.call(m, vec![a]).await })
            }
            None if !std::ptr::eq(builtin_value(a), a) => unary(op, builtin_value(a)),
            None => Err(bad_unary(op, a)),
        },
        _ => Err(bad_unary(op, a)),
    }
}

fn bad_unary(op: UnaryOp, a: &Value) -> Flow {
    let s = match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        _ => "~",
    };
    type_error(format!("bad operand type for unary {}: '{}'", s, type_name(a)))
}

/// `a op b` for comparisons, with fast paths for numbers and strings.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> PyResult {
    if let Some(o) = num_compare(a, b) {
        return Ok(Value::Bool(match (op, o) {
            (CmpOp::Eq, o) => o == Some(Ordering::Equal),
            (CmpOp::NotEq, o) => o != Some(Ordering::Equal),
            (_, None) => false,
            (CmpOp::Lt, Some(o)) => o == Ordering::Less,
            (CmpOp::LtE, Some(o)) => o != Ordering::Greater,
            (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
            (CmpOp::GtE, Some(o)) => o != Ordering::Less,
            (_, Some(_)) => return compare_slow(op, a, b),
        }));
    }
    if let (Value::Str(x), Value::Str(y)) = (a, b) {
        let o = x.s.cmp(&y.s);
        let r = match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::LtE => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::GtE => o != Ordering::Less,
            _ => return compare_slow(op, a, b),
        };
        return Ok(Value::Bool(r));
    }
    compare_slow(op, a, b)
}

fn compare_slow(op: CmpOp, a: &Value, b: &Value) -> PyResult {
    if let Some(r) = native_compare(op, a, b) {
        return r;
    }
    let (a, b) = (a.clone(), b.clone());
    run_async(|ctx| async move { protocol::compare(&ctx, op, &a, &b).await })
}

/// A rich comparison whose left operand's method is a native (runtime types such as
/// `datetime`), called on the spot. None when the general path must decide: a script
/// method, a right operand of a subclass (whose reflected method goes first), or
/// NotImplemented.
fn native_compare(op: CmpOp, a: &Value, b: &Value) -> Option<PyResult> {
    let Value::Instance(x) = a else { return None };
    if let Value::Instance(y) = b {
        if !Rc::ptr_eq(&x.class, &y.class) && y.class.is_subclass(&x.class) {
            return None;
        }
    }
    let (name, _) = protocol::dunder_of(op)?;
    let Some(Value::Native(f)) = protocol::instance_dunder(a, name) else { return None };
    match (f.func)(&crate::object::function::Args { pos: &[a.clone(), b.clone()], kw: &[] }) {
        Ok(Value::NotImplemented) => None,
        r => Some(r),
    }
}

// ---- subscripting ----

/// Normalizes a possibly negative index into `0..len`, or `None` if out of range.
#[inline]
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    if i < 0 || i >= len as i64 {
        None
    } else {
        Some(i as usize)
    }
}

fn index_of(key: &Value, what: &str) -> PyResult<i64> {
    match key {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(ex::raise(ExcType::IndexError, "cannot fit 'int' into an index-sized integer")),
        Value::Instance(_) if matches!(builtin_value(key), Value::Int(_) | Value::BigInt(_)) => {
            index_of(builtin_value(key), what)
        }
        _ => Err(type_error(format!("{} indices must be integers or slices, not {}", what, type_name(key)))),
    }
}

/// The indices a slice selects from a sequence of `len` items.
pub fn slice_indices(s: &crate::value::PySlice, len: usize) -> PyResult<(i64, i64, i64)> {
    let get = |v: &Value| -> PyResult<Option<i64>> {
        match v {
            Value::None => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            Value::Bool(b) => Ok(Some(*b as i64)),
            Value::BigInt(b) => Ok(Some(if b.is_negative() { i64::MIN / 2 } else { i64::MAX / 2 })),
            _ => Err(type_error("slice indices must be integers or None or have an __index__ method")),
        }
    };
    let step = get(&s.step)?.unwrap_or(1);
    if step == 0 {
        return Err(ex::value_error("slice step cannot be zero"));
    }
    let len = len as i64;
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(v) if v < 0 => (v + len).max(lo),
        Some(v) => v.min(hi),
    };
    let (start, stop) = if step > 0 {
        (clamp(get(&s.start)?, 0, 0, len), clamp(get(&s.stop)?, len, 0, len))
    } else {
        (clamp(get(&s.start)?, len - 1, -1, len - 1), clamp(get(&s.stop)?, -1, -1, len - 1))
    };
    Ok((start, stop, step))
}

/// The positions a slice selects from `len` items.
pub fn slice_positions(s: &crate::value::PySlice, len: usize) -> PyResult<Vec<usize>> {
    let (start, stop, step) = slice_indices(s, len)?;
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

/// `obj[key]`.
/// `list[int]` with the index in range: the common subscript, done inline by the
/// interpreter loop. `None` for anything else (`get_item` then raises or handles it).
#[inline(always)]
pub fn list_item_fast(obj: &Value, key: &Value) -> Option<Value> {
    let (Value::List(l), Value::Int(i)) = (obj, key) else { return None };
    let items = l.items.borrow();
    norm_index(*i, items.len()).map(|i| items[i].fast_clone())
}

/// Whether subscripting the builtin sequence `obj` with `key` needs a script `__index__`
/// first: the key, or a bound of the slice it is, is an object that defines one.
fn needs_index_call(obj: &Value, key: &Value) -> bool {
    let script_index = crate::runtime::args::has_script_index;
    let sequence = matches!(obj, Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::Range(_));
    sequence
        && match key {
            Value::Instance(_) => script_index(key),
            Value::Slice(s) => script_index(&s.start) || script_index(&s.stop) || script_index(&s.step),
            _ => false,
        }
}

/// `key` with every object that defines `__index__` (itself, or its slice's bounds) replaced
/// by the int that method returns.
async fn index_key(ctx: &crate::vm::native::Ctx, key: Value) -> PyResult {
    use crate::runtime::args::index_value as one;
    match &key {
        Value::Slice(s) => {
            let (start, stop, step) = (s.start.clone(), s.stop.clone(), s.step.clone());
            let (start, stop, step) = (one(ctx, start).await?, one(ctx, stop).await?, one(ctx, step).await?);
            Ok(Value::Slice(Rc::new(crate::value::PySlice { start, stop, step })))
        }
        _ => one(ctx, key).await,
    }
}

pub fn get_item(obj: &Value, key: &Value) -> PyResult {
    if needs_index_call(obj, key) {
        let (obj, key) = (obj.clone(), key.clone());
        return run_async(|ctx| async move {
            let key = index_key(&ctx, key).await?;
            ctx.resolve(get_item(&obj, &key)).await
        });
    }
    match obj {
        Value::List(l) => {
            let items = l.items.borrow();
            match key {
                Value::Slice(s) => {
                    Ok(Value::list(slice_positions(s, items.len())?.into_iter().map(|i| items[i].clone()).collect()))
                }
                _ => {
                    let i = index_of(key, "list")?;
                    norm_index(i, items.len())
                        .map(|i| items[i].clone())
                        .ok_or_else(|| ex::index_error("list index out of range"))
                }
            }
        }
        Value::Tuple(t) => match key {
            Value::Slice(s) => {
                Ok(Value::tuple(slice_positions(s, t.items.len())?.into_iter().map(|i| t.items[i].clone()).collect()))
            }
            _ => {
                let i = index_of(key, "tuple")?;
                norm_index(i, t.items.len())
                    .map(|i| t.items[i].clone())
                    .ok_or_else(|| ex::index_error("tuple index out of range"))
            }
        },
        Value::Str(s) => match key {
            Value::Slice(sl) => str_slice(s, sl),
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                let i = index_of(key, "string")?;
                match norm_index(i, s.chars) {
                    Some(i) if s.is_ascii() => Ok(Value::str(&s.s[i..i + 1])),
                    Some(i) => Ok(Value::str(s.s.chars().nth(i).expect("index in range").to_string())),
                    None => Err(ex::index_error("string index out of range")),
                }
            }
            _ => Err(type_error(format!("string indices must be integers, not '{}'", type_name(key)))),
        },
        Value::Range(r) => match key {
            Value::Slice(sl) => {
                let (start, stop, step) = slice_indices(sl, r.len() as usize)?;
                Ok(Value::Range(Rc::new(PyRange { start: r.get(start), stop: r.get(stop), step: r.step * step })))
            }
            _ => {
                let i = index_of(key, "range")?;
                norm_index(i, r.len() as usize)
                    .map(|i| Value::Int(r.get(i as i64)))
                    .ok_or_else(|| ex::index_error("range object index out of range"))
            }
        },
        Value::Dict(d) => dict_item(d, key, obj),
        Value::Bytes(b) => crate::runtime::protocol::bytes::get_item(b, key),
        Value::Instance(inst) => match dunder(&inst.class, sym::GETITEM) {
            Some(m) => {
                let (obj, key) = (obj.clone(), key.clone());
                run_async(|ctx| async move { ctx.call(m, vec![obj, key]).await })
            }
            None if !std::ptr::eq(builtin_value(obj), obj) => get_item(builtin_value(obj), key),
            None => Err(type_error(format!("'{}' object is not subscriptable", type_name(obj)))),
        },
        Value::Class(c) => {
            if let Some(m) = protocol::instance_dunder(obj, sym::GETITEM) {
                let (obj, key) = (obj.clone(), key.clone());
                return run_async(|ctx| async move { ctx.call(m, vec![obj, key]).await });
            }
            if c.lookup(intern("__class_getitem__")).is_some() {
                let m = crate::vm::get_attr(obj, intern("__class_getitem__"))?;
                let key = key.clone();
                return run_async(|ctx| async move { ctx.call(m, vec![key]).await });
            }
            if c.full_mro().iter().any(crate::runtime::generic_alias::is_generic_class) {
                return Ok(crate::runtime::generic_alias::generic_alias(obj.clone(), key));
            }
            Err(type_error(format!("type '{}' is not subscriptable", c.name)))
        }
        _ => Err(type_error(format!("'{}' object is not subscriptable", type_name(obj)))),
    }
}

/// `d[key]`, where `d` is the dict `owner` is or carries: a key it lacks is KeyError, or
/// what the `__missing__` method of `owner`'s class (a dict subclass) returns.
pub fn dict_item(d: &Rc<PyDict>, key: &Value, owner: &Value) -> PyResult {
    if let Ok(hash) = hash_value(key) {
        match d.get_hashed(hash, key) {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => return dict_missing(owner, key.clone()),
            Err(_) => {}
        }
    }
    let (d, key, owner) = (d.clone(), key.clone(), owner.clone());
    run_async(|ctx| async move {
        let k = protocol::hash_key(&ctx, key).await?;
        match keys::settle(&ctx, || d.get(&k)).await? {
            Some(v) => Ok(v),
            None => ctx.resolve(dict_missing(&owner, k.value)).await,
        }
    })
}

fn dict_missing(owner: &Value, key: Value) -> PyResult {
    let missing = match owner {
        Value::Instance(inst) => inst.class.lookup(sym::MISSING),
        _ => None,
    };
    match missing {
        Some(m) => {
            let owner = owner.clone();
            run_async(|ctx| async move { ctx.call(m, vec![owner, key]).await })
        }
        None => Err(ex::key_error(key)),
    }
}

/// `items[s] = new` for a list or bytearray: a step-1 slice is replaced by `new` whatever its
/// length; an extended slice must match it (`what` names the right side in the error).
pub fn assign_slice<T>(items: &mut Vec<T>, s: &crate::value::PySlice, new: Vec<T>, what: &str) -> PyResult<()> {
    let (start, stop, step) = slice_indices(s, items.len())?;
    if step == 1 {
        let stop = stop.max(start);
        items.splice(start as usize..stop as usize, new);
        return Ok(());
    }
    let pos = slice_positions(s, items.len())?;
    if pos.len() != new.len() {
        return Err(ex::value_error(format!(
            "attempt to assign {} of size {} to extended slice of size {}",
            what,
            new.len(),
            pos.len()
        )));
    }
    for (p, x) in pos.into_iter().zip(new) {
        items[p] = x;
    }
    Ok(())
}

/// `obj[key] = v`.
pub fn set_item(obj: &Value, key: Value, v: Value) -> PyResult<()> {
    if needs_index_call(obj, &key) {
        let obj = obj.clone();
        return run_async(|ctx| async move {
            let key = index_key(&ctx, key).await?;
            ctx.resolve(set_item(&obj, key, v).map(|_| Value::None)).await
        })
        .map(|_| ());
    }
    match obj {
        Value::List(l) => match &key {
            Value::Slice(s) => {
                let (l, s, v) = (l.clone(), s.clone(), v.clone());
                run_async(|ctx| async move {
                    let new = protocol::iterate(&ctx, &v).await?;
                    assign_slice(&mut l.items.borrow_mut(), &s, new, "sequence")?;
                    Ok(Value::None)
                })
                .map(|_| ())
            }
            _ => {
                let i = index_of(&key, "list")?;
                let mut items = l.items.borrow_mut();
                let n = items.len();
                match norm_index(i, n) {
                    Some(i) => {
                        items[i] = v;
                        Ok(())
                    }
                    None => Err(ex::index_error("list assignment index out of range")),
                }
            }
        },
        Value::Bytes(b) if b.mutable => crate::runtime::protocol::bytes::set_item(b, &key, v),
        Value::Dict(d) => {
            let d = d.clone();
            keys::keyed(key, move |k| {
                d.insert(k, &v)?;
                Ok(Ok(Value::None))
            })
            .map(|_| ())
        }
        Value::Instance(inst) => match dunder(&inst.class, sym::SETITEM) {
            Some(m) => {
                let obj = obj.clone();
                run_async(|ctx| async move { ctx.call(m, vec![obj, key, v]).await }).map(|_| ())
            }
            None => Err(type_error(format!("'{}' object does not support item assignment", type_name(obj)))),
        },
        _ => Err(type_error(format!("'{}' object does not support item assignment", type_name(obj)))),
    }
}

/// `del obj[key]`.
pub fn del_item(obj: &Value, key: &Value) -> PyResult<()> {
    if needs_index_call(obj, key) {
        let (obj, key) = (obj.clone(), key.clone());
        return run_async(|ctx| async move {
            let key = index_key(&ctx, key).await?;
            ctx.resolve(del_item(&obj, &key).map(|_| Value::None)).await
        })
        .map(|_| ());
    }
    match obj {
        Value::List(l) => match key {
            Value::Slice(s) => {
                let mut items = l.items.borrow_mut();
                let mut pos = slice_positions(s, items.len())?;
                pos.sort_unstable();
                for p in pos.into_iter().rev() {
                    items.remove(p);
                }
                Ok(())
            }
            _ => {
                let i = index_of(key, "list")?;
                let mut items = l.items.borrow_mut();
                let n = items.len();
                match norm_index(i, n) {
                    Some(i) => {
                        items.remove(i);
                        Ok(())
                    }
                    None => Err(ex::index_error("list assignment index out of range")),
                }
            }
        },
        Value::Bytes(b) if b.mutable => crate::runtime::protocol::bytes::del_item(b, key),
        Value::Dict(d) => {
            let d = d.clone();
            keys::keyed(key.clone(), move |k| {
                Ok(d.remove(k)?.map(|_| Value::None).ok_or_else(|| ex::key_error(k.value.clone())))
            })
            .map(|_| ())
        }
        Value::Instance(inst) => match dunder(&inst.class, sym::DELITEM) {
            Some(m) => {
                let (obj, key) = (obj.clone(), key.clone());
                run_async(|ctx| async move { ctx.call(m, vec![obj, key]).await }).map(|_| ())
            }
            None => Err(type_error(format!("'{}' object doesn't support item deletion", type_name(obj)))),
        },
        _ => Err(type_error(format!("'{}' object doesn't support item deletion", type_name(obj)))),
    }
}

/// `s[start:stop:step]`. A step of 1 copies one run of the text, found by byte offsets
/// (directly for ASCII), instead of collecting the whole string's characters.
fn str_slice(s: &crate::value::PyStr, sl: &crate::value::PySlice) -> PyResult {
    let (start, stop, step) = slice_indices(sl, s.chars)?;
    if step == 1 {
        let (start, stop) = (start.max(0) as usize, stop.max(0) as usize);
        if stop <= start {
            return Ok(Value::str(""));
        }
        if s.is_ascii() {
            return Ok(Value::str(&s.s[start..stop]));
        }
        let mut offsets = s.s.char_indices().map(|(b, _)| b).chain(std::iter::once(s.s.len()));
        let from = offsets.nth(start).unwrap_or(s.s.len());
        let to = offsets.nth(stop - start - 1).unwrap_or(s.s.len());
        return Ok(Value::str(&s.s[from..to]));
    }
    let chars: Vec<char> = s.s.chars().collect();
    Ok(Value::str(slice_positions(sl, chars.len())?.into_iter().map(|i| chars[i]).collect::<String>()))
}
