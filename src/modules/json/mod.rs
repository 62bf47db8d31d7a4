//! The `json` module: `dumps` and `loads`, byte-identical to CPython 3.11.
//!
//! Both directions are hand-written rather than built on `serde_json`: the encoder works on
//! Python values (float `repr`, `Infinity`/`NaN`, key coercion, `default=` calling script
//! code, CPython's exact spacing rules), and the decoder must reproduce the C scanner's
//! error messages and character positions (`Expecting ',' delimiter: line 1 column 10
//! (char 9)`), which serde reports differently. Each side is a small port of CPython's
//! `_json.c` / `json/encoder.py`.

use crate::intern::intern;
use crate::object::dict::PyDict;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::args::kwarg;
use crate::runtime::define::native;
use crate::runtime::exceptions::{self as ex, new_exception, type_error};
use crate::runtime::protocol;
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, Ctx};
use crate::vm::{ops, Flow, PyResult};
use num_bigint::BigInt;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// `JSONEncoder`, `JSONDecoder`, `dump`, `load` and the `cls=` forms, over the natives.
pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("json")));
    m.set(intern("__name__"), Value::str("json"));
    m.set(intern("_dumps"), native("dumps", dumps));
    m.set(intern("_loads"), native("loads", loads));
    m.set(intern("_raw_decode"), native("raw_decode", raw_decode));
    m.set(intern("JSONDecodeError"), Value::Class(decode_error_class()));
    m
}

// ---- encoding ----

struct Encoder {
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    sort_keys: bool,
    skip_keys: bool,
    ensure_ascii: bool,
    allow_nan: bool,
    check_circular: bool,
    default: Option<Value>,
    /// Containers being encoded, for "Circular reference detected".
    markers: RefCell<Vec<usize>>,
}

type Boxed<'a> = Pin<Box<dyn Future<Output = PyResult<()>> + 'a>>;

fn truth(v: &Value) -> bool {
    ops::truthy(v).unwrap_or(true)
}

fn dumps(a: &Args) -> PyResult {
    const KEYWORDS: &[&str] = &[
        "skipkeys",
        "ensure_ascii",
        "check_circular",
        "allow_nan",
        "cls",
        "indent",
        "separators",
        "default",
        "sort_keys",
    ];
    if a.pos.len() != 1 {
        return Err(type_error(match a.pos.len() {
            0 => "dumps() missing 1 required positional argument: 'obj'".to_string(),
            n => format!("dumps() takes 1 positional argument but {} were given", n),
        }));
    }
    for (k, _) in a.kw {
        if !KEYWORDS.contains(&k.as_str()) {
            return Err(type_error(format!("JSONEncoder.__init__() got an unexpected keyword argument '{}'", k)));
        }
    }
    let flag = |name: &str, default: bool| kwarg(a, name).map(|v| truth(&v)).unwrap_or(default);
    let indent = match kwarg(a, "indent") {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(s.s.to_string()),
        Some(v @ (Value::Int(_) | Value::Bool(_))) => Some(" ".repeat(super::builtins::index_arg(&v)?.max(0) as usize)),
        Some(v) => return Err(type_error(format!("can't multiply sequence by non-int of type '{}'", type_name(&v)))),
    };
    let (item_sep, key_sep) = match kwarg(a, "separators") {
        None | Some(Value::None) => (if indent.is_some() { "," } else { ", " }.to_string(), ": ".to_string()),
        Some(v) => {
            let items = match &v {
                Value::Tuple(t) => t.items.to_vec(),
                Value::List(l) => l.items.borrow().clone(),
                _ => return Err(type_error(format!("cannot unpack non-iterable {} object", type_name(&v)))),
            };
            match &items[..] {
                [Value::Str(i), Value::Str(k)] => (i.s.to_string(), k.s.to_string()),
                [_, _] => return Err(type_error("make_encoder() argument 6 must be str, not int")),
                _ => {
                    return Err(ex::value_error(format!("too many values to unpack (expected 2, got {})", items.len())))
                }
            }
        }
    };
    let enc = Encoder {
        indent,
        item_sep,
        key_sep,
        sort_keys: flag("sort_keys", false),
        skip_keys: flag("skipkeys", false),
        ensure_ascii: flag("ensure_ascii", true),
        allow_nan: flag("allow_nan", true),
        check_circular: flag("check_circular", true),
        default: kwarg(a, "default").filter(|d| !d.is_none()),
        markers: RefCell::default(),
    };
    let obj = a.pos[0].clone();
    run_async(|ctx| async move {
        let mut out = String::new();
        enc.encode(&ctx, &obj, 0, &mut out).await?;
        Ok(Value::str(out))
    })
}

