//! `site.toml`: the site's configuration, read and checked before any content.
//!
//! The first stage of the pipeline. Everything later borrows a [`Config`]; nothing changes it.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::t;
use crate::toml_errors::TomlSource;

/// `site.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteToml {
    pub title: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    #[serde(default)]
    pub academic_year: AcademicYearConfig,
    #[serde(default = "default_paginate")]
    pub paginate: usize,
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub atom: AtomConfig,

    #[serde(default)]
    pub extra: toml::Table,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_timezone() -> String {
    "Asia/Shanghai".into()
}
fn default_paginate() -> usize {
    10
}

/// A sponsorship tier, in display order.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub name: String,
}

/// A link in the site's main menu. `url` is a path inside the site (`/activities/`) or a full URL.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcademicYearConfig {
    /// Month and day the academic year starts, `MM-DD`.
    #[serde(default = "default_starts")]
    pub starts: String,
}

impl Default for AcademicYearConfig {
    fn default() -> Self {
        AcademicYearConfig { starts: default_starts() }
    }
}

fn default_starts() -> String {
    "09-01".into()
}

/// `[atom]`: the feed of activities and recruitment announcements.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtomConfig {
    /// `"summary"` (default) or `"full"`: what each entry carries.
    #[serde(default = "default_atom_content")]
    pub content: AtomContent,
    /// The newest entries to include (default 50).
    #[serde(default = "default_atom_entries")]
    pub entries: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AtomContent {
    Summary,
    Full,
}

impl Default for AtomConfig {
    fn default() -> Self {
        AtomConfig { content: default_atom_content(), entries: default_atom_entries() }
    }
}

fn default_atom_content() -> AtomContent {
    AtomContent::Summary
}
fn default_atom_entries() -> usize {
    50
}

/// Another language of the site (`[languages.en]`): its own title and description.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// The checked configuration every later stage borrows.
#[derive(Debug, Clone)]
pub struct Config {
    pub site: SiteToml,
    pub tz: TimeZone,
    /// `base_url` with exactly one trailing slash, e.g. `https://x.edu.cn/wailian/`.
    pub base_url: String,
    /// The path part of `base_url`, with leading and trailing slash: `/wailian/` or `/`.
    pub base_path: String,
    /// Academic year start (month, day).
    pub year_start: (i8, i8),
}

impl Config {
    /// Reads and checks `site.toml` in `root`. `base_url` overrides the file's (for `--base-url`).
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Config, Diagnostics> {
        let path = root.join("site.toml");
        let rel = Path::new("site.toml");
        let raw = std::fs::read(&path).map_err(|e| {
            Diagnostic::new(rel, Code::SiteTomlUnreadable, t!("cannot read site.toml: {e}", "无法读取 site.toml：{e}"))
                .hint(t!(
                    "run liaison in the folder that holds site.toml, or pass --root <folder>",
                    "在 site.toml 所在的文件夹里运行 liaison，或加上 --root <文件夹>"
                ))
        })?;
        let text = crate::text::decode_utf8(rel, &raw)?;
        let text = text.as_str();
        let src = TomlSource { path: rel, file: text, text, first_line: 1, what: t!("site.toml", "site.toml 文件") };
        let mut site: SiteToml = toml::from_str(text).map_err(|e| src.error(&e))?;
        if let Some(b) = base_url {
            site.base_url = b.to_string();
        }
        Self::check(site, &src)
    }

