//! `atom.xml`: activities and recruitment announcements, newest first.
//!
//! Written by hand rather than with a feed crate: the feed is one fixed shape and the only
//! subtlety is XML escaping; the crates for it pull in chrono and a builder framework. Validity
//! is checked in tests by parsing the feed with `feed-rs`.

use std::fmt::Write;

use crate::config::{AtomContent, Config};
use crate::model::{Item, ItemData, Site};
use crate::when::{When, rfc3339};

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The instant of a date (midnight) or date-time in the site's timezone, as RFC 3339.
fn stamp(w: When, config: &Config) -> String {
    rfc3339(w.start_instant(&config.tz), &config.tz)
}

/// The items of the feed: activities and rounds, newest first (by date; a round by `opens`).
pub fn entries<'a>(site: &'a Site, config: &Config) -> Vec<&'a Item> {
    let mut items: Vec<&Item> = site
        .order
        .iter()
        .map(|&n| &site.items[n])
        .filter(|i| matches!(i.data, ItemData::Activity(_) | ItemData::Round(_)) && i.date.is_some())
        .collect();
    items.truncate(config.site.atom.entries);
    items
}

pub fn render(site: &Site, config: &Config) -> String {
    let items = entries(site, config);
    let updated = items
        .iter()
        .filter_map(|i| i.updated.or(i.date).map(|w| w.start()))
        .max()
        .map(|dt| stamp(When::DateTime(dt), config))
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".to_string());
    let mut x = String::with_capacity(4096 + items.len() * 1024);
    let s = &config.site;
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n",
        xml_escape(&s.language),
        xml_escape(&s.title)
    );
    if !s.description.is_empty() {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(&s.description));
    }
    let _ = write!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <generator>liaison</generator>\n",
        xml_escape(&config.permalink("/atom.xml")),
        xml_escape(&config.base_url),
        xml_escape(&config.base_url),
    );
    for item in items {
        let link = config.permalink(&item.path);
        let published = item.date.map(|d| stamp(d, config)).unwrap_or_else(|| updated.clone());
        let entry_updated = item.updated.map(|d| stamp(d, config)).unwrap_or_else(|| published.clone());
        let category = match item.data {
            ItemData::Round(_) => "recruitment",
            _ => "activity",
        };
        let _ = write!(
            x,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{published}</published>\n    <updated>{entry_updated}</updated>\n    <category term=\"{category}\"/>\n",
            xml_escape(&item.title),
            xml_escape(&link),
            xml_escape(&link),
        );
        for tag in &item.tags {
            let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(tag));
        }
        let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&item.summary));
        if config.site.atom.content == AtomContent::Full {
            let _ = writeln!(x, "    <content type=\"html\">{}</content>", xml_escape(&item.html));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
