//! The `coro` command as a user runs it: exit statuses, `-c`, `sys.argv`, `--dis` and
//! `--virtual-time`.

use std::process::Command;
use std::time::{Duration, Instant};

fn coro(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_coro")).args(args).output().expect("run coro");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn script(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("coro-cli-{}-{}", std::process::id(), name));
    std::fs::write(&path, text).expect("write script");
    path.to_string_lossy().into_owned()
}

#[test]
fn dash_c_runs_code_and_passes_arguments() {
    let (status, out, _) = coro(&["-c", "import sys; print(sys.argv, 6 * 7)", "a", "b"]);
    assert_eq!(status, 0);
    assert_eq!(out, "['-c', 'a', 'b'] 42\n");
}

#[test]
fn a_script_sees_its_path_and_arguments() {
    let path = script("argv.coro", "import sys\nprint(len(sys.argv), sys.argv[1:])\n");
    let (status, out, _) = coro(&[&path, "x", "--flag"]);
    assert_eq!(status, 0);
    assert_eq!(out, "3 ['x', '--flag']\n");
}

#[test]
fn errors_exit_with_status_one_and_end_with_the_python_line() {
    let (status, out, err) = coro(&["-c", "print('before')\n{}['missing']"]);
    assert_eq!(status, 1);
    assert_eq!(out, "before\n");
    assert!(err.starts_with("Traceback (most recent call last):"), "{}", err);
    assert_eq!(err.trim_end().lines().last(), Some("KeyError: 'missing'"));
    let (status, _, err) = coro(&["-c", "x = (1,"]);
    assert_eq!(status, 1);
    assert_eq!(err.trim_end().lines().last(), Some("SyntaxError: '(' was never closed"));
}

#[test]
fn sys_exit_sets_the_status() {
    assert_eq!(coro(&["-c", "import sys; sys.exit(3)"]).0, 3);
    assert_eq!(coro(&["-c", "import sys; sys.exit()"]).0, 0);
}

#[test]
fn usage_errors_exit_with_status_two() {
    assert_eq!(coro(&["/nonexistent/file.coro"]).0, 2);
    assert_eq!(coro(&["--no-such-flag"]).0, 2);
}

#[test]
fn dis_lists_bytecode() {
    let (status, out, _) = coro(&["--dis", &script("dis.coro", "def f(x):\n    return x + 1\n")]);
    assert_eq!(status, 0);
    assert!(out.contains("Binary(Add)") && out.contains("<code f>"), "{}", out);
}

#[test]
fn virtual_time_makes_sleeps_instant_and_keeps_timer_order() {
    let path = script(
        "vt.coro",
        "import asyncio\nasync def n(name, d, log):\n    await asyncio.sleep(d)\n    log.append(name)\n\
         async def main():\n    log = []\n    await asyncio.gather(n('slow', 100, log), n('fast', 50, log))\n    print(log)\n\
         asyncio.run(main())\n",
    );
    let start = Instant::now();
    let (status, out, _) = coro(&["--virtual-time", &path]);
    assert_eq!(status, 0);
    assert_eq!(out, "['fast', 'slow']\n");
    assert!(start.elapsed() < Duration::from_secs(5), "virtual sleeps took real time");
}

#[test]
fn blocking_calls_in_a_running_loop_warn_once_per_call_site() {
    let path = script(
        "blocking.coro",
        "import asyncio, time\nasync def nap():\n    time.sleep(0.001)\n\
         async def main():\n    await asyncio.gather(nap(), nap(), nap())\n\
         asyncio.run(main())\ntime.sleep(0.001)\nprint('done')\n",
    );
    let (status, out, err) = coro(&[&path]);
    assert_eq!(status, 0);
    assert_eq!(out, "done\n");
    assert_eq!(err.matches("warning: time.sleep() blocks the event loop").count(), 1, "{}", err);
    assert!(
        err.contains(":3: warning")
            && err.contains("'await asyncio.sleep(...)'")
            && err.contains("    time.sleep(0.001)"),
        "{}",
        err
    );
}

