//! Calls. The callee and its arguments sit on the fiber's stack; a script function's frame
//! takes its arguments in place as its first locals, so a plain call copies nothing.

use super::frame::{Fiber, Frame, FrameKind, ResumeMode};
use super::native::run_async;
use super::{Flow, PyResult, Vm};
use crate::bytecode::Code;
use crate::intern::{sym, Symbol};
use crate::object::class::{Class, Layout};
use crate::object::dict::PyDict;
use crate::object::function::{Args, Function};
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::object::Generator;
use crate::runtime::exceptions::{self as ex, type_error};
use crate::runtime::type_name;
use crate::runtime::ExcType;
use crate::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// What a call did: produced its value at once, or pushed a frame that will deliver it.
pub enum CallOutcome {
    Done(Value),
    Pushed,
}

impl Vm {
    /// Calls `stack[at]` with the `argc` values above it; the last `kwnames.len()` of them are
    /// keyword arguments. Leaves the stack at `at` when the call is done or fails.
    pub(super) fn call_value(
        &mut self,
        fiber: &mut Fiber,
        at: usize,
        argc: usize,
        kwnames: &[Symbol],
        kind: FrameKind,
    ) -> PyResult<CallOutcome> {
        if crate::runtime::weak::callbacks_due() && matches!(kind, FrameKind::Normal) {
            return call_after_weak_callbacks(fiber, at, kwnames).map(CallOutcome::Done);
        }
        let callee = fiber.stack[at].clone();
        let result = match &callee {
            Value::Function(f) => return self.call_function(fiber, f, at, argc, kwnames, kind),
            Value::Native(n) => call_native(fiber, at, argc, kwnames, |a| (n.func)(a)).map(CallOutcome::Done),
            Value::Wrapper(w) if matches!(**w, crate::object::Wrapper::BuiltinNew { .. }) => {
                let crate::object::Wrapper::BuiltinNew { class, ctor } = &**w else { unreachable!() };
                call_native(fiber, at, argc, kwnames, |a| crate::runtime::type_object::builtin_new(class, *ctor, a))
                    .map(CallOutcome::Done)
            }
            Value::Wrapper(w) if matches!(**w, crate::object::Wrapper::Slot { .. }) => {
                let crate::object::Wrapper::Slot { class, name } = &**w else { unreachable!() };
                call_native(fiber, at, argc, kwnames, |a| crate::runtime::slot_wrappers::call(class, *name, a))
                    .map(CallOutcome::Done)
            }
            Value::BoundMethod(m) => {
                fiber.stack[at] = m.func.clone();
                fiber.stack.insert(at + 1, m.receiver.clone());
                return self.call_value(fiber, at, argc + 1, kwnames, kind);
            }
            Value::Class(c) => return self.call_class(fiber, c, at, argc, kwnames, kind),
            Value::Instance(inst) => match inst.class.lookup(sym::CALL) {
                Some(m) => {
                    fiber.stack[at] = m;
                    fiber.stack.insert(at + 1, callee.clone());
                    return self.call_value(fiber, at, argc + 1, kwnames, kind);
                }
                None => Err(not_callable(&callee)),
            },
            _ => Err(not_callable(&callee)),
        };
        fiber.stack.truncate(at);
        result
    }

