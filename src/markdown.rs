//! Markdown to HTML with comrak, and links between content files turned into URLs.
//!
//! Editors link to the file they mean (`[银行](../partners/bank.md)`); the rendered page links to
//! that file's URL, so renaming a slug never breaks a link. A link to a content file that does
//! not exist is an error with its line. HTML comments are dropped: editors use them for notes
//! that must not be published.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

/// What a page's Markdown became.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// The visible text, for summaries, word counts and search.
    pub text: String,
}

/// A link that points at nothing: where it is in the body and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLink {
    pub line: usize,
    /// Byte columns (comrak's) of the link's start and end on its first line.
    pub col: usize,
    pub end_col: usize,
    pub url: String,
    /// The content path the link resolved to.
    pub target: String,
}

/// What a relative link can point at, provided by the model.
pub trait Links {
    /// The URL of the item or section whose source is `content_path`, if there is one.
    fn page_url(&self, content_path: &str) -> Option<String>;
    /// The URL of a file copied from `content_path` (whether or not it exists).
    fn file_url(&self, content_path: &str) -> String;
}

pub fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.extension.header_id_prefix = Some(String::new());
    o.extension.cjk_friendly_emphasis = true;
    o.render.r#unsafe = true;
    o
}

/// Renders `body`, resolving relative links against the content directory `dir`.
pub fn render(body: &str, dir: &str, links: &dyn Links, options: &Options) -> (Rendered, Vec<BadLink>) {
    let arena = Arena::new();
    let body = drop_comments(body);
    let root = parse_document(&arena, &body, options);
    let mut bad = Vec::new();
    // The readable text is at most as long as the Markdown it comes from: sized once.
    let mut text = String::with_capacity(body.len());
    let mut comments = Vec::new();
    for node in root.descendants() {
        let mut ast = node.data_mut();
        let pos = ast.sourcepos.start;
        let end = ast.sourcepos.end;
        let end_col = if end.line == pos.line { end.column } else { pos.column };
        match &mut ast.value {
            NodeValue::Link(link) | NodeValue::Image(link) => {
                if let Some(resolved) = resolve(&link.url, dir, links) {
                    match resolved {
                        Ok(url) => link.url = url,
                        Err(target) => bad.push(BadLink {
                            line: pos.line,
                            col: pos.column,
                            end_col,
                            url: link.url.clone(),
                            target,
                        }),
                    }
                }
            }
            NodeValue::HtmlInline(html) if html.trim_start().starts_with("<!--") => {
                comments.push(node);
            }
            NodeValue::HtmlBlock(block) => {
                let stripped = strip_comments(&block.literal);
                if stripped.trim().is_empty() {
                    comments.push(node);
                } else {
                    block.literal = stripped;
                }
            }
            // Image descriptions are not part of the readable text (summaries, counts, search).
            NodeValue::Text(t) if !in_image(node) => text.push_str(t),
            NodeValue::Code(c) => text.push_str(&c.literal),
            NodeValue::CodeBlock(c) => {
                text.push('\n');
                text.push_str(&c.literal);
            }
            NodeValue::SoftBreak | NodeValue::LineBreak => text.push(' '),
            NodeValue::Paragraph | NodeValue::Heading(_) | NodeValue::TableCell | NodeValue::Item(_) => text.push('\n'),
            _ => {}
        }
    }
    for node in comments {
        node.detach();
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    // Writing to a String cannot fail.
    let _ = format_html(root, options, &mut html);
    let text = match text.trim() {
        trimmed if trimmed.len() == text.len() => text,
        trimmed => trimmed.to_string(),
    };
    (Rendered { html, text }, bad)
}

fn in_image<'a>(node: &'a comrak::nodes::AstNode<'a>) -> bool {
    node.ancestors().skip(1).any(|a| matches!(a.data().value, NodeValue::Image(_)))
}