#[test]
fn a_task_exception_nobody_retrieved_is_reported_once() {
    let path = script(
        "unretrieved.coro",
        concat!(
            "import asyncio\n",
            "async def boom():\n    raise ValueError('lost')\n",
            "async def fine():\n    raise KeyError('seen')\n",
            "async def main():\n",
            "    t = asyncio.create_task(boom())\n",
            "    u = asyncio.create_task(fine())\n",
            "    await asyncio.sleep(0.01)\n",
            "    print(type(u.exception()).__name__)\n",
            "asyncio.run(main())\nprint('after')\n",
        ),
    );
    let (status, out, err) = coro(&[&path]);
    assert_eq!(status, 0, "{}", err);
    assert_eq!(out, "KeyError\nafter\n");
    assert_eq!(err.matches("Task exception was never retrieved").count(), 1, "{}", err);
    assert!(err.contains("exception=ValueError('lost')") && !err.contains("KeyError"), "{}", err);
    // Then the exception's traceback, as CPython logs it.
    assert!(
        err.contains("Traceback (most recent call last):\n")
            && err.contains("line 3, in boom\n    raise ValueError('lost')\nValueError: lost\n"),
        "{}",
        err
    );
    // And where the task was made, as CPython's debug mode shows it.
    assert!(
        err.contains("exception=ValueError('lost') created at ")
            && err.contains(concat!("source_traceback: Object created at (most recent call last):\n", "  File \""))
            && err.contains("unretrieved.coro\", line 7, in main\n    t = asyncio.create_task(boom())\n"),
        "{}",
        err
    );
}

#[test]
fn piped_standard_input_runs_as_a_script_without_prompts() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_coro"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run coro");
    let program = "import sys\nx = 21\nprint(x * 2, sys.argv)\nx\n1 / 0\nprint('not reached')\n";
    child.stdin.take().expect("stdin").write_all(program.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("coro finishes");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout, "42 ['']\n");
    assert!(stderr.contains("File \"<stdin>\", line 5, in <module>"), "{}", stderr);
    assert_eq!(stderr.trim_end().lines().last(), Some("ZeroDivisionError: division by zero"));
    assert!(!stdout.contains(">>>") && !stderr.contains(">>>"), "no prompts: {} {}", stdout, stderr);
}

#[test]
fn a_deadlock_report_names_the_queue_each_task_waits_on() {
    let path = script(
        "deadlock_queue.coro",
        "import asyncio\n\n\nasync def consumer(q):\n    return await q.get()\n\n\n\
         async def main():\n    q = asyncio.LifoQueue(1)\n    await q.put(1)\n    \
         asyncio.create_task(consumer(asyncio.Queue()))\n    await q.put(2)\n\n\nasyncio.run(main())\n",
    );
    let (status, _, err) = coro(&[&path]);
    assert_eq!(status, 1);
    assert!(err.contains("Task-1 waits on a LifoQueue to put into at "), "{}", err);
    assert!(err.contains(":12 (in main): await q.put(2)\n"), "{}", err);
    assert!(err.contains("Task-2 waits on a Queue to get from at "), "{}", err);
    assert!(err.contains(":5 (in consumer): return await q.get()\n"), "{}", err);
    assert!(err.ends_with("RuntimeError: event loop deadlocked: no task can make progress\n"), "{}", err);
}

#[test]
fn a_traceback_shows_every_frame_an_exception_passed_through_awaits_and_yield_from() {
    let text = "import asyncio\n\
                \n\
                def numbers(n):\n\
                \x20   yield n\n\
                \x20   return 10 // n\n\
                \n\
                def total(n):\n\
                \x20   return (yield from numbers(n))\n\
                \n\
                async def level3(n):\n\
                \x20   await asyncio.sleep(0)\n\
                \x20   for _ in total(n):\n\
                \x20       pass\n\
                \n\
                async def level2(n):\n\
                \x20   return await level3(n - 1)\n\
                \n\
                async def level1(n):\n\
                \x20   return await level2(n)\n\
                \n\
                async def main():\n\
                \x20   return await asyncio.create_task(level1(1))\n\
                \n\
                asyncio.run(main())\n";
    let path = script("await_chain.coro", text);
    let (status, _, err) = coro(&[&path]);
    assert_eq!(status, 1);
    // The script's frames of CPython's traceback for this program, outermost first
    // (CPython also lists asyncio's own frames, which coro leaves out).
    let frames: Vec<&str> = err.lines().filter(|l| l.starts_with("  File ")).collect();
    let expected = [
        "line 24, in <module>",
        "line 22, in main",
        "line 19, in level1",
        "line 16, in level2",
        "line 12, in level3",
        "line 8, in total",
        "line 5, in numbers",
    ];
    assert_eq!(frames.len(), expected.len(), "{}", err);
    for (frame, want) in frames.iter().zip(expected) {
        assert!(frame.ends_with(want), "{} does not end with {}\n{}", frame, want, err);
    }
    assert_eq!(err.trim_end().lines().last(), Some("ZeroDivisionError: integer division or modulo by zero"));
}

