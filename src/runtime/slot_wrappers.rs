//! Special methods of builtin types as attributes: `int.__add__`, `object.__repr__`,
//! `(3).__radd__(1)`, `super().__hash__()`, `tuple.__repr__(self)`. The VM performs these
//! operations natively and never looks them up, so they stay out of the classes' tables
//! (where the protocols' dunder lookups would find them); an attribute lookup that finds
//! nothing in the tables asks here. Each is made once per (type, name), so
//! `getattr(A, '__lt__') is getattr(object, '__lt__')` holds as in CPython.

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::intern::{sym, Symbol};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::builtin_value;
use crate::object::Wrapper;
use crate::runtime::exceptions::{is_instance_of, type_error};
use crate::runtime::protocol::{self, numeric, Recursion};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, Flow, PyResult};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

/// What a special method does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// `__add__` (`false`) or `__radd__` (`true`), and the other binary operators.
    Binary(BinOp, bool),
    DivMod(bool),
    Compare(CmpOp),
    Unary(UnaryOp),
    Abs,
    Bool,
    Int,
    Float,
    Index,
    Trunc,
    Floor,
    Ceil,
    Round,
    Repr,
    Str,
    Hash,
    Format,
    Len,
    Iter,
    Contains,
    GetItem,
}

fn slot_of(name: &str) -> Option<Slot> {
    use BinOp::*;
    let binary = |op| Some(Slot::Binary(op, false));
    let reflected = |op| Some(Slot::Binary(op, true));
    match name {
        "__add__" => binary(Add),
        "__radd__" => reflected(Add),
        "__sub__" => binary(Sub),
        "__rsub__" => reflected(Sub),
        "__mul__" => binary(Mul),
        "__rmul__" => reflected(Mul),
        "__truediv__" => binary(Div),
        "__rtruediv__" => reflected(Div),
        "__floordiv__" => binary(FloorDiv),
        "__rfloordiv__" => reflected(FloorDiv),
        "__mod__" => binary(Mod),
        "__rmod__" => reflected(Mod),
        "__pow__" => binary(Pow),
        "__rpow__" => reflected(Pow),
        "__lshift__" => binary(LShift),
        "__rlshift__" => reflected(LShift),
        "__rshift__" => binary(RShift),
        "__rrshift__" => reflected(RShift),
        "__and__" => binary(BitAnd),
        "__rand__" => reflected(BitAnd),
        "__or__" => binary(BitOr),
        "__ror__" => reflected(BitOr),
        "__xor__" => binary(BitXor),
        "__rxor__" => reflected(BitXor),
        "__divmod__" => Some(Slot::DivMod(false)),
        "__rdivmod__" => Some(Slot::DivMod(true)),
        "__eq__" => Some(Slot::Compare(CmpOp::Eq)),
        "__ne__" => Some(Slot::Compare(CmpOp::NotEq)),
        "__lt__" => Some(Slot::Compare(CmpOp::Lt)),
        "__le__" => Some(Slot::Compare(CmpOp::LtE)),
        "__gt__" => Some(Slot::Compare(CmpOp::Gt)),
        "__ge__" => Some(Slot::Compare(CmpOp::GtE)),
        "__neg__" => Some(Slot::Unary(UnaryOp::Neg)),
        "__pos__" => Some(Slot::Unary(UnaryOp::Pos)),
        "__invert__" => Some(Slot::Unary(UnaryOp::Invert)),
        "__abs__" => Some(Slot::Abs),
        "__bool__" => Some(Slot::Bool),
        "__int__" => Some(Slot::Int),
        "__float__" => Some(Slot::Float),
        "__index__" => Some(Slot::Index),
        "__trunc__" => Some(Slot::Trunc),
        "__floor__" => Some(Slot::Floor),
        "__ceil__" => Some(Slot::Ceil),
        "__round__" => Some(Slot::Round),
        "__repr__" => Some(Slot::Repr),
        "__str__" => Some(Slot::Str),
        "__hash__" => Some(Slot::Hash),
        "__format__" => Some(Slot::Format),
        "__len__" => Some(Slot::Len),
        "__iter__" => Some(Slot::Iter),
        "__contains__" => Some(Slot::Contains),
        "__getitem__" => Some(Slot::GetItem),
        _ => None,
    }
}

