//! Golden tests: every `tests/cases/**/*.coro` runs in-process and its stdout must equal its
//! `# expect: <line>` comments, in order. `# expect error: <message>` expects a syntax error
//! with that message; `# expect runtime error: <last line>` expects an uncaught exception
//! whose report ends with that line (exit status 1).

mod common;

use coro::recently_freed::RecentlyFreed;

use common::{coro_files, first_difference, run_script};
use std::path::Path;
use std::time::Duration;

/// The allocator the `coro` binary runs scripts with, so that what scripts observe of it
/// (a freed object's address going to the next one) is tested too.
#[global_allocator]
// SAFETY: this test binary's only RecentlyFreed.
static ALLOCATOR: RecentlyFreed<mimalloc::MiMalloc> = unsafe { RecentlyFreed::new(mimalloc::MiMalloc) };

struct Expectation {
    stdout: String,
    error: Option<String>,
}

fn expectations(text: &str) -> Expectation {
    let mut stdout = String::new();
    let mut error = None;
    for line in text.lines() {
        if let Some(i) = line.find("# expect: ") {
            stdout.push_str(&line[i + "# expect: ".len()..]);
            stdout.push('\n');
        } else if line.trim_end().ends_with("# expect:") {
            stdout.push('\n');
        } else if let Some(i) = line.find("# expect runtime error: ") {
            error = Some(line[i + "# expect runtime error: ".len()..].to_string());
        } else if let Some(i) = line.find("# expect error: ") {
            error = Some(format!("SyntaxError: {}", &line[i + "# expect error: ".len()..]));
        }
    }
    Expectation { stdout, error }
}

#[test]
fn golden_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let files = coro_files(&dir);
    assert!(!files.is_empty(), "no golden cases found under {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read case");
        let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
        let exp = expectations(&text);
        // The real path: the script's folder is where its imports look first.
        let Some(r) = run_script(&path.to_string_lossy(), &text, Duration::from_secs(20)) else {
            failures.push(format!("{}: timed out", name));
            continue;
        };
        if r.stdout != exp.stdout {
            failures.push(format!("{}: {}", name, first_difference(&exp.stdout, &r.stdout)));
            continue;
        }
        match &exp.error {
            None if r.status != 0 => {
                failures.push(format!("{}: exit status {}; stderr: {}", name, r.status, r.stderr.trim_end()))
            }
            Some(msg) => {
                let last = r.stderr.trim_end().lines().last().unwrap_or("");
                let syntax = msg.starts_with("SyntaxError: ");
                let ok = if syntax { last.ends_with(msg.trim_start_matches("SyntaxError")) } else { last == msg };
                if r.status != 1 || !ok {
                    failures.push(format!(
                        "{}: expected error {:?} (status 1), got status {} and {:?}",
                        name, msg, r.status, last
                    ));
                }
            }
            None => {}
        }
    }
    let passed = files.len() - failures.len();
    for f in &failures {
        eprintln!("FAIL {}", f);
    }
    eprintln!("golden: {} passed, {} failed", passed, failures.len());
    assert!(failures.is_empty(), "{} golden case(s) failed", failures.len());
}
