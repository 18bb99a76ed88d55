//! Sections and items of the model: URLs, rendered Markdown, summaries, dates.

use std::collections::BTreeSet;

use crate::fxhash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::memo::{Memo, pages_key};
use super::{
    Academic, Activity, Item, ItemData, ItemOwn, ModelOptions, Partner, Round, Section, Semester, Stage, Status,
};
use crate::codes::Code;
use crate::config::Config;
use crate::content::fields::ItemFm;
use crate::content::{Content, ItemSrc};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown::{self, Links};
use crate::t;
use crate::text;
use crate::toml_errors::TomlSource;
use crate::when::When;

/// Sections (drafts left out unless asked for) and the directories of draft sections.
pub fn sections(content: &Content, config: &Config, drafts: bool) -> (Vec<Section>, Vec<String>) {
    let draft_dirs: Vec<String> =
        content.sections.iter().filter(|s| s.fm.draft && !drafts && !s.dir.is_empty()).map(|s| s.dir.clone()).collect();
    let mut sections: Vec<Section> = Vec::new();
    for s in &content.sections {
        if is_under(&s.dir, &draft_dirs) {
            continue;
        }
        let parent = if s.dir.is_empty() {
            None
        } else {
            let p = s.dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            sections.iter().position(|x| x.dir == p)
        };
        let path = if s.dir.is_empty() { "/".to_string() } else { format!("/{}/", s.dir) };
        let title = s.fm.title.clone().unwrap_or_else(|| {
            if s.dir.is_empty() {
                config.site.title.clone()
            } else {
                s.dir.rsplit('/').next().unwrap_or("").to_string()
            }
        });
        let idx = sections.len();
        if let Some(p) = parent {
            sections[p].subsections.push(idx);
        }
        sections.push(Section {
            dir: s.dir.clone(),
            source: s.source.clone(),
            title,
            kind: s.kind,
            path,
            html: String::new(),
            summary: s.fm.summary.clone(),
            paginate: s.fm.paginate,
            template: s.fm.template.clone(),
            weight: s.fm.weight,
            extra: s.fm.extra.clone(),
            items: Vec::new(),
            subsections: Vec::new(),
            parent,
        });
    }
    (sections, draft_dirs)
}

fn is_under(dir: &str, roots: &[String]) -> bool {
    roots.iter().any(|d| dir == d || dir.starts_with(&format!("{d}/")))
}

struct LinkMap<'a> {
    /// Site path of every published page, by content path.
    pages: Arc<HashMap<String, String>>,
    assets: BTreeSet<&'a str>,
    /// Content files that exist but are not published (drafts), for a precise message.
    unpublished: BTreeSet<&'a str>,
    /// Content files that exist but could not be read: their own error says why; a link to one
    /// is not reported again.
    unreadable: BTreeSet<&'a str>,
    config: &'a Config,
}

impl LinkMap<'_> {
    /// The error for a link whose target is not a published page (none when the target is a
    /// file that could not be read, which has its own error).
    fn bad_link(&self, source: &std::path::Path, b: &markdown::BadLink) -> Option<Diagnostic> {
        if self.unreadable.contains(b.target.as_str()) {
            return None;
        }
        Some(if self.unpublished.contains(b.target.as_str()) {
            Diagnostic::new(source, Code::LinkToDraft, t!("link to a draft: {}", "链接到草稿：{}", b.url)).hint(t!(
                "content/{} is a draft; publish it (remove draft = true) or build with --drafts",
                "content/{} 是草稿；发布它（删除 draft = true），或用 --drafts 构建",
                b.target
            ))
        } else {
            Diagnostic::new(
                source,
                Code::LinkToMissingFile,
                t!("link to a file that does not exist: {}", "链接到不存在的文件：{}", b.url),
            )
            .hint(t!(
                "content/{} is not a page of this site; fix the path or create the file",
                "content/{} 不是本站的页面；请改正路径或新建这个文件",
                b.target
            ))
        })
    }
}

impl Links for LinkMap<'_> {
    fn page_url(&self, content_path: &str) -> Option<String> {
        self.pages.get(content_path).map(|p| self.config.url(p))
    }
    fn file_url(&self, content_path: &str) -> String {
        self.config.url(&format!("/{content_path}"))
    }
}

