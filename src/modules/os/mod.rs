//! The `os` module: the system calls natively (files and folders, the environment, process
//! facts), the rest in coro (lib.coro: `environ`, `walk`, `makedirs`, `scandir`'s
//! DirEntry, `stat_result`); `os.path` is the coro module `posixpath` (path.coro).
//! The natives take `str` paths; lib.coro turns path-like arguments into them first.

use crate::capabilities;
use crate::intern::intern;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::runtime::exceptions::type_error;
use crate::runtime::os_error::{from_io, from_io2};
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");
pub const PATH_SOURCE: &str = include_str!("path.coro");

/// Positional string argument `i`.
fn str_arg<'a>(a: &'a Args, i: usize, func: &str) -> PyResult<&'a str> {
    match a.pos.get(i) {
        Some(Value::Str(s)) => Ok(&s.s),
        Some(other) => Err(type_error(format!("{}: path should be string, not {}", func, type_name(other)))),
        None => Err(type_error(format!("{}() missing required argument (pos {})", func, i + 1))),
    }
}

/// Positional path argument `i`, which the script must be allowed to read.
fn read_path<'a>(a: &'a Args, i: usize, func: &str) -> PyResult<&'a str> {
    let p = str_arg(a, i, func)?;
    capabilities::check_read(p)?;
    Ok(p)
}

/// Positional path argument `i`, which the script must be allowed to write.
fn write_path<'a>(a: &'a Args, i: usize, func: &str) -> PyResult<&'a str> {
    let p = str_arg(a, i, func)?;
    capabilities::check_write(p)?;
    Ok(p)
}

fn io_err(e: std::io::Error, a: &Args) -> crate::vm::Flow {
    from_io(&e, a.pos.first().cloned())
}

fn getcwd(a: &Args) -> PyResult {
    check_args(a, "getcwd", 0, 0)?;
    let cwd = std::env::current_dir().map_err(|e| from_io(&e, None))?;
    Ok(Value::str(cwd.to_string_lossy().as_ref()))
}