    fn call_function(
        &mut self,
        fiber: &mut Fiber,
        f: &Rc<Function>,
        at: usize,
        argc: usize,
        kwnames: &[Symbol],
        kind: FrameKind,
    ) -> PyResult<CallOutcome> {
        let code = &f.code;
        let base = at + 1;
        let positional = kwnames.is_empty() && code.kwonly == 0 && !code.flags.varargs && !code.flags.varkw;
        let mut simple = positional && argc == code.argcount as usize;
        if positional && argc < code.argcount as usize {
            // Trailing parameters left out take their defaults, without the general binder.
            let defaults = f.defaults.borrow();
            let missing = code.argcount as usize - argc;
            if missing <= defaults.len() {
                fiber.stack.extend(defaults[defaults.len() - missing..].iter().cloned());
                simple = true;
            }
        }
        if !simple && !kwnames.is_empty() && bind_keywords_in_place(&mut fiber.stack, f, base, argc, kwnames) {
            simple = true;
        }
        if !simple {
            let args = fiber.stack.split_off(base);
            let npos = argc - kwnames.len();
            let mut pos = args;
            let kwvalues = pos.split_off(npos);
            let kw: Vec<(Symbol, Value)> = kwnames.iter().copied().zip(kwvalues).collect();
            match bind_args(f, pos, kw) {
                Ok(locals) => fiber.stack.extend(locals),
                Err(e) => {
                    fiber.stack.truncate(at);
                    return Err(e);
                }
            }
        }
        if code.flags.is_generator || code.flags.is_coroutine {
            return Ok(CallOutcome::Done(self.generator_from_stack(fiber, f, at)));
        }
        fiber.stack.resize(base + code.nlocals(), Value::Null);
        bind_cells(&mut fiber.stack[base..], f);
        if self.depth >= self.recursion_limit {
            fiber.stack.truncate(at);
            return Err(ex::raise(ExcType::RecursionError, "maximum recursion depth exceeded"));
        }
        // A call is a step (see `limits`).
        self.fuel -= 1;
        if self.fuel == 0 {
            if let Err(flow) = self.refuel() {
                fiber.stack.truncate(at);
                return Err(flow);
            }
        }
        self.depth += 1;
        fiber.frames.push(Frame {
            code: code.clone(),
            ip: 0,
            base,
            ret_sp: at,
            globals: f.globals.clone(),
            kind,
            native: None,
        });
        Ok(CallOutcome::Pushed)
    }

    /// The generator or coroutine object of a call of `f`, whose locals (arguments bound)
    /// are on the stack above `stack[at]`: they move to a fiber of the generator's own, and
    /// the stack is left at `at`.
    #[inline]
    fn generator_from_stack(&mut self, fiber: &mut Fiber, f: &Rc<Function>, at: usize) -> Value {
        let code = &f.code;
        let mut own = self.fibers.take(code.nlocals() + SPARE_SLOTS);
        own.stack.extend(fiber.stack.drain(at + 1..));
        own.stack.resize(code.nlocals(), Value::Null);
        if !code.cells.is_empty() || !code.freevars.is_empty() {
            bind_cells(&mut own.stack, f);
        }
        fiber.stack.truncate(at);
        let caller = fiber
            .frames
            .last()
            .filter(|fr| fr.native.is_none())
            .map(|fr| (fr.code.clone(), fr.ip.saturating_sub(1) as u32));
        make_generator(f, own, caller)
    }

    /// Calls the generator or coroutine function at `stack[at]` if it takes exactly the
    /// `argc` positional arguments above it, without the general call: the new object
    /// replaces callee and arguments. False (nothing changed) for any other callee.
    #[inline(always)]
    pub(super) fn make_generator_simply(&mut self, fiber: &mut Fiber, at: usize, argc: usize) -> bool {
        let Value::Function(f) = &fiber.stack[at] else { return false };
        if !f.code.flags.simple_generator || argc != f.code.argcount as usize {
            return false;
        }
        let f = f.clone();
        let gen = self.generator_from_stack(fiber, &f, at);
        fiber.stack.push(gen);
        true
    }

    /// Whether a call of `f` with `argc` positional arguments can enter its frame directly.
    #[inline(always)]
    pub(super) fn enters_simply(&self, f: &Function, argc: usize) -> bool {
        f.code.flags.simple_call
            && argc == f.code.argcount as usize
            && self.depth < self.recursion_limit
            && self.fuel > 1
    }

    /// Runs `limits::refuel` when the step countdown is out: `Err` is the limit (or Ctrl-C)
    /// to raise. The countdown never stays at 0, so the next step checks again.
    #[cold]
    #[inline(never)]
    pub(super) fn refuel(&mut self) -> PyResult<()> {
        let r = crate::limits::refuel();
        self.fuel = *r.as_ref().unwrap_or(&1);
        r.map(|_| ())
    }

