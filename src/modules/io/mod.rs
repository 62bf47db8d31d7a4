//! Files and streams: `open()`, the `io` module, and the objects behind `sys.stdin`,
//! `sys.stdout` and `sys.stderr`. A file object is an instance of one of `_io`'s native
//! classes (`TextIOWrapper`, `BufferedReader`, `BufferedWriter`, `BufferedRandom`, `FileIO`,
//! `BytesIO`) carrying a `FileObj`; as in CPython a text file is layered over a buffered
//! one, itself over a `FileIO`. `StringIO` is written in coro (lib.coro).

mod binary;
pub mod codec;
mod construct;
pub mod errors;
pub mod file;
mod methods;
mod open;
pub mod stream;
pub mod streams;

use crate::intern::intern;
use crate::object::class::{Class, Layout};
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::value::Value;
use file::{FileObj, Kind};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

pub use open::open;

/// The coro part of `io`: StringIO.
pub const SOURCE: &str = include_str!("lib.coro");

/// Size of the buffers, as `io.DEFAULT_BUFFER_SIZE` tells scripts.
pub const DEFAULT_BUFFER_SIZE: i64 = 8192;

pub struct Classes {
    pub io_base: Rc<Class>,
    pub raw_io_base: Rc<Class>,
    pub buffered_io_base: Rc<Class>,
    pub text_io_base: Rc<Class>,
    pub text: Rc<Class>,
    pub reader: Rc<Class>,
    pub writer: Rc<Class>,
    pub random: Rc<Class>,
    pub file_io: Rc<Class>,
    pub bytes_io: Rc<Class>,
}

fn class(module: &str, name: &str, bases: Vec<Rc<Class>>, layout: Layout) -> Rc<Class> {
    let mro = crate::object::class::c3_mro(&bases).unwrap_or_default();
    Rc::new(Class::new(intern(name), name.to_string(), intern(module), bases, mro, layout))
}

fn make_classes() -> Classes {
    let object = crate::runtime::types().object.clone();
    let io_base = class("io", "IOBase", vec![object], Layout::Object);
    let abstract_class = |name: &str| class("io", name, vec![io_base.clone()], Layout::Object);
    let (raw_io_base, buffered_io_base, text_io_base) =
        (abstract_class("RawIOBase"), abstract_class("BufferedIOBase"), abstract_class("TextIOBase"));
    let native = |name: &str, base: &Rc<Class>| class("_io", name, vec![base.clone()], Layout::Native);
    let classes = Classes {
        text: native("TextIOWrapper", &text_io_base),
        reader: native("BufferedReader", &buffered_io_base),
        writer: native("BufferedWriter", &buffered_io_base),
        random: native("BufferedRandom", &buffered_io_base),
        file_io: native("FileIO", &raw_io_base),
        bytes_io: native("BytesIO", &buffered_io_base),
        io_base,
        raw_io_base,
        buffered_io_base,
        text_io_base,
    };
    for (c, kind, readable) in [
        (&classes.text, Kind::Text, true),
        (&classes.reader, Kind::Buffered, true),
        (&classes.writer, Kind::Buffered, false),
        (&classes.random, Kind::Buffered, true),
        (&classes.file_io, Kind::Raw, true),
        (&classes.bytes_io, Kind::Bytes, true),
    ] {
        methods::install(c, kind);
        binary::install(c, kind, readable);
        construct::install(c, kind);
        c.settle_attr_rules();
    }
    classes
}

thread_local! {
    static CLASSES: Rc<Classes> = Rc::new(make_classes());
    /// Every file opened, to flush when the interpreter ends.
    static OPEN_FILES: RefCell<Vec<Weak<Instance>>> = const { RefCell::new(Vec::new()) };
}

pub fn classes() -> Rc<Classes> {
    CLASSES.with(|c| c.clone())
}

/// The class of a file object for a file of this kind and access.
fn class_for(kind: Kind, readable: bool, writable: bool) -> Rc<Class> {
    let c = classes();
    match kind {
        Kind::Bytes => c.bytes_io.clone(),
        Kind::Text => c.text.clone(),
        Kind::Raw => c.file_io.clone(),
        Kind::Buffered if readable && writable => c.random.clone(),
        Kind::Buffered if readable => c.reader.clone(),
        Kind::Buffered => c.writer.clone(),
    }
}

/// A file object for `file`, remembered so that the interpreter's end flushes it.
pub fn file_object(file: FileObj) -> Value {
    Value::Instance(file_instance(file))
}

/// `file_object`, as the instance.
pub fn file_instance(file: FileObj) -> Rc<Instance> {
    let mut inst = Instance::new(class_for(file.kind, file.readable, file.writable));
    inst.payload = Payload::Native(RefCell::new(Box::new(file)));
    remember(Rc::new(inst))
}

/// Remembers a file object, for the interpreter's end to flush it.
pub(super) fn remember(inst: Rc<Instance>) -> Rc<Instance> {
    OPEN_FILES.with(|files| {
        let mut files = files.borrow_mut();
        if files.len() >= 64 && files.len().is_power_of_two() {
            files.retain(|w| w.strong_count() > 0);
        }
        files.push(Rc::downgrade(&inst));
    });
    inst
}

/// Writes out what every open file still buffers (at the interpreter's end; errors are
/// lost as CPython's are at exit).
pub fn flush_all() {
    let files: Vec<Rc<Instance>> = OPEN_FILES.with(|f| f.borrow().iter().filter_map(Weak::upgrade).collect());
    // Newest first: a layer is made after the file under it, and writes into it.
    for inst in files.iter().rev() {
        if let Some(mut f) = inst.try_native::<FileObj>() {
            let _ = f.flush_writes();
        }
    }
    crate::runtime::output::flush();
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("io")));
    let set = |name: &str, v: Value| m.set(intern(name), v);
    set("__name__", Value::str("io"));
    let c = classes();
    for (name, class) in [
        ("IOBase", &c.io_base),
        ("RawIOBase", &c.raw_io_base),
        ("BufferedIOBase", &c.buffered_io_base),
        ("TextIOBase", &c.text_io_base),
        ("TextIOWrapper", &c.text),
        ("BufferedReader", &c.reader),
        ("BufferedWriter", &c.writer),
        ("BufferedRandom", &c.random),
        ("FileIO", &c.file_io),
        ("BytesIO", &c.bytes_io),
    ] {
        set(name, Value::Class(class.clone()));
    }
    set("UnsupportedOperation", Value::Class(errors::unsupported_class()));
    set("open", crate::runtime::define::native("open", open));
    set("DEFAULT_BUFFER_SIZE", Value::Int(DEFAULT_BUFFER_SIZE));
    for (i, name) in ["SEEK_SET", "SEEK_CUR", "SEEK_END"].iter().enumerate() {
        set(name, Value::Int(i as i64));
    }
    m
}
