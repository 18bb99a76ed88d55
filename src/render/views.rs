//! The template context: the site model turned into minijinja values, once per build.
//!
//! Every item becomes one [`Value`] before rendering starts; lists, partner pages and the global
//! `site` hold clones of those values (reference-counted, not copied), so a page's context costs
//! the same whether the site has ten items or ten thousand. The shape of these values is a public
//! API documented in `docs/themes.md`.

use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::model::{Item, ItemData, Semester, Site, Status};
use crate::text::slugify;
use crate::when::rfc3339;

use super::item_fields::{Fields, Layouts};
use super::memo::{Read, tracked};
use super::struct_fields::struct_fields;

/// Converts any serializable value into a template value.
pub fn ser<T: Serialize>(t: T) -> Value {
    Value::from(minijinja::value::Serde(t))
}

#[derive(Serialize)]
struct LinkView<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TagRef<'a> {
    name: &'a str,
    slug: String,
    url: String,
}

#[derive(Serialize)]
struct YearRef {
    label: String,
    slug: String,
    url: String,
}

#[derive(Serialize)]
struct SponsorView<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    logo: Option<&'a str>,
    website: Option<&'a str>,
    tier: &'a str,
    tier_name: &'a str,
    amount: Option<u64>,
    goods: Option<&'a str>,
}

#[derive(Serialize)]
struct ContributionView<'a> {
    title: &'a str,
    url: String,
    date: Option<String>,
    amount: Option<u64>,
    goods: Option<&'a str>,
}

#[derive(Serialize)]
struct StageView<'a> {
    name: &'a str,
    date: String,
    at: String,
    location: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum KindView<'a> {
    Activity {
        end: Option<String>,
        location: Option<&'a str>,
        cover: Option<&'a str>,
        gallery: &'a [String],
        sponsors: Vec<SponsorView<'a>>,
        cash: u64,
    },
    Partner {
        name: &'a str,
        tier: TierView<'a>,
        logo: Option<&'a str>,
        website: Option<&'a str>,
        since: Option<i32>,
        category: Option<&'a str>,
        description: Option<&'a str>,
        activities: Vec<ContributionView<'a>>,
        total_cash: u64,
        goods_count: usize,
    },
    Round {
        opens: String,
        closes: String,
        opens_at: String,
        closes_at: String,
        status: Status,
        audience: Option<&'a str>,
        apply: Option<&'a str>,
        positions: &'a [crate::content::fields::PositionFm],
        stages: Vec<StageView<'a>>,
        calendar_url: String,
    },
    Page {},
}

#[derive(Serialize)]
struct TierView<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct ItemView<'a> {
    id: &'a str,
    kind: &'static str,
    section: &'a str,
    title: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    source: &'a str,
    date: Option<String>,
    updated: Option<String>,
    draft: bool,
    summary: &'a str,
    content: Value,
    tags: Vec<TagRef<'a>>,
    weight: i64,
    extra: serde_json::Value,
    words: usize,
    reading_time: usize,
    academic_year: Option<YearRef>,
    semester: Option<Semester>,
    newer: Option<LinkView<'a>>,
    older: Option<LinkView<'a>>,
    json_ld: Option<Value>,
}

/// Converts TOML (`[extra]`) into JSON-like values; dates become ISO text.
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => table_to_json(t),
    }
}

pub fn table_to_json(t: &toml::Table) -> serde_json::Value {
    serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect())
}

pub fn tag_url(config: &Config, slug: &str) -> String {
    config.url(&crate::model::Tag::path_of(slug))
}

pub fn year_ref(config: &Config, start_year: i16) -> (String, String) {
    let slug = crate::model::Year::slug_of(start_year);
    let url = config.url(&crate::model::Year::path_of(start_year));
    (slug, url)
}

/// Each item's neighbours (newer, older) in its section's list order.
pub fn neighbours(site: &Site) -> Vec<(Option<usize>, Option<usize>)> {
    let mut neighbours = vec![(None, None); site.items.len()];
    for s in &site.sections {
        for (k, &n) in s.items.iter().enumerate() {
            let newer = k.checked_sub(1).map(|j| s.items[j]);
            let older = s.items.get(k + 1).copied();
            neighbours[n] = (newer, older);
        }
    }
    neighbours
}

/// One value per item, in the model's order (each a [`Tracked`] object); `html` is each item's
/// HTML (its `content`), its last reference when the model released it (else the items' own).
/// `reuse` may hand back the view an earlier render made of the same item, when nothing it shows
/// changed.
pub fn items(
    site: &Site,
    config: &Config,
    neighbours: &[(Option<usize>, Option<usize>)],
    html: Option<Vec<std::sync::Arc<str>>>,
    reuse: &(dyn Fn(usize) -> Option<Value> + Sync),
) -> Vec<Value> {
    let layouts = Layouts::default();
    let value = |n: usize, html: &str| item_value(site, config, neighbours, n, html, reuse, &layouts);
    match html {
        // Each HTML is dropped as soon as its view holds a copy.
        Some(html) => (site.items.par_iter().enumerate(), html.into_par_iter())
            .into_par_iter()
            .map(|((n, _), html)| value(n, &html))
            .collect(),
        None => site.items.par_iter().enumerate().map(|(n, item)| value(n, &item.html)).collect(),
    }
}

