//! The `zlib` module: `crc32`, `adler32`, one-shot `compress` / `decompress` (zlib and raw
//! deflate streams, through miniz_oxide) and `zlib.error`. The compressed bytes are a
//! valid zlib stream but not always the same bytes C zlib would write.

use crate::intern::intern;
use crate::modules::binascii::{checksum, crc32, data};
use crate::modules::builtins::index_arg;
use crate::modules::classes::module_exception;
use crate::object::function::{Args, NativeFn};
use crate::object::module::Module;
use crate::runtime::define::native;
use crate::runtime::exceptions::{new_exception, raise, type_error};
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::{Flow, PyResult};
use miniz_oxide::inflate::TINFLStatus;
use std::rc::Rc;

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("zlib")));
    m.set(intern("__name__"), Value::str("zlib"));
    m.set(intern("error"), Value::Class(module_exception("zlib", "error", ExcType::Exception)));
    for (name, v) in [
        ("MAX_WBITS", 15),
        ("DEFLATED", 8),
        ("DEF_MEM_LEVEL", 8),
        ("DEF_BUF_SIZE", 16384),
        ("Z_DEFAULT_COMPRESSION", -1),
        ("Z_NO_COMPRESSION", 0),
        ("Z_BEST_SPEED", 1),
        ("Z_BEST_COMPRESSION", 9),
    ] {
        m.set(intern(name), Value::Int(v));
    }
    m.set(intern("ZLIB_VERSION"), Value::str("1.2.13"));
    let fns: &[(&'static str, NativeFn)] = &[
        ("crc32", |a| checksum(a, "crc32", 0, |d, v| crc32(d, v as u32) as i64)),
        ("adler32", |a| checksum(a, "adler32", 1, |d, v| adler32(d, v as u32) as i64)),
        ("compress", compress),
        ("decompress", decompress),
    ];
    for &(name, f) in fns {
        m.set(intern(name), native(name, f));
    }
    m
}

fn error(msg: impl Into<String>) -> Flow {
    let class = module_exception("zlib", "error", ExcType::Exception);
    Flow::Raise(new_exception(&class, vec![Value::str(msg.into())]))
}

fn adler32(d: &[u8], value: u32) -> u32 {
    let (mut a, mut b) = (value & 0xffff, value >> 16);
    for chunk in d.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    b << 16 | a
}

fn int_param(a: &Args, i: usize, name: &str, default: i64) -> PyResult<i64> {
    match a.pos.get(i).cloned().or_else(|| crate::runtime::args::kwarg(a, name)) {
        Some(v) => index_arg(&v),
        None => Ok(default),
    }
}

/// Whether `wbits` asks for a zlib stream (9..15) or raw deflate (-15..-9); the gzip forms
/// are not built.
fn zlib_header(wbits: i64) -> PyResult<bool> {
    match wbits {
        9..=15 | 0 => Ok(true),
        -15..=-9 => Ok(false),
        25..=31 | 40..=47 => {
            Err(raise(ExcType::NotImplementedError, "zlib: gzip streams (wbits 16 + n) are not supported"))
        }
        _ => Err(raise(ExcType::ValueError, "Invalid initialization option")),
    }
}

fn compress(a: &Args) -> PyResult {
    let d = data(a.pos.first().ok_or_else(|| type_error("compress() missing required argument 'data' (pos 1)"))?)?;
    let level = int_param(a, 1, "level", -1)?;
    if !(-1..=9).contains(&level) {
        return Err(error("Bad compression level"));
    }
    let level = if level == -1 { 6 } else { level as u8 };
    Ok(Value::bytes(if zlib_header(int_param(a, 2, "wbits", 15)?)? {
        miniz_oxide::deflate::compress_to_vec_zlib(&d, level)
    } else {
        miniz_oxide::deflate::compress_to_vec(&d, level)
    }))
}

fn decompress(a: &Args) -> PyResult {
    let d = data(a.pos.first().ok_or_else(|| type_error("decompress() missing required argument 'data' (pos 1)"))?)?;
    let result = if zlib_header(int_param(a, 1, "wbits", 15)?)? {
        miniz_oxide::inflate::decompress_to_vec_zlib(&d)
    } else {
        miniz_oxide::inflate::decompress_to_vec(&d)
    };
    result.map(Value::bytes).map_err(|e| {
        let (code, what) = match e.status {
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                (-5, "incomplete or truncated stream")
            }
            TINFLStatus::Adler32Mismatch => (-3, "incorrect data check"),
            _ if d.len() >= 2 && (u16::from(d[0]) << 8 | u16::from(d[1])) % 31 != 0 => (-3, "incorrect header check"),
            _ => (-3, "invalid stored block lengths"),
        };
        error(format!("Error {} while decompressing data: {}", code, what))
    })
}