/// Whether the builtin type `class` itself defines `slot` (as CPython's `class.__dict__` has it).
fn owns(class: &Rc<Class>, slot: Slot) -> bool {
    use BinOp::*;
    use Slot::*;
    let t = types();
    let is = |c: &Rc<Class>| Rc::ptr_eq(class, c);
    let numeric_unary = matches!(slot, Unary(UnaryOp::Neg | UnaryOp::Pos) | Abs | Bool);
    let rounding = matches!(slot, Int | Float | Trunc | Floor | Ceil | Round);
    let common = matches!(slot, Repr | Hash | Compare(_));
    if is(&t.object) {
        return matches!(slot, Repr | Str | Hash | Format | Compare(_));
    }
    if is(&t.int) {
        return common
            || numeric_unary
            || rounding
            || matches!(slot, Format | Index | DivMod(_) | Unary(UnaryOp::Invert))
            || matches!(slot, Binary(op, _) if op != MatMul);
    }
    if is(&t.bool) {
        return matches!(slot, Repr | Binary(BitAnd | BitOr | BitXor, _));
    }
    if is(&t.float) {
        return common
            || numeric_unary
            || rounding
            || matches!(slot, Format | DivMod(_) | Binary(Add | Sub | Mul | Div | FloorDiv | Mod | Pow, _));
    }
    if is(&t.complex) {
        return matches!(slot, Repr | Hash | Format | Compare(CmpOp::Eq | CmpOp::NotEq))
            || numeric_unary
            || matches!(slot, Binary(Add | Sub | Mul | Div | Pow, _));
    }
    let sequence = matches!(slot, Len | Iter | Contains | GetItem | Binary(Add, false) | Binary(Mul, _));
    if is(&t.str) || is(&t.bytes) {
        return common || sequence || matches!(slot, Str | Format | Binary(Mod, _));
    }
    if is(&t.tuple) {
        return common || sequence;
    }
    if is(&t.list) {
        return matches!(slot, Compare(_) | Binary(Add, false) | Binary(Mul, _));
    }
    if is(&t.dict) {
        return matches!(slot, Compare(_) | Binary(BitOr, _));
    }
    let set_op = matches!(slot, Binary(BitAnd | BitOr | BitXor | Sub, _));
    if is(&t.set) {
        return matches!(slot, Compare(_)) || set_op;
    }
    if is(&t.frozenset) {
        return common || set_op || matches!(slot, Len | Iter | Contains);
    }
    if is(&t.range) {
        return matches!(
            slot,
            Repr | Hash | Bool | Len | Iter | Contains | GetItem | Compare(CmpOp::Eq | CmpOp::NotEq)
        );
    }
    if is(&t.none) {
        return matches!(slot, Repr | Bool);
    }
    if is(&t.type_) {
        return slot == Repr;
    }
    false
}

thread_local! {
    static MADE: RefCell<FxHashMap<(usize, Symbol), Value>> = RefCell::default();
}

/// The wrapper for `name` that the builtin type `class` itself defines, if any.
pub fn own(class: &Rc<Class>, name: Symbol) -> Option<Value> {
    if class.module != sym::BUILTINS {
        return None;
    }
    let slot = slot_of(name.as_str())?;
    if !owns(class, slot) {
        return None;
    }
    let key = (Rc::as_ptr(class) as usize, name);
    Some(MADE.with(|m| {
        m.borrow_mut()
            .entry(key)
            .or_insert_with(|| Value::Wrapper(Rc::new(Wrapper::Slot { class: class.clone(), name })))
            .clone()
    }))
}

/// The wrapper for `name` that the first builtin type along `class`'s MRO defines.
pub fn find(class: &Rc<Class>, name: Symbol) -> Option<Value> {
    slot_of(name.as_str())?;
    std::iter::once(class).chain(class.mro.iter()).find_map(|c| own(c, name))
}

