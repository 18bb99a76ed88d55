//! Dependency-tracked rendering for watch mode: which pages an edit makes stale.
//!
//! Templates see every item, every section and each top-level entry of `site` through the
//! objects of `render/tracked.rs`, which note each read while a page renders. After a page
//! renders, the [`Memo`] keeps what it read and a hash of the versions of those things; on the
//! next rebuild a page whose reads all still have the same versions (and whose own context is the
//! same) is not rendered again: its previous bytes are reused. Versions come from the model, not
//! from the values: an item's version hashes its stamp (its own facts, see `Item::stamp`), what is
//! derived across items (sponsors, contributions, status) and what its view shows of other items
//! (neighbours, sponsors, contributions); a list's version hashes which items it holds, in
//! order, not their contents (reading an item inside it is a read of its own).
//!
//! Architecture Invariant: a page rendered from the memo is byte-identical to the page a clean
//! build renders (tests/watch.rs compares whole sites after every kind of edit). Whatever changes
//! all pages (theme, site.toml, `--drafts`) empties the memo.

use crate::fxhash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::ValueKind;
use rayon::prelude::*;

pub use super::tracked::{Keyed, Read, SiteEntries, SiteList, Tracked, recording, tracked};
pub use super::versions::{Changed, Versions};

use crate::model::{ItemData, Site};

/// Versions are compared, never shown or stored: a fast hash is enough.
pub(super) fn hasher() -> super::search::FxHasher {
    super::search::FxHasher::default()
}

/// Hashes a value's shape: scalars and containers fully, tracked items and sections and the
/// lists of `site` only by which they are (`ids` turns an item index into its session-wide id);
/// their contents are versioned on their own.
pub fn shape_hash(v: &Value, ids: &[u32], h: &mut impl Hasher) {
    shape_hash_with(v, ids, None, h)
}

/// [`shape_hash`], with sections too by session-wide id (`sections`) when given.
pub fn shape_hash_with(v: &Value, ids: &[u32], sections: Option<&[u32]>, h: &mut impl Hasher) {
    if let Some(t) = v.downcast_object_ref::<Tracked>() {
        match (t.read, sections) {
            (Read::Item(n), _) => (0u8, ids.get(n as usize)).hash(h),
            (Read::Section(n) | Read::SectionItems(n), Some(s)) => (7u8, s.get(n as usize)).hash(h),
            (other, _) => (1u8, other).hash(h),
        }
        return;
    }
    if let Some(k) = v.downcast_object_ref::<Keyed>() {
        (6u8, k.key).hash(h);
        return;
    }
    // One value per render, whose reads note its entry (`site.tags` as a fragment's argument
    // was hashed tag by tag, field by field, on every list page).
    if let Some(list) = v.downcast_object_ref::<SiteList>() {
        (8u8, list.n).hash(h);
        return;
    }
    // `site` itself is one value per render too: `fragment("partials/footer.html", site=site)`
    // is keyed by the template's name alone, and its reads of `site` entries decide whether a
    // kept text is still right.
    if v.downcast_object_ref::<SiteEntries>().is_some() {
        2u8.hash(h);
        return;
    }
    match v.kind() {
        ValueKind::Map => {
            3u8.hash(h);
            if let Ok(keys) = v.try_iter() {
                for k in keys {
                    shape_hash_with(&k, ids, sections, h);
                    shape_hash_with(&v.get_item(&k).unwrap_or_default(), ids, sections, h);
                }
            }
        }
        ValueKind::Seq | ValueKind::Iterable => {
            4u8.hash(h);
            if let Ok(items) = v.try_iter() {
                for i in items {
                    shape_hash_with(&i, ids, sections, h);
                }
            }
        }
        kind => {
            (5u8, kind as u8, v.is_safe()).hash(h);
            v.to_string().hash(h);
        }
    }
}

