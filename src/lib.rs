//! coro: a small, fast, Python-flavoured scripting language with async/await.
//!
//! The pipeline, one module per stage: source → lexer → parser → AST → compiler → bytecode → VM.
//! `Interpreter` is the embedding API: it compiles and runs source in a persistent module.

pub mod api;
pub mod ast;
pub mod bytecode;
pub mod capabilities;
pub mod chars;
pub mod compiler;
pub mod diagnostics;
pub mod disasm;
pub mod import;
pub mod intern;
pub mod interrupt;
pub mod lexer;
pub mod limits;
pub mod modules;
pub mod numeric;
pub mod object;
pub mod parser;
pub mod pyfmt;
pub mod recently_freed;
pub mod runtime;
pub mod source_text;
pub mod span;
pub mod value;
pub mod vm;

use crate::runtime::ExcType;
use object::module::Module;
use runtime::protocol;
use std::rc::Rc;
use value::Value;
use vm::{Exc, Vm};

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// An error was reported; the process should exit with this status.
    Failed(i32),
}

/// How an interactive input ended.
#[derive(Debug, PartialEq, Eq)]
pub enum InputOutcome {
    Done,
    /// An error was reported; the session goes on.
    Failed,
    /// `SystemExit` (or `exit()`): the session should end with this status.
    Exit(i32),
}

/// Why `Interpreter::execute` did not run a script to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// The uncaught exception's class name (`SyntaxError` for code that does not compile).
    pub kind: String,
    /// `str()` of the exception.
    pub message: String,
    /// What `run_source` prints on stderr: the traceback or the syntax error report.
    pub report: String,
    /// The limit the script ran into, when that is why it stopped.
    pub limit: Option<limits::Limit>,
    /// The exit status the process should end with (a `SystemExit`'s own).
    pub status: i32,
}

/// A VM and a `__main__` module that successive runs share.
///
/// Interpreter state (the VM, interned names, the module registry, the event loop, the
/// standard streams) lives in the thread that made the interpreter: values are reference
/// counted without atomics and never cross threads. Run one `Interpreter` per thread; several
/// threads may each run their own at the same time. Work on other threads talks back only
/// through plain data (`api::Completer`).
///
/// Scripts may touch nothing outside the interpreter until the host grants it
/// (`set_capabilities`).
pub struct Interpreter {
    pub vm: Vm,
    pub main: Rc<Module>,
    /// Colour in reports.
    pub colour: bool,
    /// The event loop interactive input runs on, made on first use.
    event_loop: Option<Value>,
    limits: limits::Limits,
    /// The thread's allocation count when the limits were set: the memory ceiling's zero.
    memory_base: isize,
    /// This interpreter's `sys.modules` and `sys.path`.
    imports: Rc<import::ImportState>,
}

impl Drop for Interpreter {
    /// Ends the interpreter as CPython's finalization does: every module it imported, and
    /// `__main__`, has its globals cleared, which breaks the module ↔ function cycles, so a
    /// host that makes and drops interpreters gets their memory back. Functions kept past
    /// this point see their globals gone.
    fn drop(&mut self) {
        let modules = std::mem::take(&mut *self.imports.modules.map.borrow_mut());
        for module in modules.values() {
            if let Value::Module(m) = module {
                m.clear_globals();
            }
        }
        self.main.clear_globals();
    }
}

impl Interpreter {
    pub fn new() -> Interpreter {
        import::registry::install_library(&modules::LIBRARY);
        let vm = Vm::new();
        let main = Rc::new(Module::new(intern::sym::MAIN));
        for (k, v) in [
            ("__name__", Value::str("__main__")),
            ("__doc__", Value::None),
            ("__package__", Value::None),
            ("__loader__", Value::None),
            ("__spec__", Value::None),
            ("__builtins__", Value::Module(vm.builtins.clone())),
        ] {
            main.set(intern::intern(k), v);
        }
        import::add_module("__main__", Value::Module(main.clone()));
        capabilities::set(capabilities::Capabilities::none());
        Interpreter {
            vm,
            main,
            colour: false,
            event_loop: None,
            limits: limits::Limits::default(),
            memory_base: 0,
            imports: import::state(),
        }
    }

    /// Sets the limits every later run (`run_source`, `execute`) is held to. The memory
    /// ceiling counts from what the interpreter holds now; the time and step limits apply to
    /// each run afresh. A run that exceeds one fails with `MemoryError`, `TimeoutError` or
    /// `RecursionError` (`ScriptError::limit` says which limit); the interpreter stays usable.
    pub fn set_limits(&mut self, limits: limits::Limits) {
        self.memory_base = limits::memory::in_use();
        let depth = limits.max_recursion_depth;
        self.vm.recursion_ceiling = depth.unwrap_or(usize::MAX);
        self.vm.set_recursion_limit(depth.unwrap_or(vm::RECURSION_LIMIT));
        self.limits = limits;
    }

