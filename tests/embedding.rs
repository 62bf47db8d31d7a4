//! The embedding API: a Rust host adds native modules that scripts import, and holds scripts
//! to limits, catching what they run into as Rust errors.

use coro::intern::intern;
use coro::limits::{memory::CountingAlloc, Limit, Limits};
use coro::object::module::Module;
use coro::value::Value;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The memory limit needs the counting allocator.
#[global_allocator]
static ALLOCATOR: CountingAlloc<std::alloc::System> = CountingAlloc(std::alloc::System);

/// Runs `f` on an interpreter thread with room for deep recursion, capturing output.
fn on_interpreter_thread(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            coro::runtime::output::start_capture();
            f();
        })
        .expect("spawn")
        .join()
        .expect("interpreter thread");
}

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

#[test]
fn each_limit_stops_a_script_and_the_interpreter_runs_on() {
    on_interpreter_thread(|| {
        let mut interp = coro::Interpreter::new();
        interp.set_limits(Limits {
            max_memory: Some(32 << 20),
            max_duration: Some(Duration::from_secs(2)),
            max_recursion_depth: Some(200),
            max_steps: Some(2_000_000),
        });
        let runaways = [
            (
                "def grow():\n    a = []\n    while True: a.append(' ' * 1000)\ngrow()",
                Limit::Memory,
                "MemoryError",
                "memory limit of 32MB exceeded",
            ),
            ("b = bytearray(10**9)", Limit::Memory, "MemoryError", "memory limit of 32MB exceeded"),
            ("import time\ntime.sleep(30)", Limit::Duration, "TimeoutError", "time limit of 2s exceeded"),
            ("while True: pass", Limit::Steps, "TimeoutError", "step limit of 2000000 exceeded"),
            ("def f(): f()\nf()", Limit::RecursionDepth, "RecursionError", "maximum recursion depth exceeded"),
        ];
        for (i, (code, limit, kind, message)) in runaways.into_iter().enumerate() {
            let start = Instant::now();
            let e = interp.execute("<string>", code).expect_err(code);
            assert_eq!(
                (e.limit, e.kind.as_str(), e.message.as_str(), e.status),
                (Some(limit), kind, message, 1),
                "{}",
                code
            );
            assert!(e.report.starts_with("Traceback (most recent call last):"), "{}", e.report);
            assert!(start.elapsed() < Duration::from_secs(20), "{} took {:?}", code, start.elapsed());
            // The next script on the same interpreter runs normally, with the globals kept.
            let ok = format!("n{} = {}\nprint(sum(range(1000)), len([0] * 100000))", i, i);
            assert_eq!(interp.execute("<string>", &ok), Ok(()));
        }
        assert_eq!(interp.execute("<string>", "print(n0 + n4)"), Ok(()));
        let (stdout, stderr) = coro::runtime::output::take_capture();
        assert_eq!(stdout, "499500 100000\n".repeat(5) + "4\n", "{}", stderr);
        assert_eq!(stderr, "");
    });
}

#[test]
fn a_script_that_catches_a_limit_error_is_stopped_again() {
    on_interpreter_thread(|| {
        let mut interp = coro::Interpreter::new();
        interp.set_limits(Limits { max_duration: Some(Duration::from_millis(300)), ..Limits::default() });
        let code = "while True:\n    try:\n        while True: pass\n    except TimeoutError:\n        pass\n";
        let e = interp.execute("<string>", code).expect_err("runs past its deadline");
        assert_eq!((e.limit, e.kind.as_str()), (Some(Limit::Duration), "TimeoutError"));
    });
}

#[test]
fn errors_come_back_to_the_host_without_being_printed() {
    on_interpreter_thread(|| {
        let mut interp = coro::Interpreter::new();
        let e = interp.execute("<string>", "x = (").expect_err("syntax error");
        assert_eq!((e.kind.as_str(), e.limit, e.status), ("SyntaxError", None, 1));
        let e = interp.execute("<string>", "{}['k']").expect_err("key error");
        assert_eq!((e.kind.as_str(), e.message.as_str()), ("KeyError", "'k'"));
        assert!(e.report.ends_with("KeyError: 'k'\n"), "{}", e.report);
        let e = interp.execute("<string>", "raise SystemExit(3)").expect_err("exit");
        assert_eq!((e.kind.as_str(), e.status), ("SystemExit", 3));
        assert_eq!(interp.execute("<string>", "raise SystemExit(0)"), Ok(()));
        let (stdout, stderr) = coro::runtime::output::take_capture();
        assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
    });
}

