//! The `datetime` module, natively (CPython's is C): `timedelta`, `date`, `time`,
//! `datetime`, `tzinfo` and `timezone`. Every object is an instance whose payload is a `Dt`
//! value; the classes live in one table per thread. Arithmetic and comparisons on naive
//! values and fixed-offset zones run no script code; a script `tzinfo` is called through the
//! async protocol (`zone::offset`).
//!
//! Files by topic: `days` (the proleptic Gregorian calendar), `delta`, `date`, `time` (the
//! `time` class), `date_time`, `zone` (`tzinfo`, `timezone`), `strftime`, `strptime`,
//! `isoparse` (`fromisoformat`), `now` (the system clock and local time) and `record`
//! (`IsoCalendarDate`, `struct_time`).

mod date;
mod date_time;
mod days;
mod delta;
mod isoparse;
mod now;
mod record;
mod strftime;
mod strptime;
mod time;
mod zone;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::object::Wrapper;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use num_traits::ToPrimitive;
use std::cell::RefCell;
use std::rc::Rc;

pub use days::Ymd;
pub use delta::Delta;

/// A time of day: the fields of `time` and the time part of `datetime`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Clock {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub us: u32,
    pub fold: u8,
}

impl Clock {
    /// Microseconds since midnight (fold is not part of the value).
    pub fn total_us(&self) -> i64 {
        ((self.hour as i64 * 60 + self.minute as i64) * 60 + self.second as i64) * 1_000_000 + self.us as i64
    }
}

/// A fixed-offset zone (`timezone`).
#[derive(Clone, PartialEq, Debug)]
pub struct Zone {
    pub offset: Delta,
    pub name: Option<String>,
}

/// The state of every datetime object.
#[derive(Clone)]
pub enum Dt {
    Delta(Delta),
    Date(Ymd),
    /// A `time` and its tzinfo (None when naive).
    Time(Clock, Value),
    /// A `datetime` and its tzinfo.
    DateTime(Ymd, Clock, Value),
    Zone(Zone),
}

pub struct Classes {
    pub timedelta: Rc<Class>,
    pub date: Rc<Class>,
    pub time: Rc<Class>,
    pub datetime: Rc<Class>,
    pub tzinfo: Rc<Class>,
    pub timezone: Rc<Class>,
}

thread_local! {
    static CLASSES: Rc<Classes> = make_classes();
}

pub fn classes() -> Rc<Classes> {
    CLASSES.with(Rc::clone)
}

fn make_classes() -> Rc<Classes> {
    let timedelta = delta::make_class();
    let date = date::make_class();
    let time = time::make_class();
    let datetime = date_time::make_class(&date);
    let tzinfo = zone::make_tzinfo_class();
    let timezone = zone::make_timezone_class(&tzinfo);
    for class in [&timedelta, &date, &time, &timezone] {
        immutable(class);
    }
    Rc::new(Classes { timedelta, date, time, datetime, tzinfo, timezone })
}

pub fn make_module() -> Rc<Module> {
    let c = classes();
    // The class attributes that are instances of the classes (min, max, utc, ...) need the
    // table to exist first.
    delta::add_constants(&c);
    date::add_constants(&c);
    time::add_constants(&c);
    date_time::add_constants(&c);
    zone::add_constants(&c);
    let m = Rc::new(Module::new(intern("datetime")));
    m.set(intern("__name__"), Value::str("datetime"));
    for (name, class) in [
        ("timedelta", &c.timedelta),
        ("date", &c.date),
        ("time", &c.time),
        ("datetime", &c.datetime),
        ("tzinfo", &c.tzinfo),
        ("timezone", &c.timezone),
    ] {
        m.set(intern(name), Value::Class(class.clone()));
    }
    m.set(intern("MINYEAR"), Value::Int(1));
    m.set(intern("MAXYEAR"), Value::Int(9999));
    m.set(intern("UTC"), zone::utc());
    m
}

/// The payload of a datetime object.
pub fn payload(v: &Value) -> Option<Dt> {
    payload_ref(v).map(|dt| dt.clone())
}

