//! The `re` module. Patterns are parsed (`parser`, `escapes`) into nodes (`node`) that a
//! backtracking matcher (`matcher`) runs with CPython's semantics; the natives here compile,
//! search, find all, substitute and split. `Pattern`, `Match`, `error`, the flags and the
//! module functions with their cache are written in coro (`lib.coro`) over them.

mod escapes;
mod matcher;
mod node;
mod parser;
mod template;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::dict::PyDict;
use crate::object::function::{Args, NativeFn};
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::class_builder::native_class;
use crate::runtime::define::native;
use crate::runtime::exceptions::{overflow_error, raise, type_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use matcher::{Found, Mode, Unit, UNSET};
use std::cell::RefCell;
use std::rc::Rc;
use template::{Piece, TemplateError};

pub const SOURCE: &str = include_str!("lib.coro");

/// A compiled pattern, the payload of the `_Program` objects `Pattern`s hold.
struct Program {
    root: node::Node,
    groups: usize,
    names: indexmap::IndexMap<String, usize>,
}

thread_local! {
    static PROGRAM_CLASS: Rc<Class> = native_class("re", "_Program", vec![types().object.clone()]);
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("re")));
    m.set(intern("__name__"), Value::str("re"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("_sre_compile", compile),
        ("_sre_search", search),
        ("_sre_findall", findall),
        ("_sre_sub", sub),
        ("_sre_split", split),
        ("_sre_template", parse_template),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

/// The subject as the matcher reads it: bytes for ASCII text, code points otherwise, and
/// the bytes of a bytes-like subject.
enum Subject<'s> {
    Ascii(&'s str),
    Wide(Vec<u32>),
    Bytes(std::cell::Ref<'s, Vec<u8>>),
}

impl<'s> Subject<'s> {
    fn of(v: &'s Value) -> PyResult<Subject<'s>> {
        match v {
            Value::Str(s) if s.is_ascii() => Ok(Subject::Ascii(&s.s)),
            Value::Str(s) => Ok(Subject::Wide(s.s.chars().map(|c| c as u32).collect())),
            Value::Bytes(b) => Ok(Subject::Bytes(b.data.borrow())),
            other => Err(type_error(format!("expected string or bytes-like object, got '{}'", type_name(other)))),
        }
    }

    fn len(&self) -> usize {
        match self {
            Subject::Ascii(s) => s.len(),
            Subject::Wide(w) => w.len(),
            Subject::Bytes(b) => b.len(),
        }
    }

    fn slice(&self, s: usize, e: usize) -> Value {
        match self {
            Subject::Ascii(t) => Value::str(&t[s..e]),
            Subject::Bytes(b) => Value::bytes(b[s..e].to_vec()),
            Subject::Wide(w) => {
                Value::str(w[s..e].iter().map(|&c| char::from_u32(c).unwrap_or('\u{fffd}')).collect::<String>())
            }
        }
    }

    fn push_slice(&self, out: &mut String, s: usize, e: usize) {
        match self {
            Subject::Ascii(t) => out.push_str(&t[s..e]),
            Subject::Wide(w) => out.extend(w[s..e].iter().map(|&c| char::from_u32(c).unwrap_or('\u{fffd}'))),
            // Bytes as the code points of the same numbers (latin-1), turned back by `text`.
            Subject::Bytes(b) => out.extend(b[s..e].iter().map(|&c| c as char)),
        }
    }

    /// The subject's kind of value for text built by `push_slice`.
    fn text(&self, out: String) -> Value {
        match self {
            Subject::Bytes(_) => Value::bytes(out.chars().map(|c| c as u8).collect()),
            _ => Value::str(out),
        }
    }

    /// The first match at or after `pos`, the text cut at `endpos`.
    fn search(&self, p: &Program, pos: usize, endpos: usize, mode: Mode) -> PyResult<Option<Found>> {
        fn run<T: Unit>(p: &Program, t: &[T], pos: usize, mode: Mode) -> PyResult<Option<Found>> {
            matcher::search(&p.root, p.groups, t, pos, mode)
        }
        match self {
            Subject::Ascii(t) => run(p, &t.as_bytes()[..endpos], pos, mode),
            Subject::Wide(w) => run(p, &w[..endpos], pos, mode),
            Subject::Bytes(b) => run(p, &b[..endpos], pos, mode),
        }
    }

    /// Successive matches from `pos` as `findall`, `sub` and `split` see them: after an
    /// empty match the next may not be empty at the same place.
    fn each_match(&self, p: &Program, pos: usize, endpos: usize, mut f: impl FnMut(&Found) -> bool) -> PyResult<()> {
        let mut at = pos;
        let mut must_advance = false;
        while at <= endpos {
            let Some(found) = self.search(p, at, endpos, Mode { anchored: false, full: false, must_advance })? else {
                break;
            };
            if !f(&found) {
                break;
            }
            must_advance = found.marks[1] == found.marks[0];
            at = found.marks[1];
        }
        Ok(())
    }
}

/// Bytes as the text of the code points of the same numbers (latin-1).
fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn program(v: &Value) -> PyResult<Rc<Program>> {
    if let Value::Instance(i) = v {
        if let Some(p) = i.native::<Rc<Program>>() {
            return Ok(p.clone());
        }
    }
    Err(type_error("expected a compiled pattern"))
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(other)))),
    }
}

