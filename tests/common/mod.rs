//! Helpers for the behaviour tests: fixture sites in temporary folders, the binary, HTML queries.
#![allow(dead_code)]

pub mod browser;
pub mod running;
pub mod serve;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{Html, Selector};

/// A copy of a fixture site in a temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Copies `tests/sites/<name>` into a fresh temporary folder.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name), dir.path());
        Site { dir }
    }

    /// The department's example site at the repository root (site.toml, content/, themes/).
    pub fn example() -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(root.join("site.toml"), dir.path().join("site.toml")).expect("site.toml");
        copy_dir(&root.join("content"), &dir.path().join("content"));
        copy_dir(&root.join("themes"), &dir.path().join("themes"));
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes (or overwrites) a file of the site.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let p = self.root().join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).expect("rm -r");
        } else {
            std::fs::remove_file(p).expect("rm");
        }
        self
    }

    /// `liaison <args> --root <site>`, with a fixed clock.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("liaison").expect("binary");
        c.args(args)
            .arg("--root")
            .arg(self.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("LIAISON_LANG")
            .env("NO_COLOR", "1");
        c
    }

    /// Builds with `--now 2018-09-15` and returns stdout; panics with stderr on failure.
    pub fn build(&self, extra: &[&str]) -> String {
        let mut args = vec!["build", "--now", "2018-09-15"];
        args.extend_from_slice(extra);
        let out = self.cmd(&args).output().expect("run");
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Builds expecting failure; returns (exit code, stderr). Messages are in the site's language.
    pub fn build_err(&self, extra: &[&str]) -> (i32, String) {
        self.build_err_in(None, extra)
    }

    /// [`Self::build_err`] with messages in `lang` (`LIAISON_LANG`) when given.
    pub fn build_err_in(&self, lang: Option<&str>, extra: &[&str]) -> (i32, String) {
        let mut args = vec!["build", "--now", "2018-09-15"];
        args.extend_from_slice(extra);
        let mut cmd = self.cmd(&args);
        if let Some(lang) = lang {
            cmd.env("LIAISON_LANG", lang);
        }
        let out = cmd.output().expect("run");
        assert!(!out.status.success(), "build unexpectedly succeeded:\n{}", String::from_utf8_lossy(&out.stdout));
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public().join(rel)).unwrap_or_else(|e| panic!("read public/{rel}: {e}"))
    }

    pub fn page(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }

    /// Every file of the output, relative, sorted.
    pub fn output_files(&self) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(self.public())
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(self.public()).expect("prefix").to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

pub struct Page(pub Html);

impl Page {
    fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
        self.0.select(&sel).collect()
    }

    /// The trimmed text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        let el = self.all(css).into_iter().next().unwrap_or_else(|| panic!("no element {css} in\n{}", self.0.html()));
        el.text().collect::<String>().trim().to_string()
    }

    /// The texts of all elements matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css).into_iter().map(|e| e.text().collect::<String>().trim().to_string()).collect()
    }

    pub fn attr(&self, css: &str, name: &str) -> String {
        let el = self.all(css).into_iter().next().unwrap_or_else(|| panic!("no element {css} in\n{}", self.0.html()));
        el.value().attr(name).unwrap_or_else(|| panic!("{css} has no {name}")).to_string()
    }

    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.all(css).into_iter().filter_map(|e| e.value().attr(name).map(str::to_string)).collect()
    }

    pub fn inner_html(&self, css: &str) -> String {
        self.all(css).into_iter().next().map(|e| e.inner_html()).unwrap_or_default()
    }

    pub fn count(&self, css: &str) -> usize {
        self.all(css).len()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file and symlink under `dir` (relative path -> bytes, or `-> target` for a symlink),
/// for "nothing here changed" assertions. Missing `dir` is an empty tree.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    if !dir.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(dir).expect("prefix").to_string_lossy().into_owned();
        if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).expect("readlink");
            files.insert(rel, format!("-> {}", target.display()).into_bytes());
        } else if entry.file_type().is_file() {
            files.insert(rel, std::fs::read(entry.path()).expect("read"));
        } else {
            files.insert(format!("{rel}/"), Vec::new());
        }
    }
    files
}

/// What a hostile-input test asserts of every run: liaison exited by itself (not killed by a
/// signal, e.g. a stack overflow's abort) and did not panic.
pub fn assert_no_crash(out: &std::process::Output) -> (i32, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code =
        out.status.code().unwrap_or_else(|| panic!("liaison was killed by a signal: {:?}\n{stderr}", out.status));
    assert!(!stderr.contains("panicked"), "liaison panicked:\n{stderr}");
    assert!(!stderr.contains("overflowed its stack"), "stack overflow:\n{stderr}");
    (code, stderr)
}
