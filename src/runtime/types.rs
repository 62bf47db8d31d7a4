//! The builtin classes: `object`, `type`, the value types and the exception hierarchy.
//! Built once per thread; `types()` hands out a shared reference.

use crate::intern::{intern, Symbol};
use crate::object::class::{Class, Layout};
use crate::object::iter::NativeIter;
use crate::runtime::exc_type::ExcType;
use crate::value::Value;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;

pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub none: Rc<Class>,
    pub bool: Rc<Class>,
    pub int: Rc<Class>,
    pub float: Rc<Class>,
    pub complex: Rc<Class>,
    pub str: Rc<Class>,
    pub bytes: Rc<Class>,
    pub bytearray: Rc<Class>,
    pub memoryview: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    pub frozenset: Rc<Class>,
    pub range: Rc<Class>,
    pub slice: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    pub method: Rc<Class>,
    pub module: Rc<Class>,
    pub generator: Rc<Class>,
    pub coroutine: Rc<Class>,
    pub async_generator: Rc<Class>,
    pub property: Rc<Class>,
    pub staticmethod: Rc<Class>,
    pub classmethod: Rc<Class>,
    pub super_: Rc<Class>,
    pub ellipsis: Rc<Class>,
    pub not_implemented: Rc<Class>,
    pub cell: Rc<Class>,
    pub code: Rc<Class>,
    pub dict_keys: Rc<Class>,
    pub dict_values: Rc<Class>,
    pub dict_items: Rc<Class>,
    pub wrapper_descriptor: Rc<Class>,
    pub member_descriptor: Rc<Class>,
    pub method_wrapper: Rc<Class>,
    /// The builtin exception classes, indexed by `ExcType`.
    exceptions: Vec<Rc<Class>>,
    /// Iterator classes by their Python name (`list_iterator`, `enumerate`, ...).
    iterators: RefCell<FxHashMap<&'static str, Rc<Class>>>,
}

pub fn new_class(name: &str, bases: Vec<Rc<Class>>, layout: Layout) -> Rc<Class> {
    let mro = crate::object::class::c3_mro(&bases).unwrap_or_default();
    Rc::new(Class::new(intern(name), name.to_string(), crate::intern::sym::BUILTINS, bases, mro, layout))
}

impl Types {
    fn build() -> Types {
        let object = new_class("object", vec![], Layout::Object);
        let b = |name: &str| new_class(name, vec![object.clone()], Layout::Builtin);
        let int = b("int");
        let mut exceptions: Vec<Rc<Class>> = Vec::with_capacity(ExcType::ALL.len());
        for &t in ExcType::ALL {
            let mut bases = match t.base() {
                None => vec![object.clone()],
                Some(base) => vec![exceptions[base as usize].clone()],
            };
            if t == ExcType::ExceptionGroup {
                bases.insert(0, exceptions[ExcType::BaseExceptionGroup as usize].clone());
            }
            exceptions.push(new_class(t.name(), bases, Layout::Exception));
        }
        Types {
            type_: b("type"),
            none: b("NoneType"),
            bool: new_class("bool", vec![int.clone()], Layout::Builtin),
            int,
            float: b("float"),
            complex: b("complex"),
            str: b("str"),
            bytes: b("bytes"),
            bytearray: b("bytearray"),
            memoryview: new_class("memoryview", vec![object.clone()], Layout::Native),
            list: b("list"),
            tuple: b("tuple"),
            dict: b("dict"),
            set: b("set"),
            frozenset: b("frozenset"),
            range: b("range"),
            slice: b("slice"),
            function: b("function"),
            builtin_function: b("builtin_function_or_method"),
            method: b("method"),
            module: b("module"),
            generator: b("generator"),
            coroutine: b("coroutine"),
            async_generator: b("async_generator"),
            property: b("property"),
            staticmethod: b("staticmethod"),
            classmethod: b("classmethod"),
            super_: b("super"),
            ellipsis: b("ellipsis"),
            not_implemented: b("NotImplementedType"),
            cell: b("cell"),
            code: b("code"),
            dict_keys: b("dict_keys"),
            dict_values: b("dict_values"),
            dict_items: b("dict_items"),
            wrapper_descriptor: b("wrapper_descriptor"),
            member_descriptor: b("member_descriptor"),
            method_wrapper: b("method-wrapper"),
            exceptions,
            iterators: RefCell::default(),
            object,
        }
    }

