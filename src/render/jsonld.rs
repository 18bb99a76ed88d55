//! schema.org structured data (JSON-LD): `Event` for activities (with their sponsors as
//! `Organization`s), `Organization` for partners and for the department itself.
//!
//! Templates receive it as ready-to-embed text (`page.json_ld`, `site.json_ld`) for a
//! `<script type="application/ld+json">` element; `</` is escaped so no value can close it.

use serde_json::{Value, json};

use crate::config::Config;
use crate::model::{Item, ItemData, Site};
use crate::when::{When, rfc3339};

fn date(w: When, config: &Config) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::DateTime(_) => rfc3339(w.start_instant(&config.tz), &config.tz),
    }
}

/// The department as an Organization.
pub fn department(config: &Config) -> Value {
    let mut org = json!({
        "@type": "Organization",
        "name": config.site.title,
        "url": config.base_url,
    });
    if !config.site.description.is_empty() {
        org["description"] = json!(config.site.description);
    }
    if let Some(email) = config.site.extra.get("email").and_then(|v| v.as_str()) {
        org["email"] = json!(email);
    }
    org
}

fn partner_org(item: &Item, config: &Config) -> Option<Value> {
    let ItemData::Partner(p) = &item.data else { return None };
    let mut org = json!({ "@type": "Organization", "name": p.name });
    org["url"] = json!(p.website.clone().unwrap_or_else(|| config.permalink(&item.path)));
    if let Some(logo) = &p.logo {
        org["logo"] = json!(absolute(logo, config));
    }
    if let Some(d) = &p.description {
        org["description"] = json!(d);
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

/// The JSON-LD of one item, if its kind has one.
pub fn item(site: &Site, item: &Item, config: &Config) -> Option<Value> {
    let mut v = match &item.data {
        ItemData::Activity(a) => {
            let mut e = json!({
                "@type": "Event",
                "name": item.title,
                "url": config.permalink(&item.path),
                "description": item.summary,
                "eventStatus": "https://schema.org/EventScheduled",
                "organizer": department(config),
            });
            if let Some(d) = item.date {
                e["startDate"] = json!(date(d, config));
            }
            if let Some(end) = a.end {
                e["endDate"] = json!(date(end, config));
            }
            if let Some(l) = &a.location {
                e["location"] = json!({ "@type": "Place", "name": l, "address": l });
            }
            if let Some(c) = &a.cover {
                e["image"] = json!(absolute(c, config));
            }
            let sponsors: Vec<Value> =
                item.sponsors.iter().filter_map(|s| partner_org(&site.items[s.partner], config)).collect();
            if !sponsors.is_empty() {
                e["sponsor"] = json!(sponsors);
            }
            e
        }
        ItemData::Partner(_) => partner_org(item, config)?,
        _ => return None,
    };
    v["@context"] = json!("https://schema.org");
    Some(v)
}

/// JSON text safe inside a `<script>` element.
pub fn script_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default().replace("</", "<\\/")
}
