//! The compiler: a scope pass (`symtable`), code generation (`emit`), then superinstructions
//! (`peephole`).

mod emit;
mod peephole;
pub mod symtable;

use crate::bytecode::Code;
use crate::object::module::Module;
use crate::span::{SourceFile, Span};
use std::rc::Rc;

/// Stack the compiler may need for the deepest tree the parser accepts.
const COMPILE_STACK: usize = 64 << 20;

/// A `SyntaxError` found after parsing (`'return' outside function`, bad targets, ...).
#[derive(Debug)]
pub struct CompileError {
    pub msg: String,
    pub span: Span,
}

/// Compiles a parsed module; its global names get slots in `module`.
pub fn compile(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
) -> Result<Rc<Code>, CompileError> {
    compile_with(ast, source, module, None)
}

/// Compiles interactive input: expression statements pass their value to `display`, and
/// top-level `await` makes the code a coroutine.
pub fn compile_interactive(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
    display: crate::value::Value,
) -> Result<Rc<Code>, CompileError> {
    compile_with(ast, source, module, Some(display))
}

fn compile_with(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
    display: Option<crate::value::Value>,
) -> Result<Rc<Code>, CompileError> {
    // Both passes recurse over the tree, which may be thousands of levels deep (see
    // `parser::depth`): make sure they have the room, whatever thread compiles.
    stacker::maybe_grow(COMPILE_STACK / 2, COMPILE_STACK, || {
        let table = symtable::analyze(ast).map_err(|e| CompileError { msg: e.msg, span: e.span })?;
        emit::compile_module(ast, &table, source, module, display).map(Rc::new)
    })
}
