//! The conformance corpus (CPython 3.11's outputs for each case), copied from the shared
//! corpus into `tests/conformance/cases`. Each case runs as the shared runner runs it: the
//! built `coro` binary on `NAME.coro`, with the case's folder as working directory (cases
//! import helpers beside them and make files there) and stdin from /dev/null. Stdout is
//! normalized as the corpus README says: absolute paths ending in the case's file name become
//! that name, and `0x...` addresses become `0x?`.
//!
//! Cases that do not pass yet are listed, with the reason, in `known_failures.txt`; the test
//! fails if any other case fails, and also if a listed case starts passing (so the list only
//! shrinks). The summary line counts every case.

mod common;

use common::first_difference;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `0x...` addresses become `0x?`; absolute paths ending in `file` become `file`.
fn normalize(text: &str, file: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0'
            && b.get(i + 1) == Some(&b'x')
            && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        {
            out.push_str("0x?");
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() && !b[i].is_ascii_uppercase() {
                i += 1;
            }
        } else if b[i] == b'/' && (i == 0 || !is_path_char(b[i - 1])) {
            // An absolute path: keep only its last component if that is the case's file.
            let end = i + text[i..].find(|c: char| !is_path_char_c(c)).unwrap_or(text.len() - i);
            let path = &text[i..end];
            let tail_ok = !text[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
            if path.ends_with(&format!("/{}", file)) && tail_ok {
                out.push_str(file);
            } else {
                out.push_str(path);
            }
            i = end;
        } else {
            let ch = text[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_path_char(c: u8) -> bool {
    c < 0x80 && is_path_char_c(c as char)
}

/// Characters the corpus's normalizer allows inside a path component, plus `/`.
fn is_path_char_c(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '\'' | '"' | '<' | '>' | ':' | ',' | '(' | ')' | '[' | ']')
}

fn known_failures(root: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root.join("known_failures.txt")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (id.to_string(), why.trim().to_string())
        })
        .collect()
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: i32,
}

/// Runs the interpreter on `file` inside `dir`; None if it did not finish within `limit`.
fn run_case(dir: &Path, file: &str, port: u16, limit: Duration) -> Option<Outcome> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .arg(file)
        .current_dir(dir)
        .env("CONFORMANCE_PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start coro");
    let (mut out, mut err) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Some(Outcome { stdout, stderr, status: status.code().unwrap_or(-1) })
}

/// The case files (`*.coro` directly inside each group folder), sorted.
fn case_files(cases_dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(groups) = std::fs::read_dir(cases_dir) else { return out };
    for g in groups.flatten() {
        let Ok(files) = std::fs::read_dir(g.path()) else { continue };
        out.extend(files.flatten().map(|f| f.path()).filter(|p| p.extension().is_some_and(|x| x == "coro")));
    }
    out.sort();
    out
}

/// A case's problem, or None when it passes.
fn check_case(path: &Path, port: u16, shared: &str, local: &str) -> Option<String> {
    let expected = std::fs::read_to_string(path.with_extension("out")).ok()?;
    let expected_status: i32 =
        std::fs::read_to_string(path.with_extension("status")).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let dir = path.parent().expect("case folder");
    let file = path.file_name().expect("file name").to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).expect("read case");
    // Cases that talk to the test server run from a copy with the server's real port.
    let copy_dir = text.contains(shared).then(|| {
        let d = std::env::temp_dir().join(format!("coro-conformance-{}-{}", std::process::id(), file));
        std::fs::create_dir_all(&d).expect("make case copy folder");
        std::fs::write(d.join(&file), text.replace(shared, local)).expect("write case copy");
        d
    });
    let r = run_case(copy_dir.as_deref().unwrap_or(dir), &file, port, Duration::from_secs(10));
    if let Some(d) = copy_dir {
        let _ = std::fs::remove_dir_all(d);
    }
    let Some(r) = r else { return Some("timed out".to_string()) };
    let got = normalize(&r.stdout.replace(local, shared), &file);
    if got != expected {
        return Some(first_difference(&expected, &got));
    }
    if r.status != expected_status {
        return Some(format!(
            "exit status {}, expected {}; stderr: {}",
            r.status,
            expected_status,
            r.stderr.lines().last().unwrap_or("")
        ));
    }
    None
}

#[test]
fn conformance_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let known = known_failures(&root);
    // The http cases talk to 127.0.0.1:18080; they get a local server on a free port instead.
    let port = common::server::start(0).expect("start the http test server");
    let (shared, local) = ("127.0.0.1:18080".to_string(), format!("127.0.0.1:{}", port));
    let cases = case_files(&root.join("cases"));
    assert!(!cases.is_empty(), "no conformance cases found");
    let next = Mutex::new(cases.iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
            s.spawn(|| loop {
                let Some(path) = next.lock().expect("queue").next() else { break };
                let problem = check_case(path, port, &shared, &local);
                results.lock().expect("results").push((path.clone(), problem));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort();
    let (mut passed, mut failed, mut known_failed, mut now_passing) = (0, Vec::new(), 0, Vec::new());
    for (path, problem) in results {
        let group = path.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned());
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let id = format!("{}/{}", group.unwrap_or_default(), stem.unwrap_or_default());
        match (problem, known.contains_key(&id)) {
            (None, false) => passed += 1,
            (None, true) => now_passing.push(id),
            (Some(_), true) => known_failed += 1,
            (Some(p), false) => failed.push(format!("{}: {}", id, p)),
        }
    }
    for f in &failed {
        eprintln!("FAIL {}", f);
    }
    for id in &now_passing {
        eprintln!("PASSES NOW (remove from known_failures.txt): {}", id);
    }
    eprintln!(
        "conformance: {} passed, {} failed, {} known failures",
        passed + now_passing.len(),
        failed.len(),
        known_failed
    );
    assert!(failed.is_empty() && now_passing.is_empty(), "conformance regressions or stale known failures");
}