    /// Sets what scripts may touch (files, network, environment); a new interpreter may
    /// touch nothing. The setting holds for the interpreter's thread.
    pub fn set_capabilities(&mut self, caps: capabilities::Capabilities) {
        capabilities::set(caps);
    }

    /// The limits runs are held to.
    pub fn limits(&self) -> &limits::Limits {
        &self.limits
    }

    /// Adds a native module that scripts can import by `name` (dotted names such as
    /// `pkg.sub` are submodules: importing them imports `pkg` first). `make` builds the
    /// module on its first import; host modules are found before the built-in ones.
    pub fn register_module(&mut self, name: &str, make: impl Fn() -> Rc<Module> + 'static) {
        import::registry::register(name, Rc::new(make));
    }

    /// A global of `__main__` (what a script left behind), if it is bound.
    pub fn global(&self, name: &str) -> Option<Value> {
        self.main.get(intern::intern(name))
    }

    /// Compiles and runs `text` as module code; errors are reported on stderr. A `name`
    /// that is not `<...>` (`<string>`, `<stdin>`) is the script's path: it becomes
    /// `__file__`, and its folder is where imports look first.
    pub fn run_source(&mut self, name: &str, text: &str) -> Outcome {
        let outcome = match self.run_main(name, text) {
            Ok(()) => Outcome::Ok,
            Err(e) => {
                diagnostics::eprint(&e.report);
                Outcome::Failed(e.status)
            }
        };
        self.run_exit_functions();
        modules::io::flush_all();
        outcome
    }

    /// `run_source` for hosts: nothing is printed on stderr; an uncaught exception (or a
    /// syntax error, or a `SystemExit` with a non-zero status) comes back as a `ScriptError`.
    pub fn execute(&mut self, name: &str, text: &str) -> Result<(), ScriptError> {
        let r = self.run_main(name, text);
        self.run_exit_functions();
        modules::io::flush_all();
        r
    }

    /// Compiles and runs `text` under the interpreter's limits; `execute` without the
    /// exit functions.
    fn run_main(&mut self, name: &str, text: &str) -> Result<(), ScriptError> {
        let name = if name.starts_with('<') {
            import::set_script_dir("");
            name.to_string()
        } else {
            let (file, dir) = import::script_location(name);
            import::set_script_dir(&dir);
            self.main.set(intern::intern("__file__"), Value::str(file.as_str()));
            file
        };
        let code = match compiler::compile_source(&name, text, compiler::Mode::Module(&self.main)) {
            Ok(code) => code,
            Err(e) => {
                let (kind, message) = (e.kind.to_string(), e.msg.clone());
                let report = e.report(self.colour);
                return Err(ScriptError { kind, message, report, limit: None, status: 1 });
            }
        };
        let _limits = limits::begin(&self.limits, self.memory_base);
        match self.vm.run_module(code, self.main.clone()) {
            Ok(_) => Ok(()),
            Err(e) => self.uncaught_error(e),
        }
    }

    /// Runs the functions `atexit` registered, last first; their errors are reported as
    /// CPython reports them, and ignored.
    pub fn run_exit_functions(&mut self) {
        for (func, args, kwargs) in modules::atexit::take_calls() {
            let f = func.clone();
            let r = vm::native::run_async(move |ctx| async move { ctx.call_kw(f, args, kwargs).await });
            if let Err(flow) = self.vm.finish_native(r) {
                let e = vm::exc_of(flow);
                if self.exit_status(&e).is_none() {
                    let what = self.vm.run_native_str(func, true);
                    diagnostics::eprint(&format!("Exception ignored in atexit callback: {}\n", what));
                    self.print_traceback(&e);
                }
            }
        }
    }

    /// Runs one interactive input (a REPL entry, file name `<stdin>`) in `__main__`: each
    /// expression statement prints its repr and sets `_`; the input runs as a callback of the
    /// interpreter's event loop, so `create_task` schedules on it; top-level `await` runs the
    /// input as a task on that loop, and the tasks it started go on running after it. Errors
    /// are reported on stderr.
    pub fn run_input(&mut self, text: &str) -> InputOutcome {
        interrupt::clear();
        let display = modules::sys::displayhook(&self.vm.builtins);
        let mode = compiler::Mode::Interactive(&self.main, display);
        let code = match compiler::compile_source("<stdin>", text, mode) {
            Ok(code) => code,
            Err(e) => {
                diagnostics::eprint(&e.report(self.colour));
                return InputOutcome::Failed;
            }
        };
        let lp = self.event_loop();
        let r = if code.flags.is_coroutine {
            let coro = vm::module_coroutine(code, self.main.clone());
            let r = modules::asyncio::run_task(&lp, coro);
            self.vm.finish_native(r).map_err(vm::exc_of)
        } else {
            let (vm, main) = (&mut self.vm, self.main.clone());
            match modules::asyncio::run_inside(&lp, || vm.run_module(code, main)) {
                Ok(r) => r,
                Err(flow) => Err(vm::exc_of(flow)),
            }
        };
        match r {
            Ok(_) => InputOutcome::Done,
            Err(e) => self.report_input_error(e),
        }
    }