fn chdir(a: &Args) -> PyResult {
    let p = read_path(a, 0, "chdir")?;
    std::env::set_current_dir(p).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

fn listdir(a: &Args) -> PyResult {
    let p = read_path(a, 0, "listdir")?;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(p).map_err(|e| io_err(e, a))? {
        let entry = entry.map_err(|e| io_err(e, a))?;
        names.push(Value::str(entry.file_name().to_string_lossy().as_ref()));
    }
    Ok(Value::list(names))
}

/// `(name, is_dir, is_file, is_symlink)` for each entry of a folder, for `scandir`.
fn scandir(a: &Args) -> PyResult {
    let p = read_path(a, 0, "scandir")?;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(p).map_err(|e| io_err(e, a))? {
        let entry = entry.map_err(|e| io_err(e, a))?;
        let ft = entry.file_type().map_err(|e| io_err(e, a))?;
        let (is_dir, is_file) = if ft.is_symlink() {
            let md = std::fs::metadata(entry.path());
            (md.as_ref().is_ok_and(|m| m.is_dir()), md.as_ref().is_ok_and(|m| m.is_file()))
        } else {
            (ft.is_dir(), ft.is_file())
        };
        out.push(Value::tuple(vec![
            Value::str(entry.file_name().to_string_lossy().as_ref()),
            Value::Bool(is_dir),
            Value::Bool(is_file),
            Value::Bool(ft.is_symlink()),
        ]));
    }
    Ok(Value::list(out))
}

fn mkdir(a: &Args) -> PyResult {
    let p = write_path(a, 0, "mkdir")?;
    let mode = match a.pos.get(1) {
        Some(Value::Int(m)) => *m as u32,
        _ => 0o777,
    };
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(mode).create(p).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

fn rmdir(a: &Args) -> PyResult {
    let p = write_path(a, 0, "rmdir")?;
    std::fs::remove_dir(p).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

fn remove(a: &Args) -> PyResult {
    let p = write_path(a, 0, "remove")?;
    // unlink(2) on a folder is EISDIR on Linux, as CPython reports.
    if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
        return Err(crate::runtime::os_error::os_error(21, a.pos.first().cloned(), None));
    }
    std::fs::remove_file(p).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

fn rename(a: &Args) -> PyResult {
    let (src, dst) = (write_path(a, 0, "rename")?, write_path(a, 1, "rename")?);
    std::fs::rename(src, dst).map_err(|e| from_io2(&e, a.pos[0].clone(), a.pos[1].clone()))?;
    Ok(Value::None)
}

fn symlink(a: &Args) -> PyResult {
    let (src, dst) = (str_arg(a, 0, "symlink")?, write_path(a, 1, "symlink")?);
    std::os::unix::fs::symlink(src, dst).map_err(|e| from_io2(&e, a.pos[0].clone(), a.pos[1].clone()))?;
    Ok(Value::None)
}

fn readlink(a: &Args) -> PyResult {
    let p = read_path(a, 0, "readlink")?;
    let target = std::fs::read_link(p).map_err(|e| io_err(e, a))?;
    Ok(Value::str(target.to_string_lossy().as_ref()))
}

fn chmod(a: &Args) -> PyResult {
    let p = write_path(a, 0, "chmod")?;
    let Some(Value::Int(mode)) = a.pos.get(1) else { return Err(type_error("chmod() mode must be an integer")) };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(*mode as u32)).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

/// `(mode, ino, dev, nlink, uid, gid, size, atime, mtime, ctime, atime_ns, mtime_ns,
/// ctime_ns)`, following symlinks when the second argument is true.
fn stat(a: &Args) -> PyResult {
    let p = read_path(a, 0, "stat")?;
    let follow = !matches!(a.pos.get(1), Some(Value::Bool(false)));
    let md = if follow { std::fs::metadata(p) } else { std::fs::symlink_metadata(p) }.map_err(|e| io_err(e, a))?;
    let secs = |s: i64, ns: i64| Value::Float(s as f64 + ns as f64 * 1e-9);
    let nanos = |s: i64, ns: i64| Value::Int(s.saturating_mul(1_000_000_000).saturating_add(ns));
    Ok(Value::tuple(vec![
        Value::Int(md.mode() as i64),
        Value::Int(md.ino() as i64),
        Value::Int(md.dev() as i64),
        Value::Int(md.nlink() as i64),
        Value::Int(md.uid() as i64),
        Value::Int(md.gid() as i64),
        Value::Int(md.size() as i64),
        secs(md.atime(), md.atime_nsec()),
        secs(md.mtime(), md.mtime_nsec()),
        secs(md.ctime(), md.ctime_nsec()),
        nanos(md.atime(), md.atime_nsec()),
        nanos(md.mtime(), md.mtime_nsec()),
        nanos(md.ctime(), md.ctime_nsec()),
    ]))
}

/// `os.utime(path, (atime, mtime))`, or now.
fn utime(a: &Args) -> PyResult {
    let p = write_path(a, 0, "utime")?;
    let f = std::fs::OpenOptions::new().write(true).open(p).or_else(|_| std::fs::File::open(p));
    let f = f.map_err(|e| io_err(e, a))?;
    let times = match a.pos.get(1) {
        Some(Value::Tuple(t)) if t.items.len() == 2 => {
            let secs = |v: &Value| match v {
                Value::Int(n) => Ok(*n as f64),
                Value::Float(x) => Ok(*x),
                other => Err(type_error(format!("an integer or float is required, not {}", type_name(other)))),
            };
            let to_time = |s: f64| std::time::UNIX_EPOCH + std::time::Duration::from_secs_f64(s.max(0.0));
            std::fs::FileTimes::new()
                .set_accessed(to_time(secs(&t.items[0])?))
                .set_modified(to_time(secs(&t.items[1])?))
        }
        _ => {
            let now = std::time::SystemTime::now();
            std::fs::FileTimes::new().set_accessed(now).set_modified(now)
        }
    };
    f.set_times(times).map_err(|e| io_err(e, a))?;
    Ok(Value::None)
}

/// The process environment as a list of (name, value) pairs.
fn environ_items(_a: &Args) -> PyResult {
    capabilities::check_env()?;
    let items = std::env::vars_os()
        .map(|(k, v)| {
            Value::tuple(vec![Value::str(k.to_string_lossy().as_ref()), Value::str(v.to_string_lossy().as_ref())])
        })
        .collect();
    Ok(Value::list(items))
}

fn putenv(a: &Args) -> PyResult {
    check_args(a, "putenv", 2, 2)?;
    let (k, v) = (str_arg(a, 0, "putenv")?, str_arg(a, 1, "putenv")?);
    capabilities::check_env()?;
    if k.is_empty() || k.contains('=') {
        return Err(crate::runtime::exceptions::value_error("illegal environment variable name"));
    }
    if k.contains('\0') || v.contains('\0') {
        return Err(crate::runtime::exceptions::value_error("embedded null byte"));
    }
    std::env::set_var(k, v);
    Ok(Value::None)
}

fn unsetenv(a: &Args) -> PyResult {
    check_args(a, "unsetenv", 1, 1)?;
    let k = str_arg(a, 0, "unsetenv")?;
    capabilities::check_env()?;
    if k.is_empty() || k.contains('=') || k.contains('\0') {
        return Err(crate::runtime::exceptions::value_error("illegal environment variable name"));
    }
    std::env::remove_var(k);
    Ok(Value::None)
}

/// `os.path.realpath` for a path that may not exist: the existing part resolved, the rest
/// appended.
fn realpath(a: &Args) -> PyResult {
    let p = std::path::Path::new(read_path(a, 0, "realpath")?);
    let mut existing = p.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(&existing) {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return Ok(Value::str(out.to_string_lossy().as_ref()));
        }
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return Ok(a.pos[0].clone()),
        }
    }
}

/// `os.open(path, flags, mode=0o777)`: a descriptor the script owns.
fn open_fd(a: &Args) -> PyResult {
    let p = str_arg(a, 0, "open")?;
    let Some(Value::Int(flags)) = a.pos.get(1) else { return Err(type_error("open() flags must be an integer")) };
    let flags_i32 = *flags as i32;
    if flags_i32 & libc::O_ACCMODE != libc::O_WRONLY {
        capabilities::check_read(p)?;
    }
    if flags_i32 & (libc::O_ACCMODE | libc::O_CREAT | libc::O_TRUNC | libc::O_APPEND) != libc::O_RDONLY {
        capabilities::check_write(p)?;
    }
    let mode = match a.pos.get(2) {
        Some(Value::Int(m)) => *m as u32,
        _ => 0o777,
    };
    let path = std::ffi::CString::new(p).map_err(|_| crate::runtime::exceptions::value_error("embedded null byte"))?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    let fd = unsafe { libc::open(path.as_ptr(), (*flags as i32) | libc::O_CLOEXEC, mode) };
    if fd < 0 {
        return Err(io_err(std::io::Error::last_os_error(), a));
    }
    Ok(Value::Int(fd as i64))
}

fn close_fd(a: &Args) -> PyResult {
    let Some(Value::Int(fd)) = a.pos.first() else { return Err(type_error("close() argument must be an integer")) };
    // SAFETY: closing a descriptor number has no memory effects; a descriptor a file object
    // still owns makes that object's later operations fail with EBADF, as in CPython.
    if unsafe { libc::close(*fd as i32) } < 0 {
        return Err(from_io(&std::io::Error::last_os_error(), None));
    }
    Ok(Value::None)
}

/// Copies the contents of one file to another (created or truncated), for shutil.
fn copyfile(a: &Args) -> PyResult {
    let (src, dst) = (read_path(a, 0, "copyfile")?, write_path(a, 1, "copyfile")?);
    let mut from = std::fs::File::open(src).map_err(|e| from_io(&e, Some(a.pos[0].clone())))?;
    let mut to = std::fs::File::create(dst).map_err(|e| from_io(&e, Some(a.pos[1].clone())))?;
    std::io::copy(&mut from, &mut to).map_err(|e| from_io(&e, None))?;
    Ok(Value::None)
}

/// `(total, used, free)` bytes of the file system holding a path.
fn disk_usage(a: &Args) -> PyResult {
    let p = read_path(a, 0, "disk_usage")?;
    let path = std::ffi::CString::new(p).map_err(|_| crate::runtime::exceptions::value_error("embedded null byte"))?;
    // SAFETY: statvfs fills the zeroed struct; `path` is NUL-terminated and outlives the call.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } < 0 {
        return Err(io_err(std::io::Error::last_os_error(), a));
    }
    let frsize = st.f_frsize as i64;
    let total = st.f_blocks as i64 * frsize;
    let free = st.f_bavail as i64 * frsize;
    let used = (st.f_blocks as i64 - st.f_bfree as i64) * frsize;
    Ok(Value::tuple(vec![Value::Int(total), Value::Int(used), Value::Int(free)]))
}

