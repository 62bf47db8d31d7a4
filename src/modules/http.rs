//! HTTP GET: the non-blocking builtin `http_get` (awaited on the asyncio loop) and the
//! blocking `requests` module, both returning a `Response`.
//!
//! Requests run on a bounded pool of worker threads sharing one `ureq::Agent`. Only plain
//! data crosses threads: the request going out, and a `Completion` (status, headers, body,
//! or an error kind and message) coming back on the interpreter thread's completion
//! channel, which the event loop waits on while requests are in flight.

use super::args::kwarg;
use super::builtins::{method, native};
use crate::intern::intern;
use crate::object::class::{Class, Layout};
use crate::object::dict::PyDict;
use crate::object::function::Args;
use crate::object::instance::Instance;
use crate::object::module::Module;
use crate::runtime::exceptions::{new_exception, raise, type_error};
use crate::runtime::{type_name, types};
use crate::value::Value;
use crate::vm::{Exc, Flow, PyResult};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
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
    id: u64,
    req: HttpRequest,
    done: Sender<(u64, Outcome)>,
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
                    let _ = job.done.send((job.id, out));
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

fn failure_exc(f: HttpFailure) -> Exc {
    let class = match f.kind {
        FailKind::Connection => "ConnectionError",
        FailKind::Timeout => "TimeoutError",
        FailKind::Value => "ValueError",
        FailKind::Other => "OSError",
    };
    new_exception(types().exc(class), vec![Value::str(f.msg)])
}

/// Per-interpreter-thread state: the completion channel and the futures still waiting.
struct Local {
    done_tx: Sender<(u64, Outcome)>,
    done_rx: Receiver<(u64, Outcome)>,
    pending: HashMap<u64, Value>,
    next_id: u64,
    response_class: Option<Rc<Class>>,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new({
        let (done_tx, done_rx) = mpsc::channel();
        Local { done_tx, done_rx, pending: HashMap::new(), next_id: 0, response_class: None }
    });
}

/// Starts a request on the pool; its result arrives on a new Future on the current loop.
pub fn start(req: HttpRequest) -> PyResult {
    check_url(&req.url).map_err(|f| Flow::Raise(failure_exc(f)))?;
    crate::capabilities::check_net(&req.url)?;
    let fut = crate::modules::asyncio::new_pending_future();
    let (id, done) = LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.next_id += 1;
        let id = l.next_id;
        l.pending.insert(id, fut.clone());
        (id, l.done_tx.clone())
    });
    let sent = pool().lock().map(|tx| tx.send(Job { id, req, done }).is_ok()).unwrap_or(false);
    if !sent {
        LOCAL.with(|l| l.borrow_mut().pending.remove(&id));
        return Err(raise("RuntimeError", "http worker pool is not running"));
    }
    Ok(fut)
}

/// Whether a request is still running for a future someone waits on.
pub fn in_flight() -> bool {
    LOCAL.with(|l| l.borrow().pending.values().any(crate::modules::asyncio::future_pending))
}

fn complete(id: u64, out: Outcome) {
    let Some(fut) = LOCAL.with(|l| l.borrow_mut().pending.remove(&id)) else { return };
    if !crate::modules::asyncio::future_pending(&fut) {
        return; // cancelled meanwhile
    }
    let r = match out {
        Ok(reply) => Ok(make_response(reply)),
        Err(f) => Err(failure_exc(f)),
    };
    crate::modules::asyncio::resolve_future(&fut, r);
}

/// Resolves the futures of the requests that have finished, without blocking.
pub fn drain() -> bool {
    let mut any = false;
    loop {
        let next = LOCAL.with(|l| l.borrow().done_rx.try_recv().ok());
        match next {
            Some((id, out)) => {
                complete(id, out);
                any = true;
            }
            None => return any,
        }
    }
}

/// Blocks until a request finishes (or `limit` passes), then resolves what has finished.
pub fn wait(limit: Option<Duration>) {
    let got = LOCAL.with(|l| {
        let l = l.borrow();
        match limit {
            Some(d) => match l.done_rx.recv_timeout(d) {
                Ok(x) => Some(x),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
            },
            None => l.done_rx.recv().ok(),
        }
    });
    if let Some((id, out)) = got {
        complete(id, out);
    }
    drain();
}

fn response_class() -> Rc<Class> {
    if let Some(c) = LOCAL.with(|l| l.borrow().response_class.clone()) {
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
        let e = new_exception(types().exc("HTTPError"), vec![Value::str(format!("{} Error for url: {}", code, url))]);
        e.attrs.borrow_mut().insert(intern("response"), a.pos[0].clone());
        Err(Flow::Raise(e))
    });
    LOCAL.with(|l| l.borrow_mut().response_class = Some(class.clone()));
    class
}

fn attr(a: &Args, name: &str) -> PyResult {
    match a.pos.first() {
        Some(Value::Instance(i)) => i
            .attrs
            .borrow()
            .get(&intern(name))
            .cloned()
            .ok_or_else(|| raise("AttributeError", format!("'Response' object has no attribute '{}'", name))),
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
        return Err(raise("ValueError", format!("{}() timeout must be a positive number, not {}", name, timeout)));
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
    m.set(intern("HTTPError"), Value::Class(types().exc("HTTPError").clone()));
    m.set(intern("ConnectionError"), Value::Class(types().exc("ConnectionError").clone()));
    m.set(intern("Timeout"), Value::Class(types().exc("TimeoutError").clone()));
    m.set(intern("Response"), Value::Class(response_class()));
    m
}
