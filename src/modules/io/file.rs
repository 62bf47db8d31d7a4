//! An open file's state, independent of the objects scripts see: the stream, a read-ahead
//! buffer (raw bytes, and for text files the decoded text not yet returned), a write buffer
//! flushed on close, on drop and when the interpreter ends, and newline translation.

use super::codec::{self, Codec, Errors};
use crate::value::Value;
use std::io::{Read, Seek, SeekFrom, Write};

/// How much is read from the stream at a time, and written once buffered.
const CHUNK: usize = 1 << 16;

pub enum Stream {
    File(std::fs::File),
    Stdin,
    Stdout,
    Stderr,
}

impl Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::File(f) => f.read(buf),
            Stream::Stdin => std::io::stdin().lock().read(buf),
            Stream::Stdout | Stream::Stderr => Err(std::io::Error::from_raw_os_error(9)),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::File(f) => f.write_all(bytes),
            Stream::Stdout => crate::runtime::output::write_bytes(bytes),
            Stream::Stderr => crate::runtime::output::write_err_bytes(bytes),
            Stream::Stdin => Err(std::io::Error::from_raw_os_error(9)),
        }
    }

    pub fn fd(&self) -> i32 {
        use std::os::fd::AsRawFd;
        match self {
            Stream::File(f) => f.as_raw_fd(),
            Stream::Stdin => 0,
            Stream::Stdout => 1,
            Stream::Stderr => 2,
        }
    }

    pub fn is_tty(&self) -> bool {
        use std::io::IsTerminal;
        match self {
            Stream::File(f) => f.is_terminal(),
            Stream::Stdin => std::io::stdin().is_terminal(),
            Stream::Stdout => std::io::stdout().is_terminal(),
            Stream::Stderr => std::io::stderr().is_terminal(),
        }
    }

    pub fn seekable(&mut self) -> bool {
        match self {
            Stream::File(f) => f.stream_position().is_ok(),
            _ => false,
        }
    }
}

/// Which object a file is: `open()`'s text wrapper, a buffered binary file, or `FileIO`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Buffered,
    Raw,
}

/// `newline=`: which line endings end lines on reading, and what `\n` becomes on writing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Newline {
    /// None: `\n`, `\r\n` and `\r` end lines and read as `\n`.
    Universal,
    /// `''`: all three end lines, and read as they are.
    Untranslated,
    Lf,
    Cr,
    CrLf,
}

impl Newline {
    /// What `\n` is written as.
    fn written(self) -> Option<&'static str> {
        match self {
            Newline::Cr => Some("\r"),
            Newline::CrLf => Some("\r\n"),
            _ => None,
        }
    }
}

/// A failed file operation, turned into a Python exception by the caller.
pub enum FileError {
    Io(std::io::Error),
    Decode(codec::DecodeError),
    Raised(crate::vm::Flow),
}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> FileError {
        FileError::Io(e)
    }
}

pub type FileResult<T> = Result<T, FileError>;

pub struct FileObj {
    /// None once closed.
    pub stream: Option<Stream>,
    /// Whether closing closes the descriptor (`closefd=`).
    pub closefd: bool,
    pub name: Value,
    pub mode: String,
    pub kind: Kind,
    pub readable: bool,
    pub writable: bool,
    pub codec: Codec,
    pub errors: Errors,
    /// The encoding as `f.encoding` shows it.
    pub encoding: String,
    pub newline: Newline,
    /// Read ahead from the stream and not yet used.
    raw: Vec<u8>,
    raw_pos: usize,
    eof: bool,
    /// Decoded from `raw` and not yet returned (line endings as in the file).
    text: String,
    text_pos: usize,
    /// Bytes decoded since the last seek, for the positions of decode errors.
    decoded: usize,
    /// A text file in `utf-8-sig` that has not yet looked for (or written) its mark.
    bom_pending: bool,
    wbuf: Vec<u8>,
}