/// A JSON string literal for `s`.
pub fn encode_str(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            ' '..='~' => out.push(c),
            c if !ensure_ascii => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
        }
    }
    out.push('"');
}

impl Encoder {
    fn float_str(&self, f: f64) -> PyResult<String> {
        if f.is_finite() {
            return Ok(crate::pyfmt::float_repr(f));
        }
        if !self.allow_nan {
            return Err(ex::value_error("Out of range float values are not JSON compliant"));
        }
        Ok(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string())
    }

    /// Marks a container as being encoded; `Err` if it already is.
    fn enter(&self, v: &Value) -> PyResult<Option<usize>> {
        if !self.check_circular {
            return Ok(None);
        }
        let id = v.heap_ptr().unwrap_or(0);
        let mut markers = self.markers.borrow_mut();
        if markers.contains(&id) {
            return Err(ex::value_error("Circular reference detected"));
        }
        markers.push(id);
        Ok(Some(id))
    }

    fn leave(&self, id: Option<usize>) {
        if let Some(id) = id {
            self.markers.borrow_mut().retain(|&m| m != id);
        }
    }

    fn newline(&self, level: usize, out: &mut String) {
        if let Some(indent) = &self.indent {
            out.push('\n');
            for _ in 0..level {
                out.push_str(indent);
            }
        }
    }

    fn encode<'a>(&'a self, ctx: &'a Ctx, v: &'a Value, level: usize, out: &'a mut String) -> Boxed<'a> {
        Box::pin(async move {
            // Subclasses of list and dict are encoded as their values.
            let v = crate::object::instance::builtin_value(v);
            match v {
                Value::Str(s) => encode_str(&s.s, self.ensure_ascii, out),
                Value::None => out.push_str("null"),
                Value::Bool(true) => out.push_str("true"),
                Value::Bool(false) => out.push_str("false"),
                Value::Int(i) => out.push_str(&i.to_string()),
                Value::BigInt(b) => out.push_str(&crate::numeric::int_to_decimal(b).map_err(ex::value_error)?),
                Value::Float(f) => out.push_str(&self.float_str(*f)?),
                Value::List(_) | Value::Tuple(_) => {
                    let items = match v {
                        Value::List(l) => l.items.borrow().clone(),
                        Value::Tuple(t) => t.items.to_vec(),
                        _ => unreachable!(),
                    };
                    if items.is_empty() {
                        out.push_str("[]");
                        return Ok(());
                    }
                    let id = self.enter(v)?;
                    out.push('[');
                    self.newline(level + 1, out);
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&self.item_sep);
                            self.newline(level + 1, out);
                        }
                        self.encode(ctx, item, level + 1, out).await?;
                    }
                    self.newline(level, out);
                    out.push(']');
                    self.leave(id);
                }
                Value::Dict(d) => self.encode_dict(ctx, v, d, level, out).await?,
                _ => {
                    let Some(default) = self.default.clone() else {
                        return Err(type_error(format!("Object of type {} is not JSON serializable", type_name(v))));
                    };
                    let id = self.enter(v)?;
                    let replacement = ctx.call(default, vec![v.clone()]).await?;
                    self.encode(ctx, &replacement, level, out).await?;
                    self.leave(id);
                }
            }
            Ok(())
        })
    }

    async fn encode_dict(&self, ctx: &Ctx, v: &Value, d: &PyDict, level: usize, out: &mut String) -> PyResult<()> {
        let mut items = d.items();
        if items.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        let id = self.enter(v)?;
        if self.sort_keys {
            items = sort_items(ctx, items).await?;
        }
        out.push('{');
        self.newline(level + 1, out);
        let mut first = true;
        for (key, value) in &items {
            let key = match crate::object::instance::builtin_value(key) {
                Value::Str(s) => s.s.to_string(),
                Value::Float(f) => self.float_str(*f)?,
                Value::Bool(true) => "true".into(),
                Value::Bool(false) => "false".into(),
                Value::None => "null".into(),
                Value::Int(i) => i.to_string(),
                Value::BigInt(b) => crate::numeric::int_to_decimal(b).map_err(ex::value_error)?,
                _ if self.skip_keys => continue,
                other => {
                    return Err(type_error(format!(
                        "keys must be str, int, float, bool or None, not {}",
                        type_name(other)
                    )))
                }
            };
            if !first {
                out.push_str(&self.item_sep);
                self.newline(level + 1, out);
            }
            first = false;
            encode_str(&key, self.ensure_ascii, out);
            out.push_str(&self.key_sep);
            self.encode(ctx, value, level + 1, out).await?;
        }
        self.newline(level, out);
        out.push('}');
        self.leave(id);
        Ok(())
    }
}

