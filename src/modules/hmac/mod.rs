//! The `hmac` module: `new`, `digest`, `compare_digest`, and HMAC objects over the
//! `hashlib` algorithms.

use super::hashlib::algorithms::{algorithm, Algorithm, Hmac};
use super::hashlib::{algorithm_arg, data_arg, hex};
use crate::intern::intern;
use crate::modules::bytes::buffer;
use crate::modules::classes::{add_properties, native_class, native_instance};
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("hmac")));
    m.set(intern("__name__"), Value::str("hmac"));
    m.set(intern("new"), native("new", new));
    m.set(intern("HMAC"), Value::Class(hmac_class()));
    m.set(intern("digest"), native("digest", digest));
    m.set(intern("compare_digest"), native("compare_digest", compare_digest));
    m
}

/// The algorithm a `digestmod` names: a name, or a hashlib constructor such as `hashlib.sha256`.
fn digestmod(v: &Value) -> PyResult<Algorithm> {
    match v {
        Value::Native(n) => algorithm(n.name).ok_or_else(|| value_error(format!("unsupported hash type {}", n.name))),
        Value::Module(m) => {
            let name = m.name.as_str().rsplit('.').next().unwrap_or("");
            algorithm(name).ok_or_else(|| value_error(format!("unsupported hash type {}", name)))
        }
        other => algorithm_arg(other),
    }
}

fn key_arg(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(b) => Ok(b.data.borrow().clone()),
        other => Err(type_error(format!("key: expected bytes or bytearray, but got '{}'", type_name(other)))),
    }
}

fn new(a: &Args) -> PyResult {
    let get = |i: usize, name: &str| a.pos.get(i).cloned().or_else(|| crate::runtime::args::kwarg(a, name));
    let Some(key) = get(0, "key") else { return Err(type_error("new() missing required argument 'key' (pos 1)")) };
    let key = key_arg(&key)?;
    let alg = match get(2, "digestmod") {
        None | Some(Value::None) => return Err(type_error("Missing required parameter 'digestmod'.")),
        Some(d) => digestmod(&d)?,
    };
    let mut mac = Hmac::new(alg, &key);
    if let Some(msg) = get(1, "msg").filter(|m| !m.is_none()) {
        mac.inner.update(&data_arg(&msg)?);
    }
    Ok(native_instance(hmac_class(), mac))
}

fn digest(a: &Args) -> PyResult {
    let [key, msg, d] = a.pos else {
        return Err(type_error(format!("digest() takes exactly 3 arguments ({} given)", a.pos.len())));
    };
    let mut mac = Hmac::new(digestmod(d)?, &key_arg(key)?);
    mac.inner.update(&data_arg(msg)?);
    Ok(Value::bytes(mac.digest()))
}

/// `compare_digest(a, b)`: two ASCII strs or two bytes-like objects.
fn compare_digest(a: &Args) -> PyResult {
    let [x, y] = a.pos else {
        return Err(type_error(format!("compare_digest expected 2 arguments, got {}", a.pos.len())));
    };
    let (p, q) = match (x, y) {
        (Value::Str(s), Value::Str(t)) => {
            if !s.is_ascii() || !t.is_ascii() {
                return Err(type_error("comparing strings with non-ASCII characters is not supported"));
            }
            (s.s.as_bytes().to_vec(), t.s.as_bytes().to_vec())
        }
        _ => {
            let bytes = |v: &Value| {
                buffer(v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
            };
            if matches!(x, Value::Str(_)) != matches!(y, Value::Str(_)) {
                let other = if matches!(x, Value::Str(_)) { x } else { y };
                return Err(type_error(format!("a bytes-like object is required, not '{}'", type_name(other))));
            }
            (bytes(x)?, bytes(y)?)
        }
    };
    // Constant time in the length of the second argument.
    let mut diff = (p.len() != q.len()) as u8;
    for (i, b) in q.iter().enumerate() {
        diff |= b ^ p.get(i).copied().unwrap_or(0);
    }
    Ok(Value::Bool(diff == 0))
}

fn hmac_class() -> Rc<Class> {
    let class = native_class("hmac", "HMAC");
    if class.attrs.borrow().is_empty() {
        method(&class, "update", |a| {
            let data = data_arg(a.pos.get(1).ok_or_else(|| type_error("update() missing required argument 'msg'"))?)?;
            with_mac(a, |m| {
                m.inner.update(&data);
                Value::None
            })
        });
        method(&class, "digest", |a| with_mac(a, |m| Value::bytes(m.digest())));
        method(&class, "hexdigest", |a| with_mac(a, |m| Value::str(hex(&m.digest()))));
        method(&class, "copy", |a| {
            let copy = with_mac(a, |m| native_instance(hmac_class(), m.clone()))?;
            Ok(copy)
        });
        add_properties(
            &class,
            &[
                ("name", |a| with_mac(a, |m| Value::str(format!("hmac-{}", m.alg.name)))),
                ("digest_size", |a| with_mac(a, |m| Value::Int(m.alg.max_digest_size() as i64))),
                ("block_size", |a| with_mac(a, |m| Value::Int(m.alg.block_size as i64))),
            ],
        );
    }
    class
}

fn with_mac(a: &Args, f: impl FnOnce(&mut Hmac) -> Value) -> PyResult {
    match a.pos.first() {
        Some(Value::Instance(inst)) => inst.native::<Hmac>().map(|mut m| f(&mut m)),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires an 'hmac.HMAC' object"))
}
