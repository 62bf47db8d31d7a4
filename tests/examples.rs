//! Every runnable example in `examples/` prints what CPython 3.11 prints
//! (`tests/examples/NAME.out`, made by `tests/gen/examples.py`).

mod common;

use common::{first_difference, run_script_with_args};
use std::path::Path;
use std::time::Duration;

/// Addresses differ between runs and interpreters: `0x...` becomes `0x?`.
fn normalize_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i + 2]);
        let tail = &rest[i + 2..];
        let n = tail.bytes().take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)).count();
        if n > 0 {
            out.push('?');
        }
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

fn server_port() -> u16 {
    static PORT: std::sync::OnceLock<u16> = std::sync::OnceLock::new();
    *PORT.get_or_init(|| common::server::start(0).expect("start the local http server"))
}

#[test]
fn examples_print_what_cpython_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut count = 0;
    for path in common::coro_files(&root.join("examples")) {
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let expected_path = root.join("tests/examples").join(name.replace(".coro", ".out"));
        let expected =
            std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
        let text = std::fs::read_to_string(&path).expect("read example");
        count += 1;
        // Examples that fetch URLs take `tests/examples/NAME.args`, where `{base}` is the local
        // test server's address.
        let args: Vec<String> = match std::fs::read_to_string(expected_path.with_extension("args")) {
            Ok(line) => {
                let base = format!("http://127.0.0.1:{}/", server_port());
                line.split_whitespace().map(|a| a.replace("{base}", &base)).collect()
            }
            Err(_) => Vec::new(),
        };
        // The full path, so that the example imports the modules beside it.
        let script = path.display().to_string();
        match run_script_with_args(&script, &text, &args, Duration::from_secs(20)) {
            None => failures.push(format!("{}: timed out", name)),
            Some(r) if r.status != 0 => failures.push(format!("{}: exit {}: {}", name, r.status, r.stderr)),
            Some(r) => {
                // As the expected outputs were made: the path to the example is its name.
                let got = normalize_addresses(&r.stdout.replace(&script, &name));
                if got != expected {
                    failures.push(format!("{}: {}", name, first_difference(&expected, &got)));
                }
            }
        }
    }
    assert!(count > 0, "no examples found");
    assert!(failures.is_empty(), "examples differ from CPython:\n{}", failures.join("\n"));
}
