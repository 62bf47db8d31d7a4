//! The `array` module, natively: `array.array`, a typed sequence of numbers (or, for 'u',
//! characters) with CPython's range checks and messages, and its bytes in the machine's
//! order. Items are kept widened (every integer code as `i128`, 'f' rounded to `f32`).

mod items;

use crate::intern::intern;
use crate::object::class::Class;
use crate::object::function::Args;
use crate::object::instance::{Instance, Payload};
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::method;
use crate::runtime::exceptions::{index_error, type_error, value_error};
use crate::runtime::protocol::{iterate, repr_value};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::native::run_async;
use crate::vm::ops::slice_positions;
use crate::vm::{Flow, PyResult};
use items::{Data, Item};
use std::cell::{RefCell, RefMut};
use std::rc::Rc;

pub struct Array {
    code: char,
    data: Data,
}

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("array")));
    m.set(intern("__name__"), Value::str("array"));
    let class = make_class();
    m.set(intern("array"), Value::Class(class.clone()));
    m.set(intern("ArrayType"), Value::Class(class));
    m.set(intern("typecodes"), Value::str(items::TYPECODES));
    m
}

fn data(v: &Value) -> PyResult<RefMut<'_, Array>> {
    match v {
        Value::Instance(i) => i.native::<Array>(),
        _ => None,
    }
    .ok_or_else(|| type_error("descriptor requires a 'array.array' object"))
}

fn is_array(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.native::<Array>().is_some())
}

/// A new array of the class of `like` (or `array.array`).
fn new_array(class: &Rc<Class>, code: char, data: Data) -> Value {
    let mut inst = Instance::new(class.clone());
    inst.payload = Payload::Native(RefCell::new(Box::new(Array { code, data })));
    Value::Instance(Rc::new(inst))
}

fn class_of(v: &Value) -> Rc<Class> {
    match v {
        Value::Instance(i) => i.class.clone(),
        _ => unreachable!("checked to be an array"),
    }
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => Err(type_error(format!("'{}' object cannot be interpreted as an integer", type_name(v)))),
    }
}

/// `a[i]`'s position, with `what` naming the operation in the out-of-range message.
fn position(len: usize, i: i64, what: &str) -> PyResult<usize> {
    let j = if i < 0 { i + len as i64 } else { i };
    if (0..len as i64).contains(&j) {
        Ok(j as usize)
    } else {
        Err(index_error(format!("{} out of range", what)))
    }
}

