//! The dispatch loop. `execute` runs the top script frame's instructions until something
//! changes which frame runs (a call, a return, an exception, a yield) and returns that
//! event to the scheduler (`scheduler.rs`). The running fiber is held by value, so switching
//! fibers is a move.

use super::call::CallOutcome;
use super::frame::{Fiber, Frame, FrameKind, ResumeMode};
use super::scheduler::{exc_of, Event};
use super::stack::{
    move_top_down, push_clone, push_local, set_int_result, set_top_int_result, store_local, truncate_stack,
};
use super::{fast_ops, ops, Flow, PyResult, Vm};
use crate::ast::{CmpOp, UnaryOp};
use crate::bytecode::BUILD_CLASS_KW;
use crate::bytecode::{Code, Op};
use crate::intern::{sym, Symbol};
use crate::object::function::Args;
use crate::object::iter::{MapStep, Step};
use crate::object::module::Module;
use crate::object::GenState;
use crate::runtime::coroutine::async_generators::Asker;
use crate::runtime::coroutine::AwaitStep;
use crate::runtime::exceptions::{self as ex, is_instance_of, new_exception};
use crate::runtime::ExcType;
use crate::runtime::{protocol, type_name, types};
use crate::value::{fast_drop, Value};
use std::cell::RefCell;
use std::rc::Rc;

