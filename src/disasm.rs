//! `coro --dis`: a listing of the bytecode, one code object after another.

use crate::bytecode::Code;
use crate::object::module::Module;
use std::fmt::Write;

/// Compiles `text` and lists its bytecode; `Err` holds the syntax error report.
pub fn disassemble_source(name: &str, text: &str) -> Result<String, String> {
    let module = std::rc::Rc::new(Module::new(crate::intern::sym::MAIN));
    let code = crate::compiler::compile_source(name, text, crate::compiler::Mode::Module(&module))
        .map_err(|e| e.report(false))?;
    let mut out = String::new();
    disassemble(&code, &module, &mut out);
    Ok(out)
}

pub fn disassemble(code: &Code, module: &Module, out: &mut String) {
    let _ = writeln!(out, "Disassembly of <code {}> (locals: {:?}):", code.qualname, code.local_names);
    let mut last_line = 0;
    for (i, op) in code.ops.iter().enumerate() {
        let line = code.line_of(i);
        let line_col = if line != last_line { format!("{:>4}", line) } else { "    ".into() };
        last_line = line;
        let note = match op {
            crate::bytecode::Op::LoadConst(k) => format!("  ({})", short_repr(&code.consts[*k as usize])),
            crate::bytecode::Op::LoadGlobal(s) | crate::bytecode::Op::StoreGlobal(s) => {
                format!("  ({})", module.name_of(*s as usize))
            }
            crate::bytecode::Op::LoadFast(s)
            | crate::bytecode::Op::StoreFast(s)
            | crate::bytecode::Op::LoadDeref(s)
            | crate::bytecode::Op::LoadClassDeref(s)
            | crate::bytecode::Op::StoreDeref(s) => {
                format!("  ({})", code.local_names[*s as usize])
            }
            crate::bytecode::Op::LoadAttr(n)
            | crate::bytecode::Op::StoreAttr(n)
            | crate::bytecode::Op::LoadMethod(n)
            | crate::bytecode::Op::LoadName(n)
            | crate::bytecode::Op::StoreName(n) => {
                format!("  ({})", code.names[*n as usize])
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "{} {:>5} {:?}{}", line_col, i, op, note);
    }
    for h in &code.handlers {
        let _ = writeln!(out, "  handler: {}..{} -> {} (depth {})", h.start, h.end, h.target, h.depth);
    }
    let _ = writeln!(out);
    for child in &code.children {
        disassemble(child, module, out);
    }
}

fn short_repr(v: &crate::value::Value) -> String {
    use crate::value::Value;
    match v {
        Value::Str(s) => crate::runtime::protocol::str_repr(&s.s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::pyfmt::float_repr(*f),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::None => "None".into(),
        Value::Tuple(t) => format!("<tuple of {}>", t.items.len()),
        _ => "<const>".into(),
    }
}
