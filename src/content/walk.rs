//! Finding the files of `content/` and deciding what each one is.
//!
//! `_index.md` makes a section, `index.md` makes a page bundle (the directory is one item and its
//! other files belong to it), other `.md` and `.toml` files are items, and everything else is an
//! asset copied as is. Files and folders whose names start with `_` or `.` (other than
//! `_index.md`) and editors' temporary files are private and never read or published.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::Asset;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Diagnostics, rel};
use crate::t;

/// An item file found by the walk.
#[derive(Debug, Clone)]
pub struct ItemFile {
    pub source: PathBuf,
    pub content_path: String,
    /// Directory links resolve against (the bundle's own directory for a bundle).
    pub dir: String,
    /// Directory whose nearest section owns the item (the bundle's parent for a bundle).
    pub dir_for_section: String,
    pub id: String,
    pub is_toml: bool,
}

#[derive(Debug, Default)]
pub struct Found {
    /// Section directories, parents before children.
    pub section_dirs: Vec<String>,
    pub index_files: BTreeMap<String, PathBuf>,
    pub items: Vec<ItemFile>,
    pub assets: Vec<Asset>,
}

/// True for names that are never published: hidden, private (`_x`) and editor temporaries.
pub fn is_ignored_name(name: &str) -> bool {
    if name == "_index.md" {
        return false;
    }
    name.starts_with('.')
        || name.starts_with('_')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// The content-relative path of `path` with `/` separators.
fn content_path(content: &Path, path: &Path) -> String {
    if let Some(rest) = under(content, path) {
        return rest.to_string();
    }
    let rel = path.strip_prefix(content).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// On Unix, what follows `base` in `path` when `path` is `base` joined with more names, as text:
/// the walk's paths are, and cutting them as text is cheaper than comparing components (a fifth
/// of the walk's single-threaded start at 10,000 files). `None` otherwise.
fn under<'p>(base: &Path, path: &'p Path) -> Option<&'p str> {
    let (base, path) = (base.to_str()?, path.to_str()?);
    let rest = path.strip_prefix(base)?;
    let rest = match rest.strip_prefix('/') {
        Some(r) => r,
        None if base.ends_with('/') => rest,
        None => return None,
    };
    (cfg!(unix) && !rest.is_empty()).then_some(rest)
}

fn parent_dir(p: &str) -> &str {
    p.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

pub fn walk(root: &Path) -> Result<Found, Diagnostics> {
    let content = root.join("content");
    let content_rel = Path::new("content");
    if !content.is_dir() {
        return Err(Diagnostic::new(
            content_rel,
            Code::NoContentFolder,
            t!("the site has no content/ folder", "站点没有 content/ 文件夹"),
        )
        .hint(t!(
            "create content/ beside site.toml and put Markdown files in it (liaison init makes a working site)",
            "在 site.toml 旁边新建 content/ 文件夹并放入 Markdown 文件（liaison init 可以生成一个能用的站点）"
        ))
        .into());
    }
    let mut errors = Diagnostics::default();
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(e) if e.file_type().is_symlink() => errors.push(
                Diagnostic::new(
                    rel(root, e.path()),
                    Code::Symlink,
                    t!("symbolic links are not followed in content/", "content/ 中的符号链接不会被读取"),
                )
                .hint(t!(
                    "copy the file or folder into content/ instead of linking to it",
                    "把文件或文件夹复制到 content/ 里，不要用链接"
                )),
            ),
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| rel(root, p)).unwrap_or_else(|| content_rel.to_path_buf());
                errors.push(
                    Diagnostic::new(
                        path,
                        Code::Unreadable,
                        t!("cannot read this folder: {e}", "无法读取这个文件夹：{e}"),
                    )
                    .hint(t!("check that the folder exists and is readable", "检查文件夹是否存在、是否有读取权限")),
                );
            }
        }
    }
    let mut found = Found::default();
    let cps: Vec<String> = files.iter().map(|f| content_path(&content, f)).collect();
    let bundles: BTreeSet<String> = cps
        .iter()
        .filter(|p| *p == "index.md" || p.ends_with("/index.md"))
        .map(|p| parent_dir(p).to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let in_bundle = |p: &str| -> Option<&String> {
        let mut d = parent_dir(p);
        while !d.is_empty() {
            if let Some(b) = bundles.get(d) {
                return Some(b);
            }
            d = parent_dir(d);
        }
        None
    };
    let mut item_dirs = BTreeSet::new();
    for (path, cp) in files.iter().zip(&cps) {
        let name = cp.rsplit('/').next().unwrap_or("");
        let source = under(root, path).map(PathBuf::from).unwrap_or_else(|| rel(root, path));
        if let Some(bundle) = in_bundle(cp) {
            if cp == &format!("{bundle}/index.md") {
                let id = bundle.rsplit('/').next().unwrap_or(bundle).to_string();
                item_dirs.insert(parent_dir(bundle).to_string());
                found.items.push(ItemFile {
                    source,
                    content_path: cp.clone(),
                    dir: bundle.clone(),
                    dir_for_section: parent_dir(bundle).to_string(),
                    id,
                    is_toml: false,
                });
            } else {
                found.assets.push(Asset { path: path.clone(), content_path: cp.clone() });
            }
            continue;
        }
        let dir = parent_dir(cp).to_string();
        if name == "_index.md" {
            found.index_files.insert(dir, source);
        } else if name.ends_with(".md") || name.ends_with(".toml") {
            let is_toml = name.ends_with(".toml");
            let id = name.trim_end_matches(".md").trim_end_matches(".toml").to_string();
            item_dirs.insert(dir.clone());
            found.items.push(ItemFile {
                source,
                content_path: cp.clone(),
                dir: dir.clone(),
                dir_for_section: dir,
                id,
                is_toml,
            });
        } else {
            found.assets.push(Asset { path: path.clone(), content_path: cp.clone() });
        }
    }
    let mut sections: BTreeSet<String> = found.index_files.keys().cloned().collect();
    sections.insert(String::new());
    for d in item_dirs {
        let mut d = d.as_str();
        while !d.is_empty() {
            sections.insert(d.to_string());
            d = parent_dir(d);
        }
    }
    let mut section_dirs: Vec<String> = sections.into_iter().collect();
    section_dirs.sort_by_key(|d| (d.matches('/').count() + usize::from(!d.is_empty()), d.clone()));
    found.section_dirs = section_dirs;
    errors.into_result(found)
}

/// The nearest section directory at or above `dir`.
pub fn section_of<'a>(dir: &str, sections: &'a [String]) -> &'a str {
    let mut d = dir;
    loop {
        if let Some(s) = sections.iter().find(|s| s.as_str() == d) {
            return s;
        }
        if d.is_empty() {
            return "";
        }
        d = parent_dir(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_a_folder_are_cut_as_text_only_at_a_separator() {
        let p = Path::new;
        assert_eq!(under(p("site"), p("site/content/a.md")), Some("content/a.md"));
        assert_eq!(under(p("site/"), p("site/content/a.md")), Some("content/a.md"));
        assert_eq!(under(p("."), p("./content/a.md")), Some("content/a.md"));
        assert_eq!(under(p("site"), p("sites/content/a.md")), None);
        assert_eq!(under(p("site"), p("site")), None);
        assert_eq!(content_path(p("s/content"), p("s/content/news/a.md")), "news/a.md");
    }

    #[test]
    fn editor_and_private_files_are_ignored() {
        for name in [".a.md.swp", "a.md~", "4913", "_notes.md", ".git", "#a.md#"] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["_index.md", "index.md", "a.md", "logo.png"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
