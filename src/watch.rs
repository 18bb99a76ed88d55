//! `liaison watch`: rebuild on every change, writing only what changed.
//!
//! The watch loop drives the same pipeline as `build` ([`pipeline::build_site_cached`]); the
//! content cache makes it re-read only changed files, and [`output::sync_site`] writes only the
//! outputs whose bytes changed and removes outputs whose sources are gone. The first build
//! replaces the output folder whole, so from then on the folder always equals what a clean
//! `liaison build` of the same files writes.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::codes::Code;
use crate::content::is_ignored_name;
use crate::diagnostic::Diagnostic;
use crate::i18n::Lang;
use crate::output::{self, Output};
use crate::pipeline::{self, BuildError, BuildOptions, Caches};
use crate::t;

/// What one (re)build did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub pages: usize,
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
    /// Only stylesheets changed: a browser can swap them without reloading.
    pub css_only: bool,
}

/// Keeps the last good output in memory and brings the output folder up to date.
pub struct Rebuilder {
    opts: BuildOptions,
    out: PathBuf,
    caches: Caches,
    last: Option<Output>,
}

impl Rebuilder {
    pub fn new(opts: BuildOptions) -> Result<Rebuilder, BuildError> {
        let out = opts.out_dir();
        output::check_out_dir(&opts.root, &out).map_err(BuildError::Usage)?;
        Ok(Rebuilder { opts, out, caches: Caches::default(), last: None })
    }

    pub fn out_dir(&self) -> &Path {
        &self.out
    }

    /// The language of messages, read afresh (an editor may change `language` while watching).
    pub fn lang(&self) -> Lang {
        Lang::for_site(&self.opts.root)
    }

    /// Forgets cached content (after `site.toml` changed: tiers and kinds may differ).
    pub fn forget_content(&mut self) {
        self.caches = Caches::default();
    }

    /// Tells the next rebuild which files changed (absolute or relative to the site folder), so
    /// it can skip the walk of `content/` when they are all item files it already knows.
    pub fn changed(&mut self, root: &Path, paths: &[PathBuf]) {
        let rel: Vec<PathBuf> =
            paths.iter().map(|p| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone())).collect();
        self.caches.content.only_changed(rel);
    }

    /// Whether the last rebuild walked `content/` (false when it re-read only the changed files).
    pub fn last_walked(&self) -> bool {
        self.caches.content.last_walked
    }

    /// Builds and writes: the whole folder the first time, only the differences after that.
    /// A failed build writes nothing; the last good output stays.
    pub fn rebuild(&mut self) -> Result<Report, BuildError> {
        let start = Instant::now();
        let built = pipeline::build_site_cached(&self.opts, &mut self.caches)?;
        let pages = built.pages();
        let timings = std::env::var_os("LIAISON_TIMINGS").is_some();
        if timings {
            for (stage, d) in &built.stages {
                eprintln!("{stage:>28}: {:>7.1} ms", d.as_secs_f64() * 1000.0);
                if *stage == "render" {
                    for (step, d) in &built.render_steps {
                        eprintln!("{:>28}  {:>7.1} ms {step}", "", d.as_secs_f64() * 1000.0);
                    }
                }
            }
            eprintln!("{:>28}: {}", "items reused", self.caches.model.last_reused);
            eprintln!("{:>28}: {}", "pages rendered", self.caches.render.last_rendered);
            eprintln!("{:>28}: {}", "fragments made or reused", self.caches.render.last_fragments);
        }
        let lap = Instant::now();
        let report = match &self.last {
            None => {
                output::write_site(&self.out, &built.output).map_err(|d| BuildError::Content(d.into()))?;
                Report { pages, written: built.files(), ..Report::default() }
            }
            Some(old) => {
                let stats =
                    output::sync_site(&self.out, old, &built.output).map_err(|d| BuildError::Content(d.into()))?;
                let css_only = stats.removed == 0
                    && !stats.written.is_empty()
                    && stats.written.iter().all(|p| p.ends_with(".css"));
                Report { pages, written: stats.written.len(), removed: stats.removed, css_only, ..Report::default() }
            }
        };
        if timings {
            eprintln!("{:>28}: {:>7.1} ms", "write changes", lap.elapsed().as_secs_f64() * 1000.0);
        }
        // The last output (12,000 paths at 10,000 pages) is freed off the editor's path.
        if let Some(old) = self.last.replace(built.output) {
            crate::free_beside(old);
        }
        Ok(Report { elapsed: start.elapsed(), ..report })
    }
}

