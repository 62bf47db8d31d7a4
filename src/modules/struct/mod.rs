//! The `struct` module: `pack`, `unpack`, `calcsize`, `iter_unpack`, `pack_into`,
//! `unpack_from` and `Struct` objects, with every format character, the byte order and
//! alignment prefixes, and CPython's `struct.error` messages.

mod codec;
mod format;

use crate::intern::intern;
use crate::modules::builtins::index_arg;
use crate::modules::bytes::buffer;
use crate::modules::classes::{add_properties, module_exception, native_class, native_instance};
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::{constructor, method, native};
use crate::runtime::exceptions::type_error;
use crate::runtime::ExcType;
use crate::runtime::{protocol, type_name};
use crate::value::Value;
use crate::vm::PyResult;
use codec::error;
use format::Layout;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("struct")));
    m.set(intern("__name__"), Value::str("struct"));
    m.set(intern("error"), Value::Class(module_exception("struct", "error", ExcType::Exception)));
    let fns: &[(&'static str, NativeFn)] = &[
        ("pack", |a| with_format(a, "pack", |l, rest| pack(l, rest, "pack").map(Value::bytes))),
        ("unpack", |a| with_format(a, "unpack", |l, rest| unpack(l, one(rest, "unpack", 1)?, 0, "unpack"))),
        ("calcsize", |a| with_format(a, "calcsize", |l, _| Ok(Value::Int(l.size as i64)))),
        ("iter_unpack", |a| with_format(a, "iter_unpack", |l, rest| iter_unpack(l, one(rest, "iter_unpack", 1)?))),
        ("pack_into", |a| with_format(a, "pack_into", pack_into)),
        ("unpack_from", |a| with_format(a, "unpack_from", |l, rest| unpack_from(l, rest, a))),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m.set(intern("Struct"), Value::Class(struct_class()));
    m
}

/// The parsed format of a format argument (str or bytes).
fn layout_of(v: &Value) -> PyResult<(String, Layout)> {
    let text = match v {
        Value::Str(s) => s.s.to_string(),
        Value::Bytes(b) if !b.mutable => String::from_utf8_lossy(&b.data.borrow()).into_owned(),
        other => {
            return Err(type_error(format!(
                "Struct() argument 1 must be a str or bytes object, not {}",
                type_name(other)
            )))
        }
    };
    let layout = format::parse(&text).map_err(error)?;
    Ok((text, layout))
}

/// Runs `f` with the layout of the first argument and the rest.
fn with_format(a: &Args, name: &str, f: impl FnOnce(&Layout, &[Value]) -> PyResult) -> PyResult {
    let Some(fmt) = a.pos.first() else {
        return Err(type_error(format!("{}() missing required argument 'format' (pos 1)", name)));
    };
    if !a.kw.is_empty() && name != "unpack_from" {
        return Err(type_error(format!("{}() takes no keyword arguments", name)));
    }
    let (_, layout) = layout_of(fmt)?;
    f(&layout, &a.pos[1..])
}

fn one<'a>(rest: &'a [Value], name: &str, n: usize) -> PyResult<&'a Value> {
    match rest {
        [v] => Ok(v),
        _ => Err(type_error(format!("{} expected {} arguments, got {}", name, n + 1, rest.len() + 1))),
    }
}

fn pack(l: &Layout, values: &[Value], name: &str) -> PyResult<Vec<u8>> {
    if values.len() != l.len {
        return Err(error(format!("{} expected {} items for packing (got {})", name, l.len, values.len())));
    }
    let mut out = vec![0u8; l.size];
    let mut vals = values.iter();
    for item in &l.items {
        let at = item.offset;
        match item.code {
            b'x' => {}
            b's' | b'p' => {
                let v = vals.next().expect("counted");
                let data = match v {
                    Value::Bytes(b) => b.data.borrow().clone(),
                    _ => return Err(error(format!("argument for '{}' must be a bytes object", item.code as char))),
                };
                let field = &mut out[at..at + item.count];
                if item.code == b's' {
                    let n = data.len().min(item.count);
                    field[..n].copy_from_slice(&data[..n]);
                } else if item.count > 0 {
                    let n = data.len().min(item.count - 1).min(255);
                    field[0] = n as u8;
                    field[1..1 + n].copy_from_slice(&data[..n]);
                }
            }
            code => {
                for k in 0..item.count {
                    let v = vals.next().expect("counted");
                    let start = at + k * item.size;
                    codec::pack_one(code, item.size, l.mode, v, &mut out[start..start + item.size])?;
                }
            }
        }
    }
    Ok(out)
}

/// The values of one record at `offset` of `data`.
fn unpack_record(l: &Layout, data: &[u8], offset: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(l.len);
    for item in &l.items {
        let at = offset + item.offset;
        match item.code {
            b'x' => {}
            b's' => out.push(Value::bytes(data[at..at + item.count].to_vec())),
            b'p' => {
                let field = &data[at..at + item.count];
                let n = field.first().map_or(0, |&n| (n as usize).min(item.count.saturating_sub(1)));
                out.push(Value::bytes(field.get(1..1 + n).unwrap_or(&[]).to_vec()));
            }
            code => {
                for k in 0..item.count {
                    let start = at + k * item.size;
                    out.push(codec::unpack_one(code, l.mode, &data[start..start + item.size]));
                }
            }
        }
    }
    out
}

fn bytes_like(v: &Value) -> PyResult<Vec<u8>> {
    buffer(v).ok_or_else(|| type_error(format!("a bytes-like object is required, not '{}'", type_name(v))))
}

