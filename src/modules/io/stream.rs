//! What a file object reads and writes: an OS file, a process stream, the memory of a
//! `BytesIO`, or another file object (the binary buffer under a `TextIOWrapper` or the raw
//! file under a `BufferedReader`). Each answers the same few operations.

use super::file::{FileError, FileObj, FileResult};
use crate::object::instance::Instance;
use crate::runtime::ExcType;
use crate::value::PyBytes;
use std::io::{Read, Seek, SeekFrom, Write};
use std::rc::Rc;

pub enum Stream {
    File(std::fs::File),
    Stdin,
    Stdout,
    Stderr,
    Memory(Memory),
    /// A native file object this one is layered over.
    Buffer(Rc<Instance>),
}

/// A `BytesIO`'s bytes (a bytearray, so that `getbuffer()` views write through) and position.
pub struct Memory {
    pub data: Rc<PyBytes>,
    pub pos: usize,
}

fn bad_fd() -> FileError {
    FileError::Io(std::io::Error::from_raw_os_error(9))
}

fn not_seekable() -> FileError {
    FileError::Io(std::io::Error::from_raw_os_error(29))
}

/// The file object under a layered one; CPython's RuntimeError if it is busy (a layer
/// reached again from inside itself).
pub fn inner(inst: &Instance) -> FileResult<std::cell::RefMut<'_, FileObj>> {
    inst.try_native::<FileObj>().ok_or_else(|| {
        let msg = format!("reentrant call inside <_io.{}>", inst.class.name);
        FileError::Raised(crate::runtime::exceptions::raise(ExcType::RuntimeError, msg))
    })
}

