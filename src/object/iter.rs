//! Iterators implemented natively: over builtin containers, and the lazy builtins
//! (`enumerate`, `zip`, `map`, `filter`, `reversed`).

use super::dict::PyDict;
use super::set::PySet;
use super::DictViewKind;
use crate::runtime::coroutine::async_generators::AsyncGenStep;
use crate::runtime::coroutine::Awaitable;
use crate::value::{PyBytes, PyList, PyStr, PyTuple, Value};
use std::rc::Rc;

pub enum NativeIter {
    List {
        list: Rc<PyList>,
        index: usize,
    },
    Tuple {
        tuple: Rc<PyTuple>,
        index: usize,
    },
    Str {
        s: Rc<PyStr>,
        byte: usize,
    },
    Bytes {
        bytes: Rc<PyBytes>,
        index: usize,
    },
    Range {
        next: i64,
        remaining: i64,
        step: i64,
    },
    Dict {
        dict: Rc<PyDict>,
        kind: DictViewKind,
        index: usize,
        len: usize,
    },
    /// A set's keys, by table slot; `len` is the set's size when iteration began.
    Set {
        set: Rc<PySet>,
        pos: usize,
        len: usize,
    },
    /// A snapshot of values (`reversed` of a list, ...).
    Values {
        items: Vec<Value>,
        index: usize,
    },
    Enumerate {
        inner: Value,
        count: i64,
    },
    Zip {
        inners: Vec<Value>,
    },
    Map {
        func: Value,
        inners: Vec<Value>,
    },
    Filter {
        func: Value,
        inner: Value,
    },
    /// `iter(func, sentinel)`: `func()` until it returns the sentinel.
    Callable {
        func: Value,
        sentinel: Value,
    },
    /// The old protocol: `obj[0]`, `obj[1]`, ... until IndexError.
    GetItem {
        obj: Value,
        index: i64,
    },
    /// A native awaitable (`await future`, `asyncio.sleep(...)`, `queue.get()`, ...).
    Awaitable(Box<dyn Awaitable>),
    /// `await agen.__anext__()` and the other steps of an async generator.
    AsyncGen(Box<AsyncGenStep>),
    Exhausted,
}

impl NativeIter {
    /// The type name Python shows for this iterator.
    pub fn type_name(&self) -> &'static str {
        match self {
            NativeIter::List { .. } => "list_iterator",
            NativeIter::Tuple { .. } => "tuple_iterator",
            NativeIter::Str { .. } => "str_ascii_iterator",
            NativeIter::Bytes { bytes, .. } => {
                if bytes.mutable {
                    "bytearray_iterator"
                } else {
                    "bytes_iterator"
                }
            }
            NativeIter::Range { .. } => "range_iterator",
            NativeIter::Dict { kind: DictViewKind::Keys, .. } => "dict_keyiterator",
            NativeIter::Dict { kind: DictViewKind::Values, .. } => "dict_valueiterator",
            NativeIter::Dict { kind: DictViewKind::Items, .. } => "dict_itemiterator",
            NativeIter::Values { .. } => "iterator",
            NativeIter::Set { .. } => "set_iterator",
            NativeIter::Enumerate { .. } => "enumerate",
            NativeIter::Zip { .. } => "zip",
            NativeIter::Map { .. } => "map",
            NativeIter::Filter { .. } => "filter",
            NativeIter::GetItem { .. } => "iterator",
            NativeIter::Callable { .. } => "callable_iterator",
            NativeIter::Awaitable(a) => a.type_name(),
            NativeIter::AsyncGen(step) => step.type_name(),
            NativeIter::Exhausted => "iterator",
        }
    }
}

/// One step of a native iterator that needs no script code.
pub enum Step {
    Item(Value),
    Done,
    /// The next item needs script code (a generator, a mapped function): use the async path.
    NeedsVm,
}

impl NativeIter {
    /// Whether this is an awaitable step sequence (driven by `await`, not by `for`).
    pub fn is_awaitable(&self) -> bool {
        matches!(self, NativeIter::Awaitable(_) | NativeIter::AsyncGen(_))
    }

    /// Whether this stands for a coroutine object of a native `async def` (`asyncio.sleep`,
    /// `Queue.get`, ...).
    pub fn is_native_coroutine(&self) -> bool {
        matches!(self, NativeIter::Awaitable(a) if a.is_coroutine())
    }

    /// The next item, if no script code is needed for it. Lists and ranges, the common `for`
    /// loops, are stepped inline in the caller (the interpreter); the rest out of line.
    #[inline(always)]
    pub fn next_simple(&mut self) -> Step {
        match self.next_inline() {
            Some(step) => step,
            None => self.next_other(),
        }
    }

    /// The next item of a list or range iterator; None for other iterators.
    #[inline(always)]
    fn next_inline(&mut self) -> Option<Step> {
        let step = match self {
            NativeIter::List { list, index } => match list.items.borrow().get(*index) {
                Some(v) => {
                    *index += 1;
                    Step::Item(v.fast_clone())
                }
                None => Step::Done,
            },
            NativeIter::Range { next, remaining, step } => {
                if *remaining <= 0 {
                    Step::Done
                } else {
                    let v = *next;
                    *next = next.wrapping_add(*step);
                    *remaining -= 1;
                    Step::Item(Value::Int(v))
                }
            }
            _ => return None,
        };
        if let Step::Done = step {
            *self = NativeIter::Exhausted;
        }
        Some(step)
    }

