//! The items of an array: checked conversion from values by typecode (with CPython's
//! messages, which depend on the C conversion each code goes through), and their bytes.

use crate::runtime::exceptions::{overflow_error, type_error};
use crate::runtime::protocol::to_bigint;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use num_traits::ToPrimitive;
use std::cmp::Ordering;

pub const TYPECODES: &str = "bBuhHiIlLqQfd";

pub fn itemsize(code: char) -> usize {
    match code {
        'b' | 'B' => 1,
        'h' | 'H' => 2,
        'u' | 'i' | 'I' | 'f' => 4,
        _ => 8,
    }
}

#[derive(Clone, Copy)]
pub enum Item {
    Int(i128),
    Float(f64),
    Char(char),
}

/// The checks an integer goes through for a typecode: a C conversion (`long`, `unsigned
/// long`, `long long`, ...), then a range test of the item's own type.
fn check_int(code: char, v: &Value) -> PyResult<i128> {
    let Some(big) = to_bigint(v) else {
        return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v))));
    };
    let n = big.to_i128();
    let range = |n: i128, lo: i128, hi: i128, name: &str| -> PyResult<i128> {
        if n > hi {
            Err(overflow_error(format!("{} is greater than maximum", name)))
        } else if n < lo {
            Err(overflow_error(format!("{} is less than minimum", name)))
        } else {
            Ok(n)
        }
    };
    let as_long = || {
        n.filter(|n| i64::try_from(*n).is_ok())
            .ok_or_else(|| overflow_error("Python int too large to convert to C long"))
    };
    match code {
        'b' => range(
            range(as_long()?, i16::MIN.into(), i16::MAX.into(), "signed short integer")?,
            -128,
            127,
            "signed char",
        ),
        'B' => range(as_long()?, 0, 255, "unsigned byte integer"),
        'h' => range(as_long()?, i16::MIN.into(), i16::MAX.into(), "signed short integer"),
        'H' => {
            range(range(as_long()?, i32::MIN.into(), i32::MAX.into(), "signed integer")?, 0, 65535, "unsigned short")
        }
        'i' => range(as_long()?, i32::MIN.into(), i32::MAX.into(), "signed integer"),
        'l' => as_long(),
        'q' => n.filter(|n| i64::try_from(*n).is_ok()).ok_or_else(|| overflow_error("int too big to convert")),
        'I' | 'L' => {
            if big.sign() == num_bigint::Sign::Minus {
                return Err(overflow_error("can't convert negative value to unsigned int"));
            }
            let n = n
                .filter(|n| u64::try_from(*n).is_ok())
                .ok_or_else(|| overflow_error("Python int too large to convert to C unsigned long"))?;
            if code == 'I' && n > u32::MAX.into() {
                return Err(overflow_error("unsigned int is greater than maximum"));
            }
            Ok(n)
        }
        _ => {
            if big.sign() == num_bigint::Sign::Minus {
                return Err(overflow_error("can't convert negative int to unsigned"));
            }
            n.filter(|n| u64::try_from(*n).is_ok()).ok_or_else(|| overflow_error("int too big to convert"))
        }
    }
}

/// `v` as a float, if it is a float or an int.
fn number_of(v: &Value) -> Option<f64> {
    match crate::object::instance::builtin_value(v) {
        Value::Float(x) => Some(*x),
        _ => to_bigint(v).map(|b| b.to_f64().unwrap_or(f64::INFINITY)),
    }
}

impl Item {
    /// `v` as an item of an array of typecode `code`.
    pub fn from_value(code: char, v: &Value) -> PyResult<Item> {
        match code {
            'u' => match v.as_str() {
                Some(s) if s.chars().count() == 1 => Ok(Item::Char(s.chars().next().unwrap_or('\0'))),
                _ => Err(type_error("array item must be unicode character")),
            },
            'f' | 'd' => {
                let Some(x) = number_of(v) else {
                    return Err(type_error(format!("must be real number, not {}", type_name(v))));
                };
                Ok(Item::Float(if code == 'f' { x as f32 as f64 } else { x }))
            }
            _ => check_int(code, v).map(Item::Int),
        }
    }

