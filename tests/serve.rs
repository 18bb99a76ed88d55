//! `liaison serve` over HTTP: what a browser gets from the dev server.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::Site;
use common::running::Running;

struct Reply {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

fn get(port: u16, raw_path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {raw_path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply { status, headers: head.to_ascii_lowercase(), body: bytes[split + 4..].to_vec() }
}

fn serve(site: &Site, extra: &[&str]) -> (Running, u16) {
    let port = free_port();
    let mut args = vec!["serve", "--now", "2018-09-15", "--port"];
    let p = port.to_string();
    args.push(&p);
    args.extend_from_slice(extra);
    let running = Running::start(site.root(), &args);
    let line = running.seen.iter().find(|l| l.starts_with("Serving ")).cloned().expect("serving line");
    let port = line.split("http://127.0.0.1:").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    (running, port)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn serves_pages_with_charset_and_live_reload_injected_only_at_serve_time() {
    let site = Site::fixture("basic");
    let (_s, port) = serve(&site, &[]);
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(home.headers.contains("content-type: text/html; charset=utf-8"), "{}", home.headers);
    let html = String::from_utf8(home.body).unwrap();
    assert!(html.contains("<script src=\"/__liaison/client.js\"></script></body>"));
    // base_url is rewritten to the local address: links work without the /wailian/ sub-path.
    assert!(html.contains("href=\"&#x2f;activities&#x2f;\""), "{html}");
    let css = get(port, "/style.css");
    assert!(css.headers.contains("content-type: text/css; charset=utf-8"));
    assert!(!String::from_utf8_lossy(&css.body).contains("__liaison"));
    let svg = get(port, "/images/bank.svg");
    assert!(svg.headers.contains("content-type: image/svg+xml"));
    // Everything a build writes is there, the search index included.
    assert_eq!(get(port, "/search/meta.json").status, 200);
    assert_eq!(get(port, "/atom.xml").status, 200);
    let js = get(port, "/__liaison/client.js");
    assert!(String::from_utf8_lossy(&js.body).contains("EventSource(\"/__liaison/events\")"));
    // Files on disk are exactly what a build writes, and public/ is not touched by previews.
    let on_disk = std::fs::read_to_string(site.root().join(".liaison/serve/index.html")).unwrap();
    assert!(!on_disk.contains("__liaison"));
    assert!(!site.public().exists(), "serve must not overwrite public/");
}

#[test]
fn misses_get_the_site_404_page_and_traversal_is_refused() {
    let site = Site::fixture("basic");
    std::fs::write(site.root().join(".liaison-secret.txt"), "secret").unwrap();
    let (_s, port) = serve(&site, &[]);
    let miss = get(port, "/no/such/page/");
    assert_eq!(miss.status, 404);
    assert!(String::from_utf8_lossy(&miss.body).contains("<h1 id=\"title\">404</h1>"));
    for evil in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/%2e%2e%2f%2e%2e%2f.liaison-secret.txt",
        "//etc/passwd",
        "/\\..\\site.toml",
    ] {
        let r = get(port, evil);
        assert_eq!(r.status, 404, "{evil}");
        assert!(!String::from_utf8_lossy(&r.body).contains("base_url"), "{evil} leaked site.toml");
    }
}

#[test]
fn a_taken_port_falls_back_to_the_next_free_one() {
    let site = Site::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let running = Running::start(site.root(), &["serve", "--now", "2018-09-15", "--port", &port.to_string()]);
    let line = running.seen.iter().find(|l| l.starts_with("Serving ")).unwrap();
    assert!(line.contains("at http://127.0.0.1:"), "binds 127.0.0.1 by default: {line}");
    assert!(!line.contains(&format!(":{port}/")), "{line}");
}

#[test]
fn a_failed_rebuild_keeps_serving_the_last_good_build() {
    let site = Site::fixture("basic");
    let (mut s, port) = serve(&site, &[]);
    site.write("content/activities/broken.md", "+++\ntitle = \"坏\n+++\n");
    let err = s.next_build().unwrap_err();
    assert!(err.contains("content/activities/broken.md:2:"), "{err}");
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(String::from_utf8_lossy(&home.body).contains("测试外联部"));
}

#[test]
fn an_address_that_is_not_this_computers_is_a_usage_error() {
    // 192.0.2.1 is reserved for documentation: no machine has it, so binding fails.
    let site = Site::fixture("basic");
    for (lang, expected) in [
        (
            "zh-CN",
            "错误[E093]: 无法监听 192.0.2.1:1818：Cannot assign requested address (os error 99)\n |\n提示: 用 --bind / --port 换一个地址或端口\n\n",
        ),
        (
            "en",
            "error[E093]: cannot listen on 192.0.2.1:1818: Cannot assign requested address (os error 99)\n |\nhelp: choose another address or port with --bind / --port\n\n",
        ),
    ] {
        let out = site.cmd(&["serve", "--bind", "192.0.2.1"]).env("LIAISON_LANG", lang).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    }
    assert!(!site.root().join(".liaison").exists(), "nothing was built");
}