/// The versions of an item's view, one pair per item: its own facts (stamp, section, a round's
/// status), and what it shows of other items (sponsors, contributions, neighbours; the fields
/// of `tracked::AROUND`; see `views::item_view`, which this must follow).
pub fn item_versions(
    site: &Site,
    neighbours: &[(Option<usize>, Option<usize>)],
    ids: &[u32],
    faces: &mut Vec<Option<(u64, u64)>>,
) -> Vec<(u64, u64)> {
    // What a view shows of another item: a neighbour's or contribution's title, link and date,
    // a sponsor's name, link, logo, website, tier and description. Hashed again only for items
    // built again (a new stamp); by session-wide id (`ids`).
    let face = |item: &crate::model::Item| {
        let mut h = hasher();
        (&item.title, &item.path, &item.id, item.date).hash(&mut h);
        if let ItemData::Partner(p) = &item.data {
            (&p.name, p.tier, &p.logo, &p.website, &p.description).hash(&mut h);
        }
        h.finish()
    };
    // By id (ids are dense): a vector, not a map (10,000 lookups per rebuild).
    let last = ids.iter().map(|&id| id as usize + 1).max().unwrap_or(0);
    if faces.len() < last {
        faces.resize(last, None);
    }
    let faces_now: Vec<(u64, bool)> = site
        .items
        .par_iter()
        .zip(ids)
        .map(|(item, &id)| match faces[id as usize] {
            Some((stamp, f)) if stamp == item.stamp => (f, false),
            _ => (face(item), true),
        })
        .collect();
    for ((item, &(f, new)), &id) in site.items.iter().zip(&faces_now).zip(ids) {
        if new {
            faces[id as usize] = Some((item.stamp, f));
        }
    }
    let faces_now: Vec<u64> = faces_now.into_iter().map(|(f, _)| f).collect();
    let shown = |m: usize, h: &mut super::search::FxHasher| faces_now[m].hash(h);
    site.items
        .par_iter()
        .enumerate()
        .map(|(n, item)| {
            let mut own = hasher();
            (item.stamp, item.section, &site.sections[item.section].dir).hash(&mut own);
            let mut h = hasher();
            match &item.data {
                ItemData::Activity(_) => {
                    for s in &item.sponsors {
                        shown(s.partner, &mut h);
                        (s.amount, &s.goods).hash(&mut h);
                    }
                }
                ItemData::Partner(_) => {
                    for s in &item.sponsored {
                        shown(s.activity, &mut h);
                        (s.amount, &s.goods).hash(&mut h);
                    }
                    (item.total_cash, item.goods_count).hash(&mut h);
                }
                ItemData::Round(r) => (r.status as u8).hash(&mut own),
                ItemData::Page => {}
            }
            let (newer, older) = neighbours[n];
            for m in [newer, older] {
                m.is_some().hash(&mut h);
                if let Some(m) = m {
                    shown(m, &mut h);
                }
            }
            (own.finish(), h.finish())
        })
        .collect()
}

/// `atom.xml` with the key of what it was made from (every item's version), and each item's
/// calendar events by (session-wide id, version), made with the configuration `around`.
#[derive(Debug)]
pub struct Feeds {
    pub key: u64,
    pub around: u64,
    pub atom: bytes::Bytes,
    pub events: HashMap<(u32, u64), Arc<str>>,
    /// `sitemap.xml` with the hash of what it follows from (see `extras::sitemap_key`).
    pub sitemap: (u64, bytes::Bytes),
    /// The last render's events in item order, its `calendar.ics` and each item's sitemap date,
    /// for a render with the same frame (`jobs::Frame`), which makes again only what changed.
    pub in_order: Option<InOrder>,
}

/// See [`Feeds::in_order`].
#[derive(Debug)]
pub struct InOrder {
    pub events: Vec<Arc<str>>,
    pub calendar: bytes::Bytes,
    pub lastmods: Vec<Option<crate::when::When>>,
    /// Per item: a round's own calendar (None for other items).
    pub rounds: Vec<Option<bytes::Bytes>>,
}

