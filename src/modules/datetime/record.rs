//! The C "struct sequences" `datetime` returns: `IsoCalendarDate` (from `isocalendar()`)
//! and `time.struct_time` (from `timetuple()`). Each is a fixed list of values read by
//! index, slice or field name, that iterates, compares and hashes as a tuple and has
//! CPython's `module.Name(field=value, ...)` repr.

use super::property;
use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::{Instance, Payload};
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::types;
use crate::value::Value;
use crate::vm::{ops, PyResult};
use std::cell::RefCell;
use std::rc::Rc;

struct Record(Vec<Value>);

thread_local! {
    static ISO_CALENDAR_DATE: Rc<Class> = record_class("datetime", "IsoCalendarDate", &["year", "week", "weekday"]);
    static STRUCT_TIME: Rc<Class> = record_class(
        "time",
        "struct_time",
        &["tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst"],
    );
}

fn new_record(class: Rc<Class>, items: Vec<Value>) -> Value {
    let mut inst = Instance::new(class);
    inst.payload = Payload::Native(RefCell::new(Box::new(Record(items))));
    Value::Instance(Rc::new(inst))
}

pub fn iso_calendar_date(items: Vec<Value>) -> Value {
    new_record(ISO_CALENDAR_DATE.with(Rc::clone), items)
}

pub fn struct_time(items: Vec<Value>) -> Value {
    new_record(STRUCT_TIME.with(Rc::clone), items)
}

/// The values of a record, as a tuple.
fn as_tuple(v: &Value) -> Option<Value> {
    match v {
        Value::Instance(i) => i.native::<Record>().map(|r| Value::tuple(r.0.clone())),
        Value::Tuple(_) => Some(v.clone()),
        _ => None,
    }
}

fn this(a: &Args) -> PyResult<Value> {
    a.pos.first().and_then(as_tuple).ok_or_else(|| type_error("descriptor requires a struct sequence"))
}

fn field(a: &Args, i: usize) -> PyResult {
    ops::get_item(&this(a)?, &Value::Int(i as i64))
}

fn compare(a: &Args, op: crate::ast::CmpOp) -> PyResult {
    match as_tuple(&a.pos[1]) {
        Some(other) => ops::compare(op, &this(a)?, &other),
        None => Ok(Value::NotImplemented),
    }
}

fn record_class(module: &str, name: &str, fields: &'static [&'static str]) -> Rc<Class> {
    let class = crate::runtime::class_builder::native_class(module, name, vec![types().object.clone()]);
    // Natives cannot capture, so each position has its own getter.
    const GETTERS: [NativeFn; 9] = [
        |a| field(a, 0),
        |a| field(a, 1),
        |a| field(a, 2),
        |a| field(a, 3),
        |a| field(a, 4),
        |a| field(a, 5),
        |a| field(a, 6),
        |a| field(a, 7),
        |a| field(a, 8),
    ];
    for (f, get) in fields.iter().zip(GETTERS) {
        property(&class, f, get);
    }
    class.attrs.borrow_mut().insert(intern("_fields"), Value::tuple(fields.iter().map(|f| Value::str(*f)).collect()));
    method(&class, "__getitem__", |a| ops::get_item(&this(a)?, &a.pos[1]));
    method(&class, "__len__", |a| Ok(Value::Int(ops::len_builtin(&this(a)?).unwrap_or(0) as i64)));
    method(&class, "__iter__", |a| crate::runtime::protocol::get_iter(&this(a)?));
    method(&class, "__hash__", |a| {
        let t = this(a)?;
        crate::vm::native::run_async(move |ctx| async move {
            Ok(Value::Int(crate::runtime::protocol::hash(&ctx, &t).await?))
        })
    });
    super::comparisons!(&class, compare);
    method(&class, "__repr__", |a| {
        let Some(Value::Instance(inst)) = a.pos.first() else { return Err(type_error("expected a struct sequence")) };
        let Value::Tuple(t) = this(a)? else { return Err(type_error("expected a struct sequence")) };
        let Some(Value::Tuple(names)) = inst.class.lookup(intern("_fields")) else {
            return Err(type_error("expected a struct sequence"));
        };
        let parts: Vec<String> = names
            .items
            .iter()
            .zip(t.items.iter())
            .map(|(n, v)| {
                let shown = crate::runtime::protocol::repr::scalar_repr(v).unwrap_or_default();
                format!("{}={}", n.as_str().unwrap_or(""), shown)
            })
            .collect();
        Ok(Value::str(format!("{}.{}({})", inst.class.module, inst.class.name, parts.join(", "))))
    });
    class.attrs.borrow_mut().insert(intern("__module__"), Value::str(module));
    class.settle_attr_rules();
    class
}