/// `sorted(d.items())` for a dict: keys are distinct, so only keys are compared.
async fn sort_items(ctx: &Ctx, items: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    // Binary insertion sort: stable, and O(n log n) comparisons, which are what may run code.
    let mut sorted: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for item in items {
        let (mut lo, mut hi) = (0, sorted.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if protocol::less(ctx, &item.0, &sorted[mid].0).await? {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        sorted.insert(lo, item);
    }
    Ok(sorted)
}

// ---- decoding ----

/// A decoding error: CPython's message and the character index it refers to.
#[derive(Debug, PartialEq)]
pub enum DecodeError {
    At(&'static str, usize),
    /// Nesting deeper than the interpreter's recursion limit.
    TooDeep(&'static str),
}

/// `JSONDecodeError`'s text: `msg: line L column C (char P)`.
pub fn error_message(doc: &[char], msg: &str, pos: usize) -> (String, usize, usize) {
    let before = &doc[..pos.min(doc.len())];
    let lineno = before.iter().filter(|&&c| c == '\n').count() + 1;
    let colno = match before.iter().rposition(|&c| c == '\n') {
        Some(nl) => pos - nl,
        None => pos + 1,
    };
    (format!("{}: line {} column {} (char {})", msg, lineno, colno, pos), lineno, colno)
}

/// A decoded JSON value, before it becomes a Python value.
#[derive(Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

struct Decoder<'a> {
    s: &'a [char],
    depth: usize,
    /// The source text of each number and constant in document order, kept only when a
    /// `parse_float`/`parse_int`/`parse_constant` hook needs it.
    numbers: Option<Vec<String>>,
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Parses a whole document the way `json.loads` does.
pub fn decode(s: &[char]) -> Result<Json, DecodeError> {
    if s.first() == Some(&'\u{feff}') {
        return Err(DecodeError::At("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    let mut d = Decoder { s, depth: 0, numbers: None };
    let start = d.skip_ws(0);
    let (v, end) = d.scan(start)?;
    let end = d.skip_ws(end);
    if end != s.len() {
        return Err(DecodeError::At("Extra data", end));
    }
    Ok(v)
}

/// Parses one value starting exactly at `start` (`raw_decode`): the value, where it ends,
/// and the texts of its numbers when `keep_numbers`.
fn decode_at(s: &[char], start: usize, keep_numbers: bool) -> Result<(Json, usize, Vec<String>), DecodeError> {
    let mut d = Decoder { s, depth: 0, numbers: keep_numbers.then(Vec::new) };
    let (v, end) = d.scan(start)?;
    Ok((v, end, d.numbers.unwrap_or_default()))
}

const MAX_DEPTH: usize = crate::vm::RECURSION_LIMIT - 10;

impl Decoder<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_ws) {
            i += 1;
        }
        i
    }

    fn matches(&self, i: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(k, c)| self.at(i + k) == Some(c))
    }

    /// One value starting at `i`; returns it and the index after it.
    fn scan(&mut self, i: usize) -> Result<(Json, usize), DecodeError> {
        let expecting = DecodeError::At("Expecting value", i);
        match self.at(i) {
            None => Err(expecting),
            Some('"') => self.string(i + 1).map(|(s, e)| (Json::Str(s), e)),
            Some('{') => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(DecodeError::TooDeep("object"));
                }
                let r = self.object(i + 1);
                self.depth -= 1;
                r
            }
            Some('[') => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(DecodeError::TooDeep("array"));
                }
                let r = self.array(i + 1);
                self.depth -= 1;
                r
            }
            Some('n') if self.matches(i, "null") => Ok((Json::Null, i + 4)),
            Some('t') if self.matches(i, "true") => Ok((Json::Bool(true), i + 4)),
            Some('f') if self.matches(i, "false") => Ok((Json::Bool(false), i + 5)),
            Some('N') if self.matches(i, "NaN") => Ok(self.constant("NaN", f64::NAN, i)),
            Some('I') if self.matches(i, "Infinity") => Ok(self.constant("Infinity", f64::INFINITY, i)),
            Some('-') if self.matches(i, "-Infinity") => Ok(self.constant("-Infinity", f64::NEG_INFINITY, i)),
            Some(_) => {
                let (v, end) = self.number(i).ok_or(expecting)?;
                if let Some(texts) = &mut self.numbers {
                    texts.push(self.s[i..end].iter().collect());
                }
                Ok((v, end))
            }
        }
    }

    fn constant(&mut self, name: &str, v: f64, i: usize) -> (Json, usize) {
        if let Some(texts) = &mut self.numbers {
            texts.push(name.to_string());
        }
        (Json::Float(v), i + name.chars().count())
    }

    fn digit(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    /// `_match_number_unicode`: `None` when no number starts here.
    fn number(&self, start: usize) -> Option<(Json, usize)> {
        let mut i = start;
        if self.at(i) == Some('-') {
            i += 1;
        }
        match self.at(i)? {
            '1'..='9' => {
                i += 1;
                while self.digit(i) {
                    i += 1;
                }
            }
            '0' => i += 1,
            _ => return None,
        }
        let mut is_float = false;
        if self.at(i) == Some('.') && self.digit(i + 1) {
            is_float = true;
            i += 2;
            while self.digit(i) {
                i += 1;
            }
        }
        if matches!(self.at(i), Some('e' | 'E')) {
            let e_start = i;
            i += 1;
            if matches!(self.at(i), Some('-' | '+')) {
                i += 1;
            }
            let digits_start = i;
            while self.digit(i) {
                i += 1;
            }
            if i > digits_start {
                is_float = true;
            } else {
                i = e_start;
            }
        }
        let text: String = self.s[start..i].iter().collect();
        let v = if is_float {
            Json::Float(text.parse().expect("JSON number"))
        } else {
            Json::Int(text.parse().expect("JSON integer"))
        };
        Some((v, i))
    }

    fn hex4(&self, i: usize) -> Option<u32> {
        let mut v = 0;
        for k in 0..4 {
            v = v * 16 + self.at(i + k)?.to_digit(16)?;
        }
        Some(v)
    }

    /// `scanstring`: the string whose opening quote is at `begin - 1`.
    fn string(&self, begin: usize) -> Result<(String, usize), DecodeError> {
        let len = self.s.len();
        let unterminated = DecodeError::At("Unterminated string starting at", begin - 1);
        let mut out = String::new();
        let mut i = begin;
        loop {
            let c = self.at(i).ok_or(DecodeError::At("Unterminated string starting at", begin - 1))?;
            i += 1;
            match c {
                '"' => return Ok((out, i)),
                '\\' => {}
                c if (c as u32) <= 0x1f => return Err(DecodeError::At("Invalid control character at", i - 1)),
                c => {
                    out.push(c);
                    continue;
                }
            }
            let Some(e) = self.at(i) else { return Err(unterminated) };
            if e != 'u' {
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    _ => return Err(DecodeError::At("Invalid \\escape", i - 1)),
                });
                i += 1;
                continue;
            }
            // `\uXXXX`: the four digits must be followed by at least one more character.
            let digits = i + 1;
            if digits + 4 >= len {
                return Err(DecodeError::At("Invalid \\uXXXX escape", i));
            }
            let mut c = self.hex4(digits).ok_or(DecodeError::At("Invalid \\uXXXX escape", i))?;
            i = digits + 4;
            if (0xd800..0xdc00).contains(&c) && i + 6 < len && self.at(i) == Some('\\') && self.at(i + 1) == Some('u') {
                let c2 = self.hex4(i + 2).ok_or(DecodeError::At("Invalid \\uXXXX escape", i + 1))?;
                if (0xdc00..0xe000).contains(&c2) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
                    i += 6;
                }
            }
            // A lone surrogate has no UTF-8 form; it becomes U+FFFD.
            out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
        }
    }

    fn object(&mut self, start: usize) -> Result<(Json, usize), DecodeError> {
        let mut pairs = Vec::new();
        let mut i = self.skip_ws(start);
        if self.at(i) != Some('}') {
            loop {
                if self.at(i) != Some('"') {
                    return Err(DecodeError::At("Expecting property name enclosed in double quotes", i));
                }
                let (key, next) = self.string(i + 1)?;
                i = self.skip_ws(next);
                if self.at(i) != Some(':') {
                    return Err(DecodeError::At("Expecting ':' delimiter", i));
                }
                i = self.skip_ws(i + 1);
                let (value, next) = self.scan(i)?;
                pairs.push((key, value));
                i = self.skip_ws(next);
                if self.at(i) == Some('}') {
                    break;
                }
                if self.at(i) != Some(',') {
                    return Err(DecodeError::At("Expecting ',' delimiter", i));
                }
                i = self.skip_ws(i + 1);
            }
        }
        Ok((Json::Object(pairs), i + 1))
    }

    fn array(&mut self, start: usize) -> Result<(Json, usize), DecodeError> {
        let mut items = Vec::new();
        let mut i = self.skip_ws(start);
        if self.at(i) != Some(']') {
            loop {
                let (value, next) = self.scan(i)?;
                items.push(value);
                i = self.skip_ws(next);
                if self.at(i) == Some(']') {
                    break;
                }
                if self.at(i) != Some(',') {
                    return Err(DecodeError::At("Expecting ',' delimiter", i));
                }
                i = self.skip_ws(i + 1);
            }
        }
        Ok((Json::Array(items), i + 1))
    }
}

