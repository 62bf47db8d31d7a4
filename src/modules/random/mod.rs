//! The `random` module. `_random.Random` is native (`mt`: CPython's Mersenne Twister, its
//! seeding, `random()`, `getrandbits()`, the state, and `_randbelow`/`randint` for speed);
//! `random.Random`, `SystemRandom`, the distributions and the module-level functions are
//! coro (`lib.coro`), following CPython's `random.py` call for call so that seeded runs give
//! the same numbers.

mod mt;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use mt::Twister;
use num_bigint::{BigInt, BigUint, Sign};
use sha2::{Digest, Sha512};
use std::cell::{RefCell, RefMut};
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("random")));
    m.set(intern("__name__"), Value::str("random"));
    m.set(intern("_Random"), Value::Class(random_class()));
    m.set(intern("_urandom_bits"), native("_urandom_bits", urandom_bits));
    m
}

fn random_class() -> Rc<Class> {
    let class = native_class("_random", "Random", vec![types().object.clone()]);
    method(&class, "__new__", new);
    method(&class, "seed", seed);
    method(&class, "random", |a| {
        check_args(a, "random", 1, 1)?;
        Ok(Value::Float(this(a)?.random()))
    });
    method(&class, "getrandbits", getrandbits);
    method(&class, "_randbelow", randbelow);
    method(&class, "randint", randint);
    method(&class, "getstate", getstate);
    method(&class, "setstate", setstate);
    class
}

fn new(a: &Args) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else {
        return Err(type_error("Random.__new__(X): X is not a type object"));
    };
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(Twister::from_key(&os_key()))));
    Ok(Value::Instance(Rc::new(inst)))
}

fn this<'a>(a: &'a Args) -> PyResult<RefMut<'a, Twister>> {
    match a.pos.first() {
        Some(Value::Instance(i)) => {
            i.native::<Twister>().ok_or_else(|| type_error("descriptor requires a '_random.Random' object"))
        }
        _ => Err(type_error("descriptor requires a '_random.Random' object")),
    }
}

/// Random bytes from the operating system (the clock if it has none).
fn os_bytes(n: usize) -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf));
    if read.is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let mut x = t.as_nanos() as u64 | 1;
        for b in &mut buf {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
    }
    buf
}

fn os_key() -> Vec<u32> {
    os_bytes(4 * mt::N).chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// The `init_by_array` key of a seed: the 32-bit words of its absolute value (of its hash for
/// a float), a str as its UTF-8 bytes followed by their SHA-512 (seed version 2).
fn key_of(v: &Value) -> PyResult<Vec<u32>> {
    Ok(match v {
        Value::None => os_key(),
        Value::Int(i) => BigUint::from(i.unsigned_abs()).to_u32_digits(),
        Value::Bool(b) => BigUint::from(*b as u32).to_u32_digits(),
        Value::BigInt(b) => b.magnitude().to_u32_digits(),
        Value::Str(s) => {
            let mut bytes = s.s.as_bytes().to_vec();
            bytes.extend_from_slice(&Sha512::digest(s.s.as_bytes()));
            BigUint::from_bytes_be(&bytes).to_u32_digits()
        }
        other => {
            let h = crate::object::dict::hash_value(other)
                .map_err(|_| type_error(format!("unhashable type: '{}'", type_name(other))))?;
            BigUint::from(h as u64).to_u32_digits()
        }
    })
}

fn seed(a: &Args) -> PyResult {
    check_args(a, "seed", 1, 2)?;
    let key = key_of(a.pos.get(1).unwrap_or(&Value::None))?;
    *this(a)? = Twister::from_key(&key);
    Ok(Value::None)
}

fn int_of(v: &Value) -> PyResult<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::Bool(b) => Ok(BigInt::from(*b as i64)),
        Value::BigInt(b) => Ok((**b).clone()),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    }
}

fn getrandbits(a: &Args) -> PyResult {
    check_args(a, "getrandbits", 2, 2)?;
    let k = match &a.pos[1] {
        Value::Int(k) => *k,
        Value::Bool(b) => *b as i64,
        Value::BigInt(_) => {
            return Err(crate::runtime::exceptions::overflow_error("Python int too large to convert to C int"))
        }
        other => return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    };
    if k < 0 {
        return Err(value_error("number of bits must be non-negative"));
    }
    let mut t = this(a)?;
    if k <= 63 {
        return Ok(Value::Int(t.bits64(k as u32) as i64));
    }
    let words = t.bits(k as u64);
    Ok(Value::from_bigint(BigInt::from_biguint(Sign::Plus, BigUint::from_slice(&words))))
}

