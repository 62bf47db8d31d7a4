//! An open file's state, independent of the objects scripts see: the stream, a read-ahead
//! buffer (raw bytes, and for text files the decoded text not yet returned), a write buffer
//! flushed on close, on drop and when the interpreter ends, and newline translation.

use super::codec::{self, Codec, Errors};
use super::stream::Stream;
use crate::value::Value;
use std::io::SeekFrom;

/// How much is read from the stream at a time, and written once buffered.
const CHUNK: usize = 1 << 16;

/// Which object a file is: a text wrapper, a buffered binary file, `FileIO`, or `BytesIO`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Buffered,
    Raw,
    /// A `BytesIO`: its stream is memory, read and written in place with no buffer.
    Bytes,
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
    /// A text file whose buffer `detach()` took away (its stream is None then).
    pub detached: bool,
    /// Closed, with the file it was layered over kept (closed too) for `buffer` and `raw`.
    closed_layer: bool,
    /// None when the file has no name of its own: a layer over another file shows that
    /// one's name, a `BytesIO` none.
    pub name: Option<Value>,
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
    /// A binary file (or a text one, made so by `set_text`), open on `stream`.
    pub fn new(
        stream: Stream,
        kind: Kind,
        name: Option<Value>,
        mode: String,
        readable: bool,
        writable: bool,
    ) -> FileObj {
        FileObj {
            stream: Some(stream),
            closefd: true,
            detached: false,
            closed_layer: false,
            name,
            mode,
            kind,
            readable,
            writable,
            codec: Codec::Utf8,
            errors: Errors::Strict,
            encoding: String::new(),
            newline: Newline::Lf,
            raw: Vec::new(),
            raw_pos: 0,
            eof: false,
            text: String::new(),
            text_pos: 0,
            decoded: 0,
            bom_pending: false,
            wbuf: Vec::new(),
        }
    }

    /// A file object made by `__new__`, before `__init__` opens it: it acts closed.
    pub fn unopened(kind: Kind) -> FileObj {
        let mut f = FileObj::new(Stream::Stdin, kind, None, String::new(), false, false);
        f.stream = None;
        f
    }

    /// Makes this a text file: how it decodes, encodes and ends lines.
    pub fn set_text(&mut self, codec: Codec, errors: Errors, encoding: String, newline: Newline) {
        self.kind = Kind::Text;
        self.codec = codec;
        self.errors = errors;
        self.encoding = encoding;
        self.newline = newline;
        self.bom_pending = codec == Codec::Utf8Sig;
    }

    pub fn closed(&self) -> bool {
        self.closed_layer || self.stream.is_none()
    }

    fn stream(&mut self) -> FileResult<&mut Stream> {
        match self.stream.as_mut() {
            Some(stream) if !self.closed_layer => Ok(stream),
            _ => Err(FileError::Raised(super::errors::closed_file())),
        }
    }

    /// `detach()`: lets go of the stream without closing it, after writing out the buffer.
    pub fn detach(&mut self) -> FileResult<Option<Stream>> {
        self.flush()?;
        self.clear_read_ahead();
        self.detached = true;
        Ok(self.stream.take())
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
        let got = match self.stream.as_mut() {
            Some(stream) if !self.closed_layer => stream.read(&mut self.raw[start..]),
            _ => Err(FileError::Raised(super::errors::closed_file())),
        };
        let n = got.inspect_err(|_| self.raw.truncate(start))?;
        self.raw.truncate(start + n);
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Reads what is there into `buf` (one read of the stream when nothing is read ahead),
    /// for a file layered over this one.
    pub fn read_some(&mut self, buf: &mut [u8]) -> FileResult<usize> {
        let ahead = self.raw.len() - self.raw_pos;
        if ahead > 0 {
            let n = ahead.min(buf.len());
            buf[..n].copy_from_slice(&self.raw[self.raw_pos..self.raw_pos + n]);
            self.raw_pos += n;
            return Ok(n);
        }
        self.flush_writes()?;
        self.stream()?.read(buf)
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
            // An unbuffered file reads once, as much as the stream gives.
            Some(n) if self.kind == Kind::Raw => self.read1(n),
            Some(n) => {
                while self.raw.len() - self.raw_pos < n && self.fill_raw()? {}
                let take = n.min(self.raw.len() - self.raw_pos);
                let out = self.raw[self.raw_pos..self.raw_pos + take].to_vec();
                self.raw_pos += take;
                Ok(out)
            }
        }
    }

    /// `read1(n)`: up to `n` bytes with at most one read of the stream (none when some are
    /// read ahead already).
    pub fn read1(&mut self, n: usize) -> FileResult<Vec<u8>> {
        let mut out = vec![0; n];
        let got = self.read_some(&mut out)?;
        out.truncate(got);
        Ok(out)
    }

    /// `peek()`: what is read ahead, after reading some if there is none.
    pub fn peek(&mut self) -> FileResult<Vec<u8>> {
        if self.raw_pos == self.raw.len() {
            self.fill_raw()?;
        }
        Ok(self.raw[self.raw_pos..].to_vec())
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
        if self.stream.as_ref().is_some_and(Stream::is_process_output) {
            let mut bytes = Vec::new();
            codec::encode(self.codec, self.errors, s, &mut bytes).map_err(FileError::Raised)?;
            return self.stream()?.write_all(&bytes);
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
        let straight = matches!(self.kind, Kind::Raw | Kind::Bytes) || (self.wbuf.is_empty() && b.len() >= CHUNK);
        if straight || self.stream.as_ref().is_some_and(Stream::is_process_output) {
            return self.stream()?.write_all(b);
        }
        self.wbuf.extend_from_slice(b);
        if self.wbuf.len() >= CHUNK {
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
        let written = self.stream()?.write_all(&buf);
        // The buffer's allocation is kept for the next writes.
        self.wbuf = buf;
        self.wbuf.clear();
        written
    }

    /// `flush()`: the write buffer, then whatever the stream keeps below it.
    pub fn flush(&mut self) -> FileResult<()> {
        self.flush_writes()?;
        self.stream()?.flush()
    }

    /// Before writing where reading left off: moves the stream back over what was read ahead.
    /// A text file, as CPython's, only forgets it: the write lands where the buffer under it
    /// has got to.
    fn drop_read_ahead(&mut self) -> FileResult<()> {
        let ahead = self.read_ahead();
        if ahead > 0 && self.kind != Kind::Text {
            self.stream()?.seek(SeekFrom::Current(-(ahead as i64)))?;
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
        let pos = self.stream()?.position()?;
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
        let at = self.stream()?.seek(pos)?;
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
        self.stream()?.set_len(size)?;
        Ok(size)
    }

    /// Flushes and closes; closing again does nothing.
    pub fn close(&mut self) -> FileResult<()> {
        if self.closed() {
            return Ok(());
        }
        let flushed = self.flush_writes();
        let closed = match self.stream.take() {
            Some(Stream::Buffer(under)) => {
                self.closed_layer = true;
                let closed = Stream::close_layer(&under);
                self.stream = Some(Stream::Buffer(under));
                closed
            }
            Some(stream) => stream.close(self.closefd),
            None => Ok(()),
        };
        flushed.and(closed)
    }
}

impl Drop for FileObj {
    /// A file dropped unclosed loses nothing it was given.
    fn drop(&mut self) {
        let _ = self.close();
    }
}
