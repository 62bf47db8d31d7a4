//! The combinatoric iterators: `product`, `permutations`, `combinations` and
//! `combinations_with_replacement`. Each takes its iterables whole when made and then
//! steps an array of indices, as CPython does, so they run no script code afterwards.

use super::args::{bind, ssize};
use super::drive::{cls_arg, finish, iterator_class, new_instance, Got, Out, Step};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::runtime::alloc::vec_with_capacity;
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::iterate;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

/// Where one of these iterators is: before its first item, running, or done.
#[derive(PartialEq)]
enum Phase {
    First,
    Running,
    Done,
}

pub struct Product {
    pools: Vec<Rc<[Value]>>,
    indices: Vec<usize>,
    phase: Phase,
}

impl Step for Product {
    type Tag = ();
    const NAME: &'static str = "product";

    fn step(&mut self, _: Got<()>) -> PyResult<Out<()>> {
        match self.phase {
            Phase::Done => return Ok(Out::Stop),
            Phase::First => {
                if self.pools.iter().any(|p| p.is_empty()) {
                    self.phase = Phase::Done;
                    return Ok(Out::Stop);
                }
                self.phase = Phase::Running;
            }
            Phase::Running => {
                let advanced = (0..self.pools.len()).rev().any(|i| {
                    self.indices[i] += 1;
                    if self.indices[i] < self.pools[i].len() {
                        return true;
                    }
                    self.indices[i] = 0;
                    false
                });
                if !advanced {
                    self.phase = Phase::Done;
                    return Ok(Out::Stop);
                }
            }
        }
        let items = self.indices.iter().zip(&self.pools).map(|(&i, p)| p[i].clone()).collect();
        Ok(Out::Yield(Value::tuple(items)))
    }
}

async fn pool(ctx: &Ctx, v: &Value) -> PyResult<Rc<[Value]>> {
    Ok(match v {
        Value::Tuple(t) => t.items.to_vec().into(),
        _ => iterate(ctx, v).await?.into(),
    })
}

fn new_product(a: &Args) -> PyResult {
    let cls = cls_arg(a, "product")?;
    let repeat = match a.kw {
        [] => None,
        [(k, v)] if k.as_str() == "repeat" => Some(v.clone()),
        [(k, _)] => return Err(type_error(format!("'{}' is an invalid keyword argument for product()", k))),
        kw => return Err(type_error(format!("product() takes at most 1 keyword argument ({} given)", kw.len()))),
    };
    let iterables = a.pos[1..].to_vec();
    run_async(move |ctx| async move {
        let repeat = match repeat {
            Some(r) => ssize(&ctx, r).await?,
            None => 1,
        };
        if repeat < 0 {
            return Err(value_error("repeat argument cannot be negative"));
        }
        let mut pools = Vec::with_capacity(iterables.len());
        for v in &iterables {
            pools.push(pool(&ctx, v).await?);
        }
        let n = pools.len().saturating_mul(repeat as usize);
        let mut all = vec_with_capacity(n)?;
        all.extend(pools.iter().cycle().take(n).cloned());
        let pools: Vec<Rc<[Value]>> = all;
        let indices = vec![0; pools.len()];
        Ok(new_instance(&cls, Product { pools, indices, phase: Phase::First }))
    })
}

pub fn product_class() -> Rc<Class> {
    finish(iterator_class::<Product>(Some(new_product)))
}

pub struct Permutations {
    pool: Rc<[Value]>,
    r: usize,
    indices: Vec<usize>,
    cycles: Vec<usize>,
    phase: Phase,
}

impl Permutations {
    fn current(&self) -> Out<()> {
        Out::Yield(Value::tuple(self.indices[..self.r].iter().map(|&i| self.pool[i].clone()).collect()))
    }
}

impl Step for Permutations {
    type Tag = ();
    const NAME: &'static str = "permutations";