/// `pos` and `endpos` clamped to the string as CPython does.
fn bounds(len: usize, pos: &Value, endpos: &Value) -> PyResult<(usize, usize)> {
    let clamp = |v: i64| v.clamp(0, len as i64) as usize;
    let pos = clamp(int_arg(pos)?);
    let endpos = if matches!(endpos, Value::None) { len } else { clamp(int_arg(endpos)?) };
    Ok((pos, endpos.max(pos)))
}

/// `_compile(pattern, flags)`: `(program, flags, groups, groupindex)`, or `(msg, pos)` for
/// the caller to raise as `re.error`.
fn compile(a: &Args) -> PyResult {
    check_args(a, "_compile", 2, 2)?;
    let (units, bytes): (Vec<u32>, bool) = match &a.pos[0] {
        Value::Str(src) => (src.s.chars().map(|c| c as u32).collect(), false),
        Value::Bytes(src) => (src.data.borrow().iter().map(|&b| b as u32).collect(), true),
        _ => return Err(type_error("first argument must be string or compiled pattern")),
    };
    let flags = int_arg(&a.pos[1])? as u32;
    if let Some(msg) = parser::flag_conflict(flags, bytes) {
        return Err(crate::runtime::exceptions::value_error(msg));
    }
    // Bytes match with ASCII classes and case folding; the flag is not shown unless given.
    let parse_flags = if bytes { flags | parser::ASCII } else { flags };
    let mut parsed = match parser::parse(units, parse_flags, bytes) {
        Ok(p) => p,
        Err(e) if e.overflow => return Err(overflow_error(e.msg)),
        Err(e) => {
            return Ok(Value::tuple(vec![Value::str(e.msg), e.pos.map_or(Value::None, |p| Value::Int(p as i64))]))
        }
    };
    if bytes && flags & parser::ASCII == 0 {
        parsed.flags &= !parser::ASCII;
    }
    let index = PyDict::default();
    for (name, &g) in &parsed.names {
        index.insert_str(name, Value::Int(g as i64));
    }
    let prog = Rc::new(Program { root: parsed.root, groups: parsed.groups, names: parsed.names });
    let mut inst = Instance::new(PROGRAM_CLASS.with(Rc::clone));
    inst.payload = Payload::Native(RefCell::new(Box::new(prog)));
    Ok(Value::tuple(vec![
        Value::Instance(Rc::new(inst)),
        Value::Int(parsed.flags as i64),
        Value::Int(parsed.groups as i64),
        Value::Dict(Rc::new(index)),
    ]))
}

/// The marks of a match as a flat tuple, -1 for groups that did not take part.
fn marks_value(found: &Found) -> Value {
    let marks = found.marks.iter().map(|&m| Value::Int(if m == UNSET { -1 } else { m as i64 })).collect();
    Value::tuple(vec![Value::tuple(marks), Value::Int(found.lastindex as i64)])
}

/// `_search(program, string, pos, endpos, mode)`: `(marks, lastindex)` or None; mode bits
/// 1 anchored, 2 full, 4 must advance.
fn search(a: &Args) -> PyResult {
    check_args(a, "_search", 5, 5)?;
    let p = program(&a.pos[0])?;
    let subject = Subject::of(&a.pos[1])?;
    let (pos, endpos) = bounds(subject.len(), &a.pos[2], &a.pos[3])?;
    let bits = int_arg(&a.pos[4])?;
    let mode = Mode { anchored: bits & 1 != 0, full: bits & 2 != 0, must_advance: bits & 4 != 0 };
    Ok(subject.search(&p, pos, endpos, mode)?.map_or(Value::None, |f| marks_value(&f)))
}

/// A group's text, or `default` when it did not take part.
fn group_text(subject: &Subject, found: &Found, g: usize, default: &Value) -> Value {
    match (found.marks[2 * g], found.marks[2 * g + 1]) {
        (s, e) if s != UNSET && e != UNSET => subject.slice(s, e),
        _ => default.clone(),
    }
}

