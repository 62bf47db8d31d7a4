//! Callables: script functions (code + defaults + closure), native functions and bound methods.

use super::class::Attrs;
use super::module::Module;
use crate::bytecode::Code;
use crate::intern::Symbol;
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

pub struct Function {
    pub code: Rc<Code>,
    pub globals: Rc<Module>,
    /// Defaults of the trailing positional parameters.
    pub defaults: RefCell<Vec<Value>>,
    /// Defaults of keyword-only parameters, by name.
    pub kwdefaults: RefCell<Vec<(Symbol, Value)>>,
    /// Cells of the enclosing scopes' variables this function uses.
    pub closure: Box<[Value]>,
    pub name: RefCell<Symbol>,
    pub qualname: RefCell<String>,
    pub doc: Value,
    /// Attributes set on the function object (`f.calls = 0`).
    pub attrs: RefCell<Attrs>,
}

/// Arguments as natives see them: positional values and keyword pairs.
pub struct Args<'a> {
    pub pos: &'a [Value],
    pub kw: &'a [(Symbol, Value)],
}

pub type NativeFn = fn(&Args) -> PyResult;

pub struct NativeFunction {
    pub name: &'static str,
    /// For methods of builtin types, the type name (`<method 'append' of 'list' objects>`).
    pub owner: Option<&'static str>,
    pub func: NativeFn,
}

pub struct BoundMethod {
    pub receiver: Value,
    pub func: Value,
}

impl BoundMethod {
    /// `==` of methods, as CPython has it: the same receiver object and the same function.
    pub fn same_as(&self, other: &BoundMethod) -> bool {
        self.receiver.is(&other.receiver) && self.func.is(&other.func)
    }
}