fn to_value(j: Json) -> PyResult {
    Ok(match j {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(b),
        Json::Int(i) => Value::from_bigint(i),
        Json::Float(f) => Value::Float(f),
        Json::Str(s) => Value::str(s),
        Json::Array(items) => Value::list(items.into_iter().map(to_value).collect::<PyResult<_>>()?),
        Json::Object(pairs) => {
            let d = PyDict::default();
            for (k, v) in pairs {
                d.insert_str(&k, to_value(v)?);
            }
            Value::Dict(Rc::new(d))
        }
    })
}

pub(crate) fn loads(a: &Args) -> PyResult {
    if a.pos.len() != 1 {
        return Err(type_error(match a.pos.len() {
            0 => "loads() missing 1 required positional argument: 's'".to_string(),
            n => format!("loads() takes 1 positional argument but {} were given", n),
        }));
    }
    let hooks = Hooks::from_args(a)?;
    let Value::Str(text) = &a.pos[0] else {
        return Err(type_error(format!(
            "the JSON object must be str, bytes or bytearray, not {}",
            type_name(&a.pos[0])
        )));
    };
    let doc: Vec<char> = text.s.chars().collect();
    if hooks.is_empty() {
        return match decode(&doc) {
            Ok(j) => to_value(j),
            Err(e) => Err(decode_error(&a.pos[0], &doc, e)),
        };
    }
    let (j, texts) = match decode_hooked(&doc, &hooks) {
        Ok(r) => r,
        Err(e) => return Err(decode_error(&a.pos[0], &doc, e)),
    };
    run_async(move |ctx| async move { hooks.apply(&ctx, j, &mut texts.into_iter()).await })
}