    /// A configuration from already-parsed settings (used by tests and by `load`).
    fn check(site: SiteToml, src: &TomlSource<'_>) -> Result<Config, Diagnostics> {
        let mut errors = Diagnostics::default();
        let tz = match TimeZone::get(&site.timezone) {
            Ok(tz) => tz,
            Err(_) => {
                errors.push(
                    src.at_key(
                        Code::BadTimezone,
                        "timezone",
                        t!("unknown timezone `{}`", "未知时区 `{}`", site.timezone),
                    )
                    .hint(t!("use an IANA name such as \"Asia/Shanghai\"", "请用 IANA 时区名，例如 \"Asia/Shanghai\"")),
                );
                TimeZone::UTC
            }
        };
        let (base_url, base_path) = match split_base_url(&site.base_url) {
            Some(v) => v,
            None => {
                errors.push(
                    src.at_key(
                        Code::BadBaseUrl,
                        "base_url",
                        t!("base_url `{}` is not an http(s) URL", "base_url `{}` 不是 http(s) 网址", site.base_url),
                    )
                    .hint(t!(
                        "write the address the site will live at, e.g. \"https://wailian.example.edu.cn/\"",
                        "写网站发布后的地址，例如 \"https://wailian.example.edu.cn/\""
                    )),
                );
                ("/".to_string(), "/".to_string())
            }
        };
        let year_start = match parse_month_day(&site.academic_year.starts) {
            Some(v) => v,
            None => {
                errors.push(
                    src.at_key(
                        Code::BadAcademicYear,
                        "starts",
                        t!(
                            "academic_year.starts `{}` is not a month and day",
                            "academic_year.starts `{}` 不是“月-日”",
                            site.academic_year.starts
                        ),
                    )
                    .hint(t!("write it as \"MM-DD\", e.g. \"09-01\"", "写成 \"MM-DD\"，例如 \"09-01\"")),
                );
                (9, 1)
            }
        };
        if site.paginate == 0 {
            errors.push(
                src.at_key(Code::BadPaginate, "paginate", t!("paginate must be at least 1", "paginate 至少为 1"))
                    .hint(t!("e.g. paginate = 10", "例如 paginate = 10")),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, tier) in site.tiers.iter().enumerate() {
            if !seen.insert(tier.id.as_str()) {
                errors.push(
                    src.at_text(
                        Code::DuplicateTier,
                        &format!("\"{}\"", tier.id),
                        1.min(i),
                        t!("tier `{}` is declared twice", "赞助级别 `{}` 声明了两次", tier.id),
                    )
                    .hint(t!("give every [[tiers]] entry its own id", "每个 [[tiers]] 都要有自己的 id")),
                );
            }
        }
        errors.into_result(Config { site, tz, base_url, base_path, year_start })
    }

    /// The absolute URL of a site path such as `/activities/` (honours a base sub-path).
    pub fn permalink(&self, path: &str) -> String {
        // `base_url` is always origin + `base_path` (see `split_base_url`).
        let origin = self.base_url.strip_suffix(self.base_path.as_str()).unwrap_or(&self.base_url);
        let url = self.url(path);
        let mut out = String::with_capacity(origin.len() + url.len());
        out.push_str(origin);
        out.push_str(&url);
        out
    }

    /// The URL of a site path as used in links: `/activities/` under base path `/wailian/`
    /// becomes `/wailian/activities/`. Called for nearly every link of every page: a path
    /// without `:` skips the substring search, and the string is made at its size (`format!`
    /// and `contains("://")` cost three quarters of it).
    pub fn url(&self, path: &str) -> String {
        if path.contains(':') && (path.contains("://") || path.starts_with("mailto:")) {
            return path.to_string();
        }
        let rest = path.trim_start_matches('/');
        let mut out = String::with_capacity(self.base_path.len() + rest.len());
        out.push_str(&self.base_path);
        out.push_str(rest);
        out
    }

    pub fn tier(&self, id: &str) -> Option<(usize, &Tier)> {
        self.site.tiers.iter().enumerate().find(|(_, t)| t.id == id)
    }
}

/// Splits a base URL into (the normalised base URL, its path): the base is always the origin
/// followed by the path, which starts and ends with `/`.
fn split_base_url(url: &str) -> Option<(String, String)> {
    let scheme_len = if url.starts_with("https://") {
        8
    } else if url.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = &url[scheme_len..];
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return None;
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let path = if segments.is_empty() { "/".to_string() } else { format!("/{}/", segments.join("/")) };
    Some((format!("{}{host}{path}", &url[..scheme_len]), path))
}

fn parse_month_day(s: &str) -> Option<(i8, i8)> {
    let (m, d) = s.split_once('-')?;
    let (m, d): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
    jiff::civil::Date::new(2000, m, d).ok().map(|_| (m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_with_sub_path() {
        assert_eq!(
            split_base_url("https://x.edu.cn/wailian"),
            Some(("https://x.edu.cn/wailian/".into(), "/wailian/".into()))
        );
        assert_eq!(split_base_url("https://x.edu.cn"), Some(("https://x.edu.cn/".into(), "/".into())));
        assert_eq!(split_base_url("ftp://x"), None);
    }

    #[test]
    fn permalinks_keep_the_sub_path_once() {
        let site: SiteToml = toml::from_str("title = \"t\"\nbase_url = \"https://x.edu.cn/wailian/\"").unwrap();
        let text = "";
        let src = TomlSource {
            path: Path::new("site.toml"),
            file: text,
            text,
            first_line: 1,
            what: t!("site.toml", "site.toml 文件"),
        };
        let c = Config::check(site, &src).unwrap();
        assert_eq!(c.permalink("/activities/a/"), "https://x.edu.cn/wailian/activities/a/");
        assert_eq!(c.url("/activities/a/"), "/wailian/activities/a/");
    }

    #[test]
    fn month_day() {
        assert_eq!(parse_month_day("09-01"), Some((9, 1)));
        assert_eq!(parse_month_day("13-01"), None);
    }
}
