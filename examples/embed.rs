//! Embedding coro: a Rust program gives scripts a native module with a plain function and
//! an awaitable one whose work runs on Rust threads, runs a script, and reads a result back.
//! Run it with `cargo run --release --example embed`.

use coro::api::{self, Args, ModuleBuilder, PyResult, Value};
use std::time::Duration;

/// `host.scale(x, k)`: an ordinary function.
fn scale(a: &Args) -> PyResult {
    api::check_args(a, "scale", 2, 2)?;
    Ok(Value::Int(api::int_arg(a, 0, "scale")? * api::int_arg(a, 1, "scale")?))
}

/// `await host.slow_square(n)`: the square of `n`, computed on another thread after a pause.
fn slow_square(a: &Args) -> PyResult {
    api::check_args(a, "slow_square", 1, 1)?;
    let n = api::int_arg(a, 0, "slow_square")?;
    let work = move || {
        std::thread::sleep(Duration::from_millis(200));
        n * n
    };
    Ok(api::thread_future(work, |square| Ok(Value::Int(square))))
}

const SCRIPT: &str = r#"
import asyncio, time
import host

async def main():
    start = time.monotonic()
    squares = await asyncio.gather(*(host.slow_square(n) for n in range(1, 6)))
    overlapped = time.monotonic() - start < 0.6
    print("squares", squares, "overlapped", overlapped)
    return sum(host.scale(s, 10) for s in squares)

total = asyncio.run(main())
"#;

/// Runs the script; the `total` it computed, read back into Rust.
pub fn run() -> Option<i64> {
    let mut interp = coro::Interpreter::new();
    interp.register_module("host", || {
        ModuleBuilder::new("host").function("scale", scale).function("slow_square", slow_square).build()
    });
    if interp.run_source("<embedded>", SCRIPT) != coro::Outcome::Ok {
        return None;
    }
    match interp.global("total") {
        Some(Value::Int(n)) => Some(n),
        _ => None,
    }
}

fn main() {
    match run() {
        Some(total) => println!("total read back into Rust: {}", total),
        None => std::process::exit(1),
    }
}
