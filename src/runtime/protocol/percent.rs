//! printf-style `fmt % args`, driving [`crate::pyfmt`]'s parser the way CPython's
//! `PyUnicode_Format` does: arguments are fetched lazily, so errors come in CPython's order.

use crate::intern::sym;
use crate::numeric::f64_to_bigint;
use crate::object::instance::builtin_value;
use crate::pyfmt::ascii_escape;
use crate::pyfmt::{percent_float, percent_int, percent_pieces, percent_str, Count, PercentPiece, PercentSpec};
use crate::runtime::exceptions::{overflow_error, raise, type_error, value_error};
use crate::runtime::protocol::{self, dunder, to_bigint};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{ops, PyResult};
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// `fmt % args`.
pub fn percent_format(fmt: &str, args: Value) -> PyResult {
    if let Some(text) = render_plain(fmt, &args) {
        return Ok(Value::str(text));
    }
    let fmt = fmt.to_string();
    run_async(|ctx| async move { Ok(Value::str(render(&ctx, &fmt, args, false).await?)) })
}

/// `fmt % args` in the common case, with no script code to run: conversions without a
/// `(key)` or `*`, of str, int, float and bool values. None for anything else, errors
/// included: `render` then does the whole format again, the way CPython does it.
fn render_plain(fmt: &str, args: &Value) -> Option<String> {
    let items: &[Value] = match args {
        Value::Tuple(t) => &t.items,
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) => std::slice::from_ref(args),
        _ => return None,
    };
    let bytes = fmt.as_bytes();
    let mut out = String::with_capacity(fmt.len() + 8 * items.len());
    let (mut at, mut used) = (0, 0);
    while let Some(offset) = memchr::memchr(b'%', &bytes[at..]) {
        out.push_str(&fmt[at..at + offset]);
        at += offset + 1;
        if bytes.get(at) == Some(&b'%') {
            out.push('%');
            at += 1;
            continue;
        }
        let mut flags = crate::pyfmt::PercentFlags::default();
        loop {
            match bytes.get(at)? {
                b'-' => flags.minus = true,
                b'+' => flags.plus = true,
                b' ' => flags.space = true,
                b'#' => flags.alt = true,
                b'0' => flags.zero = true,
                _ => break,
            }
            at += 1;
        }
        let number = |at: &mut usize| {
            let start = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            // Short runs only: anything longer goes the full way, with its size checks.
            (*at - start <= 4).then(|| fmt[start..*at].parse::<usize>().unwrap_or(0))
        };
        let width = if bytes.get(at).is_some_and(u8::is_ascii_digit) { Some(number(&mut at)?) } else { None };
        let precision = if bytes.get(at) == Some(&b'.') {
            at += 1;
            Some(number(&mut at)?)
        } else {
            None
        };
        let conv = *bytes.get(at)? as char;
        at += 1;
        let value = items.get(used)?;
        used += 1;
        let plain = width.is_none() && precision.is_none() && flags == crate::pyfmt::PercentFlags::default();
        let spec = PercentSpec {
            key: None,
            flags,
            width: width.map(Count::Fixed),
            precision: precision.map(Count::Fixed),
            conv,
            index: 0,
        };
        let (width, precision) = (width.map(|n| n as i64), precision.map(|n| n as i64));
        match (conv, value) {
            ('s', Value::Str(text)) if plain => out.push_str(&text.s),
            ('d' | 'i' | 'u' | 's' | 'r', Value::Int(n)) if plain => out.push_str(itoa::Buffer::new().format(*n)),
            ('s' | 'r', Value::Str(text)) => {
                let shown = if conv == 'r' { protocol::str_repr(&text.s) } else { text.s.to_string() };
                out.push_str(&percent_str(&shown, &spec, width, precision));
            }
            ('s' | 'r', Value::Int(n)) => out.push_str(&percent_str(&n.to_string(), &spec, width, precision)),
            ('s' | 'r', Value::Float(f)) => {
                out.push_str(&percent_str(&crate::pyfmt::float_repr(*f), &spec, width, precision))
            }
            ('s' | 'r', Value::Bool(b)) => {
                out.push_str(&percent_str(if *b { "True" } else { "False" }, &spec, width, precision))
            }
            ('d' | 'i' | 'u' | 'o' | 'x' | 'X', Value::Int(n)) => {
                out.push_str(&percent_int(&BigInt::from(*n), &spec, width, precision))
            }
            ('e' | 'E' | 'f' | 'F' | 'g' | 'G', Value::Float(f)) => {
                out.push_str(&percent_float(*f, &spec, width, precision))
            }
            ('e' | 'E' | 'f' | 'F' | 'g' | 'G', Value::Int(n)) => {
                out.push_str(&percent_float(*n as f64, &spec, width, precision))
            }
            _ => return None,
        }
    }
    out.push_str(&fmt[at..]);
    (used == items.len()).then_some(out)
}

