//! `groupby` and its groups (`_grouper`). A group reads the groupby's own state, and only
//! while it is the current group: advancing the groupby ends the group before.

use super::args::bind;
use super::drive::{cls_arg, equal, finish, iter_of, iterator_class, pull, state, Got, Out, Step};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::{Flow, PyResult};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub struct GroupBy {
    /// The groupby instance itself, for the groups it makes.
    this: Weak<Instance>,
    it: Value,
    key: Value,
    tgtkey: Option<Value>,
    currkey: Option<Value>,
    currvalue: Option<Value>,
    /// The number of the current group (0 while there is none) and of the last one made.
    current: u64,
    made: u64,
}

pub enum GroupTag {
    Pulled,
    Keyed(Value),
    Compared,
}

impl GroupBy {
    /// Takes `v` as the current value: at once without a key function, else once its key
    /// is back (the request for it).
    fn take(&mut self, v: Value) -> Option<Out<GroupTag>> {
        if self.key.is_none() {
            self.currkey = Some(v.clone());
            self.currvalue = Some(v);
            return None;
        }
        Some(Out::Call(self.key.clone(), vec![v.clone()], GroupTag::Keyed(v)))
    }

    /// Takes the answer to a request of `take`; None for a comparison's result.
    fn taken(&mut self, got: Got<GroupTag>) -> Result<Option<Value>, Out<GroupTag>> {
        match got {
            Got::Item(_, None) => Err(Out::Stop),
            Got::Item(_, Some(v)) => match self.take(v) {
                Some(out) => Err(out),
                None => Ok(None),
            },
            Got::Value(GroupTag::Keyed(v), key) => {
                self.currkey = Some(key);
                self.currvalue = Some(v);
                Ok(None)
            }
            Got::Value(_, same) => Ok(Some(same)),
            Got::Start => Ok(None),
        }
    }
}

/// Whether the target key equals the current key: Err with the request when script code
/// must decide.
fn same_key(tgtkey: &Value, currkey: &Value) -> PyResult<Result<bool, Out<GroupTag>>> {
    match equal(tgtkey, currkey) {
        Ok(v) => Ok(Ok(matches!(v, Value::Bool(true)))),
        Err(Flow::Async(f)) => Ok(Err(Out::Wait(Err(Flow::Async(f)), GroupTag::Compared))),
        Err(e) => Err(e),
    }
}

impl Step for GroupBy {
    type Tag = GroupTag;
    const NAME: &'static str = "groupby";

    fn step(&mut self, got: Got<GroupTag>) -> PyResult<Out<GroupTag>> {
        if let Got::Start = got {
            self.current = 0;
        }
        let mut compared = match self.taken(got) {
            Ok(same) => same,
            Err(out) => return Ok(out),
        };
        loop {
            let advance = match (compared.take(), &self.currkey, &self.tgtkey) {
                (Some(same), _, _) => matches!(same, Value::Bool(true)),
                (None, None, _) => true,
                (None, Some(_), None) => false,
                (None, Some(c), Some(t)) => match same_key(t, c)? {
                    Ok(same) => same,
                    Err(out) => return Ok(out),
                },
            };
            if !advance {
                break;
            }
            let Some(v) = pull!(&self.it, GroupTag::Pulled) else { return Ok(Out::Stop) };
            if let Some(out) = self.take(v) {
                return Ok(out);
            }
        }
        let Some(key) = self.currkey.clone() else { return Ok(Out::Stop) };
        let Some(this) = self.this.upgrade() else { return Ok(Out::Stop) };
        self.tgtkey = Some(key.clone());
        self.made += 1;
        self.current = self.made;
        let group = Grouper { parent: this, tgtkey: key.clone(), id: self.made };
        let group = super::drive::new_instance(&super::grouper_class(), group);
        Ok(Out::Yield(Value::tuple(vec![key, group])))
    }
}

fn new_groupby(a: &Args) -> PyResult {
    let cls = cls_arg(a, "groupby")?;
    let v = bind(a, "groupby", &["iterable", "key"], 2, 1)?;
    let iterable = v[0].clone().unwrap_or(Value::None);
    let key = v[1].clone().unwrap_or(Value::None);
    run_async(move |ctx| async move {
        let it = iter_of(&ctx, &iterable).await?;
        let inst = Rc::new_cyclic(|this| {
            let mut inst = Instance::new(cls);
            let state = GroupBy {
                this: this.clone(),
                it,
                key,
                tgtkey: None,
                currkey: None,
                currvalue: None,
                current: 0,
                made: 0,
            };
            inst.payload = Payload::Native(RefCell::new(Box::new(state)));
            inst
        });
        Ok(Value::Instance(inst))
    })
}

pub fn groupby_class() -> Rc<Class> {
    finish(iterator_class::<GroupBy>(Some(new_groupby)))
}

pub struct Grouper {
    parent: Rc<Instance>,
    tgtkey: Value,
    id: u64,
}

impl Step for Grouper {
    type Tag = GroupTag;
    const NAME: &'static str = "_grouper";

    fn step(&mut self, got: Got<GroupTag>) -> PyResult<Out<GroupTag>> {
        let mut gb = state::<GroupBy>(&self.parent)?;
        if gb.current != self.id {
            return Ok(Out::Stop);
        }
        let started = matches!(got, Got::Start);
        let same = match gb.taken(got) {
            Ok(same) => same,
            Err(out) => return Ok(out),
        };
        let same = match same {
            Some(same) => matches!(same, Value::Bool(true)),
            None => {
                if started && gb.currvalue.is_none() {
                    let Some(v) = pull!(&gb.it, GroupTag::Pulled) else { return Ok(Out::Stop) };
                    if let Some(out) = gb.take(v) {
                        return Ok(out);
                    }
                }
                let Some(currkey) = &gb.currkey else { return Ok(Out::Stop) };
                match same_key(&self.tgtkey, currkey)? {
                    Ok(same) => same,
                    Err(out) => return Ok(out),
                }
            }
        };
        if !same {
            return Ok(Out::Stop);
        }
        gb.currkey = None;
        Ok(gb.currvalue.take().map_or(Out::Stop, Out::Yield))
    }
}

pub fn grouper_class() -> Rc<Class> {
    finish(iterator_class::<Grouper>(None))
}
