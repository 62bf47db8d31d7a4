//! Line editing on a thread of its own (rustyline: history, completion, highlighting), so the
//! interpreter's thread can run the event loop while a prompt waits. The interpreter asks
//! for a line with a prompt; the reader answers with an `Event`. Completion needs the
//! interpreter's objects, so the reader's completer asks the interpreter's thread too.

use rustyline::completion::Completer;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, ExternalPrinter};
use std::borrow::Cow;
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// What the reader sends the interpreter's thread.
pub enum Event {
    Line(String),
    /// Ctrl-C at the prompt.
    Interrupted,
    /// Ctrl-D, or input ended.
    Eof,
    /// The completer asks for the completions of the text before the cursor.
    Complete {
        before: String,
        reply: Sender<(usize, Vec<String>)>,
    },
}

/// Prints text above the prompt while the reader waits for a line.
pub type Printer = Box<dyn ExternalPrinter + Send>;

pub struct Reader {
    prompts: Sender<&'static str>,
    pub events: Receiver<Event>,
    pub printer: Option<Printer>,
}

impl Reader {
    /// Starts the reader thread. `history` is the file lines are saved to (and loaded from).
    pub fn spawn(colour: bool, history: Option<PathBuf>) -> Reader {
        let (prompts, prompt_rx) = mpsc::channel::<&'static str>();
        let (events_tx, events) = mpsc::channel();
        let (printer_tx, printer_rx) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("coro-readline".into()).spawn(move || {
            let mut editor = match new_editor(colour, events_tx.clone()) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("coro: line editing is not available: {}", e);
                    let _ = printer_tx.send(None);
                    let _ = events_tx.send(Event::Eof);
                    return;
                }
            };
            let printer = editor.create_external_printer().ok().map(|p| Box::new(p) as Printer);
            let _ = printer_tx.send(printer);
            let mut history = History::open(&mut editor, history);
            for prompt in prompt_rx {
                let event = match editor.readline(prompt) {
                    Ok(line) => {
                        history.add(&mut editor, &line);
                        Event::Line(line)
                    }
                    Err(ReadlineError::Interrupted) => Event::Interrupted,
                    Err(ReadlineError::Eof) => Event::Eof,
                    Err(e) => {
                        eprintln!("coro: cannot read input: {}", e);
                        Event::Eof
                    }
                };
                if events_tx.send(event).is_err() {
                    break;
                }
                coro::interrupt::wake();
            }
        });
        if let Err(e) = spawned {
            eprintln!("coro: cannot start the line reader: {}", e);
        }
        let printer = printer_rx.recv().ok().flatten();
        Reader { prompts, events, printer }
    }

    /// Asks for the next line; the answer comes on `events`.
    pub fn request(&self, prompt: &'static str) {
        let _ = self.prompts.send(prompt);
    }
}

type LineEditor = Editor<Helper, rustyline::history::DefaultHistory>;

fn new_editor(colour: bool, to_interpreter: Sender<Event>) -> rustyline::Result<LineEditor> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .color_mode(if colour { ColorMode::Enabled } else { ColorMode::Disabled })
        .auto_add_history(false)
        .max_history_size(10_000)?
        .build();
    let mut editor = LineEditor::with_config(config)?;
    editor.set_helper(Some(Helper { to_interpreter, colour, show_bracket: Cell::new(false) }));
    Ok(editor)
}

/// The history file: loaded at start, each new line appended. A file that cannot be read or
/// written is reported once; the session goes on without it.
struct History {
    path: Option<PathBuf>,
}

impl History {
    fn open(editor: &mut LineEditor, path: Option<PathBuf>) -> History {
        let mut history = History { path };
        if let Some(path) = &history.path {
            if path.exists() {
                if let Err(e) = editor.load_history(path) {
                    history.fail("read", e);
                }
            }
        }
        history
    }

    fn add(&mut self, editor: &mut LineEditor, line: &str) {
        if line.trim().is_empty() || editor.add_history_entry(line).is_err() {
            return;
        }
        let Some(path) = &self.path else { return };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(e) = editor.append_history(path) {
            self.fail("write", e);
        }
    }

    fn fail(&mut self, what: &str, e: ReadlineError) {
        if let Some(path) = self.path.take() {
            eprintln!("coro: cannot {} the history file {}: {} (history is not saved)", what, path.display(), e);
        }
    }
}

/// rustyline's hooks: completion asks the interpreter's thread; highlighting uses the lexer.
struct Helper {
    to_interpreter: Sender<Event>,
    colour: bool,
    /// Whether the bracket at the cursor is shown with its partner (not in the final redraw).
    show_bracket: Cell<bool>,
}

impl Completer for Helper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        let (reply, answer) = mpsc::channel();
        let asked = self.to_interpreter.send(Event::Complete { before: line[..pos].to_string(), reply });
        coro::interrupt::wake();
        // The interpreter answers between event loop steps; a busy one gets no say.
        match asked.ok().and_then(|_| answer.recv_timeout(Duration::from_secs(2)).ok()) {
            Some(found) => Ok(found),
            None => Ok((pos, Vec::new())),
        }
    }
}

impl Highlighter for Helper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        Cow::Owned(super::highlight::highlight(line, self.show_bracket.get().then_some(pos)))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        self.colour
    }
}

impl Hinter for Helper {
    type Hint = String;
}

impl Validator for Helper {}

impl rustyline::Helper for Helper {}
