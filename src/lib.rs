//! coro: a small, fast, Python-flavoured scripting language with async/await.
//!
//! The pipeline, one module per stage: source → lexer → parser → AST → compiler → bytecode → VM.

pub mod ast;
pub mod numeric;
pub mod pyfmt;
pub mod span;
pub mod lexer;
pub mod parser;