    fn step(&mut self, _: Got<()>) -> PyResult<Out<()>> {
        let n = self.pool.len();
        match self.phase {
            Phase::Done => return Ok(Out::Stop),
            Phase::First if self.r > n => {}
            Phase::First => {
                self.phase = Phase::Running;
                return Ok(self.current());
            }
            Phase::Running if n == 0 => {}
            Phase::Running => {
                for i in (0..self.r).rev() {
                    self.cycles[i] -= 1;
                    if self.cycles[i] == 0 {
                        self.indices[i..].rotate_left(1);
                        self.cycles[i] = n - i;
                    } else {
                        let j = self.cycles[i];
                        self.indices.swap(i, n - j);
                        return Ok(self.current());
                    }
                }
            }
        }
        self.phase = Phase::Done;
        Ok(Out::Stop)
    }
}

fn new_permutations(a: &Args) -> PyResult {
    let cls = cls_arg(a, "permutations")?;
    let v = bind(a, "permutations", &["iterable", "r"], 2, 1)?;
    let iterable = v[0].clone().unwrap_or(Value::None);
    let r = v[1].clone().filter(|r| !r.is_none());
    run_async(move |ctx| async move {
        let pool = pool(&ctx, &iterable).await?;
        let n = pool.len();
        let r = match r {
            Some(r @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => ssize(&ctx, r).await?,
            Some(_) => return Err(type_error("Expected int as r")),
            None => n as i64,
        };
        if r < 0 {
            return Err(value_error("r must be non-negative"));
        }
        let r = r as usize;
        let cycles = (0..r.min(n)).map(|i| n - i).collect();
        Ok(new_instance(&cls, Permutations { pool, r, indices: (0..n).collect(), cycles, phase: Phase::First }))
    })
}

pub fn permutations_class() -> Rc<Class> {
    finish(iterator_class::<Permutations>(Some(new_permutations)))
}

/// `combinations` (REPLACE false) and `combinations_with_replacement`.
pub struct Combinations<const REPLACE: bool> {
    pool: Rc<[Value]>,
    indices: Vec<usize>,
    phase: Phase,
}

impl<const REPLACE: bool> Step for Combinations<REPLACE> {
    type Tag = ();
    const NAME: &'static str = if REPLACE { "combinations_with_replacement" } else { "combinations" };

    fn step(&mut self, _: Got<()>) -> PyResult<Out<()>> {
        let (n, r) = (self.pool.len(), self.indices.len());
        match self.phase {
            Phase::Done => return Ok(Out::Stop),
            Phase::First => self.phase = Phase::Running,
            Phase::Running => {
                let last = |i: usize| if REPLACE { n - 1 } else { i + n - r };
                let Some(i) = (0..r).rev().find(|&i| self.indices[i] != last(i)) else {
                    self.phase = Phase::Done;
                    return Ok(Out::Stop);
                };
                self.indices[i] += 1;
                for j in i + 1..r {
                    self.indices[j] = if REPLACE { self.indices[i] } else { self.indices[j - 1] + 1 };
                }
            }
        }
        Ok(Out::Yield(Value::tuple(self.indices.iter().map(|&i| self.pool[i].clone()).collect())))
    }
}

fn new_combinations<const REPLACE: bool>(a: &Args) -> PyResult {
    let name = <Combinations<REPLACE> as Step>::NAME;
    let cls = cls_arg(a, name)?;
    let v = bind(a, name, &["iterable", "r"], 2, 2)?;
    let iterable = v[0].clone().unwrap_or(Value::None);
    let r = v[1].clone().unwrap_or(Value::None);
    run_async(move |ctx| async move {
        let r = ssize(&ctx, r).await?;
        let pool = pool(&ctx, &iterable).await?;
        if r < 0 {
            return Err(value_error("r must be non-negative"));
        }
        let (n, r) = (pool.len(), r as usize);
        let none = if REPLACE { n == 0 && r > 0 } else { r > n };
        let mut indices = vec_with_capacity(if none { 0 } else { r })?;
        if !none {
            indices.extend((0..r).map(|i| if REPLACE { 0 } else { i }));
        }
        let phase = if none { Phase::Done } else { Phase::First };
        Ok(new_instance(&cls, Combinations::<REPLACE> { pool, indices, phase }))
    })
}

pub fn combinations_class<const REPLACE: bool>() -> Rc<Class> {
    finish(iterator_class::<Combinations<REPLACE>>(Some(new_combinations::<REPLACE>)))
}