    /// For a call of the plain class at `stack[at]` whose `__init__` is a script function
    /// that `enters_simply`: makes the instance and puts `__init__` and it in the callee's
    /// place, and returns it. Otherwise changes nothing. The calling instruction caches
    /// `__init__` as `LoadMethod`s cache methods.
    pub(super) fn prepare_init(&self, fiber: &mut Fiber, at: usize, argc: usize) -> Option<Rc<Instance>> {
        let Value::Class(c) = &fiber.stack[at] else { return None };
        if c.layout != Layout::Object || c.custom_call.get() {
            return None;
        }
        let caller = fiber.frames.last()?;
        let call_at = caller.ip.checked_sub(1)?;
        let init = match caller.code.cached_method(call_at, c) {
            Some(init) => init,
            None => {
                let init = c.lookup(sym::INIT)?;
                caller.code.cache_method(call_at, c, &init);
                init
            }
        };
        let Value::Function(f) = &init else { return None };
        if !self.enters_simply(f, argc + 1) {
            return None;
        }
        let instance = Rc::new(Instance::new(c.clone()));
        fiber.stack[at] = init;
        fiber.stack.insert(at + 1, Value::Instance(instance.clone()));
        Some(instance)
    }

    fn call_class(
        &mut self,
        fiber: &mut Fiber,
        c: &Rc<Class>,
        at: usize,
        argc: usize,
        kwnames: &[Symbol],
        kind: FrameKind,
    ) -> PyResult<CallOutcome> {
        if c.custom_call.get() {
            // A metaclass's own `__call__` decides what calling the class does.
            if let Some(call) = c.metaclass.as_ref().and_then(|m| m.lookup(sym::CALL)).filter(|f| !is_type_call(f)) {
                fiber.stack[at] = call;
                fiber.stack.insert(at + 1, Value::Class(c.clone()));
                return self.call_value(fiber, at, argc + 1, kwnames, kind);
            }
            let npos = argc - kwnames.len();
            let args = fiber.stack[at + 1..at + 1 + npos].to_vec();
            let kw: Vec<(Symbol, Value)> =
                kwnames.iter().copied().zip(fiber.stack[at + 1 + npos..at + 1 + argc].iter().cloned()).collect();
            fiber.stack.truncate(at);
            let c = c.clone();
            return run_async(|ctx| async move { crate::runtime::type_object::instantiate(&ctx, c, args, kw).await })
                .map(CallOutcome::Done);
        }
        if c.layout == Layout::Builtin {
            let r = match c.lookup(sym::NEW) {
                // A builtin type whose constructor is a plain native (`slice`, `memoryview`,
                // library types such as `struct.Struct`) takes the arguments as they are.
                Some(ctor @ Value::Native(_)) => {
                    fiber.stack[at] = ctor;
                    return self.call_value(fiber, at, argc, kwnames, kind);
                }
                Some(Value::Wrapper(w)) => match &*w {
                    crate::object::Wrapper::BuiltinNew { ctor, .. } => call_native(fiber, at, argc, kwnames, ctor),
                    _ => Err(type_error(format!("cannot create '{}' instances", c.name))),
                },
                _ => Err(type_error(format!("cannot create '{}' instances", c.name))),
            };
            fiber.stack.truncate(at);
            return r.map(CallOutcome::Done);
        }
        let builtin_new = match c.lookup(sym::NEW) {
            Some(Value::Wrapper(w)) => match &*w {
                crate::object::Wrapper::BuiltinNew { ctor, .. } => Some(*ctor),
                _ => None,
            },
            _ => None,
        };
        if let (Layout::Native, Some(ctor)) = (c.layout, builtin_new) {
            // A runtime type with a builtin constructor (`memoryview`, `struct.Struct`).
            let r = call_native(fiber, at, argc, kwnames, ctor);
            fiber.stack.truncate(at);
            return r.map(CallOutcome::Done);
        }
        let inst = if c.layout == Layout::Native {
            // Runtime types (asyncio.Future, ...) make their instances natively: `__new__`
            // receives the class being instantiated, which may be a script subclass.
            let Some(Value::Native(new)) = c.lookup(sym::NEW) else {
                fiber.stack.truncate(at);
                return Err(type_error(format!("cannot create '{}' instances", c.name)));
            };
            let npos = argc - kwnames.len();
            let mut pos = vec![Value::Class(c.clone())];
            pos.extend(fiber.stack[at + 1..at + 1 + npos].iter().cloned());
            let kw: Vec<(Symbol, Value)> =
                kwnames.iter().copied().zip(fiber.stack[at + 1 + npos..at + 1 + argc].iter().cloned()).collect();
            match (new.func)(&Args { pos: &pos, kw: &kw }) {
                Ok(v) => v,
                Err(e) => {
                    fiber.stack.truncate(at);
                    return Err(e);
                }
            }
        } else if c.layout == Layout::Exception {
            let args = fiber.stack[at + 1..at + 1 + argc - kwnames.len()].to_vec();
            let class = if crate::vm::attr::is_group_class(c) {
                match crate::runtime::exception_groups::group_class(c, &args) {
                    Ok(class) => class,
                    Err(e) => {
                        fiber.stack.truncate(at);
                        return Err(e);
                    }
                }
            } else {
                crate::runtime::os_error::constructed_class(c, &args)
            };
            let inst = Instance::new(class);
            if let Some(e) = inst.exc() {
                e.borrow_mut().args = args;
            }
            Value::Instance(Rc::new(inst))
        } else {
            Value::Instance(Rc::new(Instance::new(c.clone())))
        };
        match c.lookup(sym::INIT) {
            Some(init @ Value::Function(_)) => {
                fiber.stack[at] = init;
                fiber.stack.insert(at + 1, inst.clone());
                let kind = match (kind, &inst) {
                    (FrameKind::Normal, Value::Instance(i)) => FrameKind::Init(i.clone()),
                    (other, _) => other,
                };
                self.call_value(fiber, at, argc + 1, kwnames, kind)
            }
            Some(init) => {
                fiber.stack[at] = init;
                fiber.stack.insert(at + 1, inst.clone());
                match self.call_value(fiber, at, argc + 1, kwnames, FrameKind::Normal) {
                    Ok(CallOutcome::Done(_)) => Ok(CallOutcome::Done(inst)),
                    Ok(CallOutcome::Pushed) => Err(type_error("native __init__ pushed a frame")),
                    // A native `__init__` that calls script code (a subclass's hook): the call
                    // still produces the instance.
                    Err(Flow::Async(init)) => run_async(|ctx| async move {
                        ctx.resolve(Err(Flow::Async(init))).await?;
                        Ok(inst)
                    })
                    .map(CallOutcome::Done),
                    Err(e) => Err(e),
                }
            }
            None => {
                fiber.stack.truncate(at);
                if argc > 0 && c.layout == Layout::Object {
                    return Err(type_error(format!("{}() takes no arguments", c.name)));
                }
                Ok(CallOutcome::Done(inst))
            }
        }
    }
}

