//! `sitemap.xml` (every published page, absolute URLs, `lastmod` from `updated` or `date`) and
//! `robots.txt` pointing at it.

use std::fmt::Write;

use super::atom::xml_escape;
use crate::config::Config;

/// One page of the sitemap: its site path and, when known, the date it last changed.
pub struct Entry {
    pub path: String,
    pub lastmod: Option<String>,
}

/// Percent-encodes what a URL in XML may not hold raw (non-ASCII, spaces), keeping `/`.
pub fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub fn render(entries: &[Entry], config: &Config) -> String {
    let mut x = String::with_capacity(128 + entries.len() * 120);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        let loc = xml_escape(&encode_url(&config.permalink(&e.path)));
        match &e.lastmod {
            Some(m) => {
                let _ = writeln!(x, "  <url><loc>{loc}</loc><lastmod>{m}</lastmod></url>");
            }
            None => {
                let _ = writeln!(x, "  <url><loc>{loc}</loc></url>");
            }
        }
    }
    x.push_str("</urlset>\n");
    x
}

pub fn robots(config: &Config) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", encode_url(&config.permalink("/sitemap.xml")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_chinese_paths() {
        assert_eq!(encode_url("https://x.cn/tags/赞助/"), "https://x.cn/tags/%E8%B5%9E%E5%8A%A9/");
    }
}
