//! Loading `content/`: finding sections, items and files, and parsing their front matter.
//!
//! The second stage of the pipeline. It reads every file once (items in parallel), checks each
//! file on its own (syntax, types, required fields, values) and hands the model stage a flat,
//! sorted list of sections, items and assets. Nothing here knows about other files: references
//! between files are the model's job.

pub mod fields;
pub mod frontmatter;
pub mod validate;
mod walk;

pub use walk::is_ignored_name;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::t;
use crate::toml_errors::TomlSource;
use fields::{Common, ItemFm, Kind, SectionFm};
use frontmatter::Split;

/// A directory of `content/` that lists items.
#[derive(Debug, Clone)]
pub struct SectionSrc {
    /// Content-relative directory with `/` separators: `""` for the home, `activities`, ...
    pub dir: String,
    /// The `_index.md`, relative to the site root, when there is one.
    pub source: Option<PathBuf>,
    pub fm: SectionFm,
    pub kind: Kind,
    /// The body of `_index.md` and the line it starts on.
    pub body: String,
    pub body_line: usize,
}

/// One item (a Markdown or TOML file, or a bundle's `index.md`).
#[derive(Debug, Clone)]
pub struct ItemSrc {
    /// Path relative to the site root, e.g. `content/activities/2018-gala/index.md`.
    pub source: PathBuf,
    /// Path relative to `content/` with `/` separators.
    pub content_path: String,
    /// Content-relative directory that relative links and files resolve against.
    pub dir: String,
    /// The id other files use to name this item: file stem, or the bundle's directory name.
    pub id: String,
    /// Content-relative directory of the section the item belongs to.
    pub section: String,
    pub kind: Kind,
    pub fm: ItemFm,
    pub common: Common,
    pub split: Split,
}

/// A file copied as is to the same relative place in the output.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: PathBuf,
    /// Content-relative path with `/` separators.
    pub content_path: String,
}

/// Everything read from `content/`, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub sections: Vec<SectionSrc>,
    /// Shared, so a watch rebuild hands the model the files it did not re-read without copying.
    pub items: Vec<Arc<ItemSrc>>,
    pub assets: Vec<Asset>,
    /// Item files that exist but could not be read (their errors are reported): the model skips
    /// the checks that would only repeat them (a link to such a file, a sponsor naming it).
    pub unreadable: Vec<Unreadable>,
}

/// An item file whose front matter could not be read or checked.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub content_path: String,
    pub id: String,
    pub kind: Kind,
}

/// Items already read, so a rebuild in watch mode re-reads only the files that changed. An entry
/// is reused only when the file's length and modification time, and the kind and section it was
/// read for, are all unchanged; the watch loop empties the cache when `site.toml` changes.
///
/// When the watch loop says exactly which files changed ([`Cache::only_changed`]) and they are
/// all item files the last load already knew, the walk of `content/` and the stamp of every other
/// file are skipped too: only the named files are read (at 10,000 pages the walk and stamps cost
/// ~150 ms, the rest of an edit's rebuild a few ms). Anything else (a new, removed or renamed
/// file, a section's `_index.md`, an asset) falls back to the full walk.
#[derive(Debug, Default)]
pub struct Cache {
    items: crate::fxhash::FxHashMap<PathBuf, (Stamp, Kind, String, Arc<ItemSrc>)>,
    /// The last load's walk, sections and unreadable files, for a load that skips the walk.
    last: Option<Walked>,
    /// Site-relative paths the watch loop saw change since the last load, when it knows them.
    changed: Option<Vec<PathBuf>>,
    /// Files read (not reused) by the last load, for tests and messages.
    pub last_reads: usize,
    /// Whether the last load walked `content/` (false when it read only the changed files).
    pub last_walked: bool,
    /// A one-off build keeps nothing: filling the cache would copy every file's text.
    off: bool,
}

#[derive(Debug)]
struct Walked {
    found: walk::Found,
    sections: Vec<SectionSrc>,
    /// The items read from `found.items`, in its order.
    items: Vec<Arc<ItemSrc>>,
}

impl Cache {
    /// A cache that stays empty, for builds that happen once.
    pub fn off() -> Cache {
        Cache { off: true, ..Cache::default() }
    }

    /// Tells the next load that only these files (relative to the site root) changed since the
    /// last one. Without this call the next load walks `content/` and checks every file's stamp.
    pub fn only_changed(&mut self, paths: Vec<PathBuf>) {
        self.changed = Some(paths);
    }

