//! The example site in a real browser (headless Chromium over WebDriver): the home page, an
//! activity, a partner and a round at phone and desktop widths, with no console error, no failed
//! request and no horizontal overflow. Screenshots go to target/browser/.

mod common;

use common::Site;
use common::browser::Browser;
use common::serve::Server;

const PAGES: [(&str, &str); 4] = [
    ("home", "/"),
    ("activity", "/activities/2018-10-sports-meet/"),
    ("partner", "/partners/bank/"),
    ("round", "/recruitment/2018-autumn/"),
];

#[tokio::test(flavor = "multi_thread")]
async fn example_site_pages_render_cleanly_at_phone_and_desktop_widths() {
    let site = Site::example();
    site.build(&[]);
    let server = Server::start(site.public());
    let browser = Browser::start().await;
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let mut problems = Vec::new();
    for width in [375u32, 1280] {
        browser.viewport(width, 900).await;
        for (name, path) in PAGES {
            browser.client.goto(&server.url(path)).await.unwrap();
            // goto returns once the page is usable; under load images may still be arriving.
            let ready = wait_js(&browser, "return document.readyState", "complete".into()).await;
            assert_eq!(ready, "complete", "{path} never finished loading");
            for e in browser.console_errors().await {
                problems.push(format!("{path} at {width}px: console error: {e}"));
            }
            let overflow: serde_json::Value = browser
                .client
                .execute("return document.documentElement.scrollWidth - window.innerWidth", vec![])
                .await
                .unwrap();
            if overflow.as_i64().unwrap_or(0) > 0 {
                problems.push(format!("{path} at {width}px: page is {overflow}px wider than the screen"));
            }
            let h1: serde_json::Value = browser
                .client
                .execute("var h = document.querySelector('main h1'); return h ? h.textContent.trim() : ''", vec![])
                .await
                .unwrap();
            if h1.as_str().unwrap_or("").is_empty() {
                problems.push(format!("{path} at {width}px: no visible heading in main"));
            }
            let png = browser.client.screenshot().await.unwrap();
            std::fs::write(shots.join(format!("{name}-{width}.png")), png).unwrap();
        }
    }
    for (path, status) in server.failures() {
        problems.push(format!("request {path} failed with {status}"));
    }
    browser.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Types into the search page and waits for the result list to settle.
async fn search_for(browser: &Browser, query: &str) -> Vec<String> {
    let input = browser.client.find(fantoccini::Locator::Css("input[name=q]")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(query).await.unwrap();
    let mut last = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let titles: serde_json::Value = browser
            .client
            .execute(
                "return document.querySelector('[data-search-status]').textContent ? \
                 Array.from(document.querySelectorAll('.search-hit > a')).map(a => a.textContent) : null",
                vec![],
            )
            .await
            .unwrap();
        if let Some(list) = titles.as_array() {
            let now: Vec<String> = list.iter().map(|t| t.as_str().unwrap_or("").to_string()).collect();
            if now == last && !now.is_empty() {
                return now;
            }
            last = now;
        }
    }
    last
}

#[tokio::test(flavor = "multi_thread")]
async fn search_page_finds_chinese_and_english_words_as_you_type() {
    let site = Site::fixture("basic");
    common::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root().join("themes/default"),
    );
    let toml = std::fs::read_to_string(site.root().join("site.toml"))
        .unwrap()
        .replace("theme = \"test\"", "theme = \"default\"");
    site.write("site.toml", &toml);
    site.build(&[]);
    // The fixture's base URL has the sub-path /wailian/: serve public/ there.
    let server = Server::start_under(site.public(), "/wailian");
    let browser = Browser::start().await;
    browser.viewport(1280, 900).await;
    browser.client.goto(&server.url("/wailian/search/")).await.unwrap();
    let found = search_for(&browser, "赞助").await;
    assert_eq!(found, ["元旦晚会", "运动会"]);
    let marked: serde_json::Value =
        browser.client.execute("return document.querySelector('.search-hit mark').textContent", vec![]).await.unwrap();
    assert_eq!(marked, "赞助");
    let found = search_for(&browser, "weight").await;
    assert_eq!(found, ["A 讲座"]);
    // Filter by kind: partners only.
    browser
        .client
        .execute(
            "var s = document.querySelector('[name=kind]'); s.value = 'partner'; s.dispatchEvent(new Event('change'))",
            vec![],
        )
        .await
        .unwrap();
    let found = search_for(&browser, "银行").await;
    assert_eq!(found, ["兴业银行"]);
    let errors = browser.console_errors().await;
    browser.close().await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

/// Polls `script` until it returns `want` (or 15 s pass) and returns its last value.
async fn wait_js(browser: &Browser, script: &str, want: serde_json::Value) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..150 {
        last = js(browser, script).await;
        if last == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread")]
async fn live_reload_follows_edits_keeps_scroll_swaps_css_and_shows_errors() {
    let site = Site::fixture("basic");
    // A long page so there is somewhere to scroll to.
    let long: String = (0..80).map(|n| format!("第 {n} 段：晚会的准备工作。\n\n")).collect();
    let gala = "content/activities/2018-gala/index.md";
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &format!("{text}\n{long}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut running =
        common::running::Running::start(site.root(), &["serve", "--now", "2018-09-15", "--port", &port.to_string()]);
    let line = running.seen.iter().find(|l| l.starts_with("Serving ")).cloned().unwrap();
    let base = line.split(" at ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let browser = Browser::start().await;
    browser.viewport(1280, 700).await;
    browser.client.goto(&format!("{base}activities/2018-gala/")).await.unwrap();
    wait_js(&browser, "return document.readyState", "complete".into()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    js(&browser, "window.scrollTo(0, 600); window.__marker = 'still here'; return 1").await;

    // A content edit reloads the page (the marker is gone) and keeps the scroll position.
    let text = std::fs::read_to_string(site.root().join(gala)).unwrap();
    site.write(gala, &text.replace("title = \"元旦晚会\"", "title = \"元旦晚会（新）\""));
    running.next_build().unwrap();
    let h1 = wait_js(&browser, "return document.querySelector('#title').textContent", "元旦晚会（新）".into()).await;
    assert_eq!(h1, "元旦晚会（新）");
    assert_eq!(js(&browser, "return window.__marker || null").await, serde_json::Value::Null, "the page reloaded");
    let y = wait_js(&browser, "return Math.round(window.scrollY)", 600.into()).await;
    assert_eq!(y, 600, "scroll position kept across the reload");

    // A stylesheet edit swaps the stylesheet without reloading.
    js(&browser, "window.__marker = 'still here'; return 1").await;
    site.write("themes/test/static/style.css", "body { color: rgb(1, 2, 3); }");
    running.next_build().unwrap();
    let color = wait_js(&browser, "return getComputedStyle(document.body).color", "rgb(1, 2, 3)".into()).await;
    assert_eq!(color, "rgb(1, 2, 3)");
    assert_eq!(js(&browser, "return window.__marker").await, "still here", "no reload for CSS");
    assert_eq!(js(&browser, "return window.__liaisonCssSwaps").await, 1);

    // A broken save shows the error over the page; the fix clears it.
    site.write("content/activities/broken.md", "+++\ntitle = \"坏\n+++\n");
    running.next_build().unwrap_err();
    let overlay = wait_js(
        &browser,
        "var o = document.getElementById('liaison-error'); return o ? o.textContent.includes('content/activities/broken.md:2:') && o.textContent.includes('last change did not build') : false",
        true.into(),
    )
    .await;
    assert_eq!(overlay, true);
    std::fs::remove_file(site.root().join("content/activities/broken.md")).unwrap();
    running.next_build().unwrap();
    let gone = wait_js(&browser, "return document.getElementById('liaison-error') === null", true.into()).await;
    assert_eq!(gone, true);
    let errors = browser.console_errors().await;
    browser.close().await;
    assert!(errors.iter().all(|e| e.contains("favicon.ico")), "{errors:?}");
}