/// Resolves a file named in front matter (`cover`, `logo`, ...) to its URL: `/x` is relative to
/// `content/`, anything else to the item's directory. `Err` when the file does not exist.
fn file_url(value: &str, dir: &str, links: &LinkMap<'_>) -> Result<String, String> {
    if value.contains("://") {
        return Ok(value.to_string());
    }
    let target = match value.strip_prefix('/') {
        Some(abs) => markdown::join("", abs),
        None => markdown::join(dir, value),
    }
    .ok_or_else(|| value.to_string())?;
    if links.assets.contains(target.as_str()) { Ok(links.file_url(&target)) } else { Err(target) }
}

/// What an item's stage reads besides its own file: every page's URL and every file (links and
/// `cover`/`logo`/... resolve against them), the sections and the configuration. "Now" (which
/// moves on every watch rebuild) only sets a round's status, recomputed when a round is reused.
/// `pages_key` stands for every page's URL (see [`pages_key`]).
fn surroundings(
    pages_key: u64,
    links: &LinkMap<'_>,
    sections: &[Section],
    config: &Config,
    opts: &ModelOptions,
) -> u64 {
    let mut h = crate::fxhash::FxHasher::default();
    pages_key.hash(&mut h);
    (&links.assets, &links.unpublished, &links.unreadable).hash(&mut h);
    for s in sections {
        (&s.dir, &s.path).hash(&mut h);
    }
    format!("{config:?} {}", opts.drafts).hash(&mut h);
    h.finish()
}

