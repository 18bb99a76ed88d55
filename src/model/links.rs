//! Where every page is: site paths of items, and what links and named files resolve against.
//!
//! An item's stage needs every other page's URL (a Markdown link to `../partners/bank.md`
//! becomes the partner's URL) and every file's (`cover = "poster.jpg"`); this module builds that
//! map once per build (kept across watch rebuilds while the files, slugs, ids and sections it
//! follows from are the same) and hashes what it holds, so an item is reused only in the
//! surroundings it was built in.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::build_items::is_under;
use super::memo::{Memo, pages_key};
use super::{ModelOptions, Section};
use crate::codes::Code;
use crate::config::Config;
use crate::content::{Content, ItemSrc};
use crate::diagnostic::Diagnostic;
use crate::fxhash::FxHashMap as HashMap;
use crate::markdown::{self, Links};
use crate::t;

pub(super) struct LinkMap<'a> {
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
    pub(super) fn bad_link(&self, source: &std::path::Path, b: &markdown::BadLink) -> Option<Diagnostic> {
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
pub(super) fn file_url(value: &str, dir: &str, links: &LinkMap<'_>) -> Result<String, String> {
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

/// The item files this build publishes (drafts left out unless asked for), in content order.
pub fn published<'c>(content: &'c Content, draft_dirs: &[String], opts: &ModelOptions) -> Vec<&'c Arc<ItemSrc>> {
    content.items.iter().filter(|i| opts.drafts || (!i.common.draft && !is_under(&i.section, draft_dirs))).collect()
}

/// Each section's site path, by folder: what an item's path starts with.
pub fn section_paths(sections: &[Section]) -> HashMap<&str, String> {
    sections.iter().map(|s| (s.dir.as_str(), s.path.clone())).collect()
}

/// An item file's site path: its section's path, then its slug or id.
pub fn path_of(section_paths: &HashMap<&str, String>, i: &ItemSrc) -> String {
    let section = section_paths.get(i.section.as_str()).map(String::as_str).unwrap_or("/");
    format!("{section}{}/", i.common.slug.as_deref().unwrap_or(&i.id))
}

/// What items' stages resolve links and named files against, and the hash of everything an
/// item's stage reads besides its own file (see [`surroundings`]). In watch mode the map of
/// URLs is kept in `memo` while what it follows from is the same; `same_pages` says the caller
/// knows it is (a patch: the same files with the same places), so it is not hashed again.
pub(super) fn links<'c>(
    content: &'c Content,
    sections: &[Section],
    published: &[&Arc<ItemSrc>],
    config: &'c Config,
    opts: &ModelOptions,
    memo: &mut Memo,
    same_pages: bool,
) -> (LinkMap<'c>, u64) {
    let known = memo.pages.as_ref().map(|(k, _)| *k).filter(|_| same_pages);
    let key = if memo.off { 0 } else { known.unwrap_or_else(|| pages_key(published, sections)) };
    let pages = match &memo.pages {
        Some((k, pages)) if *k == key && !memo.off => Arc::clone(pages),
        _ => {
            let paths = section_paths(sections);
            let mut pages: HashMap<String, String> =
                published.iter().map(|i| (i.content_path.clone(), path_of(&paths, i))).collect();
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
    // Every file is published (drafts aside, the common case): no file to look up.
    let unpublished = match content.items.len() == published.len() {
        true => BTreeSet::new(),
        false => content.items.iter().map(|i| i.content_path.as_str()).filter(|p| !pages.contains_key(*p)).collect(),
    };
    let links = LinkMap {
        pages,
        assets: content.assets.iter().map(|a| a.content_path.as_str()).collect(),
        unpublished,
        unreadable: content.unreadable.iter().map(|u| u.content_path.as_str()).collect(),
        config,
    };
    let around = if memo.off { 0 } else { surroundings(key, &links, sections, config, opts) };
    (links, around)
}