/// `fmt % args` for a bytes (or, with `mutable`, bytearray) format. The format is handled
/// as the Latin-1 text of its bytes, and so is what each conversion makes.
pub fn percent_format_bytes(fmt: &[u8], args: Value, mutable: bool) -> PyResult {
    let fmt: String = fmt.iter().map(|&b| b as char).collect();
    run_async(move |ctx| async move {
        let text = render(&ctx, &fmt, args, true).await?;
        let data = text.chars().map(|c| c as u8).collect();
        Ok(Value::Bytes(std::rc::Rc::new(crate::value::PyBytes::new(data, mutable))))
    })
}

/// Whether CPython's `PyMapping_Check` holds (the type has `__getitem__`) for a `%` argument
/// that is not a tuple or str: such an argument may supply `%(key)s` values.
fn is_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) | Value::List(_) | Value::Range(_) => true,
        Value::Instance(i) => dunder(&i.class, sym::GETITEM).is_some(),
        _ => false,
    }
}

/// The argument cursor: a tuple's items, or one value (`arglen` -1) as in CPython.
struct Cursor {
    args: Value,
    arglen: i64,
    argidx: i64,
}

impl Cursor {
    fn next(&mut self) -> PyResult {
        if self.argidx < self.arglen {
            self.argidx += 1;
            if self.arglen < 0 {
                return Ok(self.args.clone());
            }
            if let Value::Tuple(t) = &self.args {
                return Ok(t.items[(self.argidx - 1) as usize].clone());
            }
        }
        Err(type_error("not enough arguments for format string"))
    }
}

/// With `bytes`, the rules of bytes formatting: `%s` takes bytes-like objects, `%r` is
/// `ascii()`, `%c` makes one byte.
async fn render(ctx: &Ctx, fmt: &str, args: Value, bytes: bool) -> PyResult<String> {
    // An instance of a tuple subclass supplies its items, as a tuple does.
    let args = match builtin_value(&args) {
        t @ Value::Tuple(_) => t.clone(),
        _ => args,
    };
    // A mapping (kept whole: a dict subclass's own `__getitem__` serves `%(key)s`), but
    // never a str, even of a subclass.
    let dict = match builtin_value(&args) {
        Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) => None,
        _ if is_mapping(&args) => Some(args.clone()),
        _ => None,
    };
    let mut cur = match &args {
        Value::Tuple(t) => Cursor { arglen: t.items.len() as i64, args: args.clone(), argidx: 0 },
        _ => Cursor { args: args.clone(), arglen: -1, argidx: -2 },
    };
    let mut out = String::with_capacity(fmt.len() + 16);
    for piece in percent_pieces(fmt) {
        let spec = match piece.map_err(value_error)? {
            PercentPiece::Literal(text) => {
                out.push_str(&text);
                continue;
            }
            PercentPiece::Spec(spec) => spec,
        };
        if let Some(key) = &spec.key {
            let Some(d) = &dict else { return Err(type_error("format requires a mapping")) };
            let key =
                if bytes { Value::bytes(key.chars().map(|c| c as u8).collect()) } else { Value::str(key.as_str()) };
            let v = ctx.resolve(ops::get_item(d, &key)).await?;
            cur = Cursor { args: v, arglen: -1, argidx: -2 };
        }
        let width = count(&mut cur, spec.width)?;
        crate::runtime::alloc::check_str_len(width.unwrap_or(0).saturating_abs())?;
        let precision = count(&mut cur, spec.precision)?;
        crate::runtime::alloc::check_str_len(precision.unwrap_or(0))?;
        let v = cur.next()?;
        let text = if bytes {
            convert_for_bytes(ctx, &spec, v, width, precision).await?
        } else {
            convert(ctx, &spec, v, width, precision).await?
        };
        out.push_str(&text);
        if dict.is_some() && cur.argidx < cur.arglen {
            return Err(not_all_converted(bytes));
        }
    }
    if cur.argidx < cur.arglen && dict.is_none() {
        return Err(not_all_converted(bytes));
    }
    Ok(out)
}

fn not_all_converted(bytes: bool) -> crate::vm::Flow {
    type_error(format!("not all arguments converted during {} formatting", if bytes { "bytes" } else { "string" }))
}

/// A width or precision: digits, or `*` taken from the arguments.
fn count(cur: &mut Cursor, c: Option<Count>) -> PyResult<Option<i64>> {
    Ok(match c {
        None => None,
        Some(Count::Fixed(n)) => Some(n as i64),
        Some(Count::Star) => match cur.next()? {
            Value::Int(i) => Some(i),
            Value::Bool(b) => Some(b as i64),
            Value::BigInt(_) => return Err(overflow_error("Python int too large to convert to C ssize_t")),
            _ => return Err(type_error("* wants int")),
        },
    })
}

