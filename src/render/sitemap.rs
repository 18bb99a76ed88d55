//! `sitemap.xml` (every published page, absolute URLs, `lastmod` from `updated` or `date`) and
//! `robots.txt` pointing at it.

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
    push_encoded(&mut out, url);
    out
}

/// Whether a URL byte is written as it is by [`encode_url`].
fn is_kept(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

/// [`encode_url`] appended to `out`.
fn push_encoded(out: &mut String, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut kept = 0;
    for (i, b) in url.bytes().enumerate() {
        if !is_kept(b) {
            // Bytes kept are ASCII, so a run of them starts and ends on character boundaries.
            if kept < i {
                out.push_str(&url[kept..i]);
            }
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
            kept = i + 1;
        }
    }
    if kept < url.len() {
        out.push_str(&url[kept..]);
    }
}

/// `sitemap.xml`: one `<url>` per entry. Written into one string, with no string per entry
/// (each entry's URL was built, encoded and escaped into three): the sitemap is made while the
/// other core waits, 10,000 pages and more.
pub fn render(entries: &[Entry], config: &Config) -> String {
    let mut x = String::with_capacity(128 + entries.len() * 120);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut loc = String::new();
    for e in entries {
        loc.clear();
        push_encoded(&mut loc, &config.permalink(&e.path));
        x.push_str("  <url><loc>");
        // Encoded, a URL holds no `<`, `>` or `"`: only `&` and `'` can need escaping.
        if loc.contains(['&', '\'']) {
            x.push_str(&xml_escape(&loc));
        } else {
            x.push_str(&loc);
        }
        x.push_str("</loc>");
        if let Some(m) = &e.lastmod {
            x.push_str("<lastmod>");
            x.push_str(m);
            x.push_str("</lastmod>");
        }
        x.push_str("</url>\n");
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
        assert_eq!(encode_url("/a b/\"<x>\"/"), "/a%20b/%22%3Cx%3E%22/");
    }
}
