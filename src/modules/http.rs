//! HTTP GET: the non-blocking builtin `http_get` (awaited on the asyncio loop) and the
//! blocking `requests` module, both returning a `Response`.
//!
//! Requests run on a bounded pool of worker threads sharing one `ureq::Agent`. Only plain
//! data crosses threads: the request going out, and its outcome (status, headers, body, or
//! an error kind and message) coming back through `runtime::completions`, which the event
//! loop waits on while requests are in flight.

use crate::intern::intern;
use crate::object::class::{Class, Layout};
use crate::object::dict::PyDict;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::args::kwarg;
use crate::runtime::completions::{self, Completer};
use crate::runtime::coroutine::{new_awaitable, AwaitCell, AwaitStep, Awaitable};
use crate::runtime::define::{method, native};
use crate::runtime::exceptions::{new_exception, raise, runtime_error, type_error};
use crate::runtime::ExcType;
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::{Exc, Flow, PyResult};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Timeout (connect, and each read) when none is given.
pub const DEFAULT_TIMEOUT: f64 = 30.0;
/// Largest response body accepted.
pub const MAX_BODY: u64 = 64 << 20;
/// Worker threads when `CORO_HTTP_WORKERS` is not set.
pub const DEFAULT_WORKERS: usize = 32;

/// A GET to perform: plain data, sent to a worker thread.
pub struct HttpRequest {
    pub url: String,
    pub timeout: f64,
    pub headers: Vec<(String, String)>,
}

pub struct HttpReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    url: String,
}

pub enum FailKind {
    Connection,
    Timeout,
    Value,
    Other,
}

pub struct HttpFailure {
    kind: FailKind,
    msg: String,
}

type Outcome = Result<HttpReply, HttpFailure>;

struct Job {
    req: HttpRequest,
    done: Completer,
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| ureq::Agent::config_builder().http_status_as_error(false).build().into())
}

/// The job queue of the worker pool, started on first use.
fn pool() -> &'static Mutex<Sender<Job>> {
    static POOL: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let n = std::env::var("CORO_HTTP_WORKERS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DEFAULT_WORKERS);
        for i in 0..n {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("coro-http-{}", i))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => match r.recv() {
                            Ok(j) => j,
                            Err(_) => return,
                        },
                        Err(_) => return,
                    };
                    let out = perform(&job.req);
                    job.done.complete(out);
                })
                .expect("spawn http worker");
        }
        Mutex::new(tx)
    })
}

fn fail(kind: FailKind, msg: impl Into<String>) -> HttpFailure {
    HttpFailure { kind, msg: msg.into() }
}

/// Checks the URL before it is sent: only absolute http and https URLs.
fn check_url(url: &str) -> Result<(), HttpFailure> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(fail(FailKind::Value, format!("Invalid URL '{}': No scheme supplied", url)));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(fail(FailKind::Value, format!("No connection adapters were found for '{}'", url)));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(fail(FailKind::Value, format!("Invalid URL '{}': No host supplied", url)));
    }
    Ok(())
}

/// Runs one GET on the calling thread.
fn perform(req: &HttpRequest) -> Outcome {
    check_url(&req.url)?;
    let t = Some(Duration::from_secs_f64(req.timeout));
    let mut rb = agent().get(&req.url);
    for (k, v) in &req.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    let rb = rb.config().timeout_connect(t).timeout_recv_response(t).timeout_per_read(t).build();
    let mut resp = rb.call().map_err(|e| failure(&req.url, e))?;
    let status = resp.status().as_u16();
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in resp.headers() {
        let (k, v) = (name.as_str().to_ascii_lowercase(), String::from_utf8_lossy(value.as_bytes()).into_owned());
        match headers.iter_mut().find(|(h, _)| *h == k) {
            Some((_, old)) => {
                old.push_str(", ");
                old.push_str(&v);
            }
            None => headers.push((k, v)),
        }
    }
    let body = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| failure(&req.url, e))?;
    Ok(HttpReply { status, headers, body, url: req.url.clone() })
}

fn failure(url: &str, e: ureq::Error) -> HttpFailure {
    use std::io::ErrorKind;
    let kind = match &e {
        ureq::Error::Timeout(_) => FailKind::Timeout,
        ureq::Error::Io(io) if matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => FailKind::Timeout,
        ureq::Error::Io(_) | ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => FailKind::Connection,
        ureq::Error::BadUri(_) => FailKind::Value,
        ureq::Error::BodyExceedsLimit(_) => {
            return fail(FailKind::Other, format!("response body of {} exceeds the {} MiB limit", url, MAX_BODY >> 20))
        }
        _ => FailKind::Other,
    };
    fail(kind, format!("{}: {}", url, e))
}