/// Whether a changed path matters to the site: `site.toml`, anything under `content/` or
/// `themes/`, but not editors' temporary files or the output folder itself.
pub fn is_relevant(root: &Path, out: &Path, path: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    if rel.components().any(|c| is_ignored_name(&c.as_os_str().to_string_lossy())) {
        return false;
    }
    rel == Path::new("site.toml") || rel.starts_with("content") || rel.starts_with("themes")
}

/// Messages the watch loop sends to whoever listens (the dev server's live reload).
#[derive(Debug, Clone)]
pub enum Event {
    Rebuilt { css_only: bool },
    Failed(String),
}

/// Builds, then rebuilds on every relevant change until the process is stopped. Each outcome
/// is printed to `log` and sent to `notify`.
pub fn run(mut rebuilder: Rebuilder, log: &mut dyn std::io::Write, notify: &dyn Fn(Event)) -> Result<(), BuildError> {
    first_build(&mut rebuilder, log, notify)?;
    watch_changes(rebuilder, log, notify)
}

/// The first build. Content errors are reported (the loop goes on and waits for a fix); usage
/// errors (a bad `--now`, an output folder that is refused) are returned.
pub fn first_build(
    rebuilder: &mut Rebuilder,
    log: &mut dyn std::io::Write,
    notify: &dyn Fn(Event),
) -> Result<(), BuildError> {
    let lang = rebuilder.lang();
    report(rebuilder.rebuild(), lang.pick("initial build", "首次构建"), lang, log, notify, &mut false)
}

/// Rebuilds on every relevant change until the process is stopped.
pub fn watch_changes(
    mut rebuilder: Rebuilder,
    log: &mut dyn std::io::Write,
    notify: &dyn Fn(Event),
) -> Result<(), BuildError> {
    let root = std::fs::canonicalize(&rebuilder.opts.root).unwrap_or_else(|_| rebuilder.opts.root.clone());
    let out = std::fs::canonicalize(rebuilder.out_dir()).unwrap_or_else(|_| rebuilder.out_dir().to_path_buf());
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let cannot_watch = |p: &Path, e: notify::Error| {
        BuildError::Usage(
            Diagnostic::new(p, Code::CannotWatch, t!("cannot watch for changes: {e}", "无法监视文件变化：{e}")).hint(
                t!(
                    "on Linux, raise the inotify limit: sysctl fs.inotify.max_user_watches=524288",
                    "在 Linux 上可以调高 inotify 上限：sysctl fs.inotify.max_user_watches=524288"
                ),
            ),
        )
    };
    let mut debouncer = new_debouncer(Duration::from_millis(80), None, tx).map_err(|e| cannot_watch(&root, e))?;
    for (p, mode) in [
        (root.join("content"), RecursiveMode::Recursive),
        (root.join("themes"), RecursiveMode::Recursive),
        (root.clone(), RecursiveMode::NonRecursive),
    ] {
        if p.exists() {
            debouncer.watch(&p, mode).map_err(|e| cannot_watch(&p, e))?;
        }
    }
    let lang = rebuilder.lang();
    let shown = root.display();
    let _ = writeln!(
        log,
        "{}",
        t!("Watching {shown} for changes (Ctrl-C to stop)", "正在监视 {shown} 的变化（按 Ctrl-C 停止）").get(lang)
    );
    // After a failed build the next good one must be announced even if no file changed, so
    // browsers drop the error overlay.
    let mut failed = false;
    for result in rx {
        let Ok(events) = result else { continue };
        // Reading files (our own rebuild does) raises access events; only changes count.
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| {
                use notify::EventKind::{Any, Create, Modify, Other, Remove};
                use notify::event::ModifyKind;
                match e.kind {
                    Create(_) | Remove(_) | Any | Other => true,
                    Modify(ModifyKind::Metadata(_)) => false,
                    Modify(_) => true,
                    _ => false,
                }
            })
            .flat_map(|e| e.paths.iter().cloned())
            .filter(|p| is_relevant(&root, &out, p))
            .collect();
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        if paths.iter().any(|p| p.ends_with("site.toml")) {
            rebuilder.forget_content();
        } else {
            rebuilder.changed(&root, &paths);
        }
        let what: Vec<String> =
            paths.iter().take(3).map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string()).collect();
        let lang = rebuilder.lang();
        let n = paths.len().saturating_sub(3);
        let more = if n > 0 { t!(" and {n} more", " 等另外 {n} 个").get(lang).to_string() } else { String::new() };
        let what = format!("{}{more}", what.join(", "));
        let _ = report(rebuilder.rebuild(), &what, lang, log, notify, &mut failed);
    }
    Ok(())
}

