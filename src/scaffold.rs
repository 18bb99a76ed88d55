//! `liaison new`: a new activity, partner, round or page, pre-filled so it builds at once.
//!
//! The file goes to its kind's section with every field of the kind written out and explained
//! (in the site's language), today's date in the site's timezone and `draft = true`, so an
//! editor fills it in and publishes by deleting one line. A site (or its theme) may replace the
//! template with `archetypes/<kind>.md`. Slugs come from the title: ASCII titles become
//! kebab-case, Chinese becomes pinyin (`元旦晚会` -> `yuan-dan-wan-hui`), and activities get a
//! `YYYY-MM-` prefix like the rest of the department's files.

use std::path::{Path, PathBuf};

use crate::codes::Code;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::t;

/// The kinds `liaison new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Activity,
    Partner,
    Round,
    Page,
}

impl NewKind {
    fn name(self) -> &'static str {
        match self {
            NewKind::Activity => "activity",
            NewKind::Partner => "partner",
            NewKind::Round => "round",
            NewKind::Page => "page",
        }
    }
    fn section(self) -> &'static str {
        match self {
            NewKind::Activity => "activities",
            NewKind::Partner => "partners",
            NewKind::Round => "recruitment",
            NewKind::Page => "",
        }
    }
}

/// A URL-safe slug: ASCII words in kebab-case, Chinese characters as pinyin syllables.
pub fn slug(title: &str) -> String {
    crate::text::pinyin_slug(title)
}

/// Creates the file; returns its path relative to the site root.
pub fn new_item(
    root: &Path,
    config: &Config,
    kind: NewKind,
    title: &str,
    slug_flag: Option<&str>,
    today: jiff::civil::Date,
) -> Result<PathBuf, Diagnostic> {
    let base = match slug_flag {
        Some(s) => s.to_string(),
        None => slug(title),
    };
    if base.is_empty() || base.contains(['/', '\\']) || base.starts_with('.') {
        return Err(Diagnostic::new(
            "content",
            Code::NoFileName,
            t!("cannot make a file name from `{title}`", "无法从 `{title}` 生成文件名"),
        )
        .hint(t!("give one with --slug, e.g. --slug new-year-gala", "用 --slug 指定一个，例如 --slug new-year-gala")));
    }
    let name = match (kind, slug_flag) {
        (NewKind::Activity, None) => format!("{}-{base}", today.strftime("%Y-%m")),
        _ => base.clone(),
    };
    let rel = Path::new("content").join(kind.section()).join(format!("{name}.md"));
    let path = root.join(&rel);
    if path.exists() || root.join("content").join(kind.section()).join(&name).join("index.md").exists() {
        return Err(Diagnostic::new(
            &rel,
            Code::FileExists,
            t!("this file already exists; liaison new never overwrites", "这个文件已经存在；liaison new 不会覆盖文件"),
        )
        .hint(t!("choose another title, or pass --slug with a new name", "换一个标题，或用 --slug 指定新的文件名")));
    }
    let zh = config.site.language.starts_with("zh");
    let template = archetype(root, config, kind).unwrap_or_else(|| default_template(kind, zh).to_string());
    let tier = config.site.tiers.first().map(|t| t.id.as_str()).unwrap_or("gold");
    let text = fill(&template, title, &name, today, tier);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::new(&rel, Code::CannotCreate, t!("cannot create the folder: {e}", "无法创建文件夹：{e}"))
        })?;
    }
    std::fs::write(&path, text).map_err(|e| {
        Diagnostic::new(&rel, Code::CannotCreate, t!("cannot write the file: {e}", "无法写入文件：{e}"))
    })?;
    Ok(rel)
}

/// `archetypes/<kind>.md` of the site, else of the theme chain's themes (child first).
fn archetype(root: &Path, config: &Config, kind: NewKind) -> Option<String> {
    let file = format!("{}.md", kind.name());
    let mut candidates = vec![root.join("archetypes").join(&file)];
    let mut theme = Some(config.site.theme.clone());
    let mut seen = 0;
    while let Some(t) = theme.take() {
        seen += 1;
        if seen > 8 {
            break;
        }
        let dir = root.join("themes").join(&t);
        candidates.push(dir.join("archetypes").join(&file));
        theme = std::fs::read_to_string(dir.join("theme.toml"))
            .ok()
            .and_then(|s| s.parse::<toml::Table>().ok())
            .and_then(|t| t.get("extends").and_then(|v| v.as_str()).map(str::to_string));
    }
    candidates.into_iter().find_map(|p| std::fs::read_to_string(p).ok())
}

/// Replaces `{title}` (escaped for a TOML string), `{slug}`, `{date}` (today), `{year}`,
/// `{closes}` (two weeks on), `{stage}` (two days after that, 19:00) and `{tier}` (the first tier).
fn fill(template: &str, title: &str, slug: &str, today: jiff::civil::Date, tier: &str) -> String {
    let escaped = title.replace('\\', "\\\\").replace('"', "\\\"");
    let closes = today.checked_add(jiff::Span::new().days(14)).unwrap_or(today);
    let stage = closes.checked_add(jiff::Span::new().days(2)).unwrap_or(closes);
    template
        .replace("{title}", &escaped)
        .replace("{slug}", slug)
        .replace("{date}", &today.to_string())
        .replace("{year}", &today.year().to_string())
        .replace("{closes}", &closes.to_string())
        .replace("{stage}", &format!("{stage}T19:00:00"))
        .replace("{tier}", tier)
}

fn default_template(kind: NewKind, zh: bool) -> &'static str {
    match (kind, zh) {
        (NewKind::Activity, true) => include_str!("scaffold/activity.zh.md"),
        (NewKind::Activity, false) => include_str!("scaffold/activity.en.md"),
        (NewKind::Partner, true) => include_str!("scaffold/partner.zh.md"),
        (NewKind::Partner, false) => include_str!("scaffold/partner.en.md"),
        (NewKind::Round, true) => include_str!("scaffold/round.zh.md"),
        (NewKind::Round, false) => include_str!("scaffold/round.en.md"),
        (NewKind::Page, true) => include_str!("scaffold/page.zh.md"),
        (NewKind::Page, false) => include_str!("scaffold/page.en.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(slug("元旦晚会"), "yuan-dan-wan-hui");
        assert_eq!(slug("New Year Gala!"), "new-year-gala");
        assert_eq!(slug("2018 外联部 Recruitment"), "2018-wai-lian-bu-recruitment");
        assert_eq!(slug("！！"), "");
    }
}