/// Calls the special method `name` of the builtin type `class` with `a` (receiver first).
pub fn call(class: &Rc<Class>, name: Symbol, a: &Args) -> PyResult {
    let slot = slot_of(name.as_str()).expect("a slot name");
    let Some(receiver) = a.pos.first() else {
        return Err(type_error(format!("descriptor '{}' of '{}' object needs an argument", name, class.name)));
    };
    if !types().class_of(receiver).is_subclass(class) {
        return Err(type_error(format!(
            "descriptor '{}' requires a '{}' object but received a '{}'",
            name,
            class.name,
            type_name(receiver)
        )));
    }
    if !a.kw.is_empty() {
        return Err(type_error(format!("{}() takes no keyword arguments", name)));
    }
    let args = &a.pos[1..];
    let wanted = match slot {
        Slot::Binary(BinOp::Pow, false) => 1..=2,
        Slot::Binary(..) | Slot::DivMod(_) | Slot::Compare(_) | Slot::Format | Slot::Contains | Slot::GetItem => 1..=1,
        Slot::Round => 0..=1,
        _ => 0..=0,
    };
    if !wanted.contains(&args.len()) {
        let n = wanted.end();
        return Err(type_error(format!(
            "expected {} argument{}, got {}",
            n,
            if *n == 1 { "" } else { "s" },
            args.len()
        )));
    }
    if Rc::ptr_eq(class, &types().object) {
        return object_slot(slot, receiver, args);
    }
    let me = builtin_value(receiver);
    match slot {
        Slot::Binary(op, reflected) => binary(class, op, reflected, me, args),
        Slot::DivMod(reflected) => {
            let Some((x, y)) = operands(class, me, &args[0], reflected) else { return Ok(Value::NotImplemented) };
            let q = not_implemented_if_unsupported(ops::binary(BinOp::FloorDiv, x, y))?;
            if let Value::NotImplemented = q {
                return Ok(q);
            }
            Ok(Value::tuple(vec![q, ops::binary(BinOp::Mod, x, y)?]))
        }
        Slot::Compare(op) => {
            let other = builtin_value(&args[0]);
            if !comparable(class, me, other) {
                return Ok(Value::NotImplemented);
            }
            ops::compare(op, me, other)
        }
        Slot::Unary(op) => ops::unary(op, me),
        Slot::Abs => numeric::abs(&Args { pos: std::slice::from_ref(me), kw: &[] }),
        Slot::Bool => Ok(Value::Bool(ops::truthy(me).unwrap_or(true))),
        Slot::Int | Slot::Index | Slot::Trunc => match me {
            Value::Float(x) => numeric::float_to_int(x.trunc()),
            Value::Bool(b) => Ok(Value::Int(*b as i64)),
            _ => Ok(me.clone()),
        },
        Slot::Float => numeric::float_new(&Args { pos: std::slice::from_ref(me), kw: &[] }),
        Slot::Floor => rounded(me, f64::floor),
        Slot::Ceil => rounded(me, f64::ceil),
        Slot::Round => {
            let mut pos = vec![me.clone()];
            pos.extend(args.iter().cloned());
            numeric::round(&Args { pos: &pos, kw: &[] })
        }
        Slot::Repr => {
            let (class, me) = (types().class_of(receiver), me.clone());
            run_async(|ctx| async move {
                Ok(Value::str(protocol::repr::carried_repr(&ctx, &class, &me, &Recursion::default()).await?))
            })
        }
        Slot::Str => protocol::str_value(me.clone()),
        Slot::Hash => {
            let me = me.clone();
            run_async(|ctx| async move { Ok(Value::Int(protocol::hash(&ctx, &me).await?)) })
        }
        Slot::Format => {
            let (me, spec) = (me.clone(), format_spec(&args[0])?);
            run_async(|ctx| async move { Ok(Value::str(protocol::format(&ctx, &me, &spec).await?)) })
        }
        Slot::Len => Ok(Value::Int(ops::len_builtin(me).unwrap_or(0) as i64)),
        Slot::Iter => protocol::get_iter(me),
        Slot::Contains => {
            let (me, x) = (me.clone(), args[0].clone());
            run_async(|ctx| async move { Ok(Value::Bool(protocol::contains(&ctx, &me, &x).await?)) })
        }
        Slot::GetItem => ops::get_item(me, &args[0]),
    }
}

