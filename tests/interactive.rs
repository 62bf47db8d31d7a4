//! `Interpreter::run_input`, the REPL's way of running an entry, driven in-process.

use coro::runtime::output;
use coro::{InputOutcome, Interpreter};

/// Runs each entry in one interpreter; returns what each printed (stdout, then stderr).
fn session(entries: &[&str]) -> Vec<(InputOutcome, String, String)> {
    output::start_capture();
    let mut interp = Interpreter::new();
    entries
        .iter()
        .map(|entry| {
            let outcome = interp.run_input(entry);
            let (out, err) = output::take_capture();
            (outcome, out, err)
        })
        .collect()
}

fn outputs(entries: &[&str]) -> Vec<String> {
    session(entries).into_iter().map(|(_, out, _)| out).collect()
}

#[test]
fn expression_statements_print_their_repr_and_keep_it_in_underscore() {
    let out =
        outputs(&["1 + 1", "'x' * 3", "None", "_", "y = 5", "for i in range(2):\n    i\n", "def f():\n    7\n", "f()"]);
    assert_eq!(out, vec!["2\n", "'xxx'\n", "", "'xxx'\n", "", "0\n1\n", "", ""]);
}

#[test]
fn an_assignment_to_underscore_hides_the_displayed_value() {
    let out = outputs(&["_ = 'mine'", "42", "_"]);
    assert_eq!(out, vec!["", "42\n", "'mine'\n"]);
}

#[test]
fn top_level_await_assigns_globals_and_tasks_outlive_their_input() {
    let out = outputs(&[
        "import asyncio",
        "async def work(x):\n    await asyncio.sleep(0.01)\n    return x * 2\n",
        "t = asyncio.create_task(work(21))",
        "v = await asyncio.sleep(0, 'awaited')",
        "v",
        "await t",
        "[await work(n) for n in range(3)]",
        "asyncio.get_event_loop() is asyncio.get_event_loop()",
    ]);
    assert_eq!(out, vec!["", "", "", "", "'awaited'\n", "42\n", "[0, 2, 4]\n", "True\n"]);
}

#[test]
fn async_for_and_async_comprehensions_run_at_top_level() {
    let out = outputs(&[
        "import asyncio",
        "async def count(n):\n    for i in range(n):\n        await asyncio.sleep(0)\n        yield i\n",
        "async for i in count(2):\n    print('item', i)\n",
        "[i * 10 async for i in count(3)]",
        "g = (i async for i in count(2))",
        "await anext(g), await anext(g), await anext(g, 'done')",
    ]);
    assert_eq!(out, vec!["", "", "item 0\nitem 1\n", "[0, 10, 20]\n", "", "(0, 1, 'done')\n"]);
}

#[test]
fn asyncio_run_at_the_prompt_runs_on_the_sessions_loop() {
    let out = outputs(&[
        "import asyncio",
        "async def main():\n    await asyncio.sleep(0)\n    return 'ran'\n",
        "asyncio.run(main())",
        "asyncio.get_event_loop().run_until_complete(main())",
        "async def nested():\n    return asyncio.run(main())\n",
    ]);
    assert_eq!(out, vec!["", "", "'ran'\n", "'ran'\n", ""]);
    let results =
        session(&["import asyncio", "async def main():\n    asyncio.run(asyncio.sleep(0))\n", "await main()"]);
    let (outcome, _, err) = &results[2];
    assert_eq!(*outcome, InputOutcome::Failed);
    assert!(err.ends_with("RuntimeError: asyncio.run() cannot be called from a running event loop\n"), "{err}");
}

#[test]
fn errors_are_reported_as_from_stdin_and_the_state_survives() {
    let results = session(&["x = 10", "x / 0", "x + (", "x + 1"]);
    let (outcome, _, err) = &results[1];
    assert_eq!(*outcome, InputOutcome::Failed);
    assert!(err.contains("File \"<stdin>\", line 1, in <module>"), "{err}");
    assert!(err.ends_with("ZeroDivisionError: division by zero\n"), "{err}");
    assert_eq!(results[2].0, InputOutcome::Failed);
    assert!(results[2].2.contains("SyntaxError"), "{}", results[2].2);
    assert_eq!(results[3].1, "11\n");
}

#[test]
fn system_exit_ends_the_session_with_its_status() {
    let results = session(&["import sys", "sys.exit(4)", "raise SystemExit"]);
    assert_eq!(results[1].0, InputOutcome::Exit(4));
    assert_eq!(results[2].0, InputOutcome::Exit(0));
}

#[test]
fn pending_tasks_say_what_they_wait_on_and_where() {
    output::start_capture();
    let mut interp = Interpreter::new();
    for entry in [
        "import asyncio",
        "ev = asyncio.Event()",
        "async def waiter():\n    await ev.wait()\n",
        "t = asyncio.create_task(waiter(), name='waiter')",
        "await asyncio.sleep(0)",
    ] {
        assert_eq!(interp.run_input(entry), InputOutcome::Done, "{entry}");
    }
    let tasks = interp.pending_tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!((tasks[0].name.as_str(), tasks[0].state), ("waiter", "waiting"));
    assert_eq!(tasks[0].waits_on, "a Future");
    assert_eq!(tasks[0].site.as_deref(), Some("<stdin>:2 (in waiter): await ev.wait()"));
    // Setting the event at the prompt lets the loop finish the task between inputs.
    assert_eq!(interp.run_input("ev.set()"), InputOutcome::Done);
    while interp.has_background_work() {
        assert_eq!(interp.run_background(), InputOutcome::Done);
    }
    assert!(interp.pending_tasks().is_empty());
}
