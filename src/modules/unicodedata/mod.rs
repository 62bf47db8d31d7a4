//! The `unicodedata` module, natively, for Unicode 14.0.0 as CPython 3.11 has it. The
//! properties, numeric values and decompositions are tables generated from CPython
//! (`tests/gen/unicodedata_tables.py`), read on first use; names come from `unicode_names2`
//! and normalization from `unicode-normalization`, limited to the characters 14.0.0 assigns.

use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::runtime::exceptions::{key_error, type_error, value_error};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("unicodedata")));
    m.set(intern("__name__"), Value::str("unicodedata"));
    m.set(intern("unidata_version"), Value::str("14.0.0"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("name", name),
        ("lookup", lookup),
        ("category", |a| property(a, "category", |p| Value::str(p.category))),
        ("bidirectional", |a| property(a, "bidirectional", |p| Value::str(p.bidirectional))),
        ("east_asian_width", |a| property(a, "east_asian_width", |p| Value::str(p.east_asian_width))),
        ("combining", |a| property(a, "combining", |p| Value::Int(p.combining as i64))),
        ("mirrored", |a| property(a, "mirrored", |p| Value::Int(p.mirrored as i64))),
        ("decomposition", decomposition),
        ("decimal", |a| number(a, "decimal", |n| n.decimal.map(Value::Int), "not a decimal")),
        ("digit", |a| number(a, "digit", |n| n.digit.map(Value::Int), "not a digit")),
        ("numeric", |a| number(a, "numeric", |n| Some(Value::Float(n.numeric)), "not a numeric character")),
        ("normalize", normalize),
        ("is_normalized", is_normalized),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// The properties shared by a run of code points.
struct Properties {
    category: &'static str,
    bidirectional: &'static str,
    east_asian_width: &'static str,
    combining: u8,
    mirrored: bool,
}

struct Numeric {
    decimal: Option<i64>,
    digit: Option<i64>,
    numeric: f64,
}

fn properties_table() -> &'static [(u32, Properties)] {
    static TABLE: OnceLock<Vec<(u32, Properties)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("properties.txt")
            .lines()
            .filter_map(|line| {
                let mut f = line.split(' ');
                let start = u32::from_str_radix(f.next()?, 16).ok()?;
                let category = f.next()?;
                let bidirectional = f.next().map(|b| if b == "-" { "" } else { b })?;
                let east_asian_width = f.next()?;
                let combining = f.next()?.parse().ok()?;
                let mirrored = f.next()? == "1";
                Some((start, Properties { category, bidirectional, east_asian_width, combining, mirrored }))
            })
            .collect()
    })
}

fn properties_of(c: char) -> &'static Properties {
    let table = properties_table();
    let i = table.partition_point(|(start, _)| *start <= c as u32);
    // The table starts at code point 0, so every character has a run.
    &table[i.saturating_sub(1)].1
}

fn numeric_table() -> &'static [(u32, Numeric)] {
    static TABLE: OnceLock<Vec<(u32, Numeric)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("numeric.txt")
            .lines()
            .filter_map(|line| {
                let mut f = line.split(' ');
                let code = u32::from_str_radix(f.next()?, 16).ok()?;
                let decimal = f.next()?.parse().ok();
                let digit = f.next()?.parse().ok();
                let numeric = f.next()?.parse().ok()?;
                Some((code, Numeric { decimal, digit, numeric }))
            })
            .collect()
    })
}

fn decomposition_table() -> &'static [(u32, &'static str)] {
    static TABLE: OnceLock<Vec<(u32, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("decompositions.txt")
            .lines()
            .filter_map(|line| {
                let (code, text) = line.split_once(';')?;
                Some((u32::from_str_radix(code, 16).ok()?, text))
            })
            .collect()
    })
}