/// `object`'s own special methods, which work on any object.
fn object_slot(slot: Slot, me: &Value, args: &[Value]) -> PyResult {
    match slot {
        Slot::Repr => Ok(Value::str(protocol::repr::object_repr(me))),
        Slot::Str => protocol::repr_value(me.clone()),
        Slot::Hash => Ok(Value::Int((me.heap_ptr().unwrap_or(0) >> 4) as i64)),
        Slot::Format => {
            let spec = format_spec(&args[0])?;
            if !spec.is_empty() {
                return Err(type_error(format!("unsupported format string passed to {}.__format__", type_name(me))));
            }
            protocol::str_value(me.clone())
        }
        Slot::Compare(CmpOp::Eq) => Ok(if me.is(&args[0]) { Value::Bool(true) } else { Value::NotImplemented }),
        // `!=` is the inverse of the type's `==`, unless that is undecided.
        Slot::Compare(CmpOp::NotEq) => {
            let (me, other) = (me.clone(), args[0].clone());
            let eq = protocol::instance_dunder(&me, sym::EQ);
            run_async(|ctx| async move {
                let r = match eq {
                    Some(eq) => ctx.call(eq, vec![me, other]).await?,
                    None if me.is(&other) => Value::Bool(true),
                    None => Value::NotImplemented,
                };
                match r {
                    Value::NotImplemented => Ok(r),
                    r => Ok(Value::Bool(!protocol::truthy(&ctx, &r).await?)),
                }
            })
        }
        _ => Ok(Value::NotImplemented),
    }
}

fn format_spec(v: &Value) -> PyResult<String> {
    match builtin_value(v) {
        Value::Str(s) => Ok(s.s.to_string()),
        other => Err(type_error(format!("format() argument 2 must be str, not {}", type_name(other)))),
    }
}

/// A number type's rank: a binary operation or comparison of `int`'s takes ints, `float`'s
/// ints and floats, `complex`'s all three.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) | Value::Int(_) | Value::BigInt(_) => 1,
        Value::Float(_) => 2,
        Value::Complex(_) => 3,
        _ => 0,
    }
}

/// Whether `class` is one of the number types.
fn is_number_type(class: &Rc<Class>) -> bool {
    let t = types();
    [&t.int, &t.bool, &t.float, &t.complex].into_iter().any(|c| Rc::ptr_eq(class, c))
}

/// The operands in the order the operator takes them, or None when `class`'s method does not
/// take `other` (the method then returns NotImplemented).
fn operands<'a>(class: &Rc<Class>, me: &'a Value, other: &'a Value, reflected: bool) -> Option<(&'a Value, &'a Value)> {
    let other = builtin_value(other);
    if is_number_type(class) && (rank(other) == 0 || rank(other) > rank(me)) {
        return None;
    }
    // A script object without a builtin value takes part through its own methods only.
    if let Value::Instance(_) = other {
        return None;
    }
    Some(if reflected { (other, me) } else { (me, other) })
}

fn binary(class: &Rc<Class>, op: BinOp, reflected: bool, me: &Value, args: &[Value]) -> PyResult {
    let Some((x, y)) = operands(class, me, &args[0], reflected) else { return Ok(Value::NotImplemented) };
    if let (BinOp::Pow, Some(modulus)) = (op, args.get(1)) {
        let pos = [x.clone(), y.clone(), modulus.clone()];
        return numeric::pow(&Args { pos: &pos, kw: &[] });
    }
    not_implemented_if_unsupported(ops::binary(op, x, y))
}

/// A TypeError saying the operand types are unsupported becomes NotImplemented, which is
/// how the method itself says so.
fn not_implemented_if_unsupported(r: PyResult) -> PyResult {
    match r {
        Err(Flow::Raise(e))
            if is_instance_of(&e, ExcType::TypeError) && exception_text(&e).starts_with("unsupported operand") =>
        {
            Ok(Value::NotImplemented)
        }
        r => r,
    }
}

fn exception_text(inst: &crate::object::instance::Instance) -> String {
    let args = inst.exc().map(|x| x.borrow().args.clone()).unwrap_or_default();
    args.first().and_then(|a| a.as_str().map(str::to_string)).unwrap_or_default()
}

/// Whether `class`'s comparison takes `other` (else it returns NotImplemented).
fn comparable(class: &Rc<Class>, me: &Value, other: &Value) -> bool {
    if is_number_type(class) {
        return rank(other) != 0 && rank(other) <= rank(me);
    }
    match (me, other) {
        (Value::Set(_), Value::Set(_)) => true,
        (Value::Bytes(_), Value::Bytes(_)) => true,
        _ => std::mem::discriminant(me) == std::mem::discriminant(other),
    }
}

/// `__floor__` / `__ceil__` of a builtin number: ints are already whole.
fn rounded(me: &Value, f: fn(f64) -> f64) -> PyResult {
    match me {
        Value::Float(x) => numeric::float_to_int(f(*x)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        _ => Ok(me.clone()),
    }
}
