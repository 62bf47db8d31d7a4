//! The conformance corpus (CPython 3.11's outputs for each case), copied from the shared
//! corpus into `tests/conformance/cases`. Stdout is normalized as the corpus README says:
//! absolute paths to the case become its file name, and `0x...` addresses become `0x?`.
//!
//! Cases that do not pass yet are listed, with the reason, in `known_failures.txt`; the test
//! fails if any other case fails, and also if a listed case starts passing (so the list only
//! shrinks). The summary line counts every case.

mod common;

use common::{first_difference, run_script};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

fn normalize(text: &str) -> String {
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
        } else {
            let ch = text[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
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

#[test]
fn conformance_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let cases_dir = root.join("cases");
    let known = known_failures(&root);
    let mut passed = 0;
    let mut failed = Vec::new();
    let mut known_failed = 0;
    let mut now_passing = Vec::new();
    // The http cases talk to 127.0.0.1:18080; they get a local server on a free port instead.
    let port = common::server::start(0).expect("start the http test server");
    let (shared, local) = ("127.0.0.1:18080".to_string(), format!("127.0.0.1:{}", port));
    for path in common::coro_files(&cases_dir) {
        let out_path = path.with_extension("out");
        let Ok(expected) = std::fs::read_to_string(&out_path) else { continue };
        let status_path = path.with_extension("status");
        let expected_status: i32 =
            std::fs::read_to_string(&status_path).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
        let group =
            path.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file = path.file_name().expect("file name").to_string_lossy().into_owned();
        let id = format!("{}/{}", group, file.trim_end_matches(".coro"));
        let text = std::fs::read_to_string(&path).expect("read case").replace(&shared, &local);
        let problem = match run_script(&file, &text, Duration::from_secs(10)) {
            None => Some("timed out".to_string()),
            Some(r) => {
                let got = normalize(&r.stdout.replace(&local, &shared));
                if got != expected {
                    Some(first_difference(&expected, &got))
                } else if r.status != expected_status {
                    Some(format!(
                        "exit status {}, expected {}; stderr: {}",
                        r.status,
                        expected_status,
                        r.stderr.lines().last().unwrap_or("")
                    ))
                } else {
                    None
                }
            }
        };
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
