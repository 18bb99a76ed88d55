//! schema.org structured data (JSON-LD): `Event` for activities (with their sponsors as
//! `Organization`s), `Organization` for partners and for the department itself.
//!
//! Templates receive it as ready-to-embed text (`page.json_ld`, `site.json_ld`) for a
//! `<script type="application/ld+json">` element; `</` is escaped so no value can close it.

use serde_json::Value;

use crate::config::Config;
use crate::model::{Item, ItemData, Site};
use crate::when::{When, rfc3339};

/// A JSON object being written: its members as JSON text, keys written in sorted order as
/// `serde_json`'s (sorted) map writes them. One item's JSON-LD was a tree of `serde_json`
/// maps built and serialized per item (2.5% of a build's instructions); text is a third of
/// that, with the same bytes.
#[derive(Default)]
struct Obj(Vec<(&'static str, String)>);

impl Obj {
    fn new(kind: &str) -> Obj {
        let mut o = Obj::default();
        o.text("@type", kind);
        o
    }

    /// A string member, escaped as `serde_json` escapes it.
    fn text(&mut self, key: &'static str, value: &str) {
        self.0.push((key, serde_json::to_string(value).unwrap_or_default()));
    }

    /// A member that is already JSON.
    fn json(&mut self, key: &'static str, value: String) {
        self.0.push((key, value));
    }

    fn finish(mut self) -> String {
        self.0.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::with_capacity(2 + self.0.iter().map(|(k, v)| k.len() + v.len() + 4).sum::<usize>());
        out.push('{');
        for (n, (key, value)) in self.0.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(key);
            out.push_str("\":");
            out.push_str(value);
        }
        out.push('}');
        out
    }
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

fn department_obj(config: &Config) -> Obj {
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

fn partner_org(item: &Item, config: &Config) -> Option<Obj> {
    let ItemData::Partner(p) = &item.data else { return None };
    let mut org = Obj::new("Organization");
    org.text("name", &p.name);
    match &p.website {
        Some(w) => org.text("url", w),
        None => org.text("url", &config.permalink(&item.path)),
    }
    if let Some(logo) = &p.logo {
        org.text("logo", &absolute(logo, config));
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
            e.text("url", &config.permalink(&item.path));
            e.text("description", &item.summary);
            e.text("eventStatus", "https://schema.org/EventScheduled");
            e.json("organizer", department_obj(config).finish());
            if let Some(d) = item.date {
                e.text("startDate", &date(d, config));
            }
            if let Some(end) = a.end {
                e.text("endDate", &date(end, config));
            }
            if let Some(l) = &a.location {
                let mut place = Obj::new("Place");
                place.text("name", l);
                place.text("address", l);
                e.json("location", place.finish());
            }
            if let Some(c) = &a.cover {
                e.text("image", &absolute(c, config));
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
