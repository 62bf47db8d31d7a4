//! Bytecode: the instruction set and the code objects the compiler produces.
//!
//! Each instruction's comment gives its stack effect as `before -> after` (top of stack on the
//! right). Operands are slot numbers, constant/name indices or jump targets (instruction indices).

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::intern::Symbol;
use crate::object::class::{class_epoch, Class};
use crate::span::{SourceFile, Span};
use crate::value::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The flag in `BuildClass`'s count that says a dict of class keywords follows the bases.
pub const BUILD_CLASS_KW: u32 = 1 << 31;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Nop,
    /// `-> consts[i]`
    LoadConst(u32),
    /// `-> None`
    LoadNone,
    /// `-> small int`
    LoadInt(i32),
    /// `x ->`
    Pop,
    /// `x -> x x`
    Dup,
    /// `a b -> a b a b`
    Dup2,
    /// `a b -> b a`
    Rot2,
    /// `a b c -> c a b`
    Rot3,
    /// `-> locals[i]` (UnboundLocalError if unassigned)
    LoadFast(u32),
    /// `x ->` locals[i] = x
    StoreFast(u32),
    DeleteFast(u32),
    /// `-> cell(locals[i]).value` for cell and free variables
    LoadDeref(u32),
    /// Class bodies: `-> ns[name of locals[i]]`, else the cell's value
    LoadClassDeref(u32),
    /// `x ->` cell(locals[i]).value = x
    StoreDeref(u32),
    DeleteDeref(u32),
    /// `-> the cell object in locals[i]` (to build a closure)
    LoadCell(u32),
    /// `-> globals[slot]`, falling back to builtins
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Class bodies: `-> ns[names[i]]`, then globals, then builtins
    LoadName(u32),
    /// `x ->` ns[names[i]] = x
    StoreName(u32),
    DeleteName(u32),
    /// `obj -> obj.names[i]`
    LoadAttr(u32),
    /// `value obj ->` obj.names[i] = value
    StoreAttr(u32),
    /// `obj ->`
    DeleteAttr(u32),
    /// `obj -> method self` or `obj -> attr NULL`: avoids a bound-method object for calls
    LoadMethod(u32),
    /// `method self arg*argc -> result` (or `attr NULL args`)
    CallMethod(u32),
    /// `obj key -> obj[key]`
    Subscr,
    /// `value obj key ->` obj[key] = value
    StoreSubscr,
    /// `obj key ->`
    DeleteSubscr,
    /// `start stop [step] -> slice`
    BuildSlice(u32),
    /// `a b -> a op b`
    Binary(BinOp),
    /// `a b -> a op= b` (in place where the type allows)
    Inplace(BinOp),
    /// `a -> op a`
    Unary(UnaryOp),
    /// `a b -> a cmp b`
    Compare(CmpOp),
    Jump(u32),
    /// `x ->` jump if falsy
    PopJumpIfFalse(u32),
    /// `x ->` jump if truthy
    PopJumpIfTrue(u32),
    /// `x -> iter(x)`
    GetIter,
    /// `it -> it next(it)`, or `it ->` and jump when exhausted
    ForIter(u32),
    /// `x*n -> [x...]`
    BuildList(u32),
    BuildTuple(u32),
    BuildSet(u32),
    /// `k v *n -> {k: v...}`
    BuildMap(u32),
    /// `list ... x -> list ...`: append to the list `n` below the top (comprehensions)
    ListAppend(u32),
    SetAdd(u32),
    /// `dict ... k v -> dict ...`
    MapAdd(u32),
    /// `list ... it -> list ...`: extend the list `n` below (`[*a, *b]`)
    ListExtend(u32),
    SetUpdate(u32),
    /// `dict ... m -> dict ...`: `{**m}`
    DictUpdate(u32),
    /// `f args dict m -> f args dict`: `f(**m)`, where a key given twice is an error naming `f`
    DictMerge(u32),
    /// `list -> tuple`
    ListToTuple,
    /// `s*n -> "".join(s...)`
    BuildString(u32),
    /// `value [spec] -> formatted`: operand is conversion ('s', 'r', 'a' or 0) plus 256 if a spec is on the stack
    FormatValue(u32),
    /// `seq -> x[n-1] ... x[0]`
    UnpackSequence(u32),
    /// `seq -> after... list before...` for `a, *b, c = seq`
    UnpackEx(u16, u16),
    /// `f arg*n -> f(args)`
    Call(u32),
    /// `f arg*n -> f(args)` where the last `kwnames[k].len()` args are keywords named by kwnames[k]
    CallKw(u32, u32),
    /// `f args_tuple [kwargs_dict] -> f(*args, **kwargs)`; operand 1 if a dict is present
    CallEx(u32),
    /// `[defaults] [kwdefaults] -> function`: children[i], flags bit 1 defaults, bit 2 kwdefaults
    MakeFunction(u32, u32),
    /// `body_fn base*n [kwargs_dict] -> class`: runs the class body then creates the class
    /// (named by consts[k]); the dict of class keywords is there if n has `BUILD_CLASS_KW` set
    BuildClass(u32, u32),
    /// `x ->` returns x to the caller
    Return,
    /// `x -> sent`: suspends a generator, producing x
    Yield,
    /// `iter sent -> iter result`-ish delegation: see `vm::exec`
    YieldFrom,
    /// `x -> iter`: `iter(x)` for generators, `x` itself for generators and coroutines
    GetYieldFromIter,
    /// `x -> awaitable`: a coroutine, or an iterator over a future (for `YieldFrom`)
    GetAwaitable,
    /// `x -> sent`: `yield x` in an async generator; the value completes the `__anext__()`
    /// awaitable that resumed it
    AsyncYield,
    /// `x -> aiter`: `type(x).__aiter__(x)` for `async for`
    GetAIter,
    /// `aiter -> aiter awaitable`: the awaitable of `aiter.__anext__()`
    GetANext,
    /// `aiter exc ->`: ends an `async for` on StopAsyncIteration, re-raises anything else
    EndAsyncFor,
    /// `[exc [cause]] ->`: 0 = bare `raise`, 1 = `raise exc`, 2 = `raise exc from cause`
    Raise(u32),
    /// `exc ->` re-raises exc with its traceback intact
    Reraise,
    /// `exc -> prev_exc exc`: makes exc the exception being handled
    PushExcInfo,
    /// `prev_exc ->` restores the previously handled exception
    PopExcept,
    /// `exc type -> exc bool`
    CheckExcMatch,
    /// `rest type -> (match, rest')`: `except* type` on the unhandled part of an exception
    /// group: the part that matches (or None) and what remains (or None)
    CheckEgMatch,
    /// `orig raised -> exc`: what an `except*` statement raises at its end (or None), from
    /// the original exception and the list of what its clauses raised or left unhandled
    PrepReraiseStar,
    /// `mgr -> exit enter_result`; operand 1 for `async with` (`__aexit__`, `__aenter__`)
    BeforeWith(u32),
    /// `exit exc -> exit exc suppress?`: calls exit(type, exc, tb)
    WithExceptStart,
    /// `level fromlist -> module`: `__import__(names[i], globals, None, fromlist, level)`
    ImportName(u32),
    /// `module -> module module.names[i]` (or the submodule from `sys.modules`)
    ImportFrom(u32),
    /// `module ->`: binds the module's public names (or its `__all__`) as globals
    ImportStar,
    /// `-> AssertionError`
    LoadAssertionError,
    /// `subject -> subject bool`: whether a sequence pattern may match (list, tuple, range;
    /// not str, bytes or dict)
    MatchSequence,
    /// `subject -> subject bool`: whether a mapping pattern may match (dicts)
    MatchMapping,
    /// `x -> x len(x)`
    GetLen,
    /// `subject keys -> subject keys values`: the tuple of the values of the tuple of keys in
    /// the mapping subject, or None if one is missing
    MatchKeys,
    /// `subject keys -> subject rest`: a dict of the subject's items but `keys`
    CopyDictWithoutKeys,
    /// `subject cls names -> attrs`: for a class pattern with n positional sub-patterns and
    /// the keyword names in the tuple `names`, the tuple of attributes to match, or None
    MatchClass(u32),

    // Superinstructions (`compiler::peephole`): each stands for itself and the instruction
    // after it, which stays in place for when the fast path does not apply.
    /// `LoadFast(a)` `LoadFast(b)`
    LoadFast2(u32, u32),
    /// `LoadFast(a)` `LoadAttr(n)`
    LoadFastAttr(u32, u32),
    /// `LoadFast(a)` `StoreAttr(n)`
    LoadFastStoreAttr(u32, u32),
    /// `LoadInt(k)` `Binary(op)` (or `Inplace(op)`)
    BinaryImm(BinOp, i32),
    /// `LoadInt(k)` `Compare(op)`
    CompareImm(CmpOp, i32),
    /// `Compare(op)` `PopJumpIfFalse(target)`
    CompareJumpIfFalse(CmpOp, u32),
    /// `Compare(op)` `PopJumpIfTrue(target)`
    CompareJumpIfTrue(CmpOp, u32),
    /// `LoadInt(k)` `Compare(op)` `PopJumpIfFalse(target)`: skips both on its fast path
    CompareImmJumpIfFalse(CmpOp, i32, u32),
    /// `LoadInt(k)` `Compare(op)` `PopJumpIfTrue(target)`
    CompareImmJumpIfTrue(CmpOp, i32, u32),
    /// `LoadNone` `Return`
    ReturnNone,
    /// `GetAwaitable` `LoadNone` `YieldFrom`: on its fast path (a coroutine object not yet
    /// started) starts the coroutine and skips both
    Await,
}

