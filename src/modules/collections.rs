//! `list`, `tuple`, `dict`, `set` and `frozenset`: constructors and methods.

use super::args::check_args;
use super::builtins::{constructor, method};
use crate::object::dict::PyDict;
use crate::object::function::Args;
use crate::object::DictViewKind;
use crate::object::Wrapper;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::{self, iterate};
use crate::runtime::types;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn install() {
    let t = types();
    constructor(&t.list, |a| {
        check_args(a, "list", 0, 1)?;
        let Some(src) = a.pos.first().cloned() else { return Ok(Value::list(Vec::new())) };
        run_async(|ctx| async move { Ok(Value::list(iterate(&ctx, &src).await?)) })
    });
    constructor(&t.tuple, |a| {
        check_args(a, "tuple", 0, 1)?;
        let Some(src) = a.pos.first().cloned() else { return Ok(Value::tuple(Vec::new())) };
        if let Value::Tuple(_) = src {
            return Ok(src);
        }
        run_async(|ctx| async move { Ok(Value::tuple(iterate(&ctx, &src).await?)) })
    });
    constructor(&t.dict, |a| {
        check_args(a, "dict", 0, 1)?;
        let src = a.pos.first().cloned();
        let kw: Vec<(crate::intern::Symbol, Value)> = a.kw.to_vec();
        run_async(|ctx| async move {
            let d = PyDict::default();
            match src {
                Some(Value::Dict(other)) => {
                    for (k, v) in other.map.borrow().iter() {
                        d.insert(k.clone(), v.clone());
                    }
                }
                Some(other) => {
                    for (i, item) in iterate(&ctx, &other).await?.into_iter().enumerate() {
                        let pair = iterate(&ctx, &item).await?;
                        if pair.len() != 2 {
                            return Err(crate::runtime::exceptions::value_error(format!(
                                "dictionary update sequence element #{} has length {}; 2 is required",
                                i,
                                pair.len()
                            )));
                        }
                        let mut pair = pair.into_iter();
                        let (k, v) = (pair.next().expect("key"), pair.next().expect("value"));
                        d.insert(protocol::hash_key(&ctx, k).await?, v);
                    }
                }
                None => {}
            }
            for (k, v) in kw {
                d.insert(protocol::hash_key(&ctx, Value::str(k.as_str())).await?, v);
            }
            Ok(Value::Dict(Rc::new(d)))
        })
    });
    constructor(&t.set, |a| set_new(a, false));
    constructor(&t.frozenset, |a| set_new(a, true));
    method(&t.list, "append", |a| {
        check_args(a, "append", 2, 2)?;
        match &a.pos[0] {
            Value::List(l) => {
                l.items.borrow_mut().push(a.pos[1].clone());
                Ok(Value::None)
            }
            _ => Err(type_error("descriptor 'append' requires a 'list' object")),
        }
    });
    for (name, kind) in [("keys", DictViewKind::Keys), ("values", DictViewKind::Values), ("items", DictViewKind::Items)] {
        let f: crate::object::function::NativeFn = match kind {
            DictViewKind::Keys => |a| dict_view(a, DictViewKind::Keys),
            DictViewKind::Values => |a| dict_view(a, DictViewKind::Values),
            DictViewKind::Items => |a| dict_view(a, DictViewKind::Items),
        };
        method(&t.dict, name, f);
    }
}

fn set_new(a: &Args, frozen: bool) -> PyResult {
    check_args(a, if frozen { "frozenset" } else { "set" }, 0, 1)?;
    let src = a.pos.first().cloned();
    run_async(|ctx| async move {
        let items = match src {
            Some(s) => iterate(&ctx, &s).await?,
            None => Vec::new(),
        };
        ctx.resolve(protocol::make_set(items, frozen)).await
    })
}

fn dict_view(a: &Args, kind: DictViewKind) -> PyResult {
    match a.pos.first() {
        Some(Value::Dict(d)) => Ok(Value::Wrapper(Rc::new(Wrapper::DictView { kind, dict: d.clone() }))),
        _ => Err(type_error("descriptor requires a 'dict' object")),
    }
}
