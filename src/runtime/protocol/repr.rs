//! `repr()`, `str()` and `format()` of any value, calling `__repr__`, `__str__` and
//! `__format__` where a class defines them.

use super::{dunder, Recursion};
use crate::intern::sym;
use crate::object::class::Class;
use crate::object::instance::builtin_value;
use crate::object::{DictViewKind, Wrapper};
use crate::runtime::exceptions::type_error;
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::Ctx;
use crate::vm::PyResult;
use compact_str::CompactString;
use std::future::Future;
use std::pin::Pin;

type Boxed<'a, T> = Pin<Box<dyn Future<Output = PyResult<T>> + 'a>>;

/// The repr of a number, bool or None (which is also its `str`): these need no script code.
pub fn scalar_repr(v: &Value) -> Option<CompactString> {
    Some(match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => itoa::Buffer::new().format(*i).into(),
        // Past the conversion limit the slow path raises.
        Value::BigInt(b) => crate::numeric::int_to_decimal(b).ok()?.into(),
        Value::Float(f) => crate::pyfmt::float_repr(*f).into(),
        Value::Complex(z) => crate::pyfmt::complex_repr(z.re, z.im).into(),
        _ => return None,
    })
}

pub fn repr<'a>(ctx: &'a Ctx, v: &'a Value, guard: &'a Recursion) -> Boxed<'a, String> {
    Box::pin(async move {
        Ok(match v {
            Value::BigInt(b) => crate::numeric::int_to_decimal(b).map_err(crate::runtime::exceptions::value_error)?,
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Complex(_) => {
                scalar_repr(v).expect("a scalar").into()
            }
            Value::Str(s) => str_repr(&s.s),
            Value::Bytes(b) => crate::runtime::protocol::bytes::repr(b),
            Value::List(l) => {
                let items = l.items.borrow().clone();
                let Some(_g) = guard.enter(v) else { return Ok("[...]".into()) };
                format!("[{}]", seq(ctx, &items, guard).await?)
            }
            Value::Tuple(t) => {
                let Some(_g) = guard.enter(v) else { return Ok("(...)".into()) };
                if t.items.len() == 1 {
                    format!("({},)", repr(ctx, &t.items[0], guard).await?)
                } else {
                    format!("({})", seq(ctx, &t.items, guard).await?)
                }
            }
            Value::Dict(d) => {
                let Some(_g) = guard.enter(v) else { return Ok("{...}".into()) };
                let mut out = String::from("{");
                for (i, (k, val)) in d.items().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&repr(ctx, k, guard).await?);
                    out.push_str(": ");
                    out.push_str(&repr(ctx, val, guard).await?);
                }
                out.push('}');
                out
            }
            Value::Set(s) => {
                let items: Vec<Value> = s.items.borrow().iter().map(|k| k.value.clone()).collect();
                let name = if s.frozen { "frozenset" } else { "set" };
                if items.is_empty() {
                    return Ok(format!("{}()", name));
                }
                let Some(_g) = guard.enter(v) else { return Ok(format!("{}(...)", name)) };
                let inner = seq(ctx, &items, guard).await?;
                if s.frozen {
                    format!("frozenset({{{}}})", inner)
                } else {
                    format!("{{{}}}", inner)
                }
            }
            Value::Range(r) => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Value::Slice(s) => format!(
                "slice({}, {}, {})",
                repr(ctx, &s.start, guard).await?,
                repr(ctx, &s.stop, guard).await?,
                repr(ctx, &s.step, guard).await?
            ),
            Value::Function(f) => format!("<function {} at {}>", f.qualname.borrow(), addr(v)),
            Value::Native(n) => match n.owner {
                Some(owner) => format!("<method '{}' of '{}' objects>", n.name, owner),
                None => format!("<built-in function {}>", n.name),
            },
            Value::BoundMethod(m) => {
                let recv = repr(ctx, &m.receiver, guard).await?;
                match &m.func {
                    Value::Native(n) => format!(
                        "<built-in method {} of {} object at {}>",
                        n.name,
                        type_name(&m.receiver),
                        addr(&m.receiver)
                    ),
                    Value::Function(f) => format!("<bound method {} of {}>", f.qualname.borrow(), recv),
                    Value::Wrapper(w) if matches!(**w, Wrapper::Slot { .. }) => {
                        let Wrapper::Slot { name, .. } = &**w else { unreachable!() };
                        format!(
                            "<method-wrapper '{}' of {} object at {}>",
                            name,
                            type_name(&m.receiver),
                            addr(&m.receiver)
                        )
                    }
                    other => format!("<bound method {} of {}>", callable_name(ctx, other).await?, recv),
                }
            }
            Value::Class(c) if c.metaclass.as_ref().is_some_and(|m| dunder(m, sym::REPR).is_some()) => {
                let m = dunder(c.metaclass.as_ref().expect("metaclass"), sym::REPR).expect("__repr__");
                match ctx.call(m, vec![v.clone()]).await? {
                    Value::Str(s) => s.s.to_string(),
                    other => {
                        return Err(type_error(format!("__repr__ returned non-string (type {})", type_name(&other))))
                    }
                }
            }
            Value::Class(c) => {
                if c.module == sym::BUILTINS {
                    format!("<class '{}'>", c.qualname())
                } else {
                    format!("<class '{}.{}'>", c.module, c.qualname())
                }
            }
            Value::Module(m) => crate::import::module_repr(m),
            Value::Generator(g) => format!("<{} object {} at {}>", g.type_name(), g.qualname(), addr(v)),
            Value::Iter(it) => format!("<{} object at {}>", it.borrow().type_name(), addr(v)),
            Value::Wrapper(w) => match &**w {
                Wrapper::DictView { kind, dict } => {
                    let name = match kind {
                        DictViewKind::Keys => "dict_keys",
                        DictViewKind::Values => "dict_values",
                        DictViewKind::Items => "dict_items",
                    };
                    let items: Vec<Value> = match kind {
                        DictViewKind::Keys => dict.keys(),
                        DictViewKind::Values => dict.items().into_iter().map(|(_, v)| v).collect(),
                        DictViewKind::Items => {
                            dict.items().into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect()
                        }
                    };
                    format!("{}([{}])", name, seq(ctx, &items, guard).await?)
                }
                Wrapper::Slot { class, name } => format!("<slot wrapper '{}' of '{}' objects>", name, class.name),
                Wrapper::Member { class, name, .. } => {
                    let owner = class.upgrade().map_or("?", |c| c.name.as_str());
                    format!("<member '{}' of '{}' objects>", name, owner)
                }
                _ => format!("<{} object at {}>", type_name(v), addr(v)),
            },
            Value::Cell(_) => format!("<cell at {}>", addr(v)),
            Value::Ellipsis => "Ellipsis".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Null => "<NULL>".into(),
            Value::Instance(inst) if dunder(&inst.class, sym::REPR).is_none() && !std::ptr::eq(builtin_value(v), v) => {
                carried_repr(ctx, &inst.class, builtin_value(v), guard).await?
            }
            Value::Instance(inst) => {
                if let Some(m) = dunder(&inst.class, sym::REPR) {
                    let carried = builtin_value(v);
                    if matches!(m, Value::Native(_)) && !std::ptr::eq(carried, v) {
                        // The base's own `__repr__`, with this guard: a value containing
                        // itself prints as `[...]`.
                        return carried_repr(ctx, &inst.class, carried, guard).await;
                    }
                    let r = ctx.call(m, vec![v.clone()]).await?;
                    return match r {
                        Value::Str(s) => Ok(s.s.to_string()),
                        other => Err(type_error(format!("__repr__ returned non-string (type {})", type_name(&other)))),
                    };
                }
                if inst.exc().is_some() {
                    let args = inst.exc().map(|e| e.borrow().args.clone()).unwrap_or_default();
                    let inner = if args.len() == 1 {
                        repr(ctx, &args[0], guard).await?
                    } else {
                        seq(ctx, &args, guard).await?
                    };
                    return Ok(format!("{}({})", inst.class.name, inner));
                }
                object_repr(v)
            }
        })
    })
}

