//! `liaison check`: every validation of a build, plus what only a finished site shows, without
//! writing anything.
//!
//! It runs the same pipeline as `build` (so every build error is a check error), then reads the
//! rendered pages in memory for internal links and `#anchors` that lead nowhere, and adds
//! warnings an editor should see before publishing: partners no activity names, interview
//! stages long after applications close (more than [`STAGE_GRACE_DAYS`]: interviews a few days
//! after the deadline are normal; a stage months later is usually a typo in the year or month),
//! very large images.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{ItemData, Site};
use crate::output::Output;
use crate::pipeline::{self, BuildError, BuildOptions};
use crate::t;

/// Images larger than this are reported (phones on campus networks load every byte).
pub const IMAGE_LIMIT: u64 = 1024 * 1024;

/// A stage this many days or more after applications close is reported.
pub const STAGE_GRACE_DAYS: i64 = 30;

/// Errors and warnings of a check.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Diagnostics,
    pub warnings: Diagnostics,
}

/// Checks the site. `Err` only for usage errors (no site here, a bad `--now`).
pub fn check(opts: &BuildOptions) -> Result<Findings, Diagnostic> {
    let built = match pipeline::build_site(opts) {
        Ok(b) => b,
        Err(BuildError::Usage(d)) => return Err(d),
        Err(BuildError::Content(d)) => return Ok(Findings { errors: d, warnings: Diagnostics::default() }),
    };
    let mut f = Findings::default();
    links(&built.site, &built.output, &built.config, &opts.root, &mut f.errors);
    warnings(&built.site, &opts.root, &mut f.warnings);
    Ok(f)
}

/// `id="..."` values of an HTML page.
fn ids(html: &str) -> HashSet<&str> {
    html.match_indices(" id=\"").filter_map(|(i, m)| html[i + m.len()..].split('"').next()).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/").replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", "\"")
}

/// Internal links (`href` under the site's base path) whose page or anchor does not exist.
fn links(site: &Site, output: &Output, config: &Config, root: &Path, errors: &mut Diagnostics) {
    let files: HashSet<&str> =
        output.files.iter().map(|f| &*f.path).chain(output.copies.iter().map(|c| c.path.as_str())).collect();
    let anchors: HashMap<&str, HashSet<&str>> = output
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .filter_map(|f| std::str::from_utf8(&f.bytes).ok().map(|t| (&*f.path, ids(t))))
        .collect();
    let mut seen = HashSet::new();
    let mut items: Vec<&crate::model::Item> = site.items.iter().collect();
    items.sort_by(|a, b| a.source.cmp(&b.source));
    // Only links written in an item's own text are the editor's to fix.
    for item in items {
        for (i, m) in item.html.match_indices("href=\"") {
            let raw = item.html[i + m.len()..].split('"').next().unwrap_or("");
            let href = crate::markdown::percent_decode(&unescape(raw));
            // A link to an anchor on the same page.
            let own = format!("{}index.html", item.path.trim_start_matches('/'));
            let href = match href.strip_prefix('#') {
                Some(frag) => format!("{}{}#{frag}", config.base_path, own.trim_end_matches("index.html")),
                None => href,
            };
            let Some(rest) = href.strip_prefix(&config.base_path) else { continue };
            let (path, frag) = match rest.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (rest, None),
            };
            let target =
                if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
            let problem = if !files.contains(target.as_str()) {
                Some((
                    Code::LinkToMissingPage,
                    t!("link to a page that does not exist: {href}", "链接到不存在的页面：{href}"),
                ))
            } else {
                match (frag, anchors.get(target.as_str())) {
                    (Some(f), Some(ids)) if !f.is_empty() && !ids.contains(f) => Some((
                        Code::LinkToMissingAnchor,
                        t!(
                            "link to an anchor that does not exist: {href} (no heading or element with id \"{f}\")",
                            "链接到不存在的锚点：{href}（没有 id 为 \"{f}\" 的标题或元素）"
                        ),
                    )),
                    _ => None,
                }
            };
            let Some((code, message)) = problem else { continue };
            if !seen.insert((item.source.clone(), href.clone())) {
                continue;
            }
            let text = std::fs::read_to_string(root.join(&item.source)).unwrap_or_default();
            let needle = frag
                .map(|f| format!("#{f}"))
                .unwrap_or_else(|| path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("").to_string());
            let hint = match code {
                Code::LinkToMissingAnchor => t!(
                    "fix the link: headings get ids from their text, e.g. `## 活动概况` is #活动概况",
                    "改正链接：标题的 id 来自标题文字，例如 `## 活动概况` 的锚点是 #活动概况"
                ),
                _ => t!(
                    "fix the address; linking to the Markdown file instead (e.g. [晚会](activities/2018-gala.md)) lets every build check it",
                    "改正地址；改为链接到 Markdown 文件（例如 [晚会](activities/2018-gala.md)），每次构建都会检查它"
                ),
            };
            let d = Diagnostic::new(&item.source, code, message).hint(hint);
            let d = match text.find(needle.as_str()) {
                Some(off) if !needle.is_empty() => d.at_offset(&text, &text, 1, off, needle.len()),
                _ => d,
            };
            errors.push(d);
        }
    }
}

