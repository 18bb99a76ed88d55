//! Splitting a Markdown file into its TOML front matter and its body.
//!
//! Files may be UTF-8 with or without a BOM and use LF or CRLF; the text is normalised to LF
//! once here so every later line number refers to the file as the editor sees it.

use std::path::Path;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::t;

/// A source file split into front matter and body. Lines are 1-based lines of the file.
#[derive(Debug, Clone)]
pub struct Split {
    /// The normalised whole text (LF line ends, no BOM).
    pub text: String,
    /// Byte range of the front matter TOML inside `text` (empty when there is none).
    pub fm: std::ops::Range<usize>,
    /// The file line where the front matter TOML starts.
    pub fm_line: usize,
    /// Byte offset in `text` where the body starts.
    pub body_start: usize,
    /// The file line where the body starts.
    pub body_line: usize,
    /// Whether the file had a `+++` block at all.
    pub has_front_matter: bool,
}

impl Split {
    pub fn front_matter(&self) -> &str {
        &self.text[self.fm.clone()]
    }
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// Splits `text` (already decoded) at its `+++` lines.
pub fn split(path: &Path, text: String) -> Result<Split, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Ok(Split { fm: 0..0, fm_line: 1, body_start: 0, body_line: 1, has_front_matter: false, text });
    }
    let fm_start = first.len();
    let mut offset = fm_start;
    for (line_no, line) in (2..).zip(lines) {
        if line.trim_end() == "+++" {
            let body_start = offset + line.len();
            return Ok(Split {
                fm: fm_start..offset,
                fm_line: 2,
                body_start,
                body_line: line_no + 1,
                has_front_matter: true,
                text,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        path,
        Code::UnclosedFrontMatter,
        t!("the front matter opened with +++ is never closed", "以 +++ 开头的前置信息没有结束"),
    )
    .in_source(&text, 1, 1, 3)
    .hint(t!(
        "add a line containing only +++ after the last front matter field",
        "在前置信息最后一个字段后面加一行，只写 +++"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_crlf_and_bom() {
        let text =
            crate::text::decode_utf8(Path::new("a.md"), "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n".as_bytes())
                .unwrap();
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.front_matter(), "title = \"x\"\n");
        assert_eq!(s.body(), "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"x\"\nbody\n".into()).unwrap_err();
        assert_eq!(e.message.en, "the front matter opened with +++ is never closed");
        assert_eq!(e.pos.unwrap().line, 1);
    }

    #[test]
    fn no_front_matter() {
        let s = split(Path::new("a.md"), "hello\n".into()).unwrap();
        assert!(!s.has_front_matter);
        assert_eq!(s.body(), "hello\n");
    }

    #[test]
    fn invalid_utf8_is_reported_with_position() {
        let e = crate::text::decode_utf8(Path::new("a.md"), b"ok\n\xff").unwrap_err();
        assert_eq!(e.pos.unwrap().line, 2);
    }
}
