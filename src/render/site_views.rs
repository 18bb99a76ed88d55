//! The values of the whole site templates see: `site` (its lists, tags, years, totals) and each
//! section, built from the item values of `views.rs`.
//!
//! The long lists (`site.activities`, a section's `items`, ...) are [`Lists`], which a watch
//! session keeps: when the site's shape is the same, the next render swaps the changed items'
//! values into them in place instead of building lists of 10,000 items again.

use std::sync::Arc;

use minijinja::{Value, context};

use super::memo::{Read, SiteEntries, tracked};
use super::views::{ser, table_to_json, tag_url, year_ref};
use crate::config::Config;
use crate::model::{ItemData, Site, Status};
use crate::when::rfc3339;

/// A list of item values as templates see it (a sequence), with each item's place in it when
/// kept by a watch session.
#[derive(Debug)]
struct List {
    values: Arc<Vec<Value>>,
    /// Per item index: its place in `values` (`u32::MAX`: not in the list). Empty in one-off
    /// builds.
    at: Vec<u32>,
}

impl List {
    fn new(items: &[Value], members: Vec<usize>, places: bool) -> List {
        let mut at = Vec::new();
        if places {
            at = vec![u32::MAX; items.len()];
            for (k, &n) in members.iter().enumerate() {
                at[n] = k as u32;
            }
        }
        List { values: Arc::new(members.into_iter().map(|n| items[n].clone()).collect()), at }
    }

    /// The list as a template value (the same sequence `Value::from(Vec<Value>)` makes).
    fn value(&self) -> Value {
        Value::from_dyn_object(self.values.clone())
    }
}

/// The site's long lists of items: `site.activities`, `partners`, `rounds`, `open_rounds`, each
/// tier's partners, and each section's items.
#[derive(Debug)]
pub struct Lists {
    activities: List,
    partners: List,
    rounds: List,
    open_rounds: List,
    tiers: Vec<List>,
    sections: Vec<List>,
}

impl Lists {
    /// The lists of `site` holding `items` (with each item's place in them when `places`, for
    /// [`Lists::patch`]).
    pub fn new(site: &Site, config: &Config, items: &[Value], places: bool) -> Lists {
        // One pass over the list order fills every list (each was a pass of its own: at 10,000
        // items a pass is mostly waiting for memory).
        let (mut activities, mut partners, mut rounds, mut open_rounds) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); config.site.tiers.len()];
        for &n in &site.order {
            match &site.items[n].data {
                ItemData::Activity(_) => activities.push(n),
                ItemData::Partner(p) => {
                    partners.push(n);
                    if let Some(m) = members.get_mut(p.tier) {
                        m.push(n);
                    }
                }
                ItemData::Round(r) => {
                    rounds.push(n);
                    if r.status != Status::Closed {
                        open_rounds.push(n);
                    }
                }
                ItemData::Page => {}
            }
        }
        let list = |members| List::new(items, members, places);
        Lists {
            activities: list(activities),
            partners: list(partners),
            rounds: list(rounds),
            open_rounds: list(open_rounds),
            tiers: members.into_iter().map(list).collect(),
            sections: site.sections.iter().map(|s| list(s.items.clone())).collect(),
        }
    }

    /// Puts the values of the `changed` items into the lists, which must hold the same items in
    /// the same order as when they were made (a site of the same shape whose partners kept their
    /// tier and rounds their status). False, with nothing changed, when a list is still shared
    /// with a value of the last render or was made without places.
    pub fn patch(&mut self, items: &[Value], changed: &[usize]) -> bool {
        let singles = [&mut self.activities, &mut self.partners, &mut self.rounds, &mut self.open_rounds];
        let all = singles.into_iter().chain(self.tiers.iter_mut()).chain(self.sections.iter_mut());
        let unshared: Option<Vec<(&mut Vec<Value>, &[u32])>> = all
            .map(|List { values, at }| Some((Arc::get_mut(values)?, &at[..])).filter(|(_, at)| at.len() == items.len()))
            .collect();
        let Some(unshared) = unshared else { return false };
        for (values, at) in unshared {
            for &n in changed {
                if let Some(&k) = at.get(n).filter(|&&k| k != u32::MAX) {
                    values[k as usize] = items[n].clone();
                }
            }
        }
        true
    }
}

/// The global `site` value every template sees.
pub fn site_value(site: &Site, config: &Config, lists: &Lists, sections: &[Value]) -> SiteEntries {
    let s = &config.site;
    let tiers: Vec<Value> = s
        .tiers
        .iter()
        .zip(&lists.tiers)
        .map(|(tier, members)| context! { id => &tier.id, name => &tier.name, partners => members.value() })
        .collect();
    let menu: Vec<Value> = s.menu.iter().map(|m| context! { name => &m.name, url => config.url(&m.url) }).collect();
    let tags: Vec<Value> = site
        .tags
        .iter()
        .map(|t| context! { name => &t.name, slug => &t.slug, url => tag_url(config, &t.slug), count => t.items.len() })
        .collect();
    let years: Vec<Value> = site
        .years
        .iter()
        .map(|y| {
            let (slug, url) = year_ref(config, y.start_year);
            context! { label => slug.clone(), slug => slug, url => url, start => y.start_year, count => y.items.len(), figures => ser(&y.figures) }
        })
        .collect();
    let section_map: std::collections::BTreeMap<String, Value> =
        site.sections.iter().zip(sections).map(|(sec, v)| (sec.dir.clone(), v.clone())).collect();
    let v = |x| ser(x);
    SiteEntries(vec![
        ("title", v(&s.title)),
        ("description", v(&s.description)),
        ("base_url", v(&config.base_url)),
        ("base_path", v(&config.base_path)),
        ("language", v(&s.language)),
        ("timezone", v(&s.timezone)),
        ("now", v(&rfc3339(site.now.timestamp(), &config.tz))),
        ("menu", Value::from(menu)),
        ("tiers", Value::from(tiers)),
        ("extra", ser(table_to_json(&s.extra))),
        ("sections", Value::from(section_map)),
        ("activities", lists.activities.value()),
        ("partners", lists.partners.value()),
        ("rounds", lists.rounds.value()),
        ("open_rounds", lists.open_rounds.value()),
        ("tags", Value::from(tags)),
        ("years", Value::from(years)),
        ("totals", ser(&site.totals)),
        (
            "json_ld",
            Value::from_safe_string(super::jsonld::script_text(&{
                let mut org = super::jsonld::department(config);
                org["@context"] = serde_json::json!("https://schema.org");
                org
            })),
        ),
        ("atom_url", v(&config.url("/atom.xml"))),
        ("calendar_url", v(&config.url("/calendar.ics"))),
        ("search_url", v(&config.url("/search/"))),
    ])
}

/// One value per section (its items are the item values, in list order).
pub fn sections(site: &Site, config: &Config, lists: &Lists) -> Vec<Value> {
    site.sections
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let list = lists.sections[n].value();
            let subsections: Vec<Value> = s
                .subsections
                .iter()
                .map(|&k| context! { title => &site.sections[k].title, url => config.url(&site.sections[k].path) })
                .collect();
            let view = context! {
                title => &s.title,
                kind => s.kind.section_name(),
                dir => &s.dir,
                path => &s.path,
                url => config.url(&s.path),
                permalink => config.permalink(&s.path),
                content => Value::from_safe_string(s.html.clone()),
                summary => &s.summary,
                extra => ser(table_to_json(&s.extra)),
                items => list,
                subsections => subsections,
            };
            tracked(Read::Section(n as u32), view)
        })
        .collect()
}
