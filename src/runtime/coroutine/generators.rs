//! Methods of generator objects: `send`, `throw`, `close`, and the close a generator gets
//! when a loop abandons it.

use crate::object::function::Args;
use crate::object::{GenState, Generator};
use crate::runtime::args::check_args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{self as ex, is_instance_of, new_exception, type_error};
use crate::runtime::types;
use crate::runtime::ExcType;
use crate::value::Value;
use crate::vm::native::{run_async, GenStep};
use crate::vm::{Flow, PyResult};
use std::rc::Rc;

pub fn install() {
    let t = types();
    for class in [&t.generator, &t.coroutine] {
        method(class, "send", send);
        method(class, "throw", throw);
        method(class, "close", |a| close(this(a)?));
    }
    method(&t.generator, "__next__", |a| {
        let gen = this(a)?;
        resume(gen, Value::None)
    });
    method(&t.generator, "__iter__", |a| Ok(a.pos[0].clone()));
}

fn this(a: &Args) -> PyResult<Rc<Generator>> {
    match a.pos.first() {
        Some(Value::Generator(g)) => Ok(g.clone()),
        _ => Err(type_error("descriptor requires a 'generator' object")),
    }
}

/// Runs the generator to its next yield; StopIteration carries its return value.
fn resume(gen: Rc<Generator>, value: Value) -> PyResult {
    run_async(|ctx| async move {
        match ctx.send(gen, value).await? {
            GenStep::Yielded(v) => Ok(super::shown_to_script(v)),
            GenStep::Returned(v) => Err(ex::stop_iteration(if v.is_none() { None } else { Some(v) })),
        }
    })
}

fn send(a: &Args) -> PyResult {
    check_args(a, "send", 2, 2)?;
    resume(this(a)?, a.pos[1].clone())
}

fn throw(a: &Args) -> PyResult {
    check_args(a, "throw", 2, 3)?;
    let gen = this(a)?;
    let exc = exception_to_throw(&a.pos[1], a.pos.get(2))?;
    run_async(|ctx| async move {
        match ctx.throw(gen, exc).await? {
            GenStep::Yielded(v) => Ok(super::shown_to_script(v)),
            GenStep::Returned(v) => Err(ex::stop_iteration(if v.is_none() { None } else { Some(v) })),
        }
    })
}

/// The exception `throw(typ[, val])` throws: an instance as it is, or a class called with `val`.
pub fn exception_to_throw(typ: &Value, val: Option<&Value>) -> PyResult<crate::vm::Exc> {
    match typ {
        Value::Instance(i) if i.exc().is_some() => Ok(i.clone()),
        Value::Class(c) if c.is_subclass(types().exc(ExcType::BaseException)) => {
            Ok(new_exception(c, val.cloned().into_iter().collect()))
        }
        _ => Err(type_error(format!(
            "exceptions must be classes or instances deriving from BaseException, not {}",
            crate::runtime::type_name(typ)
        ))),
    }
}

/// `gen.close()`: raises GeneratorExit inside a suspended generator so its cleanup runs.
pub fn close(gen: Rc<Generator>) -> PyResult {
    match gen.state.get() {
        GenState::Created | GenState::Finished => {
            gen.state.set(GenState::Finished);
            *gen.fiber.borrow_mut() = None;
            return Ok(Value::None);
        }
        GenState::Running => return Err(ex::value_error(format!("{} already executing", gen.kind_word()))),
        GenState::Suspended => {}
    }
    let exit = new_exception(types().exc(ExcType::GeneratorExit), Vec::new());
    let ignored = format!("{} ignored GeneratorExit", gen.kind_word());
    run_async(|ctx| async move {
        match ctx.throw(gen, exit).await {
            Ok(GenStep::Yielded(_)) => Err(ex::runtime_error(ignored)),
            Ok(GenStep::Returned(_)) => Ok(Value::None),
            Err(Flow::Raise(e))
                if is_instance_of(&e, ExcType::GeneratorExit) || is_instance_of(&e, ExcType::StopIteration) =>
            {
                Ok(Value::None)
            }
            Err(e) => Err(e),
        }
    })
}

/// Whether dropping this reference abandons a suspended generator inside a `try`, whose
/// `finally`/`except` must then run (CPython closes generators when they are collected).
pub fn needs_close_on_drop(gen: &Rc<Generator>) -> bool {
    // An async generator is closed by its event loop instead (see `hooks`).
    if Rc::strong_count(gen) != 1 || gen.state.get() != GenState::Suspended || gen.is_async_generator() {
        return false;
    }
    let fiber = gen.fiber.borrow();
    fiber.as_ref().is_some_and(|f| {
        f.frames.iter().any(|fr| {
            let at = fr.ip.saturating_sub(1) as u32;
            fr.code.handlers.iter().any(|h| h.start <= at && at < h.end)
        })
    })
}
