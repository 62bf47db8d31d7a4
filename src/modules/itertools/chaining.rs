//! The iterators that join, cut or pair up other iterators: `chain`, `islice`, `pairwise`
//! and `zip_longest`.

use super::args::{positional, ssize};
use super::drive::{cls_arg, fast_next, finish, iter_of, iterator_class, new_instance, pull, Got, Out, Step};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::Wrapper;
use crate::runtime::define::native;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::get_iter;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

pub struct Chain {
    /// The iterator of iterables, until it is exhausted or fails.
    source: Option<Value>,
    active: Option<Value>,
}

pub enum ChainTag {
    Iterable,
    Iter,
    Item,
}

impl Step for Chain {
    type Tag = ChainTag;
    const NAME: &'static str = "chain";

    fn step(&mut self, mut got: Got<ChainTag>) -> PyResult<Out<ChainTag>> {
        // The common case first: the next item of a list or a range.
        if let (Got::Start, Some(active)) = (&got, &self.active) {
            if let Some(Some(v)) = fast_next(active) {
                return Ok(Out::Yield(v));
            }
        }
        loop {
            match std::mem::replace(&mut got, Got::Start) {
                Got::Item(ChainTag::Item, Some(v)) => return Ok(Out::Yield(v)),
                Got::Item(ChainTag::Item, None) => self.active = None,
                Got::Item(_, None) => {
                    self.source = None;
                    return Ok(Out::Stop);
                }
                Got::Item(_, Some(iterable)) => match get_iter(&iterable) {
                    Ok(it) => self.active = Some(it),
                    Err(Flow::Async(f)) => return Ok(Out::Wait(Err(Flow::Async(f)), ChainTag::Iter)),
                    Err(e) => {
                        self.source = None;
                        return Err(e);
                    }
                },
                Got::Value(_, it) => self.active = Some(it),
                Got::Start => {}
            }
            if let Some(active) = &self.active {
                got = Got::Item(ChainTag::Item, pull!(active, ChainTag::Item));
                continue;
            }
            let Some(source) = &self.source else { return Ok(Out::Stop) };
            got = Got::Item(ChainTag::Iterable, pull!(source, ChainTag::Iterable));
        }
    }

    fn failed(&mut self, tag: ChainTag) {
        if !matches!(tag, ChainTag::Item) {
            self.source = None;
        }
    }
}

fn new_chain(a: &Args) -> PyResult {
    let cls = cls_arg(a, "chain")?;
    let iterables = positional(a, "chain", 0, usize::MAX)?;
    let source = get_iter(&Value::tuple(iterables.to_vec()))?;
    Ok(new_instance(&cls, Chain { source: Some(source), active: None }))
}

fn from_iterable(a: &Args) -> PyResult {
    if a.pos.len() != 2 || !a.kw.is_empty() {
        if !a.kw.is_empty() {
            return Err(type_error("chain.from_iterable() takes no keyword arguments"));
        }
        let n = a.pos.len().saturating_sub(1);
        return Err(type_error(format!("chain.from_iterable() takes exactly one argument ({} given)", n)));
    }
    let cls = cls_arg(a, "chain")?;
    let iterable = a.pos[1].clone();
    run_async(move |ctx| async move {
        let source = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Chain { source: Some(source), active: None }))
    })
}

pub fn chain_class() -> Rc<Class> {
    let class = iterator_class::<Chain>(Some(new_chain));
    let from = Value::Wrapper(Rc::new(Wrapper::ClassMethod(native("from_iterable", from_iterable))));
    class.attrs.borrow_mut().insert(intern("from_iterable"), from);
    let class_getitem = native("__class_getitem__", |a| {
        crate::runtime::args::check_args(a, "__class_getitem__", 2, 2)?;
        Ok(crate::runtime::generic_alias::generic_alias(a.pos[0].clone(), &a.pos[1]))
    });
    let class_getitem = Value::Wrapper(Rc::new(Wrapper::ClassMethod(class_getitem)));
    class.attrs.borrow_mut().insert(intern("__class_getitem__"), class_getitem);
    finish(class)
}