    pub fn exc(&self, t: ExcType) -> &Rc<Class> {
        &self.exceptions[t as usize]
    }

    pub fn iterator_class(&self, it: &NativeIter) -> Rc<Class> {
        let name = it.type_name();
        self.iterators
            .borrow_mut()
            .entry(name)
            .or_insert_with(|| {
                let class = new_class(name, vec![self.object.clone()], Layout::Builtin);
                if !it.is_awaitable() {
                    crate::runtime::define::install_iterator_methods(&class);
                }
                class
            })
            .clone()
    }

    /// The class of a str, list, dict, set or tuple, without counting a reference: the
    /// builtin receivers whose methods a `LoadMethod` can cache by class as it does for
    /// instances (such values have no attributes of their own that could shadow a method),
    /// and whose methods check their receiver by pointer.
    #[inline(always)]
    pub fn plain_class(&self, v: &Value) -> Option<&Rc<Class>> {
        Some(match v {
            Value::Str(_) => &self.str,
            Value::List(_) => &self.list,
            Value::Dict(_) => &self.dict,
            Value::Tuple(_) => &self.tuple,
            Value::Set(s) if !s.frozen => &self.set,
            _ => return None,
        })
    }

    /// The class of any value.
    pub fn class_of(&self, v: &Value) -> Rc<Class> {
        use crate::object::Wrapper;
        match v {
            Value::None | Value::Null => self.none.clone(),
            Value::Bool(_) => self.bool.clone(),
            Value::Int(_) | Value::BigInt(_) => self.int.clone(),
            Value::Float(_) => self.float.clone(),
            Value::Complex(_) => self.complex.clone(),
            Value::Str(_) => self.str.clone(),
            Value::Bytes(b) => {
                if b.mutable {
                    self.bytearray.clone()
                } else {
                    self.bytes.clone()
                }
            }
            Value::List(_) => self.list.clone(),
            Value::Tuple(_) => self.tuple.clone(),
            Value::Dict(_) => self.dict.clone(),
            Value::Set(s) => {
                if s.frozen {
                    self.frozenset.clone()
                } else {
                    self.set.clone()
                }
            }
            Value::Range(_) => self.range.clone(),
            Value::Slice(_) => self.slice.clone(),
            Value::Function(_) => self.function.clone(),
            Value::Native(_) => self.builtin_function.clone(),
            Value::BoundMethod(m) => match &m.func {
                Value::Native(_) => self.builtin_function.clone(),
                Value::Wrapper(w) if matches!(**w, Wrapper::Slot { .. }) => self.method_wrapper.clone(),
                _ => self.method.clone(),
            },
            Value::Class(c) => c.metaclass.clone().unwrap_or_else(|| self.type_.clone()),
            Value::Instance(i) => i.class.clone(),
            Value::Module(_) => self.module.clone(),
            Value::Generator(g) => {
                if g.is_coroutine() {
                    self.coroutine.clone()
                } else if g.is_async_generator() {
                    self.async_generator.clone()
                } else {
                    self.generator.clone()
                }
            }
            Value::Iter(it) => self.iterator_class(&it.borrow()),
            Value::Wrapper(w) => match &**w {
                Wrapper::StaticMethod(_) => self.staticmethod.clone(),
                Wrapper::ClassMethod(_) => self.classmethod.clone(),
                Wrapper::Property { .. } => self.property.clone(),
                Wrapper::Super { .. } => self.super_.clone(),
                Wrapper::BuiltinNew { .. } => self.builtin_function.clone(),
                Wrapper::Slot { .. } => self.wrapper_descriptor.clone(),
                Wrapper::Member { .. } => self.member_descriptor.clone(),
                Wrapper::DictView { kind, .. } => match kind {
                    crate::object::DictViewKind::Keys => self.dict_keys.clone(),
                    crate::object::DictViewKind::Values => self.dict_values.clone(),
                    crate::object::DictViewKind::Items => self.dict_items.clone(),
                },
            },
            Value::Cell(_) => self.cell.clone(),
            Value::Ellipsis => self.ellipsis.clone(),
            Value::NotImplemented => self.not_implemented.clone(),
        }
    }
}

thread_local! {
    static TYPES: &'static Types = Box::leak(Box::new(Types::build()));
}

/// The builtin classes of this thread's interpreter.
pub fn types() -> &'static Types {
    TYPES.with(|t| *t)
}

/// The name of a value's type, as error messages show it.
pub fn type_name(v: &Value) -> Symbol {
    types().class_of(v).name
}
