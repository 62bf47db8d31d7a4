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