/// The payload of a datetime object, borrowed: for reading a field or two without copying
/// the whole (its tzinfo, a zone's name).
#[inline]
pub fn payload_ref(v: &Value) -> Option<std::cell::Ref<'_, Dt>> {
    match v {
        Value::Instance(i) => match &i.payload {
            Payload::Native(b) => std::cell::Ref::filter_map(b.try_borrow().ok()?, |b| b.downcast_ref::<Dt>()).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// A new object of `class` holding `dt`.
pub fn new_object(class: &Rc<Class>, dt: Dt) -> Value {
    let mut inst = Instance::new(class.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(dt)));
    Value::Instance(Rc::new(inst))
}

/// The class of `v` (an instance), for results that keep the receiver's subclass.
pub fn class_of(v: &Value) -> Rc<Class> {
    crate::runtime::types().class_of(v)
}

/// The name CPython shows for `v`'s type: `datetime.date` for the module's own classes,
/// the plain name for others.
pub fn shown_type(v: &Value) -> String {
    let class = class_of(v);
    if class.module.as_str() == "datetime" && is_own_class(&class) {
        format!("datetime.{}", class.name)
    } else {
        class.name.to_string()
    }
}

fn is_own_class(class: &Rc<Class>) -> bool {
    let c = classes();
    [&c.timedelta, &c.date, &c.time, &c.datetime, &c.tzinfo, &c.timezone].iter().any(|k| Rc::ptr_eq(k, class))
}

/// How a repr names the class of `v`: `datetime.date(...)` or `MyDate(...)`.
pub fn repr_prefix(v: &Value) -> String {
    shown_type(v)
}

/// CPython's TypeError for `a op b` between types that do not mix.
pub fn unsupported(op: &str, a: &Value, b: &Value) -> crate::vm::Flow {
    type_error(format!("unsupported operand type(s) for {}: '{}' and '{}'", op, shown_type(a), shown_type(b)))
}

/// The answer of a binary dunder whose other operand is of no type it knows: a TypeError
/// naming both when that operand is a builtin value (nothing else can handle it), else
/// NotImplemented so the other operand's reflected method is tried.
pub fn other_operand(op: &str, a: &Value, b: &Value) -> PyResult {
    if matches!(b, Value::Instance(_)) {
        Ok(Value::NotImplemented)
    } else {
        Err(unsupported(op, a, b))
    }
}

/// `other_operand` for a reflected method (`__radd__`): `other` is the left operand.
pub fn reflected_operand(op: &str, this: &Value, other: &Value) -> PyResult {
    if matches!(other, Value::Instance(_)) {
        Ok(Value::NotImplemented)
    } else {
        Err(unsupported(op, other, this))
    }
}

/// An integer argument, as `PyLong_AsLong` takes it (no floats).
pub fn int_value(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) => b
            .to_i64()
            .ok_or_else(|| crate::runtime::exceptions::overflow_error("Python int too large to convert to C long")),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    }
}

/// The arguments of a constructor or method taking `names` positionally or by keyword, the
/// first `required` of them required, with CPython's messages (`function missing required
/// argument 'day' (pos 3)`). `skip` leading positional arguments (the class) are not counted.
pub fn params(a: &Args, skip: usize, fname: &str, names: &[&str], required: usize) -> PyResult<Vec<Option<Value>>> {
    params_with(a, skip, fname, names, required, names.len())
}

/// `params` where only the first `positional` names may be given by position (the rest are
/// keyword-only, as `fold` is).
pub fn params_with(
    a: &Args,
    skip: usize,
    fname: &str,
    names: &[&str],
    required: usize,
    positional: usize,
) -> PyResult<Vec<Option<Value>>> {
    let pos = &a.pos[skip.min(a.pos.len())..];
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if pos.len() > positional && positional < names.len() {
        return Err(type_error(format!(
            "{} takes at most {} positional argument{} ({} given)",
            fname,
            positional,
            plural(positional),
            pos.len()
        )));
    }
    let given = pos.len() + a.kw.len();
    if given > names.len() {
        return Err(type_error(format!(
            "{} takes at most {} argument{} ({} given)",
            fname,
            names.len(),
            plural(names.len()),
            given
        )));
    }
    let mut out: Vec<Option<Value>> = names.iter().enumerate().map(|(i, _)| pos.get(i).cloned()).collect();
    for (k, v) in a.kw {
        let Some(i) = names.iter().position(|n| *n == k.as_str()) else {
            return Err(type_error(format!("'{}' is an invalid keyword argument for {}", k, fname)));
        };
        if out[i].is_some() {
            return Err(type_error(format!("argument for {} given by name ('{}') and position ({})", fname, k, i + 1)));
        }
        out[i] = Some(v.clone());
    }
    for (i, v) in out.iter().enumerate().take(required) {
        if v.is_none() {
            return Err(type_error(format!("function missing required argument '{}' (pos {})", names[i], i + 1)));
        }
    }
    Ok(out)
}

