//! `Value`: what a variable or stack slot holds. Immediate for None/bool/int/float, an `Rc`
//! to a heap object otherwise; always 16 bytes.

pub use crate::numeric::complex::Complex;
use crate::object::class::Class;
use crate::object::function::{BoundMethod, Function, NativeFunction};
use crate::object::instance::Instance;
use crate::object::iter::NativeIter;
use crate::object::module::Module;
use crate::object::{Generator, Wrapper};
use compact_str::CompactString;
use num_bigint::BigInt;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone)]
/// The immediate variants come first, so telling them apart from heap references is one
/// comparison of the tag (see `is_immediate`).
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Ellipsis,
    NotImplemented,
    /// Internal marker, never visible to scripts: an unassigned local slot, or the absent
    /// receiver after `LoadMethod` found a plain attribute.
    Null,
    BigInt(Rc<BigInt>),
    Complex(Rc<Complex>),
    Str(Rc<PyStr>),
    /// `bytes` and `bytearray` (told apart by `PyBytes::mutable`, as sets and frozensets are).
    Bytes(Rc<PyBytes>),
    List(Rc<PyList>),
    Tuple(Rc<PyTuple>),
    Dict(Rc<crate::object::dict::PyDict>),
    Set(Rc<crate::object::set::PySet>),
    Range(Rc<PyRange>),
    Slice(Rc<PySlice>),
    Function(Rc<Function>),
    Native(Rc<NativeFunction>),
    BoundMethod(Rc<BoundMethod>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
    Generator(Rc<Generator>),
    Iter(Rc<RefCell<NativeIter>>),
    /// staticmethod / classmethod / property / super objects.
    Wrapper(Rc<Wrapper>),
    /// A closure cell; lives only in frame slots and function closures.
    Cell(Rc<RefCell<Value>>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// The pattern of the immediate variants: held inline, owning nothing.
macro_rules! immediate {
    () => {
        Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Ellipsis
            | Value::NotImplemented
            | Value::Null
    };
}

/// Evaluates `$body` with `$r` bound to the `Rc` inside a non-immediate value (every
/// non-immediate variant holds exactly one); does nothing for an immediate. Immediates are
/// tested first, with one comparison, as they are the common case.
macro_rules! with_rc {
    ($v:expr, $r:ident => $body:expr) => {
        let v = $v;
        if !v.is_immediate() {
            with_rc!(@match v, $r => $body)
        }
    };
    (@match $v:expr, $r:ident => $body:expr) => {
        match $v {
            Value::BigInt($r) => $body,
            Value::Complex($r) => $body,
            Value::Str($r) => $body,
            Value::Bytes($r) => $body,
            Value::List($r) => $body,
            Value::Tuple($r) => $body,
            Value::Dict($r) => $body,
            Value::Set($r) => $body,
            Value::Range($r) => $body,
            Value::Slice($r) => $body,
            Value::Function($r) => $body,
            Value::Native($r) => $body,
            Value::BoundMethod($r) => $body,
            Value::Class($r) => $body,
            Value::Instance($r) => $body,
            Value::Module($r) => $body,
            Value::Generator($r) => $body,
            Value::Iter($r) => $body,
            Value::Wrapper($r) => $body,
            Value::Cell($r) => $body,
            immediate!() => {}
        }
    };
}

impl Value {
    /// Whether the value is held inline, with no heap object to count references of.
    #[inline(always)]
    pub fn is_immediate(&self) -> bool {
        matches!(self, immediate!())
    }

    /// `clone`, with the immediate case inlined into the caller (the interpreter's hot paths
    /// mostly copy ints and bools).
    ///
    /// Every other variant is one `Rc`, so a clone is a reference-count increment plus a
    /// bitwise copy, done inline: an out-of-line `clone` returns the value through memory,
    /// and reading it back in pieces stalls on store forwarding.
    #[inline(always)]
    pub fn fast_clone(&self) -> Value {
        self.retain();
        // SAFETY: immediates own nothing, and the `Rc` of any other variant was just
        // incremented, so the bitwise copy is a complete clone.
        unsafe { std::ptr::read(self) }
    }

    /// Adds one strong reference to the `Rc` a non-immediate value holds (nothing for an
    /// immediate), for a bitwise copy the caller makes to own; otherwise the count leaks.
    #[inline(always)]
    pub fn retain(&self) {
        with_rc!(self, r => std::mem::forget(Rc::clone(r)));
    }
}

/// Drops a value, with the immediate case (nothing to release) and the reference-count
/// decrement inlined into the caller; only freeing an object is out of line.
#[inline(always)]
pub fn fast_drop(mut v: Value) {
    // SAFETY: `v` is dropped in place once here and forgotten afterwards.
    unsafe { fast_drop_in_place(&mut v) };
    std::mem::forget(v);
}

/// Drops the value at `p` in place, as `fast_drop` does.
///
/// # Safety
/// `p` must point to an initialized value that is never used again.
#[inline(always)]
pub unsafe fn fast_drop_in_place(p: *mut Value) {
    with_rc!(&mut *p, r => std::ptr::drop_in_place(r));
}

/// An immutable string with a cached hash and code-point count (indexing is by code point).
pub struct PyStr {
    /// Short texts are held inline: most strings cost one allocation, not two.
    pub s: CompactString,
    /// Number of code points; equals `s.len()` for ASCII strings.
    pub chars: usize,
    /// The hash once computed; `NO_HASH` before (no string hashes to -1).
    hash: Cell<i64>,
}

const NO_HASH: i64 = -1;

impl PyStr {
    pub fn new(s: impl Into<CompactString>) -> PyStr {
        let s = s.into();
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        PyStr::with_chars(s, chars)
    }

    /// A string whose code points were counted from the parts it was built of, saving a
    /// scan of the text.
    pub fn with_chars(s: CompactString, chars: usize) -> PyStr {
        debug_assert_eq!(s.chars().count(), chars);
        PyStr { s, chars, hash: Cell::new(NO_HASH) }
    }

    /// `self + other`. A short result is laid out on the stack and stored inline; a long
    /// one is built in a `String` whose buffer the `CompactString` keeps.
    pub fn concat(&self, other: &PyStr) -> PyStr {
        const INLINE: usize = std::mem::size_of::<CompactString>();
        let (a, b) = (self.s.as_bytes(), other.s.as_bytes());
        let len = a.len() + b.len();
        let s = if len <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..a.len()].copy_from_slice(a);
            buf[a.len()..len].copy_from_slice(b);
            // SAFETY: two whole UTF-8 strings laid end to end are UTF-8.
            CompactString::new(unsafe { std::str::from_utf8_unchecked(&buf[..len]) })
        } else {
            let mut s = String::with_capacity(len);
            s.push_str(&self.s);
            s.push_str(&other.s);
            CompactString::from(s)
        };
        PyStr::with_chars(s, self.chars + other.chars)
    }

    pub fn is_ascii(&self) -> bool {
        self.chars == self.s.len()
    }

    #[inline]
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != NO_HASH {
            return h;
        }
        let h = crate::object::hash::hash_str(&self.s);
        self.hash.set(h);
        h
    }

    /// Byte offset of the code point at `index` (which may equal `chars`).
    pub fn byte_offset(&self, index: usize) -> usize {
        if self.is_ascii() {
            index
        } else {
            self.s.char_indices().nth(index).map(|(i, _)| i).unwrap_or(self.s.len())
        }
    }
}