    /// The files a load may read alone, skipping the walk: every changed path must be an item
    /// file of the last walk that is still a file.
    fn known_changes(&mut self, root: &Path) -> Option<(Walked, Vec<PathBuf>)> {
        let changed = self.changed.take()?;
        let last = self.last.take()?;
        // Each changed file as the walk spelled it, so later comparisons are of bytes (a `Path`
        // comparison goes component by component: ~200 instructions, for each of 10,000 files).
        let known = |p: &PathBuf| {
            let f = last.found.items.iter().find(|f| f.source.file_name() == p.file_name() && &f.source == p)?;
            (self.items.contains_key(p) && root.join(p).is_file()).then(|| f.source.clone())
        };
        let changed: Option<Vec<PathBuf>> = changed.iter().map(known).collect();
        let changed = changed.filter(|c| !c.is_empty())?;
        Some((last, changed))
    }
}

type Stamp = (u64, Option<std::time::SystemTime>);

/// One item's load: the result, the file's stamp, the kind it was read as, whether it was read.
type Loaded = (Result<Arc<ItemSrc>, Diagnostics>, Option<Stamp>, Kind, bool);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// Reads `root/content` and checks every file on its own. All problems are reported together.
pub fn load(root: &Path, config: &Config) -> Result<Content, Diagnostics> {
    let (content, errors) = load_cached(root, config, &mut Cache::off())?;
    errors.into_result(content)
}

/// [`load`], reusing items of `cache` whose files did not change, and refreshing the cache.
/// `Ok` holds what could be read, with the problems of the item files that could not (listed in
/// [`Content::unreadable`]), so later stages can still check the rest; `Err` means nothing
/// usable (no `content/`, or a section's `_index.md` that does not parse, which would give its
/// items the wrong kind).
pub fn load_cached(root: &Path, config: &Config, cache: &mut Cache) -> Result<(Content, Diagnostics), Diagnostics> {
    let known = cache.known_changes(root);
    cache.last_walked = known.is_none();
    let (found, sections, changed, last_items) = match known {
        Some((walked, changed)) => (walked.found, walked.sections, Some(changed), walked.items),
        None => {
            let found = walk::walk(root)?;
            let mut errors = Diagnostics::default();
            let mut sections = Vec::new();
            for dir in &found.section_dirs {
                match load_section(root, dir, found.index_files.get(dir), &sections) {
                    Ok(s) => sections.push(s),
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            (found, sections, None, Vec::new())
        }
    };
    let mut errors = Diagnostics::default();

    let shared: &Cache = cache;
    let results: Vec<Loaded> = found
        .items
        .par_iter()
        .enumerate()
        .map_init(Vec::new, |buf, (n, file)| {
            // With a list of changed files (the walk and the sections as last time), every other
            // file is taken as the last load read it.
            let named = changed.as_ref().is_some_and(|c| c.iter().any(|p| p.as_os_str() == file.source.as_os_str()));
            if let (Some(_), Some(item)) = (&changed, last_items.get(n))
                && !named
            {
                return (Ok(item.clone()), None, item.kind, false);
            }
            let section = walk::section_of(&file.dir_for_section, &found.section_dirs);
            let kind = sections.iter().find(|s| s.dir == section).map(|s| s.kind).unwrap_or(Kind::Pages);
            let cached = shared.items.get(&file.source);
            // Without a cache (one-off builds) a stamp is never compared: no `stat` (a second
            // walk of the file's path besides the read's) per file.
            let now = if shared.off { None } else { stamp(&root.join(&file.source)) };
            if let Some((st, k, sec, item)) = cached
                && !named
                && now.as_ref() == Some(st)
                && *k == kind
                && sec == section
            {
                return (Ok(item.clone()), now, kind, false);
            }
            (load_item(root, file, section, kind, config, buf).map(Arc::new), now, kind, true)
        })
        .collect();
    let mut items = Vec::new();
    let mut unreadable = Vec::new();
    let mut reads = 0;
    let mut all_read = true;
    // The cache is updated in place: entries of files taken as they were stay as they are.
    for ((r, st, kind, read), file) in results.into_iter().zip(&found.items) {
        reads += usize::from(read);
        match r {
            Ok(i) => {
                match st {
                    _ if cache.off || !read => {}
                    Some(st) => {
                        cache.items.insert(i.source.clone(), (st, kind, i.section.clone(), i.clone()));
                    }
                    None => {
                        cache.items.remove(&i.source);
                    }
                }
                items.push(i);
            }
            Err(e) => {
                all_read = false;
                errors.extend(e);
                cache.items.remove(&file.source);
                unreadable.push(Unreadable { content_path: file.content_path.clone(), id: file.id.clone(), kind });
            }
        }
    }
    if cache.items.len() > items.len() {
        let now: std::collections::HashSet<&Path> = items.iter().map(|i| i.source.as_path()).collect();
        cache.items.retain(|path, _| now.contains(path.as_path()));
    }
    cache.last_reads = reads;
    let assets = found.assets.clone();
    // A walk is reused only after a load where every item file was read: an unreadable file
    // has no cache entry, so the next load must look at it again.
    if !cache.off && all_read {
        cache.last = Some(Walked { found, sections: sections.clone(), items: items.clone() });
    }
    Ok((Content { sections, items, assets, unreadable }, errors))
}

/// Reads `rel` (under `root`) as text through `buf`, a buffer kept from file to file (one per
/// rayon job of the load): the text is copied out of the bytes read anyway (`decode_utf8`), so
/// a buffer per file, sized by a `statx` of the file, cost a system call and an allocation per
/// file for nothing.
fn read_text(root: &Path, rel: &Path, buf: &mut Vec<u8>) -> Result<String, Diagnostic> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        Diagnostic::new(rel, Code::Unreadable, t!("cannot read this file: {e}", "无法读取这个文件：{e}"))
            .hint(t!("check that the file exists and is readable", "检查文件是否存在、是否有读取权限"))
    };
    let mut file = std::fs::File::open(root.join(rel)).map_err(unreadable)?;
    let mut len = 0;
    loop {
        if len == buf.len() {
            buf.resize((2 * len).max(64 * 1024), 0);
        }
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(unreadable(e)),
        }
    }
    crate::text::decode_utf8(rel, &buf[..len])
}

