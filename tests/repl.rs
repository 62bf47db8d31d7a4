//! The REPL as a person uses it: `coro` in a pseudo-terminal, typed at line by line. Every
//! wait has a timeout, so a broken REPL fails these tests instead of hanging them.

use nix::sys::wait::WaitStatus;
use rexpect::session::{spawn_command, PtySession};
use std::path::PathBuf;
use std::process::Command;

/// How long to wait for each expected piece of output (the machine may be busy).
const TIMEOUT_MS: u64 = 20_000;

struct Repl {
    p: PtySession,
    /// What came before the first prompt.
    before_prompt: String,
}

impl Repl {
    /// Starts `coro ARGS` in a pty with its own history file, and waits for the first prompt.
    fn start(args: &[&str], history: &PathBuf) -> Repl {
        Repl::start_with(args, history, true)
    }

    fn start_with(args: &[&str], history: &PathBuf, no_colour: bool) -> Repl {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coro"));
        cmd.args(args).env("CORO_HISTORY", history).env("TERM", "xterm");
        if no_colour {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let p = spawn_command(cmd, Some(TIMEOUT_MS)).expect("start coro in a pty");
        let mut repl = Repl { p, before_prompt: String::new() };
        repl.before_prompt = repl.prompt();
        repl
    }

    fn prompt(&mut self) -> String {
        self.expect(">>> ")
    }

    /// Waits for `text`; returns what came before it.
    fn expect(&mut self, text: &str) -> String {
        match self.p.exp_string(text) {
            Ok(before) => before,
            Err(e) => panic!("expected {:?}: {}", text, e),
        }
    }

    /// Types `text` without Enter.
    fn type_text(&mut self, text: &str) {
        self.p.send(text).expect("type");
        self.p.flush().expect("flush the typing");
    }

    /// Types a line and Enter.
    fn line(&mut self, text: &str) {
        self.p.send_line(text).expect("type a line");
    }

    /// Types a line, then waits for `output` and the next `>>> ` prompt.
    fn run(&mut self, text: &str, output: &str) {
        self.line(text);
        self.expect(output);
        self.prompt();
    }

    fn ctrl(&mut self, c: char) {
        self.p.send_control(c).expect("send a control key");
    }

    /// Ctrl-D at the prompt, then the exit status.
    fn quit(mut self) -> WaitStatus {
        self.ctrl('d');
        self.p.exp_eof().expect("coro exits after Ctrl-D");
        self.p.process().wait().expect("exit status")
    }
}

/// A fresh path in the temporary directory for this test.
fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coro-repl-{}-{}", std::process::id(), name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("history")
}