#[test]
fn a_deadlock_report_names_the_lock_each_task_waits_on() {
    let path = script(
        "deadlock_lock.coro",
        "import asyncio\n\n\nasync def holder(lock):\n    async with lock:\n        pass\n\n\n\
         async def main():\n    lock = asyncio.Lock()\n    await lock.acquire()\n    \
         asyncio.create_task(holder(lock))\n    await lock.acquire()\n\n\nasyncio.run(main())\n",
    );
    let (status, _, err) = coro(&[&path]);
    assert_eq!(status, 1);
    assert!(err.contains("Task-1 waits on a Lock to acquire at "), "{}", err);
    assert!(err.contains(":13 (in main): await lock.acquire()\n"), "{}", err);
    assert!(err.contains("Task-2 waits on a Lock to acquire at "), "{}", err);
    assert!(err.contains(":5 (in holder): async with lock:\n"), "{}", err);
    assert!(err.ends_with("RuntimeError: event loop deadlocked: no task can make progress\n"), "{}", err);
}

/// Writes `bytes` as a script file and returns its path.
fn raw_script(name: &str, bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("coro-cli-{}-{}", std::process::id(), name));
    std::fs::write(&path, bytes).expect("write script");
    path.display().to_string()
}

#[test]
fn source_bytes_are_decoded_as_cpython_decodes_them() {
    let path = raw_script("bom.py", b"\xef\xbb\xbfprint('bom skipped')\n");
    assert_eq!(coro(&[&path]), (0, "bom skipped\n".to_string(), String::new()));

    let path = raw_script("latin1.py", b"# -*- coding: latin-1 -*-\nprint('caf\xe9')\n");
    assert_eq!(coro(&[&path]).1, "caf\u{e9}\n");

    let path = raw_script("binary.py", b"print(1)\nx = '\xff'\n");
    let (status, out, err) = coro(&[&path]);
    assert_eq!((status, out.as_str()), (1, ""));
    let last = err.trim_end();
    assert!(
        last.starts_with("SyntaxError: Non-UTF-8 code starting with '\\xff' in file /")
            && last.ends_with(
                "binary.py on line 2, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            ),
        "{err}"
    );

    let path = raw_script("nul.py", b"x = 'a\x00b'\n");
    let (status, _, err) = coro(&[&path]);
    assert_eq!(status, 1);
    assert!(err.trim_end().ends_with("SyntaxError: source code cannot contain null bytes"), "{err}");

    let path = raw_script("unknown.py", b"# coding: klingon\nx = 1\n");
    let (status, _, err) = coro(&[&path]);
    assert_eq!((status, err.trim_end()), (1, "SyntaxError: encoding problem: klingon"));
}

/// A fresh folder under the temporary directory holding `files` (path, text).
fn folder(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("coro-cli-{}-{}", std::process::id(), name));
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("make folder");
        std::fs::write(&p, text).expect("write file");
    }
    dir
}

#[test]
fn imports_look_for_coro_files_before_py_files() {
    let dir = folder(
        "coro-first",
        &[
            ("main.coro", "import helper, pkg\nprint(helper.KIND, pkg.KIND, helper.__file__.rsplit('/', 1)[-1])\n"),
            ("helper.coro", "KIND = 'coro'\n"),
            ("helper.py", "KIND = 'py'\n"),
            ("pkg/__init__.coro", "KIND = 'coro package'\n"),
            ("pkg/__init__.py", "KIND = 'py package'\n"),
        ],
    );
    let (status, out, err) = coro(&[&dir.join("main.coro").to_string_lossy()]);
    assert_eq!((status, out.as_str()), (0, "coro coro package helper.coro\n"), "{}", err);
}

