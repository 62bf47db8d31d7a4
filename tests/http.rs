//! `http_get` and `requests.get` against a local test server.

mod common;

use common::run_script;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| common::server::start(0).expect("start the http test server"))
}

/// Runs a script with `{base}` replaced by the server's address; returns its stdout.
fn run(src: &str) -> String {
    let src = src.replace("{base}", &format!("http://127.0.0.1:{}", port()));
    let r = run_script("http_case.coro", &src, Duration::from_secs(20)).expect("script timed out");
    assert_eq!(r.status, 0, "script failed: {}", r.stderr);
    r.stdout.replace(&port().to_string(), "PORT")
}

#[test]
fn basics() {
    let out = run(r#"
import asyncio
async def main():
    r = await http_get('{base}/')
    print(r, type(r).__name__, r.status_code, repr(r.text), r.ok, r.url)
    print(r.headers['content-type'], r.headers['content-length'], r.raise_for_status())
    j = await http_get('{base}/json')
    print(j.json())
    nf = await http_get('{base}/status/404')
    print(nf, nf.ok, nf.text)
    try:
        nf.raise_for_status()
    except HTTPError as e:
        print(type(e).__name__, e, isinstance(e, OSError), e.response is nf)
    try:
        (await http_get('{base}/')).json()
    except ValueError as e:
        print(type(e).__name__)
    h = await http_get('{base}/header/X-Token', headers={'X-Token': 'abc'})
    print(h.text)
    print(asyncio.iscoroutine(http_get('{base}/')))
asyncio.run(main())
"#);
    assert_eq!(
        out,
        "<Response [200]> Response 200 'hello' True http://127.0.0.1:PORT/\n\
         text/plain; charset=utf-8 5 None\n\
         {'a': 1, 'b': [1, 2]}\n\
         <Response [404]> False status 404\n\
         HTTPError 404 Error for url: http://127.0.0.1:PORT/status/404 True True\n\
         JSONDecodeError\n\
         abc\n\
         True\n"
    );
}

#[test]
fn concurrent_requests_overlap_while_a_ticker_ticks() {
    let start = Instant::now();
    let out = run(r#"
import asyncio
ticks = 0
async def ticker():
    global ticks
    while True:
        await asyncio.sleep(0.02)
        ticks += 1
async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(ticker())
    one = loop.time()
    await http_get('{base}/delay/500')
    one = loop.time() - one
    start = loop.time()
    before = ticks
    rs = await asyncio.gather(*(http_get('{base}/delay/500') for _ in range(20)))
    took = loop.time() - start
    t.cancel()
    print(len(rs), all(r.text == 'slept 500' for r in rs), ticks - before >= 8)
    print('took', took, 'one', one, took < 2 * one)
asyncio.run(main())
"#);
    let elapsed = start.elapsed();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("20 True True"));
    let timing = lines.next().unwrap_or("");
    assert!(timing.ends_with("True"), "20 concurrent requests were not much slower than one: {}", timing);
    assert!(elapsed < Duration::from_secs(3), "the script took {:?}", elapsed);
}

#[test]
fn failures_and_timeouts() {
    let out = run(r#"
import asyncio
async def main():
    try:
        await http_get('http://127.0.0.1:1/')
    except ConnectionError as e:
        print('ConnectionError', isinstance(e, OSError))
    try:
        await http_get('{base}/delay/500', timeout=0.1)
    except TimeoutError:
        print('TimeoutError')
    try:
        await asyncio.wait_for(http_get('{base}/delay/500'), 0.05)
    except TimeoutError:
        print('wait_for timed out')
    try:
        await http_get('ftp://example.com/')
    except ValueError:
        print('ValueError')
    r = await http_get('{base}/delay/10', timeout=5)
    print(r.text)
asyncio.run(main())
"#);
    assert_eq!(out, "ConnectionError True\nTimeoutError\nwait_for timed out\nValueError\nslept 10\n");
}

#[test]
fn requests_blocks() {
    let out = run(r#"
import asyncio
import requests
log = []
async def fetch(name, ms):
    log.append(name + ' start')
    r = requests.get('{base}/delay/' + str(ms))
    log.append(name + ' end')
    return r
async def main():
    rs = await asyncio.gather(fetch('a', 50), fetch('b', 10))
    print(rs, log)
print(requests.get('{base}/status/500').ok)
asyncio.run(main())
"#);
    assert_eq!(out, "False\n[<Response [200]>, <Response [200]>] ['a start', 'a end', 'b start', 'b end']\n");
}

#[test]
fn faults_give_python_exceptions_and_other_tasks_go_on() {
    let out = run(r#"
import asyncio
import json
ticks = 0
async def ticker():
    global ticks
    while True:
        await asyncio.sleep(0.005)
        ticks += 1
async def attempt(label, url, **kw):
    try:
        r = await http_get(url, **kw)
        return f'{label}: ok {len(r.text)}'
    except Exception as e:
        return f'{label}: {type(e).__name__} is OSError/ValueError: {isinstance(e, (OSError, ValueError))}'
async def main():
    t = asyncio.create_task(ticker())
    results = await asyncio.gather(
        attempt('reset mid-body', '{base}/fault/reset'),
        attempt('malformed url', 'http//nothing'),
        attempt('no host', 'http:///path'),
        attempt('stalls past timeout', '{base}/delay/400', timeout=0.05),
    )
    print('\n'.join(results))
    big = await http_get('{base}/big/50000000')
    print('50 MB body:', len(big.text) == 50000000)
    latin1 = await http_get('{base}/fault/latin1')
    print('non-UTF-8 body:', repr(latin1.text))
    try:
        (await http_get('{base}/')).json()
    except json.JSONDecodeError as e:
        print('invalid JSON:', type(e).__name__, isinstance(e, ValueError), e)
    t.cancel()
    print('ticker kept ticking:', ticks > 5)
asyncio.run(main())
"#);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "reset mid-body: ConnectionError is OSError/ValueError: True", "{}", out);
    assert_eq!(lines[1], "malformed url: ValueError is OSError/ValueError: True", "{}", out);
    assert_eq!(lines[2], "no host: ValueError is OSError/ValueError: True", "{}", out);
    assert_eq!(lines[3], "stalls past timeout: TimeoutError is OSError/ValueError: True", "{}", out);
    assert_eq!(lines[4], "50 MB body: True");
    assert_eq!(lines[5], "non-UTF-8 body: 'caf\u{fffd}'");
    assert_eq!(lines[6], "invalid JSON: JSONDecodeError True Expecting value: line 1 column 1 (char 0)");
    assert_eq!(lines[7], "ticker kept ticking: True");
}
