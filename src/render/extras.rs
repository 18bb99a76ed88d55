//! The files beyond pages: feed, calendars, sitemap, robots.txt and the search index.
//!
//! Made from the same model as the pages, before the pages' template values exist (so their
//! working memory and the values never coexist); in watch mode the feed, the site's calendar and
//! the search index come from the memo when nothing they read changed.

use rayon::prelude::*;

use super::jobs::{Job, page_path};
use super::{Sink, atom, calendar, memo, search, search_memo, sitemap};
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

/// A hash of what the sitemap follows from: every page's path and date, and `around` (the
/// configuration, which holds the base URL).
fn sitemap_key(around: u64, site: &Site, jobs: &[Job]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::fxhash::FxHasher::default();
    around.hash(&mut h);
    for job in jobs {
        match job {
            Job::Item(n) => {
                let i = &site.items[*n];
                (0u8, &i.path, i.updated, i.date).hash(&mut h);
            }
            Job::Section { section, page, .. } => (1u8, &site.sections[*section].path, page).hash(&mut h),
            Job::Tag(n) => (2u8, &site.tags[*n].slug).hash(&mut h),
            Job::Year(n) => (3u8, site.years[*n].start_year).hash(&mut h),
            Job::Tags => 4u8.hash(&mut h),
            Job::Years => 5u8.hash(&mut h),
            Job::Search | Job::NotFound => 6u8.hash(&mut h),
        }
    }
    h.finish()
}

/// The extra files' part of a watch session's memo: the key of what changes everything, the
/// items' session-wide ids and versions, the search index of the last build and its feed and
/// calendar.
pub(super) struct ExtraMemo<'a> {
    pub around: u64,
    pub ids: &'a [u32],
    pub versions: &'a [u64],
    /// The items whose versions changed since the last render, when it had the same frame.
    pub changed: Option<&'a [usize]>,
    pub search: &'a mut search_memo::SearchMemo,
    pub feeds: &'a mut Option<memo::Feeds>,
}

/// Everything beyond the pages: feed, calendars, sitemap, robots.txt and the search index, each
/// handed to `sink` as soon as it is made. Returns how many files were made.
pub(super) fn extra_files(
    site: &Site,
    config: &Config,
    jobs: &[Job],
    memo: Option<ExtraMemo<'_>>,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostic> {
    match memo {
        Some(m) => extra_files_watched(site, config, jobs, m, sink),
        None => extra_files_once(site, config, jobs, sink),
    }
}

