//! `liaison serve` under load: thousands of requests from several threads, malformed and
//! hostile ones among them, while an editor keeps saving a file and the site keeps rebuilding.
//! Every response must be complete (its body as long as its Content-Length), every page a whole
//! HTML document (never a half-written file), no path may reach outside the output folder, and
//! the server must still answer at the end.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Site;
use common::running::Running;

struct Reply {
    status: u16,
    content_length: Option<usize>,
    body: Vec<u8>,
}

/// Sends `raw` bytes as they are and reads until the server closes. `None` when the server
/// closed without an answer (allowed for garbage), `Err` when the answer is cut short.
fn send(port: u16, raw: &[u8]) -> Result<Option<Reply>, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    // A server may answer and close before reading all of a long request: not an error here.
    let _ = s.write_all(raw);
    if raw.is_empty() {
        // A client that connects and sends nothing: hang up, as a browser would.
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut bytes = Vec::new();
    if let Err(e) = s.read_to_end(&mut bytes)
        && bytes.is_empty()
        && e.kind() != std::io::ErrorKind::ConnectionReset
    {
        return Err(format!("read: {e}"));
    }
    if bytes.is_empty() {
        return Ok(None);
    }
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&bytes[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
    let content_length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse::<usize>().map_err(|e| format!("content-length: {e}")))
        .transpose()?;
    Ok(Some(Reply { status, content_length, body: bytes[split + 4..].to_vec() }))
}

