//! A small HTTP test server with the routes of the shared conformance server:
//! `/`, `/json`, `/echo?<query>`, `/status/<code>`, `/delay/<ms>`, `/big/<n>`,
//! `/header/<name>`, anything else 404. One thread per connection, `Connection: close`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// Starts the server on 127.0.0.1 (port 0 picks a free one) and returns its port.
pub fn start(port: u16) -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = handle(stream);
            });
        }
    });
    Ok(port)
}

fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    // Faults for coro's own tests (the shared corpus's server has none of these).
    match path {
        "/fault/reset" => {
            // Promises 1000 bytes, sends 10, then closes the connection.
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n0123456789")?;
            stream.flush()?;
            return stream.shutdown(std::net::Shutdown::Both);
        }
        "/fault/latin1" => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\ncaf\xe9",
            )?;
            return stream.flush();
        }
        _ => {}
    }
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let text = "text/plain; charset=utf-8";
    let (code, body, ctype): (u16, String, &str) = match (path, seg.as_slice()) {
        ("/", _) => (200, "hello".into(), text),
        ("/json", _) => (200, r#"{"a": 1, "b": [1, 2]}"#.into(), "application/json"),
        ("/echo", _) => (200, query.to_string(), text),
        (_, ["status", c]) if c.parse::<u16>().is_ok_and(|c| (100..=599).contains(&c)) => {
            let c: u16 = c.parse().unwrap_or(500);
            (c, format!("status {}", c), text)
        }
        (_, ["delay", ms]) if ms.parse::<u64>().is_ok() => {
            let ms: u64 = ms.parse().unwrap_or(0);
            std::thread::sleep(Duration::from_millis(ms));
            (200, format!("slept {}", ms), text)
        }
        (_, ["big", n]) if n.parse::<usize>().is_ok() => (200, "x".repeat(n.parse().unwrap_or(0)), text),
        (_, ["header", name]) => {
            let name = name.to_ascii_lowercase();
            (200, headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default(), text)
        }
        _ => (404, "not found".into(), text),
    };
    let body = if code == 204 || code == 304 || code < 200 { String::new() } else { body };
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        code,
        ctype,
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}
