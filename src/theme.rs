//! Themes: finding the chain of themes (child -> parent via `extends`) and its files.
//!
//! A theme that extends another overrides single files: a template, a stylesheet or a UI string
//! in the child wins, everything else comes from the parent. The result is a flat, resolved view
//! the renderer uses without knowing about inheritance.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics, rel};
use crate::t;
use crate::toml_errors::TomlSource;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeToml {
    name: String,
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    author: Option<String>,
}

/// A template's source and the file it came from.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub source: String,
    /// Path relative to the site root, for messages.
    pub path: PathBuf,
}

/// A resolved theme chain.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Theme names, child first.
    pub chain: Vec<String>,
    /// Template name (path under `templates/`, with `/`) -> its winning file.
    pub templates: BTreeMap<String, TemplateFile>,
    /// UI strings of the site's language, the child's overriding the parent's.
    pub strings: BTreeMap<String, String>,
    /// Output path -> static file to copy.
    pub statics: BTreeMap<String, PathBuf>,
}

/// Loads theme `name` from `root/themes` and every theme it extends.
pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Diagnostics> {
    let themes = root.join("themes");
    let mut chain: Vec<(String, PathBuf)> = Vec::new();
    let mut next = Some(name.to_string());
    let mut referrer = PathBuf::from("site.toml");
    while let Some(n) = next.take() {
        if chain.iter().any(|(c, _)| *c == n) {
            let cycle: Vec<&str> = chain.iter().map(|(c, _)| c.as_str()).chain([n.as_str()]).collect();
            return Err(Diagnostic::new(
                &referrer,
                Code::ThemeCycle,
                t!("themes extend each other in a circle: {}", "主题互相继承成了环：{}", cycle.join(" -> ")),
            )
            .hint(t!(
                "remove `extends` from one of these themes' theme.toml",
                "从其中一个主题的 theme.toml 里删除 `extends`"
            ))
            .into());
        }
        if n.is_empty() || n.contains(['/', '\\']) || n.starts_with('.') {
            return Err(Diagnostic::new(
                &referrer,
                Code::BadThemeName,
                t!("`{n}` is not a theme name", "`{n}` 不是主题名"),
            )
            .hint(t!(
                "a theme is a folder name under themes/, such as \"default\"",
                "主题名是 themes/ 下的文件夹名，例如 \"default\""
            ))
            .into());
        }
        let dir = themes.join(&n);
        let toml_path = dir.join("theme.toml");
        if !dir.is_dir() {
            let available: Vec<String> = std::fs::read_dir(&themes)
                .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            let mut available = available;
            available.sort();
            let list = available.join(", ");
            return Err(Diagnostic::new(
                &referrer,
                Code::ThemeNotFound,
                t!("theme `{n}` not found: there is no folder themes/{n}", "找不到主题 `{n}`：没有 themes/{n} 文件夹"),
            )
            .hint(if available.is_empty() {
                t!(
                    "create themes/<name>/ with theme.toml and templates/, or copy themes/default from liaison's repository",
                    "新建 themes/<名字>/，放入 theme.toml 和 templates/，或从 liaison 的仓库复制 themes/default"
                )
            } else {
                t!("available themes: {list}", "现有的主题：{list}")
            })
            .into());
        }
        let text = std::fs::read_to_string(&toml_path).map_err(|e| {
            Diagnostic::new(
                rel(root, &toml_path),
                Code::ThemeTomlUnreadable,
                t!("cannot read theme.toml: {e}", "无法读取 theme.toml：{e}"),
            )
            .hint(t!(
                "every theme folder needs a theme.toml with at least name = \"...\"",
                "每个主题文件夹都需要 theme.toml，至少写上 name = \"...\""
            ))
        })?;
        let tpath = rel(root, &toml_path);
        let src = TomlSource {
            path: &tpath,
            file: &text,
            text: &text,
            first_line: 1,
            what: t!("theme.toml", "theme.toml 文件"),
        };
        let t: ThemeToml = toml::from_str(&text).map_err(|e| src.error(&e))?;
        let _ = (&t.name, &t.description, &t.author);
        next = t.extends.clone();
        referrer = tpath;
        chain.push((n, dir));
    }
    let mut theme = Theme { chain: chain.iter().map(|(n, _)| n.clone()).collect(), ..Theme::default() };
    let mut errors = Diagnostics::default();
    let mut found_strings = false;
    // Parents first so children override.
    for (_, dir) in chain.iter().rev() {
        for (name, path) in files_under(&dir.join("templates")) {
            match read_text(root, &path) {
                Ok(source) => {
                    theme.templates.insert(name, TemplateFile { source, path: rel(root, &path) });
                }
                Err(e) => errors.push(e),
            }
        }
        for (name, path) in files_under(&dir.join("static")) {
            theme.statics.insert(name, path);
        }
        let strings_path = dir.join("i18n").join(format!("{language}.toml"));
        if strings_path.is_file() {
            found_strings = true;
            match load_strings(root, &strings_path) {
                Ok(s) => theme.strings.extend(s),
                Err(e) => errors.push(e),
            }
        }
    }
    if !found_strings {
        errors.push(
            Diagnostic::new(
                "site.toml",
                Code::NoUiStrings,
                t!(
                    "theme `{name}` has no UI strings for language `{language}`",
                    "主题 `{name}` 没有语言 `{language}` 的界面文字"
                ),
            )
            .hint(t!(
                "add themes/{name}/i18n/{language}.toml, or set language to one the theme has (e.g. \"zh-CN\" or \"en\")",
                "添加 themes/{name}/i18n/{language}.toml，或把 language 设为主题已有的语言（例如 \"zh-CN\" 或 \"en\"）"
            )),
        );
    }
    errors.into_result(theme)
}

fn load_strings(root: &Path, path: &Path) -> Result<BTreeMap<String, String>, Diagnostic> {
    let p = rel(root, path);
    let text = read_text(root, path)?;
    let src = TomlSource { path: &p, file: &text, text: &text, first_line: 1, what: t!("UI strings", "界面文字") };
    let table: BTreeMap<String, String> = toml::from_str(&text).map_err(|e| src.error(&e))?;
    Ok(table)
}

/// A theme's text file (template, UI strings): unreadable and non-UTF-8 files are reported like
/// content files, with the position of the first bad byte.
fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let p = rel(root, path);
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(&p, Code::Unreadable, t!("cannot read this file: {e}", "无法读取这个文件：{e}"))
            .hint(t!("check that the file exists and is readable", "检查文件是否存在、是否有读取权限"))
    })?;
    crate::text::decode_utf8(&p, &bytes)
}

/// Files under `dir` as (path relative to `dir` with `/`, absolute path), sorted, skipping
/// hidden files and editors' temporaries.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::content::is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            (name, e.into_path())
        })
        .collect()
}