#[test]
fn the_banner_names_coro_and_how_to_leave() {
    let r = Repl::start(&[], &temp_path("banner"));
    let banner = r.before_prompt.clone();
    assert!(banner.contains("coro 0."), "{banner:?}");
    assert!(banner.contains("Type :help for commands, Ctrl-D to exit."), "{banner:?}");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn expressions_echo_their_repr_and_set_underscore_but_none_does_not() {
    let mut r = Repl::start(&[], &temp_path("echo"));
    r.run("6 * 7", "42");
    r.run("'a' + 'b'", "'ab'");
    r.line("None");
    r.prompt();
    r.run("_ * 2", "'abab'");
    assert_eq!(exit_code(r.quit()), Some(0));
}

fn exit_code(status: WaitStatus) -> Option<i32> {
    match status {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

#[test]
fn blocks_continue_until_a_blank_line_and_open_brackets_continue() {
    let mut r = Repl::start(&[], &temp_path("blocks"));
    r.line("def double(n):");
    r.expect("... ");
    r.line("    return n * 2");
    r.expect("... ");
    r.line("");
    r.prompt();
    r.run("double(21)", "42");
    r.line("print('left',");
    r.expect("... ");
    r.line("'right')");
    r.expect("left right");
    r.prompt();
    r.line("s = '''one");
    r.expect("... ");
    r.line("two'''");
    r.prompt();
    r.run("s.split()", "['one', 'two']");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn an_error_is_reported_and_the_session_keeps_its_state() {
    let mut r = Repl::start(&[], &temp_path("errors"));
    r.line("kept = 5");
    r.prompt();
    r.line("1 / 0");
    let report = r.expect("ZeroDivisionError: division by zero");
    assert!(report.contains("Traceback (most recent call last):"), "{report:?}");
    assert!(report.contains("File \"<stdin>\", line 1, in <module>"), "{report:?}");
    r.prompt();
    r.line("x = (1,,)");
    r.expect("SyntaxError: invalid syntax");
    r.prompt();
    r.run("kept + 1", "6");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn top_level_await_and_a_task_that_runs_between_inputs() {
    let mut r = Repl::start(&[], &temp_path("await"));
    r.line("import asyncio");
    r.prompt();
    r.line("async def work():");
    r.line("    await asyncio.sleep(1.5)");
    r.line("    print('background ' + 'done')");
    r.line("    return 'result'");
    r.line("");
    r.prompt();
    r.line("t = asyncio.create_task(work())");
    r.prompt();
    // The task waits in asyncio.sleep, at line 2 of the input that defined `work`.
    r.line(":tasks");
    let listing = r.expect("(in work): await asyncio.sleep(1.5)");
    assert!(listing.contains("Task-1") && listing.contains("waiting on a Future"), "{listing:?}");
    r.prompt();
    // Nothing is typed: the event loop runs the task while the prompt waits.
    r.expect("background done");
    r.run("await t", "'result'");
    r.run("await asyncio.sleep(0, 'slept')", "'slept'");
    r.run(":tasks", "no pending tasks");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn ctrl_c_interrupts_running_code_and_discards_a_typed_line() {
    let mut r = Repl::start(&[], &temp_path("interrupt"));
    r.line("n = 0");
    r.prompt();
    r.line("while True: n += 1");
    r.expect("... ");
    r.line("");
    // Let the loop start before interrupting it.
    std::thread::sleep(std::time::Duration::from_millis(300));
    r.ctrl('c');
    r.expect("KeyboardInterrupt");
    r.prompt();
    r.run("n > 0", "True");
    r.line("import asyncio");
    r.prompt();
    r.line("await asyncio.sleep(60)");
    std::thread::sleep(std::time::Duration::from_millis(300));
    r.ctrl('c');
    r.expect("KeyboardInterrupt");
    r.prompt();
    // At the prompt, Ctrl-C throws away what was typed.
    r.type_text("this is discarded");
    r.ctrl('c');
    r.expect("KeyboardInterrupt");
    r.prompt();
    r.run("print('still ' + 'here')", "still here");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn ctrl_d_and_exit_end_the_session_with_their_status() {
    let r = Repl::start(&[], &temp_path("ctrl-d"));
    assert_eq!(exit_code(r.quit()), Some(0));
    let mut r = Repl::start(&[], &temp_path("exit"));
    r.line("exit(3)");
    r.p.exp_eof().expect("coro exits after exit(3)");
    assert_eq!(exit_code(r.p.process().wait().expect("status")), Some(3));
}

#[test]
fn history_is_saved_and_up_arrow_recalls_it_in_a_later_session() {
    let history = temp_path("history");
    let mut r = Repl::start(&[], &history);
    r.run("print('from' + ' history')", "from history");
    assert_eq!(exit_code(r.quit()), Some(0));
    let saved = std::fs::read_to_string(&history).expect("history file written");
    assert!(saved.contains("print('from' + ' history')"), "{saved:?}");

    let mut r = Repl::start(&[], &history);
    r.type_text("\x1b[A");
    r.line("");
    r.expect("from history");
    r.prompt();
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn tab_completes_module_members() {
    let mut r = Repl::start(&[], &temp_path("complete"));
    r.line("import asyncio");
    r.prompt();
    // `asyncio.create_ta<TAB>` becomes `asyncio.create_task(`; the rest of the call is typed.
    r.type_text("t = asyncio.create_ta\t");
    r.expect("create_task(");
    r.line("asyncio.sleep(0, 'completed'))");
    r.prompt();
    r.run("await t", "'completed'");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn keywords_are_highlighted_on_a_terminal() {
    let mut r = Repl::start_with(&[], &temp_path("colour"), false);
    r.type_text("while");
    r.expect("\x1b[1;35mwhile\x1b[0m");
    r.ctrl('c');
    r.prompt();
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn dash_i_runs_the_file_then_keeps_its_globals() {
    let history = temp_path("dash-i");
    let script = history.with_file_name("greet.coro");
    std::fs::write(&script, "greeting = 'hello from ' + 'the file'\nprint('file ' + 'ran')\n").expect("write script");
    let mut r = Repl::start(&["-i", script.to_str().expect("utf-8 path")], &history);
    assert!(r.before_prompt.contains("file ran"), "{:?}", r.before_prompt);
    assert!(!r.before_prompt.contains("Type :help"), "no banner after a file: {:?}", r.before_prompt);
    r.run("greeting", "'hello from the file'");
    assert_eq!(exit_code(r.quit()), Some(0));
}

#[test]
fn help_lists_the_commands() {
    let mut r = Repl::start(&[], &temp_path("help"));
    r.line(":help");
    let text = r.expect(":quit");
    assert!(text.contains(":tasks"), "{text:?}");
    r.prompt();
    assert_eq!(exit_code(r.quit()), Some(0));
}