const _: () = assert!(std::mem::size_of::<Op>() == 12);

#[derive(Clone, Copy, Debug, Default)]
pub struct CodeFlags {
    pub varargs: bool,
    pub varkw: bool,
    pub is_generator: bool,
    pub is_coroutine: bool,
    /// `async def` with `yield` (`is_generator` is set too: calling it makes a generator object).
    pub is_async_generator: bool,
    /// A class body: names resolve through a namespace dict.
    pub is_class_body: bool,
    pub is_module: bool,
    /// Takes exactly its positional parameters: no keyword-only, `*args` or `**kwargs`, and
    /// not a generator or coroutine. Such calls take the fast path.
    pub simple_call: bool,
    /// A generator or coroutine function taking exactly its positional parameters, as
    /// `simple_call` has them: calls make the object on a fast path.
    pub simple_generator: bool,
    /// Code the VM runs on a native's behalf (`Code::collector`): its frames are left out
    /// of tracebacks and of the frames natives see, as the native's own work would be.
    pub hidden: bool,
}

/// A protected instruction range and where control goes when it raises.
#[derive(Clone, Copy, Debug)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    /// Stack depth (above the locals) to unwind to before pushing the exception.
    pub depth: u32,
}

pub struct Code {
    pub name: Symbol,
    pub qualname: String,
    pub source: Rc<SourceFile>,
    pub ops: Vec<Op>,
    /// The source span of each instruction, for tracebacks.
    pub spans: Vec<Span>,
    /// Constants; for functions, `consts[0]` is the docstring (or None).
    pub consts: Vec<Value>,
    pub names: Vec<Symbol>,
    /// The keyword names of each `CallKw`, interned once.
    pub kwnames: Box<[Box<[Symbol]>]>,
    pub children: Vec<Rc<Code>>,
    /// Names of all local slots (parameters first, then locals, cells and free variables).
    pub local_names: Vec<Symbol>,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: CodeFlags,
    /// Local slots whose variables are captured by inner functions (wrapped in cells on entry).
    pub cells: Vec<u32>,
    /// Slots receiving the function's closure cells, in closure order.
    pub freevars: Vec<u32>,
    /// For each closure cell, the slot of the enclosing code that provides it.
    pub closure_from: Vec<u32>,
    pub handlers: Vec<Handler>,
    /// Span of the `def`/`class` header (the whole module for module code).
    pub def_span: Span,
    /// Per instruction, the index where an instance attribute named by it was last found in
    /// an instance's table: objects of one class store their attributes in the same order,
    /// so this inline cache makes `self.x` an index check instead of a hash lookup.
    pub attr_hints: Box<[Cell<u32>]>,
    /// The methods `LoadMethod` instructions found on instances' classes; such an
    /// instruction's `attr_hints` entry is its index here plus one (0: none yet).
    pub method_cache: RefCell<Vec<CachedMethod>>,
    /// What the VM executes: `ops` with superinstructions (`compiler::peephole`). `ops` stays
    /// the plain program, for disassembly and for looking at the instruction at an ip.
    pub fused: Box<[Op]>,
}

