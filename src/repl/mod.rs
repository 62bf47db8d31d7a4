//! The interactive REPL: `coro` with no arguments on a terminal, or `coro -i FILE`.
//!
//! Lines are read on a thread of their own (`reader`) while this thread, which owns the
//! interpreter, runs the event loop: tasks started at the prompt go on running while the user
//! types, and what they print appears above the prompt. An entry (one line, or a block ended
//! by a blank line; see `input`) runs in `__main__` through `Interpreter::run_input`.

mod commands;
mod complete;
mod highlight;
mod input;
mod reader;

use coro::runtime::output;
use coro::{InputOutcome, Interpreter};
use reader::{Event, Reader};
use std::path::PathBuf;
use std::sync::mpsc::TryRecvError;

const PROMPT: &str = ">>> ";
const CONTINUATION: &str = "... ";

/// From now on Ctrl-C raises `KeyboardInterrupt` in running code instead of ending the process.
pub fn catch_ctrl_c() {
    if let Err(e) = ctrlc::set_handler(coro::interrupt::request) {
        eprintln!("coro: Ctrl-C will not interrupt running code: {}", e);
    }
}

/// Runs the session until Ctrl-D, `:quit` or `exit()`; returns the exit status. Call
/// `catch_ctrl_c` first.
pub fn run(interp: &mut Interpreter, banner: bool) -> u8 {
    let exit = coro::modules::sys::exit_function();
    for name in ["exit", "quit"] {
        interp.vm.builtins.set(coro::intern::intern(name), exit.clone());
    }
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let reader = Reader::spawn(colour, history_path());
    if banner {
        println!("coro {} (Python-flavoured, asyncio built in; await works at the prompt)", env!("CARGO_PKG_VERSION"));
        println!("Type :help for commands, Ctrl-D to exit.");
    }
    let mut session = Session { reader, lines: Vec::new() };
    let status = session.run(interp);
    output::flush();
    status
}

/// `CORO_HISTORY` (empty: no history), else `$XDG_DATA_HOME/coro/history`, else
/// `~/.local/share/coro/history`.
fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CORO_HISTORY") {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))?;
    Some(data.join("coro").join("history"))
}

struct Session {
    reader: Reader,
    /// The lines of the entry being typed.
    lines: Vec<String>,
}

impl Session {
    fn run(&mut self, interp: &mut Interpreter) -> u8 {
        loop {
            let prompt = if self.lines.is_empty() { PROMPT } else { CONTINUATION };
            match self.read(interp, prompt) {
                Event::Line(line) => {
                    if let Some(status) = self.line(interp, line) {
                        return status;
                    }
                }
                Event::Interrupted => {
                    self.lines.clear();
                    println!("KeyboardInterrupt");
                }
                Event::Eof => {
                    println!();
                    return 0;
                }
                // `read` answers these itself.
                Event::Complete { .. } => {}
            }
        }
    }

    /// Takes one line; runs the entry once it is complete. Some(status) ends the session.
    fn line(&mut self, interp: &mut Interpreter, line: String) -> Option<u8> {
        if self.lines.is_empty() {
            if line.trim().is_empty() {
                return None;
            }
            if let Some(command) = line.trim_start().strip_prefix(':') {
                return match commands::run(interp, command) {
                    commands::After::Continue => None,
                    commands::After::Quit => Some(0),
                };
            }
        }
        self.lines.push(line);
        if input::decide(&self.lines) == input::Entry::NeedsMore {
            return None;
        }
        let text = input::join(&self.lines);
        self.lines.clear();
        let outcome = interp.run_input(&text);
        output::flush();
        match outcome {
            InputOutcome::Exit(status) => Some(status.clamp(0, 255) as u8),
            InputOutcome::Done | InputOutcome::Failed => None,
        }
    }

    /// Asks the reader for a line and, until it comes, runs the event loop's tasks and
    /// answers completion requests.
    fn read(&mut self, interp: &mut Interpreter, prompt: &'static str) -> Event {
        self.reader.request(prompt);
        output::flush();
        loop {
            let event = if interp.has_background_work() {
                self.run_background(interp);
                match self.reader.events.try_recv() {
                    Ok(event) => event,
                    Err(TryRecvError::Empty) => continue,
                    Err(TryRecvError::Disconnected) => Event::Eof,
                }
            } else {
                self.reader.events.recv().unwrap_or(Event::Eof)
            };
            match event {
                Event::Complete { before, reply } => {
                    let _ = reply.send(complete::candidates(interp, &before));
                }
                other => return other,
            }
        }
    }

    /// One step of the event loop while a prompt is shown: what tasks print goes above it.
    fn run_background(&mut self, interp: &mut Interpreter) {
        output::start_capture();
        let outcome = interp.run_background();
        let (out, err) = output::take_capture();
        output::stop_capture();
        let mut text = out + &err;
        if let InputOutcome::Exit(status) = outcome {
            text.push_str(&format!("a task raised SystemExit({}); type exit() to leave\n", status));
        }
        if text.is_empty() {
            return;
        }
        let printed = match &mut self.reader.printer {
            Some(printer) => printer.print(text.clone()).is_ok(),
            None => false,
        };
        if !printed {
            output::write(&text);
            output::flush();
        }
    }
}