#[test]
fn coro_path_folders_are_searched_after_the_script_folder() {
    let lib = folder("coro-path-lib", &[("shared_lib.py", "WHO = 'lib'\n"), ("local.py", "WHO = 'lib copy'\n")]);
    let app = folder(
        "coro-path-app",
        &[
            (
                "main.coro",
                "import shared_lib, local, sys\nprint(shared_lib.WHO, local.WHO, sys.path[1:2] == [sys.argv[1]])\n",
            ),
            ("local.py", "WHO = 'local'\n"),
        ],
    );
    let lib = lib.to_string_lossy().into_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_coro"))
        .args([&app.join("main.coro").to_string_lossy(), lib.as_str()])
        .env("CORO_PATH", &lib)
        .output()
        .expect("run coro");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "lib local True\n", "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_uncaught_syntax_error_in_an_imported_module_names_its_file_and_line() {
    let dir = folder("syntax-in-import", &[("main.coro", "import broken\n"), ("broken.py", "a = 1\n\nx = = 1\n")]);
    let (status, _, err) = coro(&[&dir.join("main.coro").to_string_lossy()]);
    let broken = dir.join("broken.py");
    let expected =
        format!("  File \"{}\", line 3\n    x = = 1\n        ^\nSyntaxError: invalid syntax\n", broken.display());
    assert_eq!(status, 1);
    assert!(err.ends_with(&expected), "{}", err);
}

#[test]
fn limits_stop_runaway_scripts_with_a_traceback_and_status_one() {
    let cases: [(&[&str], &str, &str); 5] = [
        (&["--max-duration", "0.3s"], "while True: pass", "TimeoutError: time limit of 0.3s exceeded\n"),
        (
            &["--max-steps", "10000"],
            "def f(n): return f(n - 1) + f(n - 2) if n > 1 else n\nf(40)",
            "TimeoutError: step limit of 10000 exceeded\n",
        ),
        (
            &["--max-memory", "20MB"],
            "a = []\nwhile True: a.append([0] * 1000)",
            "MemoryError: memory limit of 20MB exceeded\n",
        ),
        (&["--max-memory", "20MB"], "s = 'x' * 10**9", "MemoryError: memory limit of 20MB exceeded\n"),
        (
            &["--max-recursion-depth", "30"],
            "def f(n): f(n + 1)\nf(0)",
            "RecursionError: maximum recursion depth exceeded\n",
        ),
    ];
    for (flags, code, last) in cases {
        let start = Instant::now();
        let args: Vec<&str> = flags.iter().copied().chain(["-c", code]).collect();
        let (status, _, err) = coro(&args);
        assert_eq!(status, 1, "{:?}: {}", flags, err);
        assert!(err.starts_with("Traceback (most recent call last):\n"), "{:?}: {}", flags, err);
        assert!(err.ends_with(last), "{:?}: {}", flags, err);
        assert!(start.elapsed() < Duration::from_secs(20), "{:?} took {:?}", flags, start.elapsed());
    }
}

#[test]
fn time_limits_end_sleeps_and_native_loops() {
    for code in [
        "import time\ntime.sleep(60)",
        "sum(range(10**12))",
        "import asyncio\nasync def main():\n    await asyncio.sleep(60)\nasyncio.run(main())",
    ] {
        let start = Instant::now();
        let (status, _, err) = coro(&["--max-duration", "500ms", "-c", code]);
        assert_eq!(status, 1, "{}: {}", code, err);
        assert!(err.ends_with("TimeoutError: time limit of 0.5s exceeded\n"), "{}: {}", code, err);
        assert!(start.elapsed() < Duration::from_secs(20), "{} took {:?}", code, start.elapsed());
    }
}