/// `fromordinal`'s check: CPython's ValueError for a day number out of range.
pub fn check_ordinal(n: i64) -> PyResult<()> {
    if n < 1 {
        return Err(crate::runtime::exceptions::value_error("ordinal must be >= 1"));
    }
    if n > days::MAX_ORDINAL {
        let year = Ymd::from_ordinal(n.min(i64::MAX / 2)).year;
        return Err(crate::runtime::exceptions::value_error(format!("year {} is out of range", year)));
    }
    Ok(())
}

/// Adds a read-only property computed by `get` from the receiver.
pub fn property(class: &Rc<Class>, name: &'static str, get: NativeFn) {
    let fget = native(name, get);
    let p = Wrapper::Property { fget, fset: Value::None, fdel: Value::None, doc: Value::None };
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(p)));
}

/// Adds a class method.
pub fn class_method(class: &Rc<Class>, name: &'static str, f: NativeFn) {
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(Wrapper::ClassMethod(native(name, f)))));
}

/// Sets a class attribute.
pub fn set_class_attr(class: &Rc<Class>, name: &str, v: Value) {
    class.attrs.borrow_mut().insert(intern(name), v);
}

/// The class a class method was called on.
pub fn cls_arg(a: &Args) -> PyResult<Rc<Class>> {
    match a.pos.first() {
        Some(Value::Class(c)) => Ok(c.clone()),
        _ => Err(type_error("descriptor needs a type")),
    }
}

/// `copy` support for a class of immutable values: a copy is the object itself.
pub fn immutable(class: &Rc<Class>) {
    crate::runtime::define::method(class, "__copy__", |a| Ok(a.pos[0].clone()));
    crate::runtime::define::method(class, "__deepcopy__", |a| Ok(a.pos[0].clone()));
}

/// Finishes a class made with `native_class`: module name and the attribute-access flags.
pub fn finish_class(class: &Rc<Class>) {
    class.attrs.borrow_mut().insert(intern("__module__"), Value::str("datetime"));
    class.settle_attr_rules();
}

/// Adds the six comparison dunders to a class, each calling `$compare(args, op)`.
macro_rules! comparisons {
    ($class:expr, $compare:path) => {{
        use crate::ast::CmpOp;
        let ops: [(&'static str, crate::object::function::NativeFn); 6] = [
            ("__eq__", |a| $compare(a, CmpOp::Eq)),
            ("__ne__", |a| $compare(a, CmpOp::NotEq)),
            ("__lt__", |a| $compare(a, CmpOp::Lt)),
            ("__le__", |a| $compare(a, CmpOp::LtE)),
            ("__gt__", |a| $compare(a, CmpOp::Gt)),
            ("__ge__", |a| $compare(a, CmpOp::GtE)),
        ];
        for (name, f) in ops {
            crate::runtime::define::method($class, name, f);
        }
    }};
}
pub(crate) use comparisons;

/// The result of comparing two values whose order is `ord`.
pub fn ordered(ord: std::cmp::Ordering, op: crate::ast::CmpOp) -> Value {
    use crate::ast::CmpOp;
    use std::cmp::Ordering::*;
    Value::Bool(match op {
        CmpOp::Eq => ord == Equal,
        CmpOp::NotEq => ord != Equal,
        CmpOp::Lt => ord == Less,
        CmpOp::LtE => ord != Greater,
        CmpOp::Gt => ord == Greater,
        _ => ord != Less,
    })
}

/// What a comparison with a value of no type it knows gives: NotImplemented for == and !=
/// and for instances (whose reflected method may know), else CPython's TypeError.
pub fn incomparable(a: &Value, b: &Value, op: crate::ast::CmpOp) -> PyResult {
    use crate::ast::CmpOp;
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) || matches!(b, Value::Instance(_)) {
        return Ok(Value::NotImplemented);
    }
    Err(type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        crate::runtime::protocol::op_symbol(op),
        shown_type(a),
        shown_type(b)
    )))
}