/// A `bytes` or `bytearray`. Only a bytearray's data ever changes; a bytes caches its hash.
pub struct PyBytes {
    pub data: RefCell<Vec<u8>>,
    /// `bytearray`, not `bytes`.
    pub mutable: bool,
    hash: Cell<i64>,
}

impl PyBytes {
    pub fn new(data: Vec<u8>, mutable: bool) -> PyBytes {
        PyBytes { data: RefCell::new(data), mutable, hash: Cell::new(NO_HASH) }
    }

    /// The hash of a `bytes` (the same as the str of the same Latin-1 text would not be:
    /// CPython hashes the bytes themselves).
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != NO_HASH {
            return h;
        }
        let h = crate::object::hash::hash_bytes(&self.data.borrow());
        self.hash.set(h);
        h
    }
}

pub struct PyList {
    pub items: RefCell<Vec<Value>>,
}

pub struct PyTuple {
    pub items: Box<[Value]>,
}

/// `range(start, stop, step)`, with `step != 0`.
pub struct PyRange {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl PyRange {
    pub fn len(&self) -> i64 {
        let (lo, hi, step) =
            if self.step > 0 { (self.start, self.stop, self.step) } else { (self.stop, self.start, -self.step) };
        if lo >= hi {
            0
        } else {
            (hi - lo - 1) / step + 1
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

pub struct PySlice {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

impl Value {
    pub fn str(s: impl Into<CompactString>) -> Value {
        Value::Str(Rc::new(PyStr::new(s)))
    }

    pub fn bytes(data: Vec<u8>) -> Value {
        Value::Bytes(Rc::new(PyBytes::new(data, false)))
    }

    pub fn bytearray(data: Vec<u8>) -> Value {
        Value::Bytes(Rc::new(PyBytes::new(data, true)))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(PyList { items: RefCell::new(items) }))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(PyTuple { items: items.into_boxed_slice() }))
    }

    pub fn complex(re: f64, im: f64) -> Value {
        Value::Complex(Rc::new(Complex::new(re, im)))
    }

    pub fn from_bigint(v: BigInt) -> Value {
        use num_traits::ToPrimitive;
        match v.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(v)),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Identity (`is`): same immediate value or same heap object.
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (Ellipsis, Ellipsis) | (NotImplemented, NotImplemented) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            _ => match (self.heap_ptr(), other.heap_ptr()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// Address of the heap object, for identity, `id()` and default hashing.
    pub fn heap_ptr(&self) -> Option<usize> {
        use Value::*;
        Some(match self {
            BigInt(r) => Rc::as_ptr(r) as *const u8 as usize,
            Complex(r) => Rc::as_ptr(r) as *const u8 as usize,
            Str(r) => Rc::as_ptr(r) as *const u8 as usize,
            Bytes(r) => Rc::as_ptr(r) as *const u8 as usize,
            List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Tuple(r) => Rc::as_ptr(r) as *const u8 as usize,
            Dict(r) => Rc::as_ptr(r) as *const u8 as usize,
            Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            Range(r) => Rc::as_ptr(r) as *const u8 as usize,
            Slice(r) => Rc::as_ptr(r) as *const u8 as usize,
            Function(r) => Rc::as_ptr(r) as *const u8 as usize,
            Native(r) => Rc::as_ptr(r) as *const u8 as usize,
            BoundMethod(r) => Rc::as_ptr(r) as *const u8 as usize,
            Class(r) => Rc::as_ptr(r) as *const u8 as usize,
            Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
            Module(r) => Rc::as_ptr(r) as *const u8 as usize,
            Generator(r) => Rc::as_ptr(r) as *const u8 as usize,
            Iter(r) => Rc::as_ptr(r) as *const u8 as usize,
            Wrapper(r) => Rc::as_ptr(r) as *const u8 as usize,
            Cell(r) => Rc::as_ptr(r) as *const u8 as usize,
            _ => return Option::None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(&s.s),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::str(s)
    }
}