    #[inline(never)]
    fn next_other(&mut self) -> Step {
        let step = match self {
            NativeIter::Tuple { tuple, index } => match tuple.items.get(*index) {
                Some(v) => {
                    *index += 1;
                    Step::Item(v.clone())
                }
                None => Step::Done,
            },
            NativeIter::Str { s, byte } => match s.s[*byte..].chars().next() {
                Some(c) => {
                    *byte += c.len_utf8();
                    Step::Item(Value::str(c.to_string()))
                }
                None => Step::Done,
            },
            // A size change is reported by the async path (`mutated_error`).
            NativeIter::Dict { dict, len, .. } if dict.len() != *len => return Step::NeedsVm,
            NativeIter::Set { set, len, .. } if set.len() != *len => return Step::NeedsVm,
            NativeIter::Set { set, pos, .. } => match set.items.borrow().next_from(*pos) {
                Some((k, next)) => {
                    *pos = next;
                    Step::Item(k.value.clone())
                }
                None => Step::Done,
            },
            NativeIter::Bytes { bytes, index } => match bytes.data.borrow().get(*index) {
                Some(&b) => {
                    *index += 1;
                    Step::Item(Value::Int(b as i64))
                }
                None => Step::Done,
            },
            NativeIter::Dict { dict, kind, index, .. } => {
                let map = dict.map.borrow();
                match map.get_index(*index) {
                    Some((k, v)) => {
                        *index += 1;
                        Step::Item(match kind {
                            DictViewKind::Keys => k.value.clone(),
                            DictViewKind::Values => v.clone(),
                            DictViewKind::Items => Value::tuple(vec![k.value.clone(), v.clone()]),
                        })
                    }
                    None => Step::Done,
                }
            }
            NativeIter::Values { items, index } => match items.get(*index) {
                Some(v) => {
                    *index += 1;
                    Step::Item(v.clone())
                }
                None => Step::Done,
            },
            NativeIter::Enumerate { inner, count } => match simple_next_of(inner) {
                Step::Item(v) => {
                    let c = *count;
                    *count += 1;
                    Step::Item(Value::tuple(vec![Value::Int(c), v]))
                }
                other => other,
            },
            NativeIter::Zip { inners } if inners.is_empty() => Step::Done,
            NativeIter::Zip { inners } => {
                // Only when every inner step is sure not to need the VM, so none is lost.
                if !inners.iter().all(is_container_iter) {
                    return Step::NeedsVm;
                }
                let mut items = Vec::with_capacity(inners.len());
                for it in inners.iter() {
                    match simple_next_of(it) {
                        Step::Item(v) => items.push(v),
                        other => return other,
                    }
                }
                Step::Item(Value::tuple(items))
            }
            NativeIter::Map { .. }
            | NativeIter::Callable { .. }
            | NativeIter::Filter { .. }
            | NativeIter::GetItem { .. }
            | NativeIter::Awaitable(_)
            | NativeIter::AsyncGen(_) => Step::NeedsVm,
            NativeIter::Exhausted => Step::Done,
            NativeIter::List { .. } | NativeIter::Range { .. } => unreachable!("next_simple steps these inline"),
        };
        if let Step::Done = step {
            *self = NativeIter::Exhausted;
        }
        step
    }
}

/// A simple step of an inner iterator value, if it is a native iterator.
/// A step of a `map` of a script function over one container iterator, which the
/// interpreter takes as a call of the function.
pub enum MapStep {
    /// Call this function with this item: the result is the map's item.
    Call(Value, Value),
    Done,
    /// Not such a map: take the general path.
    Other,
}

impl NativeIter {
    pub fn map_step(&mut self) -> MapStep {
        let NativeIter::Map { func: func @ Value::Function(_), inners } = self else { return MapStep::Other };
        let [inner] = &inners[..] else { return MapStep::Other };
        if !is_container_iter(inner) {
            return MapStep::Other;
        }
        match simple_next_of(inner) {
            Step::Item(v) => MapStep::Call(func.clone(), v),
            Step::Done => {
                *self = NativeIter::Exhausted;
                MapStep::Done
            }
            Step::NeedsVm => MapStep::Other,
        }
    }
}

fn simple_next_of(v: &Value) -> Step {
    match v {
        Value::Iter(it) => it.borrow_mut().next_simple(),
        _ => Step::NeedsVm,
    }
}

/// Whether taking an item of the iterator `v` runs script code: a generator, an object
/// with a `__next__`, or a native iterator that calls a function or steps one of those.
pub fn steps_script_code(v: &Value) -> bool {
    match v {
        Value::Generator(g) => g.is_plain_generator(),
        Value::Instance(_) => true,
        Value::Iter(it) => match &*it.borrow() {
            NativeIter::Map { .. } | NativeIter::Filter { .. } | NativeIter::Callable { .. } => true,
            NativeIter::GetItem { .. } => true,
            NativeIter::Enumerate { inner, .. } => steps_script_code(inner),
            NativeIter::Zip { inners } => inners.iter().any(steps_script_code),
            _ => false,
        },
        _ => false,
    }
}

/// An iterator over a builtin container: every step is native.
pub fn is_container_iter(v: &Value) -> bool {
    match v {
        Value::Iter(it) => matches!(
            *it.borrow(),
            NativeIter::List { .. }
                | NativeIter::Tuple { .. }
                | NativeIter::Str { .. }
                | NativeIter::Bytes { .. }
                | NativeIter::Range { .. }
                | NativeIter::Dict { .. }
                | NativeIter::Set { .. }
                | NativeIter::Values { .. }
                | NativeIter::Exhausted
        ),
        _ => false,
    }
}
