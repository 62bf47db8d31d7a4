//! The `coro` command: run a script, a `-c` string or standard input, disassemble, or
//! start the interactive REPL.

mod repl;

use clap::Parser;
use coro::capabilities::Capabilities;
use coro::limits::{memory::CountingAlloc, parse, Limits};
use coro::recently_freed::RecentlyFreed;
use coro::{Interpreter, Outcome};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

/// Scripts allocate and free many small objects (strings, lists, boxed values); mimalloc
/// serves those far faster than the system allocator. `RecentlyFreed` reuses a freed
/// object's address for the next one, as CPython does. Counting what each thread holds is
/// what `--max-memory` measures.
#[global_allocator]
static ALLOCATOR: CountingAlloc<RecentlyFreed<mimalloc::MiMalloc>> =
    // SAFETY: this is the process's only RecentlyFreed.
    CountingAlloc(unsafe { RecentlyFreed::new(mimalloc::MiMalloc) });

#[derive(Parser)]
#[command(name = "coro", version, about = "A small, fast, Python-flavoured scripting language with async/await")]
struct Cli {
    /// Program passed in as a string (then every positional argument goes to `sys.argv`).
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// Print the bytecode of FILE instead of running it.
    #[arg(long)]
    dis: bool,
    /// Event loops jump to the next timer instead of waiting: sleeps are instant.
    #[arg(long)]
    virtual_time: bool,
    /// Enter the interactive REPL after running FILE (or CODE), with its globals.
    #[arg(short = 'i')]
    interactive: bool,
    /// Stop the script with MemoryError once it holds more than SIZE (e.g. 100MB, 2G).
    #[arg(long, value_name = "SIZE", value_parser = parse::size)]
    max_memory: Option<usize>,
    /// Stop the script with TimeoutError after DURATION of wall-clock time (e.g. 5, 1.5s, 500ms).
    #[arg(long, value_name = "DURATION", value_parser = parse::duration)]
    max_duration: Option<std::time::Duration>,
    /// Raise RecursionError past N nested calls; sys.setrecursionlimit may not go higher.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_recursion_depth: Option<u32>,
    /// Stop the script with TimeoutError after N steps (loop iterations and calls).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: Option<u64>,
    /// Deny the script the file system, the network, the environment and other programs
    /// (the --allow flags grant them back, and imply --sandbox).
    #[arg(long)]
    sandbox: bool,
    /// Allow reading files, everywhere or under DIR (repeatable).
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_read: Vec<String>,
    /// Allow writing files, everywhere or under DIR (repeatable).
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_write: Vec<String>,
    /// Allow network requests, to every host or to HOST (repeatable).
    #[arg(long, value_name = "HOST", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_net: Vec<String>,
    /// Allow reading and setting environment variables.
    #[arg(long)]
    allow_env: bool,
    /// Allow running other programs (subprocess).
    #[arg(long)]
    allow_run: bool,
    /// FILE to run, then the arguments passed to it in `sys.argv[1:]`.
    #[arg(value_name = "FILE [ARGS]", trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deep recursion in the compiler or in nested reprs must not overflow the main thread's
    // small stack: run on a thread with room to spare.
    let child = std::thread::Builder::new().stack_size(256 << 20).spawn(move || run(cli));
    match child.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(70),
    }
}

fn run(cli: Cli) -> u8 {
    let mut interp = Interpreter::new();
    interp.set_limits(Limits {
        max_memory: cli.max_memory,
        max_duration: cli.max_duration,
        max_recursion_depth: cli.max_recursion_depth.map(|n| n as usize),
        max_steps: cli.max_steps,
    });
    interp.set_capabilities(capabilities(&cli));
    if cli.virtual_time {
        coro::modules::asyncio::use_virtual_time();
    }
    interp.colour = coro::diagnostics::use_colour();
    let (file, args) = match &cli.code {
        Some(_) => (None, cli.rest.clone()),
        None => (cli.rest.first().cloned(), cli.rest.iter().skip(1).cloned().collect()),
    };
    let (name, text) = match (&cli.code, &file) {
        (Some(code), _) => ("<string>".to_string(), code.clone()),
        (None, Some(path)) => match std::fs::read(path) {
            Ok(bytes) => match decode_source(&bytes, path, &interp) {
                Some(text) => (path.clone(), text),
                None => return 1,
            },
            Err(e) => {
                eprintln!("coro: can't open file '{}': {}", path, e);
                return 2;
            }
        },
        (None, None) if cli.interactive || std::io::stdin().is_terminal() => {
            coro::modules::sys::set_argv(vec![String::new()]);
            repl::catch_ctrl_c();
            return repl::run(&mut interp, !cli.interactive);
        }
        // Standard input that is not a terminal runs as a script, as `python3 < file` does.
        (None, None) => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                eprintln!("coro: can't read standard input: {}", e);
                return 2;
            }
            match decode_source(&bytes, "<stdin>", &interp) {
                Some(text) => ("<stdin>".to_string(), text),
                None => return 1,
            }
        }
    };
    let script = match (&cli.code, &file) {
        (Some(_), _) => "-c".to_string(),
        (None, Some(_)) => name.clone(),
        (None, None) => String::new(),
    };
    coro::modules::sys::set_argv(std::iter::once(script).chain(args).collect());
    if cli.dis {
        return match coro::disasm::disassemble_source(&name, &text) {
            Ok(listing) => {
                print!("{}", listing);
                0
            }
            Err(report) => {
                eprint!("{}", report);
                1
            }
        };
    }
    if cli.interactive {
        repl::catch_ctrl_c();
    }
    let status = match interp.run_source(&name, &text) {
        Outcome::Ok => 0,
        Outcome::Failed(n) => n.clamp(0, 255) as u8,
    };
    coro::runtime::output::flush();
    if cli.interactive {
        return repl::run(&mut interp, false);
    }
    status
}

/// What the script may touch: everything, as Python allows, unless `--sandbox` or an
/// `--allow-*` flag says otherwise.
fn capabilities(cli: &Cli) -> Capabilities {
    let sandboxed = cli.sandbox
        || cli.allow_env
        || cli.allow_run
        || !(cli.allow_read.is_empty() && cli.allow_write.is_empty() && cli.allow_net.is_empty());
    if !sandboxed {
        return Capabilities::all();
    }
    let mut caps = Capabilities::none();
    let grants =
        [(&mut caps.read, &cli.allow_read), (&mut caps.write, &cli.allow_write), (&mut caps.net, &cli.allow_net)];
    for (scope, items) in grants {
        for item in items {
            scope.grant((!item.is_empty()).then(|| item.clone()));
        }
    }
    caps.env = cli.allow_env;
    caps.run = cli.allow_run;
    caps
}

/// The text of a script's bytes, or None after reporting CPython's `SyntaxError` for bytes
/// that are not valid source.
fn decode_source(bytes: &[u8], path: &str, interp: &Interpreter) -> Option<String> {
    let shown = std::fs::canonicalize(path).map_or_else(|_| path.to_string(), |p| p.display().to_string());
    match coro::source_text::decode(bytes, &shown) {
        Ok(text) => Some(text),
        Err(e) => {
            let report = match e.at {
                None => format!("SyntaxError: {}\n", e.msg),
                Some(at) => {
                    let source = coro::span::SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
                    let span = coro::span::Span::new(at, at + 1);
                    coro::diagnostics::syntax_error(&source, "SyntaxError", &e.msg, span, interp.colour)
                }
            };
            coro::diagnostics::eprint(&report);
            None
        }
    }
}
