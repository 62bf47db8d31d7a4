//! The compiler: a scope pass (`symtable`), code generation (`emit`), then superinstructions
//! (`peephole`). `compile_source` is the one front door from source text to code.

mod emit;
mod future;
mod peephole;
pub mod symtable;
mod syntax_error;

pub use syntax_error::SyntaxError;

use crate::bytecode::Code;
use crate::object::module::Module;
use crate::span::SourceFile;
use std::rc::Rc;

/// Stack the compiler may need for the deepest tree the parser accepts.
const COMPILE_STACK: usize = 64 << 20;

/// What `compile_source` makes of the text.
pub enum Mode<'a> {
    /// Module code whose global names get slots in the module.
    Module(&'a Rc<Module>),
    /// Interactive input (see `compile_interactive`) in the module, displaying with the hook.
    Interactive(&'a Rc<Module>, crate::value::Value),
}

/// Parses and compiles `text` (from the file `name`), or gives the one syntax error found.
pub fn compile_source(name: &str, text: &str, mode: Mode) -> Result<Rc<Code>, SyntaxError> {
    let source = SourceFile::new(name, text);
    let ast = crate::parser::parse(text).map_err(|e| SyntaxError::located(&source, e))?;
    let compiled = match mode {
        Mode::Module(module) => compile(&ast, source.clone(), module),
        Mode::Interactive(module, display) => compile_interactive(&ast, source.clone(), module, display),
    };
    compiled.map_err(|e| SyntaxError::located(&source, e))
}

/// Compiles a parsed module; its global names get slots in `module`.
pub fn compile(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
) -> Result<Rc<Code>, crate::parser::SyntaxError> {
    compile_with(ast, source, module, None)
}

/// Compiles interactive input: expression statements pass their value to `display`, and
/// top-level `await` makes the code a coroutine.
pub fn compile_interactive(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
    display: crate::value::Value,
) -> Result<Rc<Code>, crate::parser::SyntaxError> {
    compile_with(ast, source, module, Some(display))
}

fn compile_with(
    ast: &crate::ast::Module,
    source: Rc<SourceFile>,
    module: &Rc<Module>,
    display: Option<crate::value::Value>,
) -> Result<Rc<Code>, crate::parser::SyntaxError> {
    future::check(ast)?;
    // Both passes recurse over the tree, which may be thousands of levels deep (see
    // `parser::depth`): make sure they have the room, whatever thread compiles.
    stacker::maybe_grow(COMPILE_STACK / 2, COMPILE_STACK, || {
        let table = symtable::analyze(ast)?;
        emit::compile_module(ast, &table, source, module, display).map(Rc::new)
    })
}
