//! The `hashlib` module: `new(name)`, the named constructors, `pbkdf2_hmac`, and hash
//! objects with `update`, `digest`, `hexdigest`, `copy`, `name`, `digest_size` and
//! `block_size`.

pub mod algorithms;

use crate::intern::intern;
use crate::modules::builtins::index_arg;
use crate::modules::bytes::buffer;
use crate::modules::classes::{add_properties, native_class, native_instance};
use crate::object::class::Class;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::repr::addr;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use algorithms::{algorithm, Algorithm, Hasher};
use std::rc::Rc;

/// A hash object's state.
struct Hash {
    alg: Algorithm,
    hasher: Hasher,
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("hashlib")));
    m.set(intern("__name__"), Value::str("hashlib"));
    m.set(intern("new"), native("new", new));
    m.set(intern("pbkdf2_hmac"), native("pbkdf2_hmac", pbkdf2_hmac));
    let constructors: &[(&'static str, NativeFn)] = &[
        ("md5", |a| named(a, "md5")),
        ("sha1", |a| named(a, "sha1")),
        ("sha224", |a| named(a, "sha224")),
        ("sha256", |a| named(a, "sha256")),
        ("sha384", |a| named(a, "sha384")),
        ("sha512", |a| named(a, "sha512")),
        ("sha3_224", |a| named(a, "sha3_224")),
        ("sha3_256", |a| named(a, "sha3_256")),
        ("sha3_384", |a| named(a, "sha3_384")),
        ("sha3_512", |a| named(a, "sha3_512")),
        ("blake2b", |a| named(a, "blake2b")),
        ("blake2s", |a| named(a, "blake2s")),
    ];
    for &(name, f) in constructors {
        m.set(intern(name), native(name, f));
    }
    for name in ["algorithms_guaranteed", "algorithms_available"] {
        let names = algorithms::NAMES.iter().map(|&n| Value::str(n)).collect();
        m.set(intern(name), crate::runtime::protocol::make_set(names, true).unwrap_or(Value::None));
    }
    m
}

/// The class of a hash object: `_hashlib.HASH`, or `_blake2.blake2b` / `blake2s`.
fn class_for(alg: Algorithm) -> Rc<Class> {
    let class = match alg.name {
        "blake2b" => native_class("_blake2", "blake2b"),
        "blake2s" => native_class("_blake2", "blake2s"),
        _ => native_class("_hashlib", "HASH"),
    };
    if class.attrs.borrow().is_empty() {
        method(&class, "update", |a| {
            let data =
                data_arg(a.pos.get(1).ok_or_else(|| type_error("update() takes exactly one argument (0 given)"))?)?;
            with_hash(a, |h| {
                h.hasher.update(&data);
                Value::None
            })
        });
        method(&class, "digest", |a| with_hash(a, |h| Value::bytes(h.hasher.digest())));
        method(&class, "hexdigest", |a| with_hash(a, |h| Value::str(hex(&h.hasher.digest()))));
        method(&class, "copy", |a| {
            let (alg, hasher) = {
                let Some(Value::Instance(inst)) = a.pos.first() else { return Err(type_error("copy() needs a hash")) };
                let h = inst.native::<Hash>().ok_or_else(|| type_error("copy() needs a hash"))?;
                (h.alg, h.hasher.clone())
            };
            Ok(native_instance(class_for(alg), Hash { alg, hasher }))
        });
        if alg.name.starts_with("blake2") {
            // blake2 objects keep object's repr: `<_blake2.blake2b object at 0x...>`.
        } else {
            method(&class, "__repr__", |a| {
                let name = with_hash(a, |h| Value::str(h.alg.name))?;
                Ok(Value::str(format!("<{} _hashlib.HASH object @ {}>", name.as_str().unwrap_or(""), addr(&a.pos[0]))))
            });
        }
        add_properties(
            &class,
            &[
                ("name", |a| with_hash(a, |h| Value::str(h.alg.name))),
                ("digest_size", |a| with_hash(a, |h| Value::Int(h.hasher.digest_size() as i64))),
                ("block_size", |a| with_hash(a, |h| Value::Int(h.alg.block_size as i64))),
            ],
        );
    }
    class
}

fn with_hash(a: &Args, f: impl FnOnce(&mut Hash) -> Value) -> PyResult {
    match a.pos.first() {
        Some(Value::Instance(inst)) => inst.native::<Hash>().map(|mut h| f(&mut h)),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires a hash object"))
}

pub fn hex(data: &[u8]) -> String {
    crate::modules::bytes::hex_with_sep(data, None, 1)
}

/// Data to hash: `TypeError: Strings must be encoded before hashing` for a str.
pub fn data_arg(v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Str(_) => Err(type_error("Strings must be encoded before hashing")),
        other => buffer(other).ok_or_else(|| {
            type_error(format!("object supporting the buffer API required, not '{}'", type_name(other)))
        }),
    }
}

