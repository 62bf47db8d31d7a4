//! `_join_row(dialect, fields)`: one written record, quoted and escaped as CPython's writer
//! does. `fields` are `(text, is_number)` pairs: `lib.coro` has already turned each value
//! into its text (calling `str()`), which may run script code.

use super::{csv_error, dialect_from, Dialect, Quoting};
use crate::object::function::Args;
use crate::runtime::exceptions::type_error;
use crate::value::Value;
use crate::vm::PyResult;

pub fn join_row(a: &Args) -> PyResult {
    crate::runtime::args::check_args(a, "_join_row", 2, 2)?;
    let (Value::Tuple(settings), Value::List(fields)) = (&a.pos[0], &a.pos[1]) else {
        return Err(type_error("_join_row expects a dialect tuple and a list of fields"));
    };
    let d = dialect_from(&settings.items)?;
    let fields = fields.items.borrow();
    let mut out = String::new();
    for (i, field) in fields.iter().enumerate() {
        let Value::Tuple(pair) = field else { return Err(type_error("_join_row: bad field")) };
        let (Some(text), Some(Value::Bool(number))) = (pair.items[0].as_str(), pair.items.get(1)) else {
            return Err(type_error("_join_row: bad field"));
        };
        if i > 0 {
            out.push(d.delimiter);
        }
        let quoted = match d.quoting {
            Quoting::All => true,
            Quoting::NonNumeric => !number,
            _ => false,
        };
        append_field(&d, &mut out, text, quoted, fields.len() == 1)?;
    }
    out.push_str(&d.lineterminator);
    Ok(Value::str(out))
}

/// Appends one field, escaping what must be and quoting it when it has to be (or `quoted`).
/// `only_field`: the record's one field, which must be quoted when empty to be read back.
fn append_field(d: &Dialect, out: &mut String, text: &str, mut quoted: bool, only_field: bool) -> PyResult<()> {
    let mut body = String::with_capacity(text.len());
    for c in text.chars() {
        let special =
            c == d.delimiter || Some(c) == d.escapechar || Some(c) == d.quotechar || d.lineterminator.contains(c);
        if special {
            let mut escape = false;
            if d.quoting == Quoting::None {
                escape = true;
            } else {
                if Some(c) == d.quotechar {
                    if d.doublequote {
                        body.push(c);
                    } else {
                        escape = true;
                    }
                } else if Some(c) == d.escapechar {
                    escape = true;
                }
                if !escape {
                    quoted = true;
                }
            }
            if escape {
                let Some(e) = d.escapechar else { return Err(csv_error(d, "need to escape, but no escapechar set")) };
                body.push(e);
            }
        }
        body.push(c);
    }
    if text.is_empty() && only_field {
        if d.quoting == Quoting::None {
            return Err(csv_error(d, "single empty field record must be quoted"));
        }
        quoted = true;
    }
    let quote = d.quotechar.filter(|_| quoted);
    out.extend(quote);
    out.push_str(&body);
    out.extend(quote);
    Ok(())
}