fn getpid(_a: &Args) -> PyResult {
    Ok(Value::Int(std::process::id() as i64))
}

fn cpu_count(_a: &Args) -> PyResult {
    Ok(std::thread::available_parallelism().map(|n| Value::Int(n.get() as i64)).unwrap_or(Value::None))
}

fn isatty(a: &Args) -> PyResult {
    let Some(Value::Int(fd)) = a.pos.first() else { return Err(type_error("isatty() argument must be an int")) };
    use std::io::IsTerminal;
    use std::os::fd::BorrowedFd;
    if !(0..=i32::MAX as i64).contains(fd) {
        return Ok(Value::Bool(false));
    }
    // SAFETY: the borrowed descriptor is only queried, within this call; isatty on a
    // descriptor that is not open answers false.
    let fd = unsafe { BorrowedFd::borrow_raw(*fd as i32) };
    Ok(Value::Bool(fd.is_terminal()))
}

fn strerror(a: &Args) -> PyResult {
    let Some(Value::Int(n)) = a.pos.first() else { return Err(type_error("an integer is required")) };
    Ok(Value::str(crate::runtime::os_error::strerror(*n)))
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("os")));
    let set = |name: &str, v: Value| m.set(intern(name), v);
    set("__name__", Value::str("os"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("getcwd", getcwd),
        ("_chdir", chdir),
        ("_listdir", listdir),
        ("_scandir", scandir),
        ("_mkdir", mkdir),
        ("_rmdir", rmdir),
        ("_remove", remove),
        ("_rename", rename),
        ("_symlink", symlink),
        ("_readlink", readlink),
        ("_chmod", chmod),
        ("_stat", stat),
        ("_utime", utime),
        ("_environ_items", environ_items),
        ("_putenv", putenv),
        ("_unsetenv", unsetenv),
        ("_realpath", realpath),
        ("getpid", getpid),
        ("_open", open_fd),
        ("close", close_fd),
        ("_copyfile", copyfile),
        ("_disk_usage", disk_usage),
        ("cpu_count", cpu_count),
        ("isatty", isatty),
        ("strerror", strerror),
    ];
    for &(name, f) in fns {
        set(name, native(name.trim_start_matches('_'), f));
    }
    let flags: &[(&str, i32)] = &[
        ("O_RDONLY", libc::O_RDONLY),
        ("O_WRONLY", libc::O_WRONLY),
        ("O_RDWR", libc::O_RDWR),
        ("O_APPEND", libc::O_APPEND),
        ("O_CREAT", libc::O_CREAT),
        ("O_EXCL", libc::O_EXCL),
        ("O_TRUNC", libc::O_TRUNC),
        ("O_NOFOLLOW", libc::O_NOFOLLOW),
        ("O_CLOEXEC", libc::O_CLOEXEC),
    ];
    for &(name, v) in flags {
        set(name, Value::Int(v as i64));
    }
    m
}