/// Makes again the values of the items at `changed` in `values`, the last render's values of a
/// site with the same shape (see `jobs::Frame`).
pub fn remake(
    site: &Site,
    config: &Config,
    neighbours: &[(Option<usize>, Option<usize>)],
    values: &mut [Value],
    changed: &[usize],
    reuse: &(dyn Fn(usize) -> Option<Value> + Sync),
) {
    let layouts = Layouts::default();
    for &n in changed {
        values[n] = item_value(site, config, neighbours, n, &site.items[n].html, reuse, &layouts);
    }
}

fn item_value(
    site: &Site,
    config: &Config,
    neighbours: &[(Option<usize>, Option<usize>)],
    n: usize,
    html: &str,
    reuse: &(dyn Fn(usize) -> Option<Value> + Sync),
    layouts: &Layouts,
) -> Value {
    let view = reuse(n).unwrap_or_else(|| {
        let (view, data) = item_view(site, config, &site.items[n], neighbours[n], html.to_string());
        let kind = match data {
            KindView::Activity { .. } => 0,
            KindView::Partner { .. } => 1,
            KindView::Round { .. } => 2,
            KindView::Page {} => 3,
        };
        let fields = [struct_fields(&view), struct_fields(&data)].into_iter().flatten().flatten().collect();
        Fields::of(fields, kind, layouts)
    });
    tracked(Read::Item(n as u32), view)
}

fn link<'a>(site: &'a Site, config: &Config, n: Option<usize>) -> Option<LinkView<'a>> {
    n.map(|n| LinkView { title: &site.items[n].title, url: config.url(&site.items[n].path) })
}

fn item_view<'a>(
    site: &'a Site,
    config: &'a Config,
    item: &'a Item,
    (newer, older): (Option<usize>, Option<usize>),
    html: String,
) -> (ItemView<'a>, KindView<'a>) {
    let tz = &config.tz;
    let data = match &item.data {
        ItemData::Activity(a) => KindView::Activity {
            end: a.end.map(|e| e.iso()),
            location: a.location.as_deref(),
            cover: a.cover.as_deref(),
            gallery: &a.gallery,
            cash: item.sponsors.iter().filter_map(|s| s.amount).sum(),
            sponsors: item
                .sponsors
                .iter()
                .filter_map(|s| {
                    let p = &site.items[s.partner];
                    let ItemData::Partner(pd) = &p.data else { return None };
                    Some(SponsorView {
                        id: &p.id,
                        name: &pd.name,
                        url: config.url(&p.path),
                        logo: pd.logo.as_deref(),
                        website: pd.website.as_deref(),
                        tier: config.site.tiers.get(pd.tier).map(|t| t.id.as_str()).unwrap_or(""),
                        tier_name: config.site.tiers.get(pd.tier).map(|t| t.name.as_str()).unwrap_or(""),
                        amount: s.amount,
                        goods: s.goods.as_deref(),
                    })
                })
                .collect(),
        },
        ItemData::Partner(p) => KindView::Partner {
            name: &p.name,
            tier: config
                .site
                .tiers
                .get(p.tier)
                .map(|t| TierView { id: &t.id, name: &t.name })
                .unwrap_or(TierView { id: "", name: "" }),
            logo: p.logo.as_deref(),
            website: p.website.as_deref(),
            since: p.since,
            category: p.category.as_deref(),
            description: p.description.as_deref(),
            activities: item
                .sponsored
                .iter()
                .map(|s| {
                    let a = &site.items[s.activity];
                    ContributionView {
                        title: &a.title,
                        url: config.url(&a.path),
                        date: a.date.map(|d| d.iso()),
                        amount: s.amount,
                        goods: s.goods.as_deref(),
                    }
                })
                .collect(),
            total_cash: item.total_cash,
            goods_count: item.goods_count,
        },
        ItemData::Round(r) => KindView::Round {
            opens: r.opens.iso(),
            closes: r.closes.iso(),
            opens_at: rfc3339(r.opens_at, tz),
            closes_at: rfc3339(r.closes_at, tz),
            status: r.status,
            audience: r.audience.as_deref(),
            apply: r.apply.as_deref(),
            positions: &r.positions,
            stages: r
                .stages
                .iter()
                .map(|s| StageView {
                    name: &s.name,
                    date: s.date.iso(),
                    at: rfc3339(s.at, tz),
                    location: s.location.as_deref(),
                })
                .collect(),
            calendar_url: config.url(&format!("{}calendar.ics", item.path)),
        },
        ItemData::Page => KindView::Page {},
    };
    let view = ItemView {
        id: &item.id,
        kind: item.kind.item_name(),
        section: &site.sections[item.section].dir,
        title: &item.title,
        url: config.url(&item.path),
        permalink: config.permalink(&item.path),
        path: &item.path,
        source: &item.content_path,
        date: item.date.map(|d| d.iso()),
        updated: item.updated.map(|d| d.iso()),
        draft: item.draft,
        summary: &item.summary,
        content: Value::from_safe_string(html),
        tags: item
            .tags
            .iter()
            .filter(|t| !slugify(t).is_empty())
            .map(|t| {
                let slug = slugify(t);
                TagRef { name: t, url: tag_url(config, &slug), slug }
            })
            .collect(),
        weight: item.weight,
        extra: table_to_json(&item.extra),
        words: item.words,
        reading_time: item.reading_minutes,
        academic_year: item.academic.map(|a| {
            let (slug, url) = year_ref(config, a.start_year);
            YearRef { label: slug.clone(), slug, url }
        }),
        semester: item.academic.map(|a| a.semester),
        newer: link(site, config, newer),
        older: link(site, config, older),
        json_ld: super::jsonld::item_script(site, item, config).map(Value::from_safe_string),
    };
    (view, data)
}
