//! What a script may touch outside the interpreter: the file system (reading and writing,
//! each everywhere or under some folders), the network (every host or some), and the
//! environment variables, and running other programs. The host sets them per interpreter thread (`set`); the natives that
//! reach the outside call `check_read`, `check_write`, `check_net`, `check_env` or `check_run` first, and a
//! denied operation raises `PermissionError` naming what was denied and the `coro` flag that
//! would grant it. Imports read modules whatever the grants: code is the host's to choose.

use crate::runtime::exceptions::raise;
use crate::runtime::ExcType;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};

/// Where one kind of access is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only these folders (and what is under them) or hosts; none if empty.
    Only(Vec<String>),
}

impl Scope {
    pub fn none() -> Scope {
        Scope::Only(Vec::new())
    }

    /// Adds `item` to what the scope allows (`None`: everything).
    pub fn grant(&mut self, item: Option<String>) {
        match (item, &mut *self) {
            (None, _) => *self = Scope::All,
            (Some(item), Scope::Only(items)) => items.push(item),
            (Some(_), Scope::All) => {}
        }
    }
}

/// What scripts on this thread may touch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities {
    pub read: Scope,
    pub write: Scope,
    /// Hosts, as `name` or `name:port`.
    pub net: Scope,
    pub env: bool,
    /// Running other programs (`subprocess`).
    pub run: bool,
}

impl Capabilities {
    /// Everything, as Python allows: the `coro` command's default.
    pub fn all() -> Capabilities {
        Capabilities { read: Scope::All, write: Scope::All, net: Scope::All, env: true, run: true }
    }

    /// Nothing: an embedded interpreter's default, and `coro --sandbox`.
    pub fn none() -> Capabilities {
        Capabilities { read: Scope::none(), write: Scope::none(), net: Scope::none(), env: false, run: false }
    }
}

thread_local! {
    static CURRENT: RefCell<Capabilities> = RefCell::new(Capabilities::all());
}

/// Sets what scripts on this thread may touch.
pub fn set(caps: Capabilities) {
    CURRENT.with(|c| *c.borrow_mut() = caps);
}

/// What scripts on this thread may touch.
pub fn current() -> Capabilities {
    CURRENT.with(|c| c.borrow().clone())
}

/// `Ok` if scripts may read `path` (open it for reading, list or stat it).
pub fn check_read(path: &str) -> PyResult<()> {
    check_path(path, |c| &c.read, "read", "--allow-read")
}

/// `Ok` if scripts may write `path` (create, change, rename or remove it).
pub fn check_write(path: &str) -> PyResult<()> {
    check_path(path, |c| &c.write, "write", "--allow-write")
}

fn check_path(path: &str, scope: fn(&Capabilities) -> &Scope, what: &str, flag: &str) -> PyResult<()> {
    let allowed = CURRENT.with(|c| match scope(&c.borrow()) {
        Scope::All => true,
        Scope::Only(dirs) => resolve(Path::new(path))
            .is_some_and(|p| dirs.iter().any(|d| resolve(Path::new(d)).is_some_and(|d| p.starts_with(d)))),
    });
    if allowed {
        return Ok(());
    }
    Err(raise(ExcType::PermissionError, format!("{} access to '{}' is denied (grant it with {})", what, path, flag)))
}

/// `path` made absolute with its links resolved, as far as it exists: the real folder of a
/// file about to be created. None if what does not exist yet goes up with `..`.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = std::env::current_dir().ok()?.join(path);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::Normal(p) => out.push(p),
                    Component::CurDir => {}
                    _ => return None,
                }
            }
            return Some(out);
        }
        rest.push(existing.components().next_back()?);
        existing = existing.parent()?;
    }
}

/// `Ok` if scripts may connect to the host of `url`.
pub fn check_net(url: &str) -> PyResult<()> {
    let authority = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = authority.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => host_port,
    };
    let allowed = CURRENT.with(|c| match &c.borrow().net {
        Scope::All => true,
        Scope::Only(hosts) => hosts.iter().any(|h| h.eq_ignore_ascii_case(host) || h.eq_ignore_ascii_case(host_port)),
    });
    if allowed {
        return Ok(());
    }
    Err(raise(
        ExcType::PermissionError,
        format!("network access to '{}' is denied (grant it with --allow-net)", host_port),
    ))
}

/// `Ok` if scripts may read and change environment variables.
pub fn check_env() -> PyResult<()> {
    if CURRENT.with(|c| c.borrow().env) {
        return Ok(());
    }
    Err(raise(ExcType::PermissionError, "environment access is denied (grant it with --allow-env)"))
}

/// `Ok` if scripts may run `program` as a subprocess.
pub fn check_run(program: &str) -> PyResult<()> {
    if CURRENT.with(|c| c.borrow().run) {
        return Ok(());
    }
    Err(raise(ExcType::PermissionError, format!("running '{}' is denied (grant it with --allow-run)", program)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_allow_what_is_under_them_only() {
        let dir = std::env::temp_dir().join(format!("coro-caps-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("in")).expect("make folders");
        let inside = dir.join("in");
        set(Capabilities { read: Scope::Only(vec![inside.display().to_string()]), ..Capabilities::none() });
        assert!(check_read(&inside.join("new.txt").display().to_string()).is_ok());
        assert!(check_read(&inside.join("a/b/c").display().to_string()).is_ok());
        assert!(check_read(&dir.join("in/../out.txt").display().to_string()).is_err());
        assert!(check_read(&dir.join("out.txt").display().to_string()).is_err());
        assert!(check_write(&inside.join("new.txt").display().to_string()).is_err());
        set(Capabilities::all());
        let _ = std::fs::remove_dir_all(dir);
    }
}