/// Natives that loop, sort, multiply or backtrack for long notice the deadline (and the
/// step budget) while they work.
#[test]
fn limits_hold_inside_long_natives() {
    let codes = [
        "sum(range(10**12))",
        "list(range(10**9))",
        "sorted(list(range(10**7, 0, -1)) * 4)",
        "x = [str(i) for i in range(10**6)] * 12\nx.sort()",
        "'x'.join(map(str, range(10**9)))",
        "x = 3 ** (2 * 10**7)\nwhile True: x = x * x",
        "x = 7 ** 10**6\nwhile True: y = x ** 20",
        "import sys\nsys.set_int_max_str_digits(0)\nint('7' * 10**8)",
        "import math\nmath.factorial(10**8)",
        "import re\nre.match('(a+)+$', 'a' * 40 + 'b')",
        "import re\nre.findall('(x+x+)+y', 'x' * 5000)",
        "import itertools\nany(x < 0 for x in itertools.count())",
        "import itertools\nall(itertools.repeat(1))",
        "import itertools\nmax(itertools.count())",
        "import itertools\nsorted(itertools.count())",
        "import itertools\n-1 in itertools.count()",
        "import collections, itertools\ncollections.deque(itertools.count(), maxlen=2)",
        "import itertools\nlist(itertools.permutations(range(20)))",
        "import functools, itertools, operator\nfunctools.reduce(operator.add, itertools.repeat(1))",
    ];
    for (flag, value, message) in [
        ("--max-duration", "0.5", "TimeoutError: time limit of 0.5s exceeded\n"),
        ("--max-steps", "100000", "TimeoutError: step limit of 100000 exceeded\n"),
    ] {
        for code in codes {
            let start = Instant::now();
            let (status, _, err) = coro(&[flag, value, "--max-memory", "1GB", "-c", code]);
            assert_eq!(status, 1, "{} {}: {}", flag, code, err);
            let stopped = err.ends_with(message) || err.ends_with("MemoryError: memory limit of 1GB exceeded\n");
            assert!(stopped, "{} {}: {}", flag, code, err);
            assert!(start.elapsed() < Duration::from_secs(10), "{} {} took {:?}", flag, code, start.elapsed());
        }
    }
}

#[test]
fn the_recursion_depth_flag_caps_setrecursionlimit() {
    let code = "import sys\nprint(sys.getrecursionlimit())\nsys.setrecursionlimit(20)\nsys.setrecursionlimit(500)";
    let (status, out, err) = coro(&["--max-recursion-depth", "100", "-c", code]);
    assert_eq!((status, out.as_str()), (1, "100\n"), "{}", err);
    assert!(
        err.ends_with("ValueError: recursion limit 500 is above the host's maximum recursion depth of 100\n"),
        "{}",
        err
    );
}

#[test]
fn scripts_within_their_limits_run_as_usual() {
    let code = "print(sum(i * i for i in range(10000)))";
    let flags =
        ["--max-memory", "200MB", "--max-duration", "60", "--max-steps", "1000000", "--max-recursion-depth", "500"];
    let args: Vec<&str> = flags.iter().copied().chain(["-c", code]).collect();
    assert_eq!(coro(&args), (0, "333283335000\n".to_string(), String::new()));
}

#[test]
fn bad_limit_values_are_usage_errors() {
    for flags in
        [["--max-memory", "lots"], ["--max-duration", "-1"], ["--max-steps", "0"], ["--max-recursion-depth", "x"]]
    {
        let args: Vec<&str> = flags.iter().copied().chain(["-c", "pass"]).collect();
        let (status, _, err) = coro(&args);
        assert_eq!(status, 2, "{:?}: {}", flags, err);
        assert!(err.contains(flags[0]), "{:?}: {}", flags, err);
    }
}