pub struct Islice {
    /// The iterator, until it is exhausted or fails.
    it: Option<Value>,
    /// The position of the next item to yield, the items taken so far, the end.
    next: i64,
    count: i64,
    stop: Option<i64>,
    step: i64,
}

pub enum SliceTag {
    Skip,
    Item,
}

impl Step for Islice {
    type Tag = SliceTag;
    const NAME: &'static str = "islice";

    fn step(&mut self, got: Got<SliceTag>) -> PyResult<Out<SliceTag>> {
        if self.it.is_none() {
            return Ok(Out::Stop);
        }
        match got {
            Got::Item(_, None) => return Ok(self.exhausted()),
            Got::Item(SliceTag::Skip, Some(_)) => self.count += 1,
            Got::Item(SliceTag::Item, Some(v)) => return Ok(self.produce(v)),
            _ => {}
        }
        while self.count < self.next {
            let Some(it) = &self.it else { return Ok(Out::Stop) };
            if pull!(it, SliceTag::Skip).is_none() {
                return Ok(self.exhausted());
            }
            self.count += 1;
        }
        if self.stop.is_some_and(|stop| self.count >= stop) {
            return Ok(self.exhausted());
        }
        let Some(it) = &self.it else { return Ok(Out::Stop) };
        match pull!(it, SliceTag::Item) {
            Some(v) => Ok(self.produce(v)),
            None => Ok(self.exhausted()),
        }
    }

    fn failed(&mut self, _: SliceTag) {
        self.it = None;
    }
}

impl Islice {
    fn exhausted(&mut self) -> Out<SliceTag> {
        self.it = None;
        Out::Stop
    }

    fn produce(&mut self, v: Value) -> Out<SliceTag> {
        self.count += 1;
        self.next = match (self.next.checked_add(self.step), self.stop) {
            (Some(n), Some(stop)) if n > stop => stop,
            (Some(n), _) => n,
            (None, stop) => stop.unwrap_or(i64::MAX),
        };
        Out::Yield(v)
    }
}

const STOP_MSG: &str = "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
const INDEX_MSG: &str = "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";

fn new_islice(a: &Args) -> PyResult {
    let cls = cls_arg(a, "islice")?;
    let v = positional(a, "islice", 2, 4)?.to_vec();
    run_async(move |ctx| async move {
        // CPython's PyNumber_AsSsize_t with its errors cleared: anything but a fitting
        // integer is -1.
        let number = |v: Value| {
            let ctx = ctx.clone();
            async move {
                if v.is_none() {
                    return None;
                }
                Some(ssize(&ctx, v).await.unwrap_or(-1))
            }
        };
        let (start, stop) = if v.len() == 2 {
            (0, number(v[1].clone()).await)
        } else {
            (number(v[1].clone()).await.unwrap_or(0), number(v[2].clone()).await)
        };
        if stop == Some(-1) {
            return Err(value_error(STOP_MSG));
        }
        if start < 0 || stop.is_some_and(|s| s < -1) {
            return Err(value_error(INDEX_MSG));
        }
        let step = match v.get(3) {
            Some(s) => number(s.clone()).await.unwrap_or(1),
            None => 1,
        };
        if step < 1 {
            return Err(value_error("Step for islice() must be a positive integer or None."));
        }
        let it = iter_of(&ctx, &v[0]).await?;
        Ok(new_instance(&cls, Islice { it: Some(it), next: start, count: 0, stop, step }))
    })
}

pub fn islice_class() -> Rc<Class> {
    finish(iterator_class::<Islice>(Some(new_islice)))
}

pub struct Pairwise {
    it: Option<Value>,
    old: Option<Value>,
}

pub enum PairTag {
    Old,
    New,
}

