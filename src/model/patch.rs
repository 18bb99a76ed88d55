//! The watch rebuild's short way through the model: an edit that moved nothing.
//!
//! Most saves change an item's words, not its place: the same files are published, with the
//! same URLs, sections, tags, dates, sponsors and list order. Then every fact derived across
//! items (lists, tags, years and their figures, sponsors and contributions) is what the last
//! build derived, and the new site is the last one with the edited items' own facts swapped in.
//! [`patch`] checks exactly that and otherwise declines, and the full model stage runs.
//!
//! Architecture Invariant: a patched site equals the site the full stage builds from the same
//! content (tests/watch.rs compares whole outputs after every kind of edit, including edits that
//! must decline: a date that reorders a list, a new tag, a new sponsor).

use std::sync::Arc;

use super::build_items::{self, refresh_status, remember};
use super::derive::{compare, sort_contributions};
use super::links;
use super::memo::Memo;
use super::{ItemData, ItemOwn, ModelOptions, Section, Site};
use crate::config::Config;
use crate::content::fields::ItemFm;
use crate::content::{Content, ItemSrc};
use crate::diagnostic::Diagnostics;

/// The last site the model built, with the files it was built from.
#[derive(Debug)]
pub struct Last {
    /// The published item files, in item order.
    srcs: Vec<Arc<ItemSrc>>,
    /// Shared with the build that made it (and taken back, unshared, by the next patch).
    site: Option<Arc<Site>>,
    /// Each item's place in `site.order`.
    rank: Vec<usize>,
    /// Indices of rounds (whose status moves with "now").
    rounds: Vec<usize>,
    /// The surroundings the items were built in (see `build_items::links`).
    around: u64,
}

impl Last {
    pub fn new(srcs: Vec<Arc<ItemSrc>>, site: &Arc<Site>, around: u64) -> Last {
        let mut rank = vec![0; site.order.len()];
        for (p, &n) in site.order.iter().enumerate() {
            rank[n] = p;
        }
        let rounds =
            site.items.iter().enumerate().filter(|(_, i)| matches!(i.data, ItemData::Round(_))).map(|(n, _)| n);
        Last { srcs, site: Some(Arc::clone(site)), rank, rounds: rounds.collect(), around }
    }

    /// Keeps the site a patch made, for the next one.
    pub fn keep(&mut self, site: &Arc<Site>) {
        self.site = Some(Arc::clone(site));
    }
}

/// The site built from `content` by patching the last one, when nothing but edited items' own
/// facts changed (see the module's comment); `None` when the full stage must run. `sections` are
/// this build's sections without items. The site's `assets` are left empty for the caller, who
/// keeps the site for the next patch ([`Last::new`]).
pub fn patch(
    content: &Content,
    mut sections: Vec<Section>,
    draft_dirs: &[String],
    config: &Config,
    opts: &ModelOptions,
    memo: &mut Memo,
) -> Option<Site> {
    let mut last = memo.last.take()?;
    let site = patched(&mut last, content, &mut sections, draft_dirs, config, opts, memo);
    memo.last = Some(last);
    site
}

