//! The site model: every item and section with its URL, rendered body and derived facts.
//!
//! The third stage of the pipeline. It takes what `content` loaded and adds what needs more than
//! one file: URLs and links between files, sponsors resolved to partners (and each partner's
//! contributions), round status at the build's "now", academic years, tags and yearly figures.
//! The result is immutable; rendering only reads it.

mod build_items;
mod derive;
mod links;
mod memo;
mod patch;
mod types;

use std::sync::Arc;

use jiff::ZonedDateTime;

use crate::codes::Code;
use crate::config::Config;
use crate::content::Content;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::t;

pub use derive::{compare, figures};
pub use types::*;

/// Options that change what the model holds.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    pub drafts: bool,
    pub now: ZonedDateTime,
}

pub use memo::Memo;

/// Builds the site model from loaded content. All cross-file problems are reported together.
pub fn build(content: Content, config: &Config, opts: &ModelOptions) -> Result<Site, Diagnostics> {
    // Nothing else holds a site built without a memo.
    build_memo(content, config, opts, &mut Memo::off())
        .map(|site| Arc::try_unwrap(site).unwrap_or_else(|s| (*s).clone()))
}

/// [`build`], reusing from `memo` each item whose file and surroundings (URLs of all pages, files,
/// sections, configuration, "now") are unchanged since the last build, and refreshing `memo`.
/// The items a build reuses are exactly what it would have computed: the memo's key holds every
/// input of an item's own stage (its Markdown, dates, files). The facts that need other items
/// (sponsors, lists, tags, years) are derived afresh, unless the edit moved nothing: then the
/// last site is patched with the edited items (`patch.rs`).
pub fn build_memo(
    content: Content,
    config: &Config,
    opts: &ModelOptions,
    memo: &mut Memo,
) -> Result<Arc<Site>, Diagnostics> {
    let mut errors = Diagnostics::default();
    let (mut sections, draft_dirs) = build_items::sections(&content, config, opts.drafts);
    memo.last_patched = false;
    if !memo.off
        && let Some(mut site) = patch::patch(&content, sections.clone(), &draft_dirs, config, opts, memo)
    {
        site.assets = published_assets(content, &draft_dirs, opts);
        memo.last_patched = true;
        let site = Arc::new(site);
        if let Some(last) = &mut memo.last {
            last.keep(&site);
        }
        return Ok(site);
    }
    let (mut items, srcs) = build_items::items(&content, &mut sections, &draft_dirs, config, opts, memo, &mut errors);
    check_unique_paths(&sections, &items, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    derive::sponsors(&content, &srcs, &mut items, &mut errors);
    let srcs: Vec<Arc<crate::content::ItemSrc>> =
        if memo.off { Vec::new() } else { srcs.into_iter().map(Arc::clone).collect() };
    let order = derive::order(&items);
    derive::sort_sections(&mut sections, &items, &order);
    // Side by side (the Markdown, before them, is the only parallel part of this stage).
    let ((tags, years), (totals, assets)) = rayon::join(
        || rayon::join(|| derive::tags(&items, &order), || derive::years(&items, &order)),
        || (figures(items.iter()), published_assets(content, &draft_dirs, opts)),
    );
    let shape = if memo.off {
        0
    } else {
        memo.shapes += 1;
        memo.shapes
    };
    let site = Site { shape, now: opts.now.clone(), sections, items, order, tags, years, totals, assets };
    let site = Arc::new(errors.into_result(site)?);
    if !memo.off {
        memo.last = Some(patch::Last::new(srcs, &site, memo.around));
    }
    Ok(site)
}

/// The content files published as they are: all but those of draft sections and draft bundles
/// (a draft bundle's files are as unpublished as its page).
fn published_assets(content: Content, draft_dirs: &[String], opts: &ModelOptions) -> Vec<crate::content::Asset> {
    let draft_bundles = content
        .items
        .iter()
        .filter(|i| i.common.draft && !opts.drafts && i.content_path.ends_with("/index.md"))
        .map(|i| &i.dir);
    let hidden: Vec<String> = draft_dirs.iter().chain(draft_bundles).map(|d| format!("{d}/")).collect();
    let Content { sections, items, assets, unreadable } = content;
    // The files' text and front matter (8 ms to free at 10,000 pages) are not needed any more.
    crate::free_beside((sections, items, unreadable));
    assets.into_iter().filter(|a| !hidden.iter().any(|d| a.content_path.starts_with(d))).collect()
}

fn check_unique_paths(sections: &[Section], items: &[Item], errors: &mut Diagnostics) {
    let mut seen: crate::fxhash::FxHashMap<&str, &std::path::Path> = Default::default();
    seen.reserve(sections.len() + items.len());
    let section_paths: std::collections::HashSet<&str> = sections.iter().map(|s| s.path.as_str()).collect();
    let reserved = ["/tags/", "/years/"];
    for s in sections {
        if let Some(src) = &s.source {
            seen.insert(s.path.as_str(), src);
        }
    }
    for item in items {
        if reserved.iter().any(|r| item.path.starts_with(r)) {
            errors.push(
                Diagnostic::new(
                    &item.source,
                    Code::ReservedUrl,
                    t!("the URL {} is used by liaison's own pages", "网址 {} 被 liaison 自动生成的页面占用", item.path),
                )
                .hint(t!(
                    "rename the file or set another `slug`; /tags/ and /years/ are generated",
                    "给文件改名或设置别的 `slug`；/tags/ 和 /years/ 是自动生成的"
                )),
            );
        }
        let clash_with_section = section_paths.contains(item.path.as_str());
        match seen.get(item.path.as_str()) {
            Some(other) => errors.push(
                Diagnostic::new(
                    &item.source,
                    Code::DuplicateUrl,
                    t!("two files want the same URL {}", "两个文件的网址都是 {}", item.path),
                )
                .hint(t!(
                    "{} has it too; change the `slug` of one of them",
                    "{} 也是这个网址；请修改其中一个的 `slug`",
                    other.display()
                )),
            ),
            None if clash_with_section => errors.push(
                Diagnostic::new(
                    &item.source,
                    Code::UrlIsSectionUrl,
                    t!(
                        "this file's URL {} is also a section's URL",
                        "这个文件的网址 {} 与一个栏目的网址相同",
                        item.path
                    ),
                )
                .hint(t!("rename the file or set another `slug`", "给文件改名或设置别的 `slug`")),
            ),
            None => {
                seen.insert(item.path.as_str(), &item.source);
            }
        }
    }
}