/// One page as last rendered: what it read (session-wide ids), the hash of the versions it saw,
/// and its bytes.
#[derive(Debug, Clone)]
pub struct Page {
    pub(super) reads: Arc<[Read]>,
    pub(super) seen: u64,
    /// The hash of the page's own context (see `jobs::own`).
    pub(super) own: u64,
    pub bytes: bytes::Bytes,
}

/// What the pages of the last render of a watch session read and produced.
#[derive(Debug, Default)]
pub struct Memo {
    /// Everything that changes all pages: theme, configuration, drafts.
    pub(super) around: u64,
    /// Session-wide ids of items (by content path) and sections (by folder).
    ids: HashMap<String, u32>,
    /// Per job of the last render's frame (`frame` below), its page as last rendered: a
    /// vector, not a map by output path (a rebuild looks every page up; by path it hashed and
    /// compared 11,000 strings at 10,000 pages). Moved to the new jobs when the frame changes
    /// (see [`Memo::pages_for`]).
    pub(super) pages: Vec<Option<Page>>,
    /// The versions of the last render, when it rendered every page it was asked for: each
    /// page above was then made or checked with them (see [`Changed`]).
    pub(super) last_versions: Option<Arc<Versions>>,
    /// The jobs, paths and ids of the last render (see `jobs::Frame`).
    pub(super) frame: Option<Arc<super::jobs::Frame>>,
    /// The last render's item values with their versions, for a render with the same frame.
    pub(super) values: Option<(Vec<Value>, Vec<u64>)>,
    /// The last render's long lists of items, for a render whose lists hold the same items.
    pub(super) lists: Option<super::site_views::Lists>,
    /// The template environment of the last render (templates compiled, filters registered) by
    /// the fingerprint of the configuration and theme it was made for.
    pub(super) env: Option<(u64, minijinja::Environment<'static>)>,
    /// Pages rendered (not reused) by the last render, for tests and timings.
    pub last_rendered: usize,
    /// The search index, updated document by document.
    pub search: super::search_memo::SearchMemo,
    /// The feed and the calendar events of the last render.
    pub feeds: Option<Feeds>,
    /// Macro calls made through `fragment()` (render/fragments.rs), by key.
    pub fragments: HashMap<u64, super::fragments::Kept>,
    /// Fragments made or reused by the last render, for tests and timings.
    pub last_fragments: usize,
    /// Per item (by session-wide id): its stamp and a hash of what other items' views show of it.
    pub faces: Vec<Option<(u64, u64)>>,
    /// Each item's view (by session-wide id) with its version and the `around` it was made in.
    views: HashMap<u32, (u64, Value)>,
    views_around: u64,
    pub(super) on: bool,
}

impl Memo {
    /// A memo that remembers pages between renders (watch mode).
    pub fn new() -> Memo {
        Memo { on: true, ..Memo::default() }
    }

    /// The view an earlier render made of item `id`, if its version and `around` are the same.
    pub fn view(&self, around: u64, id: u32, version: u64) -> Option<Value> {
        let (v, view) = self.views.get(&id)?;
        (self.views_around == around && *v == version).then(|| view.clone())
    }

    /// Remembers this render's item views (`items` are the tracked values, in item order).
    /// Only the items at `which` are looked at when given (the others are kept already).
    pub fn keep_views(&mut self, around: u64, ids: &[u32], versions: &[u64], items: &[Value], which: Option<&[usize]>) {
        if self.views_around != around {
            self.views.clear();
        }
        self.views_around = around;
        for n in indices(which, items.len()) {
            let Some(t) = items[n].downcast_object_ref::<Tracked>() else { continue };
            match self.views.get_mut(&ids[n]) {
                Some((version, _)) if *version == versions[n] => {}
                Some(kept) => *kept = (versions[n], t.inner.clone()),
                None => {
                    self.views.insert(ids[n], (versions[n], t.inner.clone()));
                }
            }
        }
        if self.views.len() > items.len() {
            let now: std::collections::HashSet<u32> = ids.iter().copied().collect();
            self.views.retain(|id, _| now.contains(id));
        }
    }