/// A method that a `LoadMethod` found on a class, valid while the class epoch stays.
pub struct CachedMethod {
    class: *const Class,
    epoch: u32,
    pub method: Value,
    /// The shape (`InstanceAttrs::shape_id`) of an instance seen not to have an attribute of
    /// the method's name, which would hide the method: instances of that shape need no
    /// search. `u32::MAX` for none yet (no shape has that id).
    pub unshadowed_shape: Cell<u32>,
}

impl Code {
    /// The method the `LoadMethod` at `at` found on `class` before, if still valid.
    #[inline(always)]
    pub fn cached_method(&self, at: usize, class: &Rc<Class>) -> Option<Value> {
        self.method_entry(at, class).map(|entry| entry.method.fast_clone())
    }

    /// The cache entry of the `LoadMethod` at `at`, if it is for `class` and still valid. The
    /// reference must be dropped before the cache changes (`cache_method`).
    #[inline(always)]
    pub fn method_entry(&self, at: usize, class: &Rc<Class>) -> Option<&CachedMethod> {
        let slot = self.attr_hints[at].get() as usize;
        if slot == 0 {
            return None;
        }
        // SAFETY: entries are only replaced or added by `cache_method`, which callers do not
        // run while they hold the returned reference.
        let cache = unsafe { self.method_cache.try_borrow_unguarded() }.ok()?;
        let entry = &cache[slot - 1];
        (std::ptr::eq(entry.class, Rc::as_ptr(class)) && entry.epoch == class_epoch()).then_some(entry)
    }