/// [`extra_files`] in a watch session: what nothing it reads changed in comes from the memo.
fn extra_files_watched(
    site: &Site,
    config: &Config,
    jobs: &[Job],
    m: ExtraMemo<'_>,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostic> {
    let mut n = 0;
    let mut emit = |path: std::sync::Arc<str>, bytes: bytes::Bytes| {
        n += 1;
        sink(OutputFile { path, bytes })
    };
    // The feed and the calendars read items, and nothing else of the site: the feed is made
    // again when any item changed, each item's events when it changed.
    let key = memo::hash_of((m.around, m.ids, m.versions));
    let atom = match m.feeds.as_ref().filter(|f| f.key == key) {
        Some(f) => f.atom.clone(),
        None => atom::render(site, config).into_bytes().into(),
    };
    // With the last render's frame, only the changed items' events and dates are looked at.
    let mut in_order = m.feeds.as_mut().filter(|f| f.around == m.around).and_then(|f| f.in_order.take());
    in_order = in_order.filter(|kept| m.changed.is_some() && kept.events.len() == site.items.len());
    let changed = m.changed.filter(|_| in_order.is_some()).unwrap_or_default();
    let lastmod = |n: usize| site.items[n].updated.or(site.items[n].date);
    let mut same_events = in_order.is_some();
    let mut same_dates = in_order.is_some();
    let events: Vec<std::sync::Arc<str>> = match &mut in_order {
        Some(kept) => {
            let mut events = std::mem::take(&mut kept.events);
            for &n in changed {
                let now: std::sync::Arc<str> = calendar::item_events(&site.items[n], config).into();
                same_events &= now == events[n];
                same_dates &= kept.lastmods[n] == lastmod(n);
                events[n] = now;
            }
            events
        }
        None => {
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
    };
    let kept_key = m.feeds.as_ref().map(|f| f.sitemap.0).filter(|_| same_dates);
    let sitemap_key = kept_key.unwrap_or_else(|| sitemap_key(m.around, site, jobs));
    let sitemap: bytes::Bytes = match m.feeds.as_ref().filter(|f| f.sitemap.0 == sitemap_key) {
        Some(f) => f.sitemap.1.clone(),
        None => {
            let entries: Vec<sitemap::Entry> = jobs.iter().filter_map(|j| sitemap_entry(site, j)).collect();
            sitemap::render(&entries, config).into_bytes().into()
        }
    };
    let calendar: bytes::Bytes = match &in_order {
        Some(kept) if same_events => kept.calendar.clone(),
        _ => calendar::site_calendar(site, config, &events).into_bytes().into(),
    };
    let feeds = m.feeds.get_or_insert_with(|| memo::Feeds {
        key,
        around: m.around,
        atom: atom.clone(),
        events: Default::default(),
        sitemap: (sitemap_key, sitemap.clone()),
        in_order: None,
    });
    if feeds.around != m.around {
        feeds.events.clear();
    }
    (feeds.key, feeds.around, feeds.atom, feeds.sitemap) =
        (key, m.around, atom.clone(), (sitemap_key, sitemap.clone()));
    for n in memo::indices(in_order.is_some().then_some(changed), site.items.len()) {
        feeds.events.entry((m.ids[n], m.versions[n])).or_insert_with(|| events[n].clone());
    }
    // Events of earlier versions are dropped now and then, not on every rebuild.
    if feeds.events.len() > site.items.len() + site.items.len() / 8 + 16 {
        let now: std::collections::HashSet<(u32, u64)> =
            (0..site.items.len()).map(|n| (m.ids[n], m.versions[n])).collect();
        feeds.events.retain(|id, _| now.contains(id));
    }
    emit("atom.xml".into(), atom)?;
    emit("calendar.ics".into(), calendar.clone())?;
    emit("robots.txt".into(), sitemap::robots(config).into_bytes().into())?;
    // Each round's calendar: with the last render's frame, made again only for changed items.
    let round_calendar = |n: usize| -> Option<bytes::Bytes> {
        let item = &site.items[n];
        matches!(item.data, crate::model::ItemData::Round(_))
            .then(|| calendar::round_calendar(item, config, &events[n]).into_bytes().into())
    };
    let rounds: Vec<Option<bytes::Bytes>> = match &mut in_order {
        Some(kept) => {
            let mut rounds = std::mem::take(&mut kept.rounds);
            for &n in changed {
                rounds[n] = round_calendar(n);
            }
            rounds
        }
        None => (0..site.items.len()).map(round_calendar).collect(),
    };
    for (item, bytes) in site.items.iter().zip(&rounds) {
        if let Some(bytes) = bytes {
            emit(format!("{}calendar.ics", item.path.trim_start_matches('/')).into(), bytes.clone())?;
        }
    }
    emit("sitemap.xml".into(), sitemap)?;
    let lastmods = match in_order {
        Some(mut kept) => {
            for &n in changed {
                kept.lastmods[n] = lastmod(n);
            }
            kept.lastmods
        }
        None => (0..site.items.len()).map(lastmod).collect(),
    };
    if let Some(feeds) = m.feeds.as_mut() {
        feeds.in_order = Some(memo::InOrder { events, calendar, lastmods, rounds });
    }
    search_memo::index(site, config, m.around, m.ids, m.versions, m.search, &mut |f| emit(f.path, f.bytes))?;
    Ok(n)
}

/// [`extra_files`] of a one-off build (no memo): the search index beside the feed, the calendars
/// and the sitemap, each of these beside the others. Made one after another, the files other
/// than the search index left a core idle for 40 ms at 10,000 pages.
fn extra_files_once(site: &Site, config: &Config, jobs: &[Job], sink: &Sink<'_>) -> Result<usize, Diagnostic> {
    let made = std::sync::atomic::AtomicUsize::new(0);
    let emit = |path: std::sync::Arc<str>, bytes: bytes::Bytes| {
        made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink(OutputFile { path, bytes })
    };
    let calendars = || -> Result<(), Diagnostic> {
        let events: Vec<String> = site.items.par_iter().map(|i| calendar::item_events(i, config)).collect();
        let (site_calendar, rounds) = rayon::join(
            || emit("calendar.ics".into(), calendar::site_calendar(site, config, &events).into_bytes().into()),
            || {
                site.items.par_iter().zip(&events).try_for_each(|(item, events)| match item.data {
                    crate::model::ItemData::Round(_) => emit(
                        format!("{}calendar.ics", item.path.trim_start_matches('/')).into(),
                        calendar::round_calendar(item, config, events).into_bytes().into(),
                    ),
                    _ => Ok(()),
                })
            },
        );
        site_calendar.and(rounds)
    };
    let feed_and_sitemap = || -> Result<(), Diagnostic> {
        emit("atom.xml".into(), atom::render(site, config).into_bytes().into())?;
        emit("robots.txt".into(), sitemap::robots(config).into_bytes().into())?;
        let entries: Vec<sitemap::Entry> = jobs.iter().filter_map(|j| sitemap_entry(site, j)).collect();
        emit("sitemap.xml".into(), sitemap::render(&entries, config).into_bytes().into())
    };
    let search = || search::index(site, config, &|f| emit(f.path, f.bytes));
    let ((a, b), c) = rayon::join(|| rayon::join(calendars, feed_and_sitemap), search);
    a.and(b).and(c)?;
    Ok(made.into_inner())
}
