//! coro: a small, fast, Python-flavoured scripting language with async/await.
//!
//! The pipeline, one module per stage: source → lexer → parser → AST → compiler → bytecode → VM.
//! `Interpreter` is the embedding API: it compiles and runs source in a persistent module.

pub mod ast;
pub mod bytecode;
pub mod compiler;
pub mod diagnostics;
pub mod disasm;
pub mod intern;
pub mod lexer;
pub mod modules;
pub mod numeric;
pub mod object;
pub mod parser;
pub mod pyfmt;
pub mod runtime;
pub mod span;
pub mod value;
pub mod vm;

use object::module::Module;
use runtime::protocol;
use span::SourceFile;
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

/// A VM and a `__main__` module that successive runs share.
pub struct Interpreter {
    pub vm: Vm,
    pub main: Rc<Module>,
    /// Colour in reports.
    pub colour: bool,
}

impl Interpreter {
    pub fn new() -> Interpreter {
        let main = Rc::new(Module::new(intern::sym::MAIN));
        main.set(intern::sym::NAME, Value::str("__main__"));
        Interpreter { vm: Vm::new(), main, colour: false }
    }

    /// Compiles and runs `text` as module code; errors are reported on stderr.
    pub fn run_source(&mut self, name: &str, text: &str) -> Outcome {
        let source = SourceFile::new(name, text);
        let ast = match parser::parse(text) {
            Ok(ast) => ast,
            Err(e) => {
                diagnostics::eprint(&diagnostics::syntax_error(&source, e.kind.name(), &e.msg, e.span, self.colour));
                return Outcome::Failed(1);
            }
        };
        let code = match compiler::compile(&ast, source.clone(), &self.main) {
            Ok(code) => code,
            Err(e) => {
                diagnostics::eprint(&diagnostics::syntax_error(&source, "SyntaxError", &e.msg, e.span, self.colour));
                return Outcome::Failed(1);
            }
        };
        match self.vm.run_module(code, self.main.clone()) {
            Ok(_) => Outcome::Ok,
            Err(e) => self.report_uncaught(e),
        }
    }

    /// Prints the traceback of an uncaught exception (or honours `SystemExit`).
    fn report_uncaught(&mut self, e: Exc) -> Outcome {
        if runtime::exceptions::is_instance_of(&e, "SystemExit") {
            let arg = e.exc().and_then(|d| d.borrow().args.first().cloned()).unwrap_or(Value::None);
            return match arg {
                Value::None => Outcome::Ok,
                Value::Int(0) => Outcome::Ok,
                Value::Int(n) => Outcome::Failed(n as i32),
                other => {
                    let msg = self.vm.run_native_str(other.clone(), false);
                    diagnostics::eprint(&format!("{}\n", msg));
                    Outcome::Failed(1)
                }
            };
        }
        let mut text = String::new();
        self.format_exception(&e, &mut text, 0);
        diagnostics::eprint(&text);
        Outcome::Failed(1)
    }

    fn format_exception(&mut self, e: &Exc, out: &mut String, depth: usize) {
        let Some(data) = e.exc() else { return };
        let (cause, context, suppress, tb) = {
            let d = data.borrow();
            (d.cause.clone(), d.context.clone(), d.suppress_context, d.traceback.clone())
        };
        if depth < 32 {
            if let Some(Value::Instance(c)) = &cause {
                self.format_exception(c, out, depth + 1);
                out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
            } else if let (Some(Value::Instance(c)), false) = (&context, suppress) {
                self.format_exception(c, out, depth + 1);
                out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
            }
        }
        if !tb.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            // Like CPython, runs of the same line are shown three times, then counted.
            let mut last: Option<String> = None;
            let mut repeats = 0;
            for entry in tb.iter().rev() {
                let frame = diagnostics::traceback_frame(entry);
                if last.as_ref() == Some(&frame) {
                    repeats += 1;
                    if repeats >= 3 {
                        continue;
                    }
                } else {
                    diagnostics::push_repeats(out, repeats);
                    repeats = 0;
                }
                out.push_str(&frame);
                last = Some(frame);
            }
            diagnostics::push_repeats(out, repeats);
        }
        let msg = self.vm.run_native_str(Value::Instance(e.clone()), false);
        let class = &e.class;
        let name = if class.module == intern::sym::BUILTINS || class.module == intern::sym::MAIN {
            class.qualname.clone()
        } else {
            format!("{}.{}", class.module, class.qualname)
        };
        if msg.is_empty() {
            out.push_str(&format!("{}\n", name));
        } else {
            out.push_str(&format!("{}: {}\n", name, msg));
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
