//! The embedding API: a Rust host adds native modules that scripts import.

use coro::intern::intern;
use coro::object::module::Module;
use coro::value::Value;
use std::rc::Rc;

fn greeting_module(name: &str, text: &str) -> Rc<Module> {
    let m = Rc::new(Module::new(intern(name)));
    m.set(intern("TEXT"), Value::str(text));
    m
}

#[test]
fn a_host_registers_native_modules_including_dotted_ones() {
    std::thread::spawn(|| {
        coro::runtime::output::start_capture();
        let mut interp = coro::Interpreter::new();
        interp.register_module("host", || greeting_module("host", "top"));
        interp.register_module("host.inner", || greeting_module("host.inner", "inner"));
        let script = "import host.inner\nfrom host import inner\nimport sys\n\
                      print(host.TEXT, host.inner.TEXT, inner is sys.modules['host.inner'], host)\n";
        assert_eq!(interp.run_source("<string>", script), coro::Outcome::Ok);
        let (stdout, stderr) = coro::runtime::output::take_capture();
        assert_eq!(stdout, "top inner True <module 'host' (built-in)>\n", "{}", stderr);
    })
    .join()
    .expect("interpreter thread");
}

// The embedding example (`cargo run --example embed`), run as a test.
#[path = "../examples/embed.rs"]
#[allow(dead_code)]
mod embed_example;

#[test]
fn the_embedding_example_overlaps_its_thread_futures_and_reads_the_result_back() {
    std::thread::spawn(|| {
        coro::runtime::output::start_capture();
        let total = embed_example::run();
        let (stdout, stderr) = coro::runtime::output::take_capture();
        assert_eq!(total, Some(550), "{}", stderr);
        assert_eq!(stdout, "squares [1, 4, 9, 16, 25] overlapped True\n");
    })
    .join()
    .expect("interpreter thread");
}

#[test]
fn two_interpreters_run_at_once_on_two_threads() {
    // Interpreter state is per thread: each thread has its own, and they do not interfere.
    let runs: Vec<_> = (0..2)
        .map(|i| {
            std::thread::spawn(move || {
                coro::runtime::output::start_capture();
                let mut interp = coro::Interpreter::new();
                let script = format!(
                    "import asyncio\nasync def f(n):\n    await asyncio.sleep(0.01)\n    return n * {}\n\
                     async def main():\n    return sum(await asyncio.gather(*(f(k) for k in range(100))))\n\
                     print(asyncio.run(main()))\n",
                    i + 1
                );
                let outcome = interp.run_source("<string>", &script);
                let (stdout, stderr) = coro::runtime::output::take_capture();
                assert_eq!(outcome, coro::Outcome::Ok, "{}", stderr);
                stdout
            })
        })
        .collect();
    let outputs: Vec<String> = runs.into_iter().map(|t| t.join().expect("thread")).collect();
    assert_eq!(outputs, vec!["4950\n".to_string(), "9900\n".to_string()]);
}
