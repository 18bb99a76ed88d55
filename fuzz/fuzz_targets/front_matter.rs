//! Front matter splitting and parsing: any bytes as a Markdown file's contents.
//!
//! Decodes (BOM, CRLF), splits at `+++`, checks the line bookkeeping, parses the front matter as
//! every kind of item and as a section, and renders every diagnostic (annotate-snippets, carets
//! under Chinese text). Nothing may panic.
#![no_main]

use std::path::Path;

use liaison::codes::Code;
use liaison::content::fields::{ItemFm, Kind, SectionFm};
use liaison::content::frontmatter;
use liaison::i18n::{Lang, Text};
use liaison::toml_errors::TomlSource;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("content/activities/fuzz.md");
    let text = match liaison::text::decode_utf8(path, data) {
        Ok(t) => t,
        Err(d) => {
            let _ = d.to_string();
            return;
        }
    };
    assert!(!text.contains('\r'), "decode leaves no carriage return");
    let split = match frontmatter::split(path, text) {
        Ok(s) => s,
        Err(d) => {
            let _ = d.to_string();
            return;
        }
    };
    // Line bookkeeping: a body starts on the line after the closing +++. (When the file ends
    // on that +++ without a newline the body is empty and its line is never shown.)
    if !split.body().is_empty() {
        let lines_before_body = split.text[..split.body_start].matches('\n').count();
        assert_eq!(split.body_line, lines_before_body + 1, "body_line");
    }
    assert!(split.fm.end <= split.body_start);
    let fm = split.front_matter();
    let _ = split.body();
    for kind in [Kind::Activities, Kind::Partners, Kind::Recruitment, Kind::Pages] {
        let what = kind.front_matter_text();
        let src = TomlSource { path, file: &split.text, text: fm, first_line: split.fm_line, what };
        match ItemFm::parse(kind, fm) {
            Ok(item) => {
                let _ = item.common();
                let _ = src.at_key(Code::MissingField, "title", Text::same("x")).render(Lang::Zh);
            }
            Err(e) => {
                let d = src.error(&e);
                let _ = (d.render(Lang::Zh), d.render(Lang::En));
            }
        }
    }
    let src = TomlSource {
        path,
        file: &split.text,
        text: fm,
        first_line: split.fm_line,
        what: Text::same("section front matter (_index.md)"),
    };
    if let Err(e) = toml::from_str::<SectionFm>(fm) {
        let _ = src.error(&e).to_string();
    }
});
