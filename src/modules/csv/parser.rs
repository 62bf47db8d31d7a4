//! `_csv._Parser`: CPython's record-reading state machine. `feed(line)` takes the next line
//! and returns the finished record as a list, or `None` while a quoted field runs on;
//! `finish()` ends the data (the record left open, or `None`).

use super::{csv_error, dialect_from, Dialect, Quoting, FIELD_LIMIT};
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::runtime::exceptions::{type_error, value_error};
use crate::runtime::protocol::str_repr;
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::{RefCell, RefMut};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    EscapedChar,
    InField,
    InQuotedField,
    EscapeInQuotedField,
    QuoteInQuotedField,
    EatCrnl,
    AfterEscapedCrnl,
}

/// One input character, or the end of a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Char(char),
    EndOfLine,
}

struct Parser {
    dialect: Dialect,
    state: State,
    fields: Vec<Value>,
    field: String,
    field_len: i64,
    /// The field began unquoted under `QUOTE_NONNUMERIC`: it is saved as a float.
    numeric: bool,
}

pub fn new(a: &Args) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else { return Err(type_error("_Parser.__new__(X): X is not a type")) };
    let dialect = dialect_from(&a.pos[1..])?;
    let parser = Parser {
        dialect,
        state: State::StartRecord,
        fields: Vec::new(),
        field: String::new(),
        field_len: 0,
        numeric: false,
    };
    let mut inst = Instance::new(cls.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(parser)));
    Ok(Value::Instance(Rc::new(inst)))
}

fn this<'a>(a: &'a Args) -> PyResult<RefMut<'a, Parser>> {
    match a.pos.first() {
        Some(Value::Instance(i)) => i.native::<Parser>().ok_or_else(|| type_error("expected a _csv._Parser")),
        _ => Err(type_error("expected a _csv._Parser")),
    }
}

pub fn feed(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "feed", 2, 2)?;
    let mut p = this(a)?;
    let Some(line) = a.pos[1].as_str() else {
        let msg = format!(
            "iterator should return strings, not {} (the file should be opened in text mode)",
            crate::runtime::type_name(&a.pos[1])
        );
        return Err(csv_error(&p.dialect, msg));
    };
    if p.state == State::StartRecord {
        p.reset();
    }
    let fed = line.chars().map(Input::Char).chain([Input::EndOfLine]).try_for_each(|c| p.process(c));
    if fed.is_err() {
        // The next record starts afresh, as CPython's reader resets at each `next()`.
        p.state = State::StartRecord;
        fed?;
    }
    Ok(if p.state == State::StartRecord { Value::list(std::mem::take(&mut p.fields)) } else { Value::None })
}

pub fn finish(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "finish", 1, 1)?;
    let mut p = this(a)?;
    // A line always ends its record unless a quoted field is still open.
    if p.state == State::StartRecord {
        return Ok(Value::None);
    }
    p.state = State::StartRecord;
    if p.dialect.strict {
        return Err(csv_error(&p.dialect, "unexpected end of data"));
    }
    p.save_field()?;
    Ok(Value::list(std::mem::take(&mut p.fields)))
}

impl Parser {
    fn reset(&mut self) {
        self.fields.clear();
        self.field.clear();
        self.field_len = 0;
        self.numeric = false;
    }

    fn add_char(&mut self, c: char) -> PyResult<()> {
        let limit = FIELD_LIMIT.with(|l| l.get());
        if self.field_len >= limit {
            return Err(csv_error(&self.dialect, format!("field larger than field limit ({})", limit)));
        }
        self.field.push(c);
        self.field_len += 1;
        Ok(())
    }

    fn save_field(&mut self) -> PyResult<()> {
        let text = std::mem::take(&mut self.field);
        self.field_len = 0;
        let value = if std::mem::take(&mut self.numeric) {
            match crate::numeric::parse_float(&text) {
                Some(f) => Value::Float(f),
                None => return Err(value_error(format!("could not convert string to float: {}", str_repr(&text)))),
            }
        } else {
            Value::str(text)
        };
        self.fields.push(value);
        Ok(())
    }

