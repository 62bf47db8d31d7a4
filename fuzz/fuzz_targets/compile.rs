//! Compiling arbitrary source to bytecode: any input gives code or a SyntaxError.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::rc::Rc;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    coro_fuzz::on_interpreter_thread(move || {
        if let Some(text) = coro_fuzz::source(&data) {
            let main = Rc::new(coro::object::module::Module::new(coro::intern::sym::MAIN));
            let _ = coro::compiler::compile_source("<fuzz>", &text, coro::compiler::Mode::Module(&main));
        }
    });
});