/// Points `d` at the first line of `item`'s file containing `needle`.
fn at_text(d: Diagnostic, root: &Path, source: &Path, needle: &str) -> Diagnostic {
    let text = std::fs::read_to_string(root.join(source)).unwrap_or_default();
    match text.find(needle) {
        Some(off) => d.at_offset(&text, &text, 1, off, needle.len()),
        None => d,
    }
}

fn warnings(site: &Site, root: &Path, warnings: &mut Diagnostics) {
    for item in &site.items {
        match &item.data {
            ItemData::Partner(p) if item.sponsored.is_empty() => warnings.push(at_text(
                Diagnostic::new(
                    &item.source,
                    Code::PartnerNeverSponsor,
                    t!("no activity names partner `{}` as a sponsor", "没有活动把合作伙伴 `{}` 列为赞助方", item.id),
                )
                .hint(t!(
                    "add `{{ partner = \"{}\", amount = ... }}` to the sponsors of the activities it supported",
                    "在它赞助过的活动的 sponsors 中加上 `{{ partner = \"{}\", amount = ... }}`",
                    item.id
                )),
                root,
                &item.source,
                "name",
            )),
            ItemData::Round(r) => {
                let late = |s: &&crate::model::Stage| {
                    s.at.duration_since(r.closes_at).as_secs() >= STAGE_GRACE_DAYS * 24 * 3600
                };
                for s in r.stages.iter().filter(late) {
                    let days = STAGE_GRACE_DAYS;
                    let d = Diagnostic::new(
                        &item.source,
                        Code::StageLongAfterClose,
                        t!(
                            "stage `{}` ({}) is {days} days or more after applications close ({})",
                            "环节 `{}`（{}）比报名截止（{}）晚了 {days} 天以上",
                            s.name,
                            s.date,
                            r.closes
                        ),
                    )
                    .hint(t!(
                        "check the stage's date (the year or month may be mistyped)",
                        "检查这个环节的日期（年份或月份可能写错了）"
                    ));
                    warnings.push(at_text(d, root, &item.source, &format!("name = \"{}\"", s.name)));
                }
            }
            _ => {}
        }
    }
    let mut big: BTreeMap<&str, u64> = BTreeMap::new();
    for a in &site.assets {
        let is_image = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"]
            .iter()
            .any(|e| a.content_path.to_ascii_lowercase().ends_with(e));
        if let Ok(m) = std::fs::metadata(&a.path)
            && is_image
            && m.len() > IMAGE_LIMIT
        {
            big.insert(&a.content_path, m.len());
        }
    }
    for (path, len) in big {
        warnings.push(
            Diagnostic::new(
                crate::diagnostic::rel(root, &root.join("content").join(path)),
                Code::LargeImage,
                t!("image is {:.1} MB", "图片有 {:.1} MB", len as f64 / 1_048_576.0),
            )
            .hint(t!(
                "phones on campus networks load it slowly: resize it to about 1600 px wide and save as JPEG (under 1 MB)",
                "校园网下的手机加载很慢：把它缩小到约 1600 像素宽，存成 JPEG（1 MB 以内）"
            )),
        );
    }
}
