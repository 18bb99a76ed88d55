//! Sections and items of the model: URLs, rendered Markdown, summaries, dates.

use std::sync::Arc;

use rayon::prelude::*;

use super::links::{LinkMap, file_url, links, path_of, published, section_paths};
use super::memo::Memo;
use super::{
    Academic, Activity, Item, ItemData, ItemOwn, ModelOptions, Partner, Round, Section, Semester, Stage, Status,
};
use crate::codes::Code;
use crate::config::Config;
use crate::content::fields::ItemFm;
use crate::content::{Content, ItemSrc};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::markdown;
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

pub(super) fn is_under(dir: &str, roots: &[String]) -> bool {
    roots.iter().any(|d| dir == d || dir.starts_with(&format!("{d}/")))
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
) -> (Vec<Item>, Vec<&'c Arc<ItemSrc>>) {
    let published = published(content, draft_dirs, opts);
    let paths = section_paths(sections);
    let (links, around) = links(content, sections, &published, config, opts, memo, false);
    let options = markdown::options();
    let shared: &[Section] = sections;
    let known = |src: &Arc<ItemSrc>, path: &str| {
        let (was, was_path, built) = memo.items.get(&src.content_path)?;
        let mut built = (memo.around == around && Arc::ptr_eq(was, src) && was_path == path).then(|| built.clone())?;
        // A round's status is the one fact that depends on "now".
        if let Ok(own) = &mut built {
            refresh_status(own, opts);
        }
        Some(built)
    };
    let results: Vec<(Result<Arc<ItemOwn>, Diagnostics>, bool)> = published
        .par_iter()
        .map(|src| {
            let path = path_of(&paths, src);
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
        if !reused {
            remember(memo, src, path_of(&paths, src), &mut r);
        }
        match r {
            Ok(i) => {
                items.push(Item::new(i));
                srcs.push(*src);
            }
            Err(e) => errors.extend(e),
        }
    }
    if !memo.off && memo.items.len() != published.len() {
        let now: std::collections::HashSet<&str> = published.iter().map(|i| i.content_path.as_str()).collect();
        memo.items.retain(|path, _| now.contains(path.as_str()));
    }
    memo.around = around;
    section_html(content, sections, &links, &options, errors);
    (items, srcs)
}

/// Gives an item just built its stamp and keeps it in `memo` (watch mode) with its file and path.
pub(super) fn remember(
    memo: &mut Memo,
    src: &Arc<ItemSrc>,
    path: String,
    built: &mut Result<Arc<ItemOwn>, Diagnostics>,
) {
    if memo.off {
        return;
    }
    memo.stamps += 1;
    // Just built: the only reference.
    if let Ok(item) = built
        && let Some(item) = Arc::get_mut(item)
    {
        item.stamp = memo.stamps;
    }
    memo.items.insert(src.content_path.clone(), (Arc::clone(src), path, built.clone()));
}

/// Sets a round's status at the build's "now" (the one fact of an item that depends on it).
pub(super) fn refresh_status(own: &mut Arc<ItemOwn>, opts: &ModelOptions) {
    if let ItemData::Round(r) = &own.data {
        let status = status_at(opens_now(opts), r.opens_at, r.closes_at);
        if status != r.status
            && let ItemData::Round(r) = &mut Arc::make_mut(own).data
        {
            r.status = status;
        }
    }
}

/// Renders each section's Markdown (`_index.md`), reporting its broken links.
pub(super) fn section_html(
    content: &Content,
    sections: &mut [Section],
    links: &LinkMap<'_>,
    options: &comrak::Options<'_>,
    errors: &mut Diagnostics,
) {
    for sec in sections.iter_mut() {
        let Some(src) = content.sections.iter().find(|s| s.dir == sec.dir) else { continue };
        let (rendered, bad) = markdown::render(&src.body, &src.dir, links, options);
        sec.html = rendered.html;
        if let Some(source) = &src.source {
            for b in bad {
                if let Some(d) = links.bad_link(source, &b) {
                    errors.push(d.at(src.body_line + b.line - 1, b.col));
                }
            }
        }
    }
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

pub(super) fn item(
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
        text: rendered.text.get(..chars_end(&rendered.text, SEARCH_TEXT_CHARS)).unwrap_or_default().into(),
        academic: date.map(|d| academic(d, config.year_start)),
        data,
        stamp: 0,
    })
}

/// Characters of each item's visible text the model keeps: the site search indexes them (after
/// the title, summary, tags and names, which are always indexed) and shows excerpts of them.
/// 1,500 covers the opening of a typical activity report; indexing whole texts doubled the time
/// and the size of the index on a 10,000-page site. Word counts and the summary are taken from
/// the whole text first; keeping only this much lowered the peak RSS of a 10,000-page build by
/// about 5 MB.
const SEARCH_TEXT_CHARS: usize = 1500;

/// Where the first `chars` characters of `text` end (the whole text if it is shorter): the
/// character starts (bytes not of the form `10xxxxxx`) are counted eight bytes at a time up to
/// the word holding the one sought, which is found byte by byte. Walking the characters one by
/// one cost some ten instructions a character, 1,500 a page.
fn chars_end(text: &str, chars: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = text.as_bytes();
    let (mut i, mut seen) = (0, 0);
    while let Some(word) = b.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*word);
        let starts = 8 - (w & !(w << 1) & HIGH).count_ones() as usize;
        if seen + starts > chars {
            break;
        }
        seen += starts;
        i += 8;
    }
    for (k, &byte) in b.iter().enumerate().skip(i) {
        if byte & 0xc0 != 0x80 {
            if seen == chars {
                return k;
            }
            seen += 1;
        }
    }
    b.len()
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
    fn chars_end_where_the_characters_do() {
        let texts =
            ["", "a", "abcdefghijklmnopqrstuvwxyz", "赞助商们 «quote» ¥105500 é 🎉🎉 end", "é🎉赞a".repeat(9).as_str()]
                .map(String::from);
        for text in &texts {
            for chars in 0..text.chars().count() + 3 {
                let expected = text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i);
                assert_eq!(chars_end(text, chars), expected, "{text:?} {chars}");
            }
        }
    }

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