impl Step for Pairwise {
    type Tag = PairTag;
    const NAME: &'static str = "pairwise";

    fn step(&mut self, got: Got<PairTag>) -> PyResult<Out<PairTag>> {
        let Some(it) = self.it.clone() else { return Ok(Out::Stop) };
        let new = match got {
            Got::Item(PairTag::Old, None) => {
                self.it = None;
                return Ok(Out::Stop);
            }
            Got::Item(PairTag::Old, Some(old)) => {
                self.old = Some(old);
                pull!(&it, PairTag::New)
            }
            Got::Item(PairTag::New, new) => new,
            _ => {
                if self.old.is_none() {
                    match pull!(&it, PairTag::Old) {
                        Some(old) => self.old = Some(old),
                        None => {
                            self.it = None;
                            return Ok(Out::Stop);
                        }
                    }
                }
                pull!(&it, PairTag::New)
            }
        };
        let (Some(new), Some(old)) = (new, self.old.take()) else {
            self.it = None;
            return Ok(Out::Stop);
        };
        self.old = Some(new.clone());
        Ok(Out::Yield(Value::tuple(vec![old, new])))
    }

    fn failed(&mut self, tag: PairTag) {
        self.it = None;
        if let PairTag::New = tag {
            self.old = None;
        }
    }
}

fn new_pairwise(a: &Args) -> PyResult {
    let cls = cls_arg(a, "pairwise")?;
    let iterable = positional(a, "pairwise", 1, 1)?[0].clone();
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        Ok(new_instance(&cls, Pairwise { it: Some(it), old: None }))
    })
}

pub fn pairwise_class() -> Rc<Class> {
    finish(iterator_class::<Pairwise>(Some(new_pairwise)))
}

pub struct ZipLongest {
    /// The iterators; None for the exhausted ones.
    its: Vec<Option<Value>>,
    active: usize,
    fill: Value,
}

impl Step for ZipLongest {
    /// The position the item asked for goes to and the items before it.
    type Tag = (usize, Vec<Value>);
    const NAME: &'static str = "zip_longest";

    fn step(&mut self, got: Got<Self::Tag>) -> PyResult<Out<Self::Tag>> {
        let (mut i, mut items, mut item) = match got {
            Got::Item((i, items), item) => (i, items, Some(item)),
            _ if self.its.is_empty() || self.active == 0 => return Ok(Out::Stop),
            _ => (0, Vec::with_capacity(self.its.len()), None),
        };
        while i < self.its.len() {
            let got = match (item.take(), &self.its[i]) {
                (Some(got), _) => got,
                (None, None) => Some(self.fill.clone()),
                (None, Some(it)) => pull!(it, (i, items)),
            };
            match got {
                Some(v) => items.push(v),
                None => {
                    self.active -= 1;
                    if self.active == 0 {
                        return Ok(Out::Stop);
                    }
                    self.its[i] = None;
                    items.push(self.fill.clone());
                }
            }
            i += 1;
        }
        Ok(Out::Yield(Value::tuple(items)))
    }

    fn failed(&mut self, _: Self::Tag) {
        self.active = 0;
    }
}

fn new_zip_longest(a: &Args) -> PyResult {
    let cls = cls_arg(a, "zip_longest")?;
    let fill = match a.kw {
        [] => Value::None,
        [(k, v)] if k.as_str() == "fillvalue" => v.clone(),
        _ => return Err(type_error("zip_longest() got an unexpected keyword argument")),
    };
    let iterables = a.pos[1..].to_vec();
    run_async(move |ctx| async move {
        let mut its = Vec::with_capacity(iterables.len());
        for v in &iterables {
            its.push(Some(iter_of(&ctx, v).await?));
        }
        let active = its.len();
        Ok(new_instance(&cls, ZipLongest { its, active, fill }))
    })
}

pub fn zip_longest_class() -> Rc<Class> {
    finish(iterator_class::<ZipLongest>(Some(new_zip_longest)))
}