/// The whole document with numbers' texts kept for the hooks that need them.
fn decode_hooked(doc: &[char], hooks: &Hooks) -> Result<(Json, Vec<String>), DecodeError> {
    if doc.first() == Some(&'\u{feff}') {
        return Err(DecodeError::At("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    let d = Decoder { s: doc, depth: 0, numbers: None };
    let start = d.skip_ws(0);
    let (j, end, texts) = decode_at(doc, start, hooks.needs_numbers())?;
    let end = d.skip_ws(end);
    if end != doc.len() {
        return Err(DecodeError::At("Extra data", end));
    }
    Ok((j, texts))
}

/// `JSONDecoder.raw_decode(s, idx)`: one value starting at `idx`, and where it ends.
fn raw_decode(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "raw_decode", 2, 2)?;
    let hooks = Hooks::from_args(a)?;
    let Value::Str(text) = &a.pos[0] else {
        return Err(type_error(format!("first argument must be a string, not {}", type_name(&a.pos[0]))));
    };
    let start = match &a.pos[1] {
        Value::Int(i) if *i >= 0 => *i as usize,
        Value::Int(_) => return Err(ex::value_error("idx cannot be negative")),
        other => return Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    };
    let doc: Vec<char> = text.s.chars().collect();
    let (j, end, texts) = match decode_at(&doc, start, hooks.needs_numbers()) {
        Ok(r) => r,
        Err(e) => return Err(decode_error(&a.pos[0], &doc, e)),
    };
    run_async(move |ctx| async move {
        let v = hooks.apply(&ctx, j, &mut texts.into_iter()).await?;
        Ok(Value::tuple(vec![v, Value::Int(end as i64)]))
    })
}

/// CPython's JSONDecodeError (or RecursionError) for a failed decode of `doc`.
fn decode_error(doc_value: &Value, doc: &[char], e: DecodeError) -> Flow {
    match e {
        DecodeError::TooDeep(what) => ex::raise(
            ExcType::RecursionError,
            format!("maximum recursion depth exceeded while decoding a JSON {} from a unicode string", what),
        ),
        DecodeError::At(msg, pos) => {
            let (text_msg, lineno, colno) = error_message(doc, msg, pos);
            let e = new_exception(&decode_error_class(), vec![Value::str(text_msg)]);
            {
                let mut attrs = e.attrs.borrow_mut();
                attrs.insert(intern("msg"), Value::str(msg));
                attrs.insert(intern("doc"), doc_value.clone());
                attrs.insert(intern("pos"), Value::Int(pos as i64));
                attrs.insert(intern("lineno"), Value::Int(lineno as i64));
                attrs.insert(intern("colno"), Value::Int(colno as i64));
            }
            Flow::Raise(e)
        }
    }
}

/// The decoder hooks of `loads` / `JSONDecoder` (each None when not given).
#[derive(Default)]
struct Hooks {
    object_hook: Option<Value>,
    object_pairs_hook: Option<Value>,
    parse_float: Option<Value>,
    parse_int: Option<Value>,
    parse_constant: Option<Value>,
}

type BoxedValue<'a> = Pin<Box<dyn Future<Output = PyResult> + 'a>>;

impl Hooks {
    fn from_args(a: &Args) -> PyResult<Hooks> {
        let mut h = Hooks::default();
        for (k, v) in a.kw {
            let v = (!v.is_none()).then(|| v.clone());
            match k.as_str() {
                "object_hook" => h.object_hook = v,
                "object_pairs_hook" => h.object_pairs_hook = v,
                "parse_float" => h.parse_float = v,
                "parse_int" => h.parse_int = v,
                "parse_constant" => h.parse_constant = v,
                "strict" if v.as_ref().is_none_or(truth) => {}
                "strict" => return Err(ex::raise(ExcType::NotImplementedError, "json: strict=False is not supported")),
                _ => {
                    return Err(type_error(format!(
                        "JSONDecoder.__init__() got an unexpected keyword argument '{}'",
                        k
                    )))
                }
            }
        }
        Ok(h)
    }

    fn is_empty(&self) -> bool {
        self.object_hook.is_none() && self.object_pairs_hook.is_none() && !self.needs_numbers()
    }

    fn needs_numbers(&self) -> bool {
        self.parse_float.is_some() || self.parse_int.is_some() || self.parse_constant.is_some()
    }

    /// The Python value of `j`, calling the hooks bottom-up as the C scanner does; `texts`
    /// are the numbers' source texts in document order (when `needs_numbers`).
    fn apply<'a>(&'a self, ctx: &'a Ctx, j: Json, texts: &'a mut std::vec::IntoIter<String>) -> BoxedValue<'a> {
        Box::pin(async move {
            Ok(match j {
                Json::Int(_) | Json::Float(_) if self.needs_numbers() => {
                    let text = texts.next().unwrap_or_default();
                    let hook = match (&j, text.as_str()) {
                        (_, "NaN" | "Infinity" | "-Infinity") => &self.parse_constant,
                        (Json::Int(_), _) => &self.parse_int,
                        _ => &self.parse_float,
                    };
                    match hook {
                        Some(f) => ctx.call(f.clone(), vec![Value::str(text)]).await?,
                        None => to_value(j)?,
                    }
                }
                Json::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply(ctx, item, texts).await?);
                    }
                    Value::list(out)
                }
                Json::Object(pairs) => {
                    let mut values = Vec::with_capacity(pairs.len());
                    for (k, v) in pairs {
                        values.push((k, self.apply(ctx, v, texts).await?));
                    }
                    if let Some(hook) = &self.object_pairs_hook {
                        let items = values.into_iter().map(|(k, v)| Value::tuple(vec![Value::str(k), v])).collect();
                        return ctx.call(hook.clone(), vec![Value::list(items)]).await;
                    }
                    let d = PyDict::default();
                    for (k, v) in values {
                        d.insert_str(&k, v);
                    }
                    let d = Value::Dict(Rc::new(d));
                    match &self.object_hook {
                        Some(hook) => ctx.call(hook.clone(), vec![d]).await?,
                        None => d,
                    }
                }
                other => to_value(other)?,
            })
        })
    }
}

