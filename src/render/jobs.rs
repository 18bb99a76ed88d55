//! The pages of a site (one job per output page) and, for watch mode, what identifies each
//! page's own context without building it.

use std::sync::Arc;

use crate::config::Config;
use crate::content::fields::Kind;
use crate::model::{Section, Site, Tag, Year};
use crate::theme::Theme;

use super::search;

/// One page to render.
#[derive(Debug, Clone)]
pub(super) enum Job {
    Item(usize),
    /// A section's list page (`page` is 1-based).
    Section {
        section: usize,
        page: usize,
        pages: usize,
    },
    Tags,
    Tag(usize),
    Years,
    Year(usize),
    Search,
    NotFound,
}

pub(super) fn jobs(site: &Site, config: &Config, theme: &Theme) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.items.len()).map(Job::Item).collect();
    for (n, s) in site.sections.iter().enumerate() {
        let per = per_page(s, config);
        let pages = if s.dir.is_empty() { 1 } else { s.items.len().div_ceil(per).max(1) };
        jobs.extend((1..=pages).map(|page| Job::Section { section: n, page, pages }));
    }
    if !site.tags.is_empty() {
        jobs.push(Job::Tags);
        jobs.extend((0..site.tags.len()).map(Job::Tag));
    }
    if !site.years.is_empty() {
        jobs.push(Job::Years);
        jobs.extend((0..site.years.len()).map(Job::Year));
    }
    // The search index is always built; the page only when the theme has one.
    if theme.templates.contains_key("search.html") {
        jobs.push(Job::Search);
    }
    jobs.push(Job::NotFound);
    jobs
}

/// The jobs' indices in the order to render them: pages listing the most items first (a tag's
/// or a year's list of a thousand activities takes 10-30 ms), so that no long page is left to
/// one thread at the end of a render while the other waits. Pages listing as many keep their
/// order.
fn heaviest_first(site: &Site, config: &Config, jobs: &[Job]) -> Vec<usize> {
    let listed = |job: &Job| match job {
        Job::Item(_) | Job::Search | Job::NotFound => 0,
        Job::Section { section, page, .. } => {
            let s = &site.sections[*section];
            page_items(s, *page, per_page(s, config)).len()
        }
        Job::Tags => site.tags.len(),
        Job::Tag(n) => site.tags[*n].items.len(),
        Job::Years => site.years.len(),
        Job::Year(n) => site.years[*n].items.len(),
    };
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(listed(&jobs[k])));
    order
}

/// How many items one page of section `s`'s list shows.
pub(super) fn per_page(s: &Section, config: &Config) -> usize {
    s.paginate.unwrap_or(config.site.paginate).max(1)
}

/// The items page `page` (1-based) of section `s`'s list shows, `per` a page: all of them on
/// the home page (the section without a folder), which is never paginated.
pub(super) fn page_items(s: &Section, page: usize, per: usize) -> &[usize] {
    if s.dir.is_empty() {
        return &s.items;
    }
    let start = page.saturating_sub(1).saturating_mul(per).min(s.items.len());
    &s.items[start..start.saturating_add(per).min(s.items.len())]
}

pub(super) fn page_path(site_path: &str, page: usize) -> String {
    if page <= 1 { site_path.to_string() } else { format!("{site_path}page/{page}/") }
}

pub(super) fn out_file(site_path: &str) -> String {
    format!("{}index.html", site_path.trim_start_matches('/'))
}

fn template_for<'a>(named: Option<&'a str>, default: &'a str) -> &'a str {
    named.unwrap_or(default)
}

/// A job's template and output path.
pub fn target<'s>(site: &'s Site, job: &Job) -> (&'s str, String) {
    match job {
        Job::Item(n) => {
            let item = &site.items[*n];
            let default = match item.kind {
                Kind::Activities => "activity.html",
                Kind::Partners => "partner.html",
                Kind::Recruitment => "round.html",
                Kind::Pages => "page.html",
            };
            (template_for(item.template.as_deref(), default), out_file(&item.path))
        }
        Job::Section { section, page, .. } => {
            let s = &site.sections[*section];
            let default = if s.dir.is_empty() {
                "index.html"
            } else {
                match s.kind {
                    Kind::Activities => "activities.html",
                    Kind::Partners => "partners.html",
                    Kind::Recruitment => "recruitment.html",
                    Kind::Pages => "section.html",
                }
            };
            (template_for(s.template.as_deref(), default), out_file(&page_path(&s.path, *page)))
        }
        Job::Tags => ("tags.html", "tags/index.html".into()),
        Job::Tag(n) => ("tag.html", out_file(&Tag::path_of(&site.tags[*n].slug))),
        Job::Years => ("years.html", "years/index.html".into()),
        Job::Year(n) => ("year.html", out_file(&Year::path_of(site.years[*n].start_year))),
        Job::Search => ("search.html", "search/index.html".into()),
        Job::NotFound => ("404.html", "404.html".into()),
    }
}

