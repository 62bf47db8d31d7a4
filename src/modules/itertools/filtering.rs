//! The iterators that run a function or a test over each item: `accumulate`, `compress`,
//! `dropwhile`, `takewhile`, `filterfalse` and `starmap`.

use super::args::{bind, positional};
use super::drive::{cls_arg, finish, iter_of, iterator_class, new_instance, pull, truth, Got, Out, Step};
use crate::ast::BinOp;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::protocol::iterate;
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{ops, PyResult};
use std::rc::Rc;

pub struct Accumulate {
    it: Value,
    func: Value,
    total: Option<Value>,
    /// The `initial` value, until it is yielded.
    initial: Option<Value>,
}

pub enum AccTag {
    Item,
    Total,
}

impl Step for Accumulate {
    type Tag = AccTag;
    const NAME: &'static str = "accumulate";

    fn step(&mut self, got: Got<AccTag>) -> PyResult<Out<AccTag>> {
        let item = match got {
            Got::Value(_, total) => {
                self.total = Some(total.clone());
                return Ok(Out::Yield(total));
            }
            Got::Item(_, item) => item,
            Got::Start => {
                if let Some(v) = self.initial.take() {
                    self.total = Some(v.clone());
                    return Ok(Out::Yield(v));
                }
                pull!(&self.it, AccTag::Item)
            }
        };
        let Some(v) = item else { return Ok(Out::Stop) };
        let Some(total) = &self.total else {
            self.total = Some(v.clone());
            return Ok(Out::Yield(v));
        };
        if !self.func.is_none() {
            return Ok(Out::Call(self.func.clone(), vec![total.clone(), v], AccTag::Total));
        }
        if let (Value::Int(x), Value::Int(y)) = (total, &v) {
            if let Some(sum) = x.checked_add(*y) {
                self.total = Some(Value::Int(sum));
                return Ok(Out::Yield(Value::Int(sum)));
            }
        }
        Ok(Out::Wait(ops::binary(BinOp::Add, total, &v), AccTag::Total))
    }
}

fn new_accumulate(a: &Args) -> PyResult {
    let cls = cls_arg(a, "accumulate")?;
    let v = bind(a, "accumulate", &["iterable", "func", "initial"], 2, 1)?;
    let iterable = v[0].clone().unwrap_or(Value::None);
    let func = v[1].clone().unwrap_or(Value::None);
    let initial = v[2].clone().filter(|v| !v.is_none());
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Accumulate { it, func, total: None, initial }))
    })
}

pub fn accumulate_class() -> Rc<Class> {
    finish(iterator_class::<Accumulate>(Some(new_accumulate)))
}

pub struct Compress {
    data: Value,
    selectors: Value,
}

pub enum CompressTag {
    Datum,
    Selector(Value),
    Truth(Value),
}

impl Step for Compress {
    type Tag = CompressTag;
    const NAME: &'static str = "compress";

    fn step(&mut self, mut got: Got<CompressTag>) -> PyResult<Out<CompressTag>> {
        loop {
            let (datum, selector) = match got {
                Got::Value(CompressTag::Truth(d), ok) => {
                    if matches!(ok, Value::Bool(true)) {
                        return Ok(Out::Yield(d));
                    }
                    got = Got::Start;
                    continue;
                }
                Got::Item(CompressTag::Selector(d), s) => (d, s),
                Got::Item(CompressTag::Datum, None) => return Ok(Out::Stop),
                Got::Item(CompressTag::Datum, Some(d)) => {
                    let s = pull!(&self.selectors, CompressTag::Selector(d.clone()));
                    (d, s)
                }
                _ => {
                    let Some(d) = pull!(&self.data, CompressTag::Datum) else { return Ok(Out::Stop) };
                    let s = pull!(&self.selectors, CompressTag::Selector(d.clone()));
                    (d, s)
                }
            };
            let Some(s) = selector else { return Ok(Out::Stop) };
            match ops::truthy(&s) {
                Some(true) => return Ok(Out::Yield(datum)),
                Some(false) => got = Got::Start,
                None => return Ok(Out::Wait(truth(s), CompressTag::Truth(datum))),
            }
        }
    }
}

fn new_compress(a: &Args) -> PyResult {
    let cls = cls_arg(a, "compress")?;
    let v = bind(a, "compress", &["data", "selectors"], 2, 2)?;
    let (data, selectors) = (v[0].clone().unwrap_or(Value::None), v[1].clone().unwrap_or(Value::None));
    run_async(move |ctx| async move {
        let data = iter_of(&ctx, &data).await?;
        let selectors = iter_of(&ctx, &selectors).await?;
        Ok(new_instance(&cls, Compress { data, selectors }))
    })
}

pub fn compress_class() -> Rc<Class> {
    finish(iterator_class::<Compress>(Some(new_compress)))
}

/// `dropwhile`, `takewhile` and `filterfalse`: a predicate tested on each item.
pub struct Predicate<const KIND: u8> {
    func: Value,
    it: Value,
    /// `dropwhile`: the predicate has failed once; `takewhile`: it has, and this is done.
    done: bool,
}