impl FileObj {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        stream: Stream,
        name: Value,
        mode: String,
        kind: Kind,
        readable: bool,
        writable: bool,
        codec: Codec,
        errors: Errors,
        encoding: String,
        newline: Newline,
    ) -> FileObj {
        FileObj {
            stream: Some(stream),
            closefd: true,
            name,
            mode,
            kind,
            readable,
            writable,
            codec,
            errors,
            encoding,
            newline,
            raw: Vec::new(),
            raw_pos: 0,
            eof: false,
            text: String::new(),
            text_pos: 0,
            decoded: 0,
            bom_pending: codec == Codec::Utf8Sig,
            wbuf: Vec::new(),
        }
    }

    pub fn closed(&self) -> bool {
        self.stream.is_none()
    }

    fn stream(&mut self) -> FileResult<&mut Stream> {
        self.stream.as_mut().ok_or_else(|| FileError::Raised(super::errors::closed_file()))
    }

    // ---- reading ----

    /// Reads the next chunk onto `raw`; false at the end of the stream.
    fn fill_raw(&mut self) -> FileResult<bool> {
        if self.eof {
            return Ok(false);
        }
        self.flush_writes()?;
        if self.raw_pos > 0 {
            self.raw.drain(..self.raw_pos);
            self.raw_pos = 0;
        }
        let start = self.raw.len();
        self.raw.resize(start + CHUNK, 0);
        let got = loop {
            let stream = self.stream.as_mut().ok_or_else(|| FileError::Raised(super::errors::closed_file()))?;
            match stream.read(&mut self.raw[start..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let n = match got {
            Ok(n) => n,
            Err(e) => {
                self.raw.truncate(start);
                return Err(e.into());
            }
        };
        self.raw.truncate(start + n);
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Decodes another chunk onto `text`; false at the end of the stream.
    fn fill_text(&mut self) -> FileResult<bool> {
        if self.text_pos > 0 {
            self.text.drain(..self.text_pos);
            self.text_pos = 0;
        }
        loop {
            let more = self.fill_raw()?;
            if self.bom_pending && (self.raw.len() - self.raw_pos >= 3 || !more) {
                if self.raw[self.raw_pos..].starts_with(b"\xEF\xBB\xBF") {
                    self.raw_pos += 3;
                    self.decoded += 3;
                }
                self.bom_pending = false;
            }
            let before = self.text.len();
            let pending = &self.raw[self.raw_pos..];
            let used = codec::decode(self.codec, self.errors, pending, !more, self.decoded, &mut self.text)
                .map_err(FileError::Decode)?;
            self.raw_pos += used;
            self.decoded += used;
            if self.text.len() > before || !more {
                return Ok(self.text.len() > before);
            }
        }
    }

    /// The next line (up to `limit` characters), with its ending as `newline=` says.
    pub fn read_line(&mut self, limit: Option<usize>) -> FileResult<String> {
        let mut scanned = 0;
        let (end, translate) = loop {
            let rest = &self.text.as_bytes()[self.text_pos..];
            if let Some(limit) = limit {
                // A limit in characters is at most 4 bytes each: stop scanning past that.
                if scanned > limit * 4 {
                    break (rest.len(), false);
                }
            }
            let found = match self.newline {
                Newline::Universal | Newline::Untranslated => memchr::memchr2(b'\n', b'\r', &rest[scanned..]),
                Newline::Lf => memchr::memchr(b'\n', &rest[scanned..]),
                Newline::Cr => memchr::memchr(b'\r', &rest[scanned..]),
                Newline::CrLf => memchr::memmem::find(&rest[scanned..], b"\r\n"),
            }
            .map(|i| i + scanned);
            match found {
                Some(i) if rest[i] == b'\n' && self.newline != Newline::CrLf => break (i + 1, false),
                Some(i) if self.newline == Newline::CrLf => break (i + 2, false),
                Some(i) if self.newline == Newline::Cr => break (i + 1, false),
                Some(i) if i + 1 < rest.len() => {
                    let end = if rest[i + 1] == b'\n' { i + 2 } else { i + 1 };
                    break (end, self.newline == Newline::Universal);
                }
                Some(i) if self.eof => break (i + 1, self.newline == Newline::Universal),
                Some(i) => scanned = i,
                None => {
                    let len = rest.len();
                    if self.eof {
                        break (len, false);
                    }
                    scanned = if self.newline == Newline::CrLf { len.saturating_sub(1) } else { len };
                }
            }
            self.fill_text()?;
        };
        let rest = &self.text[self.text_pos..];
        let mut line = &rest[..end];
        if let Some(limit) = limit {
            if let Some((cut, _)) = line.char_indices().nth(limit) {
                line = &line[..cut];
                let n = line.len();
                self.text_pos += n;
                return Ok(self.text[self.text_pos - n..self.text_pos].to_string());
            }
        }
        let out = if translate {
            let body = line.trim_end_matches(['\r', '\n']);
            let mut s = String::with_capacity(body.len() + 1);
            s.push_str(body);
            s.push('\n');
            s
        } else {
            line.to_string()
        };
        self.text_pos += end;
        Ok(out)
    }

    /// `read(n)` of a text file: `n` characters, or all that is left.
    pub fn read_text(&mut self, n: Option<usize>) -> FileResult<String> {
        match n {
            None => {
                while self.fill_text()? {}
                let rest = &self.text[self.text_pos..];
                let out = if self.newline == Newline::Universal && rest.contains('\r') {
                    rest.replace("\r\n", "\n").replace('\r', "\n")
                } else {
                    rest.to_string()
                };
                self.text_pos = self.text.len();
                Ok(out)
            }
            Some(n) => {
                // Enough characters for `n` and one more, so a `\r\n` is never split.
                while self.text[self.text_pos..].chars().take(n + 1).count() <= n && self.fill_text()? {}
                let mut out = String::new();
                let mut count = 0;
                let mut chars = self.text[self.text_pos..].char_indices().peekable();
                let mut used = 0;
                while count < n {
                    let Some((i, c)) = chars.next() else { break };
                    used = i + c.len_utf8();
                    if c == '\r' && self.newline == Newline::Universal {
                        if let Some(&(j, '\n')) = chars.peek() {
                            chars.next();
                            used = j + 1;
                        }
                        out.push('\n');
                    } else {
                        out.push(c);
                    }
                    count += 1;
                }
                self.text_pos += used;
                Ok(out)
            }
        }
    }

    /// `read(n)` of a binary file: `n` bytes, or all that is left.
    pub fn read_bytes(&mut self, n: Option<usize>) -> FileResult<Vec<u8>> {
        match n {
            None => {
                while self.fill_raw()? {}
                let out = self.raw[self.raw_pos..].to_vec();
                self.raw_pos = self.raw.len();
                Ok(out)
            }
            Some(n) => {
                while self.raw.len() - self.raw_pos < n && self.fill_raw()? {
                    if self.kind == Kind::Raw {
                        break;
                    }
                }
                let take = n.min(self.raw.len() - self.raw_pos);
                let out = self.raw[self.raw_pos..self.raw_pos + take].to_vec();
                self.raw_pos += take;
                Ok(out)
            }
        }
    }

    /// The next line of a binary file (ending at `\n`), up to `limit` bytes.
    pub fn read_line_bytes(&mut self, limit: Option<usize>) -> FileResult<Vec<u8>> {
        let mut scanned = 0;
        let end = loop {
            let rest = &self.raw[self.raw_pos..];
            if let Some(i) = memchr::memchr(b'\n', &rest[scanned..]) {
                break scanned + i + 1;
            }
            let len = rest.len();
            if limit.is_some_and(|l| len >= l) || !self.fill_raw()? {
                break self.raw.len() - self.raw_pos;
            }
            scanned = len;
        };
        let end = limit.map_or(end, |l| end.min(l));
        let out = self.raw[self.raw_pos..self.raw_pos + end].to_vec();
        self.raw_pos += end;
        Ok(out)
    }

    // ---- writing ----

    /// Writes text: newline translation, encoding, buffering. Returns the characters taken.
    pub fn write_text(&mut self, s: &str) -> FileResult<()> {
        self.drop_read_ahead()?;
        if self.bom_pending {
            self.bom_pending = false;
            if self.position()? == 0 {
                self.wbuf.extend_from_slice(b"\xEF\xBB\xBF");
            }
        }
        let translated;
        let s = match self.newline.written() {
            Some(nl) if s.contains('\n') => {
                translated = s.replace('\n', nl);
                translated.as_str()
            }
            _ => s,
        };
        if matches!(self.stream, Some(Stream::Stdout | Stream::Stderr)) {
            let mut bytes = Vec::new();
            codec::encode(self.codec, self.errors, s, &mut bytes).map_err(FileError::Raised)?;
            return Ok(self.stream()?.write_all(&bytes)?);
        }
        let mut bytes = std::mem::take(&mut self.wbuf);
        let r = codec::encode(self.codec, self.errors, s, &mut bytes);
        self.wbuf = bytes;
        r.map_err(FileError::Raised)?;
        if self.wbuf.len() >= CHUNK {
            self.flush_writes()?;
        }
        Ok(())
    }

    /// Writes bytes (buffered unless the file is unbuffered).
    pub fn write_bytes(&mut self, b: &[u8]) -> FileResult<()> {
        self.drop_read_ahead()?;
        self.wbuf.extend_from_slice(b);
        if self.wbuf.len() >= CHUNK || self.kind == Kind::Raw {
            self.flush_writes()?;
        }
        Ok(())
    }

    /// Writes out the write buffer.
    pub fn flush_writes(&mut self) -> FileResult<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.wbuf);
        self.stream()?.write_all(&buf)?;
        Ok(())
    }

    /// Before writing where reading left off: moves the stream back over what was read ahead.
    fn drop_read_ahead(&mut self) -> FileResult<()> {
        let ahead = self.read_ahead();
        if ahead > 0 {
            if let Some(Stream::File(f)) = &mut self.stream {
                f.seek(SeekFrom::Current(-(ahead as i64)))?;
            }
        }
        self.clear_read_ahead();
        Ok(())
    }

    fn clear_read_ahead(&mut self) {
        self.raw.clear();
        self.raw_pos = 0;
        self.text.clear();
        self.text_pos = 0;
        self.eof = false;
    }

    /// Bytes read from the stream that the reader has not used yet.
    fn read_ahead(&self) -> usize {
        (self.raw.len() - self.raw_pos) + self.codec.encoded_len(&self.text[self.text_pos..])
    }

    // ---- positions ----

    /// The position of the next read or write, in bytes from the start.
    pub fn position(&mut self) -> FileResult<u64> {
        let ahead = self.read_ahead() as u64;
        let buffered = self.wbuf.len() as u64;
        let pos = match self.stream()? {
            Stream::File(f) => f.stream_position()?,
            _ => return Err(FileError::Io(std::io::Error::from_raw_os_error(29))),
        };
        Ok(pos + buffered - ahead)
    }

    /// Moves to `pos` (from the start, the current position or the end, as `whence`).
    pub fn seek(&mut self, pos: SeekFrom) -> FileResult<u64> {
        let pos = match pos {
            SeekFrom::Current(n) => SeekFrom::Start((self.position()? as i64 + n).max(-1) as u64),
            other => other,
        };
        self.flush_writes()?;
        self.clear_read_ahead();
        self.decoded = 0;
        let at = match self.stream()? {
            Stream::File(f) => f.seek(pos)?,
            _ => return Err(FileError::Io(std::io::Error::from_raw_os_error(29))),
        };
        if self.codec == Codec::Utf8Sig && at == 0 {
            self.bom_pending = true;
        }
        Ok(at)
    }

    /// Cuts the file to `size` bytes (or at the current position), staying where it was.
    pub fn truncate(&mut self, size: Option<u64>) -> FileResult<u64> {
        let here = self.position()?;
        self.seek(SeekFrom::Start(here))?;
        let size = size.unwrap_or(here);
        match self.stream()? {
            Stream::File(f) => f.set_len(size)?,
            _ => return Err(FileError::Io(std::io::Error::from_raw_os_error(22))),
        }
        Ok(size)
    }

    /// Flushes and closes; closing again does nothing.
    pub fn close(&mut self) -> FileResult<()> {
        if self.stream.is_none() {
            return Ok(());
        }
        let flushed = self.flush_writes();
        if let Some(Stream::File(f)) = self.stream.take() {
            if !self.closefd {
                use std::os::fd::IntoRawFd;
                let _ = f.into_raw_fd();
            }
        }
        flushed
    }
}

impl Drop for FileObj {
    /// A file dropped unclosed loses nothing it was given.
    fn drop(&mut self) {
        let _ = self.close();
    }
}