fn load_section(
    root: &Path,
    dir: &str,
    index: Option<&PathBuf>,
    done: &[SectionSrc],
) -> Result<SectionSrc, Diagnostic> {
    let name = dir.rsplit('/').next().unwrap_or("");
    let parent_kind = || {
        let parent = dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        done.iter().find(|s| s.dir == parent && !s.dir.is_empty()).map(|s| s.kind)
    };
    let default_kind = Kind::from_dir_name(name).or_else(parent_kind).unwrap_or(Kind::Pages);
    let Some(rel) = index else {
        return Ok(SectionSrc {
            dir: dir.to_string(),
            source: None,
            fm: SectionFm::default(),
            kind: default_kind,
            body: String::new(),
            body_line: 1,
        });
    };
    let text = read_text(root, rel, &mut Vec::new())?;
    let split = frontmatter::split(rel, text)?;
    let src = TomlSource {
        path: rel,
        file: &split.text,
        text: split.front_matter(),
        first_line: split.fm_line,
        what: t!("section front matter (_index.md)", "栏目的前置信息（_index.md）"),
    };
    let fm: SectionFm = toml::from_str(split.front_matter()).map_err(|e| src.error(&e))?;
    Ok(SectionSrc {
        dir: dir.to_string(),
        source: Some(rel.clone()),
        kind: fm.kind.unwrap_or(default_kind),
        fm,
        body: split.body().to_string(),
        body_line: split.body_line,
    })
}

fn load_item(
    root: &Path,
    file: &walk::ItemFile,
    section: &str,
    kind: Kind,
    config: &Config,
    buf: &mut Vec<u8>,
) -> Result<ItemSrc, Diagnostics> {
    let rel = &file.source;
    let text = read_text(root, rel, buf)?;
    let split = if file.is_toml {
        let len = text.len();
        Split { text, fm: 0..len, fm_line: 1, body_start: len, body_line: 1, has_front_matter: true }
    } else {
        frontmatter::split(rel, text)?
    };
    if !split.has_front_matter {
        let (k, example) = (kind.item_text(), validate::example_fields(kind));
        return Err(Diagnostic::new(
            rel,
            Code::NoFrontMatter,
            crate::i18n::Text {
                en: format!("this {} has no front matter", k.en),
                zh: format!("这个{}文件没有前置信息", k.zh),
            },
        )
        .in_source(&split.text, 1, 1, 1)
        .hint(t!(
            "start the file with a +++ line, the fields (e.g. {example}), and another +++ line",
            "文件开头先写一行 +++，再写字段（例如 {example}），再写一行 +++"
        ))
        .into());
    }
    let src = TomlSource {
        path: rel,
        file: &split.text,
        text: split.front_matter(),
        first_line: split.fm_line,
        what: kind.front_matter_text(),
    };
    let fm = ItemFm::parse(kind, split.front_matter()).map_err(|e| Diagnostics::from(src.error(&e)))?;
    validate::item(&fm, &src, config)?;
    let common = fm.common();
    Ok(ItemSrc {
        source: rel.clone(),
        content_path: file.content_path.clone(),
        dir: file.dir.clone(),
        id: file.id.clone(),
        section: section.to_string(),
        kind,
        fm,
        common,
        split,
    })
}