    pub fn to_value(self) -> Value {
        match self {
            Item::Int(n) => match i64::try_from(n) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::from_bigint(num_bigint::BigInt::from(n)),
            },
            Item::Float(x) => Value::Float(x),
            Item::Char(c) => Value::str(c.to_string()),
        }
    }

    fn order(&self, other: &Item) -> Option<Ordering> {
        match (self, other) {
            (Item::Int(a), Item::Int(b)) => Some(a.cmp(b)),
            (Item::Char(a), Item::Char(b)) => Some(a.cmp(b)),
            (Item::Char(_), _) | (_, Item::Char(_)) => None,
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    fn as_f64(&self) -> f64 {
        match self {
            Item::Int(n) => *n as f64,
            Item::Float(x) => *x,
            Item::Char(_) => f64::NAN,
        }
    }

    /// Whether the item equals `v` (`==` of numbers, or of one-character strings).
    pub fn equals(&self, v: &Value) -> bool {
        match (self, v) {
            (Item::Char(c), Value::Str(s)) => s.s.chars().eq(std::iter::once(*c)),
            (Item::Char(_), _) | (_, Value::Str(_)) => false,
            (Item::Int(n), _) if to_bigint(v).is_some() => to_bigint(v).and_then(|b| b.to_i128()) == Some(*n),
            (item, _) => number_of(v) == Some(item.as_f64()),
        }
    }
}

/// An array's items, by kind.
#[derive(Clone)]
pub enum Data {
    Int(Vec<i128>),
    Float(Vec<f64>),
    Char(Vec<char>),
}

impl Data {
    pub fn empty(code: char) -> Data {
        match code {
            'u' => Data::Char(Vec::new()),
            'f' | 'd' => Data::Float(Vec::new()),
            _ => Data::Int(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Data::Int(v) => v.len(),
            Data::Float(v) => v.len(),
            Data::Char(v) => v.len(),
        }
    }

    pub fn get(&self, i: usize) -> Item {
        match self {
            Data::Int(v) => Item::Int(v[i]),
            Data::Float(v) => Item::Float(v[i]),
            Data::Char(v) => Item::Char(v[i]),
        }
    }

    pub fn set(&mut self, i: usize, item: Item) {
        match (self, item) {
            (Data::Int(v), Item::Int(x)) => v[i] = x,
            (Data::Float(v), Item::Float(x)) => v[i] = x,
            (Data::Char(v), Item::Char(x)) => v[i] = x,
            _ => unreachable!("items are converted by the array's typecode"),
        }
    }

    pub fn insert(&mut self, i: usize, item: Item) {
        match (self, item) {
            (Data::Int(v), Item::Int(x)) => v.insert(i, x),
            (Data::Float(v), Item::Float(x)) => v.insert(i, x),
            (Data::Char(v), Item::Char(x)) => v.insert(i, x),
            _ => unreachable!("items are converted by the array's typecode"),
        }
    }

    pub fn push(&mut self, item: Item) {
        let n = self.len();
        self.insert(n, item);
    }

    pub fn extend(&mut self, items: Vec<Item>) {
        for item in items {
            self.push(item);
        }
    }

    pub fn remove(&mut self, i: usize) -> Item {
        let item = self.get(i);
        match self {
            Data::Int(v) => drop(v.remove(i)),
            Data::Float(v) => drop(v.remove(i)),
            Data::Char(v) => drop(v.remove(i)),
        }
        item
    }

    pub fn reverse(&mut self) {
        match self {
            Data::Int(v) => v.reverse(),
            Data::Float(v) => v.reverse(),
            Data::Char(v) => v.reverse(),
        }
    }

    /// Appends `other`'s items (of the same kind).
    pub fn append(&mut self, other: Data) {
        let n = self.len();
        self.splice(n, n, other);
    }

    /// Replaces the items in `start..end` with `new`'s.
    pub fn splice(&mut self, start: usize, end: usize, new: Data) {
        match (self, new) {
            (Data::Int(v), Data::Int(n)) => drop(v.splice(start..end, n)),
            (Data::Float(v), Data::Float(n)) => drop(v.splice(start..end, n)),
            (Data::Char(v), Data::Char(n)) => drop(v.splice(start..end, n)),
            _ => unreachable!("arrays of one typecode"),
        }
    }

    /// The items at `positions`, in that order.
    pub fn pick(&self, positions: &[usize]) -> Data {
        match self {
            Data::Int(v) => Data::Int(positions.iter().map(|&i| v[i]).collect()),
            Data::Float(v) => Data::Float(positions.iter().map(|&i| v[i]).collect()),
            Data::Char(v) => Data::Char(positions.iter().map(|&i| v[i]).collect()),
        }
    }

    pub fn values(&self) -> Vec<Value> {
        (0..self.len()).map(|i| self.get(i).to_value()).collect()
    }

    /// The first position in `start..stop` whose item equals `v`.
    pub fn find(&self, v: &Value, start: usize, stop: usize) -> Option<usize> {
        (start..stop.min(self.len())).find(|&i| self.get(i).equals(v))
    }

    /// Lexicographic order of the items; None when two items are unordered (NaN).
    pub fn compare(&self, other: &Data) -> Option<Ordering> {
        for i in 0..self.len().min(other.len()) {
            match self.get(i).order(&other.get(i)) {
                Some(Ordering::Equal) => continue,
                o => return o,
            }
        }
        Some(self.len().cmp(&other.len()))
    }

    /// The items as the machine stores them.
    pub fn to_bytes(&self, code: char) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() * itemsize(code));
        match self {
            Data::Int(v) => {
                for &n in v {
                    out.extend_from_slice(&n.to_ne_bytes()[int_range(code)]);
                }
            }
            Data::Float(v) => {
                for &x in v {
                    if code == 'f' {
                        out.extend_from_slice(&(x as f32).to_ne_bytes());
                    } else {
                        out.extend_from_slice(&x.to_ne_bytes());
                    }
                }
            }
            Data::Char(v) => {
                for &c in v {
                    out.extend_from_slice(&(c as u32).to_ne_bytes());
                }
            }
        }
        out
    }

    /// Items from machine-order bytes (a whole number of items).
    pub fn from_bytes(code: char, bytes: &[u8]) -> Data {
        let size = itemsize(code);
        let chunks = bytes.chunks_exact(size);
        match code {
            'f' => Data::Float(chunks.map(|c| f32::from_ne_bytes(c.try_into().unwrap_or_default()) as f64).collect()),
            'd' => Data::Float(chunks.map(|c| f64::from_ne_bytes(c.try_into().unwrap_or_default())).collect()),
            'u' => Data::Char(
                chunks
                    .map(|c| char::from_u32(u32::from_ne_bytes(c.try_into().unwrap_or_default())).unwrap_or('\u{fffd}'))
                    .collect(),
            ),
            _ => Data::Int(chunks.map(|c| int_from_bytes(code, c)).collect()),
        }
    }
}

/// Where an item's bytes sit in the native-order bytes of an `i128`.
fn int_range(code: char) -> std::ops::Range<usize> {
    let size = itemsize(code);
    if cfg!(target_endian = "little") {
        0..size
    } else {
        16 - size..16
    }
}

fn int_from_bytes(code: char, c: &[u8]) -> i128 {
    let signed = code.is_ascii_lowercase();
    let mut wide = [0u8; 16];
    let range = int_range(code);
    wide[range.clone()].copy_from_slice(c);
    // Sign-extend: the top byte of the item is its last byte in little-endian order.
    let top = if cfg!(target_endian = "little") { c[c.len() - 1] } else { c[0] };
    if signed && top & 0x80 != 0 {
        for (i, b) in wide.iter_mut().enumerate() {
            if !range.contains(&i) {
                *b = 0xff;
            }
        }
    }
    i128::from_ne_bytes(wide)
}
