//! The files beyond pages: feed, calendars, sitemap, robots.txt and the search index.
//!
//! Made from the same model as the pages, before the pages' template values exist (so their
//! working memory and the values never coexist); in watch mode the feed, the site's calendar and
//! the search index come from the memo when nothing they read changed.

use rayon::prelude::*;

use super::{Job, Sink, atom, calendar, memo, page_path, search, search_memo, sitemap};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Site, Tag, Year};
use crate::output::OutputFile;

/// The sitemap entry of a page job (the 404 and search pages are not listed).
fn sitemap_entry(site: &Site, job: &Job) -> Option<sitemap::Entry> {
    let day = |w: Option<crate::when::When>| w.map(|w| w.date().to_string());
    Some(match job {
        Job::Item(n) => {
            let i = &site.items[*n];
            sitemap::Entry { path: i.path.clone(), lastmod: day(i.updated.or(i.date)) }
        }
        Job::Section { section, page, .. } => {
            sitemap::Entry { path: page_path(&site.sections[*section].path, *page), lastmod: None }
        }
        Job::Tags => sitemap::Entry { path: "/tags/".into(), lastmod: None },
        Job::Tag(n) => sitemap::Entry { path: Tag::path_of(&site.tags[*n].slug), lastmod: None },
        Job::Years => sitemap::Entry { path: "/years/".into(), lastmod: None },
        Job::Year(n) => sitemap::Entry { path: Year::path_of(site.years[*n].start_year), lastmod: None },
        Job::Search | Job::NotFound => return None,
    })
}

/// The extra files' part of a watch session's memo: the key of what changes everything, the
/// items' session-wide ids and versions, the search index of the last build and its feed and
/// calendar.
pub(super) struct ExtraMemo<'a> {
    pub around: u64,
    pub ids: &'a [u32],
    pub versions: &'a [u64],
    pub search: &'a mut search_memo::SearchMemo,
    pub feeds: &'a mut Option<memo::Feeds>,
}

/// Everything beyond the pages: feed, calendars, sitemap, robots.txt and the search index, each
/// handed to `sink` as soon as it is made. Returns how many files were made.
pub(super) fn extra_files(
    site: &Site,
    config: &Config,
    jobs: &[Job],
    mut memo: Option<ExtraMemo<'_>>,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostic> {
    let mut n = 0;
    let mut emit = |path: String, bytes: std::sync::Arc<[u8]>| {
        n += 1;
        sink(OutputFile { path, bytes })
    };
    // The feed and the calendars read items, and nothing else of the site: the feed is made
    // again when any item changed, each item's events when it changed.
    let key = memo.as_ref().map(|m| memo::hash_of((m.around, m.ids, m.versions)));
    let atom = match (&memo, key) {
        (Some(m), Some(key)) if m.feeds.as_ref().is_some_and(|f| f.key == key) => {
            m.feeds.as_ref().map(|f| f.atom.clone()).unwrap_or_default()
        }
        _ => atom::render(site, config).into_bytes().into(),
    };
    let events: Vec<std::sync::Arc<str>> = match &memo {
        Some(m) => {
            let known = m.feeds.as_ref().filter(|f| f.around == m.around);
            (0..site.items.len())
                .into_par_iter()
                .map(|n| {
                    let id = (m.ids[n], m.versions[n]);
                    known
                        .and_then(|f| f.events.get(&id).cloned())
                        .unwrap_or_else(|| std::sync::Arc::from(calendar::item_events(&site.items[n], config)))
                })
                .collect()
        }
        None => site.items.par_iter().map(|i| calendar::item_events(i, config).into()).collect(),
    };
    if let (Some(m), Some(key)) = (memo.as_mut(), key) {
        let events = (0..site.items.len()).map(|n| ((m.ids[n], m.versions[n]), events[n].clone())).collect();
        *m.feeds = Some(memo::Feeds { key, around: m.around, atom: atom.clone(), events });
    }
    emit("atom.xml".into(), atom)?;
    emit("calendar.ics".into(), calendar::site_calendar(site, config, &events).into_bytes().into())?;
    emit("robots.txt".into(), sitemap::robots(config).into_bytes().into())?;
    for (item, events) in site.items.iter().zip(&events) {
        if let crate::model::ItemData::Round(_) = &item.data {
            let path = format!("{}calendar.ics", item.path.trim_start_matches('/'));
            emit(path, calendar::round_calendar(item, config, events).into_bytes().into())?;
        }
    }
    let entries: Vec<sitemap::Entry> = jobs.iter().filter_map(|j| sitemap_entry(site, j)).collect();
    emit("sitemap.xml".into(), sitemap::render(&entries, config).into_bytes().into())?;
    match memo {
        Some(m) => {
            let order = search::order(site);
            search_memo::index(site, config, m.around, &order, m.ids, m.versions, m.search, &mut |f| {
                emit(f.path, f.bytes)
            })?
        }
        None => search::index(site, config, &mut |f| emit(f.path, f.bytes))?,
    }
    Ok(n)
}