fn unpack(l: &Layout, source: &Value, _offset: usize, _name: &str) -> PyResult {
    let data = bytes_like(source)?;
    if data.len() != l.size {
        return Err(error(format!("unpack requires a buffer of {} bytes", l.size)));
    }
    Ok(Value::tuple(unpack_record(l, &data, 0)))
}

fn iter_unpack(l: &Layout, source: &Value) -> PyResult {
    let data = bytes_like(source)?;
    if l.size == 0 {
        return Err(error("cannot iteratively unpack with a struct of length 0"));
    }
    if data.len() % l.size != 0 {
        return Err(error(format!("iterative unpacking requires a buffer of a multiple of {} bytes", l.size)));
    }
    let records = (0..data.len() / l.size).map(|i| Value::tuple(unpack_record(l, &data, i * l.size))).collect();
    protocol::get_iter(&Value::list(records))
}

/// A buffer offset, counted from the end when negative.
fn offset_in(v: &Value, len: usize) -> PyResult<usize> {
    let n = index_arg(v)?;
    if n >= 0 {
        return Ok(n as usize);
    }
    let from_end = n.unsigned_abs() as usize;
    if from_end > len {
        return Err(error(format!("offset {} out of range for {}-byte buffer", n, len)));
    }
    Ok(len - from_end)
}

fn pack_into(l: &Layout, rest: &[Value]) -> PyResult {
    let [target, offset, values @ ..] = rest else {
        return Err(type_error("pack_into expected buffer argument"));
    };
    let Value::Bytes(b) = target else {
        return Err(type_error(format!("argument must be read-write bytes-like object, not {}", type_name(target))));
    };
    if !b.mutable {
        return Err(type_error("argument must be read-write bytes-like object, not bytes"));
    }
    let packed = pack(l, values, "pack_into")?;
    let mut data = b.data.borrow_mut();
    let at = offset_in(offset, data.len())?;
    if at + l.size > data.len() {
        return Err(error(format!(
            "pack_into requires a buffer of at least {} bytes for packing {} bytes at offset {} (actual buffer size is {})",
            at + l.size,
            l.size,
            at,
            data.len()
        )));
    }
    data[at..at + l.size].copy_from_slice(&packed);
    Ok(Value::None)
}

fn unpack_from(l: &Layout, rest: &[Value], a: &Args) -> PyResult {
    let kw = |name: &str| crate::runtime::args::kwarg(a, name);
    let source = rest.first().cloned().or_else(|| kw("buffer"));
    let Some(source) = source else {
        return Err(type_error("unpack_from() missing required argument 'buffer' (pos 2)"));
    };
    let data = bytes_like(&source)?;
    let at = match rest.get(1).cloned().or_else(|| kw("offset")) {
        Some(v) => offset_in(&v, data.len())?,
        None => 0,
    };
    if at + l.size > data.len() {
        return Err(error(format!(
            "unpack_from requires a buffer of at least {} bytes for unpacking {} bytes at offset {} (actual buffer size is {})",
            at + l.size,
            l.size,
            at,
            data.len()
        )));
    }
    Ok(Value::tuple(unpack_record(l, &data, at)))
}

/// A `Struct` object's format and layout.
struct Compiled {
    format: String,
    layout: Layout,
}

fn struct_class() -> Rc<crate::object::class::Class> {
    let class = native_class("_struct", "Struct");
    if class.attrs.borrow().is_empty() {
        constructor(&class, |a| {
            let fmt = match a.pos {
                [fmt] => fmt,
                _ => return Err(type_error("Struct() takes exactly one argument")),
            };
            let (format, layout) = layout_of(fmt)?;
            Ok(native_instance(struct_class(), Compiled { format, layout }))
        });
        let methods: &[(&'static str, NativeFn)] = &[
            ("pack", |a| compiled(a, |l, rest| pack(l, rest, "pack").map(Value::bytes))),
            ("unpack", |a| compiled(a, |l, rest| unpack(l, one(rest, "unpack", 0)?, 0, "unpack"))),
            ("iter_unpack", |a| compiled(a, |l, rest| iter_unpack(l, one(rest, "iter_unpack", 0)?))),
            ("pack_into", |a| compiled(a, pack_into)),
            ("unpack_from", |a| compiled(a, |l, rest| unpack_from(l, rest, a))),
        ];
        for &(name, f) in methods {
            method(&class, name, f);
        }
        let props: &[(&'static str, NativeFn)] = &[
            ("format", |a| with_compiled(a, |c| Value::str(c.format.as_str()))),
            ("size", |a| with_compiled(a, |c| Value::Int(c.layout.size as i64))),
        ];
        add_properties(&class, props);
    }
    class
}

fn with_compiled(a: &Args, f: impl FnOnce(&Compiled) -> Value) -> PyResult {
    match a.pos.first() {
        Some(Value::Instance(inst)) => inst.native::<Compiled>().map(|c| f(&c)),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires a '_struct.Struct' object"))
}

fn compiled(a: &Args, f: impl FnOnce(&Layout, &[Value]) -> PyResult) -> PyResult {
    let Some(Value::Instance(inst)) = a.pos.first() else {
        return Err(type_error("descriptor requires a '_struct.Struct' object"));
    };
    let c = inst.native::<Compiled>().ok_or_else(|| type_error("descriptor requires a '_struct.Struct' object"))?;
    f(&c.layout, &a.pos[1..])
}