/// The repr of an instance of a list, dict or set subclass by its base's `__repr__`: that
/// of the value it carries, which for a set names the class (`S({1})`, `S()`).
pub async fn carried_repr(ctx: &Ctx, class: &Class, carried: &Value, guard: &Recursion) -> PyResult<String> {
    match carried {
        Value::Set(s) if s.is_empty() => Ok(format!("{}()", class.name)),
        Value::Set(s) => {
            let r = repr(ctx, carried, guard).await?;
            // A frozenset's repr names its type: the subclass's name replaces it.
            let inner = if s.frozen {
                r.strip_prefix("frozenset(").and_then(|r| r.strip_suffix(')')).unwrap_or(&r)
            } else {
                &r
            };
            Ok(format!("{}({})", class.name, inner))
        }
        _ => repr(ctx, carried, guard).await,
    }
}

async fn seq(ctx: &Ctx, items: &[Value], guard: &Recursion) -> PyResult<String> {
    let mut out = String::new();
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&repr(ctx, x, guard).await?);
    }
    Ok(out)
}

/// `str(v)`.
pub async fn str(ctx: &Ctx, v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.s.to_string()),
        Value::Class(c) if c.metaclass.as_ref().is_some_and(|m| dunder(m, sym::STR).is_some()) => {
            let m = dunder(c.metaclass.as_ref().expect("metaclass"), sym::STR).expect("__str__");
            match ctx.call(m, vec![v.clone()]).await? {
                Value::Str(s) => Ok(s.s.to_string()),
                other => Err(type_error(format!("__str__ returned non-string (type {})", type_name(&other)))),
            }
        }
        Value::Instance(inst) => {
            if let Some(m) = dunder(&inst.class, sym::STR) {
                return match ctx.call(m, vec![v.clone()]).await? {
                    Value::Str(s) => Ok(s.s.to_string()),
                    other => Err(type_error(format!("__str__ returned non-string (type {})", type_name(&other)))),
                };
            }
            // A str subclass's instance shows its text (`str.__str__`, whatever its repr);
            // other carried values their repr.
            if let Value::Str(s) = builtin_value(v) {
                return Ok(s.s.to_string());
            }
            if let Some(e) = inst.exc() {
                if dunder(&inst.class, sym::REPR).is_none() {
                    let args = e.borrow().args.clone();
                    let guard = Recursion::default();
                    if crate::vm::is_group(inst) {
                        let n = crate::vm::group_members(&args).len();
                        let msg = match args.first() {
                            Some(m) => Box::pin(str(ctx, m)).await?,
                            None => String::new(),
                        };
                        return Ok(format!("{} ({} sub-exception{})", msg, n, if n == 1 { "" } else { "s" }));
                    }
                    let class = &inst.class;
                    let decode = class.is_subclass(types().exc(ExcType::UnicodeDecodeError));
                    if decode || class.is_subclass(types().exc(ExcType::UnicodeEncodeError)) {
                        if let Some(msg) = crate::runtime::codecs::unicode_error_message(decode, &args) {
                            return Ok(msg);
                        }
                    }
                    return match args.len() {
                        0 => Ok(String::new()),
                        1 if inst.class.is_subclass(types().exc(ExcType::KeyError)) => {
                            repr(ctx, &args[0], &guard).await
                        }
                        1 => Box::pin(str(ctx, &args[0])).await,
                        _ => repr(ctx, &Value::tuple(args), &guard).await,
                    };
                }
            }
            repr(ctx, v, &Recursion::default()).await
        }
        _ => repr(ctx, v, &Recursion::default()).await,
    }
}