    /// Remembers that the `LoadMethod` at `at` found `method` on `class`.
    pub fn cache_method(&self, at: usize, class: &Rc<Class>, method: &Value) {
        let entry = CachedMethod {
            class: Rc::as_ptr(class),
            epoch: class_epoch(),
            method: method.clone(),
            unshadowed_shape: Cell::new(u32::MAX),
        };
        let mut cache = self.method_cache.borrow_mut();
        match self.attr_hints[at].get() as usize {
            0 => {
                cache.push(entry);
                self.attr_hints[at].set(cache.len() as u32);
            }
            slot => cache[slot - 1] = entry,
        }
    }

    pub fn nlocals(&self) -> usize {
        self.local_names.len()
    }

    pub fn line_of(&self, ip: usize) -> usize {
        let span = self.spans.get(ip).copied().unwrap_or(self.def_span);
        self.source.line_of(span.start)
    }

    pub fn first_line(&self) -> usize {
        self.source.line_of(self.def_span.start)
    }

    /// Number of positional parameters plus keyword-only ones (not `*args`/`**kw`).
    pub fn total_params(&self) -> usize {
        (self.argcount + self.kwonly) as usize
    }
}

impl Code {
    /// `[x for x in it]` over local 0, for natives that take every item of an iterator
    /// (`list(it)`, `sorted(it)`): run as a frame, the items come through `ForIter`'s fast
    /// paths (a generator resumed in place) instead of a round trip through the native each.
    pub fn collector() -> Rc<Code> {
        thread_local! {
            // list, iterator -> (for each item: append it) -> list
            static COLLECTOR: Rc<Code> = Code::hidden(
                "<collect>",
                vec![Op::BuildList(0), Op::LoadFast(0), Op::ForIter(5), Op::ListAppend(2), Op::Jump(2), Op::Return],
                Vec::new(),
            );
        }
        COLLECTOR.with(|c| c.clone())
    }