/// The call of `stack[at]` as a continuation that first calls the callbacks of weak
/// references whose referents died (see `runtime::weak`), as CPython would have at the
/// death. A callback's exception is reported and ignored, as in CPython.
#[cold]
#[inline(never)]
fn call_after_weak_callbacks(fiber: &mut Fiber, at: usize, kwnames: &[Symbol]) -> PyResult {
    let mut args = fiber.stack.split_off(at + 1);
    let func = fiber.stack.pop().expect("callee");
    let kwvalues = args.split_off(args.len() - kwnames.len());
    let kwargs: Vec<(Symbol, Value)> = kwnames.iter().copied().zip(kwvalues).collect();
    let due = crate::runtime::weak::take_due();
    run_async(move |ctx| async move {
        for (callback, weakref) in due {
            if let Err(Flow::Raise(e)) = ctx.call(callback.clone(), vec![weakref]).await {
                let what = crate::runtime::protocol::repr(&ctx, &callback).await.unwrap_or_default();
                let msg = crate::runtime::protocol::str(&ctx, &Value::Instance(e.clone())).await.unwrap_or_default();
                let line = if msg.is_empty() { e.class.name.to_string() } else { format!("{}: {}", e.class.name, msg) };
                crate::diagnostics::eprint(&format!("Exception ignored in: {}\n{}\n", what, line));
            }
        }
        ctx.call_kw(func, args, kwargs).await
    })
}

