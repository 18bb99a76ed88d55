//! A tiny static file server for browser tests: serves a folder on 127.0.0.1 and records every
//! request's path and status, so a test can fail on any failed request.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Vec<(String, u16)>>>,
}

impl Server {
    pub fn start(root: PathBuf) -> Server {
        Server::start_under(root, "")
    }

    /// Serves `root` under a path prefix such as `/wailian` (a site with a sub-path base URL).
    pub fn start_under(root: PathBuf, prefix: &'static str) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let log = log2.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).map(|n| n == 0).unwrap_or(true) || h == "\r\n" {
                            break;
                        }
                    }
                    let raw = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let path = raw.split(['?', '#']).next().unwrap_or("/");
                    let decoded = liaison::markdown::percent_decode(path);
                    let decoded = decoded.strip_prefix(prefix).unwrap_or("/does-not-exist").to_string();
                    let mut file = root.join(decoded.trim_start_matches('/'));
                    if decoded.contains("..") {
                        file = root.join("does-not-exist");
                    }
                    if file.is_dir() {
                        file = file.join("index.html");
                    }
                    let (status, body, ty) = match std::fs::read(&file) {
                        Ok(b) => (200, b, mime(&file)),
                        Err(_) => {
                            (404, std::fs::read(root.join("404.html")).unwrap_or_default(), "text/html; charset=utf-8")
                        }
                    };
                    log.lock().expect("log").push((raw, status));
                    let mut out = stream;
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status} X\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = out.write_all(&body);
                });
            }
        });
        Server { port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests that did not succeed.
    pub fn failures(&self) -> Vec<(String, u16)> {
        self.log.lock().expect("log").iter().filter(|(_, s)| *s >= 400).cloned().collect()
    }
}

fn mime(p: &std::path::Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("xml") => "application/xml",
        Some("ics") => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}