/// `HTTPError`, raised by `raise_for_status`: a builtin beside `http_get`, and
/// `requests.HTTPError` too.
pub fn http_error_class() -> Rc<Class> {
    crate::modules::classes::module_exception("builtins", "HTTPError", ExcType::OSError)
}

fn failure_exc(f: HttpFailure) -> Exc {
    let class = match f.kind {
        FailKind::Connection => ExcType::ConnectionError,
        FailKind::Timeout => ExcType::TimeoutError,
        FailKind::Value => ExcType::ValueError,
        FailKind::Other => ExcType::OSError,
    };
    new_exception(types().exc(class), vec![Value::str(f.msg)])
}

fn pool_sender() -> Option<Sender<Job>> {
    pool().lock().ok().map(|tx| tx.clone())
}

fn pool_down() -> Flow {
    raise(ExcType::RuntimeError, "http worker pool is not running")
}

thread_local! {
    static RESPONSE_CLASS: RefCell<Option<Rc<Class>>> = const { RefCell::new(None) };
}

/// Starts a request on the pool; its result arrives on a new Future on the current loop.
/// `await http_get(...)`: the request starts when first stepped, and the await ends with
/// the future of its completion.
pub struct HttpWait {
    req: RefCell<Option<HttpRequest>>,
    pub fut: RefCell<Option<Value>>,
}

/// The coroutine object of `http_get(...)`.
pub fn new_wait(req: HttpRequest) -> Value {
    new_awaitable(HttpWait { req: RefCell::new(Some(req)), fut: RefCell::new(None) })
}