/// Calls a native with the `argc` arguments above `stack[at]`, the last `kwnames.len()` of
/// them keywords.
fn call_native(
    fiber: &Fiber,
    at: usize,
    argc: usize,
    kwnames: &[Symbol],
    f: impl FnOnce(&Args) -> PyResult,
) -> PyResult {
    let npos = argc - kwnames.len();
    let args = &fiber.stack[at + 1..at + 1 + argc];
    if kwnames.is_empty() {
        f(&Args { pos: args, kw: &[] })
    } else {
        let kw: Vec<(Symbol, Value)> = kwnames.iter().copied().zip(args[npos..].iter().cloned()).collect();
        f(&Args { pos: &args[..npos], kw: &kw })
    }
}

fn not_callable(v: &Value) -> crate::vm::Flow {
    type_error(format!("'{}' object is not callable", type_name(v)))
}

/// Whether `f` is `type.__call__` itself, which the VM does without a call.
fn is_type_call(f: &Value) -> bool {
    match (f, crate::runtime::types().type_.attrs.borrow().get(&sym::CALL)) {
        (Value::Native(a), Some(Value::Native(b))) => Rc::ptr_eq(a, b),
        _ => false,
    }
}

/// Gives the frame of `f` whose locals start `locals` its cells: those of its captured
/// locals (holding their argument values) and its free variables.
#[inline]
pub(super) fn bind_cells(locals: &mut [Value], f: &Function) {
    for &slot in &f.code.cells {
        let v = std::mem::replace(&mut locals[slot as usize], Value::Null);
        locals[slot as usize] = Value::Cell(Rc::new(RefCell::new(v)));
    }
    for (i, &slot) in f.code.freevars.iter().enumerate() {
        locals[slot as usize] = f.closure[i].clone();
    }
}

/// Room a new generator's fiber gets above its locals, for the values its code pushes.
const SPARE_SLOTS: usize = 4;

/// A generator or coroutine object holding a not-yet-started frame whose locals are on
/// the empty fiber `own`.
fn make_generator(f: &Rc<Function>, own: Box<Fiber>, created_at: Option<(Rc<Code>, u32)>) -> Value {
    let qualname = f.qualname.borrow();
    new_generator(f.code.clone(), f.globals.clone(), &qualname, own, created_at)
}

/// The coroutine that runs interactive module code containing top-level `await`.
pub fn module_coroutine(code: Rc<Code>, globals: Rc<Module>) -> Value {
    let mut own = Box::new(Fiber::new(ResumeMode::Native, None));
    own.stack.resize(code.nlocals(), Value::Null);
    let gen = new_generator(code, globals, "<module>", own, None);
    if let Value::Generator(g) = &gen {
        // Driven by the REPL's task, never "forgotten".
        g.awaited.set(true);
    }
    gen
}

fn new_generator(
    code: Rc<Code>,
    globals: Rc<Module>,
    qualname: &str,
    mut fiber: Box<Fiber>,
    created_at: Option<(Rc<Code>, u32)>,
) -> Value {
    fiber.frames.push(Frame {
        code: code.clone(),
        ip: 0,
        base: 0,
        ret_sp: 0,
        globals,
        kind: FrameKind::Normal,
        native: None,
    });
    Value::Generator(Rc::new(Generator::new(code, qualname, fiber, created_at)))
}

/// Matches arguments to parameters, with CPython's error messages.
/// The most keyword arguments `bind_keywords_in_place` binds.
const MAX_KW_IN_PLACE: usize = 8;