/// `None` for links left alone (absolute, external, fragment-only); otherwise the new URL, or
/// `Err(content path)` when it names a content file that does not exist.
fn resolve(url: &str, dir: &str, links: &dyn Links) -> Option<Result<String, String>> {
    if url.is_empty() || url.starts_with('#') || url.starts_with('/') || url.contains(':') || url.starts_with('?') {
        return None;
    }
    let (path, fragment) = match url.find(['#', '?']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let decoded = percent_decode(path);
    let target = match join(dir, &decoded) {
        Some(t) => t,
        None => return Some(Err(decoded)),
    };
    if target.ends_with(".md") || target.ends_with(".toml") {
        return Some(match links.page_url(&target) {
            Some(u) => Ok(format!("{u}{fragment}")),
            None => Err(target),
        });
    }
    Some(Ok(format!("{}{fragment}", links.file_url(&target))))
}

/// Joins a relative path onto a content directory, resolving `.` and `..`. `None` when it
/// climbs out of `content/`.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Decodes `%XX` escapes (as UTF-8), leaving the text as it was when they are not valid.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_decode_strict(s).unwrap_or_else(|| s.to_string())
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
pub fn percent_decode_strict(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Removes `<!-- ... -->` from Markdown source outside code, before parsing. CommonMark keeps a
/// comment opened inside a paragraph and closed after a blank line as visible text, and an
/// unclosed `<!--` inside a paragraph too; an editor who types either means a private note, so
/// both are removed (an unclosed one to the end of the text). Line breaks inside a removed
/// comment are kept, so the lines of later links stay right for error messages. Fenced code
/// blocks and backtick code spans are left alone: there `<!--` is code being shown.
fn drop_comments(body: &str) -> std::borrow::Cow<'_, str> {
    if !body.contains("<!--") {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    for line in body.split_inclusive('\n') {
        if let Some((c, n)) = fence {
            out.push_str(line);
            let t = line.trim();
            if t.len() >= n && t.chars().all(|x| x == c) {
                fence = None;
            }
            continue;
        }
        if !in_comment {
            let t = line.trim_start_matches(' ');
            let indent = line.len() - t.len();
            let run = |c: char| t.chars().take_while(|&x| x == c).count();
            if indent <= 3 && (run('`') >= 3 || run('~') >= 3) {
                let c = if t.starts_with('`') { '`' } else { '~' };
                fence = Some((c, run(c)));
                out.push_str(line);
                continue;
            }
        }
        in_comment = drop_line_comments(line, in_comment, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

/// [`drop_comments`] for one line; `in_comment` says whether the line starts inside a comment.
/// Returns whether the line ends inside one.
fn drop_line_comments(line: &str, in_comment: bool, out: &mut String) -> bool {
    // Skips past the end of the comment `rest` is in; `None` when it does not end on this line.
    let past_end = |rest: &str| rest.find("-->").map(|end| end + 3);
    let mut rest = line;
    if in_comment {
        match past_end(rest) {
            Some(n) => rest = &rest[n..],
            None => return still_open(rest, out),
        }
    }
    loop {
        match comment_start(rest) {
            Some(at) => {
                out.push_str(&rest[..at]);
                rest = &rest[at + 4..];
                match past_end(rest) {
                    Some(n) => rest = &rest[n..],
                    None => return still_open(rest, out),
                }
            }
            None => {
                out.push_str(rest);
                return false;
            }
        }
    }
}

/// The rest of a line inside a comment: only its line break is kept.
fn still_open(rest: &str, out: &mut String) -> bool {
    if rest.ends_with('\n') {
        out.push('\n');
    }
    true
}

/// The byte offset of the first `<!--` in `text` that is not inside a backtick code span.
fn comment_start(text: &str) -> Option<usize> {
    let mut i = 0;
    loop {
        let at = i + text[i..].find(['`', '<'])?;
        if text[at..].starts_with("<!--") {
            return Some(at);
        }
        if text[at..].starts_with('`') {
            let ticks = text[at..].chars().take_while(|&c| c == '`').count();
            let closing = "`".repeat(ticks);
            i = match text[at + ticks..].find(&closing) {
                Some(close) => at + ticks + close + ticks,
                None => at + ticks,
            };
        } else {
            i = at + 1;
        }
    }
}

fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl Links for Fake {
        fn page_url(&self, p: &str) -> Option<String> {
            (p == "partners/bank.md").then(|| "/partners/bank/".to_string())
        }
        fn file_url(&self, p: &str) -> String {
            format!("/{p}")
        }
    }

    fn md(body: &str) -> (Rendered, Vec<BadLink>) {
        render(body, "activities/gala", &Fake, &options())
    }

    #[test]
    fn links_to_content_files_become_urls() {
        let (r, bad) = md("see [bank](../../partners/bank.md#history) and ![p](photo.jpg)\n");
        assert!(bad.is_empty());
        assert!(r.html.contains("href=\"/partners/bank/#history\""), "{}", r.html);
        assert!(r.html.contains("src=\"/activities/gala/photo.jpg\""), "{}", r.html);
    }

    #[test]
    fn link_to_missing_file_is_reported_with_line() {
        let (_, bad) = md("line one\n\nsee [x](../../partners/bnk.md)\n");
        assert_eq!(
            bad,
            vec![BadLink {
                line: 3,
                col: 5,
                end_col: 30,
                url: "../../partners/bnk.md".into(),
                target: "partners/bnk.md".into()
            }]
        );
    }

    #[test]
    fn chinese_emphasis_and_heading_ids() {
        let (r, _) = md("## 活动概况\n\n**重要：**请注意\n");
        assert!(r.html.contains("<strong>重要：</strong>请注意"), "{}", r.html);
        assert!(r.html.contains("id=\"活动概况\""), "{}", r.html);
    }

    #[test]
    fn percent_escapes_next_to_chinese_do_not_panic() {
        assert_eq!(percent_decode("%E8%B5%9E"), "赞");
        assert_eq!(percent_decode("%中.md"), "%中.md");
        assert_eq!(percent_decode("a%4"), "a%4");
        let (_, bad) = md("[x](%中.md)\n");
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn html_comments_are_dropped() {
        let (r, _) = md("a <!-- secret1 --> b\n\n<!-- secret2 -->\n\n<div>x<!-- secret3 --></div>\n");
        assert!(!r.html.contains("secret"), "{}", r.html);
        assert!(r.html.contains("<div>x</div>"), "{}", r.html);
    }

    #[test]
    fn a_comment_across_a_blank_line_is_dropped_too() {
        // CommonMark shows `<!--` opened inside a paragraph and closed after a blank line as
        // text; an editor means a private note.
        let (r, _) = md("before <!-- secret1\n\nsecret2 --> after\n\n<!-- never closed\n\nsecret3\n");
        assert!(!r.html.contains("secret"), "{}", r.html);
        assert!(r.html.contains("before") && r.html.contains("after"), "{}", r.html);
        assert!(!r.text.contains("secret"), "{}", r.text);
    }

    #[test]
    fn comments_in_code_are_code() {
        let (r, _) = md("`<!-- a -->` and\n\n```\n<!-- b\n\nc -->\n```\n");
        assert!(r.html.contains("&lt;!-- a --&gt;"), "{}", r.html);
        assert!(r.html.contains("&lt;!-- b\n\nc --&gt;"), "{}", r.html);
    }

    #[test]
    fn gfm_extensions() {
        let (r, _) = md("| a |\n|---|\n| b |\n\n~~x~~ https://example.com\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n");
        for needle in ["<table>", "<del>x</del>", "<a href=\"https://example.com\">", "type=\"checkbox\"", "footnote"] {
            assert!(r.html.contains(needle), "{needle} in {}", r.html);
        }
    }
}
