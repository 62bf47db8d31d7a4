//! `tee` and its iterators (`_tee`): copies of one iterator that share a buffer of the items
//! some have seen and others not yet. The buffer keeps only what the slowest copy still
//! needs.

use super::args::{positional, ssize};
use super::drive::{cls_arg, finish, iter_of, iterator_class, new_instance, next_now, receiver, Got, Out, Step};
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{runtime_error, type_error, value_error};
use crate::runtime::protocol::instance_dunder;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

struct Shared {
    it: Value,
    /// The items from position `base` on that some copy has not yet taken.
    buffer: VecDeque<Value>,
    base: u64,
    /// How many copies are at each position.
    readers: BTreeMap<u64, usize>,
    /// Whether the iterator is being asked for an item that needs script code.
    running: bool,
}

impl Shared {
    fn enter(&mut self, pos: u64) {
        *self.readers.entry(pos).or_default() += 1;
    }

    fn leave(&mut self, pos: u64) {
        if let Some(n) = self.readers.get_mut(&pos) {
            *n -= 1;
            if *n == 0 {
                self.readers.remove(&pos);
            }
        }
        let first = self.readers.keys().next().copied().unwrap_or(self.base + self.buffer.len() as u64);
        while self.base < first && self.buffer.pop_front().is_some() {
            self.base += 1;
        }
    }
}

pub struct Tee {
    shared: Rc<RefCell<Shared>>,
    pos: u64,
}

impl Drop for Tee {
    fn drop(&mut self) {
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            shared.leave(self.pos);
        }
    }
}

fn reentered() -> crate::vm::Flow {
    runtime_error("cannot re-enter the tee iterator")
}

impl Step for Tee {
    type Tag = ();
    const NAME: &'static str = "_tee";

    fn step(&mut self, got: Got<()>) -> PyResult<Out<()>> {
        let mut shared = self.shared.try_borrow_mut().map_err(|_| reentered())?;
        let end = shared.base + shared.buffer.len() as u64;
        let v = match got {
            Got::Item((), item) => {
                shared.running = false;
                let Some(v) = item else { return Ok(Out::Stop) };
                shared.buffer.push_back(v.clone());
                v
            }
            _ if self.pos < end => shared.buffer[(self.pos - shared.base) as usize].clone(),
            _ if shared.running => return Err(reentered()),
            _ => match next_now(&shared.it) {
                Ok(None) => return Ok(Out::Stop),
                Ok(Some(v)) => {
                    shared.buffer.push_back(v.clone());
                    v
                }
                Err(e) => {
                    shared.running = true;
                    return Ok(Out::Pulled(e, ()));
                }
            },
        };
        shared.enter(self.pos + 1);
        shared.leave(self.pos);
        self.pos += 1;
        Ok(Out::Yield(v))
    }

    fn failed(&mut self, _: ()) {
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            shared.running = false;
        }
    }
}

/// A new copy at the same place as `t`.
fn copy_of(cls: &Rc<Class>, t: &Tee) -> PyResult {
    t.shared.try_borrow_mut().map_err(|_| reentered())?.enter(t.pos);
    Ok(new_instance(cls, Tee { shared: t.shared.clone(), pos: t.pos }))
}

/// A first copy of an iterator.
fn tee_of(it: Value) -> Value {
    let mut shared = Shared { it, buffer: VecDeque::new(), base: 0, readers: BTreeMap::new(), running: false };
    shared.enter(0);
    new_instance(&super::tee_class(), Tee { shared: Rc::new(RefCell::new(shared)), pos: 0 })
}

fn tee_copy(a: &Args) -> PyResult {
    let inst = receiver::<Tee>(a, "__copy__")?;
    let t = super::drive::state::<Tee>(inst)?;
    copy_of(&inst.class, &t)
}

fn new_tee_object(a: &Args) -> PyResult {
    cls_arg(a, "_tee")?;
    let iterable = positional(a, "_tee", 1, 1)?[0].clone();
    run_async(move |ctx| async move { Ok(tee_of(iter_of(&ctx, &iterable).await?)) })
}

pub fn tee_class() -> Rc<Class> {
    let class = iterator_class::<Tee>(Some(new_tee_object));
    method(&class, "__copy__", tee_copy);
    finish(class)
}

/// `itertools.tee(iterable, n=2)`.
pub fn tee(a: &Args) -> PyResult {
    if !a.kw.is_empty() {
        return Err(type_error("itertools.tee() takes no keyword arguments"));
    }
    if a.pos.is_empty() || a.pos.len() > 2 {
        let (bound, k) = if a.pos.is_empty() { ("least", 1) } else { ("most", 2) };
        let plural = if k == 1 { "" } else { "s" };
        return Err(type_error(format!("tee expected at {} {} argument{}, got {}", bound, k, plural, a.pos.len())));
    }
    let (iterable, n) = (a.pos[0].clone(), a.pos.get(1).cloned());
    run_async(move |ctx| async move {
        let n = match n {
            Some(n) => ssize(&ctx, n).await?,
            None => 2,
        };
        if n < 0 {
            return Err(value_error("n must be >= 0"));
        }
        if n == 0 {
            return Ok(Value::tuple(Vec::new()));
        }
        let it = iter_of(&ctx, &iterable).await?;
        let copier = match &it {
            Value::Instance(i) if i.native::<Tee>().is_some() => None,
            _ => instance_dunder(&it, intern("__copy__")),
        };
        let first = match (&it, &copier) {
            (Value::Instance(i), None) if i.native::<Tee>().is_some() => it.clone(),
            (_, None) => tee_of(it.clone()),
            (_, Some(_)) => it.clone(),
        };
        let mut out = vec![first.clone()];
        for _ in 1..n {
            out.push(match (&first, &copier) {
                (_, Some(copy)) => ctx.call(copy.clone(), vec![it.clone()]).await?,
                (Value::Instance(i), None) => {
                    let t = super::drive::state::<Tee>(i)?;
                    copy_of(&i.class, &t)?
                }
                _ => first.clone(),
            });
        }
        Ok(Value::tuple(out))
    })
}
