//! `bytes` and `bytearray`: constructors, operators, subscripting and their reprs; the
//! methods are in `methods` (searching and splitting), `transform` (case, padding,
//! stripping), `hex`, `mutate` (bytearray's own) and `percent` (`b'%d' % x`), and
//! `memoryview` is in `memoryview`.

mod construct;
mod hex;
mod int_convert;
pub mod memoryview;
mod methods;
mod mutate;
mod transform;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn, NativeFunction};
use crate::object::Wrapper;
use crate::runtime::define::method;
use crate::runtime::exceptions::type_error;
use crate::runtime::{type_name, types};
use crate::value::{PyBytes, Value};
use crate::vm::PyResult;
use std::rc::Rc;

pub use crate::runtime::protocol::bytes::{
    byte_of, bytes_arg, bytes_from_source, bytes_literal, class_name, concat, contains, del_item, get_item, like,
    percent_format, repr, set_item,
};
pub use hex::{hex_args, hex_with_sep};
pub use memoryview::buffer;

type Entry = (&'static str, NativeFn);

pub fn install() {
    let t = types();
    for class in [&t.bytes, &t.bytearray] {
        for &(name, f) in methods::METHODS.iter().chain(transform::METHODS).chain(hex::METHODS) {
            method(class, name, f);
        }
        for &(name, f) in DUNDERS {
            method(class, name, f);
        }
        static_method(class, "maketrans", transform::maketrans);
        class_method(class, "fromhex", hex::fromhex);
    }
    method(&t.bytearray, "__setitem__", |a| {
        let (b, p) = params(a, "__setitem__", &["", ""], 2)?;
        set_item(b, p[0].as_ref().expect("required"), p[1].clone().expect("required"))?;
        Ok(Value::None)
    });
    method(&t.bytearray, "__delitem__", |a| {
        let (b, p) = params(a, "__delitem__", &[""], 1)?;
        del_item(b, p[0].as_ref().expect("required"))?;
        Ok(Value::None)
    });
    for &(name, f) in mutate::METHODS {
        method(&t.bytearray, name, f);
    }
    construct::install();
    int_convert::install();
    memoryview::install();
}

/// The special methods explicit calls reach (`b.__getitem__(0)`); operators on bytes
/// values do not go through them.
const DUNDERS: &[Entry] = &[
    ("__len__", |a| Ok(Value::Int(params(a, "__len__", &[], 0)?.0.data.borrow().len() as i64))),
    ("__getitem__", |a| {
        let (b, p) = params(a, "__getitem__", &[""], 1)?;
        get_item(b, p[0].as_ref().expect("required"))
    }),
    ("__contains__", |a| {
        let (b, p) = params(a, "__contains__", &[""], 1)?;
        Ok(Value::Bool(contains(b, p[0].as_ref().expect("required"))?))
    }),
    ("__iter__", |a| crate::runtime::protocol::get_iter(&Value::Bytes(params(a, "__iter__", &[], 0)?.0.clone()))),
];

fn static_method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    let f = Value::Native(Rc::new(NativeFunction { name, owner: Some(class.name.as_str()), func }));
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(Wrapper::StaticMethod(f))));
}

fn class_method(class: &Rc<Class>, name: &'static str, func: NativeFn) {
    let f = Value::Native(Rc::new(NativeFunction { name, owner: Some(class.name.as_str()), func }));
    class.attrs.borrow_mut().insert(intern(name), Value::Wrapper(Rc::new(Wrapper::ClassMethod(f))));
}

/// The `bytes` or `bytearray` receiver of a method.
fn this<'a>(a: &'a Args, name: &str) -> PyResult<&'a Rc<PyBytes>> {
    match a.pos.first().map(crate::object::instance::builtin_value) {
        Some(Value::Bytes(b)) => Ok(b),
        Some(other) => Err(type_error(format!(
            "descriptor '{}' for 'bytes' objects doesn't apply to a '{}' object",
            name,
            type_name(other)
        ))),
        None => Err(type_error(format!("unbound method bytes.{}() needs an argument", name))),
    }
}

/// The receiver and the arguments of a method, by position or by the keyword names in
/// `params` (an empty name: positional only), each `None` when not given.
fn params<'a>(a: &'a Args, name: &str, params: &[&str], min: usize) -> PyResult<(&'a Rc<PyBytes>, Vec<Option<Value>>)> {
    let b = this(a, name)?;
    let args = &a.pos[1..];
    let max = params.len();
    if args.len() > max || args.len() < min && a.kw.is_empty() {
        let n = args.len();
        return Err(type_error(if max == 0 {
            format!("{}.{}() takes no arguments ({} given)", class_name(b), name, n)
        } else if min == max && max == 1 {
            format!("{}.{}() takes exactly one argument ({} given)", class_name(b), name, n)
        } else if n < min {
            format!("{} expected at least {} argument{}, got {}", name, min, if min == 1 { "" } else { "s" }, n)
        } else {
            format!("{} expected at most {} argument{}, got {}", name, max, if max == 1 { "" } else { "s" }, n)
        }));
    }
    let mut out: Vec<Option<Value>> = vec![None; max];
    for (slot, v) in out.iter_mut().zip(args) {
        *slot = Some(v.clone());
    }
    for (k, v) in a.kw {
        let Some(i) = params.iter().position(|p| !p.is_empty() && *p == k.as_str()) else {
            return Err(type_error(if params.iter().all(|p| p.is_empty()) {
                format!("{}.{}() takes no keyword arguments", class_name(b), name)
            } else {
                format!("{}() got an unexpected keyword argument '{}'", name, k)
            }));
        };
        if out[i].is_some() {
            return Err(type_error(format!(
                "argument for {}() given by name ('{}') and position ({})",
                name,
                k,
                i + 1
            )));
        }
        out[i] = Some(v.clone());
    }
    if out.iter().take(min).any(Option::is_none) {
        let missing = params[out.iter().position(Option::is_none).unwrap_or(0)];
        return Err(type_error(format!("{}() missing required argument '{}' (pos {})", name, missing, 1)));
    }
    Ok((b, out))
}