/// `format(v, spec)`.
pub async fn format(ctx: &Ctx, v: &Value, spec: &str) -> PyResult<String> {
    use crate::pyfmt::{format_float, format_int, format_str, parse_format_spec};
    let fail = |e: crate::pyfmt::FormatError, v: &Value| {
        crate::runtime::exceptions::raise_named(e.exception_type(), e.message(type_name(v).as_str()))
    };
    match v {
        Value::Str(s) if spec.is_empty() => Ok(s.s.to_string()),
        Value::Str(s) => {
            let sp = parse_format_spec(spec).map_err(|e| fail(e, v))?;
            format_str(&s.s, &sp).map_err(|e| fail(e, v))
        }
        Value::Bool(_) if spec.is_empty() => str(ctx, v).await,
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
            let sp = parse_format_spec(spec).map_err(|e| fail(e, v))?;
            let big = crate::runtime::protocol::to_bigint(v).expect("int");
            format_int(&big, &sp).map_err(|e| fail(e, v))
        }
        Value::Float(f) => {
            let sp = parse_format_spec(spec).map_err(|e| fail(e, v))?;
            format_float(*f, &sp).map_err(|e| fail(e, v))
        }
        Value::Complex(z) if !spec.is_empty() => {
            let sp = parse_format_spec(spec).map_err(|e| fail(e, v))?;
            crate::pyfmt::format_complex(z.re, z.im, &sp).map_err(|e| fail(e, v))
        }
        Value::Instance(inst) => {
            if let Some(m) = dunder(&inst.class, sym::FORMAT) {
                return match ctx.call(m, vec![v.clone(), Value::str(spec)]).await? {
                    Value::Str(s) => Ok(s.s.to_string()),
                    other => Err(type_error(format!("__format__ must return a str, not {}", type_name(&other)))),
                };
            }
            let carried = builtin_value(v);
            if spec.is_empty() {
                str(ctx, v).await
            } else if let Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Str(_) | Value::Complex(_) =
                carried
            {
                // The number or str base's own `__format__`.
                Box::pin(format(ctx, carried, spec)).await
            } else {
                Err(type_error(format!("unsupported format string passed to {}.__format__", inst.class.name)))
            }
        }
        _ if spec.is_empty() => str(ctx, v).await,
        _ => Err(type_error(format!("unsupported format string passed to {}.__format__", type_name(v)))),
    }
}