#[test]
fn the_sandbox_denies_files_network_and_environment_naming_the_flag() {
    let cases = [
        (
            "open('/etc/hostname')",
            "PermissionError: read access to '/etc/hostname' is denied (grant it with --allow-read)",
        ),
        ("import os\nos.listdir('/')", "PermissionError: read access to '/' is denied (grant it with --allow-read)"),
        ("import os\nos.environ['HOME']", "PermissionError: environment access is denied (grant it with --allow-env)"),
        ("import os\nos.getenv('HOME')", "PermissionError: environment access is denied (grant it with --allow-env)"),
        (
            "import requests\nrequests.get('http://example.com/')",
            "PermissionError: network access to 'example.com' is denied (grant it with --allow-net)",
        ),
        (
            "import asyncio\nasync def main():\n    await http_get('http://example.com:8080/x')\nasyncio.run(main())",
            "PermissionError: network access to 'example.com:8080' is denied (grant it with --allow-net)",
        ),
        (
            "import subprocess\nsubprocess.run(['true'])",
            "PermissionError: running 'true' is denied (grant it with --allow-run)",
        ),
        (
            "import subprocess\nsubprocess.getoutput('ls')",
            "PermissionError: running '/bin/sh' is denied (grant it with --allow-run)",
        ),
    ];
    for (code, last) in cases {
        let (status, _, err) = coro(&["--sandbox", "-c", code]);
        assert_eq!(status, 1, "{}: {}", code, err);
        assert!(err.starts_with("Traceback (most recent call last):\n"), "{}: {}", code, err);
        assert!(err.ends_with(&format!("{}\n", last)), "{}: {}", code, err);
    }
}

#[test]
fn allow_flags_grant_one_folder_or_capability_each() {
    let dir = std::env::temp_dir().join(format!("coro-cli-{}-sandbox", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make folder");
    std::fs::write(dir.join("in.txt"), "inside\n").expect("write file");
    let d = dir.display().to_string();
    let code = format!(
        "import os, pathlib\nprint(open('{d}/in.txt').read().strip(), os.listdir('{d}'))\n\
         pathlib.Path('{d}/out.txt').write_text('x')\nprint(sorted(os.listdir('{d}')))\n\
         try:\n    open('{d}/../elsewhere.txt', 'w')\nexcept PermissionError as e:\n    print(e)\n\
         try:\n    os.environ.get('HOME')\nexcept PermissionError as e:\n    print(e)\n"
    );
    let (read, write) = (format!("--allow-read={}", d), format!("--allow-write={}", d));
    let (status, out, err) = coro(&[&read, &write, "-c", &code]);
    assert_eq!(status, 0, "{}", err);
    assert_eq!(
        out,
        format!(
            "inside ['in.txt']\n['in.txt', 'out.txt']\nwrite access to '{d}/../elsewhere.txt' is denied (grant it with --allow-write)\n\
             environment access is denied (grant it with --allow-env)\n"
        )
    );
    let (status, out, _) = coro(&["--allow-env", "-c", "import os\nprint('PATH' in os.environ)"]);
    assert_eq!((status, out.as_str()), (0, "True\n"));
    let code = "import subprocess\nprint(subprocess.run(['echo', 'ran'], capture_output=True).stdout)";
    let (status, out, _) = coro(&["--allow-run", "-c", code]);
    assert_eq!((status, out.as_str()), (0, "b'ran\\n'\n"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn text_wrapper_flush_modes_not_built_are_refused_not_ignored() {
    let code = "import io\nio.TextIOWrapper(io.BytesIO(), line_buffering=False)\nio.TextIOWrapper(io.BytesIO(), write_through=True)";
    let (status, _, err) = coro(&["-c", code]);
    assert_eq!(status, 1);
    assert!(err.ends_with("NotImplementedError: TextIOWrapper(write_through=True) is not supported yet\n"), "{}", err);
}

#[test]
fn traceback_locals_and_unsupported_subprocess_options_are_refused_not_ignored() {
    let cases = [
        (
            "import traceback\ntraceback.TracebackException(ValueError, ValueError(), None, capture_locals=True)",
            "NotImplementedError: traceback.TracebackException(capture_locals=True)",
        ),
        (
            "import unittest\nunittest.TextTestRunner(tb_locals=True)",
            "NotImplementedError: unittest: tb_locals (--locals), local variables in tracebacks",
        ),
        (
            "import subprocess\nsubprocess.run(['true'], pass_fds=[3])",
            "NotImplementedError: subprocess.Popen: pass_fds=(3,) is not supported",
        ),
    ];
    for (code, last) in cases {
        let (status, _, err) = coro(&["-c", code]);
        assert_eq!(status, 1, "{}", code);
        assert!(err.ends_with(&format!("{}\n", last)), "{}: {}", code, err);
    }
}