    /// `any(it)` (`stop_on` true) or `all(it)` over the iterator in local 0, run as a frame
    /// like `collector` for iterators that run script code for each item.
    pub fn any_all(stop_on: bool) -> Rc<Code> {
        fn build(stop_on: bool) -> Rc<Code> {
            let stop = if stop_on { Op::PopJumpIfTrue(4) } else { Op::PopJumpIfFalse(4) };
            // iterator -> (for each item: stop if its truth is `stop_on`) -> not `stop_on`
            let ops = vec![
                Op::LoadFast(0),
                Op::ForIter(6),
                stop,
                Op::Jump(1),
                Op::LoadConst(0),
                Op::Return,
                Op::LoadConst(1),
                Op::Return,
            ];
            Code::hidden(
                if stop_on { "<any>" } else { "<all>" },
                ops,
                vec![Value::Bool(stop_on), Value::Bool(!stop_on)],
            )
        }
        thread_local! {
            static CODES: [Rc<Code>; 2] = [build(false), build(true)];
        }
        CODES.with(|c| c[stop_on as usize].clone())
    }

    /// A frame's code that is no function of the script's: its one parameter in local 0,
    /// left out of tracebacks.
    fn hidden(name: &str, ops: Vec<Op>, consts: Vec<Value>) -> Rc<Code> {
        let mut code =
            Code::parameters_only(name, SourceFile::new(name, ""), vec![crate::intern::intern(".0")], 1, 0, 0);
        code.spans = vec![Span::default(); ops.len()];
        code.attr_hints = ops.iter().map(|_| Cell::new(0)).collect();
        code.fused = ops.clone().into();
        code.ops = ops;
        code.consts = consts;
        code.flags = CodeFlags { simple_call: true, hidden: true, ..CodeFlags::default() };
        Rc::new(code)
    }

    /// An empty code object: the stand-in `code` of a native frame at the bottom of a fiber.
    pub fn placeholder() -> Rc<Code> {
        thread_local! {
            static EMPTY: Rc<Code> = Rc::new(Code::parameters_only(
                "<native>", SourceFile::new("<native>", ""), Vec::new(), 0, 0, 0,
            ));
        }
        EMPTY.with(|c| c.clone())
    }

    /// A code object with no instructions that only describes parameters: what argument
    /// binding needs (`argcount` positionals, the first `posonly` of them positional-only,
    /// then `kwonly` keyword-only ones, named by `params`). Never run.
    pub fn parameters_only(
        qualname: &str,
        source: Rc<SourceFile>,
        params: Vec<crate::intern::Symbol>,
        argcount: u32,
        posonly: u32,
        kwonly: u32,
    ) -> Code {
        Code {
            name: crate::intern::intern(qualname.rsplit('.').next().unwrap_or(qualname)),
            qualname: qualname.into(),
            source,
            ops: Vec::new(),
            spans: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            kwnames: Box::new([]),
            children: Vec::new(),
            local_names: params,
            argcount,
            posonly,
            kwonly,
            flags: CodeFlags::default(),
            cells: Vec::new(),
            freevars: Vec::new(),
            closure_from: Vec::new(),
            handlers: Vec::new(),
            def_span: Span::default(),
            attr_hints: Box::new([]),
            method_cache: RefCell::default(),
            fused: Box::new([]),
        }
    }
}