impl Stream {
    /// Reads what is there, up to `buf.len()` bytes; 0 at the end.
    pub fn read(&mut self, buf: &mut [u8]) -> FileResult<usize> {
        loop {
            let got = match self {
                Stream::File(f) => f.read(buf),
                Stream::Stdin => std::io::stdin().lock().read(buf),
                Stream::Stdout | Stream::Stderr => return Err(bad_fd()),
                Stream::Memory(m) => {
                    let data = m.data.data.borrow();
                    // A position past the end reads nothing.
                    let n = buf.len().min(data.len().saturating_sub(m.pos));
                    if n == 0 {
                        return Ok(0);
                    }
                    buf[..n].copy_from_slice(&data[m.pos..m.pos + n]);
                    m.pos += n;
                    return Ok(n);
                }
                Stream::Buffer(inst) => return inner(inst)?.read_some(buf),
            };
            match got {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => return Ok(other?),
            }
        }
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> FileResult<()> {
        match self {
            Stream::File(f) => f.write_all(bytes)?,
            Stream::Stdout => crate::runtime::output::write_bytes(bytes)?,
            Stream::Stderr => crate::runtime::output::write_err_bytes(bytes)?,
            Stream::Stdin => return Err(bad_fd()),
            Stream::Memory(m) => {
                let mut data = m.data.data.borrow_mut();
                if m.pos > data.len() {
                    data.resize(m.pos, 0);
                }
                let overlap = bytes.len().min(data.len() - m.pos);
                data[m.pos..m.pos + overlap].copy_from_slice(&bytes[..overlap]);
                data.extend_from_slice(&bytes[overlap..]);
                m.pos += bytes.len();
            }
            Stream::Buffer(inst) => inner(inst)?.write_bytes(bytes)?,
        }
        Ok(())
    }

    /// Pushes written data on to the OS (what `flush()` does below a layer's own buffer).
    pub fn flush(&mut self) -> FileResult<()> {
        match self {
            Stream::Stdout => crate::runtime::output::flush(),
            Stream::Buffer(inst) => inner(inst)?.flush()?,
            _ => {}
        }
        Ok(())
    }

    pub fn position(&mut self) -> FileResult<u64> {
        match self {
            Stream::File(f) => Ok(f.stream_position()?),
            Stream::Memory(m) => Ok(m.pos as u64),
            Stream::Buffer(inst) => inner(inst)?.position(),
            _ => Err(not_seekable()),
        }
    }

    pub fn seek(&mut self, pos: SeekFrom) -> FileResult<u64> {
        match self {
            Stream::File(f) => Ok(f.seek(pos)?),
            Stream::Memory(m) => {
                let len = m.data.data.borrow().len() as i64;
                let target = match pos {
                    SeekFrom::Start(n) => n as i64,
                    SeekFrom::Current(n) => m.pos as i64 + n,
                    SeekFrom::End(n) => len + n,
                };
                m.pos = target.max(0) as usize;
                Ok(m.pos as u64)
            }
            Stream::Buffer(inst) => inner(inst)?.seek(pos),
            _ => Err(not_seekable()),
        }
    }

    /// Cuts (or for OS files, extends) to `size` bytes.
    pub fn set_len(&mut self, size: u64) -> FileResult<()> {
        match self {
            Stream::File(f) => f.set_len(size)?,
            // A BytesIO never grows by truncating.
            Stream::Memory(m) => m.data.data.borrow_mut().truncate(size as usize),
            Stream::Buffer(inst) => {
                inner(inst)?.truncate(Some(size))?;
            }
            _ => return Err(FileError::Io(std::io::Error::from_raw_os_error(22))),
        }
        Ok(())
    }

    pub fn fd(&self) -> Option<i32> {
        use std::os::fd::AsRawFd;
        match self {
            Stream::File(f) => Some(f.as_raw_fd()),
            Stream::Stdin => Some(0),
            Stream::Stdout => Some(1),
            Stream::Stderr => Some(2),
            Stream::Memory(_) => None,
            Stream::Buffer(inst) => inner(inst).ok()?.stream.as_ref().and_then(Stream::fd),
        }
    }

    pub fn is_tty(&self) -> bool {
        use std::io::IsTerminal;
        match self {
            Stream::File(f) => f.is_terminal(),
            Stream::Stdin => std::io::stdin().is_terminal(),
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
            Stream::Memory(_) => false,
            Stream::Buffer(inst) => inner(inst).is_ok_and(|f| f.stream.as_ref().is_some_and(Stream::is_tty)),
        }
    }

    pub fn seekable(&mut self) -> bool {
        match self {
            Stream::File(f) => f.stream_position().is_ok(),
            Stream::Memory(_) => true,
            Stream::Buffer(inst) => inner(inst).is_ok_and(|mut f| f.stream.as_mut().is_some_and(Stream::seekable)),
            _ => false,
        }
    }

    /// Whether this is the process's stdout or stderr (or a layer over them): writes go
    /// straight to the process's output, so that they keep their order with `print`'s.
    pub fn is_process_output(&self) -> bool {
        match self {
            Stream::Stdout | Stream::Stderr => true,
            Stream::Buffer(inst) => inner(inst).is_ok_and(|f| f.stream.as_ref().is_some_and(Stream::is_process_output)),
            _ => false,
        }
    }

    /// Lets go of the stream: an OS file's descriptor is closed unless `closefd` is false.
    pub fn close(self, closefd: bool) -> FileResult<()> {
        match self {
            Stream::File(f) if !closefd => {
                use std::os::fd::IntoRawFd;
                let _ = f.into_raw_fd();
            }
            Stream::Stdout => crate::runtime::output::flush(),
            Stream::Buffer(under) => Stream::close_layer(&under)?,
            _ => {}
        }
        Ok(())
    }

    /// Closing a layer closes the file under it, as CPython's do.
    pub fn close_layer(under: &Instance) -> FileResult<()> {
        // A file dropped while the one under it is in use elsewhere cannot reach it.
        match under.try_native::<FileObj>() {
            Some(mut f) => f.close(),
            None => Ok(()),
        }
    }
}
