//! Frames and fibers. A fiber is a value stack plus a stack of frames: the main program,
//! each generator and each coroutine has one. Switching fibers is moving a pointer.

use super::native::NativeFrame;
use crate::bytecode::Code;
use crate::intern::Symbol;
use crate::object::dict::PyDict;
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::object::Generator;
use crate::value::Value;
use std::rc::Rc;

/// What happens to a frame's result when it returns.
pub enum FrameKind {
    /// Pushed onto the caller's stack (or handed to the native frame below).
    Normal,
    /// `__init__` of a new instance: the result must be None; the instance is delivered.
    Init(Rc<Instance>),
    /// A class body, run for the native that builds the class: its names go to the
    /// namespace, and None is delivered. Boxed, to keep every frame small.
    ClassBody(Box<ClassBody>),
    /// An attribute computed by script code for `LoadMethod` (a property, a descriptor's
    /// `__get__`, `__getattr__`, a module's `__getattr__`): delivered with the absent receiver
    /// (`Null`) after it.
    MethodAttr,
    /// An operation whose result is not used (`obj.x = v` through a property setter).
    Discard,
    /// A `__next__` called by `ForIter`: `StopIteration` ends the loop instead of propagating.
    IterNext,
}

/// The namespace a class body's names live in: a dict, which `locals()` there returns.
pub struct ClassBody {
    pub ns: Rc<PyDict>,
}

pub struct Frame {
    pub code: Rc<Code>,
    pub ip: usize,
    /// Index of the first local in the fiber's stack.
    pub base: usize,
    /// Stack height to restore when the frame returns (drops the callee and its arguments).
    pub ret_sp: usize,
    pub globals: Rc<Module>,
    pub kind: FrameKind,
    /// Set for native continuations (natives waiting on script code); `code` is then unused.
    pub native: Option<Box<NativeFrame>>,
}

impl Frame {
    /// Stack index where this frame's temporaries start.
    pub fn stack_start(&self) -> usize {
        self.base + self.code.nlocals()
    }

    /// A function frame's locals that have a value (cells read through), in CPython's order
    /// (parameters and plain locals, then captured locals, then free variables), as
    /// `locals()` sees them; the compiler's temporaries (`$tmp...`) are left out.
    pub fn bound_locals(&self, stack: &[Value]) -> Vec<(Symbol, Value)> {
        let code = &self.code;
        let params = code.total_params() + code.flags.varargs as usize + code.flags.varkw as usize;
        let rank = |slot: usize| {
            let slot32 = slot as u32;
            if code.freevars.contains(&slot32) {
                2
            } else if slot >= params && code.cells.contains(&slot32) {
                1
            } else {
                0
            }
        };
        let locals = &stack[self.base..self.stack_start()];
        let mut bound: Vec<(usize, Symbol, Value)> = code
            .local_names
            .iter()
            .zip(locals)
            .enumerate()
            .filter_map(|(slot, (name, v))| {
                let v = match v {
                    Value::Cell(c) => c.borrow().clone(),
                    v => v.clone(),
                };
                (!matches!(v, Value::Null) && !name.as_str().starts_with('$')).then_some((rank(slot), *name, v))
            })
            .collect();
        bound.sort_by_key(|(rank, _, _)| *rank);
        bound.into_iter().map(|(_, name, v)| (name, v)).collect()
    }
}

/// How a fiber that was resumed hands back what it yields or returns.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResumeMode {
    /// The program's main fiber: nothing resumed it.
    Main,
    /// `ForIter`: yields are loop items; returning ends the loop.
    ForIter,
    /// `YieldFrom`: yields pass through the delegating generator.
    YieldFrom,
    /// `YieldFrom` over an async generator's step awaitable (on the resumer's stack top):
    /// awaits pass through, and `yield` or the end completes the step.
    AsyncStep,
    /// A native continuation (`next()`, `send()`, `list(gen)`...): the outcome goes to it.
    Native,
}

pub struct Fiber {
    pub stack: Vec<Value>,
    pub frames: Vec<Frame>,
    pub mode: ResumeMode,
    /// The generator or coroutine this fiber belongs to, while it runs (None for the main
    /// fiber and for suspended fibers, which must not keep their generator alive).
    pub owner: Option<Rc<Generator>>,
    /// The exception currently being handled (`sys.exc_info()`), for implicit chaining.
    pub handling: Option<Value>,
}

impl Fiber {
    pub fn new(mode: ResumeMode, owner: Option<Rc<Generator>>) -> Fiber {
        Fiber { stack: Vec::new(), frames: Vec::new(), mode, owner, handling: None }
    }
}

/// Finished fibers kept for new generators and coroutines, so that creating one allocates
/// only its object: a fiber's box and its two vectors are reused with their capacity.
#[derive(Default)]
pub struct FiberPool {
    #[allow(clippy::vec_box)]
    spare: Vec<Box<Fiber>>,
}

impl FiberPool {
    /// How many spare fibers are kept.
    const KEEP: usize = 32;
    /// Fibers whose vectors grew past these are freed instead of kept, so that a spare
    /// never holds much memory.
    const MAX_STACK: usize = 256;
    const MAX_FRAMES: usize = 16;

    /// An empty fiber for a new generator, with room for `slots` values.
    #[inline]
    pub fn take(&mut self, slots: usize) -> Box<Fiber> {
        match self.spare.pop() {
            Some(mut f) => {
                f.stack.reserve(slots);
                f
            }
            None => {
                let mut f = Box::new(Fiber::new(ResumeMode::Native, None));
                // Most generators and coroutines run only their own frame.
                f.frames.reserve_exact(1);
                f.stack.reserve_exact(slots);
                f
            }
        }
    }

    /// Takes back a fiber whose generator finished (or never was made).
    #[inline]
    pub fn put(&mut self, mut f: Box<Fiber>) {
        if self.spare.len() >= Self::KEEP
            || f.stack.capacity() > Self::MAX_STACK
            || f.frames.capacity() > Self::MAX_FRAMES
        {
            return;
        }
        f.stack.clear();
        f.frames.clear();
        f.mode = ResumeMode::Native;
        f.owner = None;
        f.handling = None;
        self.spare.push(f);
    }
}