/// `json.decoder.JSONDecodeError`, a `ValueError`.
fn decode_error_class() -> Rc<crate::object::class::Class> {
    crate::modules::classes::module_exception("json.decoder", "JSONDecodeError", ExcType::ValueError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        let doc: Vec<char> = s.chars().collect();
        match decode(&doc) {
            Err(DecodeError::At(msg, pos)) => error_message(&doc, msg, pos).0,
            other => panic!("expected an error for {:?}, got {:?}", s, other),
        }
    }

    #[test]
    fn decodes_values() {
        let doc: Vec<char> = r#" {"a": [1, 2.5, -0, "x\u00e9\ud83d\ude00", true, null, 1e3]} "#.chars().collect();
        let Json::Object(pairs) = decode(&doc).unwrap() else { panic!() };
        assert_eq!(pairs[0].0, "a");
        let Json::Array(items) = &pairs[0].1 else { panic!() };
        assert_eq!(items[1], Json::Float(2.5));
        assert_eq!(items[2], Json::Int(BigInt::from(0)));
        assert_eq!(items[3], Json::Str("xé😀".into()));
        assert_eq!(items[6], Json::Float(1000.0));
    }

    #[test]
    fn error_positions_match_cpython() {
        assert_eq!(err(""), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(err("  "), "Expecting value: line 1 column 3 (char 2)");
        assert_eq!(err("[1,]"), "Expecting value: line 1 column 4 (char 3)");
        assert_eq!(err(r#"{"a":1,}"#), "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)");
        assert_eq!(err(r#"{"a" 1}"#), "Expecting ':' delimiter: line 1 column 6 (char 5)");
        assert_eq!(err(r#"{"a":1 "b":2}"#), "Expecting ',' delimiter: line 1 column 8 (char 7)");
        assert_eq!(err("[1 2]"), "Expecting ',' delimiter: line 1 column 4 (char 3)");
        assert_eq!(err("\"abc"), "Unterminated string starting at: line 1 column 1 (char 0)");
        assert_eq!(err(r#""a\x""#), "Invalid \\escape: line 1 column 3 (char 2)");
        assert_eq!(err(r#""\u12""#), "Invalid \\uXXXX escape: line 1 column 3 (char 2)");
        assert_eq!(err(r#""\u12zz""#), "Invalid \\uXXXX escape: line 1 column 3 (char 2)");
        assert_eq!(err("\"a\nb\""), "Invalid control character at: line 1 column 3 (char 2)");
        assert_eq!(err("01"), "Extra data: line 1 column 2 (char 1)");
        assert_eq!(err("1.5e+"), "Extra data: line 1 column 4 (char 3)");
        assert_eq!(err("nul"), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(err("-"), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(err("\n\n [1,\n 2,,]"), "Expecting value: line 4 column 4 (char 10)");
        assert_eq!(err("[\"é\", x]"), "Expecting value: line 1 column 7 (char 6)");
    }

    #[test]
    fn encodes_strings() {
        let mut out = String::new();
        encode_str("a\"\\\n\x01\x7fé😀", true, &mut out);
        assert_eq!(out, r#""a\"\\\n\u0001\u007f\u00e9\ud83d\ude00""#);
        out.clear();
        encode_str("\x01\x7fé", false, &mut out);
        assert_eq!(out, "\"\\u0001\x7fé\"");
    }
}
