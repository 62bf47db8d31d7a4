//! Interned names. Identifiers, attribute names and keyword names become `Symbol`s, so the
//! hot paths compare and hash a `u32` instead of a string.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::fmt;

/// An interned string; cheap to copy, compare and hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

struct Interner {
    ids: FxHashMap<&'static str, Symbol>,
    names: Vec<&'static str>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::with_known_names());
}

impl Interner {
    fn with_known_names() -> Interner {
        let mut i = Interner { ids: FxHashMap::default(), names: Vec::new() };
        for name in KNOWN {
            i.intern(name);
        }
        i
    }

    fn intern(&mut self, s: &str) -> Symbol {
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        // Interned names live for the whole run; leaking gives them a 'static lifetime.
        let s: &'static str = Box::leak(s.to_owned().into_boxed_str());
        let sym = Symbol(self.names.len() as u32);
        self.names.push(s);
        self.ids.insert(s, sym);
        sym
    }
}

pub fn intern(s: &str) -> Symbol {
    INTERNER.with(|i| i.borrow_mut().intern(s))
}

impl Symbol {
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|i| i.borrow().names[self.0 as usize])
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! known_symbols {
    ($($id:ident = $s:literal,)*) => {
        const KNOWN: &[&str] = &[$($s),*];
        /// Names the runtime looks up itself, interned first so they are constants.
        pub mod sym {
            use super::Symbol;
            known_symbols!(@consts 0u32, $($id,)*);
        }
    };
    (@consts $n:expr, $id:ident, $($rest:ident,)*) => {
        pub const $id: Symbol = Symbol($n);
        known_symbols!(@consts $n + 1u32, $($rest,)*);
    };
    (@consts $n:expr,) => {};
}

known_symbols! {
    INIT = "__init__",
    NEW = "__new__",
    REPR = "__repr__",
    STR = "__str__",
    FORMAT = "__format__",
    HASH = "__hash__",
    EQ = "__eq__",
    NE = "__ne__",
    LT = "__lt__",
    LE = "__le__",
    GT = "__gt__",
    GE = "__ge__",
    BOOL = "__bool__",
    LEN = "__len__",
    ITER = "__iter__",
    NEXT = "__next__",
    GETITEM = "__getitem__",
    SETITEM = "__setitem__",
    DELITEM = "__delitem__",
    CONTAINS = "__contains__",
    CALL = "__call__",
    GETATTR = "__getattr__",
    GETATTRIBUTE = "__getattribute__",
    SETATTR = "__setattr__",
    DELATTR = "__delattr__",
    INSTANCECHECK = "__instancecheck__",
    SUBCLASSCHECK = "__subclasscheck__",
    ENTER = "__enter__",
    EXIT = "__exit__",
    AENTER = "__aenter__",
    AEXIT = "__aexit__",
    AITER = "__aiter__",
    ANEXT = "__anext__",
    AWAIT = "__await__",
    NAME = "__name__",
    QUALNAME = "__qualname__",
    MODULE = "__module__",
    DOC = "__doc__",
    DICT = "__dict__",
    CLASS = "__class__",
    CLASS_CELL = "__classcell__",
    INIT_SUBCLASS = "__init_subclass__",
    SET_NAME = "__set_name__",
    GET = "__get__",
    SET = "__set__",
    DELETE = "__delete__",
    NEG = "__neg__",
    POS = "__pos__",
    INVERT = "__invert__",
    ABS = "__abs__",
    INDEX = "__index__",
    INT = "__int__",
    FLOAT = "__float__",
    ROUND = "__round__",
    REVERSED = "__reversed__",
    MISSING = "__missing__",
    SLOTS = "__slots__",
    ANNOTATIONS = "__annotations__",
    ALL = "__all__",
    DIR = "__dir__",
    ARGS = "args",
    SELF = "self",
    MAIN = "__main__",
    BUILTINS = "builtins",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_known_names_are_constants() {
        let a = intern("spam");
        assert_eq!(a, intern("spam"));
        assert_ne!(a, intern("eggs"));
        assert_eq!(a.as_str(), "spam");
        assert_eq!(intern("__init__"), sym::INIT);
        assert_eq!(sym::BUILTINS.as_str(), "builtins");
    }
}