/// `_randbelow(n)` for `n > 0`.
fn below(t: &mut Twister, n: &BigInt) -> BigInt {
    use num_traits::ToPrimitive;
    if let Some(small) = n.to_u64() {
        return BigInt::from(t.below(small));
    }
    let k = n.bits();
    loop {
        let r = BigInt::from_biguint(Sign::Plus, BigUint::from_slice(&t.bits(k)));
        if &r < n {
            return r;
        }
    }
}

fn randbelow(a: &Args) -> PyResult {
    check_args(a, "_randbelow", 2, 2)?;
    if let Value::Int(n) = a.pos[1] {
        if n > 0 {
            return Ok(Value::Int(this(a)?.below(n as u64) as i64));
        }
    }
    let n = int_of(&a.pos[1])?;
    if n <= BigInt::from(0) {
        return Ok(Value::Int(0));
    }
    Ok(Value::from_bigint(below(&mut *this(a)?, &n)))
}

/// An integral argument of `randint`, as `randrange` accepts it.
fn integral(v: &Value, what: &str) -> PyResult<BigInt> {
    match v {
        Value::Float(f) if f.fract() == 0.0 && f.is_finite() => {
            Ok(num_traits::FromPrimitive::from_f64(*f).unwrap_or_default())
        }
        Value::Float(_) => Err(value_error(format!("non-integer {} for randrange()", what))),
        other => int_of(other),
    }
}

fn randint(a: &Args) -> PyResult {
    check_args(a, "randint", 3, 3)?;
    if let (Value::Int(lo), Value::Int(hi)) = (&a.pos[1], &a.pos[2]) {
        if let Some(width) = hi.checked_sub(*lo).and_then(|w| w.checked_add(1)) {
            if width > 0 {
                return Ok(Value::Int(lo + this(a)?.below(width as u64) as i64));
            }
        }
    }
    let lo = integral(&a.pos[1], "arg 1")?;
    let hi = integral(&a.pos[2], "stop")? + 1;
    let width = &hi - &lo;
    if width <= BigInt::from(0) {
        return Err(value_error(format!("empty range for randrange() ({}, {}, {})", lo, hi, width)));
    }
    Ok(Value::from_bigint(lo + below(&mut *this(a)?, &width)))
}

fn getstate(a: &Args) -> PyResult {
    check_args(a, "getstate", 1, 1)?;
    let t = this(a)?;
    let mut items: Vec<Value> = t.state.iter().map(|&w| Value::Int(w as i64)).collect();
    items.push(Value::Int(t.index as i64));
    Ok(Value::tuple(items))
}

fn setstate(a: &Args) -> PyResult {
    check_args(a, "setstate", 2, 2)?;
    let Value::Tuple(state) = &a.pos[1] else { return Err(type_error("state vector must be a tuple")) };
    if state.items.len() != mt::N + 1 {
        return Err(value_error("state vector is the wrong size"));
    }
    let mut words = [0u32; mt::N];
    for (w, v) in words.iter_mut().zip(state.items.iter()) {
        *w = match v {
            Value::Int(i) if (0..=u32::MAX as i64).contains(i) => *i as u32,
            Value::Int(_) | Value::BigInt(_) => {
                return Err(crate::runtime::exceptions::overflow_error(
                    "Python int too large to convert to C unsigned long",
                ))
            }
            other => {
                return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other))))
            }
        };
    }
    let index = match &state.items[mt::N] {
        Value::Int(i) if (0..=mt::N as i64).contains(i) => *i as usize,
        Value::Int(_) => return Err(value_error("invalid state")),
        other => return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    };
    let mut t = this(a)?;
    t.state = words;
    t.index = index;
    Ok(Value::None)
}

/// `_urandom_bits(k)`: an int of `k` random bits from the operating system (SystemRandom).
fn urandom_bits(a: &Args) -> PyResult {
    check_args(a, "_urandom_bits", 1, 1)?;
    let k = match &a.pos[0] {
        Value::Int(k) if *k >= 0 => *k as u64,
        _ => return Err(value_error("number of bits must be non-negative")),
    };
    let mut bytes = os_bytes(k.div_ceil(8) as usize);
    if let Some(last) = bytes.last_mut() {
        if k % 8 != 0 {
            *last >>= 8 - k % 8;
        }
    }
    Ok(Value::from_bigint(BigInt::from_bytes_le(Sign::Plus, &bytes)))
}