impl Vm {
    /// Executes the top script frame until it calls, returns, raises or yields.
    pub(super) fn execute(&mut self, slot: &mut Box<Fiber>) -> Event {
        // The running fiber; the inline switches of awaits and generators replace what `slot`
        // holds, and then take it again.
        let mut fiber: &mut Fiber = slot;
        let frame = fiber.frames.last_mut().expect("frame");
        // The running frame's code and globals, borrowed from the frame (whose `Rc`s keep them
        // alive) without reference-count traffic on every call and return. They are replaced
        // whenever the running frame changes and never used after it is popped.
        let mut code_ptr: *const Code = &*frame.code;
        // The code's instructions, fetched without a bounds check: `ip` stays below their
        // length, since every code object's instructions end with `Return` (`peephole::fuse`
        // checks) and jumps target instructions.
        let mut ops_ptr: *const Op = frame.code.fused.as_ptr();
        let mut globals_ptr: *const Module = &*frame.globals;
        let mut base = frame.base;
        let mut ip = frame.ip;
        // Runs `frame` (now on top) from here on, at the given stack base and instruction.
        macro_rules! switch_to {
            ($frame:expr, $base:expr, $ip:expr) => {{
                let frame = $frame;
                (code_ptr, ops_ptr, globals_ptr, base, ip) = (
                    &*frame.code as *const Code,
                    frame.code.fused.as_ptr(),
                    &*frame.globals as *const Module,
                    $base,
                    $ip,
                );
            }};
        }
        macro_rules! code {
            () => {
                // SAFETY: see above; the frame owning this code is on `fiber.frames`.
                unsafe { &*code_ptr }
            };
        }
        macro_rules! globals {
            () => {
                // SAFETY: as for `code!`.
                unsafe { &*globals_ptr }
            };
        }

        // Runs a call that may switch fibers in place (replacing what `slot` holds), then
        // takes the running fiber again.
        macro_rules! switching {
            ($call:expr) => {{
                let r = $call;
                fiber = &mut **slot;
                r
            }};
        }
        // Leaves `execute`, saving the instruction pointer first.
        macro_rules! leave {
            ($event:expr) => {{
                fiber.frames.last_mut().expect("frame").ip = ip;
                return $event;
            }};
        }
        macro_rules! throw {
            ($flow:expr) => {{
                let flow = $flow;
                fiber.frames.last_mut().expect("frame").ip = ip;
                return match flow {
                    Flow::Raise(e) => Event::Raise(e),
                    Flow::Async(nf) => self.push_native(fiber, nf, FrameKind::Normal),
                };
            }};
        }
        // Pushes the value of an operation that may raise or need script code.
        macro_rules! produce {
            ($r:expr) => {
                match $r {
                    Ok(v) => fiber.stack.push(v),
                    Err(flow) => throw!(flow),
                }
            };
        }
        // Runs a fallible operation whose result is not pushed.
        macro_rules! check {
            ($r:expr) => {
                match $r {
                    Ok(v) => v,
                    Err(Flow::Async(nf)) => {
                        fiber.frames.last_mut().expect("frame").ip = ip;
                        return self.push_native(fiber, nf, FrameKind::Discard);
                    }
                    Err(flow) => throw!(flow),
                }
            };
        }
        macro_rules! pop {
            () => {
                fiber.stack.pop().expect("stack underflow")
            };
        }
        // Pushes the local in `slot` (UnboundLocalError if it is unassigned).
        macro_rules! load_fast {
            ($slot:expr) => {{
                let slot = $slot;
                if let Value::Null = fiber.stack[base + slot as usize] {
                    throw!(unbound_local(code!(), slot));
                }
                push_local(&mut fiber.stack, base + slot as usize);
            }};
        }
        macro_rules! top {
            () => {
                fiber.stack.last().expect("stack underflow")
            };
        }

        // Returns the value on top of the stack from the running frame: to a script caller by
        // switching frames here, without the event loop.
        macro_rules! return_top {
            () => {{
                let n = fiber.frames.len();
                let inline = n >= 2
                    && fiber.frames[n - 2].native.is_none()
                    && match &fiber.frames[n - 1].kind {
                        FrameKind::Normal => true,
                        FrameKind::Init(_) => top!().is_none(),
                        _ => false,
                    };
                if !inline {
                    let v = pop!();
                    // A generator's end goes to the `for` loop or `yield from` that resumed it.
                    match switching!(self.return_plainly(slot, v)) {
                        Ok(()) => {
                            let top = fiber.frames.last().expect("resumer frame");
                            switch_to!(top, top.base, top.ip);
                            continue;
                        }
                        Err(v) => leave!(Event::Return(v)),
                    }
                }
                let done = fiber.frames.pop().expect("frame");
                self.depth -= 1;
                match done.kind {
                    FrameKind::Normal => move_top_down(&mut fiber.stack, done.ret_sp),
                    FrameKind::Init(instance) => {
                        truncate_stack(&mut fiber.stack, done.ret_sp);
                        fiber.stack.push(Value::Instance(instance));
                    }
                    _ => unreachable!("only normal and __init__ frames return inline"),
                }
                let caller = fiber.frames.last().expect("caller");
                switch_to!(caller, caller.base, caller.ip);
            }};
        }

        // Completes a call an instruction made (its `ip` already saved in the frame) without
        // leaving `execute` when script code runs on: a value is pushed, a pushed script
        // frame is switched to. Exceptions and native continuations go to the scheduler.
        macro_rules! finish_call {
            ($outcome:expr) => {{
                match $outcome {
                    Ok(CallOutcome::Done(v)) => fiber.stack.push(v),
                    Ok(CallOutcome::Pushed) => {
                        let top = fiber.frames.last().expect("frame");
                        if top.native.is_some() {
                            return Event::Continue;
                        }
                        switch_to!(top, top.base, top.ip);
                    }
                    Err(Flow::Raise(e)) => return Event::Raise(e),
                    Err(Flow::Async(nf)) => return self.push_native(fiber, nf, FrameKind::Normal),
                }
                continue;
            }};
        }

        loop {
            // SAFETY: see `ops_ptr`.
            let op = unsafe { *ops_ptr.add(ip) };
            ip += 1;
            match op {
                Op::Nop => {}
                Op::LoadConst(i) => push_clone(&mut fiber.stack, &code!().consts[i as usize]),
                Op::LoadNone => fiber.stack.push(Value::None),
                Op::LoadInt(i) => fiber.stack.push(Value::Int(i as i64)),
                Op::Pop => match pop!() {
                    Value::Generator(g) => {
                        if crate::runtime::coroutine::generators::needs_close_on_drop(&g) {
                            check!(crate::runtime::coroutine::generators::close(g));
                        }
                    }
                    v => fast_drop(v),
                },
                Op::Dup => {
                    let v = top!().clone();
                    fiber.stack.push(v);
                }
                Op::Dup2 => {
                    let n = fiber.stack.len();
                    let (a, b) = (fiber.stack[n - 2].clone(), fiber.stack[n - 1].clone());
                    fiber.stack.push(a);
                    fiber.stack.push(b);
                }
                Op::Rot2 => {
                    let n = fiber.stack.len();
                    fiber.stack.swap(n - 1, n - 2);
                }
                Op::Rot3 => {
                    let n = fiber.stack.len();
                    // [a, b, c] -> [a, c, b] -> [c, a, b]
                    fiber.stack.swap(n - 1, n - 2);
                    fiber.stack.swap(n - 2, n - 3);
                }
                Op::LoadFast(i) => load_fast!(i),
                Op::StoreFast(i) => store_local(&mut fiber.stack, base + i as usize),
                Op::DeleteFast(i) => {
                    if let Value::Null = fiber.stack[base + i as usize] {
                        throw!(unbound_local(code!(), i));
                    }
                    fiber.stack[base + i as usize] = Value::Null;
                }
                Op::LoadDeref(i) => {
                    let v = cell_value(&fiber.stack[base + i as usize]);
                    if let Value::Null = v {
                        throw!(unbound_deref(code!(), i));
                    }
                    fiber.stack.push(v);
                }
                Op::LoadClassDeref(i) => {
                    let name = code!().local_names[i as usize];
                    let v = class_ns_get(fiber, name).unwrap_or_else(|| cell_value(&fiber.stack[base + i as usize]));
                    if let Value::Null = v {
                        throw!(unbound_deref(code!(), i));
                    }
                    fiber.stack.push(v);
                }
                Op::StoreDeref(i) => {
                    let v = pop!();
                    match &fiber.stack[base + i as usize] {
                        Value::Cell(c) => *c.borrow_mut() = v,
                        _ => fiber.stack[base + i as usize] = v,
                    }
                }
                Op::DeleteDeref(i) => {
                    if let Value::Cell(c) = &fiber.stack[base + i as usize] {
                        *c.borrow_mut() = Value::Null;
                    }
                }
                Op::LoadCell(i) => {
                    let v = fiber.stack[base + i as usize].clone();
                    fiber.stack.push(v);
                }
                Op::LoadGlobal(slot) => {
                    if let Some(v) = &globals!().slots.borrow()[slot as usize] {
                        push_clone(&mut fiber.stack, v);
                        continue;
                    }
                    // A module whose globals moved into a dict keeps them there.
                    let found = match globals!().live_dict() {
                        Some(d) => {
                            let name = globals!().name_of(slot as usize);
                            d.get_str(name.as_str()).or_else(|| self.builtins.get(name))
                        }
                        None => globals!().builtin_for_slot(slot as usize, &self.builtins),
                    };
                    match found {
                        Some(v) => fiber.stack.push(v),
                        None => throw!(name_error(globals!().name_of(slot as usize))),
                    }
                }
                Op::StoreGlobal(slot) => {
                    let v = pop!();
                    globals!().set_slot(slot as usize, v);
                }
                Op::DeleteGlobal(slot) => {
                    let name = globals!().name_of(slot as usize);
                    if !globals!().delete(name) {
                        throw!(name_error(name));
                    }
                }
                Op::LoadName(i) => {
                    let name = code!().names[i as usize];
                    match class_ns_get(fiber, name).or_else(|| globals!().get(name)).or_else(|| self.builtins.get(name))
                    {
                        Some(v) => fiber.stack.push(v),
                        None => throw!(name_error(name)),
                    }
                }
                Op::StoreName(i) => {
                    let name = code!().names[i as usize];
                    let v = pop!();
                    match &fiber.frames.last().expect("frame").kind {
                        FrameKind::ClassBody(body) => body.ns.insert_str(name.as_str(), v),
                        _ => globals!().set(name, v),
                    }
                }
                Op::DeleteName(i) => {
                    let name = code!().names[i as usize];
                    let removed = match &fiber.frames.last().expect("frame").kind {
                        FrameKind::ClassBody(body) => body.ns.remove_str(name.as_str()).is_some(),
                        _ => false,
                    };
                    if !removed {
                        throw!(name_error(name));
                    }
                }
                Op::LoadAttr(i) => {
                    let name = code!().names[i as usize];
                    if let Some(Value::Instance(inst)) = fiber.stack.last() {
                        if inst.reads_plainly(name) {
                            if let Some(v) = inst.own_attr(name, &code!().attr_hints[ip - 1]) {
                                *fiber.stack.last_mut().expect("stack underflow") = v;
                                continue;
                            }
                        } else if let Some(fget) = super::attr::script_getter(inst, name) {
                            // A property written in script: its getter runs as a call
                            // `fget(obj)`, in a frame of its own.
                            let obj = std::mem::replace(fiber.stack.last_mut().expect("stack underflow"), fget);
                            fiber.stack.push(obj);
                            let at = fiber.stack.len() - 2;
                            fiber.frames.last_mut().expect("frame").ip = ip;
                            // Weak-reference callbacks that fell due run first, as they do
                            // before a getter called through a native.
                            if !crate::runtime::weak::callbacks_due() && self.enter_simple(fiber, at, 1) {
                                switch_to!(fiber.frames.last().expect("frame"), at + 1, 0);
                                continue;
                            }
                            let outcome = self.call_value(fiber, at, 1, &[], FrameKind::Normal);
                            finish_call!(outcome);
                        }
                    }
                    let obj = pop!();
                    produce!(super::get_attr(&obj, name));
                }
                Op::StoreAttr(i) => {
                    let obj = pop!();
                    let v = pop!();
                    let name = code!().names[i as usize];
                    match &obj {
                        Value::Instance(inst) if inst.writes_plainly(name) => {
                            if let Err(v) = inst.set_own_attr(name, v, &code!().attr_hints[ip - 1]) {
                                check!(super::set_attr(&obj, name, v))
                            }
                        }
                        _ => check!(super::set_attr(&obj, name, v)),
                    }
                }
                Op::DeleteAttr(i) => {
                    let obj = pop!();
                    check!(super::attr::del_attr(&obj, code!().names[i as usize]));
                }
                Op::LoadMethod(i) => {
                    let name = code!().names[i as usize];
                    if let Some(Value::Instance(inst)) = fiber.stack.last() {
                        if let Some(entry) = code!().method_entry(ip - 1, &inst.class) {
                            if inst.lacks_own_attr(name, &entry.unshadowed_shape) {
                                let m = entry.method.fast_clone();
                                let obj = std::mem::replace(fiber.stack.last_mut().expect("stack underflow"), m);
                                fiber.stack.push(obj);
                                continue;
                            }
                        }
                    }
                    if let Some(class) = fiber.stack.last().and_then(|v| types().plain_class(v)) {
                        if let Some(entry) = code!().method_entry(ip - 1, class) {
                            let m = entry.method.fast_clone();
                            let obj = std::mem::replace(fiber.stack.last_mut().expect("stack underflow"), m);
                            fiber.stack.push(obj);
                            continue;
                        }
                    }
                    let obj = pop!();
                    match super::attr::lookup_method(&obj, name) {
                        Some(m) => {
                            if let Value::Instance(inst) = &obj {
                                code!().cache_method(ip - 1, &inst.class, &m);
                            } else if let Some(class) = types().plain_class(&obj) {
                                code!().cache_method(ip - 1, class, &m);
                            }
                            fiber.stack.push(m);
                            fiber.stack.push(obj);
                        }
                        None => match super::get_attr(&obj, name) {
                            Ok(v) => {
                                fiber.stack.push(v);
                                fiber.stack.push(Value::Null);
                            }
                            // Script code computes the attribute (a module's `__getattr__`):
                            // its value arrives with the absent receiver after it.
                            Err(Flow::Async(nf)) => {
                                fiber.frames.last_mut().expect("frame").ip = ip;
                                return self.push_native(fiber, nf, FrameKind::MethodAttr);
                            }
                            Err(flow) => throw!(flow),
                        },
                    }
                }
                Op::CallMethod(argc) => {
                    let n = fiber.stack.len();
                    let at = n - argc as usize - 2;
                    let argc = if let Value::Null = fiber.stack[at + 1] {
                        fiber.stack.remove(at + 1);
                        argc as usize
                    } else {
                        argc as usize + 1
                    };
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    if let Some(r) = call_native_simply(fiber, at) {
                        finish_call!(r.map(CallOutcome::Done));
                    }
                    if self.enter_simple(fiber, at, argc) {
                        switch_to!(fiber.frames.last().expect("frame"), at + 1, 0);
                        continue;
                    }
                    let outcome = self.call_value(fiber, at, argc, &[], FrameKind::Normal);
                    finish_call!(outcome);
                }
                Op::Call(argc) => {
                    let at = fiber.stack.len() - argc as usize - 1;
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    if let Some(r) = call_native_simply(fiber, at) {
                        finish_call!(r.map(CallOutcome::Done));
                    }
                    if self.enter_simple(fiber, at, argc as usize) {
                        switch_to!(fiber.frames.last().expect("frame"), at + 1, 0);
                        continue;
                    }
                    if self.make_generator_simply(fiber, at, argc as usize) {
                        continue;
                    }
                    let outcome = self.call_value(fiber, at, argc as usize, &[], FrameKind::Normal);
                    finish_call!(outcome);
                }
                Op::CallKw(argc, k) => {
                    let names = &code!().kwnames[k as usize];
                    let at = fiber.stack.len() - argc as usize - 1;
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    let outcome = self.call_value(fiber, at, argc as usize, names, FrameKind::Normal);
                    finish_call!(outcome);
                }
                Op::CallEx(has_kw) => {
                    let kwargs = if has_kw == 1 { Some(pop!()) } else { None };
                    let args = pop!();
                    let at = fiber.stack.len() - 1;
                    let Value::Tuple(args) = args else { unreachable!("CallEx takes a tuple") };
                    fiber.stack.extend(args.items.iter().cloned());
                    let mut names = Vec::new();
                    if let Some(Value::Dict(d)) = kwargs {
                        for (k, v) in d.items() {
                            match k {
                                Value::Str(s) => names.push(crate::intern::intern(&s.s)),
                                _ => throw!(ex::type_error("keywords must be strings")),
                            }
                            fiber.stack.push(v);
                        }
                    }
                    let argc = fiber.stack.len() - at - 1;
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    // `f(*args, **{})` forwarding positionals only is a plain call.
                    if names.is_empty() && self.enter_simple(fiber, at, argc) {
                        switch_to!(fiber.frames.last().expect("frame"), at + 1, 0);
                        continue;
                    }
                    let outcome = self.call_value(fiber, at, argc, &names, FrameKind::Normal);
                    finish_call!(outcome);
                }
                Op::Subscr => {
                    let n = fiber.stack.len();
                    if let Some(v) = ops::list_item_fast(&fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        // The index is an int (owns nothing); the list's reference is released
                        // by the assignment.
                        fiber.stack.truncate(n - 1);
                        fiber.stack[n - 2] = v;
                        continue;
                    }
                    let key = pop!();
                    let obj = pop!();
                    produce!(ops::get_item(&obj, &key));
                }
                Op::StoreSubscr => {
                    if fast_ops::store_list_item(&mut fiber.stack) {
                        continue;
                    }
                    let key = pop!();
                    let obj = pop!();
                    let v = pop!();
                    check!(ops::set_item(&obj, key, v));
                }
                Op::DeleteSubscr => {
                    let key = pop!();
                    let obj = pop!();
                    check!(ops::del_item(&obj, &key));
                }
                Op::BuildSlice(n) => {
                    let step = if n == 3 { pop!() } else { Value::None };
                    let stop = pop!();
                    let start = pop!();
                    fiber.stack.push(Value::Slice(Rc::new(crate::value::PySlice { start, stop, step })));
                }
                Op::Binary(op) | Op::Inplace(op) => {
                    // Small integers are computed in place on the stack; everything else goes
                    // through the general operators.
                    let n = fiber.stack.len();
                    if let (Value::Int(x), Value::Int(y)) = (&fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        if let Some(v) = ops::int_fast(op, *x, *y) {
                            set_int_result(&mut fiber.stack, Value::Int(v));
                            continue;
                        }
                    }
                    // Floats have no in-place operators: both forms compute the same value.
                    if let Some(v) = fast_ops::float_binary(op, &fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        fast_ops::set_scalar_result(&mut fiber.stack, Value::Float(v));
                        continue;
                    }
                    let b = pop!();
                    let a = pop!();
                    produce!(if matches!(code!().ops[ip - 1], Op::Inplace(_)) {
                        ops::inplace(op, &a, &b)
                    } else {
                        ops::binary(op, &a, &b)
                    });
                }
                Op::Unary(op) => {
                    let a = pop!();
                    match op {
                        UnaryOp::Not => match ops::truthy(&a) {
                            Some(t) => fiber.stack.push(Value::Bool(!t)),
                            None => produce!(protocol::not_value(a)),
                        },
                        _ => produce!(ops::unary(op, &a)),
                    }
                }
                Op::Compare(op) => {
                    let n = fiber.stack.len();
                    if let (Value::Int(x), Value::Int(y)) = (&fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        if let Some(r) = ops::int_compare(op, *x, *y) {
                            set_int_result(&mut fiber.stack, Value::Bool(r));
                            continue;
                        }
                    }
                    if let Some(r) = fast_ops::float_compare(op, &fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        fast_ops::set_scalar_result(&mut fiber.stack, Value::Bool(r));
                        continue;
                    }
                    let b = pop!();
                    let a = pop!();
                    produce!(compare_values(op, &a, &b));
                }
                Op::Jump(t) => {
                    // Loops jump back: a step (see `limits`).
                    if (t as usize) < ip {
                        self.fuel -= 1;
                        if self.fuel == 0 {
                            if let Err(flow) = self.refuel() {
                                throw!(flow);
                            }
                        }
                    }
                    ip = t as usize;
                }
                Op::PopJumpIfFalse(t) | Op::PopJumpIfTrue(t) => {
                    if let Some(&Value::Bool(b)) = fiber.stack.last() {
                        // SAFETY: a bool owns nothing; dropping the slot is forgetting it.
                        unsafe { fiber.stack.set_len(fiber.stack.len() - 1) };
                        if b == matches!(op, Op::PopJumpIfTrue(_)) {
                            ip = t as usize;
                        }
                        continue;
                    }
                    let v = pop!();
                    let truth = match v {
                        Value::Bool(b) => b,
                        _ => match ops::truthy(&v) {
                            Some(b) => b,
                            None => {
                                // Ask the object, then run this jump again with a bool.
                                ip -= 1;
                                produce!(protocol::truth_value(v));
                                continue;
                            }
                        },
                    };
                    if truth == matches!(op, Op::PopJumpIfTrue(_)) {
                        ip = t as usize;
                    }
                }
                Op::GetIter => {
                    let v = pop!();
                    produce!(protocol::get_iter(&v));
                }
                Op::ForIter(target) => {
                    let it = top!();
                    // The next item from an iterator that needs no call frame, or an error
                    // (StopIteration ends the loop).
                    let produced = match it {
                        Value::Iter(cell) => {
                            let step = cell.borrow_mut().next_simple();
                            match step {
                                Step::Item(v) => {
                                    fiber.stack.push(v);
                                    continue;
                                }
                                Step::Done => {
                                    pop!();
                                    ip = target as usize;
                                    continue;
                                }
                                Step::NeedsVm => {
                                    let mapped = cell.borrow_mut().map_step();
                                    match mapped {
                                        // The item is the mapped function's result: call it.
                                        // A StopIteration it raises ends the loop (`unwind`).
                                        MapStep::Call(func, arg) => {
                                            fiber.stack.push(func);
                                            fiber.stack.push(arg);
                                            let at = fiber.stack.len() - 2;
                                            fiber.frames.last_mut().expect("frame").ip = ip;
                                            if self.enter_simple(fiber, at, 1) {
                                                switch_to!(fiber.frames.last().expect("frame"), at + 1, 0);
                                                continue;
                                            }
                                            let outcome = self.call_value(fiber, at, 1, &[], FrameKind::Normal);
                                            match outcome {
                                                Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => {
                                                    return self.end_for_loop(fiber);
                                                }
                                                outcome => finish_call!(outcome),
                                            }
                                        }
                                        MapStep::Done => {
                                            pop!();
                                            ip = target as usize;
                                            continue;
                                        }
                                        MapStep::Other => protocol::next_async(it.clone()),
                                    }
                                }
                            }
                        }
                        Value::Generator(g) => {
                            let gen = g.clone();
                            fiber.frames.last_mut().expect("frame").ip = ip;
                            if switching!(self.resume_plainly(slot, &gen, Value::None, ResumeMode::ForIter)).is_ok() {
                                let top = fiber.frames.last().expect("frame");
                                switch_to!(top, top.base, top.ip);
                                continue;
                            }
                            return Event::Resume { gen, send: Ok(Value::None), mode: ResumeMode::ForIter };
                        }
                        _ => {
                            let next =
                                check!(super::attr::lookup_method(it, crate::intern::sym::NEXT).ok_or_else(|| {
                                    ex::type_error(format!("'{}' object is not an iterator", type_name(it)))
                                }));
                            // A native `__next__` (a file's lines, a library iterator) runs in
                            // place; a script one is called in a frame of its own.
                            if let Value::Native(f) = &next {
                                (f.func)(&Args { pos: std::slice::from_ref(it), kw: &[] })
                            } else {
                                let it = it.clone();
                                let at = fiber.stack.len();
                                fiber.stack.push(next);
                                fiber.stack.push(it);
                                fiber.frames.last_mut().expect("frame").ip = ip;
                                let outcome = self.call_value(fiber, at, 1, &[], FrameKind::IterNext);
                                return match outcome {
                                    Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => {
                                        self.end_for_loop(fiber)
                                    }
                                    other => self.after_call(fiber, other),
                                };
                            }
                        }
                    };
                    match produced {
                        Ok(v) => fiber.stack.push(v),
                        Err(Flow::Raise(e)) if is_instance_of(&e, ExcType::StopIteration) => {
                            pop!();
                            ip = target as usize;
                        }
                        Err(Flow::Async(nf)) => {
                            fiber.frames.last_mut().expect("frame").ip = ip;
                            return self.push_native(fiber, nf, FrameKind::IterNext);
                        }
                        Err(flow) => throw!(flow),
                    }
                }
                Op::BuildList(n) => {
                    let items = fiber.stack.split_off(fiber.stack.len() - n as usize);
                    fiber.stack.push(Value::list(items));
                }
                Op::BuildTuple(n) => {
                    let items = fiber.stack.split_off(fiber.stack.len() - n as usize);
                    fiber.stack.push(Value::tuple(items));
                }
                Op::BuildSet(n) => {
                    let items = fiber.stack.split_off(fiber.stack.len() - n as usize);
                    produce!(protocol::make_set(items, false));
                }
                Op::BuildMap(n) => {
                    let items = fiber.stack.split_off(fiber.stack.len() - 2 * n as usize);
                    produce!(protocol::make_dict(items));
                }
                Op::ListAppend(d) => {
                    let v = pop!();
                    if let Value::List(l) = &fiber.stack[fiber.stack.len() - d as usize] {
                        l.items.borrow_mut().push(v);
                    }
                }
                Op::SetAdd(d) => {
                    let v = pop!();
                    let set = fiber.stack[fiber.stack.len() - d as usize].clone();
                    check!(protocol::set_add(&set, v));
                }
                Op::MapAdd(d) => {
                    let v = pop!();
                    let k = pop!();
                    let dict = fiber.stack[fiber.stack.len() - d as usize].clone();
                    check!(ops::set_item(&dict, k, v));
                }
                Op::ListExtend(d) | Op::SetUpdate(d) | Op::DictUpdate(d) => {
                    let v = pop!();
                    let target = fiber.stack[fiber.stack.len() - d as usize].clone();
                    check!(protocol::extend_collection(&target, v));
                }
                Op::DictMerge(d) => {
                    let v = pop!();
                    let n = fiber.stack.len();
                    let target = fiber.stack[n - d as usize].clone();
                    check!(protocol::merge_kwargs(&target, v, &fiber.stack[n - d as usize - 2]));
                }
                Op::ListToTuple => {
                    let v = pop!();
                    if let Value::List(l) = v {
                        let items = std::mem::take(&mut *l.items.borrow_mut());
                        fiber.stack.push(Value::tuple(items));
                    }
                }
                Op::BuildString(n) => {
                    let parts = fiber.stack.split_off(fiber.stack.len() - n as usize);
                    let mut s = String::new();
                    for p in &parts {
                        s.push_str(p.as_str().unwrap_or(""));
                    }
                    fiber.stack.push(Value::str(s));
                }
                Op::FormatValue(flags) => {
                    let spec = if flags & 256 != 0 { Some(pop!()) } else { None };
                    let v = pop!();
                    let conv = char::from_u32(flags & 255).filter(|c| *c != '\0');
                    produce!(protocol::format_value(v, conv, spec));
                }
                Op::UnpackSequence(n) => {
                    if fast_ops::unpack_exact(&mut fiber.stack, n as usize) {
                        continue;
                    }
                    let v = pop!();
                    match protocol::unpack_fast(&v, n as usize) {
                        Some(Ok(items)) => fiber.stack.extend(items.into_iter().rev()),
                        Some(Err(flow)) => throw!(flow),
                        None => {
                            // Collect the items into a list, then unpack that.
                            ip -= 1;
                            produce!(protocol::collect_value(v));
                        }
                    }
                }
                Op::UnpackEx(before, after) => {
                    let v = pop!();
                    match protocol::unpack_fast(&v, usize::MAX) {
                        Some(Ok(items)) => {
                            let (before, after) = (before as usize, after as usize);
                            if items.len() < before + after {
                                throw!(ex::value_error(format!(
                                    "not enough values to unpack (expected at least {}, got {})",
                                    before + after,
                                    items.len()
                                )));
                            }
                            let mid = items[before..items.len() - after].to_vec();
                            for x in items[items.len() - after..].iter().rev() {
                                fiber.stack.push(x.clone());
                            }
                            fiber.stack.push(Value::list(mid));
                            for x in items[..before].iter().rev() {
                                fiber.stack.push(x.clone());
                            }
                        }
                        Some(Err(flow)) => throw!(flow),
                        None => {
                            ip -= 1;
                            produce!(protocol::collect_value(v));
                        }
                    }
                }
                Op::MakeFunction(idx, flags) => {
                    let child = code!().children[idx as usize].clone();
                    let annotations = if flags & 4 != 0 { Some(pop!()) } else { None };
                    let kwdefaults = if flags & 2 != 0 { Some(pop!()) } else { None };
                    let defaults = if flags & 1 != 0 { Some(pop!()) } else { None };
                    let closure: Box<[Value]> =
                        child.closure_from.iter().map(|&s| fiber.stack[base + s as usize].clone()).collect();
                    let f = super::call::make_function(
                        child,
                        Rc::clone(&fiber.frames.last().expect("frame").globals),
                        defaults,
                        kwdefaults,
                        closure,
                    );
                    if let (Some(a), Value::Function(f)) = (annotations, &f) {
                        f.attrs.borrow_mut().insert(sym::ANNOTATIONS, a);
                    }
                    fiber.stack.push(f);
                }
                Op::BuildClass(nargs, k) => {
                    // The keywords, if any, come as a dict above the bases.
                    let kw = if nargs & BUILD_CLASS_KW != 0 {
                        let Value::Dict(d) = pop!() else { unreachable!("class keywords are a dict") };
                        d.items()
                            .into_iter()
                            .map(|(k, v)| (crate::intern::intern(k.as_str().unwrap_or("")), v))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let nbases = (nargs & !BUILD_CLASS_KW) as usize;
                    let bases = fiber.stack.split_off(fiber.stack.len() - nbases);
                    let Value::Function(body) = pop!() else { unreachable!("class body is a function") };
                    let name = code!().consts[k as usize].clone();
                    produce!(crate::runtime::class_builder::build_class(body, name, bases, kw));
                }
                Op::Return => return_top!(),
                Op::ReturnNone => {
                    fiber.stack.push(Value::None);
                    ip += 1;
                    return_top!()
                }
                Op::Yield => {
                    let v = pop!();
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    match switching!(self.yield_plainly(slot, v)) {
                        Ok(()) => {
                            let top = fiber.frames.last().expect("frame");
                            switch_to!(top, top.base, top.ip);
                        }
                        Err(v) => return Event::Yield(v),
                    }
                }
                Op::AsyncYield => {
                    let v = pop!();
                    leave!(Event::AsyncYield(v));
                }
                Op::GetAIter => {
                    let v = pop!();
                    produce!(crate::runtime::coroutine::async_generators::get_aiter(v, Asker::AsyncFor));
                }
                Op::GetANext => {
                    let it = top!().clone();
                    produce!(crate::runtime::coroutine::async_generators::get_anext(&it, None, Asker::AsyncFor));
                }
                Op::EndAsyncFor => {
                    let Value::Instance(e) = pop!() else { unreachable!("a handler receives an exception") };
                    if !is_instance_of(&e, ExcType::StopAsyncIteration) {
                        leave!(Event::Reraise(e));
                    }
                    pop!(); // the async iterator
                }
                Op::GetYieldFromIter => {
                    let v = pop!();
                    match v {
                        Value::Generator(ref g) if !g.is_async_generator() => fiber.stack.push(v),
                        _ => produce!(protocol::get_iter(&v)),
                    }
                }
                Op::YieldFrom => {
                    let sent = pop!();
                    let it = top!().clone();
                    match &it {
                        Value::Generator(g) => {
                            let gen = g.clone();
                            fiber.frames.last_mut().expect("frame").ip = ip;
                            match switching!(self.resume_plainly(slot, &gen, sent, ResumeMode::YieldFrom)) {
                                Ok(()) => {
                                    let top = fiber.frames.last().expect("frame");
                                    switch_to!(top, top.base, top.ip);
                                }
                                Err(sent) => return Event::Resume { gen, send: Ok(sent), mode: ResumeMode::YieldFrom },
                            }
                        }
                        Value::Iter(cell) if cell.borrow().is_awaitable() => {
                            match crate::runtime::coroutine::await_step(cell, sent) {
                                AwaitStep::Yield(v) => {
                                    ip -= 1;
                                    leave!(Event::Yield(v));
                                }
                                AwaitStep::Return(v) => {
                                    pop!();
                                    fiber.stack.push(v);
                                }
                                AwaitStep::Raise(flow) => throw!(flow),
                                AwaitStep::Resume { gen, send } => {
                                    leave!(Event::Resume { gen, send, mode: ResumeMode::AsyncStep });
                                }
                                AwaitStep::RunThenStep(nf) => {
                                    // What the continuation returns is sent back in, and
                                    // YieldFrom steps the awaitable again.
                                    ip -= 1;
                                    fiber.frames.last_mut().expect("frame").ip = ip;
                                    return self.push_native(fiber, nf, FrameKind::Normal);
                                }
                            }
                        }
                        Value::Iter(cell) => {
                            let step = cell.borrow_mut().next_simple();
                            match step {
                                Step::Item(v) => {
                                    // Resuming pushes the sent value and runs YieldFrom again.
                                    ip -= 1;
                                    leave!(Event::Yield(v));
                                }
                                Step::Done => {
                                    pop!();
                                    fiber.stack.push(Value::None);
                                }
                                Step::NeedsVm => {
                                    throw!(ex::type_error("yield from over this iterator is not supported"));
                                }
                            }
                        }
                        _ => throw!(ex::type_error(format!("'{}' object is not iterable", type_name(&it)))),
                    }
                }
                Op::Await => {
                    // A coroutine object not yet started is awaited by starting it, as
                    // GetAwaitable, LoadNone and YieldFrom would.
                    if let Some(Value::Generator(g)) = fiber.stack.last() {
                        if g.is_coroutine() && g.state.get() == GenState::Created {
                            let gen = g.clone();
                            gen.awaited.set(true);
                            // Past the YieldFrom, as when it runs.
                            fiber.frames.last_mut().expect("frame").ip = ip + 2;
                            if switching!(self.resume_plainly(slot, &gen, Value::None, ResumeMode::YieldFrom)).is_ok() {
                                let top = fiber.frames.last().expect("frame");
                                switch_to!(top, top.base, top.ip);
                                continue;
                            }
                        }
                    }
                    let v = pop!();
                    produce!(crate::runtime::coroutine::get_awaitable(v));
                }
                Op::GetAwaitable => {
                    let v = pop!();
                    produce!(crate::runtime::coroutine::get_awaitable(v));
                }
                Op::Raise(n) => {
                    let flow = match n {
                        0 => match &self.handling(fiber) {
                            Some(Value::Instance(e)) => {
                                let e = e.clone();
                                leave!(Event::Reraise(e));
                            }
                            _ => ex::runtime_error("No active exception to reraise"),
                        },
                        1 => {
                            let e = pop!();
                            protocol::make_exception(e, None, self.handling(fiber))
                        }
                        _ => {
                            let cause = pop!();
                            let e = pop!();
                            protocol::make_exception(e, Some(cause), self.handling(fiber))
                        }
                    };
                    throw!(flow);
                }
                Op::Reraise => {
                    let e = pop!();
                    let Value::Instance(e) = e else { unreachable!("re-raising a non-exception") };
                    leave!(Event::Reraise(e));
                }
                Op::PushExcInfo => {
                    let e = pop!();
                    let prev = fiber.handling.replace(e.clone()).unwrap_or(Value::None);
                    fiber.stack.push(prev);
                    fiber.stack.push(e);
                }
                Op::PopExcept => {
                    let prev = pop!();
                    fiber.handling = if prev.is_none() { None } else { Some(prev) };
                }
                Op::CheckExcMatch => {
                    let typ = pop!();
                    let e = top!().clone();
                    produce!(protocol::exception_matches(&e, &typ).map(Value::Bool));
                }
                Op::CheckEgMatch => {
                    let typ = pop!();
                    let rest = pop!();
                    produce!(crate::runtime::exception_groups::check_eg_match(rest, typ));
                }
                Op::PrepReraiseStar => {
                    let raised = pop!();
                    let orig = pop!();
                    produce!(crate::runtime::exception_groups::prep_reraise_star(orig, raised));
                }
                Op::BeforeWith(is_async) => {
                    let mgr = pop!();
                    let (exit_name, enter_name) =
                        if is_async == 1 { (sym::AEXIT, sym::AENTER) } else { (sym::EXIT, sym::ENTER) };
                    let missing = || {
                        let what = if is_async == 1 { "asynchronous context manager" } else { "context manager" };
                        ex::type_error(format!("'{}' object does not support the {} protocol", type_name(&mgr), what))
                    };
                    let exit = check!(super::attr::lookup_bound(&mgr, exit_name).ok_or_else(missing));
                    let enter = check!(super::attr::lookup_bound(&mgr, enter_name).ok_or_else(missing));
                    fiber.stack.push(exit);
                    let at = fiber.stack.len();
                    fiber.stack.push(enter);
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    let outcome = self.call_value(fiber, at, 0, &[], FrameKind::Normal);
                    return self.after_call(fiber, outcome);
                }
                Op::WithExceptStart => {
                    let n = fiber.stack.len();
                    let exit = fiber.stack[n - 3].clone();
                    let e = fiber.stack[n - 1].clone();
                    let at = n;
                    fiber.stack.push(exit);
                    let tb = match &e {
                        Value::Instance(i) => {
                            i.exc().map(|x| crate::runtime::traceback_objects::traceback_object(&x.borrow().traceback))
                        }
                        _ => None,
                    };
                    fiber.stack.push(Value::Class(types().class_of(&e)));
                    fiber.stack.push(e);
                    fiber.stack.push(tb.unwrap_or(Value::None));
                    fiber.frames.last_mut().expect("frame").ip = ip;
                    let outcome = self.call_value(fiber, at, 3, &[], FrameKind::Normal);
                    return self.after_call(fiber, outcome);
                }
                Op::ImportName(i) => {
                    let name = code!().names[i as usize];
                    let fromlist = pop!();
                    let level = match pop!() {
                        Value::Int(n) => n.max(0) as usize,
                        _ => 0,
                    };
                    let r = crate::import::import_name(Some(globals!()), name.as_str(), fromlist, level);
                    produce!(r);
                }
                Op::ImportFrom(i) => {
                    let name = code!().names[i as usize];
                    let r = crate::import::import_from(top!(), name);
                    produce!(r);
                }
                Op::ImportStar => {
                    let m = pop!();
                    check!(super::import_star(&m, globals!()));
                }
                Op::LoadAssertionError => fiber.stack.push(Value::Class(types().exc(ExcType::AssertionError).clone())),
                Op::MatchSequence => {
                    let matches = super::matching::is_sequence(top!());
                    fiber.stack.push(Value::Bool(matches));
                }
                Op::MatchMapping => {
                    let matches = super::matching::is_mapping(top!());
                    fiber.stack.push(Value::Bool(matches));
                }
                Op::GetLen => {
                    let v = top!().clone();
                    produce!(super::matching::len(v));
                }
                Op::MatchKeys => {
                    let n = fiber.stack.len();
                    let (subject, keys) = (fiber.stack[n - 2].clone(), fiber.stack[n - 1].clone());
                    produce!(super::matching::match_keys(subject, keys));
                }
                Op::CopyDictWithoutKeys => {
                    let keys = pop!();
                    let subject = top!().clone();
                    produce!(super::matching::dict_without_keys(subject, keys));
                }
                Op::MatchClass(npos) => {
                    let names = pop!();
                    let cls = pop!();
                    let subject = pop!();
                    produce!(super::matching::match_class(subject, cls, names, npos as usize));
                }

                // Superinstructions: on the fast path they do both instructions and skip the
                // second; otherwise they do the first, and the second runs next.
                Op::LoadFast2(a, b) => {
                    load_fast!(a);
                    if !matches!(fiber.stack[base + b as usize], Value::Null) {
                        push_local(&mut fiber.stack, base + b as usize);
                        ip += 1;
                    }
                }
                Op::LoadFastAttr(a, n) => {
                    let at = base + a as usize;
                    if let Value::Instance(inst) = &fiber.stack[at] {
                        let name = code!().names[n as usize];
                        if inst.reads_plainly(name) {
                            // The hint belongs to the `LoadAttr`, at `ip`.
                            if let Some(v) = inst.own_attr(name, &code!().attr_hints[ip]) {
                                fiber.stack.push(v);
                                ip += 1;
                                continue;
                            }
                        }
                    }
                    load_fast!(a);
                }
                Op::LoadFastStoreAttr(a, n) => {
                    let at = base + a as usize;
                    if matches!(&fiber.stack[at], Value::Instance(inst) if inst.writes_plainly(code!().names[n as usize]))
                    {
                        let v = pop!();
                        if let Value::Instance(inst) = &fiber.stack[at] {
                            if let Err(v) = inst.set_own_attr(code!().names[n as usize], v, &code!().attr_hints[ip]) {
                                // `__dict__`: the general path, as the `StoreAttr` would take it.
                                let obj = fiber.stack[at].clone();
                                ip += 1;
                                check!(super::set_attr(&obj, code!().names[n as usize], v));
                                continue;
                            }
                        }
                        ip += 1;
                        continue;
                    }
                    load_fast!(a);
                }
                Op::BinaryImm(_, k) | Op::CompareImm(_, k) => {
                    if let Some(Value::Int(x)) = fiber.stack.last() {
                        let r = match op {
                            Op::BinaryImm(op, _) => ops::int_fast(op, *x, k as i64).map(Value::Int),
                            Op::CompareImm(op, _) => ops::int_compare(op, *x, k as i64).map(Value::Bool),
                            _ => None,
                        };
                        if let Some(r) = r {
                            set_top_int_result(&mut fiber.stack, r);
                            ip += 1;
                            continue;
                        }
                    }
                    fiber.stack.push(Value::Int(k as i64));
                }
                Op::CompareImmJumpIfFalse(cmp, k, t) | Op::CompareImmJumpIfTrue(cmp, k, t) => {
                    if let Some(&Value::Int(x)) = fiber.stack.last() {
                        if let Some(r) = ops::int_compare(cmp, x, k as i64) {
                            // SAFETY: the operand is an int, which owns nothing.
                            unsafe { fiber.stack.set_len(fiber.stack.len() - 1) };
                            let jump_when = matches!(op, Op::CompareImmJumpIfTrue(..));
                            ip = if r == jump_when { t as usize } else { ip + 2 };
                            continue;
                        }
                    }
                    fiber.stack.push(Value::Int(k as i64));
                }
                Op::CompareJumpIfFalse(cmp, t) | Op::CompareJumpIfTrue(cmp, t) => {
                    let n = fiber.stack.len();
                    if let (Value::Int(x), Value::Int(y)) = (&fiber.stack[n - 2], &fiber.stack[n - 1]) {
                        if let Some(r) = ops::int_compare(cmp, *x, *y) {
                            // SAFETY: both operands are ints, which own nothing.
                            unsafe { fiber.stack.set_len(n - 2) };
                            let jump_when = matches!(op, Op::CompareJumpIfTrue(..));
                            ip = if r == jump_when { t as usize } else { ip + 1 };
                            continue;
                        }
                    }
                    let b = pop!();
                    let a = pop!();
                    produce!(compare_values(cmp, &a, &b));
                }
            }
        }
    }

    /// Enters a script function called with exactly its positional parameters, if that is
    /// what `stack[at]` is: the common call, done without leaving `execute`.
    #[inline(always)]
    pub(super) fn enter_simple(&mut self, fiber: &mut Fiber, at: usize, argc: usize) -> bool {
        let Value::Function(f) = &fiber.stack[at] else { return self.enter_init(fiber, at, argc) };
        if !self.enters_simply(f, argc) {
            return false;
        }
        self.enter_frame(fiber, at, argc, FrameKind::Normal);
        true
    }

    /// Enters `__init__` for a plain class called as `enter_simple` calls functions.
    #[inline(never)]
    pub(super) fn enter_init(&mut self, fiber: &mut Fiber, at: usize, argc: usize) -> bool {
        match self.prepare_init(fiber, at, argc) {
            Some(instance) => {
                self.enter_frame(fiber, at, argc + 1, FrameKind::Init(instance));
                true
            }
            None => false,
        }
    }

    /// Pushes the frame of the function at `stack[at]`, which `enters_simply` with `argc`.
    #[inline(always)]
    pub(super) fn enter_frame(&mut self, fiber: &mut Fiber, at: usize, argc: usize, kind: FrameKind) {
        let Value::Function(f) = &fiber.stack[at] else { unreachable!("the caller checked") };
        let (code, globals) = (f.code.clone(), f.globals.clone());
        let base = at + 1;
        if code.nlocals() > argc {
            fiber.stack.resize(base + code.nlocals(), Value::Null);
        }
        if !code.cells.is_empty() || !code.freevars.is_empty() {
            let Value::Function(f) = fiber.stack[at].clone() else { unreachable!("checked above") };
            super::call::bind_cells(&mut fiber.stack[base..], &f);
        }
        self.depth += 1;
        // A step; `enters_simply` left at least one in the countdown.
        self.fuel -= 1;
        fiber.frames.push(Frame { code, ip: 0, base, ret_sp: at, globals, kind, native: None });
    }

    /// Starts a class body frame with its own namespace.
    pub(super) fn enter_class_body(
        &mut self,
        fiber: &mut Fiber,
        body: Rc<crate::object::function::Function>,
        kind: FrameKind,
    ) -> Event {
        let code = body.code.clone();
        let base = fiber.stack.len();
        fiber.stack.resize(base + code.nlocals(), Value::Null);
        for &slot in &code.cells {
            let cell = Value::Cell(Rc::new(RefCell::new(Value::Null)));
            fiber.stack[base + slot as usize] = cell;
        }
        for (i, &slot) in code.freevars.iter().enumerate() {
            fiber.stack[base + slot as usize] = body.closure[i].clone();
        }
        if self.depth >= self.recursion_limit {
            return Event::Raise(exc_of(ex::raise(ExcType::RecursionError, "maximum recursion depth exceeded")));
        }
        self.depth += 1;
        fiber.frames.push(Frame { code, ip: 0, base, ret_sp: base, globals: body.globals.clone(), kind, native: None });
        Event::Continue
    }
}

/// `a cmp b` in general.
/// Calls the native function at `stack[at]` with the values above it as positional
/// arguments, leaving the stack at `at`: the common call of a builtin without the general
/// call path. `None` when the callee is anything else or weak-reference callbacks must run
/// first (the general path runs them).
#[inline(always)]
fn call_native_simply(fiber: &mut Fiber, at: usize) -> Option<PyResult> {
    let Value::Native(n) = &fiber.stack[at] else { return None };
    if crate::runtime::weak::callbacks_due() {
        return None;
    }
    let func = n.func;
    let result = func(&Args { pos: &fiber.stack[at + 1..], kw: &[] });
    truncate_stack(&mut fiber.stack, at);
    Some(result)
}

fn compare_values(op: CmpOp, a: &Value, b: &Value) -> PyResult {
    match op {
        CmpOp::Is => Ok(Value::Bool(a.is(b))),
        CmpOp::IsNot => Ok(Value::Bool(!a.is(b))),
        CmpOp::In | CmpOp::NotIn => match fast_ops::contains(b, a) {
            Some(found) => Ok(Value::Bool(found == (op == CmpOp::In))),
            None => ops::compare(op, a, b),
        },
        _ => ops::compare(op, a, b),
    }
}

fn name_error(name: Symbol) -> Flow {
    let e = new_exception(types().exc(ExcType::NameError), vec![Value::str(format!("name '{}' is not defined", name))]);
    e.attrs.borrow_mut().insert(crate::intern::intern("name"), Value::str(name.as_str()));
    Flow::Raise(e)
}

fn unbound_local(code: &Code, slot: u32) -> Flow {
    let name = code.local_names[slot as usize];
    ex::raise(
        ExcType::UnboundLocalError,
        format!("cannot access local variable '{}' where it is not associated with a value", name),
    )
}

/// The value in a cell or free variable's slot (`Null` if unbound).
#[inline(always)]
fn cell_value(slot: &Value) -> Value {
    match slot {
        Value::Cell(c) => c.borrow().clone(),
        other => other.clone(),
    }
}

/// `name` in the running class body's namespace, if the frame is a class body.
fn class_ns_get(fiber: &Fiber, name: Symbol) -> Option<Value> {
    match &fiber.frames.last().expect("frame").kind {
        FrameKind::ClassBody(body) => body.ns.get_str(name.as_str()),
        _ => None,
    }
}

fn unbound_deref(code: &Code, slot: u32) -> Flow {
    let name = code.local_names[slot as usize];
    if code.cells.contains(&slot) {
        return unbound_local(code, slot);
    }
    ex::raise(
        ExcType::NameError,
        format!("cannot access free variable '{}' where it is not associated with a value in enclosing scope", name),
    )
}
