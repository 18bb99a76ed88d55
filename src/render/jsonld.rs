//! schema.org structured data (JSON-LD): `Event` for activities (with their sponsors as
//! `Organization`s), `Organization` for partners and for the department itself.
//!
//! Templates receive it as ready-to-embed text (`page.json_ld`, `site.json_ld`) for a
//! `<script type="application/ld+json">` element; `</` is escaped so no value can close it.

use serde_json::Value;

use crate::config::Config;
use crate::model::{Item, ItemData, Site};
use crate::when::{When, rfc3339};

/// A JSON object being written: its members (keys written in sorted order, as `serde_json`'s
/// sorted map writes them), strings kept borrowed until [`Obj::finish`] writes the whole object
/// into one string. One item's JSON-LD was a tree of `serde_json` maps built and serialized per
/// item (2.5% of a build's instructions); then one string per member, sorted and joined (1.5%);
/// now one string per object, with the same bytes.
#[derive(Default)]
struct Obj<'a>(Vec<(&'static str, Member<'a>)>);

enum Member<'a> {
    /// A string, escaped when written.
    Text(std::borrow::Cow<'a, str>),
    /// Text that is already JSON.
    Json(String),
}

impl<'a> Obj<'a> {
    fn new(kind: &'a str) -> Obj<'a> {
        let mut o = Obj(Vec::with_capacity(12));
        o.text("@type", kind);
        o
    }

    /// A string member, escaped as `serde_json` escapes it.
    fn text(&mut self, key: &'static str, value: impl Into<std::borrow::Cow<'a, str>>) {
        self.0.push((key, Member::Text(value.into())));
    }

    /// A member that is already JSON.
    fn json(&mut self, key: &'static str, value: String) {
        self.0.push((key, Member::Json(value)));
    }

    fn finish(mut self) -> String {
        self.0.sort_by(|a, b| a.0.cmp(b.0));
        let size = self.0.iter().map(|(k, v)| {
            k.len()
                + 6
                + match v {
                    Member::Text(t) => t.len() + 8,
                    Member::Json(j) => j.len(),
                }
        });
        let mut out = String::with_capacity(2 + size.sum::<usize>());
        out.push('{');
        for (n, (key, value)) in self.0.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(key);
            out.push_str("\":");
            match value {
                Member::Text(t) => push_json_string(&mut out, t),
                Member::Json(j) => out.push_str(j),
            }
        }
        out.push('}');
        out
    }
}

/// Writes `s` as a JSON string, escaped as `serde_json` escapes it: `"` and `\`, the control
/// characters (`\b \t \n \f \r`, others as `\u00xx`); everything else as it is.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        // `i` is at an ASCII byte, so a character boundary.
        out.push_str(&s[start..i]);
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0C => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn date(w: When, config: &Config) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::DateTime(_) => rfc3339(w.start_instant(&config.tz), &config.tz),
    }
}

/// The department as an Organization.
pub fn department(config: &Config) -> Value {
    serde_json::from_str(&department_obj(config).finish()).unwrap_or_default()
}

fn department_obj(config: &Config) -> Obj<'_> {
    let mut org = Obj::new("Organization");
    org.text("name", &config.site.title);
    org.text("url", &config.base_url);
    if !config.site.description.is_empty() {
        org.text("description", &config.site.description);
    }
    if let Some(email) = config.site.extra.get("email").and_then(|v| v.as_str()) {
        org.text("email", email);
    }
    org
}

fn partner_org<'a>(item: &'a Item, config: &'a Config) -> Option<Obj<'a>> {
    let ItemData::Partner(p) = &item.data else { return None };
    let mut org = Obj::new("Organization");
    org.text("name", &p.name);
    match &p.website {
        Some(w) => org.text("url", w),
        None => org.text("url", config.permalink(&item.path)),
    }
    if let Some(logo) = &p.logo {
        org.text("logo", absolute(logo, config));
    }
    if let Some(d) = &p.description {
        org.text("description", d);
    }
    Some(org)
}

fn absolute(url: &str, config: &Config) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    let origin = config.base_url.strip_suffix(config.base_path.as_str()).unwrap_or(&config.base_url);
    format!("{origin}{url}")
}

/// The JSON-LD of one item, if its kind has one, as text safe inside a `<script>` element.
pub fn item_script(site: &Site, item: &Item, config: &Config) -> Option<String> {
    let mut v = match &item.data {
        ItemData::Activity(a) => {
            let mut e = Obj::new("Event");
            e.text("name", &item.title);
            e.text("url", config.permalink(&item.path));
            e.text("description", &item.summary);
            e.text("eventStatus", "https://schema.org/EventScheduled");
            e.json("organizer", department_obj(config).finish());
            if let Some(d) = item.date {
                e.text("startDate", date(d, config));
            }
            if let Some(end) = a.end {
                e.text("endDate", date(end, config));
            }
            if let Some(l) = &a.location {
                let mut place = Obj::new("Place");
                place.text("name", l);
                place.text("address", l);
                e.json("location", place.finish());
            }
            if let Some(c) = &a.cover {
                e.text("image", absolute(c, config));
            }
            let sponsors: Vec<String> = item
                .sponsors
                .iter()
                .filter_map(|s| partner_org(&site.items[s.partner], config))
                .map(Obj::finish)
                .collect();
            if !sponsors.is_empty() {
                e.json("sponsor", format!("[{}]", sponsors.join(",")));
            }
            e
        }
        ItemData::Partner(_) => partner_org(item, config)?,
        _ => return None,
    };
    v.text("@context", "https://schema.org");
    Some(script_safe(v.finish()))
}

/// JSON text safe inside a `<script>` element.
pub fn script_text(v: &Value) -> String {
    script_safe(serde_json::to_string(v).unwrap_or_default())
}

fn script_safe(json: String) -> String {
    if json.contains("</") { json.replace("</", "<\\/") } else { json }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all_ascii: String = (0u8..0x80).map(char::from).collect();
        all_ascii.push_str("中文 \u{2028} é 🎉 \\\" </script>");
        for s in [all_ascii.as_str(), "", "plain", "\"", "\\", "a\u{1}b\u{1f}", "尾\n"] {
            let mut ours = String::new();
            push_json_string(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).unwrap_or_default(), "{s:?}");
        }
    }

    #[test]
    fn members_are_written_in_key_order() {
        let mut o = Obj::new("Event");
        o.text("name", "a\"b");
        o.json("location", "{\"x\":1}".to_string());
        o.text("@context", String::from("https://schema.org"));
        assert_eq!(o.finish(), r#"{"@context":"https://schema.org","@type":"Event","location":{"x":1},"name":"a\"b"}"#);
    }
}