fn get(port: u16, path: &str) -> Result<Option<Reply>, String> {
    send(port, format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Requests that must never be answered with a file from outside the output folder.
fn hostile() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/site.toml",
        "/..%2fsite.toml",
        "/..%5csite.toml",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/....//site.toml",
        "/.%2e/site.toml",
        "//etc/passwd",
        "/\\..\\site.toml",
        "/%00",
        "/index.html%00.css",
        "/%ff%fe",
        "/%e4%b8",
        "/%zz",
        "/%",
        "/%%%",
        "/%c0%ae%c0%ae/site.toml",
        "/activities/%E8%AE%B2%E5%BA%A7/",
        "/?q=../../site.toml",
        "/#../site.toml",
        "http://evil.example/../site.toml",
        "*",
    ]
    .iter()
    .map(|p| format!("GET {p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").into_bytes())
    .collect();
    // Overlong paths and headers, and requests that are not HTTP at all.
    v.push(format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a/".repeat(4_000)).into_bytes());
    v.push(format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "%2e%2e/".repeat(20_000)).into_bytes());
    v.push(
        format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n", "b".repeat(200_000))
            .into_bytes(),
    );
    v.push(b"GARBAGE\r\n\r\n".to_vec());
    v.push(b"\xff\xfe\xfd\r\n\r\n".to_vec());
    v.push(b"GET\r\n\r\n".to_vec());
    v.push(b"GET / HTTP/9.9\r\n\r\n".to_vec());
    v.push(b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec());
    v.push(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".to_vec());
    v.push(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\nConnection: close\r\n\r\nshort".to_vec());
    v.push(b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n".to_vec());
    v.push(b"".to_vec());
    v
}

#[test]
fn thousands_of_requests_during_rebuilds_get_complete_answers() {
    let site = Site::fixture("basic");
    std::fs::write(site.root().join("secret.txt"), "TOP-SECRET-OUTSIDE").unwrap();
    let port = free_port();
    let mut server = Running::start(site.root(), &["serve", "--now", "2018-09-15", "--port", &port.to_string()]);
    let line = server.seen.iter().find(|l| l.starts_with("Serving ")).cloned().expect("serving line");
    let port: u16 = line.split("http://127.0.0.1:").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();

    let served = site.root().join(".liaison/serve");
    let mut pages: Vec<String> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(&served).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&served).unwrap().to_string_lossy().replace('\\', "/");
        let url: String = format!("/{rel}")
            .split('/')
            .map(|seg| {
                seg.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/");
        if rel.ends_with(".html") {
            pages.push(url.trim_end_matches("index.html").to_string());
        } else {
            others.push(url);
        }
    }
    assert!(pages.len() > 10, "{pages:?}");
    let hostile = Arc::new(hostile());
    let pages = Arc::new(pages);
    let others = Arc::new(others);

    // The editor: saves a page over and over (long and short versions, now and then a broken
    // one), so rebuilds rewrite pages while they are being read.
    let stop = Arc::new(AtomicBool::new(false));
    let saves = Arc::new(AtomicUsize::new(0));
    let editor = {
        let (stop, saves, root) = (stop.clone(), saves.clone(), site.root().to_path_buf());
        std::thread::spawn(move || {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let body = match n % 5 {
                    4 => "+++\ntitle = \"坏\n+++\n".to_string(),
                    k => format!("+++\ntitle = \"关于 {n}\"\n+++\n{}", "外联部的介绍。\n\n".repeat(1 + k * 2000)),
                };
                std::fs::write(root.join("content/about.md"), body).unwrap();
                n += 1;
                saves.store(n, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(40 + (n as u64 % 4) * 30));
            }
        })
    };

    const THREADS: usize = 6;
    const PER_THREAD: usize = 1000;
    let start = Instant::now();
    let clients: Vec<_> = (0..THREADS)
        .map(|t| {
            let (pages, others, hostile) = (pages.clone(), others.clone(), hostile.clone());
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                let mut html_ok = 0usize;
                for i in 0..PER_THREAD {
                    let k = t * PER_THREAD + i;
                    let (what, result) = match k % 10 {
                        0..=5 => {
                            let p = &pages[k % pages.len()];
                            (p.clone(), get(port, p))
                        }
                        6 => {
                            let p = &others[k % others.len()];
                            (p.clone(), get(port, p))
                        }
                        _ => {
                            let raw = &hostile[k % hostile.len()];
                            (String::from_utf8_lossy(&raw[..raw.len().min(80)]).into_owned(), send(port, raw))
                        }
                    };
                    let reply = match result {
                        Ok(Some(r)) => r,
                        Ok(None) if k % 10 >= 7 => continue,
                        Ok(None) => {
                            failures.push(format!("{what}: closed without an answer"));
                            continue;
                        }
                        Err(e) => {
                            failures.push(format!("{what}: {e}"));
                            continue;
                        }
                    };
                    match reply.content_length {
                        Some(n) if n != reply.body.len() => {
                            failures.push(format!("{what}: Content-Length {n} but {} bytes", reply.body.len()))
                        }
                        None if reply.status != 304 && reply.status != 204 => {
                            failures.push(format!("{what}: no Content-Length (status {})", reply.status))
                        }
                        _ => {}
                    }
                    let text = String::from_utf8_lossy(&reply.body);
                    if text.contains("TOP-SECRET-OUTSIDE") || text.contains("base_url") || text.contains("root:x:0") {
                        failures.push(format!("{what}: served a file from outside the output folder"));
                    }
                    if k % 10 <= 5 {
                        if reply.status != 200 {
                            failures.push(format!("{what}: status {}", reply.status));
                        } else if !text.trim_end().ends_with("</html>") || !text.starts_with("<!doctype html>") {
                            let tail: String =
                                text.chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
                            failures.push(format!("{what}: not a whole HTML document, ends with {tail:?}"));
                        } else {
                            html_ok += 1;
                        }
                    } else if k % 10 >= 7 && reply.status == 200 && !text.trim_end().ends_with("</html>") {
                        failures.push(format!("{what}: status 200 for a hostile request"));
                    }
                }
                (failures, html_ok)
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut html_ok = 0;
    for c in clients {
        let (f, ok) = c.join().expect("client thread");
        failures.extend(f);
        html_ok += ok;
    }
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    editor.join().unwrap();
    let saves = saves.load(Ordering::Relaxed);

    // The server is still up and serves the last good build.
    site.write("content/about.md", "+++\ntitle = \"最后\"\n+++\n最后一次保存。\n");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = get(port, "/about/").expect("the server still answers").expect("an answer");
        if r.status == 200 && String::from_utf8_lossy(&r.body).contains("最后") {
            break;
        }
        assert!(Instant::now() < deadline, "the last save was never served");
        std::thread::sleep(Duration::from_millis(100));
    }
    let log: Vec<String> = server.quiet_for(300);
    let rebuilds = server.seen.iter().chain(&log).filter(|l| l.starts_with("Rebuilt (")).count();
    println!(
        "{} requests in {elapsed:?} ({html_ok} whole pages) during {saves} saves and {rebuilds} rebuilds; {} failures",
        THREADS * PER_THREAD,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} bad responses, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(saves >= 10, "only {saves} saves during the load");
    assert!(rebuilds >= 3, "only {rebuilds} rebuilds during the load");
}