    /// Moves the pages remembered for the jobs of frame `old` to the jobs of `new` (by output
    /// path; pages the site no longer has are forgotten). Without `old`, or with pages that are
    /// not `old`'s, nothing is remembered.
    pub(super) fn pages_for(&mut self, old: Option<&super::jobs::Frame>, new: &super::jobs::Frame) {
        let pages = std::mem::take(&mut self.pages);
        let mut by_path: HashMap<&str, Page> = match old {
            Some(old) if old.targets.len() == pages.len() => {
                old.targets.iter().zip(pages).filter_map(|((_, path), page)| Some((path.as_ref(), page?))).collect()
            }
            _ => HashMap::default(),
        };
        self.pages = new.targets.iter().map(|(_, path)| by_path.remove::<str>(path)).collect();
    }

    /// Session-wide ids of the items and sections of `site` (new ones get the next free id).
    pub fn ids(&mut self, site: &Site) -> (Vec<u32>, Vec<u32>) {
        let mut id_of = |key: &str| {
            if let Some(&id) = self.ids.get(key) {
                return id;
            }
            let next = self.ids.len() as u32;
            self.ids.insert(key.to_string(), next);
            next
        };
        let items = site.items.iter().map(|i| id_of(&i.content_path)).collect();
        let sections = site.sections.iter().map(|s| id_of(&format!("{}/_index.md", s.dir))).collect();
        (items, sections)
    }
}

/// Remembers the pages this render made, by job (reused pages stay as they are).
pub fn keep(memo: &mut Memo, pages: Vec<(usize, Page)>, rendered: usize) {
    for (job, page) in pages {
        if let Some(slot) = memo.pages.get_mut(job) {
            *slot = Some(page);
        }
    }
    memo.last_rendered = rendered;
}

/// The version of `site.now` as templates can observe it: its date (in the site's time zone)
/// and how many of the site's instants (item dates and ends, rounds opening and closing,
/// stages) are already past.
/// Templates show the year and compare instants with it; the exact second is not part of the
/// version, or every rebuild would render every page again.
pub fn now_version(site: &Site) -> u64 {
    let now = site.now.timestamp();
    let tz = site.now.time_zone();
    // In parallel: a date's instant in the time zone is the costly part (10,000 per rebuild).
    let past: usize = site
        .items
        .par_iter()
        .map(|item| {
            let mut past = usize::from(item.date.is_some_and(|d| d.start_instant(tz) <= now));
            if let ItemData::Activity(a) = &item.data {
                past += usize::from(a.end.is_some_and(|d| d.start_instant(tz) <= now));
            }
            if let ItemData::Round(r) = &item.data {
                past += usize::from(r.opens_at <= now) + usize::from(r.closes_at <= now);
                past += r.stages.iter().filter(|s| s.at <= now).count();
            }
            past
        })
        .sum();
    let mut h = hasher();
    (site.now.date().to_string(), past).hash(&mut h);
    h.finish()
}

/// The indices `which` names, else all of `0..len` (a render without the last render's frame
/// looks at every item).
pub fn indices(which: Option<&[usize]>, len: usize) -> Box<dyn Iterator<Item = usize> + '_> {
    match which {
        Some(which) => Box::new(which.iter().copied()),
        None => Box::new(0..len),
    }
}

/// A hash of `value`.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = hasher();
    value.hash(&mut h);
    h.finish()
}

/// Times the steps of a render, for `LIAISON_TIMINGS=1` (a dozen clock reads per render).
pub struct Lap {
    at: std::time::Instant,
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

impl Lap {
    /// A lap starting now.
    pub fn start() -> Lap {
        Lap { at: std::time::Instant::now(), steps: Vec::new() }
    }

    /// Notes the time since the last mark as `step`'s.
    pub fn mark(&mut self, step: &'static str) {
        self.steps.push((step, self.at.elapsed()));
        self.at = std::time::Instant::now();
    }
}
