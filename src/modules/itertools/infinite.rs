//! The infinite iterators: `count`, `cycle` and `repeat`.

use super::args::{bind, positional, ssize};
use super::drive::{cls_arg, finish, iter_of, iterator_class, new_instance, pull, receiver, state, Got, Out, Step};
use crate::ast::BinOp;
use crate::intern::{intern, sym};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::{instance_dunder, repr};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, Flow, PyResult};
use std::rc::Rc;

pub struct Count {
    n: Value,
    step: Value,
}

/// CPython's `PyNumber_Check`: what `count` accepts.
fn is_number(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_) | Value::Complex(_) => true,
        Value::Instance(_) => {
            [sym::INDEX, sym::INT, sym::FLOAT, intern("__complex__")].iter().any(|s| instance_dunder(v, *s).is_some())
        }
        _ => false,
    }
}

impl Step for Count {
    /// The value before the addition: what this step yields.
    type Tag = Value;
    const NAME: &'static str = "count";

    fn step(&mut self, got: Got<Value>) -> PyResult<Out<Value>> {
        if let Got::Value(old, new) = got {
            self.n = new;
            return Ok(Out::Yield(old));
        }
        if let (Value::Int(n), Value::Int(s)) = (&self.n, &self.step) {
            if let Some(next) = n.checked_add(*s) {
                return Ok(Out::Yield(std::mem::replace(&mut self.n, Value::Int(next))));
            }
        }
        match ops::binary(BinOp::Add, &self.n, &self.step) {
            Ok(next) => Ok(Out::Yield(std::mem::replace(&mut self.n, next))),
            Err(Flow::Async(f)) => Ok(Out::Wait(Err(Flow::Async(f)), self.n.clone())),
            Err(e) => Err(e),
        }
    }
}

fn new_count(a: &Args) -> PyResult {
    let cls = cls_arg(a, "count")?;
    let v = bind(a, "count", &["start", "step"], 2, 0)?;
    let n = v[0].clone().unwrap_or(Value::Int(0));
    let step = v[1].clone().unwrap_or(Value::Int(1));
    if !is_number(&n) || !is_number(&step) {
        return Err(type_error("a number is required"));
    }
    Ok(new_instance(&cls, Count { n, step }))
}

fn count_repr(a: &Args) -> PyResult {
    let inst = receiver::<Count>(a, "__repr__")?.clone();
    let (n, step) = {
        let c = state::<Count>(&inst)?;
        (c.n.clone(), c.step.clone())
    };
    run_async(move |ctx| async move {
        let name = inst.class.name;
        let unit = matches!(step, Value::Int(1) | Value::Bool(true));
        Ok(Value::str(if unit {
            format!("{}({})", name, repr(&ctx, &n).await?)
        } else {
            format!("{}({}, {})", name, repr(&ctx, &n).await?, repr(&ctx, &step).await?)
        }))
    })
}

pub fn count_class() -> Rc<Class> {
    let class = iterator_class::<Count>(Some(new_count));
    method(&class, "__repr__", count_repr);
    finish(class)
}

pub struct Cycle {
    /// The iterable's iterator, until it is exhausted.
    it: Option<Value>,
    saved: Vec<Value>,
    index: usize,
}

impl Step for Cycle {
    type Tag = ();
    const NAME: &'static str = "cycle";

    fn step(&mut self, got: Got<()>) -> PyResult<Out<()>> {
        if let Some(it) = &self.it {
            let item = match got {
                Got::Item((), item) => item,
                _ => pull!(it, ()),
            };
            match item {
                Some(v) => {
                    self.saved.push(v.clone());
                    return Ok(Out::Yield(v));
                }
                None => self.it = None,
            }
        }
        if self.saved.is_empty() {
            return Ok(Out::Stop);
        }
        let v = self.saved[self.index].clone();
        self.index = (self.index + 1) % self.saved.len();
        Ok(Out::Yield(v))
    }
}

fn new_cycle(a: &Args) -> PyResult {
    let cls = cls_arg(a, "cycle")?;
    let iterable = positional(a, "cycle", 1, 1)?[0].clone();
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Cycle { it: Some(it), saved: Vec::new(), index: 0 }))
    })
}

pub fn cycle_class() -> Rc<Class> {
    finish(iterator_class::<Cycle>(Some(new_cycle)))
}

pub struct Repeat {
    value: Value,
    /// How many more times; None for ever.
    times: Option<i64>,
}

impl Step for Repeat {
    type Tag = ();
    const NAME: &'static str = "repeat";

    fn step(&mut self, _: Got<()>) -> PyResult<Out<()>> {
        match &mut self.times {
            None => Ok(Out::Yield(self.value.clone())),
            Some(0) => Ok(Out::Stop),
            Some(n) => {
                *n -= 1;
                Ok(Out::Yield(self.value.clone()))
            }
        }
    }
}

fn new_repeat(a: &Args) -> PyResult {
    let cls = cls_arg(a, "repeat")?;
    let v = bind(a, "repeat", &["object", "times"], 2, 1)?;
    let value = v[0].clone().unwrap_or(Value::None);
    match v[1].clone() {
        None => Ok(new_instance(&cls, Repeat { value, times: None })),
        Some(times) => run_async(move |ctx| async move {
            let times = ssize(&ctx, times).await?.max(0);
            Ok(new_instance(&cls, Repeat { value, times: Some(times) }))
        }),
    }
}

fn repeat_repr(a: &Args) -> PyResult {
    let inst = receiver::<Repeat>(a, "__repr__")?.clone();
    let (value, times) = {
        let r = state::<Repeat>(&inst)?;
        (r.value.clone(), r.times)
    };
    run_async(move |ctx| async move {
        let name = inst.class.name;
        let value = repr(&ctx, &value).await?;
        Ok(Value::str(match times {
            None => format!("{}({})", name, value),
            Some(n) => format!("{}({}, {})", name, value, n),
        }))
    })
}

fn repeat_length_hint(a: &Args) -> PyResult {
    let inst = receiver::<Repeat>(a, "__length_hint__")?;
    match state::<Repeat>(inst)?.times {
        None => Err(type_error("len() of unsized object")),
        Some(n) => Ok(Value::Int(n)),
    }
}

pub fn repeat_class() -> Rc<Class> {
    let class = iterator_class::<Repeat>(Some(new_repeat));
    method(&class, "__repr__", repeat_repr);
    method(&class, "__length_hint__", repeat_length_hint);
    finish(class)
}
