//! `class` statements: checking the bases and turning a class body's namespace into a class.

use crate::intern::{intern, sym};
use crate::object::class::{c3_mro, Attrs, Class, Layout};
use crate::runtime::exceptions::type_error;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::PyResult;
use std::cell::RefCell;
use std::rc::Rc;

/// The bases as classes; no bases means `object`.
pub fn check_bases(bases: Vec<Value>) -> PyResult<Vec<Rc<Class>>> {
    if bases.is_empty() {
        return Ok(vec![types().object.clone()]);
    }
    bases
        .into_iter()
        .map(|b| match b {
            Value::Class(c) => Ok(c),
            other => Err(type_error(format!("bases must be types, not {}", type_name(&other)))),
        })
        .collect()
}

/// The instance layout a class with this MRO (less itself) has. Instances can carry the
/// state of one builtin base only, as in CPython.
fn layout_of(mro: &[Rc<Class>]) -> PyResult<Layout> {
    let t = types();
    let carries_value = |c: &Rc<Class>| [&t.list, &t.dict, &t.set].into_iter().any(|b| Rc::ptr_eq(c, b));
    let value_bases = mro.iter().filter(|c| carries_value(c)).count();
    if value_bases > 1 {
        return Err(type_error("multiple bases have instance lay-out conflict"));
    }
    if value_bases == 1 {
        if mro.iter().any(|c| matches!(c.layout, Layout::Exception | Layout::Native)) {
            return Err(type_error("multiple bases have instance lay-out conflict"));
        }
        return Ok(Layout::Value);
    }
    Ok(mro.iter().map(|b| b.layout).find(|l| matches!(l, Layout::Exception | Layout::Native)).unwrap_or(Layout::Object))
}

/// Creates the class once its body has run.
pub fn make_class(name: &Value, bases: Vec<Rc<Class>>, ns: Rc<RefCell<Attrs>>) -> PyResult {
    let name = name.as_str().unwrap_or("?");
    let mro = c3_mro(&bases).map_err(type_error)?;
    let layout = layout_of(&mro)?;
    let mut attrs = std::mem::take(&mut *ns.borrow_mut());
    let class_cell = attrs.shift_remove(&sym::CLASS_CELL);
    let qualname = match attrs.shift_remove(&sym::QUALNAME) {
        Some(Value::Str(s)) => s.s.to_string(),
        _ => name.to_string(),
    };
    let module = match attrs.get(&sym::MODULE) {
        Some(Value::Str(s)) => intern(&s.s),
        _ => sym::MAIN,
    };
    let class = Rc::new(Class {
        name: intern(name),
        qualname,
        module,
        bases,
        mro,
        attrs: RefCell::new(attrs),
        layout,
        special_attrs: std::cell::Cell::new(false),
        attrs_per_instance: std::cell::Cell::new(0),
    });
    class.special_attrs.set(class.compute_special_attrs());
    if let Some(Value::Cell(cell)) = class_cell {
        *cell.borrow_mut() = Value::Class(class.clone());
    }
    Ok(Value::Class(class))
}

/// A class implemented in Rust, whose instances carry a native payload.
pub fn native_class(module: &str, name: &str, bases: Vec<Rc<Class>>) -> Rc<Class> {
    let mro = c3_mro(&bases).unwrap_or_default();
    Rc::new(Class {
        name: intern(name),
        qualname: name.to_string(),
        module: intern(module),
        bases,
        mro,
        attrs: RefCell::default(),
        layout: Layout::Native,
        special_attrs: std::cell::Cell::new(false),
        attrs_per_instance: std::cell::Cell::new(0),
    })
}
