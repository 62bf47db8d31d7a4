//! Lexing and parsing arbitrary bytes: any input gives an AST or a SyntaxError.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    coro_fuzz::on_interpreter_thread(move || {
        if let Some(text) = coro_fuzz::source(&data) {
            let _ = coro::parser::parse(&text);
        }
    });
});