    fn is(&self, c: Input, setting: Option<char>) -> bool {
        matches!((c, setting), (Input::Char(x), Some(y)) if x == y)
    }

    fn is_quote(&self, c: Input) -> bool {
        self.dialect.quoting != Quoting::None && self.is(c, self.dialect.quotechar)
    }

    /// A record ends at a newline character (then more newline characters are eaten) or at
    /// the end of the line.
    fn end_record(&mut self, c: Input) -> PyResult<()> {
        self.save_field()?;
        self.state = if c == Input::EndOfLine { State::StartRecord } else { State::EatCrnl };
        Ok(())
    }

    fn process(&mut self, c: Input) -> PyResult<()> {
        let newline = matches!(c, Input::Char('\n' | '\r'));
        let delimiter = self.is(c, Some(self.dialect.delimiter));
        let escape = self.is(c, self.dialect.escapechar);
        match self.state {
            State::StartRecord => {
                if c == Input::EndOfLine {
                    return Ok(());
                }
                if newline {
                    self.state = State::EatCrnl;
                    return Ok(());
                }
                self.state = State::StartField;
                self.process(c)?;
            }
            State::StartField => {
                if newline || c == Input::EndOfLine {
                    self.end_record(c)?;
                } else if self.is_quote(c) {
                    self.state = State::InQuotedField;
                } else if escape {
                    self.state = State::EscapedChar;
                } else if c == Input::Char(' ') && self.dialect.skipinitialspace {
                } else if delimiter {
                    self.save_field()?;
                } else if let Input::Char(ch) = c {
                    self.numeric = self.dialect.quoting == Quoting::NonNumeric;
                    self.add_char(ch)?;
                    self.state = State::InField;
                }
            }
            State::EscapedChar => {
                let ch = match c {
                    Input::Char(ch) => ch,
                    Input::EndOfLine => '\n',
                };
                self.add_char(ch)?;
                self.state = if newline { State::AfterEscapedCrnl } else { State::InField };
            }
            State::AfterEscapedCrnl if c == Input::EndOfLine => {}
            State::InField | State::AfterEscapedCrnl => {
                if newline || c == Input::EndOfLine {
                    self.end_record(c)?;
                } else if escape {
                    self.state = State::EscapedChar;
                } else if delimiter {
                    self.save_field()?;
                    self.state = State::StartField;
                } else if let Input::Char(ch) = c {
                    self.add_char(ch)?;
                    self.state = State::InField;
                }
            }
            State::InQuotedField => {
                if c == Input::EndOfLine {
                } else if escape {
                    self.state = State::EscapeInQuotedField;
                } else if self.is_quote(c) {
                    self.state = if self.dialect.doublequote { State::QuoteInQuotedField } else { State::InField };
                } else if let Input::Char(ch) = c {
                    self.add_char(ch)?;
                }
            }
            State::EscapeInQuotedField => {
                let ch = match c {
                    Input::Char(ch) => ch,
                    Input::EndOfLine => '\n',
                };
                self.add_char(ch)?;
                self.state = State::InQuotedField;
            }
            State::QuoteInQuotedField => {
                if self.is_quote(c) {
                    self.add_char(self.dialect.quotechar.unwrap_or('"'))?;
                    self.state = State::InQuotedField;
                } else if delimiter {
                    self.save_field()?;
                    self.state = State::StartField;
                } else if newline || c == Input::EndOfLine {
                    self.end_record(c)?;
                } else if !self.dialect.strict {
                    if let Input::Char(ch) = c {
                        self.add_char(ch)?;
                    }
                    self.state = State::InField;
                } else {
                    let msg = format!(
                        "'{}' expected after '{}'",
                        self.dialect.delimiter,
                        self.dialect.quotechar.unwrap_or('"')
                    );
                    return Err(csv_error(&self.dialect, msg));
                }
            }
            State::EatCrnl => {
                if newline {
                } else if c == Input::EndOfLine {
                    self.state = State::StartRecord;
                } else {
                    return Err(csv_error(
                        &self.dialect,
                        "new-line character seen in unquoted field - do you need to open the file in universal-newline mode?",
                    ));
                }
            }
        }
        Ok(())
    }
}