/// Binds a call's keyword arguments where they lie on the stack (`stack[base..]` holds the
/// positional then the keyword values) when every one names a parameter not given
/// positionally and the function has no `*args` or `**kwargs`, filling defaults. Anything
/// else (including every error) returns false with the stack unchanged, for `bind_args`.
fn bind_keywords_in_place(stack: &mut Vec<Value>, f: &Function, base: usize, argc: usize, kwnames: &[Symbol]) -> bool {
    let code: &Code = &f.code;
    let (nargs, nkwonly, nkw) = (code.argcount as usize, code.kwonly as usize, kwnames.len());
    let npos = argc - nkw;
    if code.flags.varargs || code.flags.varkw || npos > nargs || nkw > MAX_KW_IN_PLACE {
        return false;
    }
    let params = &code.local_names[..nargs + nkwonly];
    let mut slot_of = [0usize; MAX_KW_IN_PLACE];
    let mut given = [false; 64];
    if params.len() > given.len() {
        return false;
    }
    for (j, name) in kwnames.iter().enumerate() {
        match params.iter().position(|p| p == name) {
            Some(i) if i >= npos && i >= code.posonly as usize && !given[i] => {
                given[i] = true;
                slot_of[j] = i;
            }
            _ => return false,
        }
    }
    let defaults = f.defaults.borrow();
    let first_default = nargs.saturating_sub(defaults.len());
    if (npos..first_default.max(npos)).any(|i| !given[i]) {
        return false;
    }
    let kwdefaults = f.kwdefaults.borrow();
    let kwonly_default = |name: &Symbol| kwdefaults.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if (nargs..nargs + nkwonly).any(|i| !given[i] && kwonly_default(&params[i]).is_none()) {
        return false;
    }
    // Checked: now move the keyword values to their slots and fill in the defaults.
    let mut values: [Value; MAX_KW_IN_PLACE] = std::array::from_fn(|_| Value::Null);
    for (j, v) in stack.drain(base + npos..).enumerate() {
        values[j] = v;
    }
    stack.resize(base + nargs + nkwonly, Value::Null);
    for (j, v) in values.into_iter().take(nkw).enumerate() {
        stack[base + slot_of[j]] = v;
    }
    for i in npos..nargs {
        if !given[i] {
            stack[base + i] = defaults[i - first_default].clone();
        }
    }
    for i in nargs..nargs + nkwonly {
        if !given[i] {
            stack[base + i] = kwonly_default(&params[i]).cloned().unwrap_or(Value::Null);
        }
    }
    true
}

