//! The `heapq` module: the heap operations on a list in Rust, step for step as CPython's
//! `_heapq` (the same comparisons in the same order, so ties and script `__lt__` calls come
//! out the same); `merge`, `nlargest` and `nsmallest` in coro (`lib.coro`) on top of them.

use crate::intern::intern;
use crate::modules::sort_keys::less_now;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::{index_error, runtime_error, type_error};
use crate::runtime::protocol::less;
use crate::runtime::type_name;
use crate::value::{PyList, Value};
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("heapq")));
    m.set(intern("__name__"), Value::str("heapq"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("heappush", heappush),
        ("heappop", heappop),
        ("heapify", heapify),
        ("heapreplace", heapreplace),
        ("heappushpop", heappushpop),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

fn heap_arg(a: &Args, name: &str, argc: usize) -> PyResult<Rc<PyList>> {
    check_args(a, name, argc, argc)?;
    match &a.pos[0] {
        Value::List(l) => Ok(l.clone()),
        other => Err(type_error(format!("{}() argument 1 must be list, not {}", name, type_name(other)))),
    }
}

/// `heap[i] < heap[j]`-style comparisons while the list may change under a script `__lt__`:
/// each reads its items afresh and the size is checked after, as CPython does.
async fn lt(ctx: &Ctx, heap: &PyList, a: &Value, b: &Value, size: usize) -> PyResult<bool> {
    let r = match less_now(a, b) {
        Some(r) => r,
        None => less(ctx, a, b).await?,
    };
    if heap.items.borrow().len() != size {
        return Err(runtime_error("list changed size during iteration"));
    }
    Ok(r)
}

fn get(heap: &PyList, i: usize) -> Value {
    heap.items.borrow()[i].clone()
}

/// Moves the item at `pos` up towards `startpos` until its parent is not greater.
async fn sift_down(ctx: &Ctx, heap: &PyList, startpos: usize, mut pos: usize) -> PyResult<()> {
    let size = heap.items.borrow().len();
    let newitem = get(heap, pos);
    while pos > startpos {
        let parentpos = (pos - 1) >> 1;
        let parent = get(heap, parentpos);
        if !lt(ctx, heap, &newitem, &parent, size).await? {
            break;
        }
        let mut items = heap.items.borrow_mut();
        items.swap(pos, parentpos);
        pos = parentpos;
    }
    Ok(())
}

/// Moves the smaller child up until a leaf is reached, then sifts the item down into place.
async fn sift_up(ctx: &Ctx, heap: &PyList, mut pos: usize) -> PyResult<()> {
    let endpos = heap.items.borrow().len();
    let startpos = pos;
    let limit = endpos >> 1;
    while pos < limit {
        let mut childpos = 2 * pos + 1;
        if childpos + 1 < endpos {
            let (a, b) = (get(heap, childpos), get(heap, childpos + 1));
            if !lt(ctx, heap, &a, &b, endpos).await? {
                childpos += 1;
            }
        }
        heap.items.borrow_mut().swap(pos, childpos);
        pos = childpos;
    }
    sift_down(ctx, heap, startpos, pos).await
}

fn heappush(a: &Args) -> PyResult {
    let heap = heap_arg(a, "heappush", 2)?;
    let item = a.pos[1].clone();
    let pos = {
        let mut items = heap.items.borrow_mut();
        items.push(item);
        items.len() - 1
    };
    run_async(move |ctx| async move {
        sift_down(&ctx, &heap, 0, pos).await?;
        Ok(Value::None)
    })
}

fn heappop(a: &Args) -> PyResult {
    let heap = heap_arg(a, "heappop", 1)?;
    let last = heap.items.borrow_mut().pop().ok_or_else(|| index_error("index out of range"))?;
    if heap.items.borrow().is_empty() {
        return Ok(last);
    }
    let top = std::mem::replace(&mut heap.items.borrow_mut()[0], last);
    run_async(move |ctx| async move {
        sift_up(&ctx, &heap, 0).await?;
        Ok(top)
    })
}

fn heapreplace(a: &Args) -> PyResult {
    let heap = heap_arg(a, "heapreplace", 2)?;
    let top = {
        let mut items = heap.items.borrow_mut();
        match items.first_mut() {
            Some(first) => std::mem::replace(first, a.pos[1].clone()),
            None => return Err(index_error("index out of range")),
        }
    };
    run_async(move |ctx| async move {
        sift_up(&ctx, &heap, 0).await?;
        Ok(top)
    })
}

fn heappushpop(a: &Args) -> PyResult {
    let heap = heap_arg(a, "heappushpop", 2)?;
    let item = a.pos[1].clone();
    let Some(first) = heap.items.borrow().first().cloned() else { return Ok(item) };
    run_async(move |ctx| async move {
        let size = heap.items.borrow().len();
        if !lt(&ctx, &heap, &first, &item, size).await? {
            return Ok(item);
        }
        let top = std::mem::replace(&mut heap.items.borrow_mut()[0], item);
        sift_up(&ctx, &heap, 0).await?;
        Ok(top)
    })
}

fn heapify(a: &Args) -> PyResult {
    let heap = heap_arg(a, "heapify", 1)?;
    run_async(move |ctx| async move {
        let n = heap.items.borrow().len();
        for i in (0..n / 2).rev() {
            sift_up(&ctx, &heap, i).await?;
        }
        Ok(Value::None)
    })
}
