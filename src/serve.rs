//! `liaison serve`: the watch loop plus an HTTP server for the output folder with live reload.
//!
//! The server serves only the output folder: paths are decoded and resolved inside it, `..`
//! segments are refused and a file whose real path leaves the folder (a symlink) is not served.
//! HTML responses get the live-reload script injected at serve time only (files on disk are
//! exactly what `build` writes). The script listens on `/__liaison/events` (Server-Sent Events on
//! the same port, so it works behind tunnels and proxies); it is told to reload only after a
//! rebuild has finished writing, swaps stylesheets in place when only CSS changed, and shows a
//! failed build's error over the page until the next good build.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::Stream;
use tokio::sync::broadcast;

use crate::watch::Event;

/// The live-reload client, injected into HTML responses.
pub const CLIENT_JS: &str = include_str!("serve_client.js");
const INJECT: &str = "<script src=\"/__liaison/client.js\"></script>";

#[derive(Clone)]
struct AppState {
    out: Arc<PathBuf>,
    events: broadcast::Sender<Event>,
    /// The last failed build's message, so a page opened while the site is broken shows it.
    last_error: Arc<Mutex<Option<String>>>,
}

/// Binds `bind:port`, or the next free port after `port` when it is taken (up to 20 tries).
pub fn bind(bind: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    for p in port..port.saturating_add(20) {
        match TcpListener::bind(SocketAddr::new(bind, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no port")))
}

/// Runs the server on `listener` until the process stops. `events` carries rebuild outcomes.
pub fn run(listener: TcpListener, out: PathBuf, events: broadcast::Sender<Event>) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let last_error = Arc::new(Mutex::new(None));
        let mut rx = events.subscribe();
        let tracker = last_error.clone();
        tokio::spawn(async move {
            while let Ok(e) = rx.recv().await {
                if let Ok(mut slot) = tracker.lock() {
                    *slot = match e {
                        Event::Failed(msg) => Some(msg),
                        Event::Rebuilt { .. } => None,
                    };
                }
            }
        });
        let state = AppState { out: Arc::new(out), events, last_error };
        let app = Router::new()
            .route("/__liaison/events", get(sse))
            .route("/__liaison/client.js", get(client_js))
            .fallback(get(file))
            .with_state(state);
        axum::serve(listener, app).await
    })
}

async fn client_js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], CLIENT_JS)
}

async fn sse(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = state.events.subscribe();
    let initial = state.last_error.lock().ok().and_then(|e| e.clone());
    let first = initial.map(|msg| Ok(SseEvent::default().event("build-error").data(msg)));
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                // Browsers drop SSE events with no data, so every event carries some.
                Ok(Event::Rebuilt { css_only: true }) => {
                    return Some((Ok(SseEvent::default().event("css").data("css")), rx));
                }
                Ok(Event::Rebuilt { css_only: false }) => {
                    return Some((Ok(SseEvent::default().event("reload").data("reload")), rx));
                }
                Ok(Event::Failed(msg)) => return Some((Ok(SseEvent::default().event("build-error").data(msg)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let stream = futures_util::StreamExt::chain(futures_util::stream::iter(first), rest);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Resolves a request path to a file inside `out`, or `None` when it is not there or not allowed.
pub fn resolve(out: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = crate::markdown::percent_decode_strict(request_path.split(['?', '#']).next().unwrap_or("/"))?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = out.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let real = std::fs::canonicalize(&path).ok()?;
    let root = std::fs::canonicalize(out).ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

/// The MIME type of a file by extension; text types carry `charset=utf-8`.
pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") | Some("htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("ics") => "text/calendar; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script to an HTML page (before `</body>`, or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{INJECT}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{INJECT}").into_bytes(),
    }
}

async fn file(State(state): State<AppState>, req: Request<Body>) -> Response {
    let out = state.out.clone();
    let path = req.uri().path().to_string();
    let found = tokio::task::spawn_blocking(move || {
        let (status, file) = match resolve(&out, &path) {
            Some(f) => (StatusCode::OK, Some(f)),
            None => (StatusCode::NOT_FOUND, resolve(&out, "/404.html")),
        };
        let bytes = file.as_ref().and_then(|f| std::fs::read(f).ok());
        (status, file, bytes)
    })
    .await;
    let Ok((status, file, bytes)) = found else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (Some(file), Some(bytes)) = (file, bytes) else {
        return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "404 Not Found\n")
            .into_response();
    };
    let ty = mime(&file);
    let body = if ty.starts_with("text/html") { inject(&bytes) } else { bytes };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ty));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_only_inside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        assert!(resolve(&out, "/a/").is_some());
        assert!(resolve(&out, "/a").is_some());
        assert!(resolve(&out, "/../secret.txt").is_none());
        assert!(resolve(&out, "/%2e%2e/secret.txt").is_none());
        assert!(resolve(&out, "/a/..%2f..%2fsecret.txt").is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
            assert!(resolve(&out, "/link.txt").is_none(), "symlinks out of the folder are not followed");
        }
    }

    #[test]
    fn injects_before_body_end() {
        assert_eq!(
            String::from_utf8(inject(b"<p>x</p></body></html>")).unwrap(),
            format!("<p>x</p>{INJECT}</body></html>")
        );
        assert_eq!(String::from_utf8(inject(b"<p>x</p>")).unwrap(), format!("<p>x</p>{INJECT}"));
    }

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(mime(Path::new("a.html")), "text/html; charset=utf-8");
        assert_eq!(mime(Path::new("a.CSS")), "text/css; charset=utf-8");
        assert_eq!(mime(Path::new("a.svg")), "image/svg+xml");
    }
}