fn patched(
    last: &mut Last,
    content: &Content,
    sections: &mut [Section],
    draft_dirs: &[String],
    config: &Config,
    opts: &ModelOptions,
    memo: &mut Memo,
) -> Option<Site> {
    let was = last.site.as_deref()?;
    let published = links::published(content, draft_dirs, opts);
    if published.len() != last.srcs.len() || !same_sections(sections, &was.sections) {
        return None;
    }
    let changed: Vec<usize> = (0..published.len()).filter(|&n| !Arc::ptr_eq(published[n], &last.srcs[n])).collect();
    if !changed.iter().all(|&n| same_place(published[n], &last.srcs[n])) {
        return None;
    }
    // The same files in the same places and the same sections: the same page URLs.
    let (links, around) = links::links(content, sections, &published, config, opts, memo, true);
    // The items kept in `memo` were built in these surroundings too (not so after a failed
    // build in others).
    if around != last.around || around != memo.around {
        return None;
    }
    for (s, was) in sections.iter_mut().zip(&was.sections) {
        s.items.clone_from(&was.items);
        s.subsections.clone_from(&was.subsections);
    }
    let options = crate::markdown::options();
    let mut errors = Diagnostics::default();
    build_items::section_html(content, sections, &links, &options, &mut errors);
    let paths = links::section_paths(sections);
    let mut built = Vec::with_capacity(changed.len());
    for &n in &changed {
        let src = published[n];
        let path = links::path_of(&paths, src);
        let mut own = build_items::item(src, sections, &links, &options, config, opts, path.clone()).map(Arc::new);
        // Kept either way: the full stage, if it must run, reuses what was built here.
        remember(memo, src, path, &mut own);
        match own {
            Ok(own) => built.push((n, own)),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return None;
    }
    // The last site, changed in place (copied only if someone still holds it).
    let shared = last.site.take()?;
    let mut site = Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone());
    for (n, own) in &mut built {
        std::mem::swap(&mut site.items[*n].own, own);
    }
    // `built` now holds the items as they were.
    let items = &site.items;
    let same_facts = |n: usize, b: &ItemOwn| {
        let a = &items[n];
        a.section == b.section
            && a.kind == b.kind
            && a.path == b.path
            && a.tags == b.tags
            && a.date == b.date
            && a.academic == b.academic
            && a.weight == b.weight
            && a.template == b.template
            && std::mem::discriminant(&a.data) == std::mem::discriminant(&b.data)
    };
    let in_place = |n: usize| {
        let p = last.rank[n];
        let before = p.checked_sub(1).map(|q| site.order[q]);
        let after = site.order.get(p + 1).copied();
        before.is_none_or(|m| compare(&items[m], &items[n]).is_lt())
            && after.is_none_or(|m| compare(&items[n], &items[m]).is_lt())
    };
    if !built.iter().all(|(n, was)| same_facts(*n, was) && in_place(*n)) {
        for (n, own) in &mut built {
            std::mem::swap(&mut site.items[*n].own, own);
        }
        last.site = Some(Arc::new(site));
        return None;
    }
    // A contribution list is ordered by its activities' dates and titles.
    let mut partners: Vec<usize> =
        changed.iter().flat_map(|&n| site.items[n].sponsors.iter().map(|s| s.partner)).collect();
    partners.sort_unstable();
    partners.dedup();
    for &p in &partners {
        let mut list = std::mem::take(&mut site.items[p].sponsored);
        sort_contributions(&mut list, &site.items);
        site.items[p].sponsored = list;
    }
    for &n in &last.rounds {
        refresh_status(&mut site.items[n].own, opts);
    }
    for &n in &changed {
        last.srcs[n] = Arc::clone(published[n]);
    }
    memo.last_reused = published.len() - changed.len();
    site.sections = sections.to_vec();
    site.now = opts.now.clone();
    site.assets = Vec::new();
    Some(site)
}

/// Whether an edited file keeps its identity and URL, and (an activity) names the same sponsors.
fn same_place(a: &ItemSrc, b: &ItemSrc) -> bool {
    let sponsors = match (&a.fm, &b.fm) {
        (ItemFm::Activity(x), ItemFm::Activity(y)) => {
            x.sponsors.len() == y.sponsors.len()
                && x.sponsors
                    .iter()
                    .zip(&y.sponsors)
                    .all(|(s, t)| (&s.partner, s.amount, &s.goods) == (&t.partner, t.amount, &t.goods))
        }
        (x, y) => std::mem::discriminant(x) == std::mem::discriminant(y),
    };
    sponsors
        && (&a.content_path, &a.id, &a.section, &a.common.slug, a.kind)
            == (&b.content_path, &b.id, &b.section, &b.common.slug, b.kind)
}

/// Whether this build's sections (without items) are the last build's, but for their text.
fn same_sections(now: &[Section], was: &[Section]) -> bool {
    now.len() == was.len()
        && now.iter().zip(was).all(|(a, b)| {
            (&a.dir, &a.source, &a.title, a.kind, &a.path, &a.summary, a.paginate, &a.template, a.weight, a.parent)
                == (
                    &b.dir,
                    &b.source,
                    &b.title,
                    b.kind,
                    &b.path,
                    &b.summary,
                    b.paginate,
                    &b.template,
                    b.weight,
                    b.parent,
                )
                && a.extra == b.extra
                && a.subsections.len() == b.subsections.len()
        })
}
