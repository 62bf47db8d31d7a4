//! `operator.itemgetter`, natively: it is the usual sort key, so a call is one subscript
//! with no script frame.

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::protocol::repr;
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::ops::get_item;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

struct ItemGetter {
    items: Rc<[Value]>,
}

fn items_of(a: &Args) -> PyResult<Rc<[Value]>> {
    match a.pos.first() {
        Some(Value::Instance(i)) => match i.native::<ItemGetter>() {
            Some(g) => Ok(g.items.clone()),
            None => Err(type_error("descriptor requires a 'operator.itemgetter' object")),
        },
        _ => Err(type_error("descriptor requires a 'operator.itemgetter' object")),
    }
}

pub fn make_class() -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class(
        "operator",
        "itemgetter",
        vec![crate::runtime::types().object.clone()],
    );
    method(&class, "__new__", |a| {
        let Some(Value::Class(cls)) = a.pos.first() else {
            return Err(type_error("itemgetter.__new__(X): X is not a type object"));
        };
        if !a.kw.is_empty() {
            return Err(type_error("itemgetter() takes no keyword arguments"));
        }
        if a.pos.len() < 2 {
            return Err(type_error("itemgetter expected 1 argument, got 0"));
        }
        let mut inst = Instance::new(cls.clone());
        let items: Rc<[Value]> = a.pos[1..].into();
        inst.payload = Payload::Native(RefCell::new(Box::new(ItemGetter { items })));
        Ok(Value::Instance(Rc::new(inst)))
    });
    method(&class, "__init__", |_| Ok(Value::None));
    method(&class, "__call__", |a| {
        let items = items_of(a)?;
        if !a.kw.is_empty() {
            return Err(type_error("itemgetter() takes no keyword arguments"));
        }
        if a.pos.len() != 2 {
            return Err(type_error(format!("itemgetter expected 1 argument, got {}", a.pos.len() - 1)));
        }
        let obj = &a.pos[1];
        if let [key] = &*items {
            return get_item(obj, key);
        }
        if matches!(obj, Value::Instance(_)) {
            // A script `__getitem__` runs once per item.
            let obj = obj.clone();
            return run_async(move |ctx| async move {
                let mut out = Vec::with_capacity(items.len());
                for key in items.iter() {
                    out.push(ctx.resolve(get_item(&obj, key)).await?);
                }
                Ok(Value::tuple(out))
            });
        }
        let out = items.iter().map(|key| get_item(obj, key)).collect::<PyResult<Vec<_>>>()?;
        Ok(Value::tuple(out))
    });
    method(&class, "__repr__", |a| {
        let items = items_of(a)?;
        run_async(move |ctx| async move {
            let mut parts = Vec::with_capacity(items.len());
            for item in items.iter() {
                parts.push(repr(&ctx, item).await?);
            }
            Ok(Value::str(format!("operator.itemgetter({})", parts.join(", "))))
        })
    });
    class.attrs.borrow_mut().insert(intern("__module__"), Value::str("operator"));
    class
}