fn make_class() -> Rc<Class> {
    // Named as CPython's type is, so messages say 'array.array'; `__qualname__` and the
    // class's repr use the short name.
    let bases = vec![types().object.clone()];
    let mro = crate::object::class::c3_mro(&bases).unwrap_or_default();
    let class = Rc::new(Class::new(
        intern("array.array"),
        "array".to_string(),
        intern("array"),
        bases,
        mro,
        crate::object::class::Layout::Native,
    ));
    method(&class, "__new__", construct);
    method(&class, "__init__", |_| Ok(Value::None));
    method(&class, "append", |a| {
        check_args(a, "append", 2, 2)?;
        let mut arr = data(&a.pos[0])?;
        let item = Item::from_value(arr.code, &a.pos[1])?;
        arr.data.push(item);
        Ok(Value::None)
    });
    method(&class, "extend", |a| {
        check_args(a, "extend", 2, 2)?;
        extend(&a.pos[0], a.pos[1].clone(), "can only extend with array of same kind")
    });
    method(&class, "fromlist", |a| {
        check_args(a, "fromlist", 2, 2)?;
        let Value::List(l) = &a.pos[1] else { return Err(type_error("arg must be list")) };
        let mut arr = data(&a.pos[0])?;
        let code = arr.code;
        let new: Vec<Item> = l.items.borrow().iter().map(|v| Item::from_value(code, v)).collect::<PyResult<_>>()?;
        arr.data.extend(new);
        Ok(Value::None)
    });
    method(&class, "insert", |a| {
        check_args(a, "insert", 3, 3)?;
        let mut arr = data(&a.pos[0])?;
        let n = arr.data.len() as i64;
        let i = int_arg(&a.pos[1])?;
        let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
        let item = Item::from_value(arr.code, &a.pos[2])?;
        arr.data.insert(at, item);
        Ok(Value::None)
    });
    method(&class, "pop", |a| {
        check_args(a, "pop", 1, 2)?;
        let mut arr = data(&a.pos[0])?;
        if arr.data.len() == 0 {
            return Err(index_error("pop from empty array"));
        }
        let i = a.pos.get(1).map(int_arg).transpose()?.unwrap_or(-1);
        let at = position(arr.data.len(), i, "pop index")?;
        Ok(arr.data.remove(at).to_value())
    });
    method(&class, "remove", |a| {
        check_args(a, "remove", 2, 2)?;
        let mut arr = data(&a.pos[0])?;
        match arr.data.find(&a.pos[1], 0, usize::MAX) {
            Some(at) => {
                arr.data.remove(at);
                Ok(Value::None)
            }
            None => Err(value_error("array.remove(x): x not in array")),
        }
    });
    method(&class, "index", |a| {
        check_args(a, "index", 2, 4)?;
        let arr = data(&a.pos[0])?;
        let n = arr.data.len() as i64;
        let bound = |v: Option<&Value>, default: i64| -> PyResult<usize> {
            let i = v.map(int_arg).transpose()?.unwrap_or(default);
            Ok(if i < 0 { (i + n).max(0) } else { i.min(n) } as usize)
        };
        let (start, stop) = (bound(a.pos.get(2), 0)?, bound(a.pos.get(3), n)?);
        match arr.data.find(&a.pos[1], start, stop) {
            Some(at) => Ok(Value::Int(at as i64)),
            None => Err(value_error("array.index(x): x not in array")),
        }
    });
    method(&class, "count", |a| {
        check_args(a, "count", 2, 2)?;
        let arr = data(&a.pos[0])?;
        Ok(Value::Int((0..arr.data.len()).filter(|&i| arr.data.get(i).equals(&a.pos[1])).count() as i64))
    });
    method(&class, "reverse", |a| {
        check_args(a, "reverse", 1, 1)?;
        data(&a.pos[0])?.data.reverse();
        Ok(Value::None)
    });
    method(&class, "byteswap", |a| {
        check_args(a, "byteswap", 1, 1)?;
        let mut arr = data(&a.pos[0])?;
        let code = arr.code;
        let mut bytes = arr.data.to_bytes(code);
        let size = items::itemsize(code);
        bytes.chunks_mut(size).for_each(|c| c.reverse());
        arr.data = Data::from_bytes(code, &bytes);
        Ok(Value::None)
    });
    method(&class, "tobytes", |a| {
        check_args(a, "tobytes", 1, 1)?;
        let arr = data(&a.pos[0])?;
        Ok(Value::bytes(arr.data.to_bytes(arr.code)))
    });
    method(&class, "frombytes", |a| {
        check_args(a, "frombytes", 2, 2)?;
        let Value::Bytes(b) = &a.pos[1] else {
            return Err(type_error(format!("a bytes-like object is required, not '{}'", type_name(&a.pos[1]))));
        };
        let mut arr = data(&a.pos[0])?;
        let code = arr.code;
        let bytes = b.data.borrow();
        if bytes.len() % items::itemsize(code) != 0 {
            return Err(value_error("bytes length not a multiple of item size"));
        }
        let new = Data::from_bytes(code, &bytes);
        arr.data.append(new);
        Ok(Value::None)
    });
    method(&class, "tolist", |a| {
        check_args(a, "tolist", 1, 1)?;
        Ok(Value::list(data(&a.pos[0])?.data.values()))
    });
    method(&class, "tounicode", |a| {
        check_args(a, "tounicode", 1, 1)?;
        let arr = data(&a.pos[0])?;
        match &arr.data {
            Data::Char(c) => Ok(Value::str(c.iter().collect::<String>())),
            _ => Err(value_error("tounicode() may only be called on unicode type arrays")),
        }
    });
    method(&class, "fromunicode", |a| {
        check_args(a, "fromunicode", 2, 2)?;
        let Some(s) = a.pos[1].as_str() else {
            return Err(type_error(format!("fromunicode() argument must be str, not {}", type_name(&a.pos[1]))));
        };
        let mut arr = data(&a.pos[0])?;
        match &mut arr.data {
            Data::Char(c) => c.extend(s.chars()),
            _ => return Err(value_error("fromunicode() may only be called on unicode type arrays")),
        }
        Ok(Value::None)
    });
    crate::modules::datetime::property(&class, "typecode", |a| Ok(Value::str(data(&a.pos[0])?.code.to_string())));
    crate::modules::datetime::property(&class, "itemsize", |a| {
        Ok(Value::Int(items::itemsize(data(&a.pos[0])?.code) as i64))
    });
    method(&class, "__len__", |a| Ok(Value::Int(data(&a.pos[0])?.data.len() as i64)));
    method(&class, "__getitem__", getitem);
    method(&class, "__setitem__", setitem);
    method(&class, "__delitem__", delitem);
    method(&class, "__contains__", |a| {
        check_args(a, "__contains__", 2, 2)?;
        Ok(Value::Bool(data(&a.pos[0])?.data.find(&a.pos[1], 0, usize::MAX).is_some()))
    });
    method(&class, "__iter__", |a| {
        check_args(a, "__iter__", 1, 1)?;
        let items = data(&a.pos[0])?.data.values();
        crate::runtime::protocol::get_iter(&Value::list(items))
    });
    method(&class, "__repr__", |a| {
        check_args(a, "__repr__", 1, 1)?;
        let arr = data(&a.pos[0])?;
        if arr.data.len() == 0 {
            return Ok(Value::str(format!("array('{}')", arr.code)));
        }
        let body = match &arr.data {
            Data::Char(c) => repr_value(Value::str(c.iter().collect::<String>()))?,
            d => repr_value(Value::list(d.values()))?,
        };
        Ok(Value::str(format!("array('{}', {})", arr.code, body.as_str().unwrap_or(""))))
    });
    method(&class, "__add__", |a| {
        check_args(a, "__add__", 2, 2)?;
        concat(&a.pos[0], &a.pos[1], false)
    });
    method(&class, "__iadd__", |a| {
        check_args(a, "__iadd__", 2, 2)?;
        concat(&a.pos[0], &a.pos[1], true)
    });
    method(&class, "__mul__", |a| repeat(a, false));
    method(&class, "__rmul__", |a| repeat(a, false));
    method(&class, "__imul__", |a| repeat(a, true));
    method(&class, "__copy__", |a| {
        let arr = data(&a.pos[0])?;
        Ok(new_array(&class_of(&a.pos[0]), arr.code, arr.data.clone()))
    });
    for (name, op) in [
        ("__eq__", crate::ast::CmpOp::Eq),
        ("__ne__", crate::ast::CmpOp::NotEq),
        ("__lt__", crate::ast::CmpOp::Lt),
        ("__le__", crate::ast::CmpOp::LtE),
        ("__gt__", crate::ast::CmpOp::Gt),
        ("__ge__", crate::ast::CmpOp::GtE),
    ] {
        let f: crate::object::function::NativeFn = match op {
            crate::ast::CmpOp::Eq => |a| compare(a, crate::ast::CmpOp::Eq),
            crate::ast::CmpOp::NotEq => |a| compare(a, crate::ast::CmpOp::NotEq),
            crate::ast::CmpOp::Lt => |a| compare(a, crate::ast::CmpOp::Lt),
            crate::ast::CmpOp::LtE => |a| compare(a, crate::ast::CmpOp::LtE),
            crate::ast::CmpOp::Gt => |a| compare(a, crate::ast::CmpOp::Gt),
            _ => |a| compare(a, crate::ast::CmpOp::GtE),
        };
        method(&class, name, f);
    }
    class.attrs.borrow_mut().insert(intern("__hash__"), Value::None);
    class.settle_attr_rules();
    class
}