fn find<T>(table: &'static [(u32, T)], c: char) -> Option<&'static T> {
    table.binary_search_by_key(&(c as u32), |(code, _)| *code).ok().map(|i| &table[i].1)
}

fn assigned(c: char) -> bool {
    properties_of(c).category != "Cn"
}

/// The one-character string argument; `what` names it in the message as CPython does
/// ("argument 1" for the functions that take a default, "argument" for the others).
fn char_arg(v: &Value, func: &str, what: &str) -> PyResult<char> {
    if let Some(s) = v.as_str() {
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(c);
        }
    }
    Err(type_error(format!("{}() {} must be a unicode character, not {}", func, what, type_name(v))))
}

fn property(a: &Args, func: &str, get: fn(&Properties) -> Value) -> PyResult {
    crate::runtime::args::check_args(a, func, 1, 1)?;
    Ok(get(properties_of(char_arg(&a.pos[0], func, "argument")?)))
}

fn name(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "name", 1, 2)?;
    let c = char_arg(&a.pos[0], "name", "argument 1")?;
    match unicode_names2::name(c).filter(|_| assigned(c)) {
        Some(n) => Ok(Value::str(n.to_string())),
        None => a.pos.get(1).cloned().ok_or_else(|| value_error("no such name")),
    }
}

fn lookup(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "lookup", 1, 1)?;
    let Some(text) = a.pos[0].as_str() else {
        return Err(type_error(format!("lookup() argument must be str, not {}", type_name(&a.pos[0]))));
    };
    if text.len() > 256 {
        return Err(key_error(Value::str("name too long")));
    }
    match unicode_names2::character(&text.to_uppercase()).filter(|c| assigned(*c)) {
        Some(c) => Ok(Value::str(c.to_string())),
        None => Err(key_error(Value::str(format!("undefined character name '{}'", text)))),
    }
}

fn decomposition(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "decomposition", 1, 1)?;
    let c = char_arg(&a.pos[0], "decomposition", "argument")?;
    Ok(Value::str(find(decomposition_table(), c).copied().unwrap_or("")))
}

fn number(a: &Args, func: &str, get: fn(&Numeric) -> Option<Value>, missing: &str) -> PyResult {
    crate::runtime::args::check_args(a, func, 1, 2)?;
    let c = char_arg(&a.pos[0], func, "argument 1")?;
    match find(numeric_table(), c).and_then(get) {
        Some(v) => Ok(v),
        None => a.pos.get(1).cloned().ok_or_else(|| value_error(missing)),
    }
}

#[derive(Clone, Copy)]
enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

fn form_and_text<'a>(a: &'a Args, func: &str) -> PyResult<(Form, &'a str)> {
    crate::runtime::args::check_args(a, func, 2, 2)?;
    let Some(form) = a.pos[0].as_str() else {
        return Err(type_error(format!("{}() argument 1 must be str, not {}", func, type_name(&a.pos[0]))));
    };
    let Some(text) = a.pos[1].as_str() else {
        return Err(type_error(format!("{}() argument 2 must be str, not {}", func, type_name(&a.pos[1]))));
    };
    let form = match form {
        "NFC" => Form::Nfc,
        "NFD" => Form::Nfd,
        "NFKC" => Form::Nfkc,
        "NFKD" => Form::Nfkd,
        _ => return Err(value_error("invalid normalization form")),
    };
    Ok((form, text))
}

fn normalized(form: Form, text: &str) -> String {
    match form {
        Form::Nfc => text.nfc().collect(),
        Form::Nfd => text.nfd().collect(),
        Form::Nfkc => text.nfkc().collect(),
        Form::Nfkd => text.nfkd().collect(),
    }
}

fn normalize(a: &Args) -> PyResult {
    let (form, text) = form_and_text(a, "normalize")?;
    Ok(Value::str(normalized(form, text)))
}

fn is_normalized(a: &Args) -> PyResult {
    let (form, text) = form_and_text(a, "is_normalized")?;
    Ok(Value::Bool(normalized(form, text) == text))
}