/// CPython's repr of a str: single quotes unless the text has a single quote and no double.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !crate::chars::is_printable(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{:02x}", n));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", n));
                } else {
                    out.push_str(&format!("\\U{:08x}", n));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A stable fake address for reprs (`0x...`); the conformance outputs normalize addresses.
/// `object.__repr__`: `<module.Class object at 0x...>`.
pub fn object_repr(v: &Value) -> String {
    let class = types().class_of(v);
    if class.module == sym::BUILTINS {
        format!("<{} object at {}>", class.qualname(), addr(v))
    } else {
        format!("<{}.{} object at {}>", class.module, class.qualname(), addr(v))
    }
}

pub fn addr(v: &Value) -> String {
    format!("0x{:012x}", v.heap_ptr().unwrap_or(0))
}

/// How a bound method names a callable that is not a function, as CPython: its
/// `__qualname__`, else its `__name__`, else `?`.
async fn callable_name(ctx: &Ctx, func: &Value) -> PyResult<String> {
    for name in ["__qualname__", "__name__"] {
        if let Some(found) = crate::vm::get_attr_or_missing(func, crate::intern::intern(name)) {
            match ctx.resolve(found).await {
                Ok(Value::Str(s)) => return Ok(s.s.to_string()),
                Ok(_) => return Ok("?".into()),
                Err(crate::vm::Flow::Raise(e))
                    if crate::runtime::exceptions::is_instance_of(&e, ExcType::AttributeError) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok("?".into())
}
