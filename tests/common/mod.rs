//! Running scripts in-process for the test harnesses.
//!
//! Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub struct RunResult {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Runs `text` as a script named `name` on a fresh interpreter thread, capturing its output.
/// `None` when it did not finish within `limit`.
pub fn run_script(name: &str, text: &str, limit: Duration) -> Option<RunResult> {
    run_script_with_args(name, text, &[], limit)
}

/// `run_script` with `sys.argv` set to the script's name followed by `args`.
pub fn run_script_with_args(name: &str, text: &str, args: &[String], limit: Duration) -> Option<RunResult> {
    let (name, text) = (name.to_string(), text.to_string());
    let argv: Vec<String> = std::iter::once(name.clone()).chain(args.iter().cloned()).collect();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            coro::runtime::output::start_capture();
            coro::modules::sys::set_argv(argv);
            let mut interp = coro::Interpreter::new();
            interp.set_capabilities(coro::capabilities::Capabilities::all());
            let status = match interp.run_source(&name, &text) {
                coro::Outcome::Ok => 0,
                coro::Outcome::Failed(n) => n,
            };
            let (stdout, stderr) = coro::runtime::output::take_capture();
            let _ = tx.send(RunResult { stdout, stderr, status });
        })
        .expect("spawn interpreter thread");
    rx.recv_timeout(limit).ok()
}

/// Every `.coro` file under `dir`, sorted.
pub fn coro_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "coro") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The first line where `expected` and `got` differ, for failure messages.
pub fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        let (x, y) = (e.get(i), g.get(i));
        if x != y {
            return format!("line {}: expected {:?}, got {:?}", i + 1, x.unwrap_or(&"<end>"), y.unwrap_or(&"<end>"));
        }
    }
    "outputs differ".into()
}