async fn convert(
    ctx: &Ctx,
    spec: &PercentSpec,
    v: Value,
    width: Option<i64>,
    precision: Option<i64>,
) -> PyResult<String> {
    Ok(match spec.conv {
        's' | 'r' | 'a' => {
            let text = match (spec.conv, &v) {
                ('s', Value::Str(s)) => s.s.to_string(),
                ('s', _) => protocol::str(ctx, &v).await?,
                ('r', _) => protocol::repr(ctx, &v).await?,
                _ => ascii_escape(&protocol::repr(ctx, &v).await?),
            };
            percent_str(&text, spec, width, precision)
        }
        'c' => {
            let c = match &v {
                Value::Str(s) if s.chars == 1 => s.s.chars().next().expect("one char"),
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                    let n = to_bigint(&v).expect("int").to_u32();
                    n.and_then(char::from_u32).ok_or_else(|| overflow_error("%c arg not in range(0x110000)"))?
                }
                _ => return Err(type_error("%c requires int or char")),
            };
            percent_str(&c.to_string(), spec, width, precision)
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = int_value(ctx, spec.conv, &v).await?;
            if matches!(spec.conv, 'd' | 'i' | 'u') {
                crate::numeric::int_to_decimal(&n).map_err(value_error)?;
            }
            percent_int(&n, spec, width, precision)
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let f = float_value(ctx, &v).await?;
            percent_float(f, spec, width, precision)
        }
        _ => return Err(value_error(spec.unsupported_message())),
    })
}

/// A conversion of bytes formatting, as Latin-1 text.
async fn convert_for_bytes(
    ctx: &Ctx,
    spec: &PercentSpec,
    v: Value,
    width: Option<i64>,
    precision: Option<i64>,
) -> PyResult<String> {
    let latin1 = |data: &[u8]| data.iter().map(|&b| b as char).collect::<String>();
    match spec.conv {
        's' | 'b' => {
            let no_buffer = || {
                type_error(format!(
                    "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                    type_name(&v)
                ))
            };
            let data = match (crate::object::buffer::buffer(&v), &v) {
                (Some(data), _) => data,
                (None, Value::Instance(inst)) => {
                    let Some(m) = dunder(&inst.class, crate::intern::intern("__bytes__")) else {
                        return Err(no_buffer());
                    };
                    match ctx.call(m, vec![v.clone()]).await? {
                        Value::Bytes(b) => b.data.borrow().clone(),
                        other => {
                            return Err(type_error(format!(
                                "__bytes__ returned non-bytes (type {})",
                                type_name(&other)
                            )))
                        }
                    }
                }
                _ => return Err(no_buffer()),
            };
            Ok(percent_str(&latin1(&data), spec, width, precision))
        }
        'r' | 'a' => Ok(percent_str(&ascii_escape(&protocol::repr(ctx, &v).await?), spec, width, precision)),
        'c' => {
            let byte = match &v {
                Value::Bytes(b) if b.data.borrow().len() == 1 => b.data.borrow()[0],
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                    to_bigint(&v).and_then(|n| n.to_u8()).ok_or_else(|| overflow_error("%c arg not in range(256)"))?
                }
                _ => return Err(type_error("%c requires an integer in range(256) or a single byte")),
            };
            Ok(percent_str(&latin1(&[byte]), spec, width, precision))
        }
        _ => convert(ctx, spec, v, width, precision).await,
    }
}

/// The integer a `%d`-style conversion shows: ints as they are, floats truncated (for
/// `%d %i %u` only), objects through `__index__` (or `__int__` for `%d %i %u`).
async fn int_value(ctx: &Ctx, conv: char, v: &Value) -> PyResult<BigInt> {
    if let Some(n) = to_bigint(v) {
        return Ok(n);
    }
    let decimal = matches!(conv, 'd' | 'i' | 'u');
    let fail = || {
        if decimal {
            type_error(format!("%{} format: a real number is required, not {}", conv, type_name(v)))
        } else {
            type_error(format!("%{} format: an integer is required, not {}", conv, type_name(v)))
        }
    };
    match v {
        Value::Float(f) if decimal => f64_to_bigint(*f).ok_or_else(|| {
            if f.is_nan() {
                value_error("cannot convert float NaN to integer")
            } else {
                overflow_error("cannot convert float infinity to integer")
            }
        }),
        Value::Instance(inst) => {
            let method =
                dunder(&inst.class, sym::INDEX).or_else(|| if decimal { dunder(&inst.class, sym::INT) } else { None });
            let Some(m) = method else { return Err(fail()) };
            let r = ctx.call(m, vec![v.clone()]).await?;
            to_bigint(&r).ok_or_else(|| type_error(format!("__index__ returned non-int (type {})", type_name(&r))))
        }
        _ => Err(fail()),
    }
}

/// The float a `%f`-style conversion shows.
async fn float_value(ctx: &Ctx, v: &Value) -> PyResult<f64> {
    match crate::object::instance::builtin_value(v) {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => {
            crate::numeric::bigint_to_f64(b).ok_or_else(|| overflow_error("int too large to convert to float"))
        }
        Value::Instance(inst) => {
            let Some(m) = dunder(&inst.class, sym::FLOAT).or_else(|| dunder(&inst.class, sym::INDEX)) else {
                return Err(type_error(format!("must be real number, not {}", type_name(v))));
            };
            match ctx.call(m, vec![v.clone()]).await? {
                Value::Float(f) => Ok(f),
                r @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) => Box::pin(float_value(ctx, &r)).await,
                r => Err(raise(ExcType::TypeError, format!("__float__ returned non-float (type {})", type_name(&r)))),
            }
        }
        _ => Err(type_error(format!("must be real number, not {}", type_name(v)))),
    }
}
