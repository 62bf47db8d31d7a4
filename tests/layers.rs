//! The layering rule: no file of the core (support, syntax, core data, compiler, runtime,
//! vm, import) names the standard library (`crate::modules`), whose modules sit above it and
//! reach the core through the same native API a host program uses.

use std::path::{Path, PathBuf};

/// The core's folders and files, relative to `src/`.
const CORE: &[&str] = &[
    "vm",
    "runtime",
    "object",
    "compiler",
    "import",
    "lexer",
    "parser",
    "pyfmt",
    "numeric",
    "limits",
    "value.rs",
    "bytecode.rs",
    "ast.rs",
    "parser.rs",
    "span.rs",
    "intern.rs",
    "chars.rs",
    "numeric.rs",
    "source_text.rs",
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("readable source folder") {
            rust_files(&entry.expect("directory entry").path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_never_names_a_library_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for part in CORE {
        let path = src.join(part);
        assert!(path.exists(), "core path {} is missing: update CORE", path.display());
        rust_files(&path, &mut files);
    }
    assert!(files.len() > 50, "found only {} core files", files.len());
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("crate::modules") || code.contains("super::modules") {
                offences.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(&src).unwrap_or(file).display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(offences.is_empty(), "core files name library modules:\n{}", offences.join("\n"));
}