    /// The event loop interactive input runs on (`asyncio.get_event_loop()` there).
    pub fn event_loop(&mut self) -> Value {
        self.event_loop.get_or_insert_with(modules::asyncio::new_current_loop).clone()
    }

    /// Whether the event loop has tasks to step, timers or requests to wait for.
    pub fn has_background_work(&self) -> bool {
        self.event_loop.as_ref().is_some_and(modules::asyncio::has_work)
    }

    /// Runs one iteration of the event loop between inputs: due callbacks and task steps,
    /// after waiting (until `interrupt::wake`) for the next timer. Errors are reported.
    pub fn run_background(&mut self) -> InputOutcome {
        let lp = self.event_loop();
        let r = modules::asyncio::run_idle_step(&lp);
        match self.vm.finish_native(r) {
            Ok(_) => InputOutcome::Done,
            Err(flow) => self.report_input_error(vm::exc_of(flow)),
        }
    }

    /// The event loop's tasks that are not done: what each waits on, and where.
    pub fn pending_tasks(&self) -> Vec<modules::asyncio::TaskReport> {
        self.event_loop.as_ref().map(modules::asyncio::task_reports).unwrap_or_default()
    }

    fn report_input_error(&mut self, e: Exc) -> InputOutcome {
        if let Some(status) = self.exit_status(&e) {
            return InputOutcome::Exit(status);
        }
        self.print_traceback(&e);
        InputOutcome::Failed
    }

    /// The `ScriptError` of an uncaught exception (`Ok` for `SystemExit(0)`).
    fn uncaught_error(&mut self, e: Exc) -> Result<(), ScriptError> {
        let kind = e.class.name.as_str().to_string();
        let message = self.vm.run_native_str(Value::Instance(e.clone()), false);
        if let Some((status, report)) = self.exit_request(&e) {
            if status == 0 {
                return Ok(());
            }
            return Err(ScriptError { kind, message, report, limit: None, status });
        }
        let limit = limits::tripped().or_else(|| {
            runtime::exceptions::is_instance_of(&e, ExcType::RecursionError).then_some(limits::Limit::RecursionDepth)
        });
        let report = self.format_traceback(&e);
        Err(ScriptError { kind, message, report, limit, status: 1 })
    }

    /// The exit status a `SystemExit` asks for (printing its message if it is not a number).
    fn exit_status(&mut self, e: &Exc) -> Option<i32> {
        let (status, report) = self.exit_request(e)?;
        diagnostics::eprint(&report);
        Some(status)
    }

    /// The exit status a `SystemExit` asks for, and what to print (its message, if it is
    /// not a number).
    fn exit_request(&mut self, e: &Exc) -> Option<(i32, String)> {
        if !runtime::exceptions::is_instance_of(e, ExcType::SystemExit) {
            return None;
        }
        let arg = e.exc().and_then(|d| d.borrow().args.first().cloned()).unwrap_or(Value::None);
        Some(match arg {
            Value::None => (0, String::new()),
            Value::Int(n) => (n as i32, String::new()),
            Value::Bool(b) => (b as i32, String::new()),
            other => (1, format!("{}\n", self.vm.run_native_str(other.clone(), false))),
        })
    }

    fn print_traceback(&mut self, e: &Exc) {
        let report = self.format_traceback(e);
        diagnostics::eprint(&report);
    }

    fn format_traceback(&mut self, e: &Exc) -> String {
        let e = e.clone();
        let r = vm::native::run_async(|ctx| async move {
            let lines = runtime::traceback::format_exception(&ctx, &e, true).await?;
            Ok(Value::str(lines.concat()))
        });
        match self.vm.finish_native(r) {
            Ok(Value::Str(s)) => s.s.to_string(),
            _ => "<exception formatting failed>\n".to_string(),
        }
    }
}

impl Default for Interpreter {
    fn default() -> Interpreter {
        Interpreter::new()
    }
}

impl Vm {
    /// `str(v)` (or `repr(v)`) computed to completion, for reports outside any script.
    pub fn run_native_str(&mut self, v: Value, use_repr: bool) -> String {
        let r = vm::native::run_async(|ctx| async move {
            let s = if use_repr { protocol::repr(&ctx, &v).await? } else { protocol::str(&ctx, &v).await? };
            Ok(Value::str(s))
        });
        match self.finish_native(r) {
            Ok(Value::Str(s)) => s.s.to_string(),
            _ => "<exception str() failed>".to_string(),
        }
    }
}
