//! Weak references, as the runtime keeps them for the `weakref` module.
//!
//! A weak reference holds an `std::rc::Weak` to its referent, so it can tell the referent
//! died without any bookkeeping. What needs the referent's death to be noticed (callbacks,
//! `getweakrefcount`) goes through a per-thread registry keyed by the referent's address.
//! Only instances and classes notify it, from their `Drop`, and only those of a class
//! flagged `weakly_referenced`: objects of classes never weakly referenced pay one flag test.
//!
//! Callbacks cannot run inside `Drop` (no script code runs there): they are queued, and the
//! VM runs them before the next call it makes through its general call path (see
//! `vm::call`), which in practice is the next statement that does anything.

use crate::object::class::Class;
use crate::object::function::Function;
use crate::object::instance::Instance;
use crate::object::set::PySet;
use crate::object::Generator;
use crate::runtime::exceptions::type_error;
use crate::runtime::type_name;
use crate::value::Value;
use crate::vm::PyResult;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// What a weak reference points at: a weakly-referenceable object, without owning it.
#[derive(Clone)]
pub enum WeakTarget {
    Instance(Weak<Instance>),
    Function(Weak<Function>),
    Class(Weak<Class>),
    Set(Weak<PySet>),
    Generator(Weak<Generator>),
}

impl WeakTarget {
    /// The referent, while it lives.
    pub fn upgrade(&self) -> Option<Value> {
        match self {
            WeakTarget::Instance(w) => w.upgrade().map(Value::Instance),
            WeakTarget::Function(w) => w.upgrade().map(Value::Function),
            WeakTarget::Class(w) => w.upgrade().map(Value::Class),
            WeakTarget::Set(w) => w.upgrade().map(Value::Set),
            WeakTarget::Generator(w) => w.upgrade().map(Value::Generator),
        }
    }

    /// The referent's address (its `id()`), kept valid by the `Weak` after it dies.
    pub fn addr(&self) -> usize {
        match self {
            WeakTarget::Instance(w) => w.as_ptr() as *const u8 as usize,
            WeakTarget::Function(w) => w.as_ptr() as *const u8 as usize,
            WeakTarget::Class(w) => w.as_ptr() as *const u8 as usize,
            WeakTarget::Set(w) => w.as_ptr() as *const u8 as usize,
            WeakTarget::Generator(w) => w.as_ptr() as *const u8 as usize,
        }
    }

    /// Whether the referent's death is noticed, so callbacks can be called at it.
    pub fn notifies(&self) -> bool {
        matches!(self, WeakTarget::Instance(_) | WeakTarget::Class(_))
    }
}

/// A weak reference to `v`, or CPython's `TypeError` for a type that has none (ints,
/// strings, tuples, lists, dicts, plain `object()`s, instances of classes whose
/// `__slots__` leave out `__weakref__`).
pub fn downgrade(v: &Value) -> PyResult<WeakTarget> {
    let refused = || type_error(format!("cannot create weak reference to '{}' object", type_name(v)));
    Ok(match v {
        Value::Instance(i) => {
            let t = crate::runtime::types();
            let slotted =
                i.class.fixed_attrs.as_ref().is_some_and(|names| !names.iter().any(|n| n.as_str() == "__weakref__"));
            if Rc::ptr_eq(&i.class, &t.object) || slotted {
                return Err(refused());
            }
            i.class.weakly_referenced.set(true);
            WeakTarget::Instance(Rc::downgrade(i))
        }
        Value::Function(f) => WeakTarget::Function(Rc::downgrade(f)),
        Value::Class(c) => {
            c.weakly_referenced.set(true);
            WeakTarget::Class(Rc::downgrade(c))
        }
        Value::Set(s) => WeakTarget::Set(Rc::downgrade(s)),
        Value::Generator(g) => WeakTarget::Generator(Rc::downgrade(g)),
        _ => return Err(refused()),
    })
}

/// An object watching a referent: a weak reference or proxy, and its callback (None for
/// none). The watcher is held weakly: a weak reference that dies first is not called back.
struct Watcher {
    watcher: Weak<Instance>,
    callback: Value,
}

thread_local! {
    static WATCHERS: RefCell<FxHashMap<usize, Vec<Watcher>>> = RefCell::default();
    /// Callbacks of referents that died, with the weak reference each is called with.
    static DUE: RefCell<Vec<(Value, Value)>> = const { RefCell::new(Vec::new()) };
    static ANY_DUE: Cell<bool> = const { Cell::new(false) };
}

/// Records `watcher` as a weak reference to the referent at `addr`, to be called back with
/// `callback` (unless None) when the referent dies.
pub fn watch(addr: usize, watcher: &Rc<Instance>, callback: Value) {
    let stale: Vec<Watcher> = WATCHERS.with(|w| {
        let mut w = w.borrow_mut();
        let list = w.entry(addr).or_default();
        // Weak references that died before their referent leave their entries behind.
        let (live, stale) = std::mem::take(list).into_iter().partition(|x| x.watcher.strong_count() > 0);
        *list = live;
        list.push(Watcher { watcher: Rc::downgrade(watcher), callback });
        stale
    });
    // Dropped with the registry released: a callback may hold the last reference to an
    // object that is itself weakly referenced.
    drop(stale);
}

/// The live weak references (and proxies) to the referent at `addr`, oldest first, with
/// whether each has a callback.
pub fn watchers(addr: usize) -> Vec<(Rc<Instance>, bool)> {
    WATCHERS.with(|w| {
        let w = w.borrow();
        let Some(list) = w.get(&addr) else { return Vec::new() };
        list.iter().filter_map(|x| Some((x.watcher.upgrade()?, !matches!(x.callback, Value::None)))).collect()
    })
}

/// Called as an instance of a weakly referenced class (or such a class) is dropped, at
/// `addr`: queues the
/// callbacks of the weak references to it that still live.
#[cold]
pub fn object_died(addr: usize) {
    let Some(list) = WATCHERS.with(|w| w.borrow_mut().remove(&addr)) else { return };
    let mut due: Vec<(Value, Value)> = Vec::new();
    // CPython calls the newest weak reference's callback first.
    for x in list.into_iter().rev() {
        if let (false, Some(w)) = (matches!(x.callback, Value::None), x.watcher.upgrade()) {
            due.push((x.callback, Value::Instance(w)));
        }
    }
    if !due.is_empty() {
        DUE.with(|d| d.borrow_mut().extend(due));
        ANY_DUE.with(|a| a.set(true));
    }
}

/// Whether callbacks wait to be called: checked by the VM before each general call.
#[inline(always)]
pub fn callbacks_due() -> bool {
    ANY_DUE.with(|a| a.get())
}

/// The waiting callbacks, each with the weak reference to call it with, leaving none.
pub fn take_due() -> Vec<(Value, Value)> {
    ANY_DUE.with(|a| a.set(false));
    DUE.with(|d| std::mem::take(&mut *d.borrow_mut()))
}
