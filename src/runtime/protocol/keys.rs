//! Dict and set operations whose keys may need a script `__eq__`.
//!
//! The table code is native and stops with the question when a comparison needs script code
//! (`object::key_eq`). Here such a question is answered by running `==`, and the operation
//! runs again with the answers so far, until it finishes. Builtin keys never stop, so they
//! take the native path with nothing extra.

use super::{eq, hash_key, unhashable};
use crate::object::dict::{hash_value, HashKey, PyDict, Unhashable};
use crate::object::key_eq::{Answers, Undecided};
use crate::object::set::PySet;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::PyResult;
use std::rc::Rc;

/// Runs a key operation until it finishes, answering each question it stops on (one at a
/// time, in the order met, as CPython compares). A comparison that changes the table just
/// means the next run sees the table as it is then, as CPython restarts a lookup.
pub async fn settle<T>(ctx: &Ctx, mut op: impl FnMut() -> Result<T, Undecided>) -> PyResult<T> {
    let mut answers = Answers::default();
    loop {
        match answers.apply(&mut op) {
            Ok(r) => return Ok(r),
            Err(question) => {
                let equal = Box::pin(eq(ctx, &question.stored, &question.probe)).await?;
                answers.record(question, equal);
            }
        }
    }
}

/// Runs a key operation natively, or as a continuation once it stops on a question.
pub fn settled(mut op: impl FnMut() -> Result<PyResult, Undecided> + 'static) -> PyResult {
    match op() {
        Ok(r) => r,
        Err(_) => run_async(|ctx| async move { settle(&ctx, op).await? }),
    }
}

/// Runs a key operation on the key for `v`: natively when it can, else as a continuation
/// that runs `__hash__` and `__eq__` as needed.
pub fn keyed(v: Value, mut op: impl FnMut(&HashKey) -> Result<PyResult, Undecided> + 'static) -> PyResult {
    match hash_value(&v) {
        Ok(hash) => {
            let key = HashKey { hash, value: v };
            settled(move || op(&key))
        }
        Err(Unhashable::Type) => Err(unhashable(&v)),
        Err(Unhashable::NeedsCall) => run_async(|ctx| async move {
            let key = hash_key(&ctx, v).await?;
            settle(&ctx, || op(&key)).await?
        }),
    }
}

/// `d[k] = v` from async code.
pub async fn dict_set(ctx: &Ctx, d: &PyDict, k: Value, v: Value) -> PyResult<()> {
    let k = hash_key(ctx, k).await?;
    settle(ctx, || d.insert(&k, &v)).await
}

/// `s.add(v)` from async code.
pub async fn set_add(ctx: &Ctx, s: &PySet, v: Value) -> PyResult<()> {
    let k = hash_key(ctx, v).await?;
    settle(ctx, || s.insert(k.clone())).await.map(|_| ())
}

/// Inserts pairs in order (`d.update(other)`, `d | other`, `{**other}`), then evaluates to
/// `result`: natively until a pair stops on a question, then the rest through a continuation.
pub fn dict_extend(d: &Rc<PyDict>, mut pairs: Vec<(HashKey, Value)>, result: Value) -> PyResult {
    let Some(stop) = pairs.iter().position(|(k, v)| d.insert(k, v).is_err()) else { return Ok(result) };
    let (d, rest) = (d.clone(), pairs.split_off(stop));
    run_async(|ctx| async move {
        for (k, v) in &rest {
            settle(&ctx, || d.insert(k, v)).await?;
        }
        Ok(result)
    })
}
