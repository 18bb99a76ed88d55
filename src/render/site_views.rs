//! The values of the whole site templates see: `site` (its lists, tags, years, totals) and each
//! section, built from the item values of `views.rs`.

use minijinja::{Value, context};

use super::memo::{Read, SiteEntries, tracked};
use super::views::{ser, table_to_json, tag_url, year_ref};
use crate::config::Config;
use crate::model::{ItemData, Site, Status};
use crate::when::rfc3339;

/// The global `site` value every template sees.
pub fn site_value(site: &Site, config: &Config, items: &[Value], sections: &[Value]) -> SiteEntries {
    let s = &config.site;
    // One pass over the list order fills every list (each was a pass of its own: at 10,000 items
    // a pass is mostly waiting for memory).
    let (mut activities, mut partners, mut rounds, mut open_rounds) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut members: Vec<Vec<Value>> = vec![Vec::new(); s.tiers.len()];
    for &n in &site.order {
        let item = &site.items[n];
        match &item.data {
            ItemData::Activity(_) => activities.push(items[n].clone()),
            ItemData::Partner(p) => {
                partners.push(items[n].clone());
                if let Some(m) = members.get_mut(p.tier) {
                    m.push(items[n].clone());
                }
            }
            ItemData::Round(r) => {
                rounds.push(items[n].clone());
                if r.status != Status::Closed {
                    open_rounds.push(items[n].clone());
                }
            }
            ItemData::Page => {}
        }
    }
    let tiers: Vec<Value> = s
        .tiers
        .iter()
        .zip(members)
        .map(|(tier, members)| context! { id => &tier.id, name => &tier.name, partners => members })
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
        ("activities", Value::from(activities)),
        ("partners", Value::from(partners)),
        ("rounds", Value::from(rounds)),
        ("open_rounds", Value::from(open_rounds)),
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
pub fn sections(site: &Site, config: &Config, items: &[Value]) -> Vec<Value> {
    site.sections
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let list: Vec<Value> = s.items.iter().map(|&n| items[n].clone()).collect();
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