pub(crate) fn bind_args(f: &Function, pos: Vec<Value>, kw: Vec<(Symbol, Value)>) -> PyResult<Vec<Value>> {
    let code: &Code = &f.code;
    let nargs = code.argcount as usize;
    let nkwonly = code.kwonly as usize;
    // Borrowed, not copied: only error messages read it, and no script code runs here.
    let qualname = f.qualname.borrow();
    let mut slots = vec![Value::Null; nargs + nkwonly];
    let npos_given = pos.len();
    let mut extra = Vec::new();
    for (i, v) in pos.into_iter().enumerate() {
        if i < nargs {
            slots[i] = v;
        } else {
            extra.push(v);
        }
    }
    if !extra.is_empty() && !code.flags.varargs {
        let ndefaults = f.defaults.borrow().len();
        let takes = if ndefaults > 0 {
            format!("from {} to {} positional arguments", nargs.saturating_sub(ndefaults), nargs)
        } else {
            format!("{} positional argument{}", nargs, if nargs == 1 { "" } else { "s" })
        };
        // Keyword-only parameters given are counted too.
        let kwonly_names = &code.local_names[nargs..nargs + nkwonly];
        let kwonly_given = kw.iter().filter(|(k, _)| kwonly_names.contains(k)).count();
        let given = match kwonly_given {
            0 => format!("{} {}", npos_given, if npos_given == 1 { "was" } else { "were" }),
            n => format!(
                "{} positional argument{} (and {} keyword-only argument{}) were",
                npos_given,
                if npos_given == 1 { "" } else { "s" },
                n,
                if n == 1 { "" } else { "s" }
            ),
        };
        return Err(type_error(format!("{}() takes {} but {} given", qualname, takes, given)));
    }
    // Positional-only parameters named by keyword, when no `**kwargs` takes them.
    if !code.flags.varkw && code.posonly > 0 {
        let posonly = &code.local_names[..code.posonly as usize];
        let named: Vec<&str> = kw.iter().filter(|(k, _)| posonly.contains(k)).map(|(k, _)| k.as_str()).collect();
        if !named.is_empty() {
            return Err(type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                qualname,
                named.join(", ")
            )));
        }
    }
    let varkw = if code.flags.varkw { Some(PyDict::default()) } else { None };
    for (name, v) in kw {
        let idx = code.local_names[code.posonly as usize..nargs + nkwonly]
            .iter()
            .position(|&n| n == name)
            .map(|i| i + code.posonly as usize);
        match idx {
            Some(i) => {
                if !matches!(slots[i], Value::Null) {
                    return Err(type_error(format!("{}() got multiple values for argument '{}'", qualname, name)));
                }
                slots[i] = v;
            }
            None => match &varkw {
                Some(d) => {
                    d.insert_str(name.as_str(), v);
                }
                None => {
                    return Err(type_error(format!("{}() got an unexpected keyword argument '{}'", qualname, name)))
                }
            },
        }
    }
    let defaults = f.defaults.borrow();
    let first_default = nargs.saturating_sub(defaults.len());
    let mut missing = Vec::new();
    for (i, slot) in slots.iter_mut().enumerate().take(nargs) {
        if matches!(slot, Value::Null) {
            if i >= first_default {
                *slot = defaults[i + defaults.len() - nargs].clone();
            } else {
                missing.push(code.local_names[i]);
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing_error(&qualname, "positional", &missing));
    }
    for (slot, &name) in slots[nargs..].iter_mut().zip(&code.local_names[nargs..nargs + nkwonly]) {
        if matches!(slot, Value::Null) {
            match f.kwdefaults.borrow().iter().find(|(k, _)| *k == name) {
                Some((_, v)) => *slot = v.clone(),
                None => missing.push(name),
            }
        }
    }
    if !missing.is_empty() {
        return Err(missing_error(&qualname, "keyword-only", &missing));
    }
    if code.flags.varargs {
        slots.push(Value::tuple(extra));
    }
    if let Some(d) = varkw {
        slots.push(Value::Dict(Rc::new(d)));
    }
    Ok(slots)
}

fn missing_error(qualname: &str, what: &str, names: &[Symbol]) -> crate::vm::Flow {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{}'", n)).collect();
    let list = match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    let plural = if names.len() == 1 { "" } else { "s" };
    type_error(format!("{}() missing {} required {} argument{}: {}", qualname, names.len(), what, plural, list))
}

/// A function object for `MakeFunction`.
pub fn make_function(
    code: Rc<Code>,
    globals: Rc<Module>,
    defaults: Option<Value>,
    kwdefaults: Option<Value>,
    closure: Box<[Value]>,
) -> Value {
    let defaults = match defaults {
        Some(Value::Tuple(t)) => t.items.to_vec(),
        _ => Vec::new(),
    };
    let kwdefaults = match kwdefaults {
        Some(Value::Dict(d)) => {
            d.items().into_iter().map(|(k, v)| (crate::intern::intern(k.as_str().unwrap_or("")), v)).collect()
        }
        _ => Vec::new(),
    };
    let doc = code.consts.first().cloned().unwrap_or(Value::None);
    Value::Function(Rc::new(Function {
        name: RefCell::new(code.name),
        qualname: RefCell::new(code.qualname.clone()),
        code,
        globals,
        defaults: RefCell::new(defaults),
        kwdefaults: RefCell::new(kwdefaults),
        closure,
        doc,
        attrs: RefCell::default(),
    }))
}