pub const DROPWHILE: u8 = 0;
pub const TAKEWHILE: u8 = 1;
pub const FILTERFALSE: u8 = 2;

pub enum PredTag {
    Item,
    Result(Value),
    Truth(Value),
}

impl<const KIND: u8> Step for Predicate<KIND> {
    type Tag = PredTag;
    const NAME: &'static str = match KIND {
        DROPWHILE => "dropwhile",
        TAKEWHILE => "takewhile",
        _ => "filterfalse",
    };

    fn step(&mut self, mut got: Got<PredTag>) -> PyResult<Out<PredTag>> {
        loop {
            let (item, ok) = match got {
                Got::Start if KIND == TAKEWHILE && self.done => return Ok(Out::Stop),
                Got::Start => {
                    let item = pull!(&self.it, PredTag::Item);
                    got = Got::Item(PredTag::Item, item);
                    continue;
                }
                Got::Item(_, None) => return Ok(Out::Stop),
                Got::Item(_, Some(item)) => {
                    if KIND == DROPWHILE && self.done {
                        return Ok(Out::Yield(item));
                    }
                    let plain = KIND == FILTERFALSE
                        && (self.func.is_none()
                            || matches!(&self.func, Value::Class(c) if Rc::ptr_eq(c, &types().bool)));
                    if !plain {
                        return Ok(Out::Call(self.func.clone(), vec![item.clone()], PredTag::Result(item)));
                    }
                    (item.clone(), item)
                }
                Got::Value(PredTag::Result(item), ok) => (item, ok),
                Got::Value(PredTag::Truth(item), ok) => match ok {
                    Value::Bool(ok) => match self.decide(item, ok) {
                        Some(out) => return Ok(out),
                        None => {
                            got = Got::Start;
                            continue;
                        }
                    },
                    _ => return Ok(Out::Stop),
                },
                Got::Value(PredTag::Item, _) => return Ok(Out::Stop),
            };
            match ops::truthy(&ok) {
                Some(ok) => match self.decide(item, ok) {
                    Some(out) => return Ok(out),
                    None => got = Got::Start,
                },
                None => return Ok(Out::Wait(truth(ok), PredTag::Truth(item))),
            }
        }
    }
}

impl<const KIND: u8> Predicate<KIND> {
    /// What an item whose test came out `ok` gives: None to go on to the next item.
    fn decide(&mut self, item: Value, ok: bool) -> Option<Out<PredTag>> {
        match KIND {
            DROPWHILE if ok => None,
            DROPWHILE => {
                self.done = true;
                Some(Out::Yield(item))
            }
            TAKEWHILE if ok => Some(Out::Yield(item)),
            TAKEWHILE => {
                self.done = true;
                Some(Out::Stop)
            }
            _ if ok => None,
            _ => Some(Out::Yield(item)),
        }
    }
}

fn new_predicate<const KIND: u8>(a: &Args) -> PyResult {
    let name = <Predicate<KIND> as Step>::NAME;
    let cls = cls_arg(a, name)?;
    let v = positional(a, name, 2, 2)?;
    let (func, iterable) = (v[0].clone(), v[1].clone());
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Predicate::<KIND> { func, it, done: false }))
    })
}

pub fn predicate_class<const KIND: u8>() -> Rc<Class> {
    finish(iterator_class::<Predicate<KIND>>(Some(new_predicate::<KIND>)))
}

pub struct Starmap {
    func: Value,
    it: Value,
}

pub enum StarTag {
    Item,
    Args,
    Result,
}

impl Step for Starmap {
    type Tag = StarTag;
    const NAME: &'static str = "starmap";

    fn step(&mut self, got: Got<StarTag>) -> PyResult<Out<StarTag>> {
        let args = match got {
            Got::Value(StarTag::Result, v) => return Ok(Out::Yield(v)),
            Got::Value(_, args) => args,
            Got::Item(_, None) => return Ok(Out::Stop),
            Got::Item(_, Some(args)) => args,
            Got::Start => match pull!(&self.it, StarTag::Item) {
                Some(args) => args,
                None => return Ok(Out::Stop),
            },
        };
        let args = match &args {
            Value::Tuple(t) => t.items.to_vec(),
            Value::List(l) => l.items.borrow().clone(),
            _ => {
                return Ok(Out::Wait(
                    run_async(move |ctx| async move { Ok(Value::tuple(iterate(&ctx, &args).await?)) }),
                    StarTag::Args,
                ))
            }
        };
        Ok(Out::Call(self.func.clone(), args, StarTag::Result))
    }
}

fn new_starmap(a: &Args) -> PyResult {
    let cls = cls_arg(a, "starmap")?;
    let v = positional(a, "starmap", 2, 2)?;
    let (func, iterable) = (v[0].clone(), v[1].clone());
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Starmap { func, it }))
    })
}

pub fn starmap_class() -> Rc<Class> {
    finish(iterator_class::<Starmap>(Some(new_starmap)))
}