/// An algorithm named by a str: `ValueError: unsupported hash type x`.
pub fn algorithm_arg(v: &Value) -> PyResult<Algorithm> {
    let Value::Str(s) = v else {
        return Err(type_error(format!("new() argument 'name' must be str, not {}", type_name(v))));
    };
    algorithm(&s.s).ok_or_else(|| value_error(format!("unsupported hash type {}", s.s)))
}

/// A new hash object of `alg` over `data`, with `digest_size` for BLAKE2.
fn start(alg: Algorithm, data: Option<&Value>, digest_size: Option<&Value>) -> PyResult {
    let size = match digest_size {
        Some(v) if alg.name.starts_with("blake2") => {
            let n = index_arg(v)?;
            let max = alg.max_digest_size() as i64;
            if !(1..=max).contains(&n) {
                return Err(value_error(format!("digest_size must be between 1 and {} bytes", max)));
            }
            n as usize
        }
        _ => alg.max_digest_size(),
    };
    let mut hasher = alg.start(size);
    if let Some(d) = data {
        hasher.update(&data_arg(d)?);
    }
    Ok(native_instance(class_for(alg), Hash { alg, hasher }))
}

/// The data argument and `digest_size`, rejecting other keywords. The OpenSSL
/// constructors take the data as `string=`, BLAKE2's as `data=`, `new` as either.
fn data_and_size<'a>(
    a: &'a Args,
    pos: usize,
    func: &str,
    blake: bool,
    data_names: &[&str],
) -> PyResult<(Option<&'a Value>, Option<&'a Value>)> {
    let mut data = a.pos.get(pos);
    let mut size = None;
    for (k, v) in a.kw {
        match k.as_str() {
            name if data_names.contains(&name) => data = Some(v),
            "usedforsecurity" => {}
            "digest_size" if blake => size = Some(v),
            other => return Err(type_error(format!("'{}' is an invalid keyword argument for {}()", other, func))),
        }
    }
    if a.pos.len() > pos + 1 {
        return Err(type_error(format!("{}() takes at most {} arguments ({} given)", func, pos + 1, a.pos.len())));
    }
    Ok((data, size))
}

fn named(a: &Args, name: &'static str) -> PyResult {
    let alg = algorithm(name).expect("a known algorithm");
    let blake = name.starts_with("blake2");
    let func = if blake { name.to_string() } else { format!("openssl_{}", name) };
    let (data, size) = data_and_size(a, 0, &func, blake, if blake { &["data"] } else { &["string"] })?;
    start(alg, data, size)
}

fn new(a: &Args) -> PyResult {
    let name = a.pos.first().cloned().or_else(|| crate::runtime::args::kwarg(a, "name"));
    let Some(name) = name else { return Err(type_error("new() missing required argument 'name' (pos 1)")) };
    let alg = algorithm_arg(&name)?;
    let kw: Vec<_> = a.kw.iter().filter(|(k, _)| k.as_str() != "name").cloned().collect();
    let rest = Args { pos: a.pos.get(1..).unwrap_or(&[]), kw: &kw };
    let (data, size) = data_and_size(&rest, 0, "new", alg.name.starts_with("blake2"), &["data", "string"])?;
    start(alg, data, size)
}

fn pbkdf2_hmac(a: &Args) -> PyResult {
    let get = |i: usize, name: &str| a.pos.get(i).cloned().or_else(|| crate::runtime::args::kwarg(a, name));
    let missing =
        |name: &str, i: usize| type_error(format!("pbkdf2_hmac() missing required argument '{}' (pos {})", name, i));
    let alg = algorithm_arg(&get(0, "hash_name").ok_or_else(|| missing("hash_name", 1))?)?;
    let bytes = |v: Value| {
        buffer(&v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(&v))))
    };
    let password = bytes(get(1, "password").ok_or_else(|| missing("password", 2))?)?;
    let salt = bytes(get(2, "salt").ok_or_else(|| missing("salt", 3))?)?;
    let iterations = index_arg(&get(3, "iterations").ok_or_else(|| missing("iterations", 4))?)?;
    if iterations < 1 {
        return Err(value_error("iteration value must be greater than 0."));
    }
    let dklen = match get(4, "dklen") {
        None | Some(Value::None) => alg.max_digest_size() as i64,
        Some(v) => index_arg(&v)?,
    };
    if dklen < 1 {
        return Err(value_error("key length must be greater than 0."));
    }
    Ok(Value::bytes(algorithms::pbkdf2(alg, &password, &salt, iterations as u64, dklen as usize)))
}