fn report(
    result: Result<Report, BuildError>,
    what: &str,
    lang: Lang,
    log: &mut dyn std::io::Write,
    notify: &dyn Fn(Event),
    failed: &mut bool,
) -> Result<(), BuildError> {
    match result {
        Ok(r) => {
            let (pages, written, removed, ms) = (r.pages, r.written, r.removed, r.elapsed.as_millis());
            let line = t!(
                "Rebuilt ({what}): {pages} pages, {written} files written, {removed} removed in {ms} ms",
                "已重新构建（{what}）：{pages} 个页面，写入 {written} 个文件，删除 {removed} 个，用时 {ms} ms"
            );
            let _ = writeln!(log, "{}", line.get(lang));
            if r.written + r.removed > 0 || *failed {
                notify(Event::Rebuilt { css_only: r.css_only && !*failed });
            }
            *failed = false;
            Ok(())
        }
        Err(BuildError::Content(diags)) => {
            let text: String = diags.0.iter().map(|d| format!("{}\n", d.render(lang))).collect();
            let n = diags.len();
            let line = t!(
                "Build failed ({what}): {n} error(s); still serving the last good build.",
                "构建失败（{what}）：{n} 个错误；仍在使用上一次成功的构建。"
            );
            let _ = writeln!(log, "{text}{}", line.get(lang));
            let headline = t!(
                "liaison: the last change did not build. The page shows the last good build.",
                "liaison：最近一次修改没能构建成功，页面显示的是上一次成功构建的版本。"
            );
            notify(Event::Failed(format!("{}\n\n{text}", headline.get(lang))));
            *failed = true;
            Ok(())
        }
        Err(e @ BuildError::Usage(_)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temporaries_and_output_are_not_relevant() {
        let root = Path::new("/s");
        let out = Path::new("/s/public");
        assert!(is_relevant(root, out, Path::new("/s/content/a.md")));
        assert!(is_relevant(root, out, Path::new("/s/site.toml")));
        assert!(is_relevant(root, out, Path::new("/s/themes/default/static/style.css")));
        assert!(!is_relevant(root, out, Path::new("/s/content/.a.md.swp")));
        assert!(!is_relevant(root, out, Path::new("/s/content/a.md~")));
        assert!(!is_relevant(root, out, Path::new("/s/content/4913")));
        assert!(!is_relevant(root, out, Path::new("/s/public/index.html")));
        assert!(!is_relevant(root, out, Path::new("/s/README.md")));
    }
}
