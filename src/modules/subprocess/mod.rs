//! The `subprocess` module. `_subprocess` (here and in `process.rs`) starts a program and
//! owns it: its pipes, waiting with a timeout, signals. `subprocess` itself (`lib.coro`) is
//! coro over it: `Popen`, `run`, `call`, `check_call`, `check_output`, `getoutput`,
//! `CompletedProcess` and the exceptions, with CPython's arguments and messages.
//!
//! Waiting blocks the interpreter, as in CPython, but notices Ctrl-C and the run's deadline.
//! Running a program needs the `run` capability (`--allow-run`).

mod process;

use crate::capabilities;
use crate::intern::intern;
use crate::modules::classes::native_instance;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::runtime::os_error::from_io;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use process::{process_class, streams, Process, Redirect};
use std::process::Command;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("subprocess")));
    m.set(intern("__name__"), Value::str("subprocess"));
    m.set(intern("_spawn"), native("_spawn", spawn));
    m
}

/// The strings of a list or tuple argument.
fn strings(v: &Value, what: &str) -> PyResult<Vec<String>> {
    let items = match v {
        Value::List(l) => l.items.borrow().clone(),
        Value::Tuple(t) => t.items.to_vec(),
        other => return Err(type_error(format!("{} must be a list, not {}", what, type_name(other)))),
    };
    items
        .iter()
        .map(|item| {
            item.as_str().map(str::to_string).ok_or_else(|| {
                type_error(format!("expected str, bytes or os.PathLike object, not {}", type_name(item)))
            })
        })
        .collect()
}

/// `_spawn(argv, executable, cwd, env, stdin, stdout, stderr)`: starts the program and
/// returns its `_subprocess.Process`. `env` is a list of `(name, value)` pairs or None (the
/// interpreter's environment); the streams are `Redirect` codes (see `process.rs`).
fn spawn(a: &Args) -> PyResult {
    check_args(a, "_spawn", 7, 7)?;
    let argv = strings(&a.pos[0], "args")?;
    let Some(program) = a.pos[1].as_str().map(str::to_string).or_else(|| argv.first().cloned()) else {
        return Err(crate::runtime::exceptions::raise(crate::runtime::ExcType::IndexError, "list index out of range"));
    };
    capabilities::check_run(&program)?;
    let mut command = Command::new(&program);
    if let Some(first) = argv.first() {
        use std::os::unix::process::CommandExt;
        command.arg0(first);
    }
    command.args(argv.iter().skip(1));
    if let Some(cwd) = a.pos[2].as_str() {
        capabilities::check_read(cwd)?;
        command.current_dir(cwd);
    }
    if !matches!(a.pos[3], Value::None) {
        command.env_clear();
        for pair in strings_pairs(&a.pos[3])? {
            command.env(pair.0, pair.1);
        }
    }
    let stdin = Redirect::from_value(&a.pos[4])?;
    let stdout = Redirect::from_value(&a.pos[5])?;
    let stderr = Redirect::from_value(&a.pos[6])?;
    let (stdin, stdout, stderr, merged) = streams(&stdin, &stdout, &stderr)?;
    command.stdin(stdin).stdout(stdout).stderr(stderr);
    let child = command.spawn().map_err(|e| {
        // CPython names the program when it cannot be found or run.
        let named = matches!(e.raw_os_error(), Some(2 | 13 | 20));
        from_io(&e, named.then(|| Value::str(program.as_str())))
    })?;
    // The command holds the parent's copies of the pipes' write ends: without dropping it
    // the merged pipe would never reach its end.
    drop(command);
    Ok(native_instance(process_class(), Process::new(child, merged)))
}

/// `[(name, value), ...]` as string pairs.
fn strings_pairs(v: &Value) -> PyResult<Vec<(String, String)>> {
    let Value::List(l) = v else { return Err(type_error("env must be a list of pairs")) };
    let items = l.items.borrow().clone();
    items
        .iter()
        .map(|pair| match strings(pair, "env item")?.as_slice() {
            [k, v] => Ok((k.clone(), v.clone())),
            _ => Err(type_error("env items must be (name, value) pairs")),
        })
        .collect()
}
