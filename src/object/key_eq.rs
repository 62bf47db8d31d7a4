//! Equality of dict and set keys with equal hashes, decided natively where it can be.
//!
//! Builtin keys compare as `==` does (`1 == 1.0 == True`). A key whose class defines
//! `__eq__` needs script code, which natives cannot run: the table operation stops with the
//! question (`Undecided`), `runtime::protocol::keys` asks the script, and the operation runs
//! again with the answers it has gathered installed (`Answers::apply`).

use crate::intern::sym;
use crate::object::class::Class;
use crate::value::Value;
use std::cell::RefCell;

/// A comparison only script code can answer: `stored == probe`, asked of the stored key first
/// as CPython does.
pub struct Undecided {
    pub stored: Value,
    pub probe: Value,
}

/// Keeps the first question a probe met: a later stored key that is natively equal still wins.
pub fn note_undecided(first: &mut Option<Undecided>, stored: &Value, probe: &Value) {
    if first.is_none() {
        *first = Some(Undecided { stored: stored.clone(), probe: probe.clone() });
    }
}

/// Whether the class (or an ancestor) defines `__eq__`.
pub fn defines_eq(class: &Class) -> bool {
    class.lookup(sym::EQ).is_some()
}

/// Whether comparing `v` as a key may need script code: it is, or holds, an instance whose
/// class defines `__eq__`.
pub fn needs_script_eq(v: &Value) -> bool {
    match v {
        Value::Instance(i) => defines_eq(&i.class),
        Value::Tuple(t) => t.items.iter().any(needs_script_eq),
        Value::Set(s) => s.items.borrow().may_need_script_eq(),
        _ => false,
    }
}

/// Equality of two keys with equal hashes: `None` when a script `__eq__` must decide and no
/// answer is installed.
pub fn key_eq(a: &Value, b: &Value) -> Option<bool> {
    native_eq(a, b).or_else(|| answered(a, b))
}

/// `key_eq` without the installed answers for the pair itself (a tuple's items still use them).
fn native_eq(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    match (a, b) {
        (Str(x), Str(y)) => Some(x.s == y.s),
        (Bytes(x), Bytes(y)) => Some(*x.data.borrow() == *y.data.borrow()),
        (Int(x), Int(y)) => Some(x == y),
        (Tuple(x), Tuple(y)) => {
            if x.items.len() != y.items.len() {
                return Some(false);
            }
            for (p, q) in x.items.iter().zip(y.items.iter()) {
                if !key_eq(p, q)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        (Set(x), Set(y)) => match x.frozen && y.frozen {
            true => x.set_eq(y).ok(),
            false => Some(false),
        },
        (Instance(i), _) | (_, Instance(i)) if defines_eq(&i.class) => a.is(b).then_some(true),
        // An instance of a str, int, tuple... subclass is the value it carries.
        (Instance(_), _) | (_, Instance(_)) if !a.is(b) => {
            let (x, y) = (super::instance::builtin_value(a), super::instance::builtin_value(b));
            if std::ptr::eq(x, a) && std::ptr::eq(y, b) {
                return Some(false);
            }
            native_eq(x, y)
        }
        (Complex(x), Complex(y)) => Some(x == y),
        (BoundMethod(x), BoundMethod(y)) => Some(x.same_as(y)),
        (Complex(z), other) | (other, Complex(z)) => {
            Some(z.im == 0.0 && numeric(other).is_some_and(|n| numeric(&Float(z.re)) == Some(n)))
        }
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => Some(x == y),
            _ => Some(a.is(b)),
        },
    }
}

/// Numbers as a comparable form: exact for i64, float otherwise.
#[derive(PartialEq)]
enum Num {
    I(i128),
    F(f64),
    Big(num_bigint::BigInt),
}

fn numeric(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Bool(b) => Num::I(*b as i128),
        Value::Int(i) => Num::I(*i as i128),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => Num::I(*f as i128),
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
            Num::Big(num_traits::FromPrimitive::from_f64(*f).unwrap_or_default())
        }
        Value::Float(f) => Num::F(*f),
        Value::BigInt(b) => Num::Big((**b).clone()),
        _ => return None,
    })
}

thread_local! {
    /// The answers installed while a table operation runs.
    static INSTALLED: RefCell<Vec<(Value, Value, bool)>> = const { RefCell::new(Vec::new()) };
}

/// Script answers to `Undecided` questions, gathered for one table operation. The values are
/// held, so an identity is not reused by another object while its answer is known.
#[derive(Default)]
pub struct Answers(Vec<(Value, Value, bool)>);

impl Answers {
    pub fn record(&mut self, question: Undecided, equal: bool) {
        self.0.push((question.stored, question.probe, equal));
    }

    /// Runs native table code with these answers known to `key_eq`. No script code runs
    /// inside, so installations never nest.
    pub fn apply<T>(&mut self, f: impl FnOnce() -> T) -> T {
        INSTALLED.with(|i| std::mem::swap(&mut *i.borrow_mut(), &mut self.0));
        let r = f();
        INSTALLED.with(|i| std::mem::swap(&mut *i.borrow_mut(), &mut self.0));
        r
    }
}

fn answered(a: &Value, b: &Value) -> Option<bool> {
    INSTALLED.with(|i| {
        i.borrow().iter().find(|(x, y, _)| (x.is(a) && y.is(b)) || (x.is(b) && y.is(a))).map(|&(_, _, equal)| equal)
    })
}