impl Awaitable for HttpWait {
    fn step(&self, _this: &AwaitCell, _sent: Value) -> AwaitStep {
        let fut = self.fut.borrow().clone();
        match fut {
            None => match self.req.borrow_mut().take() {
                Some(r) => match start(r) {
                    Ok(f) => {
                        *self.fut.borrow_mut() = Some(f.clone());
                        AwaitStep::Yield(f)
                    }
                    Err(e) => AwaitStep::Raise(e),
                },
                None => AwaitStep::Raise(runtime_error("cannot reuse already awaited coroutine")),
            },
            Some(f) if crate::modules::asyncio::future_pending(&f) => {
                AwaitStep::Raise(runtime_error("await wasn't used with future"))
            }
            Some(f) => crate::modules::asyncio::future_outcome(&f),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn start(req: HttpRequest) -> PyResult {
    check_url(&req.url).map_err(|f| Flow::Raise(failure_exc(f)))?;
    crate::capabilities::check_net(&req.url)?;
    let fut = crate::modules::asyncio::new_pending_future();
    let (target, watched) = (fut.clone(), fut.clone());
    let done = completions::expect(
        move |payload| {
            let Ok(out) = payload.downcast::<Outcome>() else { return };
            if !crate::modules::asyncio::future_pending(&target) {
                return; // cancelled meanwhile
            }
            let r = match *out {
                Ok(reply) => Ok(make_response(reply)),
                Err(f) => Err(failure_exc(f)),
            };
            crate::modules::asyncio::resolve_future(&target, r);
        },
        move || crate::modules::asyncio::future_pending(&watched),
    );
    match pool_sender().map(|tx| tx.send(Job { req, done })) {
        Some(Ok(())) => Ok(fut),
        Some(Err(mpsc::SendError(job))) => {
            completions::cancel(job.done);
            Err(pool_down())
        }
        None => Err(pool_down()),
    }
}

fn response_class() -> Rc<Class> {
    if let Some(c) = RESPONSE_CLASS.with(|c| c.borrow().clone()) {
        return c;
    }
    let object = types().object.clone();
    let bases = vec![object];
    let mro = crate::object::class::c3_mro(&bases).unwrap_or_default();
    let class =
        Rc::new(Class::new(intern("Response"), "Response".to_string(), intern("requests"), bases, mro, Layout::Object));
    method(&class, "__repr__", |a| Ok(Value::str(format!("<Response [{}]>", attr_int(a, "status_code")?))));
    method(&class, "json", |a| {
        let text = attr(a, "text")?;
        crate::modules::json::loads(&Args { pos: &[text], kw: &[] })
    });
    method(&class, "raise_for_status", |a| {
        let code = attr_int(a, "status_code")?;
        if code < 400 {
            return Ok(Value::None);
        }
        let url = attr(a, "url")?;
        let url = url.as_str().unwrap_or("").to_string();
        let e = new_exception(&http_error_class(), vec![Value::str(format!("{} Error for url: {}", code, url))]);
        e.attrs.borrow_mut().insert(intern("response"), a.pos[0].clone());
        Err(Flow::Raise(e))
    });
    RESPONSE_CLASS.with(|c| *c.borrow_mut() = Some(class.clone()));
    class
}

fn attr(a: &Args, name: &str) -> PyResult {
    match a.pos.first() {
        Some(Value::Instance(i)) => i
            .attrs
            .borrow()
            .get(&intern(name))
            .ok_or_else(|| raise(ExcType::AttributeError, format!("'Response' object has no attribute '{}'", name))),
        _ => Err(type_error("descriptor requires a 'Response' object")),
    }
}

fn attr_int(a: &Args, name: &str) -> PyResult<i64> {
    match attr(a, name)? {
        Value::Int(i) => Ok(i),
        other => Err(type_error(format!("'{}' is not an int status code", type_name(&other)))),
    }
}

fn make_response(r: HttpReply) -> Value {
    let inst = Instance::new(response_class());
    let headers = PyDict::default();
    for (k, v) in r.headers {
        headers.insert_str(&k, Value::str(v));
    }
    {
        let mut at = inst.attrs.borrow_mut();
        at.insert(intern("status_code"), Value::Int(r.status as i64));
        at.insert(intern("text"), Value::str(String::from_utf8_lossy(&r.body).into_owned()));
        at.insert(intern("headers"), Value::Dict(Rc::new(headers)));
        at.insert(intern("url"), Value::str(r.url));
        at.insert(intern("ok"), Value::Bool(r.status < 400));
    }
    Value::Instance(Rc::new(inst))
}

/// Reads `(url, timeout=None, headers=None)` into a request.
pub fn parse_request(a: &Args, name: &str) -> PyResult<HttpRequest> {
    if a.pos.len() > 3 {
        return Err(type_error(format!(
            "{}() takes from 1 to 3 positional arguments but {} were given",
            name,
            a.pos.len()
        )));
    }
    for (k, _) in a.kw {
        if !matches!(k.as_str(), "url" | "timeout" | "headers") {
            return Err(type_error(format!("{}() got an unexpected keyword argument '{}'", name, k)));
        }
    }
    let url = a.pos.first().cloned().or_else(|| kwarg(a, "url"));
    let url = match url {
        Some(Value::Str(s)) => s.s.to_string(),
        Some(other) => return Err(type_error(format!("{}() url must be str, not {}", name, type_name(&other)))),
        None => return Err(type_error(format!("{}() missing 1 required positional argument: 'url'", name))),
    };
    let timeout = match a.pos.get(1).cloned().or_else(|| kwarg(a, "timeout")) {
        None | Some(Value::None) => DEFAULT_TIMEOUT,
        Some(Value::Int(i)) => i as f64,
        Some(Value::Float(f)) => f,
        Some(other) => {
            return Err(type_error(format!("{}() timeout must be a number or None, not {}", name, type_name(&other))))
        }
    };
    if !(timeout > 0.0 && timeout.is_finite()) {
        return Err(raise(
            ExcType::ValueError,
            format!("{}() timeout must be a positive number, not {}", name, timeout),
        ));
    }
    let mut headers = Vec::new();
    match a.pos.get(2).cloned().or_else(|| kwarg(a, "headers")) {
        None | Some(Value::None) => {}
        Some(Value::Dict(d)) => {
            for (k, v) in d.items() {
                headers.push((header_text(&k, name)?, header_text(&v, name)?));
            }
        }
        Some(other) => {
            return Err(type_error(format!("{}() headers must be a dict or None, not {}", name, type_name(&other))))
        }
    }
    Ok(HttpRequest { url, timeout, headers })
}

fn header_text(v: &Value, name: &str) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.s.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        other => Err(type_error(format!("{}() header names and values must be str, not {}", name, type_name(other)))),
    }
}

/// `requests.get(url, timeout=None, headers=None)`: blocks the interpreter until done.
fn requests_get(a: &Args) -> PyResult {
    let req = parse_request(a, "get")?;
    check_url(&req.url).map_err(|f| Flow::Raise(failure_exc(f)))?;
    crate::capabilities::check_net(&req.url)?;
    crate::modules::blocking::blocking_call("requests.get()", "'await http_get(...)'", move || match perform(&req) {
        Ok(reply) => Ok(make_response(reply)),
        Err(f) => Err(Flow::Raise(failure_exc(f))),
    })
}

/// The blocking `requests` module.
pub fn make_requests_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("requests")));
    m.set(intern("__name__"), Value::str("requests"));
    m.set(intern("get"), native("get", requests_get));
    m.set(intern("HTTPError"), Value::Class(http_error_class()));
    m.set(intern("ConnectionError"), Value::Class(types().exc(ExcType::ConnectionError).clone()));
    m.set(intern("Timeout"), Value::Class(types().exc(ExcType::TimeoutError).clone()));
    m.set(intern("Response"), Value::Class(response_class()));
    m
}