#[test]
fn an_embedded_interpreter_touches_nothing_until_the_host_grants_it() {
    on_interpreter_thread(|| {
        use coro::capabilities::{Capabilities, Scope};
        let mut interp = coro::Interpreter::new();
        let e = interp.execute("<string>", "open('/etc/hostname')").expect_err("denied");
        assert_eq!(e.kind, "PermissionError");
        assert_eq!(e.message, "read access to '/etc/hostname' is denied (grant it with --allow-read)");
        let e = interp.execute("<string>", "import os\nos.environ.get('HOME')").expect_err("denied");
        assert_eq!(e.message, "environment access is denied (grant it with --allow-env)");
        interp.set_capabilities(Capabilities {
            env: true,
            read: Scope::Only(vec!["/etc".into()]),
            ..Capabilities::none()
        });
        assert_eq!(
            interp.execute("<string>", "open('/etc/hostname').close()\nimport os\nos.environ.get('HOME')"),
            Ok(())
        );
        let e = interp.execute("<string>", "open('/tmp/x', 'w')").expect_err("no writes");
        assert_eq!(e.message, "write access to '/tmp/x' is denied (grant it with --allow-write)");
    });
}

#[test]
fn a_host_raises_builtin_and_its_own_exceptions() {
    use coro::api::{self, Args, ExcType, PyResult};
    fn lookup(a: &Args) -> PyResult {
        api::check_args(a, "lookup", 1, 1)?;
        match api::str_arg(a, 0, "lookup")? {
            "missing" => Err(api::raise(ExcType::KeyError, "missing")),
            "broken" => Err(api::Flow::Raise(api::new_exception(
                &api::module_exception("host", "HostError", ExcType::LookupError),
                vec![Value::str("broken")],
            ))),
            other => Ok(Value::str(other.to_uppercase())),
        }
    }
    on_interpreter_thread(|| {
        let mut interp = coro::Interpreter::new();
        interp.register_module("host", || {
            let m = api::ModuleBuilder::new("host").function("lookup", lookup).build();
            m.set(intern("HostError"), Value::Class(api::module_exception("host", "HostError", ExcType::LookupError)));
            m
        });
        let script = "import host\nprint(host.lookup('ok'))\n\
                      for key in ['missing', 'broken']:\n\
                      \x20   try:\n\
                      \x20       host.lookup(key)\n\
                      \x20   except LookupError as e:\n\
                      \x20       print(type(e), isinstance(e, host.HostError), e)\n";
        assert_eq!(interp.run_source("<string>", script), coro::Outcome::Ok);
        let (stdout, stderr) = coro::runtime::output::take_capture();
        assert_eq!(
            stdout, "OK\n<class 'KeyError'> False 'missing'\n<class 'host.HostError'> True broken\n",
            "{}",
            stderr
        );
    });
}

#[test]
fn a_dropped_interpreter_gives_its_modules_and_functions_back() {
    on_interpreter_thread(|| {
        let script = concat!(
            "import json, math\n",
            "def helper(n):\n    return [helper] * n\n",
            "class Shape:\n    def area(self):\n        return helper(1)\n",
            "data = json.dumps({'k': [Shape().area() and 1] * 1000})\n",
        );
        let run_one = || {
            let mut interp = coro::Interpreter::new();
            assert!(interp.execute("<script>", script).is_ok());
        };
        // The first runs fill caches that live as long as the thread (interned names).
        for _ in 0..3 {
            run_one();
        }
        let before = coro::limits::memory::in_use();
        for _ in 0..20 {
            run_one();
        }
        let growth = coro::limits::memory::in_use() - before;
        assert!(growth < 200_000, "20 interpreters kept {} bytes", growth);
    });
}