/// A hash of everything a job's page gets besides what it reads through tracked values
/// (what `Globals::prepare` puts in its context, with items and sections by identity),
/// made from the model without building the context: pages reused in watch mode are
/// never prepared.
pub fn own(site: &Site, config: &Config, job: &Job, template: &str, path: &str, item_ids: &[u32]) -> u64 {
    use std::hash::Hash;
    let mut h = search::FxHasher::default();
    (template, path).hash(&mut h);
    let ids = |list: &mut dyn Iterator<Item = &usize>, h: &mut search::FxHasher| {
        for &n in list {
            item_ids.get(n).hash(h);
        }
    };
    match job {
        Job::Item(n) => (0u8, item_ids.get(*n), site.items[*n].section).hash(&mut h),
        Job::Section { section, page, pages } => {
            let s = &site.sections[*section];
            let per = per_page(s, config);
            (1u8, section, &s.path, page, pages, per, s.items.len()).hash(&mut h);
            ids(&mut page_items(s, *page, per).iter(), &mut h);
        }
        Job::Tag(n) => {
            let t = &site.tags[*n];
            (2u8, &t.name, &t.slug).hash(&mut h);
            ids(&mut t.items.iter(), &mut h);
        }
        Job::Year(n) => {
            let y = &site.years[*n];
            let f = &y.figures;
            (3u8, y.start_year, f.activities, f.cash, f.goods, f.partners).hash(&mut h);
            ids(&mut y.items.iter(), &mut h);
        }
        Job::Tags | Job::Years | Job::Search | Job::NotFound => 4u8.hash(&mut h),
    }
    std::hash::Hasher::finish(&h)
}

/// Gives the session-wide ids of a site's items and sections (see `Memo::ids`).
pub(super) type IdsOf<'a> = &'a mut dyn FnMut(&Site) -> (Vec<u32>, Vec<u32>);

/// What a render derives from the site's shape and the theme alone: the jobs with their
/// templates and output paths, and in watch mode the session-wide ids, each item's neighbours
/// and each page's own hash. A watch session keeps it while the site's shape (`Site::shape`) and
/// `around` (configuration and theme) are the same.
#[derive(Debug)]
pub(super) struct Frame {
    shape: u64,
    around: u64,
    pub jobs: Vec<Job>,
    /// Per job: its template and output path.
    pub targets: Vec<(String, Arc<str>)>,
    /// Per job, in watch mode: the hash of its own context (see [`own`]).
    pub owns: Vec<u64>,
    /// Session-wide ids of items and sections (watch mode).
    pub ids: (Vec<u32>, Vec<u32>),
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// The jobs' indices in the order to render them ([`heaviest_first`]).
    pub order: Vec<usize>,
}

impl Frame {
    /// The folders of the pages (relative, with `/`), in job order. Page paths are unique (the
    /// model checks), so are their folders.
    pub fn folders(&self) -> Vec<String> {
        self.targets.iter().filter_map(|(_, path)| path.rfind('/').map(|end| path[..end].to_string())).collect()
    }
}

impl Frame {
    /// `kept` if it was made for this site's shape and `around` (and `true`), else a new frame
    /// (`ids` gives session-wide ids in watch mode).
    pub fn for_site(
        kept: Option<Arc<Frame>>,
        site: &Site,
        config: &Config,
        theme: &Theme,
        around: u64,
        ids: Option<IdsOf<'_>>,
    ) -> (Arc<Frame>, bool) {
        if let Some(kept) = kept
            && site.shape != 0
            && kept.shape == site.shape
            && kept.around == around
        {
            return (kept, true);
        }
        let jobs = jobs(site, config, theme);
        let targets: Vec<(String, Arc<str>)> = jobs
            .iter()
            .map(|job| {
                let (template, path) = target(site, job);
                (template.to_string(), path.into())
            })
            .collect();
        let (ids, owns) = match ids {
            Some(ids) => {
                let ids = ids(site);
                let owns =
                    jobs.iter().zip(&targets).map(|(job, (t, p))| own(site, config, job, t, p, &ids.0)).collect();
                (ids, owns)
            }
            None => Default::default(),
        };
        let neighbours = super::views::neighbours(site);
        let order = heaviest_first(site, config, &jobs);
        (Arc::new(Frame { shape: site.shape, around, jobs, targets, owns, ids, neighbours, order }), false)
    }
}
