//! Markdown to HTML with link resolution: any text as a page body. Also the text helpers that
//! run on what Markdown produced (summary, word count, search tokens) and the percent decoders.
//! Nothing may panic, and HTML comments that comrak parses as comments never reach the HTML.
#![no_main]

use liaison::markdown::{self, Links};
use liaison::text;
use libfuzzer_sys::fuzz_target;

struct Fake;

impl Links for Fake {
    fn page_url(&self, p: &str) -> Option<String> {
        (p.starts_with("partners/") || p.ends_with("index.md")).then(|| format!("/{}/", p.trim_end_matches(".md")))
    }
    fn file_url(&self, p: &str) -> String {
        format!("/wailian/{p}")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let options = markdown::options();
    let (rendered, bad) = markdown::render(body, "activities/2018-gala", &Fake, &options);
    for b in &bad {
        assert!(b.line >= 1);
    }
    let _ = text::summarize(&rendered.text, 120);
    let _ = text::word_count(&rendered.text);
    let _ = text::reading_minutes(&rendered.text);
    let _ = text::index_tokens(&rendered.text);
    let _ = text::slugify(body);
    let _ = markdown::percent_decode(body);
    let _ = markdown::join("activities/2018-gala", body);
});