/// `_findall(program, string, pos, endpos)`.
fn findall(a: &Args) -> PyResult {
    check_args(a, "_findall", 4, 4)?;
    let p = program(&a.pos[0])?;
    let subject = Subject::of(&a.pos[1])?;
    let (pos, endpos) = bounds(subject.len(), &a.pos[2], &a.pos[3])?;
    let mut out = Vec::new();
    let empty = subject.slice(0, 0);
    subject.each_match(&p, pos, endpos, |f| {
        out.push(match p.groups {
            0 => group_text(&subject, f, 0, &empty),
            1 => group_text(&subject, f, 1, &empty),
            n => Value::tuple((1..=n).map(|g| group_text(&subject, f, g, &empty)).collect()),
        });
        true
    })?;
    Ok(Value::list(out))
}

/// A parsed template as the coro side keeps it: strings and group numbers.
fn template_items(v: &Value) -> PyResult<Vec<Piece>> {
    let Value::List(l) = v else { return Err(type_error("expected a parsed template")) };
    Ok(l.items
        .borrow()
        .iter()
        .map(|item| match item {
            Value::Int(g) => Piece::Group(*g as usize),
            Value::Bytes(b) => Piece::Text(latin1(&b.data.borrow())),
            other => Piece::Text(other.as_str().unwrap_or("").to_string()),
        })
        .collect())
}

/// `_template(program, repl)`: the template as a list of strings and group numbers, or
/// `(msg, pos)` for `re.error`.
fn parse_template(a: &Args) -> PyResult {
    check_args(a, "_template", 2, 2)?;
    let p = program(&a.pos[0])?;
    let (repl, bytes) = match &a.pos[1] {
        Value::Str(repl) => (repl.s.to_string(), false),
        Value::Bytes(repl) => (latin1(&repl.data.borrow()), true),
        other => return Err(type_error(format!("expected str instance, {} found", type_name(other)))),
    };
    match template::parse(&repl, p.groups, &p.names) {
        Ok(pieces) => Ok(Value::list(
            pieces
                .into_iter()
                .map(|piece| match piece {
                    Piece::Text(t) if bytes => Value::bytes(t.chars().map(|c| c as u8).collect()),
                    Piece::Text(t) => Value::str(t),
                    Piece::Group(g) => Value::Int(g as i64),
                })
                .collect(),
        )),
        Err(TemplateError::Index(msg)) => Err(raise(ExcType::IndexError, msg)),
        Err(TemplateError::Re(e)) => {
            Ok(Value::tuple(vec![Value::str(e.msg), e.pos.map_or(Value::None, |p| Value::Int(p as i64))]))
        }
    }
}

/// `_sub(program, template, string, count)`: `(new string, number of substitutions)`.
fn sub(a: &Args) -> PyResult {
    check_args(a, "_sub", 4, 4)?;
    let p = program(&a.pos[0])?;
    let pieces = template_items(&a.pos[1])?;
    let subject = Subject::of(&a.pos[2])?;
    let count = int_arg(&a.pos[3])?;
    let limit = if count <= 0 { usize::MAX } else { count as usize };
    let mut out = String::new();
    let mut n = 0;
    let mut last = 0;
    subject.each_match(&p, 0, subject.len(), |f| {
        subject.push_slice(&mut out, last, f.marks[0]);
        for piece in &pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Group(g) => {
                    let (s, e) = (f.marks[2 * g], f.marks[2 * g + 1]);
                    if s != UNSET && e != UNSET {
                        subject.push_slice(&mut out, s, e);
                    }
                }
            }
        }
        last = f.marks[1];
        n += 1;
        n < limit
    })?;
    subject.push_slice(&mut out, last, subject.len());
    Ok(Value::tuple(vec![subject.text(out), Value::Int(n as i64)]))
}

/// `_split(program, string, maxsplit)`.
fn split(a: &Args) -> PyResult {
    check_args(a, "_split", 3, 3)?;
    let p = program(&a.pos[0])?;
    let subject = Subject::of(&a.pos[1])?;
    let maxsplit = int_arg(&a.pos[2])?;
    if maxsplit < 0 {
        return Ok(Value::list(vec![a.pos[1].clone()]));
    }
    let limit = if maxsplit == 0 { usize::MAX } else { maxsplit as usize };
    let mut out = Vec::new();
    let mut last = 0;
    let mut n = 0;
    subject.each_match(&p, 0, subject.len(), |f| {
        out.push(subject.slice(last, f.marks[0]));
        for g in 1..=p.groups {
            out.push(group_text(&subject, f, g, &Value::None));
        }
        last = f.marks[1];
        n += 1;
        n < limit
    })?;
    out.push(subject.slice(last, subject.len()));
    Ok(Value::list(out))
}
