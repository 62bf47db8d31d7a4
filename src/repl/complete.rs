//! Tab completion, computed on the interpreter's thread: keywords, global and builtin names,
//! attributes (`obj.<TAB>`) and module members (`asyncio.create_ta<TAB>`), and the REPL's
//! commands. Objects are listed from their namespaces and classes only: no property getter,
//! `__getattr__` or other script code runs. Like CPython's rlcompleter, callables get a `(`,
//! keywords a space (or a colon), and `_` names show only once `_` is typed.

use coro::intern::intern;
use coro::lexer::{Tok, KEYWORDS};
use coro::value::Value;
use coro::Interpreter;
use logos::Logos;

/// The completions of the word that ends `before` (the text before the cursor): where the
/// word starts, and what may replace it.
pub fn candidates(interp: &Interpreter, before: &str) -> (usize, Vec<String>) {
    let end = before.len();
    if before.trim().is_empty() {
        // Tab in the indentation indents.
        return (end, vec!["    ".to_string()]);
    }
    if let Some(partial) = before.strip_prefix(':') {
        let names = super::commands::NAMES.iter().filter(|c| c.starts_with(partial));
        return (1, names.map(|c| c.to_string()).collect());
    }
    let Some(word) = word_before(before) else { return (end, Vec::new()) };
    let mut found = match word.path.split_first() {
        None => names(interp, &word.prefix),
        Some((first, rest)) => {
            let mut obj = lookup_global(interp, first);
            for name in rest {
                obj = obj.and_then(|o| coro::vm::peek_attr(&o, intern(name)));
            }
            obj.map(|o| attributes(&o, &word.prefix)).unwrap_or_default()
        }
    };
    found.sort();
    found.dedup();
    (word.start, found)
}

/// A dotted name being typed: `a.b.pre` has path `[a, b]` and prefix `pre`.
struct Word {
    path: Vec<String>,
    prefix: String,
    start: usize,
}

/// Reads the dotted name at the end of `before` from its tokens; None inside a string or
/// after something that is not a plain name (`f().x`: completing would call `f`).
fn word_before(before: &str) -> Option<Word> {
    let mut toks = Vec::new();
    for (tok, range) in Tok::lexer(before).spanned() {
        toks.push((tok.ok()?, range));
    }
    let is_word = |t: &Tok| matches!(t, Tok::Name(_)) || t.is_keyword();
    let (prefix, start) = match toks.last() {
        Some((t, r)) if r.end == before.len() && is_word(t) => {
            let r = r.clone();
            toks.pop();
            (before[r.clone()].to_string(), r.start)
        }
        _ => (String::new(), before.len()),
    };
    let mut path = Vec::new();
    while let [.., (Tok::Name(name), _), (Tok::Dot, _)] = toks.as_slice() {
        path.insert(0, name.clone());
        toks.truncate(toks.len() - 2);
    }
    if matches!(toks.last(), Some((Tok::Dot, _))) {
        return None;
    }
    Some(Word { path, prefix, start })
}

fn lookup_global(interp: &Interpreter, name: &str) -> Option<Value> {
    let sym = intern(name);
    interp.main.get(sym).or_else(|| interp.vm.builtins.get(sym))
}

/// Keywords, globals and builtins starting with `prefix`.
fn names(interp: &Interpreter, prefix: &str) -> Vec<String> {
    let mut found: Vec<String> = KEYWORDS
        .iter()
        .filter(|k| k.starts_with(prefix))
        .map(|&k| match k {
            "finally" | "try" => format!("{}:", k),
            "False" | "None" | "True" | "break" | "continue" | "pass" | "else" => k.to_string(),
            _ => format!("{} ", k),
        })
        .collect();
    for (name, value) in interp.main.items().into_iter().chain(interp.vm.builtins.items()) {
        let name = name.as_str();
        if name.starts_with(prefix) && !name.starts_with("__") {
            found.push(with_call_paren(name, &value));
        }
    }
    found
}

/// The attributes of `obj` starting with `prefix`.
fn attributes(obj: &Value, prefix: &str) -> Vec<String> {
    let hidden = |name: &str| match prefix {
        "" => name.starts_with('_'),
        "_" => name.starts_with("__"),
        _ => false,
    };
    let mut found = Vec::new();
    for name in coro::vm::attribute_names(obj) {
        let text = name.as_str();
        if text.starts_with(prefix) && !hidden(text) {
            found.push(match coro::vm::peek_attr(obj, name) {
                Some(v) => with_call_paren(text, &v),
                None => text.to_string(),
            });
        }
    }
    found
}

fn with_call_paren(name: &str, value: &Value) -> String {
    let callable = matches!(value, Value::Function(_) | Value::Native(_) | Value::BoundMethod(_) | Value::Class(_))
        || matches!(value, Value::Wrapper(w) if matches!(**w, coro::object::Wrapper::StaticMethod(_) | coro::object::Wrapper::ClassMethod(_)));
    if callable {
        format!("{}(", name)
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(interp: &mut Interpreter, setup: &str, before: &str) -> (usize, Vec<String>) {
        coro::runtime::output::start_capture();
        assert_eq!(interp.run_input(setup), coro::InputOutcome::Done);
        candidates(interp, before)
    }

    #[test]
    fn module_members_complete_after_the_dot() {
        let mut interp = Interpreter::new();
        let (start, found) = complete(&mut interp, "import asyncio", "t = asyncio.create_ta");
        assert_eq!(start, "t = asyncio.".len());
        assert_eq!(found, vec!["create_task("]);
    }

    #[test]
    fn names_complete_from_globals_builtins_and_keywords() {
        let mut interp = Interpreter::new();
        let (start, found) = complete(&mut interp, "prime = 7", "x = pri");
        assert_eq!(start, 4);
        assert_eq!(found, vec!["prime", "print("]);
        assert_eq!(candidates(&interp, "whi").1, vec!["while "]);
        assert_eq!(candidates(&interp, "tr").1, vec!["try:"]);
    }

    #[test]
    fn attributes_of_instances_come_from_the_object_and_its_class() {
        let mut interp = Interpreter::new();
        let setup = "class C:\n    def method(self): pass\n    @property\n    def prop(self): raise RuntimeError\nc = C()\nc.field = 1\n";
        let (_, found) = complete(&mut interp, setup, "c.");
        assert_eq!(found, vec!["field", "method(", "prop"]);
        assert!(candidates(&interp, "c._").1.iter().all(|n| !n.starts_with("__")));
        assert_eq!(candidates(&interp, "'abc'.upp").1, Vec::<String>::new());
    }

    #[test]
    fn nothing_is_completed_inside_strings_or_after_calls() {
        let interp = Interpreter::new();
        assert!(candidates(&interp, "print('pri").1.is_empty());
        assert!(candidates(&interp, "f().x").1.is_empty());
    }

    #[test]
    fn tab_in_the_indentation_indents() {
        let interp = Interpreter::new();
        assert_eq!(candidates(&interp, "    "), (4, vec!["    ".to_string()]));
    }
}