#[allow(clippy::too_many_arguments)]
/// The published items (with their files, in the same order), built or reused from `memo`.
pub fn items<'c>(
    content: &'c Content,
    sections: &mut [Section],
    draft_dirs: &[String],
    config: &Config,
    opts: &ModelOptions,
    memo: &mut Memo,
    errors: &mut Diagnostics,
) -> (Vec<Item>, Vec<&'c ItemSrc>) {
    let published: Vec<&Arc<ItemSrc>> = content
        .items
        .iter()
        .filter(|i| opts.drafts || (!i.common.draft && !is_under(&i.section, draft_dirs)))
        .collect();
    let section_paths: HashMap<&str, String> = sections.iter().map(|s| (s.dir.as_str(), s.path.clone())).collect();
    let path_of = |i: &ItemSrc| {
        let section = section_paths.get(i.section.as_str()).map(String::as_str).unwrap_or("/");
        format!("{section}{}/", i.common.slug.as_deref().unwrap_or(&i.id))
    };
    // In watch mode the map of URLs is kept while what it follows from is the same.
    let key = if memo.off { 0 } else { pages_key(&published, sections) };
    let pages = match &memo.pages {
        Some((k, pages)) if *k == key && !memo.off => Arc::clone(pages),
        _ => {
            let mut pages: HashMap<String, String> =
                published.iter().map(|i| (i.content_path.clone(), path_of(i))).collect();
            for sec in sections.iter() {
                let index = if sec.dir.is_empty() { "_index.md".to_string() } else { format!("{}/_index.md", sec.dir) };
                pages.insert(index, sec.path.clone());
            }
            Arc::new(pages)
        }
    };
    if !memo.off {
        memo.pages = Some((key, Arc::clone(&pages)));
    }
    let unpublished =
        content.items.iter().map(|i| i.content_path.as_str()).filter(|p| !pages.contains_key(*p)).collect();
    let links = LinkMap {
        pages,
        assets: content.assets.iter().map(|a| a.content_path.as_str()).collect(),
        unpublished,
        unreadable: content.unreadable.iter().map(|u| u.content_path.as_str()).collect(),
        config,
    };
    let options = markdown::options();
    let shared: &[Section] = sections;
    let around = if memo.off { 0 } else { surroundings(key, &links, shared, config, opts) };
    let known = |src: &Arc<ItemSrc>, path: &str| {
        let (was, was_path, built) = memo.items.get(&src.content_path)?;
        let mut built = (memo.around == around && Arc::ptr_eq(was, src) && was_path == path).then(|| built.clone())?;
        // A round's status is the one fact that depends on "now".
        if let Ok(own) = &mut built
            && let ItemData::Round(r) = &own.data
        {
            let status = status_at(opens_now(opts), r.opens_at, r.closes_at);
            if status != r.status
                && let ItemData::Round(r) = &mut Arc::make_mut(own).data
            {
                r.status = status;
            }
        }
        Some(built)
    };
    let results: Vec<(Result<Arc<ItemOwn>, Diagnostics>, bool)> = published
        .par_iter()
        .map(|src| {
            let path = path_of(src);
            match known(src, &path) {
                Some(built) => (built, true),
                None => (item(src, shared, &links, &options, config, opts, path).map(Arc::new), false),
            }
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut srcs = Vec::with_capacity(results.len());
    memo.last_reused = 0;
    for ((mut r, reused), src) in results.into_iter().zip(&published) {
        memo.last_reused += usize::from(reused);
        if let (Ok(item), false, false) = (&mut r, reused, memo.off) {
            memo.stamps += 1;
            // Just built: the only reference.
            if let Some(item) = Arc::get_mut(item) {
                item.stamp = memo.stamps;
            }
        }
        // A reused item's entry stays in the memo as it is.
        if !memo.off && !reused {
            memo.items.insert(src.content_path.clone(), (Arc::clone(src), path_of(src), r.clone()));
        }
        match r {
            Ok(i) => {
                items.push(Item::new(i));
                srcs.push(&***src);
            }
            Err(e) => errors.extend(e),
        }
    }
    if !memo.off && memo.items.len() != published.len() {
        let now: std::collections::HashSet<&str> = published.iter().map(|i| i.content_path.as_str()).collect();
        memo.items.retain(|path, _| now.contains(path.as_str()));
    }
    memo.around = around;
    for sec in sections.iter_mut() {
        let Some(src) = content.sections.iter().find(|s| s.dir == sec.dir) else { continue };
        let (rendered, bad) = markdown::render(&src.body, &src.dir, &links, &options);
        sec.html = rendered.html;
        if let Some(source) = &src.source {
            for b in bad {
                if let Some(d) = links.bad_link(source, &b) {
                    errors.push(d.at(src.body_line + b.line - 1, b.col));
                }
            }
        }
    }
    (items, srcs)
}

fn bad_file(src: &TomlSource<'_>, field: &str, value: &str, target: &str) -> Diagnostic {
    src.at_text(
        Code::MissingFile,
        &format!("\"{value}\""),
        0,
        t!(
            "`{field}` names a file that does not exist: content/{target}",
            "`{field}` 指向的文件不存在：content/{target}"
        ),
    )
    .hint(t!(
        "put the file there, or fix the file name (names are case-sensitive)",
        "把文件放到那里，或改正文件名（区分大小写）"
    ))
}

fn item(
    src: &ItemSrc,
    sections: &[Section],
    links: &LinkMap<'_>,
    options: &comrak::Options<'_>,
    config: &Config,
    opts: &ModelOptions,
    path: String,
) -> Result<ItemOwn, Diagnostics> {
    let mut errors = Diagnostics::default();
    let tsrc = TomlSource {
        path: &src.source,
        file: &src.split.text,
        text: src.split.front_matter(),
        first_line: src.split.fm_line,
        what: src.kind.front_matter_text(),
    };
    let (rendered, bad) = markdown::render(src.split.body(), &src.dir, links, options);
    for b in bad {
        let line = src.split.body_line + b.line - 1;
        let (col, len) = char_span(src.split.body(), b.line, b.col, b.end_col);
        if let Some(d) = links.bad_link(&src.source, &b) {
            errors.push(d.in_source(&src.split.text, line, col, len));
        }
    }
    let tz = &config.tz;
    let mut resolve = |field: &str, value: &str| match file_url(value, &src.dir, links) {
        Ok(u) => Some(u),
        Err(target) => {
            errors.push(bad_file(&tsrc, field, value, &target));
            None
        }
    };
    let data = match &src.fm {
        ItemFm::Activity(a) => ItemData::Activity(Activity {
            end: a.end,
            location: a.location.clone(),
            cover: a.cover.as_deref().and_then(|c| resolve("cover", c)),
            gallery: a.gallery.iter().filter_map(|g| resolve("gallery", g)).collect(),
        }),
        ItemFm::Partner(p) => ItemData::Partner(Partner {
            name: p.name.clone(),
            tier: config.tier(&p.tier).map(|(i, _)| i).unwrap_or(0),
            logo: p.logo.as_deref().and_then(|l| resolve("logo", l)),
            website: p.website.clone(),
            since: p.since,
            category: p.category.clone(),
            description: p.description.clone(),
        }),
        ItemFm::Round(r) => {
            let opens_at = r.opens.start_instant(tz);
            let closes_at = r.closes.end_instant(tz);
            let status = status_at(opens_now(opts), opens_at, closes_at);
            ItemData::Round(Round {
                opens: r.opens,
                closes: r.closes,
                opens_at,
                closes_at,
                status,
                audience: r.audience.clone(),
                apply: r.apply.clone(),
                positions: r.positions.clone(),
                stages: r
                    .stages
                    .iter()
                    .map(|s| Stage {
                        name: s.name.clone(),
                        date: s.date,
                        at: s.date.start_instant(tz),
                        location: s.location.clone(),
                    })
                    .collect(),
            })
        }
        ItemFm::Page(_) => ItemData::Page,
    };
    let c = &src.common;
    let date = c.date.or(match &src.fm {
        ItemFm::Round(r) => Some(r.opens),
        _ => None,
    });
    let title = match &data {
        ItemData::Partner(p) => c.title.clone().unwrap_or_else(|| p.name.clone()),
        _ => c.title.clone().unwrap_or_default(),
    };
    let section = sections.iter().position(|s| s.dir == src.section).unwrap_or(0);
    let counts = text::counts(&rendered.text);
    let summary = c.summary.clone().unwrap_or_else(|| text::summarize(&rendered.text, 120));
    errors.into_result(ItemOwn {
        id: src.id.clone(),
        source: src.source.clone(),
        content_path: src.content_path.clone(),
        section,
        kind: src.kind,
        path,
        title,
        date,
        updated: c.updated,
        draft: c.draft,
        summary,
        tags: c.tags.clone(),
        weight: c.weight,
        template: c.template.clone(),
        extra: c.extra.clone(),
        words: counts.0,
        reading_minutes: text::minutes_for(counts),
        html: rendered.html.into(),
        text: rendered.text.into(),
        academic: date.map(|d| academic(d, config.year_start)),
        data,
        stamp: 0,
    })
}

/// Converts comrak's byte columns on line `line` of `text` into a character column and length.
fn char_span(text: &str, line: usize, start_byte_col: usize, end_byte_col: usize) -> (usize, usize) {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let chars_before = |byte_col: usize| {
        let mut b = byte_col.saturating_sub(1).min(l.len());
        while !l.is_char_boundary(b) {
            b -= 1;
        }
        l[..b].chars().count()
    };
    let start = chars_before(start_byte_col);
    let end = if end_byte_col >= start_byte_col { chars_before(end_byte_col + 1) } else { start + 1 };
    (start + 1, end.saturating_sub(start).max(1))
}

fn status_at(now: jiff::Timestamp, opens_at: jiff::Timestamp, closes_at: jiff::Timestamp) -> Status {
    if now < opens_at {
        Status::Upcoming
    } else if now < closes_at {
        Status::Open
    } else {
        Status::Closed
    }
}

fn opens_now(opts: &ModelOptions) -> jiff::Timestamp {
    opts.now.timestamp()
}

/// The academic year and semester of a date, with years starting on `(month, day)`. The second
/// semester starts five months after the year does (1 February for a 1 September start).
pub fn academic(when: When, (month, day): (i8, i8)) -> Academic {
    let d = when.date();
    let start_year = if (d.month(), d.day()) >= (month, day) { d.year() } else { d.year() - 1 };
    let m = month as i32 + 5;
    let (second_year, second_month) = if m > 12 { (start_year + 1, m - 12) } else { (start_year, m) };
    let second = jiff::civil::Date::new(second_year, second_month as i8, day.min(28)).unwrap_or(d);
    let semester = if d >= second { Semester::Second } else { Semester::First };
    Academic { start_year, semester }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn academic_year_and_semester() {
        let a = academic(When::Date(date(2018, 9, 16)), (9, 1));
        assert_eq!((a.start_year, a.semester), (2018, Semester::First));
        let a = academic(When::Date(date(2019, 3, 1)), (9, 1));
        assert_eq!((a.start_year, a.semester), (2018, Semester::Second));
        let a = academic(When::Date(date(2018, 8, 31)), (9, 1));
        assert_eq!((a.start_year, a.semester), (2017, Semester::Second));
        let a = academic(When::Date(date(2019, 1, 31)), (9, 1));
        assert_eq!(a.semester, Semester::First);
    }
}
