//! The REPL's own commands: a line starting with `:` (never valid Python) at the `>>> ` prompt.

use coro::Interpreter;

/// The command names, for completion.
pub const NAMES: &[&str] = &["help", "tasks", "quit"];

/// What the session does after a command.
pub enum After {
    Continue,
    Quit,
}

/// Runs `:command` (given without its colon), printing its output.
pub fn run(interp: &Interpreter, command: &str) -> After {
    match command.trim() {
        "help" | "h" | "?" => print!("{}", help()),
        "tasks" | "t" => print!("{}", tasks(interp)),
        "quit" | "q" | "exit" => return After::Quit,
        other => eprintln!("unknown command ':{}'; :help lists the commands", other),
    }
    After::Continue
}

fn help() -> String {
    "\
Commands:
  :help    this list
  :tasks   the event loop's pending tasks: state, what each waits on, and where
  :quit    leave (as Ctrl-D does)

Python statements run as they do in a script; an expression's value is printed and kept
in `_`. `await` works at the prompt: the event loop runs tasks between inputs too, so a
task started with asyncio.create_task() goes on running while you type.
Tab completes names and attributes; Up and Down recall earlier lines; Ctrl-C interrupts
what runs (or discards the line being typed).
"
    .to_string()
}

fn tasks(interp: &Interpreter) -> String {
    let tasks = interp.pending_tasks();
    if tasks.is_empty() {
        return "no pending tasks\n".to_string();
    }
    let width = tasks.iter().map(|t| t.name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for t in tasks {
        out.push_str(&format!("{:width$}  {}", t.name, t.state, width = width));
        if t.state != "scheduled" {
            out.push_str(&format!(" on {}", t.waits_on));
        }
        if let Some(site) = &t.site {
            out.push_str(&format!("  at {}", site));
        }
        out.push('\n');
    }
    out
}