/// `array(typecode[, initializer])`.
fn construct(a: &Args) -> PyResult {
    let Some(Value::Class(cls)) = a.pos.first() else {
        return Err(type_error("array.__new__(X): X is not a type object"));
    };
    if !a.kw.is_empty() {
        return Err(type_error("array.array() takes no keyword arguments"));
    }
    if a.pos.len() < 2 {
        return Err(type_error("array() takes at least 1 argument (0 given)"));
    }
    if a.pos.len() > 3 {
        return Err(type_error(format!("array() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    let code = match a.pos[1].as_str() {
        Some(s) if s.chars().count() == 1 => s.chars().next().unwrap_or(' '),
        Some(_) | None => {
            return Err(type_error(format!(
                "array() argument 1 must be a unicode character, not {}",
                type_name(&a.pos[1])
            )))
        }
    };
    if !items::TYPECODES.contains(code) {
        return Err(value_error("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)"));
    }
    let arr = new_array(cls, code, Data::empty(code));
    let Some(init) = a.pos.get(2).cloned() else { return Ok(arr) };
    match &init {
        Value::Str(_) if code != 'u' => {
            Err(type_error(format!("cannot use a str to initialize an array with typecode '{}'", code)))
        }
        Value::Str(s) => {
            if let Data::Char(c) = &mut data(&arr)?.data {
                c.extend(s.s.chars());
            }
            Ok(arr)
        }
        Value::Bytes(b) => {
            let bytes = b.data.borrow().clone();
            if bytes.len() % items::itemsize(code) != 0 {
                return Err(value_error("bytes length not a multiple of item size"));
            }
            data(&arr)?.data = Data::from_bytes(code, &bytes);
            Ok(arr)
        }
        _ if is_array(&init) && data(&init)?.code == 'u' && code != 'u' => {
            Err(type_error(format!("cannot use a unicode array to initialize an array with typecode '{}'", code)))
        }
        _ => match extend(&arr, init, "") {
            // Items from script code (a generator): the call still produces the array.
            Err(Flow::Async(fill)) => run_async(|ctx| async move {
                ctx.resolve(Err(Flow::Async(fill))).await?;
                Ok(arr)
            }),
            other => other.map(|_| arr),
        },
    }
}

/// Appends the items of `other` (an array of the same code, or any iterable).
fn extend(arr: &Value, other: Value, kind_message: &'static str) -> PyResult {
    if is_array(&other) {
        let more = data(&other)?;
        let mut mine = data(arr)?;
        if more.code != mine.code && !kind_message.is_empty() {
            return Err(type_error(kind_message));
        }
        let code = mine.code;
        let items: Vec<Item> = more.data.values().iter().map(|v| Item::from_value(code, v)).collect::<PyResult<_>>()?;
        mine.data.extend(items);
        return Ok(Value::None);
    }
    let arr = arr.clone();
    run_async(move |ctx| async move {
        let values = iterate(&ctx, &other).await?;
        let mut mine = data(&arr)?;
        let code = mine.code;
        for v in values {
            let item = Item::from_value(code, &v)?;
            mine.data.push(item);
        }
        Ok(Value::None)
    })
}

fn concat(x: &Value, y: &Value, in_place: bool) -> PyResult {
    if !is_array(y) {
        return Err(type_error(format!("can only append array (not \"{}\") to array", type_name(y))));
    }
    let other = data(y)?.clone_parts();
    if other.0 != data(x)?.code {
        return Err(type_error("bad argument type for built-in operation"));
    }
    if in_place {
        data(x)?.data.append(other.1);
        return Ok(x.clone());
    }
    let mine = data(x)?;
    let mut joined = mine.data.clone();
    joined.append(other.1);
    Ok(new_array(&class_of(x), mine.code, joined))
}

fn repeat(a: &Args, in_place: bool) -> PyResult {
    check_args(a, "__mul__", 2, 2)?;
    let n = match &a.pos[1] {
        Value::Int(_) | Value::Bool(_) => int_arg(&a.pos[1])?.max(0) as usize,
        _ => return Ok(Value::NotImplemented),
    };
    let mut arr = data(&a.pos[0])?;
    let mut out = Data::empty(arr.code);
    for _ in 0..n {
        out.append(arr.data.clone());
    }
    if in_place {
        arr.data = out;
        return Ok(a.pos[0].clone());
    }
    Ok(new_array(&class_of(&a.pos[0]), arr.code, out))
}

impl Array {
    fn clone_parts(&self) -> (char, Data) {
        (self.code, self.data.clone())
    }
}

fn getitem(a: &Args) -> PyResult {
    check_args(a, "__getitem__", 2, 2)?;
    let arr = data(&a.pos[0])?;
    match &a.pos[1] {
        Value::Slice(s) => {
            let picked = slice_positions(s, arr.data.len())?;
            Ok(new_array(&class_of(&a.pos[0]), arr.code, arr.data.pick(&picked)))
        }
        Value::Int(_) | Value::Bool(_) => {
            let at = position(arr.data.len(), int_arg(&a.pos[1])?, "array index")?;
            Ok(arr.data.get(at).to_value())
        }
        _ => Err(type_error("array indices must be integers")),
    }
}

fn setitem(a: &Args) -> PyResult {
    check_args(a, "__setitem__", 3, 3)?;
    match &a.pos[1] {
        Value::Slice(s) => {
            if !is_array(&a.pos[2]) {
                return Err(type_error(format!(
                    "can only assign array (not \"{}\") to array slice",
                    type_name(&a.pos[2])
                )));
            }
            let (code, new) = data(&a.pos[2])?.clone_parts();
            let mut arr = data(&a.pos[0])?;
            if code != arr.code {
                return Err(type_error("bad argument type for built-in operation"));
            }
            let picked = slice_positions(s, arr.data.len())?;
            let step_one = matches!(s.step, Value::None) || matches!(s.step, Value::Int(1));
            if step_one {
                let (start, _, _) = crate::vm::ops::slice_indices(s, arr.data.len())?;
                let start = start.max(0) as usize;
                let end = picked.last().map_or(start, |&l| l + 1);
                arr.data.splice(start, end.max(start), new);
                return Ok(Value::None);
            }
            if picked.len() != new.len() {
                return Err(value_error(format!(
                    "attempt to assign array of size {} to extended slice of size {}",
                    new.len(),
                    picked.len()
                )));
            }
            for (k, &at) in picked.iter().enumerate() {
                arr.data.set(at, new.get(k));
            }
            Ok(Value::None)
        }
        Value::Int(_) | Value::Bool(_) => {
            let mut arr = data(&a.pos[0])?;
            let at = position(arr.data.len(), int_arg(&a.pos[1])?, "array assignment index")?;
            let item = Item::from_value(arr.code, &a.pos[2])?;
            arr.data.set(at, item);
            Ok(Value::None)
        }
        _ => Err(type_error("array indices must be integers")),
    }
}

fn delitem(a: &Args) -> PyResult {
    check_args(a, "__delitem__", 2, 2)?;
    let mut arr = data(&a.pos[0])?;
    match &a.pos[1] {
        Value::Slice(s) => {
            let mut picked = slice_positions(s, arr.data.len())?;
            picked.sort_unstable();
            for at in picked.into_iter().rev() {
                arr.data.remove(at);
            }
            Ok(Value::None)
        }
        Value::Int(_) | Value::Bool(_) => {
            let at = position(arr.data.len(), int_arg(&a.pos[1])?, "array assignment index")?;
            arr.data.remove(at);
            Ok(Value::None)
        }
        _ => Err(type_error("array indices must be integers")),
    }
}

fn compare(a: &Args, op: crate::ast::CmpOp) -> PyResult {
    use crate::ast::CmpOp;
    check_args(a, "__eq__", 2, 2)?;
    if !is_array(&a.pos[1]) {
        return Ok(Value::NotImplemented);
    }
    let (_, theirs) = data(&a.pos[1])?.clone_parts();
    let mine = data(&a.pos[0])?;
    let ord = mine.data.compare(&theirs);
    Ok(Value::Bool(match (op, ord) {
        (CmpOp::Eq, o) => o == Some(std::cmp::Ordering::Equal),
        (CmpOp::NotEq, o) => o != Some(std::cmp::Ordering::Equal),
        (_, None) => false,
        (CmpOp::Lt, Some(o)) => o.is_lt(),
        (CmpOp::LtE, Some(o)) => o.is_le(),
        (CmpOp::Gt, Some(o)) => o.is_gt(),
        (_, Some(o)) => o.is_ge(),
    }))
}
