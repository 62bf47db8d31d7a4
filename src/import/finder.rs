//! Finding a module's file along a search path: in each folder, a package (`NAME/` with
//! `__init__.coro` or `__init__.py`), then `NAME.coro`, then `NAME.py`. A folder `NAME/`
//! without either, and no module of that name anywhere on the path, is a namespace package.

use std::path::{Path, PathBuf};

/// The suffixes a module's source file may have, in the order they are tried.
const SUFFIXES: &[&str] = &[".coro", ".py"];

pub enum Found {
    /// A module or a regular package: its source file, and for a package its folder.
    File { file: PathBuf, package_dir: Option<PathBuf> },
    /// A namespace package: every folder of that name on the path.
    Namespace(Vec<PathBuf>),
}

/// Looks for the module whose last name component is `tail` in the folders `dirs` (an empty
/// entry is the current directory).
pub fn find(tail: &str, dirs: &[String]) -> Option<Found> {
    let mut namespace = Vec::new();
    for dir in dirs {
        let dir = absolute(dir);
        let base = dir.join(tail);
        for suffix in SUFFIXES {
            let init = base.join(format!("__init__{}", suffix));
            if init.is_file() {
                return Some(Found::File { file: init, package_dir: Some(base) });
            }
        }
        for suffix in SUFFIXES {
            let file = dir.join(format!("{}{}", tail, suffix));
            if file.is_file() {
                return Some(Found::File { file, package_dir: None });
            }
        }
        if base.is_dir() {
            namespace.push(base);
        }
    }
    (!namespace.is_empty()).then_some(Found::Namespace(namespace))
}

/// A search path entry made absolute against the current directory, without `.` parts.
fn absolute(dir: &str) -> PathBuf {
    let p = Path::new(if dir.is_empty() { "." } else { dir });
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    p.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}
